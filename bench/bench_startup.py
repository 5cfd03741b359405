"""Benchmark: start-up, from spawning a server to its answer to `initialize` over stdio, of fim-lsp
against a bare pygls server (and tabby-agent when given), interleaved in one run.

Run: .venv/bin/python bench/bench_startup.py [--quick] [--runs N] [--tabby-agent PATH] [--imports]

Each round starts every server once, in an order rotated each round, so that a noisy moment hits
all of them alike: spawn, write a real `initialize` request (Content-Length framing) to its stdin,
read its stdout until the answer, stop the clock; then `shutdown` and `exit`, untimed. One untimed
start of each server comes first, so that .pyc files are written and files are in the page cache,
as for a user's every start but the first. Reports the median and p90 of each server, and what
fim-lsp costs on top of the bare pygls server (bench/bare_pygls_server.py), in ms and as a ratio.

The servers get fake keys and a state directory in a temporary folder (the statistics file is
written there, as a user's is under ~/.local/state); fim-lsp's provider is a fake Codestral on
127.0.0.1, so nothing reaches the network.

--tabby-agent PATH also starts tabby-agent as Tabby's docs start it for any editor (`node PATH
--lsp --stdio`; without --lsp, 1.5 speaks its own JSON lines), not in CI. To get it:
    cd "$(mktemp -d)" && npm install tabby-agent   # PATH is node_modules/tabby-agent/dist/cli.js
It runs with HOME in the temporary folder and a config.toml there that points it at 127.0.0.1:9
with a fake token and anonymous usage tracking off.

--imports starts fim-lsp once more under `python -X importtime`, kills it at the answer to
`initialize`, and prints the 15 costliest imports up to then: each fim_lsp module on its own,
everything else summed by top-level package (self: its own modules' time; cumulative: with what
they imported; first imported by: who pulls it in, the place to make the import lazy).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from asyncio.subprocess import PIPE, Process
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.fakes.codestral import FakeCodestral
from bench.fakes.env import server_env
from bench.lsp_driver import Failure, answer, framed, run_benchmark

HERE = Path(__file__).resolve().parent
BARE_PYGLS = [sys.executable, str(HERE / "bare_pygls_server.py")]
FIM_LSP = [sys.executable, "-m", "fim_lsp", "--stdio"]
FIM_LSP_SCRIPT = Path(sys.executable).with_name("fim-lsp")
TIMEOUT = 30.0  # seconds for one start, or one shutdown; slower is a failure
# A server that died, hung or spoke nonsense.
BROKEN = (Failure, TimeoutError, OSError, asyncio.IncompleteReadError, ValueError)
TABBY_CONFIG = """\
[server]
endpoint = "http://127.0.0.1:9"
token = "fake-token-for-bench"

