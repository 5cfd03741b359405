"""A suggestion the text before the cursor no longer leads into is neither shown nor inserted, and
with nothing shown the accept keys do what they did without the plugin: real Neovim 0.11 and
0.12, real keys, a provider held mid-answer (slow) while the user types on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.fakes.codestral import FakeCodestral
from tests.editors.neovim.conftest import SERVER, Editor, wait_for
from tests.editors.shared import after_ret


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.py"
    path.write_text("def add(a, b):\n")
    return path


@pytest.fixture
def slow(fake: FakeCodestral) -> Iterator[FakeCodestral]:
    """The fake, to be held: every answer started after `hold_after(0)` waits for `release()`."""
    yield fake
    fake.release()


def _held(fake: FakeCodestral, editor: Editor) -> None:
    """Wait until the provider holds an answer: the server asked for the text typed last."""
    if not fake.wait_for_held(1, timeout=30):
        raise AssertionError(f"no request reached the held provider\n{editor.diagnostics()}")


def test_typing_over_the_suggestion_hides_it_and_accept_inserts_nothing(
    editor: Editor, demo: Path, slow: FakeCodestral
) -> None:
    editor.edit(demo)
    editor.nvim.input("o    ")
    editor.wait_ghost("return a + b")
    slow.hold_after(0)
    editor.nvim.input("rez")  # `re` is the suggestion's start, `z` is not
    wait_for(lambda: editor.lines()[1] == "    rez", what="the typed text")
    wait_for(lambda: editor.ghost() is None, what="the stale ghost text to go")
    _held(slow, editor)  # the answer for `rez` is still to come: what hid it was the plugin
    assert editor.ghost() is None
    editor.nvim.input("<M-l>")  # nothing shown: <M-l> as unmapped, <Esc>l
    wait_for(lambda: editor.mode() == "n", what="<M-l> to do what it does unmapped (<Esc>l)")
    assert editor.lines() == ["def add(a, b):", "    rez"]


def test_moving_back_into_what_was_typed_hides_the_suggestion(
    editor: Editor, demo: Path, slow: FakeCodestral
) -> None:
    slow.completion = after_ret
    editor.edit(demo)
    editor.nvim.input("o    ret")
    editor.wait_ghost("urn a + b")
    slow.hold_after(0)
    editor.nvim.input("<Left><Left>")
    wait_for(lambda: editor.cursor() == (1, 5), what="the cursor to move left")
    wait_for(lambda: editor.ghost() is None, what="the ghost text left behind to go")
    assert editor.lua("return require('fim_lsp').suggestion()") is None
    editor.nvim.input("<M-l>")
    wait_for(lambda: editor.mode() == "n", what="<M-l> to do what it does unmapped")
    assert editor.lines() == ["def add(a, b):", "    ret"]


def test_a_late_answer_for_text_typed_over_is_not_shown(
    editor: Editor, demo: Path, fake: FakeCodestral
) -> None:
    fake.completion = lambda prompt, suffix: "urn a + b" if prompt.endswith("ret") else ""
    editor.edit(demo)
    fake.hold_after(0)
    editor.nvim.input("o    ret")
    try:
        _held(fake, editor)
        editor.nvim.input("x")  # typed over `urn` before the answer for `ret` came
        wait_for(lambda: editor.lines()[1] == "    retx", what="the typed text")
    finally:
        fake.release()
    sent = editor.last_sent()
    wait_for(lambda: editor.last_answered() >= sent, what="the answers to come")
    assert editor.ghost() is None
    editor.nvim.input("<C-]>")  # dismiss with nothing shown: <C-]> as unmapped (types nothing)
    editor.nvim.input("<M-l>")
    wait_for(lambda: editor.mode() == "n", what="<M-l> to do what it does unmapped")
    assert editor.lines() == ["def add(a, b):", "    retx"]


def test_with_nothing_shown_an_accept_key_falls_back_to_the_mapping_it_replaced(
    editor: Editor, demo: Path, fake: FakeCodestral
) -> None:
    fake.completion = ""
    editor.lua("vim.keymap.set('i', '<M-l>', 'MINE')")
    editor.lua("require('fim_lsp').setup({ cmd = ..., override_keys = true })", SERVER)
    editor.edit(demo)
    editor.nvim.input("ox = 1<M-l>")
    wait_for(lambda: editor.lines()[1] == "x = 1MINE", what="the replaced mapping's keys")
    assert editor.mode() == "i"


def test_accept_all_then_the_key_again_falls_back(
    editor: Editor, demo: Path, fake: FakeCodestral
) -> None:
    # after the accept the server may ask what comes next: the model has nothing more to say, so
    # nothing is shown whenever that answer comes
    fake.completion = lambda prompt, suffix: "" if prompt.endswith("a + b") else "return a + b"
    editor.edit(demo)
    editor.nvim.input("o    ")
    editor.wait_ghost("return a + b")
    editor.nvim.input("<M-l>")
    wait_for(lambda: editor.lines()[1] == "    return a + b", what="the accepted line")
    assert editor.mode() == "i"
    wait_for(
        lambda: editor.ghost() is None,
        what="nothing left to show",
        explain=lambda: f"shown: {editor.ghost()!r}\n{editor.diagnostics()}",
    )
    editor.nvim.input("<M-l>")
    wait_for(lambda: editor.mode() == "n", what="<M-l> to do what it does unmapped")
    assert editor.lines() == ["def add(a, b):", "    return a + b"]
