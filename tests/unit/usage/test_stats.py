"""Local statistics: counted per day, each suggestion from offer to accept, kept in a file that survives."""

import json
import math
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from fim_lsp.usage import stats_store
from fim_lsp.usage.stats import (
    KEEP_DAYS,
    LATENCY_STEP,
    Stats,
    bucket_ms,
    latency_bucket,
    percentile,
)


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
    assert (today["latency_ms_p50"], today["latency_ms_p95"]) == (20.6, 40.8)  # at most 5% high
    assert stats.summary("other")["today"]["acceptance_rate"] is None
    assert percentile({}, 0.5) is None


@given(st.lists(st.floats(min_value=0.1, max_value=120_000), min_size=1, max_size=200))
def test_percentiles_from_buckets_are_at_most_five_percent_high(latencies: list[float]) -> None:
    stats = Stats()
    for ms in latencies:
        stats.latency("d", ms)
    ordered = sorted(latencies)
    for fraction, key in ((0.5, "latency_ms_p50"), (0.95, "latency_ms_p95")):
        exact = ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]
        reported = stats.summary("d")["today"][key]
        assert max(exact, 1.0) - 0.05 <= reported <= max(exact, 1.0) * LATENCY_STEP + 0.05


def test_a_latency_is_in_the_smallest_bucket_that_holds_it() -> None:
    for ms in (0.2, 1.0, 1.05, 2.4, 99.9, 400.0, 60_000.0):
        bucket = latency_bucket(ms)
        assert LATENCY_STEP ** (bucket - 1) < max(ms, 1.0) <= LATENCY_STEP**bucket * (1 + 1e-9)
    assert bucket_ms(latency_bucket(2.4)) == 2.4 and bucket_ms(0) == 1.0
    assert math.isclose(LATENCY_STEP, 1.05)


def test_bounded_days_samples_and_open_suggestions() -> None:
    stats = Stats()
    for n in range(KEEP_DAYS + 5):
        stats.count(f"2026-{n // 28 + 1:02d}-{n % 28 + 1:02d}", requests=1)
    assert len(stats.days) == KEEP_DAYS and "2026-01-01" not in stats.days
    for n in range(100_000):  # a day of latencies is a few dozen numbers
        stats.latency("d", 5 + n % 3000)
    assert len(stats.days["d"].latency_buckets) < 200
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
    assert again.days["d"].requests == 3 and again.summary("d")["today"]["latency_ms_p50"] == 12.6
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
    assert (on_disk.requests, on_disk.accepted, on_disk.latency_buckets) == (
        8,
        1,
        {latency_bucket(40.0): 1},
    )
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


def test_a_file_with_latency_samples_is_read_into_buckets(tmp_path: Path) -> None:
    path = tmp_path / "stats.json"
    day = {"requests": 3, "latencies_ms": [10.0, 20.0, 30.0]}  # as files before the buckets
    path.write_text(json.dumps({"version": 1, "days": {"d": day}}), encoding="utf-8")
    stats = stats_store.load(path)
    assert stats.summary("d")["today"]["latency_ms_p50"] == 20.6
    stats.count("d", requests=1)
    stats_store.save(stats, path)
    assert "latencies_ms" not in path.read_text(encoding="utf-8")
    assert stats_store.load(path).summary("d")["today"]["latency_ms_p95"] == 30.4