[anonymousUsageTracking]
disable = true
"""


@dataclass
class Subject:
    """One server to start: its table name, command and environment, and its start times."""

    name: str
    command: list[str]
    env: dict[str, str]
    seconds: list[float] = field(default_factory=list)

    async def start(self, stderr_path: Path, *, keep: bool = True) -> None:
        """Spawn, initialize, record the time to the answer, then shut the server down."""
        with stderr_path.open("ab") as stderr:
            started = time.perf_counter()
            process = await spawn(self.command, self.env, stderr)
            try:
                await initialized(process)
                elapsed = time.perf_counter() - started
                await stop(process)
            except BROKEN as error:
                problem = f"{self.name}: {type(error).__name__} {error}; see {stderr_path}"
                raise Failure(problem) from None
            finally:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        if keep:
            self.seconds.append(elapsed)


def initialize(request_id: int) -> dict[str, Any]:
    """An `initialize` request as a VS Code-like editor sends it (utf-16, inline completion)."""
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "method": "initialize",
        "params": {
            "processId": os.getpid(),
            "clientInfo": {"name": "fim-lsp-bench", "version": "0"},
            "rootUri": None,
            "workspaceFolders": None,
            "capabilities": {
                "general": {"positionEncodings": ["utf-16"]},
                "workspace": {"configuration": True, "didChangeConfiguration": {}},
                "textDocument": {"synchronization": {}, "inlineCompletion": {}},
            },
        },
    }


async def spawn(command: list[str], env: dict[str, str], stderr: BinaryIO) -> Process:
    return await asyncio.create_subprocess_exec(
        *command, stdin=PIPE, stdout=PIPE, stderr=stderr, env=env
    )


async def initialized(process: Process) -> None:
    """Send `initialize` and wait for its answer."""
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(framed(initialize(1)))
    await asyncio.wait_for(answer(process.stdout, 1), TIMEOUT)


async def stop(process: Process) -> None:
    """`initialized`, `shutdown` and `exit`, as an editor would end a session; waits for the exit."""
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(framed({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
    process.stdin.write(framed({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
    await asyncio.wait_for(answer(process.stdout, 2), TIMEOUT)
    process.stdin.write(framed({"jsonrpc": "2.0", "method": "exit"}))
    process.stdin.close()
    await asyncio.wait_for(process.wait(), TIMEOUT)


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def row(subject: Subject, baseline: Subject | None) -> str:
    """| server | median | p90 | over the baseline | ratio |, in ms."""
    median = 1000 * statistics.median(subject.seconds)
    if baseline is None:
        over = ratio = "-"
    else:
        base = 1000 * statistics.median(baseline.seconds)
        over, ratio = f"{median - base:+.1f}", f"{median / base:.2f}x"
    return (
        f"| {subject.name} | {median:.1f} | {1000 * p90(subject.seconds):.1f} | {over} | {ratio} |"
    )


async def measure(subjects: list[Subject], runs: int, log: Path) -> None:
    for subject in subjects:  # warm-up: .pyc files written, files in the page cache
        await subject.start(log, keep=False)
    for run in range(runs):
        turn = run % len(subjects)
        for subject in subjects[turn:] + subjects[:turn]:
            await subject.start(log)


# --------------------------------------------------------------------------- --imports


@dataclass
class Imported:
    """One line of `-X importtime`: a module, its own and cumulative time (µs), and its depth."""

    module: str
    self_us: int
    cumulative_us: int
    depth: int
    parent: str = ""


def parse_importtime(lines: list[str]) -> list[Imported]:
    """The `import time:` lines, each with the module that imported it (its `parent`)."""
    imported = []
    for line in lines:
        if not line.startswith("import time:") or "|" not in line:
            continue
        own, cumulative, name = line.removeprefix("import time:").split("|")
        if not own.strip().isdigit():
            continue  # the header line
        stripped = name.lstrip()
        depth = (len(name) - len(stripped) - 1) // 2
        imported.append(Imported(stripped.strip(), int(own), int(cumulative), depth))
    # Children are printed before their parent, one level deeper: read backwards with a stack.
    stack: list[Imported] = []
    for entry in reversed(imported):
        while stack and stack[-1].depth >= entry.depth:
            stack.pop()
        entry.parent = stack[-1].module if stack else ""
        stack.append(entry)
    return imported


def cost_key(module: str) -> str:
    """fim_lsp's modules count one by one; anything else by its top-level package."""
    return module if module.startswith("fim_lsp") else module.partition(".")[0]


def import_costs(imported: list[Imported]) -> list[tuple[str, int, int, str]]:
    """(name, self µs, cumulative µs, first imported by), costliest cumulative first."""
    own: dict[str, int] = {}
    cumulative: dict[str, int] = {}
    first_by: dict[str, str] = {}
    for entry in imported:
        key = cost_key(entry.module)
        own[key] = own.get(key, 0) + entry.self_us
        if cost_key(entry.parent) != key or not entry.parent:
            cumulative[key] = cumulative.get(key, 0) + entry.cumulative_us
            first_by.setdefault(key, entry.parent or "(a call, not an import)")
    costs = [(key, own[key], cumulative.get(key, own[key]), first_by.get(key, "")) for key in own]
    return sorted(costs, key=lambda cost: cost[2], reverse=True)


