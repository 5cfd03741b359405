"""Benchmark: speculative prefetch after a full accept, against the same run with it turned off.

Run: .venv/bin/python bench/bench_prefetch.py [--quick] [--accepts N] [--pause-ms MS] [--diverge-every K]

A user accepts a suggestion, pauses (reads it), and the editor asks for the next one. The fake
model knows the code being written, so every suggestion is right and is accepted whole; but
every K-th time the user types something else first (a comment sign), so that prefetch is
wasted. Reports
for prefetch off (the baseline) and on: the latency of the request after each accept, how many
such requests were answered without a new provider request, and the provider requests and
tokens (estimated from characters) per accept; on/off ratios in the last column.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lsprotocol import types

from bench.fakes.codestral import FakeCodestral
from bench.fakes.env import server_env
from bench.lsp_driver import Failure, Server, ratio_row, ready_server, run_benchmark
from fim_lsp.config import tokens

URI = "file:///bench/prefetch.py"
INDENT = "    "


def model(prompt: str, suffix: str) -> str:
    """The next statement of the function being written: right every time."""
    n = prompt.count("= compute(")
    statement = f"x_{n} = compute({n}, total)"
    return statement if prompt.endswith(INDENT) else "\n" + INDENT + statement


@dataclass
class Result:
    """One run's numbers."""

    latencies_ms: list[float]
    answered_ahead: int
    provider_requests: int
    tokens_in: int
    tokens_out: int


async def run_once(prefetch: bool, accepts: int, pause: float, diverge_every: int) -> Result:
    with FakeCodestral(completion=model, first_token_delay=0.15, chunk_delay=0.01) as fake:
        env = server_env(
            fake,
            FIM_LSP_PREFETCH="true" if prefetch else "false",
            FIM_LSP_DEBOUNCE_MS="150",
            FIM_LSP_ADAPTIVE_DEBOUNCE="false",
            FIM_LSP_FILE_HEADER="false",
        )
        server = await ready_server(env)
        try:
            server.open(URI, "def f(total):\n" + INDENT + "\n")
            line, column = 1, len(INDENT)
            text, suggestion_id, _ = await _ask(server, line, column, invoked=True)
            latencies: list[float] = []
            ahead = 0
            for step in range(accepts):
                if text is None or suggestion_id is None:
                    raise Failure("no suggestion to accept")
                await _accept(server, line, column, text, suggestion_id)
                pieces = text.split("\n")
                line, column = (
                    line + len(pieces) - 1,
                    (column + len(text) if len(pieces) == 1 else len(pieces[-1])),
                )
                await asyncio.sleep(pause)  # the user reads what was inserted
                if diverge_every and step % diverge_every == diverge_every - 1:
                    server.insert(URI, line, column, "  #")  # ... and types something else
                    column += 3
                before = len(fake.requests)
                text, suggestion_id, seconds = await _ask(server, line, column, invoked=False)
                latencies.append(seconds * 1000)
                ahead += len(fake.requests) == before
            sent = sum(
                len(r.body["prompt"]) + len(r.body.get("suffix") or "") for r in fake.requests
            )
            received = sum(len(model(r.body["prompt"], "")) for r in fake.requests)
            return Result(latencies, ahead, len(fake.requests), tokens(sent), tokens(received))
        finally:
            await server.stop()


async def _ask(
    server: Server, line: int, column: int, *, invoked: bool
) -> tuple[str | None, str | None, float]:
    """(suggestion, the id its accept command carries, seconds to the answer)."""
    pending = server.send_inline(URI, line, column, invoked=invoked)
    answer = await asyncio.wait_for(asyncio.wrap_future(pending.future), 15)
    items = answer.items if isinstance(answer, types.InlineCompletionList) else answer or []
    if not items:
        return None, None, pending.seconds
    item = items[0]
    arguments = item.command.arguments if item.command is not None else None
    return str(item.insert_text), str(arguments[0]) if arguments else None, pending.seconds


async def _accept(server: Server, line: int, column: int, text: str, suggestion_id: str) -> None:
    """What an editor does: insert the suggestion, then run its accept command."""
    server.insert(URI, line, column, text)
    await server.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="fimLsp.accepted", arguments=[suggestion_id])
    )


async def main_async(args: argparse.Namespace) -> int:
    pause, every = args.pause_ms / 1000, args.diverge_every
    off = await run_once(False, args.accepts, pause, every)
    on = await run_once(True, args.accepts, pause, every)
    n = args.accepts
    print(
        f"## Prefetch after a full accept: {n} accepts, {args.pause_ms} ms pause before asking, "
        f"every {every}th time the user types something else first\n"
    )
    print(
        f"Command: `{' '.join(['.venv/bin/python', 'bench/bench_prefetch.py', *sys.argv[1:]])}`\n"
    )
    print("| | prefetch off (baseline) | prefetch on | on / off |")
    print("|---|---:|---:|---:|")
    print(
        ratio_row(
            "latency after accept, median",
            statistics.median(off.latencies_ms),
            statistics.median(on.latencies_ms),
            " ms",
        )
    )
    print(
        ratio_row(
            "latency after accept, max",
            max(off.latencies_ms),
            max(on.latencies_ms),
            " ms",
        )
    )
    print(
        ratio_row(
            "answered without a new provider request (%)",
            100 * off.answered_ahead / n,
            100 * on.answered_ahead / n,
        )
    )
    print(
        ratio_row(
            "provider requests per accept", off.provider_requests / n, on.provider_requests / n
        )
    )
    print(ratio_row("tokens sent per accept (est.)", off.tokens_in / n, on.tokens_in / n))
    print(ratio_row("tokens received per accept (est.)", off.tokens_out / n, on.tokens_out / n))
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a short run (the test suite's)")
    parser.add_argument("--accepts", type=int, default=None)
    parser.add_argument("--pause-ms", type=int, default=400)
    parser.add_argument("--diverge-every", type=int, default=4, help="0: never")
    args = parser.parse_args()
    if args.accepts is None:
        args.accepts = 8 if args.quick else 40
    run_benchmark(main_async(args))


if __name__ == "__main__":
    main()
