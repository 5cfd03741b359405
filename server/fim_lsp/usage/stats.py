"""Local usage statistics per day, kept on this machine only: what was shown, taken, asked and paid for."""

from __future__ import annotations

import dataclasses
import datetime
import json
import math
import re
import reprlib
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from fim_lsp import config
from fim_lsp.core.events import Answered, CacheHit, Event, Received, Requested, Sent

KEEP_DAYS = 90
# latencies are counted in buckets, each 5% wider than the one before: a day is a few dozen
# numbers however many suggestions it had, and a percentile is at most 5% high
LATENCY_STEP = 1.05
OPEN_SUGGESTIONS = 1024  # suggestions that may still be shown or accepted
# the first line with something on it, with the blank lines before it and its line break
FIRST_LINE = re.compile(r"\s*[^\r\n]*(?:\r\n|\r|\n)?")
KEPT_OUTCOMES = 20  # latest accepted multi-line suggestions, for adaptation
# more than anyone can count in a lifetime of typing, and small enough to add up exactly: a bigger
# count in the file is clamped to it
MAX_COUNT = 10**15
MAX_LATENCY_MS = 24 * 3600 * 1000  # a suggestion that took longer (a machine asleep) counts as this
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_ROOT = 64  # characters of a suggestion root's id in the file: ours are "pid-counter"


@dataclass
class Day:
    """One day's numbers."""

    requests: int = 0
    cache_hits: int = 0
    typed_through: int = 0
    http_requests: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    alternative_requests: int = 0  # of http_requests: the extra ones for alternatives
    alternative_tokens: int = 0  # of tokens_in and tokens_out: what those cost
    shown: int = 0
    accepted: int = 0
    partially_accepted: int = 0
    chars_accepted: int = 0
    latency_buckets: dict[int, int] = field(default_factory=dict)  # bucket: suggestions in it

    def add_latency(self, milliseconds: float) -> None:
        """Count how long a suggestion took."""
        _add_buckets(self.latency_buckets, {latency_bucket(milliseconds): 1})


COUNTS = tuple(f.name for f in dataclasses.fields(Day) if f.name != "latency_buckets")


def latency_bucket(milliseconds: float) -> int:
    """The bucket of a latency: the smallest n with `milliseconds` <= LATENCY_STEP ** n (NaN and
    up to 1 ms in bucket 0, a day or more in MAX_BUCKET)."""
    if not milliseconds > 1:
        return 0
    milliseconds = min(milliseconds, MAX_LATENCY_MS)
    return math.ceil(math.log(milliseconds) / math.log(LATENCY_STEP) - 1e-9)


MAX_BUCKET = latency_bucket(MAX_LATENCY_MS)


def _add_buckets(into: dict[int, int], more: dict[int, int]) -> None:
    for bucket, count in more.items():
        into[bucket] = into.get(bucket, 0) + count


def bucket_ms(bucket: int) -> float:
    """The most a latency in `bucket` can be, in milliseconds."""
    return round(LATENCY_STEP**bucket, 1)


@dataclass
class _Open:
    """A suggestion given to the editor, until it is accepted or forgotten."""

    length: int
    first_line: int  # characters up to the end of the first line with something on it
    root: str  # the suggestion this one is the rest of (itself if none): shown once for all
    accepted_chars: int = 0


def _day(days: dict[str, Day], date: str) -> Day:
    found = days.get(date)
    if found is None:
        found = days[date] = Day()
        for old in sorted(days)[:-KEEP_DAYS]:
            del days[old]
    return found


def percentile(buckets: dict[int, int], fraction: float) -> float | None:
    """The `fraction` percentile (nearest rank) of latencies counted in `buckets`, or None for
    none: the most a latency of that rank can be."""
    total = sum(buckets.values())
    if not total:
        return None
    rank, seen = min(total, max(1, round(fraction * total))), 0
    for bucket in sorted(buckets):
        seen += buckets[bucket]
        if seen >= rank:
            return bucket_ms(bucket)
    raise AssertionError("unreachable: the buckets hold `total` latencies")


