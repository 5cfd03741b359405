"""Local statistics: counted per day, each suggestion from offer to accept, kept in a file that survives."""

from pathlib import Path

from fim_lsp import stats_store
from fim_lsp.stats import KEEP_DAYS, LATENCY_SAMPLES, Day, Stats, percentile


def test_a_suggestion_is_shown_once_and_accepted_in_parts_then_whole() -> None:
    stats = Stats()
    stats.offered("s1", "return a + b")
    assert stats.shown("d", "s1") and stats.shown("d", "s1")
    assert stats.accepted("d", "s1", 6)  # "return"
    assert stats.accepted("d", "s1")  # then the rest
    day = stats.days["d"]
    assert (day.shown, day.partially_accepted, day.accepted) == (1, 1, 1)
    assert day.chars_accepted == len("return a + b")  # the part is not counted twice
    assert not stats.accepted("d", "s1")  # accepted whole: no longer open
    assert not stats.shown("d", "unknown")


def test_the_rest_of_a_suggestion_is_shown_once_with_it() -> None:
    stats = Stats()
    stats.offered("a", "return a + b")
    stats.offered("b", "eturn a + b", continues="a")  # the user typed "r"
    stats.offered("c", "turn a + b", continues="b")
    assert stats.shown("d", "c") and stats.shown("d", "a") and stats.shown("d", "b")
    stats.offered("e", "other", continues="forgotten")
    assert stats.shown("d", "e")
    assert stats.days["d"].shown == 2 and stats.ignored_in_a_row == 2


def test_a_suggestion_accepted_whole_is_over_in_every_copy() -> None:
    stats = Stats()
    stats.offered("a", "return a + b")
    stats.offered("b", "return a + b", continues="a")  # asked again at the same place
    stats.offered("c", "eturn a + b", continues="b")  # ... and after typing "r"
    assert stats.accepted("d", "b")  # e.g. the edit that inserted it
    assert not stats.accepted("d", "a") and not stats.accepted("d", "c")  # e.g. its command
    assert stats.days["d"].accepted == 1


def test_summary_rates_and_percentiles() -> None:
    stats = Stats()
    stats.count("d", requests=4, cache_hits=2, typed_through=1, shown=2, accepted=1)
    for ms in (10.0, 20.0, 30.0, 40.0):
        stats.latency("d", ms)
    today = stats.summary("d")["today"]
    assert today["acceptance_rate"] == 0.5 and today["cache_hit_rate"] == 0.5
    assert today["typed_through_rate"] == 0.25
    assert (today["latency_ms_p50"], today["latency_ms_p95"]) == (20.0, 40.0)
    assert stats.summary("other")["today"]["acceptance_rate"] is None
    assert percentile([], 0.5) is None


def test_bounded_days_samples_and_open_suggestions() -> None:
    stats = Stats()
    for n in range(KEEP_DAYS + 5):
        stats.count(f"2026-{n // 28 + 1:02d}-{n % 28 + 1:02d}", requests=1)
    assert len(stats.days) == KEEP_DAYS and "2026-01-01" not in stats.days
    day = Day()
    for n in range(LATENCY_SAMPLES + 10):
        day.add_latency(float(n))
    assert len(day.latencies_ms) == LATENCY_SAMPLES and day.latencies_ms[0] == 10.0
    for n in range(5000):
        stats.offered(f"s{n}", "x")
    assert not stats.shown("d", "s0") and stats.shown("d", "s4999")


def test_the_file_round_trips_and_a_broken_one_starts_afresh(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "stats.json"
    stats = Stats()
    stats.count("d", requests=3, chars_accepted=7)
    stats.latency("d", 12.5)
    stats_store.save(stats, path)
    again = stats_store.load(path)
    assert again.days["d"].requests == 3 and again.days["d"].latencies_ms == [12.5]
    path.write_text("{not json", encoding="utf-8")
    assert stats_store.load(path).days == {}
    assert stats_store.load(tmp_path / "missing.json").days == {}


def test_servers_sharing_the_file_keep_each_others_counts(tmp_path: Path) -> None:
    path = tmp_path / "stats.json"
    first, second = stats_store.load(path), stats_store.load(path)  # two editors, two servers
    first.count("d", requests=2)
    second.count("d", requests=5, accepted=1)
    second.latency("d", 40.0)
    stats_store.save(first, path)
    stats_store.save(second, path)
    first.count("d", requests=1)
    stats_store.save(first, path)
    stats_store.save(second, path)  # nothing new: no write
    on_disk = stats_store.load(path).days["d"]
    assert (on_disk.requests, on_disk.accepted, on_disk.latencies_ms) == (8, 1, [40.0])
    assert first.days["d"].requests == 8  # a save also brings in the others' numbers
    assert not first.changed


def test_a_failed_write_keeps_the_counts_for_the_next_save(tmp_path: Path) -> None:
    path = tmp_path / "stats.json"
    stats = Stats()
    stats.count("d", requests=2)
    path.mkdir()  # a directory where the file should be: reading and writing fail
    stats_store.save(stats, path)
    assert stats.changed
    path.rmdir()
    stats_store.save(stats, path)
    assert stats_store.load(path).days["d"].requests == 2


def test_where_the_file_lives() -> None:
    assert stats_store.stats_path({"FIM_LSP_STATS_FILE": ""}) is None
    assert stats_store.stats_path({"FIM_LSP_STATS_FILE": "/x/s.json"}) == Path("/x/s.json")
    assert stats_store.stats_path({"XDG_STATE_HOME": "/state"}) == Path("/state/fim-lsp/stats.json")
