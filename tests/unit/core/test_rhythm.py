"""The debounce follows the typing rhythm, within bounds, and ignores pauses."""

import pytest

from fim_lsp.core.rhythm import Rhythm


def _typed(gaps: list[float]) -> Rhythm:
    rhythm = Rhythm()
    now = 100.0
    rhythm.keystroke(now)
    for gap in gaps:
        now += gap
        rhythm.keystroke(now)
    return rhythm


@pytest.mark.parametrize(
    ("gaps", "base", "expected"),
    [
        ([], 0.15, 0.15),  # nothing known yet
        ([0.1, 0.1, 0.1], 0.15, 0.15),  # too few samples
        ([0.1] * 8, 0.15, 0.15),  # 1.5 x 100 ms
        ([0.2] * 8, 0.15, 0.3),  # slower typist: wait longer
        ([0.06] * 8, 0.15, 0.09),  # faster typist: answer sooner
        ([0.01] * 8, 0.15, 0.05),  # never below a third of the base
        ([0.9] * 8, 0.15, 0.45),  # never above three times the base
        ([0.1, 5.0, 0.1, 7.0, 0.1, 0.1], 0.15, 0.15),  # pauses are not gaps
    ],
)
def test_debounce(gaps: list[float], base: float, expected: float) -> None:
    assert _typed(gaps).debounce(base) == pytest.approx(expected)


def test_a_clock_going_backwards_is_ignored() -> None:
    rhythm = _typed([0.1] * 4)
    rhythm.keystroke(50.0)
    assert rhythm.debounce(0.15) == pytest.approx(0.15)
