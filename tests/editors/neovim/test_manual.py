"""Manual mode and alternatives in real Neovim 0.11 and 0.12: typing asks the provider nothing,
the request key does, and the next and previous keys go through the alternatives, of which
accept inserts the one shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.fakes.codestral import FakeCodestral
from tests.editors.neovim.conftest import SERVER, Editor, wait_for

USUAL, MINUS, TIMES = "return a + b", "return a - b", "return a * b"


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.py"
    path.write_text("def add(a, b):\n")
    return path


@pytest.fixture
def sampling(fake: FakeCodestral) -> FakeCodestral:
    """The fake as a sampling model: the seeds of the alternatives, 1 and 2, get MINUS and TIMES."""
    fake.completion = USUAL
    fake.samples = (USUAL, MINUS, TIMES)
    return fake


def setup(editor: Editor, **settings: object) -> None:
    editor.lua(
        "local cmd, settings = ... require('fim_lsp').setup({ cmd = cmd, settings = settings })",
        SERVER,
        settings,
    )


def typing_answered(editor: Editor) -> None:
    """Wait until the requests typing sent (Automatic) have their answers."""
    wait_for(
        lambda: 0 < editor.last_sent() <= editor.last_answered(),
        what="the requests typing sent to be answered",
    )


def type_and_wait_for_the_answer(editor: Editor, key: str) -> None:
    """Type `key` and wait for the answer to the request it sends (0.12's built-in sends it
    200 ms later; an answer to an earlier one does not count)."""
    sent = editor.last_sent()
    editor.nvim.input(key)
    wait_for(
        lambda: editor.last_sent() > sent and editor.last_answered() >= editor.last_sent(),
        what=f"the answer to the request after typing {key!r}",
    )


def server_stats(editor: Editor) -> dict[str, int]:
    stats = editor.lua(
        """
        local client = vim.lsp.get_clients({ name = 'fim_lsp' })[1]
        local answer = client:request_sync('workspace/executeCommand',
          { command = 'fimLsp.stats' }, 2000, 0)
        return answer and answer.result and answer.result.today or vim.NIL
        """
    )
    return dict(stats) if stats else {}


def test_in_manual_mode_typing_asks_nothing_and_the_request_key_asks(
    editor: Editor, demo: Path, fake: FakeCodestral
) -> None:
    setup(editor, triggerMode="manual")
    editor.edit(demo)
    editor.nvim.input("o    ")
    typing_answered(editor)
    assert editor.ghost() is None
    assert fake.requests == [], "typing in manual mode reached the provider"

    editor.nvim.input("<M-\\>")
    editor.wait_ghost(USUAL, what="the ghost text the request key asked for")
    assert len(fake.requests) == 1
    editor.nvim.input("<M-l>")
    wait_for(lambda: editor.lines()[1] == "    " + USUAL, what="the accepted suggestion")
    assert editor.lines() == ["def add(a, b):", "    " + USUAL]


def test_next_and_previous_go_round_the_alternatives_and_accept_inserts_the_one_shown(
    editor: Editor, demo: Path, sampling: FakeCodestral
) -> None:
    setup(editor, triggerMode="manual", suggestions=3)
    editor.edit(demo)
    editor.nvim.input("o    <M-\\>")
    editor.wait_ghost(USUAL, what="the usual suggestion first")
    assert len(sampling.requests) == 3, "the usual request and two alternatives"

    for key, shown in [("]", MINUS), ("]", TIMES), ("]", USUAL), ("[", TIMES)]:
        editor.nvim.input(f"<M-{key}>")
        ghost = editor.wait_ghost(shown, what=f"<M-{key}> to show")
        assert (ghost.row, ghost.col) == (1, 4) == editor.cursor()
        assert editor.lines() == ["def add(a, b):", "    "]
    assert len(sampling.requests) == 3, "going through the alternatives asked the provider again"
    # each alternative shown is reported to the server, which counts it
    wait_for(lambda: server_stats(editor).get("shown", 0) == 3, what="three suggestions shown")

    editor.nvim.input("<M-l>")
    wait_for(lambda: editor.lines()[1] == "    " + TIMES, what="the alternative shown, accepted")
    assert editor.lines() == ["def add(a, b):", "    " + TIMES]
    assert editor.mode() == "i"
    # its own command ran: the server counts the accept
    wait_for(lambda: server_stats(editor).get("accepted") == 1, what="the server to count it")


def test_next_with_one_suggestion_shown_asks_as_the_user_and_shows_the_next(
    editor: Editor, demo: Path, sampling: FakeCodestral
) -> None:
    setup(editor, suggestions=3)  # automatic: typing gets one suggestion
    editor.edit(demo)
    editor.nvim.input("o    ")
    editor.wait_ghost(USUAL)
    typing_answered(editor)
    before = len(sampling.requests)

    editor.nvim.input("<M-]>")
    editor.wait_ghost(MINUS, what="the next alternative after asking as the user")
    assert len(sampling.requests) == before + 2, "one request for each of the two alternatives"
    editor.nvim.input("<M-[>")
    editor.wait_ghost(USUAL, what="the usual suggestion again")


def test_with_nothing_shown_next_and_previous_fall_back(
    editor: Editor, demo: Path, fake: FakeCodestral
) -> None:
    fake.completion = ""
    editor.lua("vim.keymap.set('i', '<M-]>', 'NEXT') vim.keymap.set('i', '<M-[>', 'PREV')")
    editor.lua("require('fim_lsp').setup({ cmd = ..., override_keys = true })", SERVER)
    editor.edit(demo)
    editor.nvim.input("ox<M-]><M-[>")
    wait_for(lambda: editor.lines()[1] == "xNEXTPREV", what="the replaced mappings' keys")
    assert editor.mode() == "i"


def test_typing_into_the_alternative_shown_keeps_it_shown(
    editor: Editor, demo: Path, sampling: FakeCodestral
) -> None:
    """Typing `return a ` into MINUS, which USUAL and TIMES also start with: each answer lists
    USUAL first, yet MINUS stays on screen, and next still goes on from it."""
    setup(editor, suggestions=3)
    editor.edit(demo)
    editor.nvim.input("o    <M-\\>")
    editor.wait_ghost(USUAL, what="the usual suggestion first")
    editor.nvim.input("<M-]>")
    editor.wait_ghost(MINUS, what="the alternative chosen")
    requests = len(sampling.requests)

    typed = ""
    for key in "return a ":
        type_and_wait_for_the_answer(editor, key)
        typed += key
        ghost = editor.wait_ghost(MINUS[len(typed) :], what=f"the alternative after {typed!r}")
        assert (ghost.row, ghost.col) == editor.cursor()
    assert editor.lines() == ["def add(a, b):", "    return a "]
    assert len(sampling.requests) == requests, "typing into an alternative asked the provider"

    editor.nvim.input("<M-]>")
    editor.wait_ghost("* b", what="the next alternative after the one typed into")
    editor.nvim.input("<M-l>")
    wait_for(lambda: editor.lines()[1] == "    " + TIMES, what="the alternative shown, accepted")
