"""Cutting a document at the cursor: exact split, budgets, line snapping, lending unused room."""

import pytest

from fim_lsp.core.cursor import cut
from fim_lsp.core.documents import Document

TEN_LINES = "".join(f"line {n}\n" for n in range(10))  # each line is 7 characters with "\n"


def _doc(text: str) -> Document:
    return Document("file:///t.py", text, encoding="utf-32")


@pytest.mark.parametrize(
    ("text", "line", "column", "prefix", "suffix", "line_prefix", "line_suffix"),
    [
        ("", 0, 0, "", "", "", ""),
        ("abc", 0, 1, "a", "bc", "a", "bc"),
        ("def f():\n    ret\n", 1, 7, "def f():\n    ret", "\n", "    ret", ""),
        ("a\r\nb\r\nc", 1, 1, "a\r\nb", "\r\nc", "b", ""),
        ("a\rb\rc", 1, 0, "a\r", "b\rc", "", "b"),
        ("x\fy\nz", 0, 2, "x\f", "y\nz", "x\f", "y"),  # form feed is not a line break
        ("x\u2028y\nz", 0, 2, "x\u2028", "y\nz", "x\u2028", "y"),
        ("中文😀\nb", 0, 3, "中文😀", "\nb", "中文😀", ""),
    ],
)
def test_cut_is_exact_when_the_budget_is_large(
    text: str, line: int, column: int, prefix: str, suffix: str, line_prefix: str, line_suffix: str
) -> None:
    result = cut(_doc(text), line, column, prefix_chars=7500, suffix_chars=2500)
    assert (result.prefix, result.suffix) == (prefix, suffix)
    assert (result.line_prefix, result.line_suffix) == (line_prefix, line_suffix)
    assert (result.line, result.column) == (line, column)


@pytest.mark.parametrize(
    ("budget", "share", "prefix", "suffix"),
    [
        # 28 characters: 21 before (only 18 fit in whole lines), the other 10 after
        (28, 0.75, "line 3\nline 4\nline", " 5\nline 6\n"),
        # no share before the cursor: the room the suffix leaves is lent to the prefix
        (28, 0.0, "line", " 5\nline 6\nline 7\nline 8\n"),
        # a tiny budget cuts inside the cursor's line
        (3, 0.5, "ne", " "),
    ],
)
def test_budget_snaps_to_whole_lines(budget: int, share: float, prefix: str, suffix: str) -> None:
    result = cut(
        _doc(TEN_LINES),
        5,
        4,
        prefix_chars=round(budget * share),
        suffix_chars=budget - round(budget * share),
    )
    assert (result.prefix, result.suffix) == (prefix, suffix)
    assert len(result.prefix) + len(result.suffix) <= budget


def test_unused_prefix_room_goes_to_the_suffix() -> None:
    result = cut(_doc(TEN_LINES), 0, 2, prefix_chars=21, suffix_chars=7)
    assert result.prefix == "li"
    assert result.suffix == "ne 0\nline 1\nline 2\nline 3\n"


def test_prefix_and_suffix_never_exceed_the_budget() -> None:
    document = _doc("".join(f"{'x' * (n % 13)}\n" for n in range(500)))
    for budget in (50, 100, 333, 1000):
        for share in (0.0, 0.3, 0.75, 1.0):
            result = cut(
                document,
                250,
                3,
                prefix_chars=round(budget * share),
                suffix_chars=budget - round(budget * share),
            )
            assert len(result.prefix) + len(result.suffix) <= budget
            assert result.prefix.endswith(result.line_prefix) or result.line_prefix.endswith(
                result.prefix
            )


@pytest.mark.parametrize(("text", "eol"), [("a\nb", "\n"), ("a\r\nb\n", "\r\n"), ("ab", "\n")])
def test_eol_follows_the_document(text: str, eol: str) -> None:
    assert cut(_doc(text), 0, 0, prefix_chars=50, suffix_chars=50).eol == eol
