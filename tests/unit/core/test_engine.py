"""The engine in process: cache, join, supersede, debounce, orphan grace, prefetch, backoff, events.

A fake provider whose streams each test drives delta by delta, on a virtual clock: every wait
(debounce, orphan grace, pauses, time-outs) happens at its exact time, with no real waiting.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from fim_lsp.config import ALTERNATIVE_TEMPERATURE, Settings
from fim_lsp.core import cursor
from fim_lsp.core.backoff import FIRST_PAUSE_SECONDS
from fim_lsp.core.documents import Document
from fim_lsp.core.engine import Adaptation, Engine
from fim_lsp.core.events import Answered, CacheHit, Event, Failed, Received, Requested, Sent
from fim_lsp.core.fetches import ORPHAN_GRACE_SECONDS
from fim_lsp.core.health import BUSY_AFTER_SECONDS
from fim_lsp.core.notices import Status
from fim_lsp.core.prompting import ask
from fim_lsp.providers import ErrorKind, FimRequest, ProviderError
from tests.unit.fake_provider import FakeProvider
from tests.unit.virtual_time import advance, idle, now, virtual_time

DOC = "file:///work/demo.py"
OTHER_DOC = "file:///work/other.py"
SOURCE = "def add(a, b):\n    |\n"  # `|` marks the cursor
ANSWER = "return a + b"


def typed(text: str) -> str:
    """SOURCE with `text` typed at the cursor."""
    return SOURCE.replace("|", text + "|")


def cut_at(text: str) -> cursor.Cut:
    before, after = text.split("|")
    line = before.count("\n")
    column = len(before) - (before.rfind("\n") + 1)
    document = Document(DOC, before + after)
    return cursor.cut(document, line, column, prefix_chars=4000, suffix_chars=2000)


class Rig:
    """An engine on the virtual clock over a fake provider, and all it tells the world."""

    def __init__(
        self,
        provider: FakeProvider | None = None,
        *,
        adapt: Callable[[], Adaptation] = Adaptation,
        **settings: Any,
    ) -> None:
        self.provider = provider or FakeProvider()
        self.warnings: list[str] = []
        self.statuses: list[tuple[float, Status]] = []  # (virtual time to the µs, status)
        self.events: list[Event] = []
        self.engine = Engine(
            Settings(**{"debounce_ms": 0, "adaptive_debounce": False, **settings}),
            self.provider,
            show=self.warnings.append,
            on_status=lambda status: self.statuses.append((round(now(), 6), status)),
            clock=asyncio.get_running_loop().time,
            adapt=adapt,
        )
        self.engine.observe(self.events.append)

    def ask(
        self,
        text: str,
        *,
        invoked: bool = False,
        key: str = DOC,
        lane: str = "inline",
        prepare: Callable[[FimRequest], FimRequest] = lambda request: request,
    ) -> asyncio.Task[str | None]:
        """Start a request at the cursor in `text`, as the service does."""
        cut = cut_at(text)
        work = self.engine.complete(key, cut, invoked=invoked, lane=lane, prepare=prepare)
        return asyncio.create_task(work)

    def ask_many(self, text: str, count: int, *, invoked: bool) -> asyncio.Task[list[str]]:
        """Start a request for up to `count` suggestions at the cursor in `text`."""
        work = self.engine.suggestions(DOC, cut_at(text), invoked=invoked, count=count)
        return asyncio.create_task(work)

    def remember(self, text: str, suggestion: str) -> None:
        """Put `suggestion` in the cache as if it had been answered at the cursor in `text`."""
        cut = cut_at(text)
        _, _, params = ask(self.engine.settings, self.provider, cut, one_line=False)
        self.engine.cache.put(params, cut.prefix, cut.suffix, suggestion)

    def kinds(self) -> list[str]:
        return [type(event).__name__ for event in self.events]


# the cache


@virtual_time
async def test_a_cached_suggestion_comes_back_at_once_without_a_provider_call() -> None:
    rig = Rig(FakeProvider(reply=ANSWER), debounce_ms=150)
    assert await rig.ask(SOURCE, invoked=True) == ANSWER
    asked_at = now()
    assert await rig.ask(SOURCE) == ANSWER  # automatic, yet no debounce: the cache answers
    assert now() == asked_at
    assert len(rig.provider.streams) == 1
    assert [event for event in rig.events if isinstance(event, CacheHit)] == [CacheHit(False)]


@virtual_time
async def test_typing_along_or_backspacing_is_a_cache_hit_without_a_provider_call() -> None:
    rig = Rig(FakeProvider(reply=ANSWER), debounce_ms=150)
    assert await rig.ask(SOURCE, invoked=True) == ANSWER
    assert await rig.ask(typed("ret")) == "urn a + b"
    assert await rig.ask(typed("re")) == "turn a + b"
    assert now() == 0.0
    assert len(rig.provider.streams) == 1
    hits = [event for event in rig.events if isinstance(event, CacheHit)]
    assert hits == [CacheHit(typed_through=True), CacheHit(typed_through=True)]


# join and supersede


@pytest.mark.parametrize(
    ("typing", "answer"),
    [("ret", "urn a + b"), ("return a +", " b")],
    ids=["typed what the stream produced", "typed past what it produced so far"],
)
@virtual_time
async def test_a_request_that_extends_the_running_stream_joins_it(typing: str, answer: str) -> None:
    rig = Rig(debounce_ms=150)
    first = rig.ask(SOURCE, invoked=True)
    await idle()
    stream = rig.provider.last
    stream.send("return a")
    await idle()
    second = rig.ask(typed(typing))  # automatic: joining skips the debounce too
    await idle()
    assert first.done() and first.result() is None  # the newer request answers for the place
    assert stream.open and len(rig.provider.streams) == 1
    stream.finish(" + b")
    assert await second == answer
    assert stream.how == "finished"
    assert rig.engine.counters.joins == 1
    assert rig.kinds() == ["Requested", "Sent", "Requested", "Received", "Answered"]


@virtual_time
async def test_a_request_elsewhere_supersedes_the_older_one_and_closes_its_stream() -> None:
    rig = Rig()
    first = rig.ask(SOURCE, invoked=True)
    await idle()
    old = rig.provider.last
    old.send("return")
    await advance(0.5)
    second = rig.ask(typed("x"), invoked=True)
    await idle()
    assert first.done() and first.result() is None
    assert old.closed and old.ended_at == 0.5  # at once: no grace for a place the user left
    assert len(rig.provider.streams) == 2 and rig.provider.last.open
    rig.provider.last.finish(" = a + b")
    assert await second == " = a + b"
    assert rig.engine.counters.superseded == 1


@pytest.mark.parametrize(
    ("key", "lane"),
    [(OTHER_DOC, "inline"), (DOC, "menu")],
    ids=["another document", "another lane"],
)
@virtual_time
async def test_requests_for_another_document_or_lane_do_not_supersede(key: str, lane: str) -> None:
    rig = Rig()
    first = rig.ask(SOURCE, invoked=True)
    await idle()
    second = rig.ask(typed("x"), invoked=True, key=key, lane=lane)
    await idle()
    one, two = rig.provider.streams
    assert one.open and two.open and not first.done()
    one.finish(ANSWER)
    two.finish(" = a + b")
    assert await first == ANSWER
    assert await second == " = a + b"


@virtual_time
async def test_forgetting_a_document_answers_its_request_and_closes_its_stream() -> None:
    rig = Rig()
    waiting = rig.ask(SOURCE, invoked=True)
    await idle()
    rig.engine.forget(DOC)
    assert await waiting is None
    await idle()
    assert rig.provider.last.closed
    assert rig.engine.documents == 0


# debounce


@pytest.mark.parametrize(
    ("adaptive", "adapt", "wait"),
    [
        (False, Adaptation, 0.150),
        (True, Adaptation, 1.5 * 0.040),  # a bit over the usual gap between keys
        (False, lambda: Adaptation(wait_factor=2), 0.300),  # suggestions ignored: wait longer
    ],
    ids=["debounceMs", "typing rhythm", "adapted to use"],
)
@virtual_time
async def test_a_burst_of_automatic_requests_makes_one_provider_call_after_the_debounce(
    adaptive: bool, adapt: Callable[[], Adaptation], wait: float
) -> None:
    rig = Rig(debounce_ms=150, adaptive_debounce=adaptive, adapt=adapt)
    word = "retur"
    requests = []
    for n in range(1, len(word) + 1):  # a key every 40 ms
        requests.append(rig.ask(typed(word[:n])))
        await advance(0.040)
    last_key = 0.040 * (len(word) - 1)
    await advance(wait - 0.040 - 0.001)
    assert rig.provider.streams == []  # still waiting
    await advance(0.002)
    assert len(rig.provider.streams) == 1
    assert rig.provider.last.started_at == pytest.approx(last_key + wait)
    assert rig.provider.last.request.prompt.endswith("    retur")
    rig.provider.last.finish("n a + b")
    assert [await request for request in requests] == [None, None, None, None, "n a + b"]


@virtual_time
async def test_an_invoked_request_does_not_wait_for_the_debounce() -> None:
    rig = Rig(debounce_ms=150)
    request = rig.ask(SOURCE, invoked=True)
    await idle()
    assert [stream.started_at for stream in rig.provider.streams] == [0.0]
    rig.provider.last.finish(ANSWER)
    assert await request == ANSWER


# the orphan grace


async def _leave_by_cancelling(rig: Rig, waiting: asyncio.Task[str | None]) -> None:
    waiting.cancel()  # the editor cancelled the request ($/cancelRequest)


async def _leave_for_a_cached_place(rig: Rig, waiting: asyncio.Task[str | None]) -> None:
    assert await rig.ask(typed("x")) == " = a + b"  # a newer request, answered by the cache


@pytest.mark.parametrize(
    "leave", [_leave_by_cancelling, _leave_for_a_cached_place], ids=["cancelled", "superseded"]
)
@virtual_time
async def test_a_stream_nobody_waits_for_is_closed_after_the_grace(leave: Any) -> None:
    rig = Rig()
    rig.remember(typed("x"), " = a + b")
    waiting = rig.ask(SOURCE, invoked=True)
    await idle()
    stream = rig.provider.last
    stream.send("return")
    await advance(1.0)
    await leave(rig, waiting)
    await advance(ORPHAN_GRACE_SECONDS - 0.01)
    assert stream.open  # the next keystroke may still join it
    await advance(0.02)
    assert stream.closed
    assert stream.ended_at == pytest.approx(1.0 + ORPHAN_GRACE_SECONDS)
    assert waiting.cancelled() or waiting.result() is None


@virtual_time
async def test_a_request_that_joins_within_the_grace_keeps_the_stream() -> None:
    rig = Rig()
    waiting = rig.ask(SOURCE, invoked=True)
    await idle()
    stream = rig.provider.last
    stream.send("return")
    await idle()
    waiting.cancel()
    await advance(ORPHAN_GRACE_SECONDS - 0.05)
    joined = rig.ask(typed("re"))
    await advance(1.0)  # well past the grace
    assert stream.open and len(rig.provider.streams) == 1
    stream.finish(" a + b")
    assert await joined == "turn a + b"
    assert stream.how == "finished"


# prefetch


@virtual_time
async def test_prefetch_runs_at_most_one_stream() -> None:
    rig = Rig()
    rig.engine.prefetch(DOC, cut_at(SOURCE))
    await idle()
    assert len(rig.provider.streams) == 1
    rig.engine.prefetch(DOC, cut_at(typed("x")))  # the document's own stream goes on
    await idle()
    assert len(rig.provider.streams) == 1
    rig.engine.prefetch(OTHER_DOC, cut_at(SOURCE))  # a new one replaces the old one
    await idle()
    first, second = rig.provider.streams
    assert first.closed and second.open
    assert rig.provider.open_streams == [second]
    assert rig.engine.counters.prefetches == 2


@virtual_time
async def test_a_finished_prefetch_answers_the_next_request_from_the_cache() -> None:
    rig = Rig(debounce_ms=150)
    rig.engine.prefetch(DOC, cut_at(SOURCE))
    await idle()
    rig.provider.last.finish(ANSWER)
    await idle()
    assert await rig.ask(SOURCE) == ANSWER
    assert len(rig.provider.streams) == 1 and now() == 0.0


@virtual_time
async def test_an_edit_stops_a_prefetch_nobody_joined() -> None:
    rig = Rig()
    rig.engine.prefetch(DOC, cut_at(SOURCE))
    await idle()
    rig.engine.edited(OTHER_DOC)
    await idle()
    assert rig.provider.last.open
    rig.engine.edited(DOC)
    await idle()
    assert rig.provider.last.closed


@virtual_time
async def test_an_edit_leaves_a_prefetch_a_request_has_joined() -> None:
    rig = Rig(debounce_ms=150)
    rig.engine.prefetch(DOC, cut_at(SOURCE))
    await idle()
    stream = rig.provider.last
    stream.send("return")
    await idle()
    joined = rig.ask(typed("r"))
    await idle()
    rig.engine.edited(DOC)
    await advance(1.0)
    assert stream.open and len(rig.provider.streams) == 1
    stream.finish(" a + b")
    assert await joined == "eturn a + b"


@pytest.mark.parametrize(
    "settings",
    [
        {"prefetch": False},
        {"enable": False},
        {"disabled_languages": ("python",)},
        {"trigger_mode": "manual"},
    ],
)
@virtual_time
async def test_no_prefetch_when_the_settings_say_no(settings: dict[str, Any]) -> None:
    rig = Rig(**settings)
    rig.engine.prefetch(DOC, cut_at(SOURCE), language_id="python")
    await idle()
    assert rig.provider.streams == []


# backoff after failures


UNAVAILABLE = ProviderError(ErrorKind.UNAVAILABLE, "fake.test answered 503.", status=503)


@virtual_time
async def test_repeated_failures_pause_automatic_requests_for_the_backoffs_time() -> None:
    rig = Rig(FakeProvider(reply=UNAVAILABLE))
    assert await rig.ask(SOURCE) is None
    assert await rig.ask(SOURCE) is None  # the second failure in a row pauses
    assert await rig.ask(typed("x")) is None
    assert len(rig.provider.streams) == 2  # paused: the provider was not asked
    rig.engine.prefetch(DOC, cut_at(typed("y")))  # a prefetch waits out the pause too
    await idle()
    assert len(rig.provider.streams) == 2
    await advance(FIRST_PAUSE_SECONDS - 0.01)
    assert await rig.ask(typed("x")) is None and len(rig.provider.streams) == 2
    await advance(0.01)
    assert rig.statuses[-1] == (
        FIRST_PAUSE_SECONDS,
        Status("normal", False, "ready again after a pause"),
    )
    rig.provider.reply = ANSWER
    assert await rig.ask(typed("x")) == ANSWER  # the pause is over
    assert len(rig.provider.streams) == 3
    assert len(rig.warnings) == 1  # one warning for the problem, not one per failure


@virtual_time
async def test_invoked_requests_go_through_a_pause_and_a_success_resumes() -> None:
    rig = Rig(FakeProvider(reply=UNAVAILABLE))
    for _ in range(2):
        assert await rig.ask(SOURCE) is None
    assert await rig.ask(typed("x")) is None and len(rig.provider.streams) == 2
    rig.provider.reply = ANSWER
    assert await rig.ask(typed("x"), invoked=True) == ANSWER  # the user asked: try anyway
    assert await rig.ask(typed("y")) == ANSWER  # it answered: automatic requests go again
    assert len(rig.provider.streams) == 4
    assert rig.engine.status.kind == "normal"
    rig.provider.reply = UNAVAILABLE
    assert await rig.ask(typed("z")) is None  # the failures before the success are forgotten:
    assert await rig.ask(typed("w")) is None  # one new failure does not pause
    assert len(rig.provider.streams) == 6
    assert now() == 0.0


@virtual_time
async def test_a_rate_limit_pauses_every_request_for_its_retry_after() -> None:
    limited = ProviderError(ErrorKind.RATE_LIMITED, "slow down", status=429, retry_after=10.0)
    rig = Rig(FakeProvider(reply=limited))
    assert await rig.ask(SOURCE, invoked=True) is None
    rig.provider.reply = ANSWER
    assert await rig.ask(SOURCE, invoked=True) is None  # even the user's own request waits
    assert len(rig.provider.streams) == 1
    await advance(9.9)
    assert await rig.ask(SOURCE, invoked=True) is None and len(rig.provider.streams) == 1
    await advance(0.1)
    assert await rig.ask(SOURCE, invoked=True) == ANSWER


# reading the stream


@pytest.mark.parametrize(
    ("source", "deltas", "answer"),
    [
        ("x = add(|, 2)\n", ["1", "\n", "y = 3"], "1"),  # code after the cursor: one line
        (
            "def add(a, b):\n    |\n\nprint(add(1, 2))\n",
            ["return a + b\n", "\ndef sub(a, b):\n", "    return a - b\n"],
            ANSWER,
        ),  # a block: it ends where the code dedents
    ],
    ids=["line", "block"],
)
@virtual_time
async def test_the_stream_is_closed_once_the_suggestion_is_complete(
    source: str, deltas: list[str], answer: str
) -> None:
    rig = Rig()
    request = rig.ask(source, invoked=True)
    await idle()
    stream = rig.provider.last
    for delta in deltas[:-1]:
        stream.send(delta)
        await idle()
    assert stream.closed  # the rest is never read, so the model stops generating
    assert await request == answer
    received = next(event for event in rig.events if isinstance(event, Received))
    assert received.stopped_early and rig.engine.counters.early_stops == 1


@pytest.mark.parametrize(
    ("first_at", "fails_at", "setting"),
    [(None, 6.0, "firstTokenTimeoutMs"), (1.0, 10.0, "timeoutMs")],
    ids=["no first text", "no end"],
)
@virtual_time
async def test_a_stream_that_stalls_fails_at_its_time_out(
    first_at: float | None, fails_at: float, setting: str
) -> None:
    rig = Rig(first_token_timeout_ms=6000, timeout_ms=10000)
    request = rig.ask(SOURCE, invoked=True)
    await idle()
    stream = rig.provider.last
    if first_at is not None:
        await advance(first_at)
        stream.send("return")
    assert await request is None
    assert now() == pytest.approx(fails_at)
    assert stream.closed
    failed = next(event for event in rig.events if isinstance(event, Failed))
    assert failed.error.kind is ErrorKind.TIMEOUT and setting in failed.error.message


@virtual_time
async def test_only_a_slow_stream_shows_as_busy() -> None:
    rig = Rig()
    fast = rig.ask(SOURCE, invoked=True)
    await advance(BUSY_AFTER_SECONDS - 0.01)
    rig.provider.last.finish(ANSWER)
    assert await fast == ANSWER
    await advance(1.0)
    assert not any(status.busy for _, status in rig.statuses)
    slow = rig.ask(typed("x"), invoked=True)
    await advance(0.5)
    rig.provider.last.finish(" = a + b")
    assert await slow == " = a + b"
    busy = [(at, status.busy) for at, status in rig.statuses]
    assert busy[-2:] == [(round(1.09 + BUSY_AFTER_SECONDS, 6), True), (1.59, False)]


# events


@virtual_time
async def test_events_tell_what_happened_in_order() -> None:
    header = "# demo.py\n"

    def prepare(request: FimRequest) -> FimRequest:
        prepared.append(request)
        return dataclasses.replace(request, prompt=header + request.prompt)

    prepared: list[FimRequest] = []
    rig = Rig()
    asked = rig.ask(SOURCE, invoked=True, prepare=prepare)
    await advance(0.3)
    rig.provider.last.finish(ANSWER)
    assert await asked == ANSWER
    assert await rig.ask(SOURCE, prepare=prepare) == ANSWER  # from the cache: nothing prepared
    rig.provider.reply = UNAVAILABLE
    assert await rig.ask(typed("x"), prepare=prepare) is None
    assert len(prepared) == 2
    assert rig.events == [
        Requested(),
        Sent(1, "fake", "fake.test", rig.provider.streams[0].request),
        Received(1, ANSWER, ANSWER, pytest.approx(300.0), False),  # type: ignore[arg-type]
        Answered(pytest.approx(300.0)),  # type: ignore[arg-type]
        Requested(),
        CacheHit(typed_through=False),
        Answered(0.0),
        Requested(),
        Sent(2, "fake", "fake.test", rig.provider.streams[1].request),
        Failed(2, UNAVAILABLE),
    ]
    assert rig.provider.streams[0].request.prompt.startswith(header)  # sent as prepared


# manual mode


@virtual_time
async def test_in_manual_mode_typing_never_reaches_the_provider_and_asking_does() -> None:
    rig = Rig(trigger_mode="manual", debounce_ms=150)
    assert await rig.ask(SOURCE) is None
    assert await rig.ask(typed("r")) is None
    await advance(10.0)  # no debounce runs out into a request later either
    assert rig.provider.streams == [], "an automatic request in manual mode called the provider"
    asked = rig.ask(typed("r"), invoked=True)
    await idle()
    assert now() == 10.0  # at once
    rig.provider.last.finish("eturn a + b")
    assert await asked == "eturn a + b"
    assert len(rig.provider.streams) == 1


@virtual_time
async def test_in_manual_mode_a_suggestion_asked_for_follows_the_typing() -> None:
    rig = Rig(trigger_mode="manual")
    asked = rig.ask(SOURCE, invoked=True)
    await idle()
    stream = rig.provider.last
    stream.send("return a")
    await idle()
    joined = rig.ask(typed("re"))  # automatic, while the stream it asked for still runs
    await idle()
    stream.finish(" + b")
    assert await joined == "turn a + b"
    assert await asked is None  # superseded by the newer request, as in automatic mode
    assert await rig.ask(typed("retu")) == "rn a + b"  # typed through: from the cache
    assert await rig.ask(typed("retux")) is None  # typed something else: nothing asked
    assert len(rig.provider.streams) == 1


# alternatives


@virtual_time
async def test_an_invoked_request_gets_different_alternatives_from_parallel_requests() -> None:
    rig = Rig(temperature=0.2, random_seed=41)
    asked = rig.ask_many(SOURCE, 4, invoked=True)
    await idle()
    assert len(rig.provider.streams) == 4, "the usual request and three alternatives, together"
    assert all(stream.started_at == 0.0 for stream in rig.provider.streams)
    usual = next(s for s in rig.provider.streams if s.request.random_seed == 41)
    assert usual.request.temperature == 0.2
    extra = [s for s in rig.provider.streams if s is not usual]
    assert sorted(s.request.random_seed for s in extra) == [42, 43, 44]  # type: ignore[type-var]
    assert {s.request.temperature for s in extra} == {ALTERNATIVE_TEMPERATURE}
    usual.finish(ANSWER)
    for stream, text in zip(extra, ["return b + a", ANSWER, "return a+b"], strict=True):
        stream.finish(text)
    assert await asked == [ANSWER, "return b + a", "return a+b"]  # the same one once
    sent = [event for event in rig.events if isinstance(event, Sent)]
    assert sorted(event.alternative for event in sent) == [False, True, True, True]
    received = [event for event in rig.events if isinstance(event, Received)]
    assert sorted(event.alternative for event in received) == [False, True, True, True]
    assert await rig.ask_many(SOURCE, 4, invoked=True) == [ANSWER, "return b + a", "return a+b"]
    assert len(rig.provider.streams) == 4  # asked again: all from the cache


@virtual_time
async def test_an_automatic_request_gets_one_suggestion_whatever_the_count() -> None:
    rig = Rig(FakeProvider(reply=ANSWER))
    assert await rig.ask_many(SOURCE, 3, invoked=False) == [ANSWER]
    assert len(rig.provider.streams) == 1
    assert not any(isinstance(e, Sent) and e.alternative for e in rig.events)


@virtual_time
async def test_a_newer_request_closes_the_alternatives_streams() -> None:
    rig = Rig()
    asked = rig.ask_many(SOURCE, 3, invoked=True)
    await idle()
    streams = list(rig.provider.streams)
    newer = rig.ask(typed("x"), invoked=True)
    await idle()
    assert await asked == []
    assert all(stream.closed for stream in streams), [stream.how for stream in streams]
    rig.provider.last.finish(" = a + b")
    assert await newer == " = a + b"


@virtual_time
async def test_a_failed_alternative_leaves_the_others() -> None:
    rig = Rig()
    asked = rig.ask_many(SOURCE, 3, invoked=True)
    await idle()
    usual, *extra = sorted(rig.provider.streams, key=lambda s: s.request.random_seed or 0)
    assert usual.request.random_seed is None
    usual.finish(ANSWER)
    extra[0].fail(UNAVAILABLE)
    extra[1].finish("return b + a")
    assert await asked == [ANSWER, "return b + a"]


async def _three_alternatives(rig: Rig) -> None:
    """Ask for three suggestions at SOURCE and answer them `ANSWER`, `return b + a`, `total = a`."""
    asked = rig.ask_many(SOURCE, 3, invoked=True)
    await idle()
    by_seed = sorted(rig.provider.streams, key=lambda s: s.request.random_seed or 0)
    for stream, text in zip(by_seed, [ANSWER, "return b + a", "total = a"], strict=True):
        stream.finish(text)
    assert await asked == [ANSWER, "return b + a", "total = a"]


@pytest.mark.parametrize(
    ("typing", "answer"),
    [
        ("", [ANSWER, "return b + a", "total = a"]),
        ("ret", ["urn a + b", "urn b + a"]),
        ("return b", [" + a"]),  # only an alternative fits: still no provider request
        ("tot", ["al = a"]),
        ("return b +", [" a"]),
    ],
)
@virtual_time
async def test_typing_into_alternatives_keeps_those_that_fit_from_the_cache(
    typing: str, answer: list[str]
) -> None:
    rig = Rig(debounce_ms=150)
    await _three_alternatives(rig)
    rig.provider.reply = "x = 0"  # what a new provider request would answer
    asked_at = now()
    assert await rig.ask_many(typed(typing), 3, invoked=False) == answer
    assert now() == asked_at, "the cache answers without a debounce"
    assert len(rig.provider.streams) == 3, "an alternative typed into asked the provider again"
    assert [e for e in rig.events if isinstance(e, CacheHit)] == [
        CacheHit(typed_through=bool(typing))
    ]
