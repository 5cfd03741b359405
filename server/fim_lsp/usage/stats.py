"""Local usage statistics per day, kept on this machine only: what was shown, taken, asked and paid for."""

from __future__ import annotations

import dataclasses
import json
import math
import re
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


@dataclass
class Day:
    """One day's numbers."""

    requests: int = 0
    cache_hits: int = 0
    typed_through: int = 0
    http_requests: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
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
    """The bucket of a latency: the smallest n with `milliseconds` <= LATENCY_STEP ** n."""
    if milliseconds <= 1:
        return 0
    return math.ceil(math.log(milliseconds) / math.log(LATENCY_STEP) - 1e-9)


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
            self.count(date, http_requests=1, tokens_in=config.tokens(sent))
        elif isinstance(event, Received):
            self.count(date, tokens_out=config.tokens(len(event.raw)))
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

    @classmethod
    def from_json(cls, text: str) -> Stats:
        """Read a stats file; anything unreadable starts afresh."""
        try:
            raw = json.loads(text)
            days = {str(date): _read_day(values) for date, values in raw["days"].items()}
        except (ValueError, KeyError, TypeError, AttributeError):
            return cls()
        stats = cls(days)
        try:  # a file written before adaptation's evidence was kept has none: it starts afresh
            evidence = raw["adaptation"]
            outcomes = [(str(root), bool(kept)) for root, kept in evidence["first_line_only"]]
            ignored = max(0, int(evidence["ignored_in_a_row"]))
        except (ValueError, KeyError, TypeError, AttributeError):
            return stats
        stats.first_line_only = OrderedDict(outcomes[-KEPT_OUTCOMES:])
        stats.ignored_in_a_row = ignored
        return stats


def _written_day(day: Day) -> dict[str, Any]:
    return {**{name: getattr(day, name) for name in COUNTS}, "latency_buckets": day.latency_buckets}


def _read_day(values: dict[str, Any]) -> Day:
    day = Day(
        **{name: int(values.get(name, 0)) for name in COUNTS},
        latency_buckets={
            int(bucket): int(count) for bucket, count in values.get("latency_buckets", {}).items()
        },
    )
    for milliseconds in values.get("latencies_ms", []):  # as files before the buckets had them
        day.add_latency(float(milliseconds))
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
    ("latency_ms_p50", "latency p50 (ms)"),
    ("latency_ms_p95", "latency p95 (ms)"),
    ("http_requests", "HTTP requests to the provider"),
    ("tokens_in", "tokens sent (estimated)"),
    ("tokens_out", "tokens received (estimated)"),
)


def report(summary: dict[str, Any], where: str, adapting: str = "") -> str:
    """A summary as a table for people, today's column beside all days'; `where` says where it is
    kept, `adapting` what adaptation does now and why."""
    lines = [f"statistics in {where}", f"{'':32} {'today':>10} {'all days':>10}"]
    for key, label in REPORT_ROWS:
        today, total = summary["today"][key], summary["all"][key]
        rate = key.endswith("_rate")
        lines.append(f"{label:32} {_number(today, rate):>10} {_number(total, rate):>10}")
    if adapting:
        lines.append(f"adapting to use: {adapting}")
    return "\n".join(lines)


def _number(value: object, rate: bool) -> str:
    if not isinstance(value, int | float):
        return "-"
    return f"{value:.1%}" if rate else f"{value:g}"
