"""What the user is told of the provider: the status, its busy flag, one warning per problem, pauses after failures."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from fim_lsp.core.backoff import Backoff
from fim_lsp.core.notices import READY, Notices, Status, status_after
from fim_lsp.providers import ErrorKind, ProviderError

log = logging.getLogger(__name__)
BUSY_AFTER_SECONDS = 0.1
LOG_REPEATS_SECONDS = 300.0  # the same failure again within this is logged at debug level


class Reporter:
    """One per engine: keeps the status, counts running streams and decides when to pause."""

    def __init__(
        self,
        enabled: bool,
        *,
        show: Callable[[str], None],
        on_status: Callable[[Status], None],
        clock: Callable[[], float],
    ) -> None:
        self.status = READY if enabled else Status("inactive", False, "disabled")
        self.streams = 0  # provider streams running now
        self._show = show
        self._on_status = on_status
        self._clock = clock
        self._notices = Notices()
        self._backoff = Backoff()
        self._pause_ends = 0.0  # the pause a resume timer is set for
        self._logged, self._logged_at, self._repeats = "", float("-inf"), 0

    def set(self, status: Status) -> None:
        """Make `status` the current one, telling the editor if it changed."""
        if status != self.status:
            self.status = status
            self._on_status(status)

    def configured(self, enabled: bool, *, new_endpoint: bool) -> None:
        """Settings changed: a pause is owed to one endpoint and request, not the next."""
        if new_endpoint:
            self._backoff.reset()
        if not enabled:
            self.set(Status("inactive", False, "disabled in the fimLsp.enable setting"))
        elif self.status.kind == "inactive":
            self.set(READY)

    def excluded(self, reason: str | None, *, enabled: bool) -> None:
        """Show why the current file gets no suggestions; None: it does, so drop such a status."""
        if reason is not None:
            self.set(Status("inactive", False, reason))
        elif self.status.kind == "inactive" and enabled:
            self.set(READY)

    def blocks(self, *, invoked: bool) -> bool:
        """Whether a request must not reach the provider now (a pause after failures)."""
        return self._backoff.blocks(self._clock(), invoked=invoked)

    def stream_started(self) -> None:
        self.streams += 1
        if self.streams == 1:
            # only streams that take a while show as busy: no flicker, no chatter on fast answers
            asyncio.get_running_loop().call_later(BUSY_AFTER_SECONDS, self._show_busy)

    def stream_ended(self) -> None:
        self.streams -= 1
        if self.streams == 0:
            self._show_busy()

    def _show_busy(self) -> None:
        current = self.status
        self.set(Status(current.kind, self.streams > 0, current.message))

    def succeeded(self) -> None:
        """The provider answered: every problem is over."""
        self._backoff.succeeded()
        for kind in ErrorKind:
            self._notices.clear(kind)
        self.set(Status("normal", self.streams > 0, "ready"))

    def failed(self, error: ProviderError, provider: str, started: float) -> None:
        """Tell the user once, and pause requests when the failure asks for it; `started`: when
        the failed request was sent."""
        now = self._clock()
        message = error.message
        if (pause := self._backoff.failed(error, now, started)) is not None:
            resume_at = time.strftime("%H:%M:%S", time.localtime(time.time() + pause))
            message += f" Suggestions pause until {resume_at} ({pause:.0f} s)."
            if self._backoff.until != self._pause_ends:  # one timer per pause
                self._pause_ends = self._backoff.until
                asyncio.get_running_loop().call_later(pause, self._resume)
        self._log(provider, error.message, message)
        self.set(status_after(error.kind, message, busy=self.streams > 0))
        if self._notices.should_show(error.kind, now):
            self._show(f"fim-lsp: {message}")

    def _log(self, provider: str, problem: str, message: str) -> None:
        """Log a failure; the same problem again within LOG_REPEATS_SECONDS goes to the debug
        level and is counted, and the next warning says how often it came."""
        now = self._clock()
        if problem == self._logged and now - self._logged_at < LOG_REPEATS_SECONDS:
            self._repeats += 1
            log.debug("%s: %s (again)", provider, message)
            return
        if self._repeats:
            log.warning("%s: the warning before came %d more times", provider, self._repeats)
        self._logged, self._logged_at, self._repeats = problem, now, 0
        log.warning("%s: %s", provider, message)

    def _resume(self) -> None:
        """A pause is over: say so; the next request tries the provider again.

        An error (a rejected key) stays shown: only the user can end it.
        """
        if not self.blocks(invoked=False) and self.status.kind == "warning":
            self.set(Status("normal", self.streams > 0, "ready again after a pause"))
