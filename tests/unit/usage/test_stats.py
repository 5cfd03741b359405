"""Local statistics: counted per day, each suggestion from offer to accept, kept in a file that survives."""

import contextlib
import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fim_lsp.core.events import Received, Sent
from fim_lsp.providers import FimRequest
from fim_lsp.usage import stats_store
from fim_lsp.usage.adaptation import adapt, judged
from fim_lsp.usage.stats import (
    COUNTS,
    KEEP_DAYS,
    LATENCY_STEP,
    MAX_BUCKET,
    MAX_COUNT,
    Day,
    Stats,
    Unreadable,
    bucket_ms,
    latency_bucket,
    number,
    parse,
    percentile,
    report,
)

D = "2026-11-26"  # a day, as the file counts them


def test_a_suggestion_is_shown_once_and_accepted_in_parts_then_whole() -> None:
    stats = Stats()
    stats.offered("s1", "return a + b")
    assert stats.shown(D, "s1") and stats.shown(D, "s1")
    assert stats.accepted(D, "s1", 6)  # "return"
    assert stats.accepted(D, "s1")  # then the rest
    day = stats.days[D]
    assert (day.shown, day.partially_accepted, day.accepted) == (1, 1, 1)
    assert day.chars_accepted == len("return a + b")  # the part is not counted twice
    assert not stats.accepted(D, "s1")  # accepted whole: no longer open
    assert not stats.shown(D, "unknown")


def test_the_rest_of_a_suggestion_is_shown_once_with_it() -> None:
    stats = Stats()
    stats.offered("a", "return a + b")
    stats.offered("b", "eturn a + b", continues="a")  # the user typed "r"
    stats.offered("c", "turn a + b", continues="b")
    assert stats.shown(D, "c") and stats.shown(D, "a") and stats.shown(D, "b")
    stats.offered("e", "other", continues="forgotten")
    assert stats.shown(D, "e")
    assert stats.days[D].shown == 2 and stats.ignored_in_a_row == 2


def test_a_suggestion_accepted_whole_is_over_in_every_copy() -> None:
    stats = Stats()
    stats.offered("a", "return a + b")
    stats.offered("b", "return a + b", continues="a")  # asked again at the same place
    stats.offered("c", "eturn a + b", continues="b")  # ... and after typing "r"
    assert stats.accepted(D, "b")  # e.g. the edit that inserted it
    assert not stats.accepted(D, "a") and not stats.accepted(D, "c")  # e.g. its command
    assert stats.days[D].accepted == 1


def test_summary_rates_and_percentiles() -> None:
    stats = Stats()
    stats.count(D, requests=4, cache_hits=2, typed_through=1, shown=2, accepted=1)
    for ms in (10.0, 20.0, 30.0, 40.0):
        stats.latency(D, ms)
    today = stats.summary(D)["today"]
    assert today["acceptance_rate"] == 0.5 and today["cache_hit_rate"] == 0.5
    assert today["typed_through_rate"] == 0.25
    assert (today["latency_ms_p50"], today["latency_ms_p95"]) == (20.6, 40.8)  # at most 5% high
    assert stats.summary("other")["today"]["acceptance_rate"] is None
    assert percentile({}, 0.5) is None


@given(st.lists(st.floats(min_value=0.1, max_value=120_000), min_size=1, max_size=200))
def test_percentiles_from_buckets_are_at_most_five_percent_high(latencies: list[float]) -> None:
    stats = Stats()
    for ms in latencies:
        stats.latency(D, ms)
    ordered = sorted(latencies)
    for fraction, key in ((0.5, "latency_ms_p50"), (0.95, "latency_ms_p95")):
        exact = ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]
        reported = stats.summary(D)["today"][key]
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
        stats.latency(D, 5 + n % 3000)
    assert len(stats.days[D].latency_buckets) < 200
    for n in range(5000):
        stats.offered(f"s{n}", "x")
    assert not stats.shown(D, "s0") and stats.shown(D, "s4999")


