"""Soak: many documents, rapid edits, completion requests, random cancellations and provider faults.

Run: .venv/bin/python bench/bench_soak.py [--quick] [--steps N] [--documents N] [--seed N]

Drives the real server over stdio against a fake Codestral on 127.0.0.1 that fails now and
then (500, 429, dropped and stalled streams). Afterwards every request must have been answered,
no provider stream or task may be left running, open HTTP connections must be back within the
keep-alive pool, and memory must stay under 150 MiB and, in a long run, have stopped growing.
Prints a markdown report; exits 1 if any of that fails. ``--quick`` is the bounded form the test
suite runs (about 20 s).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lsprotocol import types

from bench.fakes.codestral import FakeCodestral
from bench.fakes.env import server_env
from bench.lsp_driver import (
    Server,
    model,
    ready_server,
    run_benchmark,
    slot_document,
    slot_head,
    slot_line,
)
from fim_lsp.providers.client import RENEW_AFTER_INTERRUPTIONS

# the server's pool keeps at most 4 idle connections; a cancelled stream can leave one behind
# (an httpx bug) until the server renews its client, which it does after a few interruptions
KEEP_ALIVE = 4
OPEN_CONNECTIONS_LIMIT = KEEP_ALIVE + RENEW_AFTER_INTERRUPTIONS
SLOTS = 40
ANSWER_SECONDS = 15.0
SETTLE_SECONDS = 1.0  # longer than the orphan grace and the fake's reaction to a close
CONNECTIONS_SECONDS = 10.0  # for the connections of cancelled streams to be closed
RSS_GROWTH_LIMIT_KIB = 8 * 1024  # from the middle to the end of a long run
RSS_LIMIT_KIB = 150 * 1024  # at any length
# a short run is still filling the cache (256 entries) and the latency samples in its second half,
# so only a long one can tell growth that stops from growth that does not
GROWTH_CHECKED_FROM_STEPS = 10_000
MODES = (
    "drop",
    "finish_error",
    "stall",
    "stall_mid",
    "reset",
    "malformed",
    "endless",
    "huge",
    "invalid_utf8",
)


@dataclass
class Tally:
    """What the run did and saw."""

    edits: int = 0
    requests: int = 0
    cancelled: int = 0
    suggestions: int = 0
    empty: int = 0
    cancel_answers: int = 0
    faults: int = 0
    unanswered: int = 0
    errors: list[str] = field(default_factory=list)


async def _health(server: Server) -> dict[str, Any]:
    answer = await asyncio.wait_for(
        server.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="fimLsp.health")
        ),
        ANSWER_SECONDS,
    )
    assert isinstance(answer, dict)
    return answer


def _inject_fault(fake: FakeCodestral, rng: random.Random) -> None:
    choice = rng.randrange(4)
    if choice == 0:
        fake.fail_next(500, "upstream hiccup", {"retry-after-ms": "20"})
    elif choice == 1:
        fake.fail_next(429, {"message": "rate limited"}, {"retry-after-ms": "30"})
    else:
        fake.set_mode(rng.choice(MODES), count=1)


async def soak(server: Server, fake: FakeCodestral, args: argparse.Namespace) -> Tally:
    """Run the random workload; returns what happened (answers are awaited at the end)."""
    rng = random.Random(args.seed)
    tally = Tally()
    uris = [f"file:///soak/module_{n:03d}.py" for n in range(args.documents)]
    columns = {uri: [len(slot_head(i)) for i in range(SLOTS)] for uri in uris}
    for uri in uris:
        server.open(uri, slot_document(SLOTS))
    pending: dict[int, asyncio.Future[Any]] = {}
    next_id = 10_000
    faulted_at = -1  # provider requests when the last fault was armed
    for _ in range(args.steps):
        uri = rng.choice(uris)
        slot = rng.randrange(SLOTS)
        roll = rng.random()
        if roll < 0.45:
            server.insert(uri, slot_line(slot), columns[uri][slot], rng.choice("abc_(1 ,"))
            columns[uri][slot] += 1
            tally.edits += 1
        elif roll < 0.85:
            next_id += 1
            params = types.InlineCompletionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=slot_line(slot), character=columns[uri][slot]),
                context=types.InlineCompletionContext(
                    trigger_kind=types.InlineCompletionTriggerKind.Automatic
                    if rng.random() < 0.8
                    else types.InlineCompletionTriggerKind.Invoked
                ),
            )
            future = server.client.protocol.send_request(
                types.TEXT_DOCUMENT_INLINE_COMPLETION, params, msg_id=next_id
            )
            pending[next_id] = asyncio.wrap_future(future)
            tally.requests += 1
        elif roll < 0.95 and pending:
            msg_id = rng.choice(list(pending))
            server.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=msg_id))
            tally.cancelled += 1
        elif len(fake.requests) > faulted_at:  # faults never pile up while requests pause
            faulted_at = len(fake.requests)
            _inject_fault(fake, rng)
            tally.faults += 1
        await asyncio.sleep(rng.uniform(0, 0.004))
        server.check_alive()
    for msg_id, answer in pending.items():
        try:
            result = await asyncio.wait_for(answer, ANSWER_SECONDS)
        except TimeoutError:
            tally.unanswered += 1
            tally.errors.append(f"request {msg_id}: no answer")
        except Exception as error:  # a cancelled request answers -32800 (RequestCancelled)
            if getattr(error, "code", None) == -32800:
                tally.cancel_answers += 1
            else:
                tally.errors.append(f"request {msg_id}: {type(error).__name__}: {error}")
        else:
            items = result.items if isinstance(result, types.InlineCompletionList) else result
            if items:
                tally.suggestions += 1
            else:
                tally.empty += 1
    return tally


async def run(args: argparse.Namespace) -> int:
    with FakeCodestral(completion=model, chunk_chars=6, chunk_delay=0.002) as fake:
        # half a megabyte per `huge` answer: 4 MB ones (an e2e test has them) only make malloc keep
        # arenas, which would blur the growth this run is looking for
        fake.huge_chars = 500_000
        env = server_env(fake, FIM_LSP_DEBOUNCE_MS="20", FIM_LSP_TIMEOUT_MS="1500")
        server = await ready_server(env)
        problems: list[str] = []
        try:
            before = await _health(server)
            started = time.perf_counter()
            half = argparse.Namespace(**{**vars(args), "steps": args.steps // 2})
            first = await soak(server, fake, half)
            await asyncio.sleep(SETTLE_SECONDS)
            middle = await _health(server)
            second = await soak(
                server, fake, argparse.Namespace(**{**vars(half), "seed": args.seed + 1})
            )
            elapsed = time.perf_counter() - started
            fake.set_mode(None)
            await asyncio.sleep(SETTLE_SECONDS)
            after = await _health(server)
            deadline = time.perf_counter() + SETTLE_SECONDS * 4  # a busy machine is slower
            while after["tasks"] > before["tasks"] and time.perf_counter() < deadline:
                await asyncio.sleep(0.1)  # a closing HTTP client may still be finishing
                after = await _health(server)
            settled = time.perf_counter()
            await asyncio.to_thread(fake.wait_for_open_connections, KEEP_ALIVE, CONNECTIONS_SECONDS)
            connections = fake.open_connections
            closing = time.perf_counter() - settled
        finally:
            await server.stop()
    tallies = (first, second)
    unanswered = sum(t.unanswered for t in tallies)
    errors = [error for t in tallies for error in t.errors]
    if unanswered or errors:
        problems.append(f"{unanswered} unanswered, errors: {errors[:5]}")
    if after["streams"] != 0:
        problems.append(f"{after['streams']} provider streams still running")
    if after["tasks"] > before["tasks"]:
        problems.append(f"tasks {before['tasks']} before, {after['tasks']} after")
    if connections > OPEN_CONNECTIONS_LIMIT:
        problems.append(f"{connections} HTTP connections open (limit {OPEN_CONNECTIONS_LIMIT})")
    growth = after["rssKiB"] - middle["rssKiB"]
    if args.steps >= GROWTH_CHECKED_FROM_STEPS and growth > RSS_GROWTH_LIMIT_KIB:
        problems.append(f"RSS grew {growth} KiB in the second half")
    if after["rssKiB"] > RSS_LIMIT_KIB:
        problems.append(f"RSS is {after['rssKiB']} KiB, over {RSS_LIMIT_KIB}")
    total = sum(t.requests for t in tallies)
    print(f"## Soak: {args.documents} documents, {args.steps} steps, seed {args.seed}\n")
    print(f"Command: `.venv/bin/python bench/bench_soak.py {' '.join(sys.argv[1:])}`\n")
    print("| | first half | second half |")
    print("|---|---:|---:|")
    for name in ("edits", "requests", "cancelled", "faults", "suggestions", "empty"):
        print(f"| {name} | {getattr(first, name):,} | {getattr(second, name):,} |")
    print(f"| answered -32800 (cancelled) | {first.cancel_answers:,} | {second.cancel_answers:,} |")
    print()
    print(f"- {total:,} requests in {elapsed:.1f} s; unanswered: {unanswered}")
    print(f"- provider requests: {len(fake.requests)}, fake saw {fake.disconnects} disconnects")
    print(
        f"- tasks: {before['tasks']} before, {after['tasks']} after; provider streams after: "
        f"{after['streams']}; open HTTP connections after: {connections} "
        f"(within the pool {closing:.1f} s after the settling second)"
    )
    print(
        f"- RSS: {before['rssKiB'] / 1024:.1f} MiB before, {middle['rssKiB'] / 1024:.1f} MiB "
        f"half-way, {after['rssKiB'] / 1024:.1f} MiB after"
    )
    print(f"- server counters: {after['counters']}")
    for problem in problems:
        print(f"- FAILED: {problem}")
    print(f"\nVerdict: {'FAILED' if problems else 'passed'}")
    return 1 if problems else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="the bounded form CI runs")
    parser.add_argument("--steps", type=int, default=None, help="random actions in all")
    parser.add_argument("--documents", type=int, default=None, help="open documents")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.steps is None:
        args.steps = 1500 if args.quick else 20_000
    if args.documents is None:
        args.documents = 8 if args.quick else 50
    run_benchmark(run(args))


if __name__ == "__main__":
    main()
