"""Emacs without a plugin of ours: eglot's completion menu and completion-preview (Emacs 30), and
lsp-mode 10's inline completion and menu, each with the configuration docs/editors.md shows."""

from __future__ import annotations

from bench.fakes.codestral import FakeCodestral
from tests.editors.emacs.conftest import Emacs
from tests.editors.shared import after_ret

DEMO = "def add(a, b):\n"
TWO_LINES = "total = a + b\n    return total"
DETAIL = "fim-lsp · codestral-latest"


def test_eglot_menu_item_inserts_the_whole_suggestion(emacs: Emacs, fake: FakeCodestral) -> None:
    fake.completion = TWO_LINES
    got = emacs.run("emacs-eglot", "eglot-menu", "    ")
    assert got["candidates"] == [{"label": "total = a + b", "annotation": f" {DETAIL}"}]
    assert got["text"] == DEMO + "    total = a + b\n    return total"
    assert got["cursor"] == [2, 16]
    # the snippet's initializationOptions reached the server
    assert fake.requests[-1].body["max_tokens"] == 100
    # eglot 30.1 does not run an item's command; the server sees the insertion and counts it
    assert got["accepted"] == 1


def test_eglot_menu_completes_the_word_being_typed(emacs: Emacs, fake: FakeCodestral) -> None:
    fake.completion = after_ret
    got = emacs.run("emacs-eglot", "eglot-menu", "    ret")
    assert got["candidates"] == [{"label": "return a + b", "annotation": f" {DETAIL}"}]
    assert got["text"] == DEMO + "    return a + b"
    assert got["cursor"] == [1, 16]


def test_completion_preview_shows_the_rest_and_tab_inserts_it(
    emacs: Emacs, fake: FakeCodestral
) -> None:
    fake.completion = after_ret
    got = emacs.run("emacs-eglot", "eglot-preview", "    ret")
    # after each key: the preview shows from the third character of a word on; TAB inserts it
    assert got["shown"][-4:] == [None, None, "urn a + b", None]
    assert [shown for shown in got["shown"] if shown] == ["urn a + b"]
    assert got["text"] == DEMO + "    return a + b"
    assert got["cursor"] == [1, 16]


def test_lsp_mode_inline_completion_shows_ghost_text_and_accepts_it(
    emacs: Emacs, fake: FakeCodestral
) -> None:
    fake.completion = TWO_LINES
    got = emacs.run("emacs-lsp-mode", "lsp-mode-inline", "    ")
    assert got["ghost"] == TWO_LINES
    assert got["before"] == DEMO + "    "  # ghost text is not in the buffer
    assert got["text"] == DEMO + "    total = a + b\n    return total"
    assert got["cursor"] == [2, 16]
    assert got["accepted"] == 1  # lsp-mode ran the item's fimLsp.accepted command
    assert fake.requests[-1].body["max_tokens"] == 100
    assert "Unknown notification" not in got["messages"]


def test_lsp_mode_menu_item_completes_the_word_being_typed(
    emacs: Emacs, fake: FakeCodestral
) -> None:
    fake.completion = after_ret
    got = emacs.run("emacs-lsp-mode", "lsp-mode-menu", "    ret")
    assert got["candidates"] == [{"label": "return a + b", "annotation": f" {DETAIL} (Text)"}]
    assert got["listed"][-1] == f"return a + b {DETAIL} (Text)"
    assert got["text"] == DEMO + "    return a + b"
    assert got["cursor"] == [1, 16]
    assert got["accepted"] == 1


def test_lsp_mode_cycles_through_alternatives_asked_for(emacs: Emacs, fake: FakeCodestral) -> None:
    """`suggestions` 3: an explicit request gets three items, C-n and C-p go through them."""
    fake.completion = "total = a + b"
    fake.samples = ("total = a + b", "total = a - b", "total = a * b")  # by seed: 1 -> "-"
    emacs.env = dict(emacs.env, FIM_LSP_SUGGESTIONS="3")
    got = emacs.run("emacs-lsp-mode", "lsp-mode-cycle", "    ")
    assert got["cycle"] == ["total = a + b", "total = a - b", "total = a * b", "total = a - b"]
    assert got["text"] == DEMO + "    total = a - b"
    asked = [
        r
        for r in fake.requests
        if r.path.endswith("/fim/completions") and r.body["prompt"].endswith(DEMO + "    ")
    ]  # (after the accept, the server may fetch what comes next: that asks elsewhere)
    assert len(asked) == 3, "the usual request and two alternatives, one provider request each"
