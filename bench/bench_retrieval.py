"""Benchmark: how often the context fim-lsp sends holds the definition the hole needs, and its cost.

Run: .venv/bin/python bench/bench_retrieval.py [--quick] [--split dev|heldout|both] [--no-scale]
     .venv/bin/python bench/bench_retrieval.py --large [--quick]

Cases are cut from the pinned corpora in bench/corpus (see SOURCES.md): each language folder is
copied to a temporary folder, which is the workspace. A case is a use, in code (not in a comment
or string), of a name that exactly one other file of the workspace defines and the file itself
does not (a function, class, method, constant, type). The cursor is at the start of that use, or
after its first two characters (seeded, half each); the middle is the rest of the line, which is
removed. The truth is the definition's signature line, found with the server's own extractor
(`fim_lsp.context.symbols`), so a definition that extractor cannot see is not a case either:
recall is measured for what the index can know, not for every cross-file name.

The real server (``python -m fim_lsp --stdio --log-level DEBUG``) is driven over stdio as an
editor would: initialize with the workspace folder, didOpen of the current file and two other
files of the workspace (seeded, the same in both runs), a didChange that removes the middle, an
``Invoked`` inlineCompletion at the cursor, a didChange that puts the middle back. The fake
Codestral on 127.0.0.1 records the prompt; the context is the part of the prompt before the
file's own text. Two runs over the same cases at the default budget (extraContextTokens 300):
the baseline (``workspaceDefinitions`` off: related code from open files by similarity, as
before) and the index (on). Measured per case: whether the context holds the signature line,
its size in tokens (3.5 characters each, as the server counts), and the server's own time for
the context (its DEBUG log line ``context: ... in X ms``).

The scale part copies 2,000 Python files of the standard library into one workspace and asks at
200 places in them: p50/p95 of the context's wall and CPU time (the machine may be shared), the
index's build time and size, and the server's resident memory with the index on and off.

`--large` (alone) generates a workspace of 20,000 code files in five languages in a temporary
folder, more definitions than the index keeps (MAX_DEFINITIONS), and measures through the real
server the build, the resident memory with the index off and on, p50/p95 wall and CPU time of
the context at 200 places, and what a save costs: the server's own time to read one saved file
again (didSave), against listing the whole workspace again (what a save cost before: measured
in this process on the same folder, as the index's worker does it).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import shutil
import statistics
import sys
import sysconfig
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lsprotocol import types

from bench.bench_quality import QualityServer, position
from bench.fakes.codestral import FakeCodestral
from bench.fakes.env import server_env
from bench.lsp_driver import REQUEST_TIMEOUT, SERVER_COMMAND, Failure, run_benchmark
from bench.quality_cases import CORPUS, SYNTAX, mask
from fim_lsp import config
from fim_lsp.context import symbols
from fim_lsp.context.workspace import WorkspaceIndex

SEED = 20260420
LANGUAGES = ("python", "javascript", "typescript", "go", "rust", "c", "lua")
CASES_PER_FILE = 6
OPENED_OTHERS = 2
TYPED = (0, 2)  # characters of the name typed before the cursor
CONTEXT_LINE = re.compile(
    r"context: (\d+) blocks, (\d+) definitions in ([\d.]+) ms \(([\d.]+) ms CPU\)"
)
INDEXED = re.compile(r"workspace index: (\d+) files \(of (\d+)\), (\d+) definitions in ([\d.]+) s")
COMMAND = [*SERVER_COMMAND, "--log-level", "DEBUG"]
SCALE_FILES = 2_000
LARGE_FILES = 20_000
PATCHED = re.compile(r"workspace index: (\d+) of (\d+) changed files indexed again in ([\d.]+) ms")


@dataclass
class Case:
    language: str
    path: str  # relative to the workspace
    name: str
    signature: str
    defined_in: str
    offset: int  # the cursor
    end: int  # the end of the middle (end of the line)
    typed: int
    # run -> (found, tokens, wall ms, CPU ms)
    results: dict[str, tuple[bool, int, float, float]] | None = None


@dataclass
class Workspace:
    split: str
    language: str
    root: Path
    texts: dict[str, str]  # relative path -> text
    cases: list[Case]


def corpus_files(split: str, language: str) -> dict[str, str]:
    """The corpus files of one language that the index reads, by path."""
    folder = CORPUS / split / language
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and symbols.family_of_path(relative) is not None:
            found[relative] = path.read_text(encoding="utf-8", errors="replace")
    return found


def cut_cases(language: str, texts: dict[str, str], per_file: int) -> list[Case]:
    """The seeded cases of one workspace (see the module's docstring)."""
    family = symbols.family_of_path(next(iter(texts))) or ""
    defined: dict[str, list[tuple[str, symbols.Definition]]] = defaultdict(list)
    own: dict[str, set[str]] = {}
    for path, text in texts.items():
        found = symbols.definitions(text, family)
        own[path] = {d.name for d in found}
        for definition in found:
            defined[definition.name].append((path, definition))
    cases: list[Case] = []
    for path, text in texts.items():
        rng = random.Random(f"{SEED}:{language}:{path}")
        code = mask(text, language)
        uses: dict[str, int] = {}
        for match in re.finditer(r"[A-Za-z_]\w*", code):
            name = match[0]
            places = defined.get(name, [])
            if (
                len(name) >= 4
                and name not in own[path]
                and len(places) == 1
                and name not in uses
                and (match.start() == 0 or code[match.start() - 1] not in "\"'`")
            ):
                uses[name] = match.start()
        names = sorted(uses)
        rng.shuffle(names)
        for name in names[:per_file]:
            start = uses[name]
            typed = rng.choice(TYPED)
            end = text.find("\n", start)
            end = len(text) if end == -1 else end
            defined_in, definition = defined[name][0]
            cases.append(
                Case(language, path, name, definition.signature.strip(), defined_in,
                     start + typed, end, typed)
            )  # fmt: skip
    return cases


async def start_server(env: dict[str, str], root: Path) -> QualityServer:
    """A server over stdio, initialized with `root` as its workspace folder."""
    server = QualityServer(env, list(COMMAND), workspace=root.as_uri())
    await server.start()
    await server.configured(limit=60.0)  # generous: the machine may be busy
    return server


async def wait_for_index(
    server: QualityServer, limit: float = 120.0
) -> tuple[int, int, int, float]:
    """Wait for the server's log to say the index is built: (files, seen, definitions, seconds)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        for line in server.stderr:
            if match := INDEXED.search(line):
                return int(match[1]), int(match[2]), int(match[3]), float(match[4])
        server.check_alive()
        await asyncio.sleep(0.05)
    raise Failure(f"the workspace index was not built within {limit:.0f} s")


def context_of(prompt: str, prefix: str) -> str:
    """The part of `prompt` before the document's own text (which ends it)."""
    k = 0
    limit = min(len(prompt), len(prefix))
    while k < limit and prompt[-1 - k] == prefix[-1 - k]:
        k += 1
    return prompt[: len(prompt) - k]


async def run_workspace(
    workspace: Workspace, fake: FakeCodestral, run: str, env: dict[str, str]
) -> None:
    """Every case of one workspace through one server; results under `run`."""
    server = await start_server(env, workspace.root)
    try:
        if run == "index":
            await wait_for_index(server)
        language_id = SYNTAX[workspace.language].language_id
        by_file: dict[str, list[Case]] = defaultdict(list)
        for case in workspace.cases:
            by_file[case.path].append(case)
        paths = sorted(workspace.texts)
        for path, cases in by_file.items():
            rng = random.Random(f"{SEED}:open:{workspace.language}:{path}")
            others = rng.sample([p for p in paths if p != path], min(OPENED_OTHERS, len(paths) - 1))
            uris = []
            for other in others:  # the files an editor has open beside the current one
                uri = (workspace.root / other).as_uri()
                server.open_as(uri, workspace.texts[other], language_id)
                uris.append(uri)
            text = workspace.texts[path]
            uri = (workspace.root / path).as_uri()
            server.open_as(uri, text, language_id)
            uris.append(uri)
            for case in cases:
                start, end = position(text, case.offset), position(text, case.end)
                server.replace(uri, start, end, "")
                logged = len(server.stderr)
                before = len(fake.requests)
                await server.inline(uri, *start, invoked=True)
                if len(fake.requests) == before:
                    raise Failure(f"no request reached the fake for {case.path}:{case.name}")
                prompt = str(fake.requests[-1].body["prompt"])
                context = context_of(prompt, text[: case.offset])
                ms, cpu_ms = await logged_ms(server, logged)
                found = any(
                    line.strip() == case.signature for line in _uncommented(context, case.language)
                )
                results = case.results if case.results is not None else {}
                results[run] = (found, config.tokens(len(context)), ms, cpu_ms)
                case.results = results
                server.replace(uri, start, start, text[case.offset : case.end])
            for opened in uris:
                server.close(opened)
            server.check_alive()
    finally:
        await server.stop()


def _uncommented(context: str, language: str) -> list[str]:
    marker = SYNTAX[language].line_comment
    return [
        line[len(marker) :] if line.startswith(marker) else line for line in context.split("\n")
    ]


async def logged_ms(
    server: QualityServer, since: int, limit: float = REQUEST_TIMEOUT
) -> tuple[float, float]:
    """The context's time (wall, CPU) from the server's log for the request just answered."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        for line in server.stderr[since:]:
            if match := CONTEXT_LINE.search(line):
                return float(match[3]), float(match[4])
        await asyncio.sleep(0.01)
    raise Failure("the server logged no context line for a request")


# --------------------------------------------------------------------------- scale


def copy_library(library: Path, root: Path) -> list[Path]:
    """SCALE_FILES Python files of `library` copied under `root` (a folder of their own: the
    library may sit inside a repository that ignores it)."""
    files = sorted(p for p in library.rglob("*.py") if "__pycache__" not in p.parts)
    copies = []
    for path in files[:SCALE_FILES]:
        copy = root / path.relative_to(library)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
        copies.append(copy)
    return copies


async def scale(fake: FakeCodestral, places: int, root: Path) -> list[str]:
    """The index on 2,000 files of the standard library: build, time per request, memory."""
    library = Path(sysconfig.get_paths()["stdlib"])
    copies = copy_library(library, root)
    rng = random.Random(f"{SEED}:scale")
    picks = [(rng.choice(copies), "python") for _ in range(places)]
    rows: dict[str, Any] = {}
    for run, value in (("off", "false"), ("on", "true")):
        env = server_env(fake, FIM_LSP_DEBOUNCE_MS="0", FIM_LSP_PREFETCH="false",
                         FIM_LSP_WORKSPACE_DEFINITIONS=value)  # fmt: skip
        server = await start_server(env, root)
        try:
            if run == "on":
                rows["index"] = await wait_for_index(server)
            times = await line_end_times(server, fake, picks, str(SEED))
            rows[run] = (times, server.memory_kb("VmRSS"))
        finally:
            await server.stop()
    (off_times, off_rss), (on_times, on_rss) = rows["off"], rows["on"]
    indexed, seen, count, seconds = rows["index"]

    out = [
        f"Workspace: {len(copies)} `.py` files of the Python standard library (`{library}`, "
        f"sorted by path, site-packages included), copied to a folder of their own; {places} "
        f"requests at the end of a random line of a random file (each opened, asked, closed; "
        f"{len(on_times)} reached the provider, the others got no provider request).",
        "",
        *cost_rows(off_times, on_times),
    ]
    out += [
        f"| server resident memory after the requests | {off_rss / 1024:.1f} MiB "
        f"| {on_rss / 1024:.1f} MiB |",
        f"| files indexed (of those listed) | - | {indexed} (of {seen}) |",
        f"| definitions indexed | - | {count} |",
        f"| index build, on its thread | - | {seconds:.2f} s |",
    ]
    return out


# --------------------------------------------------------------------------- large


LARGE_LANGUAGES = (  # extension, languageId, a module of `k` definitions
    ("py", "python", "def {name}(value, options=None):\n    return helper_{i}(value)\n\n"),
    ("ts", "typescript", "export function {name}(value: number): number {{\n  return value\n}}\n"),
    ("go", "go", "func {name}(value int) int {{\n\treturn value\n}}\n\n"),
    ("lua", "lua", "function M.{name}(value)\n  return value\nend\n\n"),
    ("rs", "rust", "pub fn {name}(value: u32) -> u32 {{\n    value\n}}\n\n"),
)
LARGE_DEFINITIONS_PER_FILE = 40


def generate(root: Path, files: int) -> list[tuple[Path, str]]:
    """`files` code files under `root`, 50 to a folder, the languages in turn; each defines
    LARGE_DEFINITIONS_PER_FILE functions and calls two of its neighbour's. (path, languageId)."""
    made = []
    for i in range(files):
        extension, language_id, template = LARGE_LANGUAGES[i % len(LARGE_LANGUAGES)]
        folder = root / f"pkg{i // 50:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        body = "".join(
            template.format(name=f"compute_{i}_{k}", i=i) for k in range(LARGE_DEFINITIONS_PER_FILE)
        )
        uses = f"// uses compute_{i - 5}_1 and compute_{i - 5}_2\n" if i >= 5 else ""
        path = folder / f"module_{i:05d}.{extension}"
        path.write_text(uses + body, encoding="utf-8")
        made.append((path, language_id))
    return made


