"""Benchmark: reading message bodies with `framing.MessageReader` against asyncio's readline and
readexactly, the plain reader it replaced, on the same bytes.

Run: .venv/bin/python bench/bench_framing.py [--quick]

Two streams, each read whole from an asyncio.StreamReader fed as a pipe would feed it (64 KiB at a
time): many small messages (keystrokes: didChange and inlineCompletion), and a few huge ones
(didOpen of a 20 MB file). Reports the median time per run of each reader, and their ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))

from bench.lsp_driver import ratio_row
from fim_lsp.lsp.framing import MessageReader

PIPE_CHUNK = 1 << 16
_LENGTH = re.compile(rb"Content-Length:[ \t]*(\d+)", re.IGNORECASE)


def _framed(message: dict[str, object]) -> bytes:
    body = json.dumps(message, ensure_ascii=False).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def keystrokes(count: int) -> bytes:
    """didChange then inlineCompletion, `count` times, as an editor sends them while typing."""
    parts = []
    for n in range(count):
        where = {"line": 10 + n // 80, "character": n % 80}
        parts.append(
            _framed(
                {
                    "jsonrpc": "2.0",
                    "method": "textDocument/didChange",
                    "params": {
                        "textDocument": {"uri": "file:///w/a.py", "version": n},
                        "contentChanges": [{"range": {"start": where, "end": where}, "text": "é"}],
                    },
                }
            )
        )
        parts.append(
            _framed(
                {
                    "jsonrpc": "2.0",
                    "id": n,
                    "method": "textDocument/inlineCompletion",
                    "params": {
                        "textDocument": {"uri": "file:///w/a.py"},
                        "position": where,
                        "context": {"triggerKind": 2},
                    },
                }
            )
        )
    return b"".join(parts)


def huge_files(count: int, megabytes: int) -> bytes:
    line = "value = compute(alpha, beta)  # café 😀\n"
    text = line * (megabytes * 2**20 // len(line.encode()))
    return b"".join(
        _framed(
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didOpen",
                "params": {
                    "textDocument": {
                        "uri": f"file:///w/{n}.py",
                        "languageId": "python",
                        "version": 1,
                        "text": text,
                    }
                },
            }
        )
        for n in range(count)
    )


async def _plain(reader: asyncio.StreamReader) -> bytes | None:
    """The reader framing replaced: header lines, then exactly Content-Length bytes."""
    length = None
    while True:
        line = await reader.readline()
        if not line:
            return None
        if header := line.strip():
            if match := _LENGTH.fullmatch(header):
                length = int(match[1])
        elif length is not None:
            break
    return await reader.readexactly(length)


async def _read_all(stream: bytes, ours: bool) -> tuple[float, int]:
    reader = asyncio.StreamReader(limit=PIPE_CHUNK)

    async def feed() -> None:
        for start in range(0, len(stream), PIPE_CHUNK):
            reader.feed_data(stream[start : start + PIPE_CHUNK])
            await asyncio.sleep(0)
        reader.feed_eof()

    started = time.perf_counter()
    feeding = asyncio.create_task(feed())
    messages = MessageReader(reader) if ours else None
    count = 0
    while (await messages.next_body() if messages else await _plain(reader)) is not None:
        count += 1
    await feeding
    return time.perf_counter() - started, count


async def measure(stream: bytes, runs: int) -> tuple[float, float, int]:
    plain: list[float] = []
    ours: list[float] = []
    for _ in range(runs):  # interleaved, so that a noisy moment hits both
        seconds, expected = await _read_all(stream, ours=False)
        plain.append(seconds)
        seconds, count = await _read_all(stream, ours=True)
        ours.append(seconds)
        if count != expected:
            raise SystemExit(f"FAILED: {count} messages read, {expected} sent")
    return statistics.median(plain), statistics.median(ours), expected


async def main_async(args: argparse.Namespace) -> None:
    print(f"Command: `{' '.join(['.venv/bin/python', 'bench/bench_framing.py', *sys.argv[1:]])}`\n")
    print(
        "| stream | asyncio readline + readexactly (baseline) | MessageReader | ours / baseline |"
    )
    print("|---|---:|---:|---:|")
    streams = (
        (f"{args.keys:,} keystrokes (2 messages each), ms", keystrokes(args.keys)),
        (f"{args.files} didOpen of 20 MB, ms", huge_files(args.files, 20)),
    )
    for name, stream in streams:
        plain, ours, _ = await measure(stream, args.runs)
        print(ratio_row(name, 1000 * plain, 1000 * ours))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a short run (the test suite's)")
    args = parser.parse_args()
    args.keys, args.files, args.runs = (500, 1, 3) if args.quick else (10_000, 3, 9)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
