"""The use case: cache, in-flight join, debounce, provider stream with early stop; latest request per document wins."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass

from fim_lsp.config import MANUAL, Settings
from fim_lsp.core import fitting, postprocess
from fim_lsp.core.cache import SuggestionCache
from fim_lsp.core.cursor import Cut
from fim_lsp.core.events import (
    Answered,
    CacheHit,
    Event,
    Failed,
    Observer,
    Received,
    Requested,
    Sent,
)
from fim_lsp.core.fetches import (
    DocumentState,
    DocumentStates,
    Fetch,
    Superseded,
    until_superseded,
    wait_for,
)
from fim_lsp.core.health import Reporter
from fim_lsp.core.notices import Status
from fim_lsp.core.prompting import around_of, ask, read_stream
from fim_lsp.core.rhythm import Rhythm
from fim_lsp.providers import FimRequest, Provider, ProviderError

log = logging.getLogger(__name__)

MAX_DOCUMENTS = 512


@dataclass(frozen=True, slots=True)
class Adaptation:
    """What automatic requests do differently, and why (for the statistics and the log)."""

    single_line: bool = False
    wait_factor: int = 1
    reason: str = ""


def reader_for(cut: Cut, around: fitting.Around, *, max_lines: int) -> postprocess.Suggestion:
    """The reader a stream for `cut` is fed into: it keeps what fits and says when it is complete."""
    return postprocess.Suggestion(
        cut.line_prefix,
        cut.line_suffix,
        max_lines=max_lines,
        stop_at=fitting.first_line_below(around),
        code_follows=bool(around.lines_below[:1] and around.lines_below[0].strip()),
        strip_fences=around.language_id not in ("markdown", "mdx"),
    )


def shown(suggestion: postprocess.Suggestion, around: fitting.Around, *, eol: str) -> str | None:
    """What the user is offered of a stream `suggestion` has read: its kept text, fitted and
    finished; None when nothing worth showing is left."""
    fitted = fitting.fit(suggestion.end(), around)
    return postprocess.finish(fitted or "", eol=eol)


def _as_is(request: FimRequest) -> FimRequest:
    return request


async def _texts(found: list[Fetch | str]) -> list[str | None]:
    """The texts of cache hits and of streams, once every stream has ended (failed or stopped:
    None)."""
    tasks = [item.task for item in found if isinstance(item, Fetch) and item.task is not None]
    if tasks:
        await asyncio.wait(tasks)
    return [
        item
        if isinstance(item, str)
        else None
        if item.task is None or item.task.cancelled()
        else item.task.result()
        for item in found
    ]


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
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        adapt: Callable[[], Adaptation] = Adaptation,
        refuse: Callable[[str], bool] = lambda text: False,
    ) -> None:
        """`adapt`: how automatic requests follow use (when `adaptToUsage` is on); `refuse`: a
        finished suggestion that must never be shown (e.g. a copied redaction placeholder)."""
        self.settings = settings
        self.provider = provider
        self.cache = SuggestionCache(settings.cache_size)
        self.counters = Counters()
        self._clock = clock
        self._sleep = sleep
        self._documents = DocumentStates(MAX_DOCUMENTS)
        self.reporter = Reporter(settings.enable, show=show, on_status=on_status, clock=clock)
        self._rhythm = Rhythm()
        self._prefetch: tuple[str, Fetch] | None = None  # the one prefetch, by document
        self._adapt = adapt
        self._refuse = refuse
        self._observers: list[Observer] = []
        self._fetch_numbers = 0

    def observe(self, observer: Observer) -> None:
        """Call `observer` with every event from now on."""
        self._observers.append(observer)

    def _emit(self, event: Event) -> None:
        for observer in self._observers:
            try:
                observer(event)
            except Exception:  # an observer's bug must not cost a suggestion
                log.exception("an observer failed on %s", type(event).__name__)

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
        prepare: Callable[[FimRequest], FimRequest] = _as_is,
        lane: str = "inline",
    ) -> str | None:
        """The suggestion for `cut`, or None; a newer request for the same `key` answers this one None."""
        texts = await self.suggestions(
            key, cut, invoked=invoked, language_id=language_id, prepare=prepare, lane=lane
        )
        return texts[0] if texts else None

    async def suggestions(
        self,
        key: str,
        cut: Cut,
        *,
        invoked: bool,
        language_id: str = "",
        prepare: Callable[[FimRequest], FimRequest] = _as_is,
        lane: str = "inline",
        count: int = 1,
    ) -> list[str]:
        """Up to `count` different suggestions for `cut`, the usual one first; a newer request for
        the same `key` answers this one with none.

        Only an `invoked` request asks for more than one: each extra one is a provider request of
        its own (sampled differently), sent alongside the usual one. An automatic request gets
        those of them the cache still has for the text typed since, and then asks the provider
        for nothing, so the user can go on cycling through them. Requests in different lanes
        (ghost text, completion menu) do not supersede each other. `prepare` turns a request into
        what is sent (context added, redacted); it is called only when a request reaches the
        provider.
        """
        settings = self.settings
        if not settings.enable or language_id in settings.disabled_languages:
            return []
        self.counters.requests += 1
        self._emit(Requested())
        started = self._clock()
        if not invoked:
            self._rhythm.keystroke(self._clock())
        state = self._documents.get((key, lane))
        if state.newest is not None:
            state.newest.set()
        newest = state.newest = asyncio.Event()
        extra: list[Fetch | str] = []
        try:
            if invoked and count > 1 and not self.reporter.blocks(invoked=True):
                extra = [self._alternative(cut, n, language_id, prepare) for n in range(1, count)]
            elif not invoked:
                extra = [*self._cached_alternatives(cut, count)]
            cache_only = bool(extra) and not invoked
            text = await self._complete(
                state, newest, cut, invoked, language_id, prepare, cache_only=cache_only
            )
            if cache_only and text is None:
                self.counters.cache_hits += 1
                self._emit(CacheHit(typed_through=bool(self.cache.last_typed)))
            more = await until_superseded(_texts(extra), newest) if extra else []
        except Superseded:
            self.counters.superseded += 1
            return []
        finally:
            for fetch in extra:
                if isinstance(fetch, Fetch):
                    fetch.stop()  # nobody else can join an alternative's stream
            if state.newest is newest:
                state.newest = None
        texts: list[str] = []
        for found in (text, *more):
            if found and found not in texts:
                texts.append(found)
        if texts:
            self._emit(Answered((self._clock() - started) * 1000))
        return texts

    async def _complete(
        self,
        state: DocumentState,
        newest: asyncio.Event,
        cut: Cut,
        invoked: bool,
        language_id: str,
        prepare: Callable[[FimRequest], FimRequest],
        *,
        cache_only: bool = False,
    ) -> str | None:
        adaptation = Adaptation() if invoked else self.adaptation()
        request, max_lines, params = ask(
            self.settings, self.provider, cut, one_line=adaptation.single_line
        )
        if (hit := self.cache.get(params, cut.prefix, cut.suffix)) is not None:
            self.counters.cache_hits += 1
            self._emit(CacheHit(typed_through=bool(self.cache.last_typed)))
            return hit
        if cache_only:
            return None
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
        if not invoked and self.settings.trigger_mode == MANUAL:
            return None  # only a request the user makes reaches the provider
        if not invoked and (delay := self.debounce_seconds() * adaptation.wait_factor) > 0:
            await until_superseded(self._sleep(delay), newest)
        if self.reporter.blocks(invoked=invoked):
            return None
        fetch = self._start(state, request, prepare, params, cut, language_id, max_lines)
        return await wait_for(fetch, newest)

    def _alternative(
        self,
        cut: Cut,
        sample: int,
        language_id: str,
        prepare: Callable[[FimRequest], FimRequest],
    ) -> Fetch | str:
        """Alternative number `sample` for `cut`: from the cache, or a stream started for it."""
        request, max_lines, params = ask(
            self.settings, self.provider, cut, one_line=False, sample=sample
        )
        if (hit := self.cache.get(params, cut.prefix, cut.suffix)) is not None:
            return hit
        return self._launch(request, prepare, params, cut, language_id, max_lines, alternative=True)

    def _cached_alternatives(self, cut: Cut, count: int) -> list[str]:
        """Alternatives 1 to `count` - 1 for `cut` that the cache has, typed-through ones included."""
        found: list[str] = []
        for sample in range(1, count):
            _, _, params = ask(self.settings, self.provider, cut, one_line=False, sample=sample)
            if (hit := self.cache.get(params, cut.prefix, cut.suffix)) is not None:
                found.append(hit)
        return found

    def prefetch(
        self,
        key: str,
        cut: Cut,
        *,
        language_id: str = "",
        prepare: Callable[[FimRequest], FimRequest] = _as_is,
    ) -> None:
        """Fetch the suggestion for `cut` before it is asked for (after a full accept).

        At most one prefetch runs; the next request for the place joins it or finds it cached,
        and any edit to the document stops it unless a request has joined it.
        """
        settings = self.settings
        if (
            not settings.prefetch
            or not settings.enable
            or settings.trigger_mode == MANUAL
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
        fetch = self._start(state, request, prepare, params, cut, language_id, max_lines)
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
        return self._adapt() if self.settings.adapt_to_usage else Adaptation()

    def debounce_seconds(self) -> float:
        """How long an automatic request waits before calling the provider."""
        base = self.settings.debounce_ms / 1000
        return self._rhythm.debounce(base) if self.settings.adaptive_debounce else base

    def _start(
        self,
        state: DocumentState,
        request: FimRequest,
        prepare: Callable[[FimRequest], FimRequest],
        params: Hashable,
        cut: Cut,
        language_id: str,
        max_lines: int,
    ) -> Fetch:
        """Stream the answer to `request` (as `prepare` makes it) as the document `state`'s stream."""
        fetch = state.fetch = self._launch(request, prepare, params, cut, language_id, max_lines)
        return fetch

    def _launch(
        self,
        request: FimRequest,
        prepare: Callable[[FimRequest], FimRequest],
        params: Hashable,
        cut: Cut,
        language_id: str,
        max_lines: int,
        *,
        alternative: bool = False,
    ) -> Fetch:
        """Stream the answer to `request` (as `prepare` makes it) into the cache."""
        around = around_of(cut, language_id)
        suggestion = reader_for(cut, around, max_lines=max_lines)
        fetch = Fetch(params, cut.prefix, cut.suffix, cut.eol, around, suggestion)
        fetch.task = asyncio.create_task(self._fetch(fetch, prepare(request), alternative))
        self.counters.fetches += 1
        return fetch

    async def _fetch(self, fetch: Fetch, request: FimRequest, alternative: bool) -> str | None:
        started = self._clock()
        self._fetch_numbers += 1
        number = self._fetch_numbers
        self.reporter.stream_started()
        self._emit(Sent(number, self.provider.name, self.provider.host, request, alternative))
        try:
            raw = await read_stream(self.provider, request, self.settings, fetch.suggestion.feed)
        except ProviderError as error:
            self._emit(Failed(number, error))
            self.reporter.failed(error, self.provider.name, started)
            return None
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("unexpected failure while getting a suggestion")
            return None
        finally:
            self.reporter.stream_ended()
        stopped_early = fetch.suggestion.complete  # end() below completes every suggestion
        if stopped_early:
            self.counters.early_stops += 1
        self.reporter.succeeded()
        text = shown(fetch.suggestion, fetch.around, eol=fetch.eol)
        if text is not None and self._refuse(text):
            text = None
        milliseconds = round((self._clock() - started) * 1000, 1)
        self._emit(Received(number, raw, text, milliseconds, stopped_early, alternative))
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
