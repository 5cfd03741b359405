"""The adaptation rules, and the numbers statistics keep for them."""

from __future__ import annotations

from fim_lsp.adaptation import Adaptation, adapt
from fim_lsp.stats import Stats

DAY = "2026-11-26"


def test_no_evidence_no_change() -> None:
    assert adapt([], 0) == Adaptation()
    assert adapt([True] * 7, 14) == Adaptation()  # too few outcomes, too few ignored


def test_one_line_when_three_quarters_keep_only_the_first_line() -> None:
    assert adapt([True] * 6 + [False] * 2, 0).single_line
    assert not adapt([True] * 5 + [False] * 3, 0).single_line
    reason = adapt([True] * 15 + [False] * 5, 0).reason
    assert reason.startswith("one line at a time") and "15 of the last 20" in reason


def test_the_wait_doubles_every_fifteen_ignored_up_to_four_times() -> None:
    assert [adapt([], n).wait_factor for n in (14, 15, 29, 30, 200)] == [1, 2, 2, 4, 4]
    assert "none of the last 30 suggestions" in adapt([], 30).reason


def test_stats_judge_multi_line_suggestions_by_what_was_kept() -> None:
    stats = Stats()
    stats.offered("a", "\n    x = 1\n    y = 2")  # blank lines before the first line count with it
    stats.accepted(DAY, "a", len("\n    x = 1\n"))
    stats.offered("b", "x = 1\ny = 2")
    stats.accepted(DAY, "b", 3)  # part of the first line
    stats.offered("c", "x = 1\r\ny = 2")
    stats.accepted(DAY, "c", len("x = 1\r\ny"))  # into the second line
    stats.offered("d", "x = 1\ny = 2")
    stats.accepted(DAY, "d")  # whole
    stats.offered("e", "one line only")
    stats.accepted(DAY, "e", 3)  # single-line suggestions say nothing about length
    assert dict(stats.first_line_only) == {"a": True, "b": True, "c": False, "d": False}


def test_a_later_partial_accept_revises_the_outcome() -> None:
    stats = Stats()
    stats.offered("a", "x = 1\ny = 2\nz = 3")
    stats.accepted(DAY, "a", len("x = 1\n"))
    stats.accepted(DAY, "a", len("x = 1\ny = 2\n"))
    assert dict(stats.first_line_only) == {"a": False}


def test_shown_without_accept_counts_until_an_accept() -> None:
    stats = Stats()
    for n in range(3):
        stats.offered(str(n), "x")
        stats.shown(DAY, str(n))
        stats.shown(DAY, str(n))  # shown twice counts once
    assert stats.ignored_in_a_row == 3
    stats.accepted(DAY, "2", 0)
    assert stats.ignored_in_a_row == 0