def relisting_seconds(root: Path, changed: Path) -> tuple[float, float, int]:
    """In this process, on the same folder: (seconds to list the workspace again after one
    change, seconds to patch that one file in, definitions indexed)."""
    index = WorkspaceIndex([str(root)])
    index.start()
    while not index.idle():
        time.sleep(0.05)
    touched(changed)
    started = time.perf_counter()
    index.start()  # what a save cost before: a listing, a stat of every file, the one read again
    while not index.idle():
        time.sleep(0.001)
    relisted = time.perf_counter() - started
    index.changed([str(changed)])
    while not index.idle():
        time.sleep(0.001)
    return relisted, index.patch_seconds, index.snapshot.definitions


async def large(fake: FakeCodestral, places: int, root: Path, files: int) -> list[str]:
    """The index on a generated workspace of `files` files: build, memory, time per request,
    and the cost of a save."""
    started = time.perf_counter()
    made = generate(root, files)
    written = time.perf_counter() - started
    rng = random.Random(f"{SEED}:large")
    picks = [rng.choice(made) for _ in range(places)]
    rows: dict[str, Any] = {}
    for run, value in (("off", "false"), ("on", "true")):
        env = server_env(fake, FIM_LSP_DEBOUNCE_MS="0", FIM_LSP_PREFETCH="false",
                         FIM_LSP_WORKSPACE_DEFINITIONS=value)  # fmt: skip
        server = await start_server(env, root)
        try:
            rss_start = server.memory_kb("VmRSS")
            if run == "on":
                rows["index"] = await wait_for_index(server, limit=600.0)
                rows["built rss"] = server.memory_kb("VmRSS")
            times = await line_end_times(server, fake, picks, f"{SEED}:large")
            if run == "on":
                rows["save"] = await saved_ms(server, picks[0][0])
            rows[run] = (times, rss_start, server.memory_kb("VmRSS"), server.memory_kb("VmHWM"))
        finally:
            await server.stop()
    relisted, patched, in_process = relisting_seconds(root, picks[1][0])
    (off_times, off_start, off_rss, off_peak) = rows["off"]
    (on_times, on_start, on_rss, on_peak) = rows["on"]
    indexed, seen, count, seconds = rows["index"]
    out = [
        f"Workspace: {files:,} generated files ({', '.join(e for e, _, _ in LARGE_LANGUAGES)} in "
        f"turn, 50 to a folder, {LARGE_DEFINITIONS_PER_FILE} functions each: "
        f"{files * LARGE_DEFINITIONS_PER_FILE:,} definitions on disk; written in {written:.1f} s); "
        f"{places} requests at the end of a random line of a random file (opened, asked, closed; "
        f"{len(on_times)} reached the provider).",
        "",
        *cost_rows(off_times, on_times),
    ]
    out += [
        f"| resident memory after initialize | {off_start / 1024:.1f} MiB "
        f"| {on_start / 1024:.1f} MiB |",
        f"| resident memory once the index is built | - | {rows['built rss'] / 1024:.1f} MiB |",
        f"| resident memory after the requests | {off_rss / 1024:.1f} MiB "
        f"| {on_rss / 1024:.1f} MiB |",
        f"| peak resident memory | {off_peak / 1024:.1f} MiB | {on_peak / 1024:.1f} MiB |",
        f"| files indexed (of those listed) | - | {indexed:,} (of {seen:,}) |",
        f"| definitions indexed (cap {workspace_cap():,}) | - | {count:,} |",
        f"| index build, on its thread | - | {seconds:.2f} s |",
        f"| a save: the saved file read again (server's log) | - | {rows['save']:.2f} ms |",
        f"| a save before: the workspace listed again (in process) | - | {relisted * 1000:.0f} ms |",
        f"| a save: the file patched in (in process) | - | {patched * 1000:.2f} ms |",
    ]
    assert in_process == count, "the in-process index differs from the server's"
    return out


