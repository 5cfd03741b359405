"""The use case: cache, in-flight join, debounce, provider stream with early stop; latest request per document wins."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from fim_lsp import config, fitting, postprocess, redaction
from fim_lsp.adaptation import Adaptation, adapt
from fim_lsp.backoff import Backoff
from fim_lsp.cache import SuggestionCache
from fim_lsp.config import Settings
from fim_lsp.cursor import Cut
from fim_lsp.fetches import DocumentState, Fetch, Superseded, until_superseded, wait_for
from fim_lsp.notices import READY, Notices, Status, status_after
from fim_lsp.prompting import (
    INSPECTED_CHARS,
    around_of,
    build_request,
    inspected,
    read_stream,
    redacted,
)
from fim_lsp.providers import ErrorKind, FimRequest, Provider, ProviderError
from fim_lsp.rhythm import Rhythm
from fim_lsp.snippets import Preamble
from fim_lsp.stats import Stats

log = logging.getLogger(__name__)
_T = TypeVar("_T")

MAX_DOCUMENTS = 512
BUSY_AFTER_SECONDS = 0.1
# httpx/httpcore can leave a connection behind in the pool when a stream is cancelled (httpx
# issue 3782, httpcore issue 1093); after this many interrupted streams, the idle engine asks for
# a fresh HTTP client, which closes every connection of the old one
RECYCLE_AFTER_INTERRUPTIONS = 8


@dataclass
class Counters:
    """What the engine did, for logs, tests and benchmarks."""

    requests: int = 0
    cache_hits: int = 0
    joins: int = 0
    fetches: int = 0
    superseded: int = 0
    early_stops: int = 0
    prefetches: int = 0


class Engine:
    """One per server: turns cuts into suggestions and decides what the user is told."""

    def __init__(
        self,
        settings: Settings,
        provider: Provider,
        *,
        show: Callable[[str], None],
        on_status: Callable[[Status], None] = lambda status: None,
        on_idle_after_interruptions: Callable[[], None] = lambda: None,
        clock: Callable[[], float] = time.monotonic,
        secrets: Collection[str] = (),
        stats: Stats | None = None,
        today: Callable[[], str] = lambda: time.strftime("%Y-%m-%d"),
    ) -> None:
        """`secrets`: values never to send (the keys), redacted wherever they appear."""
        self.settings = settings
        self.provider = provider
        self.cache = SuggestionCache(settings.cache_size)
        self.counters = Counters()
        self._show = show
        self._clock = clock
        self._notices = Notices()
        self._documents: dict[tuple[str, str], DocumentState] = {}  # by (document, lane)
        self._backoff = Backoff()
        self._on_status = on_status
        self.status = READY if settings.enable else Status("inactive", False, "disabled")
        self._streams = 0  # provider streams running now
        self._interrupted = 0  # streams cut off (cancelled, timed out) since the last recycle
        self._recycle = on_idle_after_interruptions
        self._rhythm = Rhythm()
        self._prefetch: tuple[str, Fetch] | None = None  # the one prefetch, by document
        self._secrets = tuple(secrets)
        self.stats = stats if stats is not None else Stats()
        self.last_exchange: dict[str, Any] | None = None  # what the last request sent and got
        self._today = today
        self._adaptation = Adaptation()

    def configure(self, settings: Settings, provider: Provider) -> None:
        """Use new settings from the next request on."""
        if settings != self.settings:
            self._backoff.reset()  # a pause is owed to one endpoint and request, not the next
        if settings.cache_size != self.settings.cache_size:
            self.cache = SuggestionCache(settings.cache_size)
        self.settings = settings
        self.provider = provider
        if not settings.enable:
            self._set_status(Status("inactive", False, "disabled in the fimLsp.enable setting"))
        elif self.status.kind == "inactive":
            self._set_status(READY)

    def excluded(self, reason: str | None) -> None:
        """Show why the current file gets no suggestions; None: it does, so drop such a status."""
        if reason is not None:
            self._set_status(Status("inactive", False, reason))
        elif self.status.kind == "inactive" and self.settings.enable:
            self._set_status(READY)

    def _set_status(self, status: Status) -> None:
        if status != self.status:
            self.status = status
            self._on_status(status)

    def _set_busy(self, change: int) -> None:
        self._streams += change
        if change > 0 and self._streams == 1:
            # only streams that take a while show as busy: no flicker, no chatter on fast answers
            asyncio.get_running_loop().call_later(BUSY_AFTER_SECONDS, self._show_busy)
        elif self._streams == 0:
            self._show_busy()
            if self._interrupted >= RECYCLE_AFTER_INTERRUPTIONS:
                self._interrupted = 0
                self._recycle()

    def _show_busy(self) -> None:
        current = self.status
        self._set_status(Status(current.kind, self._streams > 0, current.message))

    def _params(self, request: FimRequest) -> Hashable:
        """Everything but the text that changes what the model answers."""
        return (
            self.provider.name,
            self.provider.host,
            request.model,
            request.max_tokens,
            request.min_tokens,
            request.temperature,
            request.top_p,
            request.stop,
            request.random_seed,
            self.settings.max_lines,
        )

    async def complete(
        self,
        key: str,
        cut: Cut,
        *,
        invoked: bool,
        language_id: str = "",
        preamble: Callable[[], Preamble] = Preamble,
        lane: str = "inline",
    ) -> str | None:
        """The suggestion for `cut`, or None; a newer request for the same `key` answers this one None.

        Requests in different lanes (ghost text, completion menu) do not supersede each other.
        """
        settings = self.settings
        if not settings.enable or language_id in settings.disabled_languages:
            return None
        self.counters.requests += 1
        self.stats.count(self._today(), requests=1)
        started = self._clock()
        if not invoked:
            self._rhythm.keystroke(self._clock())
        state = self._state((key, lane))
        if state.newest is not None:
            state.newest.set()
        newest = state.newest = asyncio.Event()
        try:
            text = await self._complete(state, newest, cut, invoked, language_id, preamble)
        except Superseded:
            self.counters.superseded += 1
            return None
        finally:
            if state.newest is newest:
                state.newest = None
        if text is not None:
            self.stats.day(self._today()).add_latency((self._clock() - started) * 1000)
        return text

    async def _complete(
        self,
        state: DocumentState,
        newest: asyncio.Event,
        cut: Cut,
        invoked: bool,
        language_id: str,
        preamble: Callable[[], Preamble],
    ) -> str | None:
        adaptation = Adaptation() if invoked else self.adaptation()
        request = build_request(self.settings, cut, single_line=adaptation.single_line)
        params = self._params(request)
        if (hit := self.cache.get(params, cut.prefix, cut.suffix)) is not None:
            self.counters.cache_hits += 1
            typed = 1 if self.cache.last_typed else 0
            self.stats.count(self._today(), cache_hits=1, typed_through=typed)
            return hit
        fetch = state.fetch
        if fetch is not None and fetch.joinable(params, cut.prefix, cut.suffix):
            self.counters.joins += 1
            text = await wait_for(fetch, newest)
            if (hit := self.cache.get(params, cut.prefix, cut.suffix)) is not None:
                return hit
            if text is None or cut.prefix == fetch.prefix:
                return None  # the stream had nothing for this place; asking again will not help
        elif fetch is not None and fetch.task is not None:
            fetch.stop()  # the user went elsewhere: stop paying for this stream
        if not invoked and (delay := self.debounce_seconds() * adaptation.wait_factor) > 0:
            await until_superseded(asyncio.sleep(delay), newest)
        if self._backoff.blocks(self._clock(), invoked=invoked):
            return None
        fetch = self._start(
            state,
            self._outgoing(request, preamble),
            params,
            cut,
            language_id,
            single_line=adaptation.single_line,
        )
        return await wait_for(fetch, newest)

    def _outgoing(self, request: FimRequest, preamble: Callable[[], Preamble]) -> FimRequest:
        """The request as sent: with the file header and related code, and redacted."""
        # what goes before the prefix is only worked out for requests that reach the provider
        context = preamble()
        if getattr(self.provider, "takes_files", False):  # llama.cpp: other files go apart
            request = dataclasses.replace(
                request, prompt=context.header + request.prompt, extra=context.as_files()
            )
        else:
            request = dataclasses.replace(request, prompt=context.as_text() + request.prompt)
        if self.settings.redact_secrets:
            request, count = redacted(request, self._secrets)
            if count:
                log.info("%d secret-looking strings replaced before sending", count)
        return request

    def prefetch(
        self,
        key: str,
        cut: Cut,
        *,
        language_id: str = "",
        preamble: Callable[[], Preamble] = Preamble,
    ) -> None:
        """Fetch the suggestion for `cut` before it is asked for (after a full accept).

        At most one prefetch runs; the next request for the place joins it or finds it cached,
        and any edit to the document stops it unless a request has joined it.
        """
        settings = self.settings
        if (
            not settings.prefetch
            or not settings.enable
            or language_id in settings.disabled_languages
        ):
            return
        if self._backoff.blocks(self._clock(), invoked=False):
            return
        single_line = self.adaptation().single_line
        request = build_request(settings, cut, single_line=single_line)
        params = self._params(request)
        state = self._state((key, "inline"))
        current = state.fetch.task if state.fetch is not None else None
        if current is not None and not current.done():
            return  # the document's own stream goes on
        if self.cache.get(params, cut.prefix, cut.suffix) is not None:
            return
        if self._prefetch is not None:
            self._prefetch[1].stop()
        fetch = self._start(
            state,
            self._outgoing(request, preamble),
            params,
            cut,
            language_id,
            single_line=single_line,
        )
        self._prefetch = (key, fetch)
        self.counters.prefetches += 1

    def edited(self, key: str) -> None:
        """The document changed: a prefetch for it that no request has joined is stopped."""
        if self._prefetch is not None and self._prefetch[0] == key:
            if self._prefetch[1].waiters == 0:
                self._prefetch[1].stop()
            self._prefetch = None

    def adaptation(self) -> Adaptation:
        """How automatic requests follow the way suggestions are used (`adaptToUsage`)."""
        if not self.settings.adapt_to_usage:
            return Adaptation()
        stats = self.stats
        adaptation = adapt(list(stats.first_line_only.values()), stats.ignored_in_a_row)
        before = self._adaptation
        if (adaptation.single_line, adaptation.wait_factor) != (
            before.single_line,
            before.wait_factor,
        ):
            log.info("adapting to use: %s", adaptation.reason or "back to normal")
        self._adaptation = adaptation
        return adaptation

    def debounce_seconds(self) -> float:
        """How long an automatic request waits before calling the provider."""
        base = self.settings.debounce_ms / 1000
        return self._rhythm.debounce(base) if self.settings.adaptive_debounce else base

    def _start(
        self,
        state: DocumentState,
        request: FimRequest,
        params: Hashable,
        cut: Cut,
        language_id: str,
        *,
        single_line: bool = False,
    ) -> Fetch:
        around = around_of(cut, language_id)
        suggestion = postprocess.Suggestion(
            cut.line_prefix,
            cut.line_suffix,
            max_lines=1 if single_line else self.settings.max_lines,
            stop_at=fitting.first_line_below(around),
            strip_fences=language_id not in ("markdown", "mdx"),
        )
        fetch = Fetch(params, cut.prefix, cut.suffix, cut.eol, around, suggestion)
        fetch.task = asyncio.create_task(self._fetch(fetch, request))
        state.fetch = fetch
        self.counters.fetches += 1
        return fetch

    async def _fetch(self, fetch: Fetch, request: FimRequest) -> str | None:
        started = self._clock()
        self._set_busy(+1)
        sent = len(request.prompt) + len(request.suffix) + sum(len(t) for _, t in request.extra)
        self.stats.count(self._today(), http_requests=1, tokens_in=config.tokens(sent))
        self.last_exchange = exchange = inspected(self.provider, request)
        try:
            raw = await read_stream(self.provider, request, self.settings, fetch.suggestion.feed)
        except ProviderError as error:
            exchange["error"] = error.message
            if error.kind is ErrorKind.TIMEOUT:
                self._interrupted += 1
            self._report(error)
            return None
        except asyncio.CancelledError:
            self._interrupted += 1
            raise
        except Exception:
            log.exception("unexpected failure while getting a suggestion")
            return None
        finally:
            self._set_busy(-1)
        if fetch.suggestion.complete:
            self.counters.early_stops += 1
        self.stats.count(self._today(), tokens_out=config.tokens(len(raw)))
        self._backoff.succeeded()
        for kind in ErrorKind:
            self._notices.clear(kind)
        self._set_status(Status("normal", self._streams > 0, "ready"))
        fitted = fitting.fit(fetch.suggestion.end(), fetch.around)
        text = postprocess.finish(fitted or "", eol=fetch.eol)
        if text is not None and redaction.PLACEHOLDER in text:
            text = None  # the model copied a placeholder: that is no code for the user
        exchange.update(
            received=raw[:INSPECTED_CHARS],
            shown=text,
            milliseconds=round((self._clock() - started) * 1000, 1),
        )
        log.debug(
            "%s answered in %.0f ms: %d chars kept",
            self.provider.host,
            (self._clock() - started) * 1000,
            len(text or ""),
        )
        if text is not None:
            self.cache.put(fetch.params, fetch.prefix, fetch.suffix, text)
        return text

    def _state(self, key: tuple[str, str]) -> DocumentState:
        state = self._documents.get(key)
        if state is None:
            if len(self._documents) >= MAX_DOCUMENTS:
                self._forget_idle()
            state = self._documents[key] = DocumentState()
        return state

    def _forget_idle(self) -> None:
        def idle(state: DocumentState) -> bool:
            task = state.fetch.task if state.fetch is not None else None
            return state.newest is None and (task is None or task.done())

        for key in [key for key, state in self._documents.items() if idle(state)]:
            del self._documents[key]

    def forget(self, key: str) -> None:
        """Stop work for a closed document and drop its state, in every lane."""
        for lane_key in [lane_key for lane_key in self._documents if lane_key[0] == key]:
            state = self._documents.pop(lane_key)
            if state.newest is not None:
                state.newest.set()
            if state.fetch is not None:
                state.fetch.stop()

    def cancel_all(self) -> None:
        """Stop all work (shutdown)."""
        log.info("this session: %s", self.counters)
        for key, _ in list(self._documents):
            self.forget(key)

    @property
    def streams(self) -> int:
        """How many provider streams are running now."""
        return self._streams

    @property
    def documents(self) -> int:
        """How many documents have state."""
        return len(self._documents)

    def _report(self, error: ProviderError) -> None:
        now = self._clock()
        message = error.message
        if (pause := self._backoff.failed(error, now)) is not None:
            resume_at = time.strftime("%H:%M:%S", time.localtime(time.time() + pause))
            message += f" Suggestions pause until {resume_at} ({pause:.0f} s)."
            asyncio.get_running_loop().call_later(pause, self._resume)
        log.warning("%s: %s", self.provider.name, message)
        self._set_status(status_after(error.kind, message, busy=self._streams > 0))
        if self._notices.should_show(error.kind, now):
            self._show(f"fim-lsp: {message}")

    def _resume(self) -> None:
        """A pause is over: say so; the next request tries the provider again.

        An error (a rejected key) stays shown: only the user can end it.
        """
        if not self._backoff.blocks(self._clock(), invoked=False) and self.status.kind == "warning":
            self._set_status(Status("normal", self._streams > 0, "ready again after a pause"))
