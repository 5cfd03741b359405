"""The benchmark commands of README and BENCHMARKS.md still run (quick form; no timing is judged)."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    machine = re.findall(r"\b\d+(?:\.\d+)?e[+-]\d+\b", done.stdout)
    assert not machine, f"{args[0]} prints numbers in exponent notation for people: {machine}"
    return done


def test_latency_benchmark_runs() -> None:
    done = _run("bench/bench_latency.py", "--quick")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    for scenario in ("### 1.", "### 2.", "### 3.", "### 4.", "### 5.", "### 6."):
        assert scenario in done.stdout, f"no scenario {scenario!r} in:\n{done.stdout[-3000:]}"
    assert "Wrong answers: 0" in done.stdout, f"wrong answers:\n{done.stdout[-3000:]}"


def test_document_benchmark_runs() -> None:
    done = _run("bench/bench_documents.py")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "| 100,000 | insert 1 char |" in done.stdout


def test_quality_benchmark_runs() -> None:
    done = _run("bench/bench_quality.py", "--quick")
    failures = done.stdout.partition("### FAILURES")[2]
    assert done.returncode == 0, (failures or done.stdout[-2000:]) + done.stderr[-2000:]
    assert "| dev |" in done.stdout and "| heldout |" in done.stdout
    for split in ("dev", "heldout"):
        for table in ("per language", "per hole kind", "per overrun kind"):
            assert f"### `{split}`: {table}" in done.stdout
    for language in ("python", "javascript", "typescript", "lua", "c", "shell", "go", "rust"):
        assert f"| {language} |" in done.stdout
    assert "| block_body |" in done.stdout and "| opener_line |" in done.stdout


def test_soak_benchmark_passes() -> None:
    done = _run("bench/bench_soak.py", "--quick")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "unanswered: 0" in done.stdout and "Verdict: passed" in done.stdout


def test_prefetch_benchmark_runs() -> None:
    done = _run("bench/bench_prefetch.py", "--quick")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    [row] = [line for line in done.stdout.splitlines() if "without a new provider request" in line]
    off, on = (float(cell) for cell in row.split("|")[2:4])
    assert off == 0.0 and on > 0.0  # only the prefetch answers before it is asked


def test_adaptation_benchmark_runs() -> None:
    done = _run("bench/bench_adaptation.py", "--quick")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    rows = {
        line.split("|")[1].strip(): [float(cell.split()[0]) for cell in line.split("|")[2:4]]
        for line in done.stdout.splitlines()
        if line.startswith("| ") and not line.startswith("| |")
    }
    off, on = rows["tokens generated per suggestion"]
    assert on < off  # one-line suggestions once only first lines are kept
    assert rows["characters kept per suggestion"][0] == rows["characters kept per suggestion"][1]
    off, on = rows["provider requests per 100 keys"]
    assert on < off  # a longer wait once nothing is accepted


def test_stats_benchmark_runs() -> None:
    done = _run("bench/bench_stats.py", "--quick")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    rows = {line.split("|")[1].strip() for line in done.stdout.splitlines() if line.startswith("|")}
    assert {"file size", "save (read, add, write), median", "summary for fimLsp.stats, median"} <= (
        rows
    )


def test_startup_benchmark_runs() -> None:
    done = _run("bench/bench_startup.py", "--quick")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    rows = [
        line.split("|")[1].strip() for line in done.stdout.splitlines() if line.startswith("| ")
    ]
    assert rows[0] == "server"
    assert {"bare pygls server (baseline)", "fim-lsp, `python -m fim_lsp`"} <= set(rows[1:])


def test_quality_benchmark_asks_a_real_provider() -> None:
    """--provider through a llama-server (the fake on 127.0.0.1, answering every case exactly):
    the raw and the shown text are both reported, and both are exact."""
    from bench.bench_quality import QUICK, Replay, build
    from bench.fakes.llamacpp import FakeLlamaCpp

    files, _ = build(QUICK, "heldout")
    for file in files:
        for case in file.cases:
            case.raw = case.middle
    with FakeLlamaCpp(completion=Replay(files)) as fake:
        done = _run(
            "bench/bench_quality.py",
            "--quick",
            "--split=heldout",
            "--provider=llamacpp",
            f"--base-url={fake.base_url}",
            f"--model={fake.MODEL}",
            "--limit=6",
        )
        asked = len([r for r in fake.requests if r.path == "/infill"])
    failures = done.stdout.partition("### FAILURES")[2]
    assert done.returncode == 0, (failures or done.stdout[-2000:]) + done.stderr[-2000:]
    [row] = [line for line in done.stdout.splitlines() if line.startswith("| heldout |")]
    cells = [cell.strip() for cell in row.split("|")[1:-1]]
    assert cells[1] == "6", row
    assert cells[2] == "**100.0%**" and cells[6] == "100.0%", f"shown and raw exact: {row}"
    assert asked == 12, f"one raw and one shown request per case, got {asked}"


def test_retrieval_benchmark_runs() -> None:
    done = _run("bench/bench_retrieval.py", "--quick")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    for split in ("dev", "heldout"):
        assert f"### `{split}`: definition recall at 300 tokens, per language" in done.stdout
    rows = [line.split("|") for line in done.stdout.splitlines() if line.startswith("| all |")]
    assert len(rows) == 2, done.stdout
    for row in rows:
        cases, baseline, index = int(row[2]), float(row[3].strip(" %")), float(row[4].strip(" %"))
        assert cases > 0 and index > baseline  # the index finds definitions related code misses
    assert "| definitions indexed | - |" in done.stdout


def test_retrieval_benchmark_on_a_generated_workspace_runs() -> None:
    done = _run("bench/bench_retrieval.py", "--large", "--quick")  # 2,000 files, not 20,000
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    for row in (
        "| context, CPU time, p95 |",
        "| resident memory once the index is built | - |",
        "| definitions indexed (cap 150,000) | - | 80,000 |",
        "| a save: the saved file read again (server's log) | - |",
        "| a save before: the workspace listed again (in process) | - |",
    ):
        assert row in done.stdout, f"no {row!r} in:\n{done.stdout}"


def test_counts_read_as_people_write_them() -> None:
    """Large counts in the latency tables were printed as `1.04169e+06`."""
    from bench.bench_latency import count

    assert count(1_041_690) == "1,041,690"
    assert count(2.5) == "2.5" and count(3.0) == "3"