def test_the_file_round_trips_and_a_broken_one_starts_afresh(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "stats.json"
    stats = Stats()
    stats.count(D, requests=3, chars_accepted=7)
    stats.latency(D, 12.5)
    stats_store.save(stats, path)
    again = stats_store.load(path)
    assert again.days[D].requests == 3 and again.summary(D)["today"]["latency_ms_p50"] == 12.6
    path.write_text("{not json", encoding="utf-8")
    assert stats_store.load(path).days == {}
    assert stats_store.load(tmp_path / "missing.json").days == {}


def test_servers_sharing_the_file_keep_each_others_counts(tmp_path: Path) -> None:
    path = tmp_path / "stats.json"
    first, second = stats_store.load(path), stats_store.load(path)  # two editors, two servers
    first.count(D, requests=2)
    second.count(D, requests=5, accepted=1)
    second.latency(D, 40.0)
    stats_store.save(first, path)
    stats_store.save(second, path)
    first.count(D, requests=1)
    stats_store.save(first, path)
    stats_store.save(second, path)  # nothing new: no write
    on_disk = stats_store.load(path).days[D]
    assert (on_disk.requests, on_disk.accepted, on_disk.latency_buckets) == (
        8,
        1,
        {latency_bucket(40.0): 1},
    )
    assert first.days[D].requests == 8  # a save also brings in the others' numbers
    assert not first.changed


def test_a_failed_write_keeps_the_counts_for_the_next_save(tmp_path: Path) -> None:
    path = tmp_path / "stats.json"
    stats = Stats()
    stats.count(D, requests=2)
    path.mkdir()  # a directory where the file should be: reading and writing fail
    stats_store.save(stats, path)
    assert stats.changed
    path.rmdir()
    stats_store.save(stats, path)
    assert stats_store.load(path).days[D].requests == 2


def test_where_the_file_lives() -> None:
    assert stats_store.stats_path({"FIM_LSP_STATS_FILE": ""}) is None
    assert stats_store.stats_path({"FIM_LSP_STATS_FILE": "/x/s.json"}) == Path("/x/s.json")
    assert stats_store.stats_path({"XDG_STATE_HOME": "/state"}) == Path("/state/fim-lsp/stats.json")


def test_a_file_with_latency_samples_is_read_into_buckets(tmp_path: Path) -> None:
    path = tmp_path / "stats.json"
    day = {"requests": 3, "latencies_ms": [10.0, 20.0, 30.0]}  # as files before the buckets
    path.write_text(json.dumps({"version": 1, "days": {D: day}}), encoding="utf-8")
    stats = stats_store.load(path)
    assert stats.summary(D)["today"]["latency_ms_p50"] == 20.6
    stats.count(D, requests=1)
    stats_store.save(stats, path)
    assert "latencies_ms" not in path.read_text(encoding="utf-8")
    assert stats_store.load(path).summary(D)["today"]["latency_ms_p95"] == 30.4


GOOD = {"2026-01-02": {"requests": 7, "latency_buckets": {"60": 2}}}  # kept whatever is beside it


@pytest.mark.parametrize(
    ("poison", "requests"),
    [
        ('{"requests": 1e999}', 0),  # json reads it as infinity
        ('{"requests": -1e999}', 0),
        ('{"requests": NaN}', 0),
        ('{"requests": Infinity}', 0),
        ('{"requests": -5}', 0),
        ('{"requests": 2.5}', 0),
        ('{"requests": "12"}', 0),
        ('{"requests": true}', 0),
        ('{"requests": null}', 0),
        ('{"requests": [1]}', 0),
        ('{"requests": {"a": 1}}', 0),
        ('{"requests": 1e300}', MAX_COUNT),  # clamped
        ('{"requests": ' + "9" * 30 + "}", MAX_COUNT),
        ('{"requests": ' + "9" * 5000 + "}", 0),  # more digits than int() or a float take
        ('{"requests": -' + "9" * 5000 + "}", 0),
        (
            '{"requests": 3, "latency_buckets": {"x": 1, "-1": 1, "99999": 1, "²": 1, "5": 1e999}}',
            3,
        ),
        ('{"requests": 3, "latency_buckets": [1, 2]}', 3),
        ('{"requests": 3, "latencies_ms": "many"}', 3),
        ('{"requests": 3, "latencies_ms": ["x", 1e999, -1, NaN, true, null]}', 3),
        ("[1, 2]", None),  # not an object: the day is left out
        ('"2026-01-01"', None),
        ("null", None),
    ],
)
def test_nonsense_in_a_day_is_left_out_or_clamped_and_the_rest_kept(
    poison: str, requests: int | None
) -> None:
    text = json.dumps({"days": {"2026-01-01": "POISON", **GOOD}}).replace('"POISON"', poison)
    stats, dropped = parse(text)
    assert dropped  # named, for the one warning
    assert stats.days["2026-01-02"] == Day(requests=7, latency_buckets={60: 2})
    if requests is None:
        assert "2026-01-01" not in stats.days
    else:
        day = stats.days["2026-01-01"]
        assert day.requests == requests and type(day.requests) is int
        assert all(0 < count <= MAX_COUNT for count in day.latency_buckets.values())
        assert all(0 <= bucket <= MAX_BUCKET for bucket in day.latency_buckets)
    again, dropped_again = parse(stats.to_json())  # what a save writes is clean
    assert again.days == stats.days and not dropped_again
    assert stats.summary("2026-01-01")["all"]["requests"] == 7 + (requests or 0)


@pytest.mark.parametrize(
    "text",
    [
        '{"days": []}',
        '{"days": {"yesterday": {"requests": 1}}}',
        '{"days": {"2026-13-01": {"requests": 1}}}',
        '{"days": {"20260101": {"requests": 1}}}',
        '{"adaptation": [1]}',
        '{"adaptation": {"first_line_only": 3}}',
        '{"adaptation": {"first_line_only": [[1, 2], "x", ["a", 1], ["' + "r" * 100 + '", true]]}}',
        '{"adaptation": {"ignored_in_a_row": -3}}',
        '{"adaptation": {"ignored_in_a_row": 1e999}}',
    ],
)
def test_nonsense_beside_the_days_is_left_out(text: str) -> None:
    stats, dropped = parse(text)
    assert dropped and not stats.days
    assert not stats.first_line_only and stats.ignored_in_a_row == 0


def test_evidence_is_kept_and_a_huge_count_is_clamped_without_hanging_adaptation() -> None:
    text = json.dumps(
        {
            "days": GOOD,
            "adaptation": {"first_line_only": [["a", True], [1, 2]], "ignored_in_a_row": 10**200},
        }
    )
    stats, dropped = parse(text)
    assert dict(stats.first_line_only) == {"a": True} and stats.ignored_in_a_row == MAX_COUNT
    assert len(dropped) == 2
    adapting = adapt([], stats.ignored_in_a_row)  # 2 ** (10**15 // 15) is never computed
    assert adapting.wait_factor == 4 and "1,000,000,000,000,000 suggestions" in adapting.reason


def test_a_whole_number_written_as_a_float_is_a_count() -> None:
    stats, dropped = parse('{"days": {"2026-01-01": {"requests": 3.0}}}')
    assert stats.days == {"2026-01-01": Day(requests=3)} and not dropped


def test_more_days_than_kept_keeps_the_latest() -> None:
    days = {f"2025-{1 + n // 28:02d}-{1 + n % 28:02d}": {"requests": 1} for n in range(200)}
    stats, dropped = parse(json.dumps({"days": days}))
    assert sorted(stats.days) == sorted(days)[-KEEP_DAYS:] and len(dropped) == 200 - KEEP_DAYS


@pytest.mark.parametrize(
    "text",
    [
        *("", "{not json", '{"days": {"2026-01-01": {"requests": 1', "[1, 2]", "null", "3", '"x"'),
        *("[" * 100_000, '{"a":' * 100_000),  # nested deeper than the parser recurses
    ],
)
def test_text_that_is_no_statistics_file_is_unreadable(text: str) -> None:
    with pytest.raises(Unreadable):
        parse(text)


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from([*COUNTS, "latency_buckets", "1", "x"]), inner, max_size=4
        )
    ),
    max_leaves=20,
)


