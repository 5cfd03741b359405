"""Menu items in snippet format insert exactly the suggestion, in clients that indent and not."""

from __future__ import annotations

import pytest
from lsprotocol import types

from fim_lsp.core.cursor import Cut
from fim_lsp.lsp.items import Snippets, as_snippet, menu_item

AT = types.Range(start=types.Position(1, 7), end=types.Position(1, 7))


@pytest.mark.parametrize(
    ("text", "indent", "keeps_indent", "snippet"),
    [
        ("return a + b", "    ", False, "return a + b"),
        ("cost = $5 # {x}", "", False, "cost = \\$5 # {x\\}"),
        ("path = 'C:\\dir'", "", True, "path = 'C:\\\\dir'"),
        ("`${name}`", "", True, "`\\${name\\}`"),
        ("total = a\n    return total", "    ", False, "total = a\nreturn total"),
        ("total = a\n    return total", "    ", True, "total = a\n    return total"),
        ("if x:\n        y()\n    z()", "    ", False, "if x:\n    y()\nz()"),
        ("a\r\n    b\r    c", "    ", False, "a\r\nb\rc"),
        ("a\n\n    b", "    ", False, "a\n\nb"),  # an empty line stays empty in the snippet
        ("a\n  b", "    ", False, None),  # less indented than the line: only plain text is exact
        ("a\n  b", "    ", True, "a\n  b"),
        ("a\n\tb", "\t", False, "a\nb"),
    ],
)
def test_as_snippet_escapes_and_removes_the_indent_the_client_adds(
    text: str, indent: str, keeps_indent: bool, snippet: str | None
) -> None:
    assert as_snippet(text, indent, keeps_indent=keeps_indent) == snippet


def _item(text: str, line_prefix: str, snippets: Snippets | None) -> types.CompletionItem:
    cut = Cut(line_prefix, "", line_prefix, "", "\n", 1, len(line_prefix))
    return menu_item(
        text,
        AT,
        cut,
        language="python",
        model="m",
        encoding="utf-8",
        markdown=False,
        snippets=snippets,
    )


def test_a_client_without_snippets_gets_plain_text() -> None:
    item = _item("urn $a\n    b", "    ret", None)
    assert item.insert_text_format == types.InsertTextFormat.PlainText
    assert item.insert_text_mode is None
    assert isinstance(item.text_edit, types.TextEdit)
    assert item.text_edit.new_text == "return $a\n    b"


def test_a_client_that_indents_gets_the_lines_without_the_indent() -> None:
    item = _item("urn $a\n    b", "    ret", Snippets(keeps_indent=False))
    assert item.insert_text_format == types.InsertTextFormat.Snippet
    assert item.insert_text_mode is None
    assert isinstance(item.text_edit, types.TextEdit)
    assert item.text_edit.new_text == "return \\$a\nb"
    assert item.filter_text == "return $a\n    b"  # what is typed is matched unescaped
    assert item.label == "return $a"


def test_a_client_that_keeps_whitespace_is_told_to() -> None:
    item = _item("urn $a\n    b", "    ret", Snippets(keeps_indent=True))
    assert item.insert_text_format == types.InsertTextFormat.Snippet
    assert item.insert_text_mode == types.InsertTextMode.AsIs
    assert isinstance(item.text_edit, types.TextEdit)
    assert item.text_edit.new_text == "return \\$a\n    b"


def test_a_suggestion_a_snippet_cannot_say_exactly_stays_plain_text() -> None:
    item = _item("urn a\n  b", "    ret", Snippets(keeps_indent=False))
    assert item.insert_text_format == types.InsertTextFormat.PlainText
    assert isinstance(item.text_edit, types.TextEdit)
    assert item.text_edit.new_text == "return a\n  b"
