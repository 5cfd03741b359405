"""When to stop calling a failing provider for every document, and when to try again."""

from __future__ import annotations

from fim_lsp.providers import ErrorKind, ProviderError

RATE_LIMIT_SECONDS = 30.0  # a 429 without Retry-After
FIRST_PAUSE_SECONDS = 2.0
MAX_PAUSE_SECONDS = 60.0  # for failures that come again; a Retry-After may ask for more
MAX_RETRY_AFTER_SECONDS = 3600.0
FAILURES_BEFORE_PAUSE = 2
# failures that say nothing about the next request's chance: fixing them is the user's move
_NOT_COUNTED = (ErrorKind.CONFIG, ErrorKind.BAD_REQUEST)


class Backoff:
    """Counts failures in a row; rate limits and repeated failures pause requests until a time."""

    def __init__(self) -> None:
        self.until = 0.0  # no automatic request before this
        self.rate_limited_until = 0.0  # no request at all before this
        self._failures = 0
        self._counted_at = float("-inf")  # when the last failure that counted happened

    def failed(self, error: ProviderError, now: float, started: float) -> float | None:
        """Note a failure of a request sent at `started`; returns the seconds requests now pause
        for, or None. Requests that were in flight together fail together: only the first
        failure among them counts, the others were sent before anyone knew."""
        if error.kind in _NOT_COUNTED:
            return None
        if started < self._counted_at:
            return self.until - now if self.until > now else None
        self._counted_at = now
        self._failures += 1
        retry_after = error.retry_after
        if error.kind is ErrorKind.RATE_LIMITED:
            seconds = RATE_LIMIT_SECONDS if retry_after is None else retry_after
        elif retry_after is not None:  # a 503 may say when to come back
            seconds = retry_after
        elif self._failures >= FAILURES_BEFORE_PAUSE:
            steps = self._failures - FAILURES_BEFORE_PAUSE
            seconds = min(FIRST_PAUSE_SECONDS * 2**steps, MAX_PAUSE_SECONDS)
        else:
            return None
        seconds = min(seconds, MAX_RETRY_AFTER_SECONDS)
        if seconds <= 0:
            return None
        if error.kind is ErrorKind.RATE_LIMITED:
            self.rate_limited_until = max(self.rate_limited_until, now + seconds)
        self.until = max(self.until, now + seconds)
        return self.until - now

    def succeeded(self) -> None:
        """The provider answered: forget the failures."""
        self._failures = 0
        self._counted_at = float("-inf")
        self.until = self.rate_limited_until = 0.0

    def blocks(self, now: float, *, invoked: bool) -> bool:
        """True while paused; a request the user asked for goes through unless rate limited."""
        return now < self.rate_limited_until or (now < self.until and not invoked)

    def reset(self) -> None:
        """New settings, maybe a new endpoint: start afresh."""
        self.succeeded()
