"""The use case: cache, in-flight join, debounce, provider stream with early stop; latest request per document wins."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from fim_lsp import config, fitting, postprocess, redaction
from fim_lsp.adaptation import Adaptation, judged
from fim_lsp.cache import SuggestionCache
from fim_lsp.config import Settings
from fim_lsp.cursor import Cut
from fim_lsp.fetches import (
    DocumentState,
    DocumentStates,
    Fetch,
    Superseded,
    until_superseded,
    wait_for,
)
from fim_lsp.notices import Status
from fim_lsp.prompting import (
    INSPECTED_CHARS,
    around_of,
    ask,
    inspected,
    outgoing,
    read_stream,
)
from fim_lsp.providers import ErrorKind, FimRequest, Provider, ProviderError
from fim_lsp.reporting import Reporter
from fim_lsp.rhythm import Rhythm
from fim_lsp.snippets import Preamble
from fim_lsp.stats import Stats

log = logging.getLogger(__name__)
_T = TypeVar("_T")

MAX_DOCUMENTS = 512
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
        self._clock = clock
        self._documents = DocumentStates(MAX_DOCUMENTS)
        self.reporter = Reporter(settings.enable, show=show, on_status=on_status, clock=clock)
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
        new_endpoint = settings != self.settings
        if settings.cache_size != self.settings.cache_size:
            self.cache = SuggestionCache(settings.cache_size)
        self.settings = settings
        self.provider = provider
        self.reporter.configured(settings.enable, new_endpoint=new_endpoint)

    @property
    def status(self) -> Status:
        """What the user is told of the provider now."""
        return self.reporter.status

    def excluded(self, reason: str | None) -> None:
        """Show why the current file gets no suggestions; None: it does, so drop such a status."""
        self.reporter.excluded(reason, enabled=self.settings.enable)

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
        state = self._documents.get((key, lane))
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
            self.stats.latency(self._today(), (self._clock() - started) * 1000)
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
        request, max_lines, params = ask(
            self.settings, self.provider, cut, one_line=adaptation.single_line
        )
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
        if self.reporter.blocks(invoked=invoked):
            return None
        fetch = self._start(state, request, preamble, params, cut, language_id, max_lines)
        return await wait_for(fetch, newest)

    def _outgoing(self, request: FimRequest, context: Preamble) -> FimRequest:
        """The request as sent: with the file header and related code, and redacted."""
        takes_files = getattr(self.provider, "takes_files", False)  # llama.cpp: files go apart
        secrets = self._secrets if self.settings.redact_secrets else None
        return outgoing(request, context, takes_files=takes_files, secrets=secrets)

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
        if self.reporter.blocks(invoked=False):
            return
        request, max_lines, params = ask(
            self.settings, self.provider, cut, one_line=self.adaptation().single_line
        )
        state = self._documents.get((key, "inline"))
        current = state.fetch.task if state.fetch is not None else None
        if current is not None and not current.done():
            return  # the document's own stream goes on
        if self.cache.get(params, cut.prefix, cut.suffix) is not None:
            return
        if self._prefetch is not None:
            self._prefetch[1].stop()
        fetch = self._start(state, request, preamble, params, cut, language_id, max_lines)
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
        adaptation = judged(self.stats)
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
        preamble: Callable[[], Preamble],
        params: Hashable,
        cut: Cut,
        language_id: str,
        max_lines: int,
    ) -> Fetch:
        """Stream the answer to `request` (sent with its preamble) for the document `state`."""
        around = around_of(cut, language_id)
        suggestion = postprocess.Suggestion(
            cut.line_prefix,
            cut.line_suffix,
            max_lines=max_lines,
            stop_at=fitting.first_line_below(around),
            strip_fences=language_id not in ("markdown", "mdx"),
        )
        fetch = Fetch(params, cut.prefix, cut.suffix, cut.eol, around, suggestion)
        fetch.task = asyncio.create_task(self._fetch(fetch, self._outgoing(request, preamble())))
        state.fetch = fetch
        self.counters.fetches += 1
        return fetch

    async def _fetch(self, fetch: Fetch, request: FimRequest) -> str | None:
        started = self._clock()
        self.reporter.stream_started()
        sent = len(request.prompt) + len(request.suffix) + sum(len(t) for _, t in request.extra)
        self.stats.count(self._today(), http_requests=1, tokens_in=config.tokens(sent))
        self.last_exchange = exchange = inspected(self.provider, request)
        try:
            raw = await read_stream(self.provider, request, self.settings, fetch.suggestion.feed)
        except ProviderError as error:
            exchange["error"] = error.message
            if error.kind is ErrorKind.TIMEOUT:
                self._interrupted += 1
            self.reporter.failed(error, self.provider.name)
            return None
        except asyncio.CancelledError:
            self._interrupted += 1
            raise
        except Exception:
            log.exception("unexpected failure while getting a suggestion")
            return None
        finally:
            self.reporter.stream_ended()
            if self.reporter.streams == 0 and self._interrupted >= RECYCLE_AFTER_INTERRUPTIONS:
                self._interrupted = 0
                self._recycle()
        if fetch.suggestion.complete:
            self.counters.early_stops += 1
        self.stats.count(self._today(), tokens_out=config.tokens(len(raw)))
        self.reporter.succeeded()
        fitted = fitting.fit(fetch.suggestion.end(), fetch.around)
        text = postprocess.finish(fitted or "", eol=fetch.eol)
        if text is not None and redaction.PLACEHOLDER in text:
            text = None  # the model copied a placeholder: that is no code for the user
        milliseconds = round((self._clock() - started) * 1000, 1)
        exchange.update(received=raw[:INSPECTED_CHARS], shown=text, milliseconds=milliseconds)
        log.debug(
            "%s answered in %.0f ms: %d chars kept",
            self.provider.host,
            milliseconds,
            len(text or ""),
        )
        if text is not None:
            self.cache.put(fetch.params, fetch.prefix, fetch.suffix, text)
        return text

    def forget(self, key: str) -> None:
        """Stop work for a closed document and drop its state, in every lane."""
        self._documents.forget(key)

    def cancel_all(self) -> None:
        """Stop all work (shutdown)."""
        log.info("this session: %s", self.counters)
        self._documents.forget_all()

    @property
    def streams(self) -> int:
        """How many provider streams are running now."""
        return self.reporter.streams

    @property
    def documents(self) -> int:
        """How many documents have state."""
        return len(self._documents)
