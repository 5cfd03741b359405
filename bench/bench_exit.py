"""Benchmark: how long the server takes to end when the editor leaves with provider streams open.

Run: .venv/bin/python bench/bench_exit.py [--runs N] [--streams 1 3]

Each run spawns `fim-lsp --stdio` against a fake Codestral that stalls every stream after its
first event (headers sent, no text, never ends), initializes, opens one document per stream and
asks an inline completion in each, waits until the fake holds every stream, then leaves in one of
three ways and times from the last byte written to the process's end:

- `exit`: the `exit` notification without `shutdown` (status 1, as the spec says);
- `shutdown+exit`: `shutdown`, its answer, then `exit` (status 0; only `exit` is timed);
- `stdin closed`: the editor closes the pipe without a word (as a crashed editor does).

Reports the median and maximum of each case in ms, the exit statuses, and whether stderr held a
traceback (any "Traceback" or "closed file"). The LSP promise in issue 16 is 500 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from asyncio.subprocess import PIPE, Process
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.fakes.codestral import FakeCodestral
from bench.fakes.env import server_env
from bench.lsp_driver import answer, framed

FIM_LSP = [sys.executable, "-m", "fim_lsp", "--stdio"]
TIMEOUT = 30.0
WAYS = ("exit", "shutdown+exit", "stdin closed")


async def drain(stdout: asyncio.StreamReader) -> None:
    while await stdout.read(65536):
        pass


async def open_streams(process: Process, fake: FakeCodestral, streams: int) -> None:
    assert process.stdin is not None and process.stdout is not None
    initialize = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"processId": os.getpid(), "capabilities": {}},
    }
    process.stdin.write(framed(initialize))
    await asyncio.wait_for(answer(process.stdout, 1), TIMEOUT)
    process.stdin.write(framed({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
    for n in range(streams):
        uri = f"file:///work/doc{n}.py"
        document = {"uri": uri, "languageId": "python", "version": 1, "text": "def f():\n    \n"}
        process.stdin.write(
            framed(
                {
                    "jsonrpc": "2.0",
                    "method": "textDocument/didOpen",
                    "params": {"textDocument": document},
                }
            )
        )
        request = {
            "textDocument": {"uri": uri},
            "position": {"line": 1, "character": 4},
            "context": {"triggerKind": 1},
        }
        process.stdin.write(
            framed(
                {
                    "jsonrpc": "2.0",
                    "id": 100 + n,
                    "method": "textDocument/inlineCompletion",
                    "params": request,
                }
            )
        )
    await process.stdin.drain()
    if not await asyncio.to_thread(fake.wait_for_held, streams, TIMEOUT):
        raise RuntimeError(f"the fake holds {fake.held} streams, not {streams}")


async def one_run(fake: FakeCodestral, streams: int, way: str, log: Path) -> tuple[float, int]:
    fake.reset()
    fake.hold_after(0)  # every stream: headers and the role event, then nothing
    env = server_env(fake, FIM_LSP_DEBOUNCE_MS="0", FIM_LSP_FILE_HEADER="false")
    with log.open("ab") as stderr:
        process = await asyncio.create_subprocess_exec(
            *FIM_LSP, stdin=PIPE, stdout=PIPE, stderr=stderr, env=env
        )
    assert process.stdin is not None and process.stdout is not None
    try:
        await open_streams(process, fake, streams)
        if way == "shutdown+exit":
            process.stdin.write(framed({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
            await asyncio.wait_for(answer(process.stdout, 2), TIMEOUT)
        reading = asyncio.ensure_future(drain(process.stdout))
        if way == "stdin closed":
            process.stdin.close()
        else:
            process.stdin.write(framed({"jsonrpc": "2.0", "method": "exit"}))
        await process.stdin.drain()
        started = time.perf_counter()
        status = await asyncio.wait_for(process.wait(), TIMEOUT)
        elapsed = time.perf_counter() - started
        await reading
        return elapsed, status
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        fake.release()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--streams", type=int, nargs="+", default=[1, 3])
    arguments = parser.parse_args()
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench_exit.{os.getpid()}.log"
    print("| way | open streams | median ms | max ms | exit statuses | traceback |")
    print("|---|---|---|---|---|---|")
    with FakeCodestral(completion="return a + b") as fake:
        for streams in arguments.streams:
            for way in WAYS:
                log.write_bytes(b"")
                results = [await one_run(fake, streams, way, log) for _ in range(arguments.runs)]
                seconds = [elapsed for elapsed, _ in results]
                statuses = sorted({status for _, status in results})
                text = log.read_text(errors="replace")
                traceback = "Traceback" in text or "closed file" in text
                print(
                    f"| {way} | {streams} | {1000 * statistics.median(seconds):.0f} | "
                    f"{1000 * max(seconds):.0f} | {statuses} | {'yes' if traceback else 'no'} |"
                )
    log.unlink(missing_ok=True)


if __name__ == "__main__":
    asyncio.run(main())
