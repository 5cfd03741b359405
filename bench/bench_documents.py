"""Benchmark: our document store against pygls' TextDocument on one-keystroke edits and lookups.

Run: python bench/bench_documents.py
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "server"))

from lsprotocol import types
from pygls.workspace import TextDocument

from fim_lsp.core.documents import Document, Position, Range

SIZES = (1_000, 20_000, 100_000)
BUDGET_S = 0.4  # per measurement
MAX_REPS = 5_000
MIN_REPS = 7


def code_like(lines: int) -> str:
    """Python-looking text; every 10th line is a comment with non-ASCII (é, 中, 😀)."""
    out = []
    for i in range(lines):
        match i % 10:
            case 0:
                out.append(f"def function_{i}(self, value: int, name: str = 'x') -> int:")
            case 1:
                out.append(f'    """Compute the thing number {i} for the caller."""')
            case 9:
                out.append(f"    # note {i}: café 中文 😀 déjà vu")
            case _:
                out.append(f"    result_{i % 7} = value * {i} + len(name)  # step {i % 10}")
    return "\n".join(out) + "\n"


def median_time(step: Callable[[], object], undo: Callable[[], object] | None = None) -> float:
    times: list[float] = []
    deadline = time.perf_counter() + BUDGET_S
    while len(times) < MIN_REPS or (time.perf_counter() < deadline and len(times) < MAX_REPS):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
        if undo is not None:
            undo()
    return statistics.median(times)


def measure(lines: int) -> dict[str, tuple[float, float]]:
    text = code_like(lines)
    mid = lines // 2 + 2  # an ASCII line in the middle
    emoji_line = lines // 2 + 9  # a comment line with 😀 (2 utf-16 units)
    ours = Document("file:///bench.py", text, encoding="utf-16")
    theirs = TextDocument("file:///bench.py", text, version=0)

    at, after, below = types.Position(mid, 8), types.Position(mid, 9), types.Position(mid + 1, 0)
    here = Position(mid, 8)
    ins_ours, del_ours = Range(here, here), Range(here, Position(mid, 9))
    del_break_ours = Range(here, Position(mid + 1, 0))

    def theirs_change(start: types.Position, end: types.Position, new: str) -> None:
        change = types.TextDocumentContentChangePartial(range=types.Range(start, end), text=new)
        theirs.apply_change(change)

    results = {
        "insert 1 char": (
            median_time(lambda: theirs_change(at, at, "x"), lambda: theirs_change(at, after, "")),
            median_time(
                lambda: ours.apply_change("x", ins_ours), lambda: ours.apply_change("", del_ours)
            ),
        ),
        # changes the line count, so the line list shifts (a pointer memmove)
        "insert line break": (
            median_time(lambda: theirs_change(at, at, "\n"), lambda: theirs_change(at, below, "")),
            median_time(
                lambda: ours.apply_change("\n", ins_ours),
                lambda: ours.apply_change("", del_break_ours),
            ),
        ),
        "position→index, ASCII line": (
            median_time(lambda: theirs.offset_at_position(types.Position(mid, 20))),
            median_time(lambda: ours.index_of(Position(mid, 20))),
        ),
        "position→index, 😀 line": (
            median_time(lambda: theirs.offset_at_position(types.Position(emoji_line, 30))),
            median_time(lambda: ours.index_of(Position(emoji_line, 30))),
        ),
    }
    assert ours.text() == theirs.source, "the two documents diverged"
    return results


def fmt(seconds: float) -> str:
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.2f} µs"


def main() -> None:
    print(f"Python {sys.version.split()[0]}, median of up to {MAX_REPS} runs (utf-16)\n")
    print("| lines | operation | pygls TextDocument | fim_lsp Document | pygls / ours |")
    print("|---:|---|---:|---:|---:|")
    for lines in SIZES:
        for operation, (theirs, ours) in measure(lines).items():
            print(
                f"| {lines:,} | {operation} | {fmt(theirs)} | {fmt(ours)} | {theirs / ours:,.0f}x |"
            )


if __name__ == "__main__":
    main()