class Stats:
    """Counts per day (dates given by the caller); suggestions are tracked by id from show to accept."""

    def __init__(self, days: dict[str, Day] | None = None) -> None:
        self.days: dict[str, Day] = days or {}
        # what this process added since the file was last written: added to the file's numbers
        # when saving, so that several servers (one per editor) never undo each other's counts
        self.unsaved: dict[str, Day] = {}
        self._open: OrderedDict[str, _Open] = OrderedDict()
        self._shown_roots: OrderedDict[str, None] = OrderedDict()  # suggestions shown, by root
        # the evidence adaptation goes by, kept in the file too; merged like the counts
        self.first_line_only: OrderedDict[str, bool] = OrderedDict()  # by suggestion root
        self.ignored_in_a_row = 0
        self._outcomes_unsaved: set[str] = set()
        self._ignored_unsaved = 0  # shown since the last save, or since the last accept after it
        self._accepted_unsaved = False

    @property
    def changed(self) -> bool:
        """Whether anything was counted since the file was last written."""
        return bool(self.unsaved)

    def day(self, date: str) -> Day:
        """The numbers of `date` (YYYY-MM-DD), started if new; old days beyond KEEP_DAYS go."""
        return _day(self.days, date)

    def count(self, date: str, **amounts: int) -> None:
        """Add to named counts, e.g. count(date, requests=1, cache_hits=1)."""
        for days in (self.days, self.unsaved):
            today = _day(days, date)
            for name, amount in amounts.items():
                setattr(today, name, getattr(today, name) + amount)

    def latency(self, date: str, milliseconds: float) -> None:
        """Remember how long a suggestion took."""
        for days in (self.days, self.unsaved):
            _day(days, date).add_latency(milliseconds)

    def record(self, event: Event, date: str) -> None:
        """Count what the engine reports: requests, cache hits, provider requests, tokens, latency."""
        if isinstance(event, Requested):
            self.count(date, requests=1)
        elif isinstance(event, CacheHit):
            self.count(date, cache_hits=1, typed_through=int(event.typed_through))
        elif isinstance(event, Sent):
            request = event.request
            sent = len(request.prompt) + len(request.suffix) + sum(len(t) for _, t in request.extra)
            tokens = config.tokens(sent)
            self.count(date, http_requests=1, tokens_in=tokens)
            if event.alternative:
                self.count(date, alternative_requests=1, alternative_tokens=tokens)
        elif isinstance(event, Received):
            tokens = config.tokens(len(event.raw))
            self.count(date, tokens_out=tokens)
            if event.alternative:
                self.count(date, alternative_tokens=tokens)
        elif isinstance(event, Answered):
            self.latency(date, event.milliseconds)

    def add_unsaved_to(self, on_disk: Stats) -> None:
        """Add what was counted here since the last save to `on_disk` (the file as it is now)."""
        for date, unsaved in self.unsaved.items():
            day = on_disk.day(date)
            for name in COUNTS:
                setattr(day, name, getattr(day, name) + getattr(unsaved, name))
            _add_buckets(day.latency_buckets, unsaved.latency_buckets)
        for root, first_line_only in self.first_line_only.items():
            if root in self._outcomes_unsaved:
                on_disk._outcome(root, first_line_only)
        if self._accepted_unsaved:
            on_disk.ignored_in_a_row = self._ignored_unsaved
        else:
            on_disk.ignored_in_a_row += self._ignored_unsaved

    def saved_as(self, on_disk: Stats) -> None:
        """`on_disk` was written: take its numbers, which hold other servers' counts too."""
        self.days = on_disk.days
        self.unsaved = {}
        self.first_line_only = on_disk.first_line_only
        self.ignored_in_a_row = on_disk.ignored_in_a_row
        self._outcomes_unsaved = set()
        self._ignored_unsaved = 0
        self._accepted_unsaved = False

    def offered(self, suggestion_id: str, text: str, continues: str | None = None) -> None:
        """A suggestion went to the editor under `suggestion_id`; `continues`: the id of the one it
        is the rest of, so that showing it again does not count as another shown."""
        first_line = FIRST_LINE.match(text)
        earlier = self._open.get(continues) if continues is not None else None
        root = earlier.root if earlier is not None else suggestion_id
        self._open[suggestion_id] = _Open(
            len(text), first_line.end() if first_line else len(text), root
        )
        while len(self._open) > OPEN_SUGGESTIONS:
            self._open.popitem(last=False)

    def shown(self, date: str, suggestion_id: str) -> bool:
        """The editor showed it (counted once); False for an id never offered or forgotten."""
        item = self._open.get(suggestion_id)
        if item is None:
            return False
        if item.root not in self._shown_roots:
            self._shown_roots[item.root] = None
            while len(self._shown_roots) > OPEN_SUGGESTIONS:
                self._shown_roots.popitem(last=False)
            self.count(date, shown=1)
            self.ignored_in_a_row += 1
            self._ignored_unsaved += 1
        return True

    def accepted(self, date: str, suggestion_id: str, length: int | None = None) -> bool:
        """All of it (`length` None) or its first `length` characters were accepted."""
        item = self._open.get(suggestion_id)
        if item is None:
            return False
        whole = length is None or length >= item.length
        taken = item.length if whole else max(0, length or 0)
        self.count(date, chars_accepted=max(0, taken - item.accepted_chars))
        item.accepted_chars = max(item.accepted_chars, taken)
        self.ignored_in_a_row = self._ignored_unsaved = 0
        self._accepted_unsaved = True
        if item.first_line < item.length:
            self._outcome(item.root, item.accepted_chars <= item.first_line)
        if whole:  # what is left of it elsewhere, or the same offered again, is over too
            self.count(date, accepted=1)
            for other in [i for i, open_item in self._open.items() if open_item.root == item.root]:
                del self._open[other]
        else:
            self.count(date, partially_accepted=1)
        return True

    def _outcome(self, root: str, first_line_only: bool) -> None:
        self.first_line_only[root] = first_line_only
        self.first_line_only.move_to_end(root)
        self._outcomes_unsaved.add(root)
        while len(self.first_line_only) > KEPT_OUTCOMES:
            self.first_line_only.popitem(last=False)

    def summary(self, today: str) -> dict[str, Any]:
        """Today, and every kept day summed, with rates and latency percentiles."""
        return {
            "today": _summarise([self.days.get(today, Day())]),
            "all": _summarise(self.days.values()),
        }

    def to_json(self) -> str:
        """The kept days and adaptation's evidence, for the stats file."""
        return json.dumps(
            {
                "version": 1,
                "days": {date: _written_day(day) for date, day in self.days.items()},
                "adaptation": {
                    "first_line_only": [
                        [root, kept] for root, kept in self.first_line_only.items()
                    ],
                    "ignored_in_a_row": self.ignored_in_a_row,
                },
            }
        )