@given(_JSON, _JSON, _JSON)
def test_any_json_in_any_place_is_read_without_an_error(
    day: object, buckets: object, evidence: object
) -> None:
    text = json.dumps(
        {
            "days": {"2026-01-01": day, "2026-01-03": {"latency_buckets": buckets}, **GOOD},
            "adaptation": evidence,
        }
    )
    stats, _ = parse(text)
    assert stats.days["2026-01-02"] == Day(requests=7, latency_buckets={60: 2})
    for kept in stats.days.values():
        for name in COUNTS:
            assert type(getattr(kept, name)) is int and 0 <= getattr(kept, name) <= MAX_COUNT
    report(stats.summary("2026-01-01"), "here", judged(stats).reason)  # and it can be shown


@given(st.text(max_size=200))
def test_any_text_is_read_or_unreadable(text: str) -> None:
    with contextlib.suppress(Unreadable):
        parse(text)


@pytest.mark.parametrize("milliseconds", [math.inf, math.nan, 1e300, -5.0, 0.0])
def test_any_latency_has_a_bucket_that_can_be_shown(milliseconds: float) -> None:
    bucket = latency_bucket(milliseconds)
    assert 0 <= bucket <= MAX_BUCKET and math.isfinite(bucket_ms(bucket))


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("requests", 1_041_690, "1,041,690"),
        ("requests", 0, "0"),
        ("requests", MAX_COUNT, "1,000,000,000,000,000"),
        ("acceptance_rate", 0.25, "25.0%"),
        ("acceptance_rate", None, "-"),
        ("latency_ms_p50", 20.6, "20.6 ms"),
        ("latency_ms_p50", 1.0, "1.0 ms"),
        ("latency_ms_p95", 1250.0, "1.25 s"),
        ("latency_ms_p95", 150_000.0, "2.5 min"),
        ("latency_ms_p95", bucket_ms(MAX_BUCKET), "24.5 h"),
    ],
)
def test_numbers_are_written_as_people_write_them(key: str, value: object, shown: str) -> None:
    assert number(value, key) == shown


