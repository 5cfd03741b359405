"""What the user is told of the provider: the status, its busy flag, one warning per problem, pauses after failures."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable

from fim_lsp.core.backoff import Backoff
from fim_lsp.core.notices import LOOKING, READY, Notices, Status, status_after
from fim_lsp.providers import ErrorKind, FimRequest, Provider, ProviderError

log = logging.getLogger(__name__)
BUSY_AFTER_SECONDS = 0.1
LOG_REPEATS_SECONDS = 300.0  # the same failure again within this is logged at debug level
_NOTHING = FimRequest(prompt="", suffix="", model="")  # asked for, never sent


def chooses(provider: Provider) -> bool:
    """Whether `provider` must look for the provider it delegates to first (`auto` asking local
    servers), so what it lacks is known only after that."""
    return callable(getattr(provider, "chosen", None))


async def missing(provider: Provider) -> ProviderError | None:
    """What keeps `provider` from ever sending, found without sending anything: no provider found
    by `auto`, a key the provider needs, an address it refuses; None if nothing does."""
    if (chosen := getattr(provider, "chosen", None)) is not None:  # auto's choice, with a probe
        try:
            provider, _ = await chosen()
        except ProviderError as error:
            return error
    return missing_now(provider)


def missing_now(provider: Provider) -> ProviderError | None:
    """`missing` for a provider that does not choose: known at once.

    The error is the one a request would raise, in the provider's own words (as `fim-lsp check`
    says it): a provider raises it when asked for a stream, before any I/O, and a stream that is
    never started sends nothing.
    """
    try:
        provider.stream(_NOTHING)
    except ProviderError as error:
        return error
    return None


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
        self._lacking: ProviderError | None = None  # what the provider lacks (see `missing`)
        self._set_up_known = False
        self._excluded: str | None = None  # why the current file is not sent
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
            self.set(self._resting())

    def excluded(self, reason: str | None, *, enabled: bool) -> None:
        """Show why the current file gets no suggestions; None: it does, so drop such a status."""
        self._excluded = reason
        if reason is not None:
            self.set(Status("inactive", False, reason))
        elif self.status.kind == "inactive" and enabled:
            self.set(self._resting())

    def _resting(self) -> Status:
        """The status of an enabled server between requests: the current file not sent, else
        what the provider lacks, else ready."""
        if self._excluded is not None:
            return Status("inactive", False, self._excluded)
        if self._lacking is not None:
            lacking = self._lacking
            return status_after(
                lacking.kind,
                lacking.message,
                busy=self.streams > 0,
                key_variable=lacking.key_variable,
            )
        return Status("normal", self.streams > 0, "ready")

    def _shows(self, status: Status) -> bool:
        """Whether the status now is `status`, busy or not."""
        return (status.kind, status.message) == (self.status.kind, self.status.message)

    def looking(self) -> None:
        """The provider is being looked for (`auto` asks local servers): say so, unless an
        earlier look said what the user has (which stands until this one ends)."""
        if not self._set_up_known and self.status.kind == "normal":
            self.set(LOOKING)

    def set_up(self, problem: ProviderError | None, provider: str) -> None:
        """What `missing` found: tell the user what the provider lacks, once, as a request that
        failed for it would; None: it lacks nothing, which ends such a problem (or the look)."""
        self._set_up_known = True
        if problem is None:
            before, self._lacking = self._lacking, None
            if before is not None:
                self._notices.clear(before.kind)
                if self._shows(status_after(before.kind, before.message, busy=False)):
                    self.set(self._resting())
            if self._shows(LOOKING):
                self.set(self._resting())
            return
        self._lacking = problem
        self._log(provider, problem.message, problem.message)
        if self.status.kind == "inactive":
            return  # off, or this file is not sent: the problem shows when that ends
        self.set(self._resting())
        if self._notices.should_show(problem.kind, self._clock()):
            self._show(f"fim-lsp: {problem.message}")

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
        self.set(dataclasses.replace(current, busy=self.streams > 0))

    def succeeded(self) -> None:
        """The provider answered: every problem is over."""
        self._backoff.succeeded()
        for kind in ErrorKind:
            self._notices.clear(kind)
        self._lacking, self._set_up_known = None, True
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
        # the failed stream still counts until it ends: busy only if others run
        status = status_after(
            error.kind, message, busy=self.streams > 1, key_variable=error.key_variable
        )
        if error.kind is ErrorKind.CONFIG:  # nothing was sent: the set-up lacks something
            self._lacking, self._set_up_known = error, True
        self.set(status)
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