def touched(path: Path) -> None:
    """`path` changed on disk: a line added at its end."""
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")


def workspace_cap() -> int:
    from fim_lsp.context import workspace

    return workspace.MAX_DEFINITIONS


async def line_end_times(
    server: QualityServer, fake: FakeCodestral, picks: list[tuple[Path, str]], seed: str
) -> list[tuple[float, float]]:
    """Open each (file, language) of `picks`, ask at the end of a random line, close it: the
    context's (wall, CPU) ms of each request that reached the provider."""
    times = []
    for number, (path, language_id) in enumerate(picks):
        text = path.read_text(encoding="utf-8", errors="replace")
        lines = text.split("\n")
        line = random.Random(f"{seed}:{number}").randrange(len(lines))
        uri = path.as_uri()
        server.open_as(uri, text, language_id)
        logged, asked = len(server.stderr), len(fake.requests)
        await server.inline(uri, line, len(lines[line]), invoked=True)
        if len(fake.requests) > asked:  # else no request reached the provider
            times.append(await logged_ms(server, logged))
        server.close(uri)
    return times


def cost_rows(off: list[tuple[float, float]], on: list[tuple[float, float]]) -> list[str]:
    """The table's head and its rows of wall and CPU time per request, index off and on."""
    rows = ["| | index off (baseline) | index on |", "|---|---:|---:|"]
    for q in (50, 95):
        rows.append(
            f"| context, wall time, p{q} | {percentile(off, q, 0)} | {percentile(on, q, 0)} |"
        )
        rows.append(
            f"| context, CPU time, p{q} | {percentile(off, q, 1)} | {percentile(on, q, 1)} |"
        )
    return rows