def test_the_report_reads_big_numbers_in_full_and_keeps_its_columns() -> None:
    stats = Stats()
    stats.count(D, requests=1_041_690, shown=MAX_COUNT, tokens_in=12_345_678_901)
    stats.latency(D, 1250.0)
    table = report(stats.summary(D), "here")
    assert "e+" not in table and "1,041,690" in table and "1,000,000,000,000,000" in table
    rows = {line[:32].strip(): line[32:].split() for line in table.splitlines()[2:]}
    assert rows["requests from the editor"] == ["1,041,690", "1,041,690"]
    assert rows["latency p50"] == ["1.30", "s", "1.30", "s"]  # at most 5% high
    assert len({len(line) for line in table.splitlines()[1:]}) == 1  # columns line up


def test_alternatives_are_counted_in_the_totals_and_apart() -> None:
    stats = Stats()
    request = FimRequest(prompt="p" * 35, suffix="s" * 35, model="m")  # 70 chars: 20 tokens
    stats.record(Sent(1, "fake", "fake.test", request), D)
    stats.record(Sent(2, "fake", "fake.test", request, alternative=True), D)
    stats.record(Received(1, "x" * 7, "x", 1.0, False), D)
    stats.record(Received(2, "y" * 14, "y", 1.0, False, alternative=True), D)
    day = stats.days[D]
    assert (day.http_requests, day.tokens_in, day.tokens_out) == (2, 40, 6)
    assert (day.alternative_requests, day.alternative_tokens) == (1, 20 + 4)
    rows = {
        line[:32].strip(): line[32:].split()
        for line in report(stats.summary(D), "here").splitlines()[2:]
    }
    assert rows["... of them for alternatives"] == ["1", "1"]
    assert rows["... of both for alternatives"] == ["24", "24"]
