"""The use case: from a cut to a suggestion, with latest-wins per document, debounce, and errors told once."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from contextlib import aclosing

from fim_lsp import postprocess
from fim_lsp.config import Settings
from fim_lsp.cursor import Cut
from fim_lsp.notices import Notices
from fim_lsp.providers import ErrorKind, FimRequest, Provider, ProviderError

log = logging.getLogger(__name__)


def build_request(settings: Settings, cut: Cut) -> FimRequest:
    """What to ask the model for this cut under these settings."""
    return FimRequest(
        prompt=cut.prefix,
        suffix=cut.suffix,
        model=settings.model,
        max_tokens=settings.max_tokens,
        min_tokens=settings.min_tokens,
        temperature=settings.temperature,
        top_p=settings.top_p,
        stop=settings.stop,
        random_seed=settings.random_seed,
    )


async def read_stream(
    provider: Provider,
    request: FimRequest,
    timeout_ms: int,
    on_delta: Callable[[str], None] | None = None,
) -> str:
    """The whole answer to `request`, within `timeout_ms`; the stream is closed however this ends."""
    parts: list[str] = []
    try:
        async with asyncio.timeout(timeout_ms / 1000):
            async with aclosing(provider.stream(request)) as deltas:
                async for delta in deltas:
                    parts.append(delta)
                    if on_delta is not None:
                        on_delta(delta)
    except TimeoutError:
        raise ProviderError(
            ErrorKind.TIMEOUT,
            f"{provider.host} did not finish within {timeout_ms} ms (the fimLsp.timeoutMs setting).",
        ) from None
    return "".join(parts)


class Engine:
    """One per server: turns cuts into suggestions and decides what the user is told."""

    def __init__(
        self,
        settings: Settings,
        provider: Provider,
        *,
        show: Callable[[str], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.provider = provider
        self._show = show
        self._clock = clock
        self._notices = Notices()
        self._running: dict[str, asyncio.Task[str | None]] = {}
        self._paused_until = 0.0

    def configure(self, settings: Settings, provider: Provider) -> None:
        """Use new settings from the next request on."""
        if (settings.provider, settings.base_url) != (
            self.settings.provider,
            self.settings.base_url,
        ):
            self._paused_until = 0.0  # a pause is owed to one endpoint, not to the next
        self.settings = settings
        self.provider = provider

    async def complete(
        self, key: str, cut: Cut, *, invoked: bool, language_id: str = ""
    ) -> str | None:
        """The suggestion for `cut`, or None; a newer request for the same `key` answers this one None."""
        if not self.settings.enable or language_id in self.settings.disabled_languages:
            return None
        if (older := self._running.pop(key, None)) is not None:
            older.cancel()
        task = asyncio.create_task(self._suggest(cut, invoked))
        self._running[key] = task
        try:
            return await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if task.cancelled() and current is not None and current.cancelling() == 0:
                return None  # superseded by a newer request for the same document
            raise
        finally:
            if self._running.get(key) is task:
                del self._running[key]

    def forget(self, key: str) -> None:
        """Stop work for a closed document."""
        if (task := self._running.pop(key, None)) is not None:
            task.cancel()

    def cancel_all(self) -> None:
        """Stop all work (shutdown)."""
        for task in self._running.values():
            task.cancel()
        self._running.clear()

    @property
    def running(self) -> int:
        """How many documents have a request in progress."""
        return len(self._running)

    async def _suggest(self, cut: Cut, invoked: bool) -> str | None:
        settings = self.settings
        if not invoked and settings.debounce_ms > 0:
            await asyncio.sleep(settings.debounce_ms / 1000)
        if self._clock() < self._paused_until:
            return None
        request = build_request(settings, cut)
        started = self._clock()
        try:
            raw = await read_stream(self.provider, request, settings.timeout_ms)
        except ProviderError as error:
            self._report(error)
            return None
        except Exception:
            log.exception("unexpected failure while getting a suggestion")
            return None
        for kind in ErrorKind:
            self._notices.clear(kind)
        log.debug(
            "%s answered %d chars in %.0f ms",
            self.provider.host,
            len(raw),
            (self._clock() - started) * 1000,
        )
        return postprocess.finish(raw, eol=cut.eol)

    def _report(self, error: ProviderError) -> None:
        now = self._clock()
        if error.kind is ErrorKind.RATE_LIMITED:
            self._paused_until = now + (error.retry_after if error.retry_after is not None else 30)
        log.warning("%s: %s", self.provider.name, error.message)
        if self._notices.should_show(error.kind, now):
            self._show(f"fim-lsp: {error.message}")