def percentile(times: list[tuple[float, float]], q: int, which: int) -> str:
    ordered = sorted(t[which] for t in times)
    return f"{ordered[min(len(ordered) - 1, len(ordered) * q // 100)]:.2f} ms" if ordered else "-"


async def saved_ms(server: QualityServer, path: Path) -> float:
    """Save `path` (changed on disk, didSave) and wait for the server's log of reading it."""
    touched(path)
    logged = len(server.stderr)
    server.client.text_document_did_save(
        types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri())
        )
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for line in server.stderr[logged:]:
            if match := PATCHED.search(line):
                return float(match[3])
        await asyncio.sleep(0.01)
    raise Failure("the server did not log reading the saved file again")


# --------------------------------------------------------------------------- report


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def table(cases: list[Case], key: str, groups: list[str]) -> list[str]:
    out = [
        f"| {key} | cases | recall: baseline | recall: index | tokens: baseline | tokens: index "
        "| ms p50: baseline | ms p50: index | ms p95: index | CPU ms p95: index |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for group in groups:
        chosen = [c for c in cases if group in (c.language, f"typed {c.typed}", "all")]
        if not chosen:
            continue
        row = [group, str(len(chosen))]
        for cell in ("found", "tokens", "ms50", "ms95", "cpu95"):
            for run in ("baseline", "index"):
                if cell in ("ms95", "cpu95") and run == "baseline":
                    continue
                values = [c.results[run] for c in chosen if c.results]
                if cell == "found":
                    row.append(pct(sum(v[0] for v in values), len(values)))
                elif cell == "tokens":
                    row.append(f"{statistics.mean(v[1] for v in values):.0f}")
                else:
                    ms = sorted(v[3 if cell == "cpu95" else 2] for v in values)
                    q = 50 if cell == "ms50" else 95
                    row.append(f"{ms[min(len(ms) - 1, len(ms) * q // 100)]:.2f}")
        out.append("| " + " | ".join(row) + " |")
    return out


async def main(args: argparse.Namespace) -> int:
    if args.large:
        with (
            tempfile.TemporaryDirectory(prefix="fim-retrieval-large-") as temp,
            FakeCodestral(completion="pass") as fake,
        ):
            files = LARGE_FILES // 10 if args.quick else LARGE_FILES
            places = 40 if args.quick else 200
            lines = ["### Memory and cost on a generated workspace", ""]
            lines += await large(fake, places, Path(temp) / "large", files)
        print("\n".join(lines))
        return 0
    splits = ("dev", "heldout") if args.split == "both" else (args.split,)
    per_file = 2 if args.quick else CASES_PER_FILE
    report: list[str] = []
    all_cases: list[Case] = []
    with (
        tempfile.TemporaryDirectory(prefix="fim-retrieval-") as temp,
        FakeCodestral(completion="pass") as fake,
    ):
        for split in splits:
            workspaces = []
            for language in LANGUAGES:
                texts = corpus_files(split, language)
                if len(texts) < 2:
                    continue
                if args.quick:
                    keep = sorted(texts)[:6]
                    texts = {path: texts[path] for path in keep}
                root = Path(temp) / split / language
                for path, text in texts.items():
                    (root / path).parent.mkdir(parents=True, exist_ok=True)
                    (root / path).write_text(text, encoding="utf-8")
                cases = cut_cases(language, texts, per_file)
                workspaces.append(Workspace(split, language, root, texts, cases))
            for run, value in (("baseline", "false"), ("index", "true")):
                env = server_env(fake, FIM_LSP_DEBOUNCE_MS="0", FIM_LSP_PREFETCH="false",
                                 FIM_LSP_FILE_HEADER="false",
                                 FIM_LSP_WORKSPACE_DEFINITIONS=value)  # fmt: skip
                for workspace in workspaces:
                    if workspace.cases:
                        print(f"  {split}/{workspace.language}: {run}", file=sys.stderr)
                        await run_workspace(workspace, fake, run, env)
            cases = [c for w in workspaces for c in w.cases]
            all_cases += cases
            report += [f"### `{split}`: definition recall at 300 tokens, per language", ""]
            report += table(cases, "language", [*LANGUAGES, "all"])
            report += ["", f"### `{split}`: by what was typed of the name", ""]
            report += table(cases, "typed", [f"typed {t}" for t in TYPED])
            report += [""]
            for workspace in workspaces:
                files = len(workspace.texts)
                report.append(
                    f"- {split}/{workspace.language}: {files} files, {len(workspace.cases)} cases"
                )
            report.append("")
        print("\n".join(report), flush=True)
        report = []
        if args.scale:
            report += ["", "### Cost on a large workspace", ""]
            report += await scale(fake, 40 if args.quick else 200, Path(temp) / "scale")
    print("\n".join(report))
    missing = [c for c in all_cases if not c.results or len(c.results) != 2]
    if missing:
        print(f"FAILED: {len(missing)} cases have no result")
        return 1
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="six files a language, two cases each")
    parser.add_argument("--split", choices=("dev", "heldout", "both"), default="both")
    parser.add_argument("--no-scale", dest="scale", action="store_false")
    parser.add_argument("--large", action="store_true", help="the generated 20,000-file workspace")
    started = time.perf_counter()
    run_benchmark(main(parser.parse_args()))
