"""Menu items as snippets insert exactly the suggestion in clients that indent snippets' lines;
other clients get plain text."""

from __future__ import annotations

import pytest
from lsprotocol import types

from fim_lsp.core.cursor import Cut
from fim_lsp.lsp.items import as_snippet, menu_item, snippets_for

AT = types.Range(start=types.Position(1, 7), end=types.Position(1, 7))


@pytest.mark.parametrize(
    ("text", "indent", "snippet"),
    [
        ("return a + b", "    ", "return a + b"),
        ("cost = $5 # {x}", "", "cost = \\$5 # {x\\}"),
        ("path = 'C:\\dir'", "", "path = 'C:\\\\dir'"),
        ("`${name}`", "", "`\\${name\\}`"),
        ("total = a\n    return total", "    ", "total = a\nreturn total"),
        ("if x:\n        y()\n    z()", "    ", "if x:\n    y()\nz()"),
        ("a\r\n    b\r    c", "    ", "a\r\nb\rc"),
        ("a\n\n    b", "    ", "a\n\nb"),  # an empty line stays empty in the snippet
        ("a\n  b", "    ", None),  # less indented than the line: only plain text is exact
        ("a\n  b", "", "a\n  b"),
        ("a\n\tb", "\t", "a\nb"),
    ],
)
def test_as_snippet_escapes_and_removes_the_indent_the_client_adds(
    text: str, indent: str, snippet: str | None
) -> None:
    assert as_snippet(text, indent) == snippet


def _item(text: str, line_prefix: str, snippets: bool) -> types.CompletionItem:
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
    item = _item("urn $a\n    b", "    ret", snippets=False)
    assert item.insert_text_format == types.InsertTextFormat.PlainText
    assert item.insert_text_mode == types.InsertTextMode.AsIs  # VS Code would indent it again
    assert isinstance(item.text_edit, types.TextEdit)
    assert item.text_edit.new_text == "return $a\n    b"


def test_a_client_that_indents_snippets_gets_the_lines_without_the_indent() -> None:
    item = _item("urn $a\n    b", "    ret", snippets=True)
    assert item.insert_text_format == types.InsertTextFormat.Snippet
    assert isinstance(item.text_edit, types.TextEdit)
    assert item.text_edit.new_text == "return \\$a\nb"
    assert item.filter_text == "return $a\n    b"  # what is typed is matched unescaped
    assert item.label == "return $a"


def test_a_suggestion_a_snippet_cannot_say_exactly_stays_plain_text() -> None:
    item = _item("urn a\n  b", "    ret", snippets=True)
    assert item.insert_text_format == types.InsertTextFormat.PlainText
    assert isinstance(item.text_edit, types.TextEdit)
    assert item.text_edit.new_text == "return a\n  b"


def _options(
    snippets: bool, modes: list[types.InsertTextMode] | None
) -> types.ClientCompletionItemOptions:
    support = None if modes is None else types.ClientCompletionItemInsertTextModeOptions(modes)
    return types.ClientCompletionItemOptions(
        snippet_support=snippets, insert_text_mode_support=support
    )


AS_IS, ADJUST = types.InsertTextMode.AsIs, types.InsertTextMode.AdjustIndentation


@pytest.mark.parametrize(
    ("client", "options", "snippets"),
    [
        ("Neovim", None, False),
        ("Neovim", _options(False, None), False),
        ("Neovim", _options(True, None), True),  # vim.lsp.completion, 0.11 and 0.12
        ("Neovim", _options(True, [ADJUST]), True),
        ("Neovim", _options(True, [AS_IS, ADJUST]), False),  # nvim-cmp with cmp-nvim-lsp
        ("Neovim", _options(True, [AS_IS]), False),  # blink.cmp
        ("Visual Studio Code", _options(True, [AS_IS, ADJUST]), False),
        ("Eglot", _options(True, None), False),  # with yasnippet, which indents lines itself
        ("Eglot", _options(False, None), False),
        ("helix", _options(True, None), False),
        ("emacs", _options(True, None), False),  # lsp-mode
        (None, _options(True, None), False),  # a client that does not say its name
    ],
)
def test_snippets_go_only_to_neovims_own_completion(
    client: str | None, options: types.ClientCompletionItemOptions | None, snippets: bool
) -> None:
    """Neovim's own completion inserts a multi-line plain-text item cut short, and indents a
    snippet's later lines as the cursor's line; every other client inserts plain text exactly,
    and some (eglot's yasnippet, Helix) indent a snippet's lines in ways of their own."""
    assert snippets_for(client, options) is snippets
