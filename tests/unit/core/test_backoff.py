"""Backoff: rate limits pause for what the provider asks, repeated failures for longer each time."""

import pytest

from fim_lsp.core.backoff import FIRST_PAUSE_SECONDS, MAX_PAUSE_SECONDS, RATE_LIMIT_SECONDS, Backoff
from fim_lsp.providers import ErrorKind, ProviderError


def _error(kind: ErrorKind, retry_after: float | None = None) -> ProviderError:
    return ProviderError(kind, "x", retry_after=retry_after)


def test_rate_limit_pauses_for_retry_after_even_for_invoked_requests() -> None:
    backoff = Backoff()
    assert backoff.failed(_error(ErrorKind.RATE_LIMITED, 12.0), now=100.0, started=100.0) == 12.0
    assert backoff.blocks(105.0, invoked=False) and backoff.blocks(105.0, invoked=True)
    assert not backoff.blocks(112.0, invoked=False)


def test_rate_limit_without_retry_after_uses_the_default() -> None:
    backoff = Backoff()
    assert (
        backoff.failed(_error(ErrorKind.RATE_LIMITED), now=0.0, started=0.0) == RATE_LIMIT_SECONDS
    )


@pytest.mark.parametrize("kind", [ErrorKind.UNAVAILABLE, ErrorKind.TIMEOUT, ErrorKind.PROTOCOL])
def test_repeated_failures_pause_longer_each_time_up_to_a_cap(kind: ErrorKind) -> None:
    backoff = Backoff()
    assert backoff.failed(_error(kind), now=0.0, started=0.0) is None  # one failure may be a blip
    pauses = [backoff.failed(_error(kind), now=1000.0 * n, started=1000.0 * n) for n in range(1, 9)]
    assert pauses[:3] == [FIRST_PAUSE_SECONDS, 2 * FIRST_PAUSE_SECONDS, 4 * FIRST_PAUSE_SECONDS]
    assert pauses[-1] == MAX_PAUSE_SECONDS
    assert backoff.blocks(8000.5, invoked=False)
    assert not backoff.blocks(8000.5, invoked=True)  # the user asked: try anyway


def test_retry_after_on_a_server_error_is_honoured_at_once() -> None:
    backoff = Backoff()
    assert backoff.failed(_error(ErrorKind.UNAVAILABLE, 5.0), now=0.0, started=0.0) == 5.0


@pytest.mark.parametrize("kind", [ErrorKind.CONFIG, ErrorKind.BAD_REQUEST])
def test_failures_only_the_user_can_fix_never_pause(kind: ErrorKind) -> None:
    backoff = Backoff()
    assert all(
        backoff.failed(_error(kind), now=float(n), started=float(n)) is None for n in range(5)
    )
    assert not backoff.blocks(5.0, invoked=False)


def test_success_and_reset_forget_everything() -> None:
    backoff = Backoff()
    backoff.failed(_error(ErrorKind.UNAVAILABLE), now=0.0, started=0.0)
    backoff.succeeded()
    assert backoff.failed(_error(ErrorKind.UNAVAILABLE), now=1.0, started=1.0) is None
    backoff.failed(_error(ErrorKind.RATE_LIMITED, 60.0), now=2.0, started=2.0)
    backoff.reset()
    assert not backoff.blocks(3.0, invoked=False)


def test_a_huge_retry_after_is_capped_at_an_hour() -> None:
    assert Backoff().failed(_error(ErrorKind.RATE_LIMITED, 10**9), now=0.0, started=0.0) == 3600.0


def test_a_short_rate_limit_inside_an_error_pause_blocks_only_for_its_own_time() -> None:
    backoff = Backoff()
    for n in range(6):  # the pause grows to 16 s
        backoff.failed(_error(ErrorKind.UNAVAILABLE), now=float(n), started=float(n))
    backoff.failed(_error(ErrorKind.RATE_LIMITED, 0.5), now=5.0, started=5.0)
    assert backoff.blocks(5.2, invoked=True)  # rate limited: even the user waits ...
    assert not backoff.blocks(5.6, invoked=True)  # ... but only for its Retry-After
    assert backoff.blocks(5.6, invoked=False)  # the error pause goes on for automatic ones


def test_failures_of_requests_in_flight_together_count_once() -> None:
    backoff = Backoff()
    burst = [
        backoff.failed(_error(ErrorKind.UNAVAILABLE), now=1.0 + n / 100, started=0.5)
        for n in range(7)
    ]
    assert burst == [None] * 7  # one failure: no pause, however many requests it took along
    assert (
        backoff.failed(_error(ErrorKind.UNAVAILABLE), now=3.0, started=2.0) == FIRST_PAUSE_SECONDS
    )