async def imports(env: dict[str, str], log: Path, top: int) -> None:
    trace = log.with_name("importtime.log")
    command = [sys.executable, "-X", "importtime", *FIM_LSP[1:]]
    with trace.open("wb") as stderr:
        process = await spawn(command, env, stderr)
        try:
            await initialized(process)
        finally:
            process.kill()  # what is imported after the answer does not delay the start
            await process.wait()
    imported = parse_importtime(trace.read_text(errors="replace").splitlines())
    total = sum(entry.self_us for entry in imported)
    print("\nCommand: `python -X importtime -m fim_lsp --stdio`, up to the answer to `initialize`.")
    print(f"{len(imported)} modules imported, {total / 1000:.1f} ms in all.\n")
    print("| module or package | self ms | cumulative ms | first imported by |")
    print("|---|---:|---:|---|")
    for name, own, cumulative, first_by in import_costs(imported)[:top]:
        print(f"| {name} | {own / 1000:.1f} | {cumulative / 1000:.1f} | {first_by} |")


# --------------------------------------------------------------------------- main


def load() -> str:
    """The load average and CPU count, to judge how noisy the machine was."""
    with contextlib.suppress(OSError):
        one, five, _ = os.getloadavg()
        return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"
    return "load average unknown"


def subjects(env: dict[str, str], home: Path, tabby_agent: str | None) -> list[Subject]:
    chosen = [
        Subject("bare pygls server (baseline)", BARE_PYGLS, env),
        Subject("fim-lsp, `python -m fim_lsp`", FIM_LSP, env),
    ]
    if FIM_LSP_SCRIPT.exists():
        chosen.append(Subject("fim-lsp, `fim-lsp` script", [str(FIM_LSP_SCRIPT), "--stdio"], env))
    if tabby_agent is not None:
        config = home / ".tabby-client" / "agent" / "config.toml"
        config.parent.mkdir(parents=True)
        config.write_text(TABBY_CONFIG)
        tabby_env = {**env, "HOME": str(home)}
        chosen.append(Subject("tabby-agent", ["node", tabby_agent, "--lsp", "--stdio"], tabby_env))
    return chosen


async def main_async(args: argparse.Namespace) -> int:
    print(f"Command: `{' '.join(['.venv/bin/python', 'bench/bench_startup.py', *sys.argv[1:]])}`")
    with tempfile.TemporaryDirectory(prefix="fim-lsp-bench-") as folder, FakeCodestral() as fake:
        temp = Path(folder)
        env = server_env(fake, XDG_STATE_HOME=str(temp / "state"))
        del env["FIM_LSP_STATS_FILE"]  # the statistics file where a user's is, in the temp folder
        # An installed package has its .pyc files; without them fim_lsp is compiled at every start.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        log = temp / "stderr.log"
        chosen = subjects(env, temp / "home", args.tabby_agent)
        before = load()
        try:
            await measure(chosen, args.runs, log)
            print(f"Machine: {before} before, {load()} after.\n")
            print(
                f"Spawn to the answer to `initialize`, {args.runs} starts of each, interleaved.\n"
            )
            print("| server | median ms | p90 ms | over bare pygls, ms | ratio |")
            print("|---|---:|---:|---:|---:|")
            for subject in chosen:
                print(row(subject, None if subject is chosen[0] else chosen[0]))
            if args.imports:
                await imports(env, log, args.top)
        except Failure:
            sys.stdout.write(log.read_text(errors="replace")[-3000:])
            raise
    return 0


def at_least_two(text: str) -> int:
    value = int(text)
    if value < 2:
        raise argparse.ArgumentTypeError("at least 2 runs, for a p90")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="3 runs (the test suite's)")
    parser.add_argument("--runs", type=at_least_two, default=10, help="starts of each (10)")
    parser.add_argument(
        "--tabby-agent", metavar="PATH", help="tabby-agent's dist/cli.js, to compare"
    )
    parser.add_argument("--imports", action="store_true", help="also list the costliest imports")
    parser.add_argument("--top", type=int, default=15, help="rows of the --imports table (15)")
    args = parser.parse_args()
    if args.quick:
        args.runs = 3
    run_benchmark(main_async(args))


if __name__ == "__main__":
    main()
