"""The user's typing rhythm, so that the debounce waits just longer than the usual gap between keys."""

from __future__ import annotations

from collections import deque

PAUSE_SECONDS = 1.0  # a longer gap is a pause, not typing
SAMPLES = 16
MIN_SAMPLES = 4
STRETCH = 1.5  # wait this much longer than the usual gap (keys come with jitter)


class Rhythm:
    """Recent gaps between keystrokes, and the debounce they call for."""

    def __init__(self) -> None:
        self._gaps: deque[float] = deque(maxlen=SAMPLES)
        self._last: float | None = None

    def keystroke(self, now: float) -> None:
        """Note a keystroke at time `now` (seconds, any monotonic clock)."""
        if self._last is not None and 0 <= now - self._last < PAUSE_SECONDS:
            self._gaps.append(now - self._last)
        self._last = now

    def debounce(self, base: float) -> float:
        """`base` until the rhythm is known; then a bit over the median gap, within base/3..base*3."""
        if len(self._gaps) < MIN_SAMPLES:
            return base
        wanted = STRETCH * _median(self._gaps)
        return min(max(wanted, base / 3), base * 3)


def _median(values: deque[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