def _written_day(day: Day) -> dict[str, Any]:
    return {**{name: getattr(day, name) for name in COUNTS}, "latency_buckets": day.latency_buckets}


class Unreadable(ValueError):
    """The text is no statistics file at all: not JSON, or not a JSON object."""


def parse(text: str) -> tuple[Stats, list[str]]:
    """The statistics a file's text holds, and what in it made no sense: each such value is left
    out or clamped and named in the list, the rest is kept. Raises Unreadable for text that is not
    a JSON object; nothing else, whatever the text."""
    try:
        try:
            raw = json.loads(text)
        except ValueError:  # perhaps an integer too long for int(), which is slower to look for
            raw = json.loads(text, parse_int=_parse_int)
    except (ValueError, RecursionError) as error:  # RecursionError: nested too deep
        raise Unreadable(f"not JSON: {str(error)[:80]}") from None
    if not isinstance(raw, dict):
        raise Unreadable(f"not a JSON object but {type(raw).__name__}")
    dropped: list[str] = []
    days = _object(raw.get("days", {}), "days", dropped)
    read = {}
    for date, values in days.items():
        if not _is_date(date):
            dropped.append(f"day {_shown(date)}: not a date")
        elif isinstance(values, dict):
            read[date] = _read_day(values, date, dropped)
        else:
            dropped.append(f"day {date}: {_shown(values)} is not an object")
    for old in sorted(read)[:-KEEP_DAYS]:
        del read[old]
        dropped.append(f"day {old}: more than {KEEP_DAYS} days")
    stats = Stats(read)
    evidence = _object(raw.get("adaptation", {}), "adaptation", dropped)
    outcomes = evidence.get("first_line_only", [])
    if not isinstance(outcomes, list):
        dropped.append(f"adaptation.first_line_only: {_shown(outcomes)} is not a list")
        outcomes = []
    for outcome in outcomes[-KEPT_OUTCOMES:]:
        match outcome:
            case [str(root), bool(kept)] if len(root) <= MAX_ROOT:
                stats.first_line_only[root] = kept
            case _:
                dropped.append(f"adaptation.first_line_only: {_shown(outcome)}")
    if "ignored_in_a_row" in evidence:
        ignored = evidence["ignored_in_a_row"]
        stats.ignored_in_a_row = _count(ignored, "adaptation.ignored_in_a_row", dropped)
    return stats, dropped


def _parse_int(digits: str) -> int | float:
    # int() refuses more than 4,300 digits; as a float such a number is clamped or left out
    return int(digits) if len(digits) <= 20 else float(digits)


