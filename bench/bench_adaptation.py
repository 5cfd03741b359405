"""Benchmark: adaptation to use (`adaptToUsage`), against the same run with it turned off.

Run: .venv/bin/python bench/bench_adaptation.py [--quick] [--suggestions N] [--keystrokes N]

Two users, each once with adaptation off (the baseline) and once with it on, as the editor
reports them (didShowCompletion, didPartiallyAcceptCompletion):

1. One who keeps only the first line: at each new line the user types `x`, the fake model suggests
   a four-line block, the user takes its first line (accept line) and begins the next line. Reports the tokens
   the model generated per suggestion (pieces the fake streamed, one piece one token, also those
   of streams the server stopped early), the time to a finished suggestion, and the characters
   the user kept.
2. One who accepts nothing: types a comment with the gaps between keys a real typist has (from
   90 ms to 900 ms), the editor asking on every key and showing every suggestion. Reports the
   provider requests per 100 keys and the suggestions shown.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lsprotocol import types

from bench.fakes.codestral import FakeCodestral
from bench.fakes.env import server_env
from bench.lsp_driver import Failure, Server, item_json, ratio_row, ready_server, run_benchmark

URI = "file:///bench/adaptation.py"
INDENT = "    "
GAPS_MS = (90, 110, 130, 160, 200, 260, 450, 900)  # between keys: mostly quick, some pauses
COMMENT = "# totals are kept per region and summed at the end of the day "


def block(prompt: str, suffix: str) -> str:
    """A four-line block for the line the user began with `x`; only its first line is right."""
    n = prompt.count("= compute(")
    return (
        f"_{n} = compute({n}, total)\n{INDENT}y_{n} = x_{n} * 2\n"
        f"{INDENT}z_{n} = y_{n} + 1\n{INDENT}w_{n} = z_{n} - 1"
    )


@dataclass
class Kept:
    """User 1's run."""

    tokens_per_suggestion: float
    seconds: list[float]
    chars_shown: float
    chars_kept: float


@dataclass
class Ignored:
    """User 2's run."""

    keystrokes: int
    provider_requests: int
    shown: int


async def _answer(pending: Any) -> types.InlineCompletionItem | None:
    value = await asyncio.wait_for(asyncio.wrap_future(pending.future), 15)
    items = value.items if isinstance(value, types.InlineCompletionList) else value or []
    return items[0] if items else None


async def _server(fake: FakeCodestral, adapt: bool) -> Server:
    env = server_env(
        fake,
        FIM_LSP_ADAPT_TO_USAGE="true" if adapt else "false",
        FIM_LSP_DEBOUNCE_MS="150",
        FIM_LSP_ADAPTIVE_DEBOUNCE="false",
        FIM_LSP_FILE_HEADER="false",
        FIM_LSP_PREFETCH="false",
    )
    return await ready_server(env)


async def keeps_first_lines(adapt: bool, suggestions: int) -> Kept:
    with FakeCodestral(completion=block, first_token_delay=0.1, chunk_delay=0.01) as fake:
        server = await _server(fake, adapt)
        try:
            server.open(URI, "def f(total):\n" + INDENT + "x\n")
            seconds: list[float] = []
            shown = kept = 0
            for line in range(1, suggestions + 1):
                pending = server.send_inline(URI, line, len(INDENT) + 1, invoked=False)
                item = await _answer(pending)
                if item is None or not isinstance(item.insert_text, str):
                    raise Failure(f"no suggestion at line {line}")
                seconds.append(pending.seconds)
                text = item.insert_text
                first = text.split("\n")[0]
                server.client.protocol.notify(
                    "textDocument/didShowCompletion", {"item": item_json(item)}
                )
                if first != text:  # a block: the user takes its first line, then goes on
                    server.client.protocol.notify(
                        "textDocument/didPartiallyAcceptCompletion",
                        {"item": item_json(item), "acceptedLength": len(first) + 1},
                    )
                else:
                    await server.client.workspace_execute_command_async(
                        types.ExecuteCommandParams(
                            command="fimLsp.accepted",
                            arguments=item.command.arguments if item.command else None,
                        )
                    )
                # ... and begins the next line with what they want there
                server.insert(URI, line, len(INDENT) + 1, first + "\n" + INDENT + "x")
                shown += len(text)
                kept += len(first)
            await asyncio.sleep(0.3)  # the last stream's pieces are counted
            return Kept(
                fake.chunks_sent / suggestions, seconds, shown / suggestions, kept / suggestions
            )
        finally:
            await server.stop()


