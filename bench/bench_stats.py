"""Benchmark: what the statistics file costs the server after months of heavy use, against a
file of one day.

Run: .venv/bin/python bench/bench_stats.py [--quick]

The file is saved once a minute on the server's event loop and read by `fimLsp.stats`, so its
cost is time the editor waits. Each day has 5,000 suggestions with latencies spread from 5 ms to
3 s; the full file keeps 90 days (KEEP_DAYS). Reports the file's size, the median time of a save
(under its lock: read, add, write) and of a summary; then the same save while three other
processes (other editors' servers) save the same file every 20 ms, 3,000 times as often as
servers do, so that saves wait for each other's lock: the median, the longest, and how many gave
up waiting (LOCK_WAIT_SECONDS) and left their counts for the next save.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))

from bench.lsp_driver import ratio_row
from fim_lsp.usage import stats_store
from fim_lsp.usage.stats import KEEP_DAYS, Stats

TODAY = "2026-11-26"
RIVALS = 3
# another editor's server, saving the same file every 20 ms until `stop` exists
RIVAL = f"""
import logging, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from fim_lsp.usage import stats_store
from fim_lsp.usage.stats import Stats
logging.disable(logging.WARNING)
path, stop, stats = Path(sys.argv[1]), Path(sys.argv[2]), Stats()
while not stop.exists():
    stats.count("{TODAY}", requests=1)
    stats_store.save(stats, path)
    time.sleep(0.02)
"""


def used_for(days: int, suggestions: int) -> Stats:
    latencies = random.Random(3)
    stats = Stats()
    for n in range(days):
        date = f"2026-{1 + n // 28:02d}-{1 + n % 28:02d}" if n < days - 1 else TODAY
        stats.count(date, requests=2 * suggestions, shown=suggestions, accepted=suggestions // 4)
        for _ in range(suggestions):
            stats.latency(date, latencies.uniform(5, 3000))
    return stats


def times_ms(step: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        step()
        times.append(1000 * (time.perf_counter() - started))
    return times


def measure(
    days: int, suggestions: int, runs: int
) -> tuple[float, float, float, float, float, int]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "stats.json"
        stats = used_for(days, suggestions)
        stats_store.save(stats, path)

        def save() -> None:
            stats.count(TODAY, requests=1)  # something new, as in every minute of use
            stats_store.save(stats, path)

        alone = statistics.median(times_ms(save, runs))
        summary = statistics.median(times_ms(lambda: stats.summary(TODAY), runs))
        stop = Path(folder) / "stop"
        server = str(Path(stats_store.__file__).parents[2])
        rivals = [
            subprocess.Popen([sys.executable, "-c", RIVAL, str(path), str(stop), server])
            for _ in range(RIVALS)
        ]
        try:
            time.sleep(1)  # until they save in earnest
            shared, gave_up = [], 0
            for _ in range(runs):
                shared += times_ms(save, 1)
                gave_up += stats.changed
                time.sleep(0.01)  # the others save meanwhile
        finally:
            stop.touch()
            for rival in rivals:
                rival.wait(timeout=60)
        return (
            path.stat().st_size / 1024,
            alone,
            summary,
            statistics.median(shared),
            max(shared),
            gave_up,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a short run (the test suite's)")
    args = parser.parse_args()
    suggestions, runs = (500, 5) if args.quick else (5000, 21)
    print(f"Command: `{' '.join(['.venv/bin/python', 'bench/bench_stats.py', *sys.argv[1:]])}`\n")
    one_day = measure(1, suggestions, runs)
    full = measure(KEEP_DAYS, suggestions, runs)
    print(f"| {suggestions:,} suggestions a day | one day (baseline) | {KEEP_DAYS} days | ratio |")
    print("|---|---:|---:|---:|")
    print(ratio_row("file size", one_day[0], full[0], " KiB"))
    print(ratio_row("save (read, add, write), median", one_day[1], full[1], " ms"))
    print(ratio_row("summary for fimLsp.stats, median", one_day[2], full[2], " ms"))
    shared = f"save while {RIVALS} other servers save every 20 ms"
    print(ratio_row(f"{shared}, median", one_day[3], full[3], " ms"))
    print(ratio_row(f"{shared}, longest", one_day[4], full[4], " ms"))
    print(f"| ... of {runs} such saves, gave up waiting | {one_day[5]} | {full[5]} | - |")


if __name__ == "__main__":
    main()
