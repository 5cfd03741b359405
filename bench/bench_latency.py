"""Benchmark: fim-lsp's end-to-end latency over stdio against a fake Codestral, with baselines.

Run: .venv/bin/python bench/bench_latency.py [--quick]

Starts the real server (``python -m fim_lsp --stdio``) as editors do, points it at a fake
Codestral on 127.0.0.1 (in this process, on its own thread), drives it with pygls'
LanguageClient and prints a markdown report (median and p95 per scenario) for BENCHMARKS.md.
Exits 1 if any request fails or times out, or the server dies. ``--quick`` uses small counts
(under ~30 s); the full run takes a few minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shlex
import statistics
import sys
import time
import traceback
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import httpx_sse
from lsprotocol import types
from pygls.workspace import TextDocument

from bench.bench_documents import code_like
from bench.fakes.codestral import FIM_PATH, FakeCodestral
from bench.fakes.env import server_env
from bench.lsp_driver import (
    SERVER_COMMAND,
    Failure,
    Server,
    model,
    slot_document,
    slot_head,
    slot_line,
    target,
)
from fim_lsp.core import cursor
from fim_lsp.core.documents import Document, Position, Range

SLOW = {"first_token_delay": 0.2, "chunk_delay": 0.01}  # a realistic backend
CHUNK_CHARS = 4  # characters per streamed token; a 40-character suggestion is 10 tokens
WARMUP = 5
KEY_INTERVAL = 0.03
BURST_KEYS = 10


@dataclass(frozen=True)
class Plan:
    misses: int  # 1: Invoked cache misses (each also sent straight to the fake)
    hit_lines: int  # 2: lines primed, then asked again unchanged ...
    hit_repeats: int  # ... this many times each
    through_lines: int  # 2: lines primed, then typed into ...
    through_chars: int  # ... this many characters each
    bursts: int  # 3: typing bursts of BURST_KEYS keys
    along_lines: int  # 4: suggestions typed along ...
    along_chars: int  # ... this many characters each (of 40)
    pygls_reps: int  # 5: keystrokes timed on pygls' TextDocument (slow) ...
    ours_reps: int  # ... and on ours
    doc_lines: int  # 5: document size
    starts: int  # 6: server starts
    rss_requests: int  # 6: requests before reading the peak RSS
    rss_positions: int  # ... over this many positions


FULL = Plan(200, 20, 10, 10, 20, 10, 3, 40, 30, 3000, 100_000, 5, 10_000, 200)
QUICK = Plan(30, 5, 5, 3, 10, 3, 1, 12, 5, 300, 100_000, 3, 1_000, 200)


# --------------------------------------------------------------------------- statistics


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def p95(xs: list[float]) -> float:
    if len(xs) < 2:
        return xs[0]
    return statistics.quantiles(xs, n=20, method="inclusive")[18]


def fmt(seconds: float) -> str:
    if abs(seconds) < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if abs(seconds) < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def count(x: float) -> str:
    """A count for people: digits grouped, a fraction only where there is one (a median of two)."""
    return f"{x:,.0f}" if x == int(x) else f"{x:,.1f}"


def row(label: str, xs: list[float], *extra: str) -> str:
    if not xs:
        return f"| {label} | 0 | - | - |" + "".join(f" {e} |" for e in extra)
    cells = [label, str(len(xs)), fmt(median(xs)), fmt(p95(xs)), *extra]
    return "| " + " | ".join(cells) + " |"


def ratio(a: float, b: float) -> str:
    return f"{a / b:,.1f}x" if b > 0 else "-"


# --------------------------------------------------------------------------- the run


class Bench:
    def __init__(
        self, plan: Plan, fake: FakeCodestral, env: dict[str, str], command: list[str]
    ) -> None:
        self.plan = plan
        self.fake = fake
        self.env = env
        self.command = command
        self.server: Server | None = None
        self.out: list[str] = []
        self.failures: list[str] = []
        self.notes: list[str] = []
        self.log_problems: dict[str, int] = {}
        self.messages: list[str] = []
        self.miss_median: float | None = None
        self.http: httpx.AsyncClient | None = None

    # ------------------------------------------------------------------ plumbing

    def say(self, *lines: str) -> None:
        self.out.extend(lines)

    async def ensure_server(self) -> Server:
        if self.server is not None and self.server.alive:
            return self.server
        if self.server is not None:
            await self.retire(self.server)
        server = Server(self.env, self.command)
        await server.start()
        self.server = server
        return server

    async def retire(self, server: Server) -> None:
        try:
            await server.stop()
        except Failure as failure:
            self.failures.append(str(failure))
        finally:
            for line, count in server.log_problems().items():
                self.log_problems[line] = self.log_problems.get(line, 0) + count
            self.messages.extend(server.messages)

    async def settle(self, limit: float = 3.0) -> bool:
        """Wait until every FIM stream the fake started has completed or been abandoned."""
        deadline = time.monotonic() + limit
        fake = self.fake
        while time.monotonic() < deadline:
            if len(fake.requests) <= fake.completed + fake.disconnects:
                return True
            await asyncio.sleep(0.005)
        return False

    async def configure(self, **knobs: float) -> None:
        if not await self.settle():
            raise Failure("the fake still had streams open 3 s after the last request")
        self.fake.reset()
        for name, value in knobs.items():
            setattr(self.fake, name, value)

    async def scenario(self, title: str, body: Callable[[], Awaitable[None]]) -> None:
        print(f"… {title}", file=sys.stderr, flush=True)
        started = time.perf_counter()
        self.say(f"### {title}", "")
        try:
            await body()
            if self.server is not None:
                self.server.check_alive()
        except Exception as error:
            problem = str(error) if isinstance(error, Failure) else repr(error)
            self.failures.append(f"{title}: {problem}")
            self.say(f"**FAILED:** {problem}", "")
            print(f"  FAILED: {problem}", file=sys.stderr, flush=True)
            if not isinstance(error, Failure):
                traceback.print_exc()
        self.say("")
        took = time.perf_counter() - started
        print(f"  {took:.1f} s", file=sys.stderr, flush=True)

    def wrong(self, what: str, got: str | None, want: str | None) -> None:
        if len(self.notes) < 50:
            self.notes.append(f"{what}: expected {want!r}, got {got!r}")

    # ------------------------------------------------------------------ 1. misses vs floor

    async def s1_misses(self) -> None:
        server = await self.ensure_server()
        await self.configure()
        uri = "file:///bench/s1_misses.py"
        n = self.plan.misses
        server.open(uri, slot_document(n + WARMUP))
        assert self.http is not None
        lsp: list[float] = []
        floor: list[float] = []
        wrong = 0
        for i in range(n + WARMUP):
            before = len(self.fake.requests)
            text, seconds = await server.inline(uri, slot_line(i), len(slot_head(i)), invoked=True)
            if text != target(i):
                wrong += 1
                self.wrong(f"1: slot {i}", text, target(i))
            if len(self.fake.requests) == before:
                raise Failure("the server sent no HTTP request for a cache miss")
            body = self.fake.requests[-1].body
            floor_seconds = await self.floor(body)
            if i >= WARMUP:
                lsp.append(seconds)
                floor.append(floor_seconds)
        self.miss_median = median(lsp)
        overhead = median(lsp) - median(floor)
        self.say(
            "Backend: 0 ms (first token and every token at once), 40-character answer in "
            f"{40 // CHUNK_CHARS} tokens; each request on a new line (no cache hit possible), "
            f"awaited one at a time; {WARMUP} warm-up requests not counted.",
            "",
            "| path | n | median | p95 |",
            "|---|---:|---:|---:|",
            row("floor: the same FIM request straight to the fake (httpx, keep-alive, SSE)", floor),
            row("fim-lsp: `Invoked` inlineCompletion over stdio", lsp),
            "",
            f"Overhead of fim-lsp (difference of medians): **{fmt(overhead)}** "
            f"({ratio(median(lsp), median(floor))} the floor). Wrong answers: {wrong}.",
        )

    async def floor(self, body: object) -> float:
        """One streaming FIM request straight to the fake, read to the end."""
        assert self.http is not None
        started = time.perf_counter()
        async with httpx_sse.aconnect_sse(self.http, "POST", FIM_PATH, json=body) as source:
            if source.response.status_code != 200:
                raise Failure(f"floor request got HTTP {source.response.status_code}")
            async for event in source.aiter_sse():
                if event.data != "[DONE]":
                    json.loads(event.data)
        return time.perf_counter() - started

    # ------------------------------------------------------------------ 2. cache hits

    async def s2_hits(self) -> None:
        server = await self.ensure_server()
        await self.configure()
        plan = self.plan
        uri = "file:///bench/s2_hits.py"
        server.open(uri, slot_document(plan.hit_lines + plan.through_lines))
        repeat: list[float] = []
        repeat_http = 0
        wrong_repeat = 0
        for i in range(plan.hit_lines):
            line, col = slot_line(i), len(slot_head(i))
            await server.inline(uri, line, col, invoked=True)
            before = len(self.fake.requests)
            for _ in range(plan.hit_repeats):
                text, seconds = await server.inline(uri, line, col, invoked=True)
                repeat.append(seconds)
                if text != target(i):
                    wrong_repeat += 1
                    self.wrong(f"2: repeat slot {i}", text, target(i))
            repeat_http += len(self.fake.requests) - before
        through: list[float] = []
        through_http = 0
        wrong_through = 0
        for j in range(plan.through_lines):
            i = plan.hit_lines + j
            line, col, want = slot_line(i), len(slot_head(i)), target(i)
            await server.inline(uri, line, col, invoked=True)
            before = len(self.fake.requests)
            for k in range(plan.through_chars):
                server.insert(uri, line, col + k, want[k])
                text, seconds = await server.inline(uri, line, col + k + 1, invoked=True)
                through.append(seconds)
                if text != (want[k + 1 :] or None):
                    wrong_through += 1
                    self.wrong(f"2: typed-through slot {i} +{k + 1}", text, want[k + 1 :])
            through_http += len(self.fake.requests) - before
        base = self.miss_median

        def vs(xs: list[float]) -> str:
            return ratio(median(xs), base) if base and xs else "-"

        self.say(
            "Backend: 0 ms. After a first answer on a line: the same `Invoked` request again "
            f"({plan.hit_repeats} times on each of {plan.hit_lines} lines), and typing the "
            f"suggestion's next character then an `Invoked` request ({plan.through_chars} "
            f"characters on each of {plan.through_lines} lines). Baseline: the cache-miss "
            "median of scenario 1, same run.",
            "",
            "| request | n | median | p95 | vs miss | HTTP requests (target 0) | wrong answers |",
            "|---|---:|---:|---:|---:|---:|---:|",
            row("exact repeat", repeat, vs(repeat), str(repeat_http), str(wrong_repeat)),
            row("typed-through", through, vs(through), str(through_http), str(wrong_through)),
        )

    # ------------------------------------------------------------------ 3. typing bursts

    async def s3_bursts(self) -> None:
        server = await self.ensure_server()
        await self.configure(**SLOW)
        plan = self.plan
        uri = "file:///bench/s3_bursts.py"
        server.open(uri, slot_document(plan.bursts))
        fake = self.fake
        to_ghost: list[float] = []
        http: list[float] = []
        aborted: list[float] = []
        sent: list[float] = []
        wasted: list[float] = []
        shown: list[float] = []
        wrong = 0
        for i in range(plan.bursts):
            line, col, want = slot_line(i), len(slot_head(i)), target(i)
            if not await self.settle():
                raise Failure("the fake still had streams open 3 s after a burst")
            r0, d0, s0, a0 = (
                len(fake.requests),
                fake.disconnects,
                fake.chunks_sent,
                fake.chunks_aborted,
            )
            pendings = []
            start = time.perf_counter()
            last_key = start
            for k in range(BURST_KEYS):
                delay = start + k * KEY_INTERVAL - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                last_key = time.perf_counter()
                server.insert(uri, line, col + k, want[k])
                pendings.append(server.send_inline(uri, line, col + k + 1, invoked=False))
            texts = [await p.result() for p in pendings]
            last = pendings[-1]
            assert last.answered is not None
            to_ghost.append(last.answered - last_key)
            if texts[-1] != want[BURST_KEYS:]:
                wrong += 1
                self.wrong(f"3: burst slot {i}", texts[-1], want[BURST_KEYS:])
            if not await self.settle():
                raise Failure("the fake still had streams open 3 s after a burst")
            http.append(len(fake.requests) - r0)
            aborted.append(fake.disconnects - d0)
            sent.append(fake.chunks_sent - s0)
            wasted.append(fake.chunks_aborted - a0)
            shown.append(sum(t is not None for t in texts))
        self.say(
            f"Backend: first token after {SLOW['first_token_delay'] * 1000:.0f} ms, then "
            f"{SLOW['chunk_delay'] * 1000:.0f} ms per token ({40 // CHUNK_CHARS} tokens for "
            f"the whole answer). {plan.bursts} bursts on fresh lines; each burst is "
            f"{BURST_KEYS} keystrokes {KEY_INTERVAL * 1000:.0f} ms apart, each a didChange "
            "plus an `Automatic` inlineCompletion sent without waiting for earlier answers.",
            "",
            "| per burst | median | p95 | total |",
            "|---|---:|---:|---:|",
            f"| last keystroke → ghost text | {fmt(median(to_ghost))} | {fmt(p95(to_ghost))} | |",
            *(
                f"| {label} | {count(median(xs))} | {count(p95(xs))} | {count(sum(xs))} |"
                for label, xs in (
                    ("HTTP requests to the backend", http),
                    ("streams aborted (client disconnects)", aborted),
                    ("tokens streamed", sent),
                    ("tokens streamed on aborted streams (wasted)", wasted),
                    (f"non-empty answers (of {BURST_KEYS})", shown),
                )
            ),
            "",
            f"Wrong final answers: {wrong}.",
        )

    # ------------------------------------------------------------------ 4. typing along

    async def s4_along(self) -> None:
        server = await self.ensure_server()
        await self.configure(**SLOW)
        plan = self.plan
        uri = "file:///bench/s4_along.py"
        server.open(uri, slot_document(plan.along_lines))
        per_key: list[float] = []  # keys that leave part of the suggestion to type
        last_key: list[float] = []  # the key that completes it
        http = http_last = 0
        wrong = 0
        first: list[float] = []
        for i in range(plan.along_lines):
            line, col, want = slot_line(i), len(slot_head(i)), target(i)
            text, seconds = await server.inline(uri, line, col, invoked=True)
            first.append(seconds)
            if text != want:
                raise Failure(f"no suggestion to type along (got {text!r})")
            if not await self.settle():
                raise Failure("the fake still had streams open 3 s after the first answer")
            for k in range(plan.along_chars):
                completes = k + 1 == len(want)
                before = len(self.fake.requests)
                server.insert(uri, line, col + k, want[k])
                text, seconds = await server.inline(uri, line, col + k + 1, invoked=False)
                if not await self.settle():
                    raise Failure("the fake still had streams open 3 s after a key")
                sent = len(self.fake.requests) - before
                (last_key if completes else per_key).append(seconds)
                if completes:
                    http_last += sent
                else:
                    http += sent
                if text != (want[k + 1 :] or None):
                    wrong += 1
                    self.wrong(f"4: along slot {i} +{k + 1}", text, want[k + 1 :])
        rows = [row("key inside the suggestion", per_key, str(http))]
        if last_key:
            rows.append(row("key that completes it (nothing left)", last_key, str(http_last)))
        self.say(
            f"Backend as in 3. An `Invoked` request shows a 40-character one-line suggestion "
            f"(took {fmt(median(first))}); then its first {plan.along_chars} characters are "
            "typed one at a time, each a didChange plus an `Automatic` request, awaited. "
            f"{plan.along_lines} line(s). The model's answer after the whole suggestion is "
            "typed is empty.",
            "",
            "| per key | n | median | p95 | HTTP requests |",
            "|---|---:|---:|---:|---:|",
            *rows,
            "",
            f"HTTP requests while typing inside the suggestion (target 0): **{http}**. "
            f"Wrong answers: {wrong}.",
        )

    # ------------------------------------------------------------------ 5. keystroke cost

    async def s5_documents(self) -> None:
        plan = self.plan
        text = code_like(plan.doc_lines)
        mid = plan.doc_lines // 2 + 2  # an ASCII line
        col = 8
        ours = Document("file:///big.py", text, encoding="utf-16")
        theirs = TextDocument("file:///big.py", text, version=0)

        def ours_change() -> None:
            ours.apply_change("x", Range(Position(mid, col), Position(mid, col)))

        def ours_undo() -> None:
            ours.apply_change("", Range(Position(mid, col), Position(mid, col + 1)))

        def ours_cut() -> None:
            line, column = ours.index_of(Position(mid, col + 1))
            cursor.cut(ours, line, column, prefix_chars=6300, suffix_chars=2100)

        at, after = types.Position(mid, col), types.Position(mid, col + 1)

        def theirs_change() -> None:
            theirs.apply_change(
                types.TextDocumentContentChangePartial(range=types.Range(at, at), text="x")
            )

        def theirs_undo() -> None:
            theirs.apply_change(
                types.TextDocumentContentChangePartial(range=types.Range(at, after), text="")
            )

        def theirs_cut() -> None:
            offset = theirs.offset_at_position(after)
            source = theirs.source
            _ = source[:offset], source[offset:]

        def timed(step: Callable[[], None], undo: Callable[[], None] | None, n: int) -> list[float]:
            times = []
            for _ in range(n):
                started = time.perf_counter()
                step()
                times.append(time.perf_counter() - started)
                if undo is not None:
                    undo()
            return times

        def keystroke(change: Callable[[], None], cut: Callable[[], None]) -> Callable[[], None]:
            def both() -> None:
                change()
                cut()

            return both

        np, no = plan.pygls_reps, plan.ours_reps
        results = {
            "didChange (insert 1 character)": (
                timed(theirs_change, theirs_undo, np),
                timed(ours_change, ours_undo, no),
            ),
            "cut at the cursor": (timed(theirs_cut, None, np), timed(ours_cut, None, no)),
            "keystroke: both": (
                timed(keystroke(theirs_change, theirs_cut), theirs_undo, np),
                timed(keystroke(ours_change, ours_cut), ours_undo, no),
            ),
        }
        if ours.text() != theirs.source:
            raise Failure("the two documents diverged")
        size = len(text.encode())
        self.say(
            f"In-process, no server: a {plan.doc_lines:,}-line document "
            f"({size / 1e6:.1f} MB), one character inserted in line {mid:,}, then the cut "
            "at the cursor. fim-lsp: `Document.apply_change` and `index_of` + `cursor.cut` "
            "(8 000-character window). Naive: pygls' `TextDocument.apply_change`, then "
            "`offset_at_position` and `source[:offset]`, `source[offset:]`. "
            f"Runs: {np} naive, {no} fim-lsp.",
            "",
            "| per keystroke | pygls TextDocument (median) | p95 "
            "| fim-lsp Document (median) | p95 | naive / fim-lsp |",
            "|---|---:|---:|---:|---:|---:|",
            *(
                f"| {label} | {fmt(median(t))} | {fmt(p95(t))} | {fmt(median(o))} "
                f"| {fmt(p95(o))} | {ratio(median(t), median(o))} |"
                for label, (t, o) in results.items()
            ),
        )

    # ------------------------------------------------------------------ 6. start and memory

    async def s6_start_and_memory(self) -> None:
        plan = self.plan
        if self.server is not None:
            await self.retire(self.server)
            self.server = None
        await self.configure()
        starts: list[float] = []
        rss_start: list[int] = []
        for _ in range(plan.starts):
            server = Server(self.env, self.command)
            try:
                starts.append(await server.start())
                rss_start.append(server.memory_kb("VmRSS"))
                await server.configured()  # else shutdown races the server's own request
            finally:
                await self.retire(server)
        server = Server(self.env, self.command)
        self.server = server
        await server.start()
        uri = "file:///bench/s6_memory.py"
        positions = plan.rss_positions
        server.open(uri, slot_document(positions + 1))
        await server.configured()
        # warm up on a position outside the measured ones
        await server.inline(uri, slot_line(positions), len(slot_head(positions)), invoked=True)
        rss_open = server.memory_kb("VmRSS")
        await self.configure()
        first_pass: list[float] = []
        later: list[float] = []
        started = time.perf_counter()
        for n in range(plan.rss_requests):
            i = (n * 7) % positions if n >= positions else n  # later passes jump around
            _, seconds = await server.inline(uri, slot_line(i), len(slot_head(i)), invoked=True)
            (first_pass if n < positions else later).append(seconds)
        took = time.perf_counter() - started
        http = len(self.fake.requests)
        hwm, rss = server.memory_kb("VmHWM"), server.memory_kb("VmRSS")
        mb = 1024
        self.say(
            "Server start: spawn of the server to the `initialize` answer, "
            f"{plan.starts} starts. Memory: a fresh server, {plan.rss_requests:,} `Invoked` "
            f"requests (0 ms backend) over {positions} positions of one document: first each "
            "position once (misses), then the same positions again (hits once there is a cache).",
            "",
            "| measure | n | median | p95 |",
            "|---|---:|---:|---:|",
            row("spawn → initialize answer", starts),
            row(f"requests, first pass ({positions} positions)", first_pass),
            row("requests, later passes (repeats)", later),
            "",
            "| memory (server process) | MiB |",
            "|---|---:|",
            f"| RSS after initialize (median) | {median([float(r) for r in rss_start]) / mb:.1f} |",
            f"| RSS after didOpen and one request | {rss_open / mb:.1f} |",
            f"| RSS after {plan.rss_requests:,} requests | {rss / mb:.1f} |",
            f"| peak RSS (VmHWM) after {plan.rss_requests:,} requests | {hwm / mb:.1f} |",
            "",
            f"HTTP requests the backend saw during the {plan.rss_requests:,} requests: {http} "
            f"({http / plan.rss_requests:.0%}); wall time {took:.1f} s "
            f"({plan.rss_requests / took:,.0f} requests/s).",
        )


# --------------------------------------------------------------------------- report


def environment(env: dict[str, str], command: list[str]) -> list[str]:
    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "?"

    settings = sorted(f"{k}={v}" for k, v in env.items() if k.startswith("FIM_LSP_"))
    settings = [s for s in settings if not s.startswith("FIM_LSP_BASE_URL=")]
    return [
        f"- Command: `{shlex.join(sys.orig_argv)}`",
        f"- Date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.release()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs",
        f"- fim-lsp {version('fim-lsp')}, pygls {version('pygls')}, "
        f"lsprotocol {version('lsprotocol')}, httpx {version('httpx')}",
        f"- Server: `{shlex.join(['python', *command[1:]])}` (log level INFO), driven by pygls' "
        "LanguageClient over stdio (utf-16 positions); the fake Codestral runs on "
        "127.0.0.1 in the benchmark process. Server settings: defaults"
        + (f" plus {', '.join(settings)}" if settings else "")
        + " (debounceMs 150 unless set).",
        "- Latencies include the client's own JSON-RPC encoding and decoding.",
    ]


@contextmanager
def fake_codestral() -> Iterator[FakeCodestral]:
    with FakeCodestral(completion=model, chunk_chars=CHUNK_CHARS) as fake:
        yield fake


async def run(arguments: argparse.Namespace) -> int:
    global KEY_INTERVAL
    plan = QUICK if arguments.quick else FULL
    if arguments.key_interval_ms is not None:
        KEY_INTERVAL = arguments.key_interval_ms / 1000
    wall = time.perf_counter()
    with fake_codestral() as fake:
        extra = {}
        if arguments.debounce_ms is not None:
            extra["FIM_LSP_DEBOUNCE_MS"] = str(arguments.debounce_ms)
        if arguments.fixed_debounce:
            extra["FIM_LSP_ADAPTIVE_DEBOUNCE"] = "false"
        env = server_env(fake, **extra)
        command = shlex.split(arguments.server_command) if arguments.server_command else None
        bench = Bench(plan, fake, env, command or list(SERVER_COMMAND))
        headers = {"Authorization": f"Bearer {fake.api_key}"}
        async with httpx.AsyncClient(
            base_url=fake.base_url, headers=headers, trust_env=False, timeout=10
        ) as http:
            bench.http = http
            scenarios = [
                ("1. Cache miss vs. the HTTP floor", bench.s1_misses),
                ("2. Cache hits: exact repeat and typed-through", bench.s2_hits),
                ("3. Typing burst", bench.s3_bursts),
                ("4. Typing along a suggestion", bench.s4_along),
                ("5. Keystroke cost on a big document", bench.s5_documents),
                ("6. Start-up and memory", bench.s6_start_and_memory),
            ]
            if arguments.only:
                scenarios = [s for s in scenarios if s[0].split(".")[0] in arguments.only]
            try:
                for title, body in scenarios:
                    await bench.scenario(title, body)
            finally:
                if bench.server is not None:
                    await bench.retire(bench.server)
        took = time.perf_counter() - wall
        header = [
            f"## Latency ({'quick' if arguments.quick else 'full'} run)",
            "",
            *environment(env, bench.command),
            f"- Run time: {took:.0f} s",
            "",
        ]
    tail: list[str] = []
    if bench.notes:
        tail += ["### Unexpected answers", "", *(f"- {n}" for n in bench.notes), ""]
    if bench.log_problems:
        tail += ["### Server log warnings and errors", ""]
        tail += [f"- {count} x {line}" for line, count in bench.log_problems.items()]
        tail.append("")
    if bench.messages:
        tail += ["### window/showMessage", "", *(f"- {m}" for m in bench.messages), ""]
    if bench.failures:
        tail += ["### FAILURES", "", *(f"- {f}" for f in bench.failures), ""]
    print("\n".join(header + bench.out + tail))
    return 1 if bench.failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="small counts (under ~30 s)")
    parser.add_argument(
        "--server-command",
        metavar="CMD",
        help="start the server with this command line instead (for A/B runs), e.g. "
        "'.venv/bin/python path/to/variant.py'",
    )
    parser.add_argument(
        "--debounce-ms",
        type=int,
        default=None,
        help="set FIM_LSP_DEBOUNCE_MS for the server (default: the server's default)",
    )

    parser.add_argument(
        "--key-interval-ms",
        type=int,
        default=None,
        help=f"time between keystrokes in scenario 3 (default {KEY_INTERVAL * 1000:.0f})",
    )
    parser.add_argument(
        "--fixed-debounce",
        action="store_true",
        help="turn the server's adaptive debounce off (FIM_LSP_ADAPTIVE_DEBOUNCE=false)",
    )
    parser.add_argument(
        "--only", action="append", metavar="N", help="run only scenario N (repeatable)"
    )
    sys.exit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()
