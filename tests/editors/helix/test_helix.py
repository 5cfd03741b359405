"""Helix without a plugin of ours: the completion menu, typed into (automatic) and asked for
(C-x), with the languages.toml docs/editors.md shows."""

from __future__ import annotations

import re

from bench.fakes.codestral import FakeCodestral
from tests.editors.helix.conftest import Helix
from tests.editors.shared import after_ret

DEMO = "def add(a, b):\n"


def menu_row(label: str) -> str:
    """A row of Helix's completion menu: the label, then the kind (our items are Text)."""
    return rf"^ +~ +{re.escape(label)} text$"


def test_menu_opens_while_typing_and_enter_inserts_the_item(
    helix: Helix, fake: FakeCodestral
) -> None:
    fake.completion = after_ret
    helix.term.send("j", "A")  # the end of the second line, "    ", in insert mode
    helix.term.type("ret")
    helix.term.wait_screen(
        lambda s: re.search(menu_row("return a + b"), s, re.M) is not None, "the completion menu"
    )
    helix.term.send("Tab")  # select: Helix previews the item and shows its details
    shown = helix.term.wait_screen(lambda s: "fim-lsp · codestral-latest" in s, "the item's detail")
    assert "    2      return a + b\n" in shown  # the preview, in the buffer
    helix.term.send("Enter")
    assert helix.save_and_read() == DEMO + "    return a + b\n"


def test_menu_asked_for_with_ctrl_x_inserts_a_multi_line_suggestion(
    helix: Helix, fake: FakeCodestral
) -> None:
    fake.completion = "total = a + b\n    return total"
    helix.term.send("j", "A", "C-x")
    helix.term.wait_screen(
        lambda s: re.search(menu_row("total = a + b"), s, re.M) is not None, "the completion menu"
    )
    helix.term.send("Tab")
    helix.term.wait_screen(lambda s: "fim-lsp · codestral-latest" in s, "the item's detail")
    helix.term.send("Enter")
    assert helix.save_and_read() == DEMO + "    total = a + b\n    return total\n"
    # the languages.toml `config` reached the server as initializationOptions
    assert fake.requests[-1].body["max_tokens"] == 100