def _is_date(text: str) -> bool:
    if not DATE.fullmatch(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _shown(value: object) -> str:
    """A value from the file in a log line: short, on one line."""
    return reprlib.repr(value)


def _object(value: object, where: str, dropped: list[str]) -> dict[str, object]:
    if isinstance(value, dict):
        return value
    dropped.append(f"{where}: {_shown(value)} is not an object")
    return {}


def _count(value: object, where: str, dropped: list[str]) -> int:
    """A count from the file: a whole number from 0 to MAX_COUNT, clamped if bigger, else 0."""
    if type(value) is int and 0 <= value <= MAX_COUNT:  # nearly always: no questions asked
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        dropped.append(f"{where}: {_shown(value)} is not a number")
        return 0
    if not (math.isfinite(value) and value == int(value)) or value < 0:
        dropped.append(f"{where}: {_shown(value)} is not a count")
        return 0
    if value > MAX_COUNT:
        dropped.append(f"{where}: {_shown(value)} clamped to {MAX_COUNT:,}")
        return MAX_COUNT
    return int(value)


def _read_day(values: dict[str, object], date: str, dropped: list[str]) -> Day:
    day = Day(
        **{name: _count(values.get(name, 0), f"{date}.{name}", dropped) for name in COUNTS},
        latency_buckets={},
    )
    buckets = _object(values.get("latency_buckets", {}), f"{date}.latency_buckets", dropped)
    latencies = day.latency_buckets
    for bucket, count in buckets.items():  # the bulk of the file: kept quick
        try:
            number = int(bucket)
        except ValueError:
            number = -1
        if number > MAX_BUCKET or number < 0:
            dropped.append(f"{date}.latency_buckets: {_shown(bucket)} is not a bucket")
            continue
        if type(count) is not int or not 0 <= count <= MAX_COUNT:
            count = _count(count, f"{date}.latency_buckets.{bucket}", dropped)
        if count:
            latencies[number] = latencies.get(number, 0) + count
    samples = values.get("latencies_ms", [])  # as files before the buckets had them
    if not isinstance(samples, list):
        dropped.append(f"{date}.latencies_ms: {_shown(samples)} is not a list")
        samples = []
    for milliseconds in samples:
        if (
            isinstance(milliseconds, int | float)
            and not isinstance(milliseconds, bool)
            and (0 <= milliseconds < math.inf)
        ):
            day.add_latency(float(milliseconds))
        else:
            dropped.append(f"{date}.latencies_ms: {_shown(milliseconds)} is not a latency")
    return day


def _summarise(days: Any) -> dict[str, Any]:
    total = {name: 0 for name in COUNTS}
    latencies: dict[int, int] = {}
    for day in days:
        for name in COUNTS:
            total[name] += getattr(day, name)
        _add_buckets(latencies, day.latency_buckets)
    shown = total["shown"]
    requests = total["requests"]
    return {
        **total,
        "acceptance_rate": round(total["accepted"] / shown, 3) if shown else None,
        "cache_hit_rate": round(total["cache_hits"] / requests, 3) if requests else None,
        "typed_through_rate": round(total["typed_through"] / requests, 3) if requests else None,
        "latency_ms_p50": percentile(latencies, 0.5),
        "latency_ms_p95": percentile(latencies, 0.95),
    }


REPORT_ROWS = (
    ("shown", "suggestions shown"),
    ("accepted", "accepted whole"),
    ("partially_accepted", "accepted in part"),
    ("chars_accepted", "characters accepted"),
    ("acceptance_rate", "accepted / shown"),
    ("requests", "requests from the editor"),
    ("cache_hit_rate", "answered from the cache"),
    ("typed_through_rate", "... of them typed through"),
    ("latency_ms_p50", "latency p50"),
    ("latency_ms_p95", "latency p95"),
    ("http_requests", "HTTP requests to the provider"),
    ("alternative_requests", "... of them for alternatives"),
    ("tokens_in", "tokens sent (estimated)"),
    ("tokens_out", "tokens received (estimated)"),
    ("alternative_tokens", "... of both for alternatives"),
)


def report(summary: dict[str, Any], where: str, adapting: str = "") -> str:
    """A summary as a table for people, today's column beside all days'; `where` says where it is
    kept, `adapting` what adaptation does now and why."""
    rows = [
        (label, number(summary["today"][key], key), number(summary["all"][key], key))
        for key, label in REPORT_ROWS
    ]
    width = max(10, *(len(cell) for _, *cells in rows for cell in cells))
    lines = [f"statistics in {where}", f"{'':32} {'today':>{width}} {'all days':>{width}}"]
    lines += [f"{label:32} {today:>{width}} {total:>{width}}" for label, today, total in rows]
    if adapting:
        lines.append(f"adapting to use: {adapting}")
    return "\n".join(lines)


def number(value: object, key: str) -> str:
    """A summary's value as people write it: `1,041,690`, `12.5%`, `20.6 ms`, `1.25 s`; `-` for none."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "-"
    if key.endswith("_rate"):
        return f"{value:,.1%}"
    if key.startswith("latency_ms"):
        return duration(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def duration(milliseconds: float) -> str:
    """A duration with its unit: ms below a second, then s, min, h."""
    for unit, size in (("h", 3_600_000), ("min", 60_000), ("s", 1000)):
        if milliseconds >= size:
            return f"{milliseconds / size:,.{1 if unit != 's' else 2}f} {unit}"
    return f"{milliseconds:.1f} ms"
