"""The adaptation rules, and the numbers statistics keep for them."""

from __future__ import annotations

from pathlib import Path

from fim_lsp.usage import stats_store
from fim_lsp.usage.adaptation import Adaptation, adapt
from fim_lsp.usage.stats import Stats

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


def _keep_first_lines(stats: Stats, ids: range, prefix: str) -> None:
    for n in ids:
        stats.offered(f"{prefix}{n}", "x = 1\ny = 2")
        stats.shown(DAY, f"{prefix}{n}")
        stats.accepted(DAY, f"{prefix}{n}", len("x = 1\n"))


def test_the_evidence_outlives_the_server(tmp_path: Path) -> None:
    path = tmp_path / "stats.json"
    stats = stats_store.load(path)
    _keep_first_lines(stats, range(8), "a")
    for n in range(16):
        stats.offered(f"b{n}", "x")
        stats.shown(DAY, f"b{n}")
    stats_store.save(stats, path)
    again = stats_store.load(path)  # the editor was restarted
    assert adapt(list(again.first_line_only.values()), again.ignored_in_a_row) == adapt(
        [True] * 8, 16
    )
    assert adapt([True] * 8, 16).single_line and adapt([True] * 8, 16).wait_factor == 2


def test_servers_sharing_the_file_merge_their_evidence(tmp_path: Path) -> None:
    path = tmp_path / "stats.json"
    first, second = stats_store.load(path), stats_store.load(path)  # two editors, two servers
    _keep_first_lines(first, range(5), "a")
    for n in range(4):  # shown and ignored after the accepts
        first.offered(f"i{n}", "x")
        first.shown(DAY, f"i{n}")
    stats_store.save(first, path)
    _keep_first_lines(second, range(3), "b")
    stats_store.save(second, path)  # second accepted since its last save: its streak counts
    assert len(second.first_line_only) == 8 and second.ignored_in_a_row == 0
    for n in range(2):
        first.offered(f"j{n}", "x")
        first.shown(DAY, f"j{n}")
    stats_store.save(first, path)  # first accepted nothing since: its shown add to the file's
    on_disk = stats_store.load(path)
    assert on_disk.ignored_in_a_row == 2 and first.ignored_in_a_row == 2
    assert list(on_disk.first_line_only) == [f"a{n}" for n in range(5)] + ["b0", "b1", "b2"]
    assert adapt(list(first.first_line_only.values()), 0).single_line


def test_a_file_without_evidence_or_with_broken_evidence_keeps_its_counts(tmp_path: Path) -> None:
    path = tmp_path / "stats.json"
    path.write_text('{"version": 1, "days": {"2026-11-26": {"requests": 4}}}', encoding="utf-8")
    assert stats_store.load(path).days[DAY].requests == 4
    path.write_text(
        '{"version": 1, "days": {"2026-11-26": {"requests": 4}}, "adaptation": {"first_line_only": 3}}',
        encoding="utf-8",
    )
    broken = stats_store.load(path)
    assert broken.days[DAY].requests == 4 and not broken.first_line_only
