"""Fit automatic suggestions to use: one line when only first lines are kept, a longer wait when none are taken."""

from __future__ import annotations

from fim_lsp.core.engine import Adaptation
from fim_lsp.usage.stats import Stats

MIN_OUTCOMES = 8  # accepted multi-line suggestions needed before their length is judged
FIRST_LINE_SHARE = 0.75  # of those, kept only up to the end of their first line
IGNORED_STEP = 15  # shown in a row without an accept, per doubling of the wait
MAX_WAIT_FACTOR = 4


def adapt(first_line_only: list[bool], ignored_in_a_row: int) -> Adaptation:
    """Decide from the latest accepted multi-line suggestions (True: only their first line was kept)
    and the number of suggestions shown since the last accept."""
    reasons = []
    kept_first_lines = sum(first_line_only)
    single_line = len(
        first_line_only
    ) >= MIN_OUTCOMES and kept_first_lines >= FIRST_LINE_SHARE * len(first_line_only)
    if single_line:
        reasons.append(
            f"one line at a time: only the first line was kept of {kept_first_lines} of the last "
            f"{len(first_line_only)} multi-line suggestions accepted"
        )
    # doublings capped before the power: a count from a shared file can be any size
    wait_factor = min(MAX_WAIT_FACTOR, 2 ** min(ignored_in_a_row // IGNORED_STEP, MAX_WAIT_FACTOR))
    if wait_factor > 1:
        reasons.append(
            f"waiting {wait_factor}x longer before asking: none of the last {ignored_in_a_row:,} "
            "suggestions shown was accepted"
        )
    return Adaptation(single_line, wait_factor, "; ".join(reasons))


def judged(stats: Stats) -> Adaptation:
    """What the evidence `stats` keeps says."""
    return adapt(list(stats.first_line_only.values()), stats.ignored_in_a_row)
