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
    assert done.returncode == 0, done.stderr[-2000:]
    for table in ("### Overall", "### Per language", "### Per hole kind", "### Per overrun kind"):
        assert table in done.stdout
    assert "| python |" in done.stdout
    assert "| block_body |" in done.stdout


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
