"""Vim with ALE, without a plugin of ours: ALE's completion menu shows the suggestion while typing,
and CTRL-N, CTRL-Y insert it, with the vimrc lines docs/editors.md shows."""

from __future__ import annotations

import re

from bench.fakes.codestral import FakeCodestral
from tests.editors.shared import after_ret
from tests.editors.vim.conftest import Vim

DEMO = "def add(a, b):\n"


def test_menu_opens_while_typing_and_ctrl_n_ctrl_y_insert_the_item(
    vim: Vim, fake: FakeCodestral
) -> None:
    fake.completion = after_ret
    vim.term.send("2G", "A")  # the end of the second line, "    ", in insert mode
    vim.term.type("ret")
    # the popup under the line: the item, its kind (v: text) and its detail
    shown = vim.term.wait_screen(
        lambda s: "fim-lsp · codestral-latest" in s, "ALE's completion menu", timeout=6
    )
    assert re.search(r"^~ +return a \+ b +v +fim-lsp · codestral-latest *$", shown, re.M), shown
    # ALE opens the menu with nothing selected: CTRL-N selects the item, CTRL-Y accepts it
    vim.term.send("C-n")
    vim.term.wait_screen(lambda s: "\n    return a + b\n" in s, "the selected item in the line")
    vim.term.send("C-y")
    vim.term.wait_screen(lambda s: "codestral-latest" not in s, "the menu to close")
    assert vim.save_and_read() == DEMO + "    return a + b\n"


def test_a_multi_line_suggestion_comes_as_its_first_line(vim: Vim, fake: FakeCodestral) -> None:
    # ALE would put a NUL where a line breaks: the vimrc's initialization_options ask fim-lsp for
    # one line (maxLines 1), and that reaches the server
    fake.completion = lambda prompt, suffix: "al = a + b\n    return total"
    vim.term.send("2G", "A")
    vim.term.type("tot")
    vim.term.wait_screen(
        lambda s: re.search(r"^~ +total = a \+ b +v +fim-lsp", s, re.M) is not None,
        "the first line in ALE's completion menu",
        timeout=6,
    )
    vim.term.send("C-n")
    vim.term.wait_screen(lambda s: "\n    total = a + b\n" in s, "the selected item in the line")
    vim.term.send("C-y")
    assert vim.save_and_read() == DEMO + "    total = a + b\n"