async def accepts_nothing(adapt: bool, keystrokes: int) -> Ignored:
    gaps = random.Random(7)  # the same typist in both runs
    with FakeCodestral(completion=" weights", first_token_delay=0.05, chunk_delay=0.005) as fake:
        server = await _server(fake, adapt)
        shown = 0
        answers: list[asyncio.Task[None]] = []

        async def show(pending: Any) -> None:
            nonlocal shown
            item = await _answer(pending)
            if item is not None:
                shown += 1
                server.client.protocol.notify(
                    "textDocument/didShowCompletion", {"item": item_json(item)}
                )

        try:
            server.open(URI, "def f(total):\n" + INDENT + "\n")
            column = len(INDENT)
            for key in range(keystrokes):
                server.insert(URI, 1, column, COMMENT[key % len(COMMENT)])
                column += 1
                answers.append(
                    asyncio.create_task(show(server.send_inline(URI, 1, column, invoked=False)))
                )
                await asyncio.sleep(gaps.choice(GAPS_MS) / 1000)
            await asyncio.gather(*answers)
            return Ignored(keystrokes, len(fake.requests), shown)
        finally:
            await server.stop()


async def main_async(args: argparse.Namespace) -> int:
    print(
        f"Command: `{' '.join(['.venv/bin/python', 'bench/bench_adaptation.py', *sys.argv[1:]])}`\n"
    )
    off = await keeps_first_lines(False, args.suggestions)
    on = await keeps_first_lines(True, args.suggestions)
    print(f"## 1. A user who keeps only first lines: {args.suggestions} four-line suggestions\n")
    print("| | adaptation off (baseline) | adaptation on | on / off |")
    print("|---|---:|---:|---:|")
    print(
        ratio_row(
            "tokens generated per suggestion", off.tokens_per_suggestion, on.tokens_per_suggestion
        )
    )
    print(
        ratio_row(
            "time to the suggestion, median",
            1000 * statistics.median(off.seconds),
            1000 * statistics.median(on.seconds),
            " ms",
        )
    )
    print(ratio_row("characters shown per suggestion", off.chars_shown, on.chars_shown))
    print(ratio_row("characters kept per suggestion", off.chars_kept, on.chars_kept))
    ignored_off = await accepts_nothing(False, args.keystrokes)
    ignored_on = await accepts_nothing(True, args.keystrokes)
    print(
        f"\n## 2. A user who accepts nothing: {args.keystrokes} keys, gaps of "
        f"{GAPS_MS[0]} to {GAPS_MS[-1]} ms, the editor asking on every key\n"
    )
    print("| | adaptation off (baseline) | adaptation on | on / off |")
    print("|---|---:|---:|---:|")
    print(
        ratio_row(
            "provider requests per 100 keys",
            100 * ignored_off.provider_requests / ignored_off.keystrokes,
            100 * ignored_on.provider_requests / ignored_on.keystrokes,
        )
    )
    print(ratio_row("suggestions shown", ignored_off.shown, ignored_on.shown))
    if on.tokens_per_suggestion >= off.tokens_per_suggestion:
        raise Failure("one-line suggestions did not cost fewer tokens")
    if on.chars_kept != off.chars_kept:
        raise Failure("the user kept different text with adaptation on")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a short run (the test suite's)")
    parser.add_argument("--suggestions", type=int, default=None)
    parser.add_argument("--keystrokes", type=int, default=None)
    args = parser.parse_args()
    if args.suggestions is None:
        args.suggestions = 12 if args.quick else 40
    if args.keystrokes is None:
        args.keystrokes = 100 if args.quick else 300
    run_benchmark(main_async(args))


if __name__ == "__main__":
    main()
