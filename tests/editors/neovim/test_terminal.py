"""What the user sees in a terminal without true colour: Neovim's own TUI in tmux, driven by real
keys and inspected over Neovim's RPC socket; ghost text that does not look like code, and provider
errors that never stop typing for "Press ENTER"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pynvim
import pytest

from bench.fakes.codestral import FakeCodestral
from tests.editors.neovim.conftest import PLUGIN, SERVER, nvim_binary
from tests.editors.shared import after_ret, editor_env, wait_for
from tests.editors.tmux import Terminal, terminal

SGR = re.compile(r"\x1b\[([0-9;]*)m")


@dataclass
class Tui:
    term: Terminal
    nvim: pynvim.Nvim

    def line(self) -> str:
        return str(self.nvim.current.line)

    def mode(self) -> dict[str, object]:
        return dict(self.nvim.api.get_mode())


@pytest.fixture
def tui(
    version: str, fake: FakeCodestral, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Tui]:
    """Neovim in tmux (a 256-colour terminal, 'notermguicolors') with the plugin set up, editing
    demo.py; its RPC socket answers what the screen cannot."""
    demo = tmp_path / "demo.py"
    demo.write_text("def add(a, b):\n")
    init = tmp_path / "init.lua"
    init.write_text(
        f"vim.opt.rtp:prepend({str(PLUGIN)!r})\n"
        "vim.o.termguicolors = false\n"
        "vim.o.swapfile = false\n"
        "vim.lsp.log.set_level('debug')\n"
        f"require('fim_lsp').setup({{ cmd = {{ {', '.join(repr(a) for a in SERVER)} }} }})\n"
    )
    socket = tmp_path / "nvim.sock"
    argv = [nvim_binary(version), "--listen", str(socket), "-u", str(init), "-n", "-i", "NONE"]
    env = editor_env(fake, tmp_path)
    with terminal(["env", "TERM=tmux-256color", *argv, str(demo)], env, tmp_path) as term:
        wait_for(socket.exists, what="Neovim's RPC socket", explain=term.explain)
        nvim = pynvim.attach("socket", path=str(socket))
        try:
            wait_for(
                lambda: nvim.exec_lua("return require('fim_lsp').ready(0)"),
                what="the fim_lsp client to attach",
                timeout=30,
                explain=term.explain,
            )
            nvim.command("setlocal indentexpr= noautoindent nosmartindent")
            yield Tui(term, nvim)
        finally:
            nvim.close()


def styled(line: str) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """Each character of a `capture-pane -e` line with the SGR attributes in force on it."""
    out: list[tuple[str, tuple[tuple[str, str], ...]]] = []
    state: dict[str, str] = {}
    at = 0
    for match in [*SGR.finditer(line), None]:
        end = match.start() if match else len(line)
        out += [(char, tuple(sorted(state.items()))) for char in line[at:end]]
        if match is None:
            break
        at = match.end()
        codes = (match.group(1) or "0").split(";")
        while codes:
            code = codes.pop(0)
            if code == "0":
                state.clear()
            elif code in ("38", "48"):
                kind = codes.pop(0)
                value = codes.pop(0) if kind == "5" else ";".join(codes[:3])
                codes = codes if kind == "5" else codes[3:]
                state["fg" if code == "38" else "bg"] = value
            elif code in ("39", "49"):
                state.pop("fg" if code == "39" else "bg", None)
            elif re.fullmatch(r"3[0-7]|9[0-7]", code):
                state["fg"] = code
            elif re.fullmatch(r"4[0-7]|10[0-7]", code):
                state["bg"] = code
            elif code in ("22", "23", "24", "27"):
                state.pop({"22": "1", "23": "3", "24": "4", "27": "7"}[code], None)
            else:
                state[code] = "on"
    return out


def test_ghost_text_is_distinguishable_without_true_colour(tui: Tui, fake: FakeCodestral) -> None:
    fake.completion = after_ret
    tui.term.send("o")
    tui.term.type("    ret")
    tui.term.wait_screen(lambda s: "    return a + b" in s, "the ghost text on screen", 30)
    raw = tui.term.tmux("capture-pane", "-t", "fim", "-p", "-e").split("\n")
    [line] = [row for row in raw if "urn a + b" in SGR.sub("", row)]
    cells = styled(line)
    text = "".join(char for char, _ in cells)
    start = text.index("    ret")
    typed = {style for _, style in cells[start + 4 : start + 7]}
    ghost = {style for _, style in cells[start + 7 : start + 16]}
    assert len(ghost) == 1 and ghost != typed, (
        f"the ghost text looks like the code typed: typed {typed}, ghost {ghost}, line {line!r}"
    )
    [style] = ghost
    assert ("3", "on") in style  # italic
    assert tui.line() == "    ret"


def test_a_provider_error_while_typing_never_asks_for_enter(
    tui: Tui, fake: FakeCodestral, tmp_path: Path
) -> None:
    fake.fail_next(401, count=100)
    tui.term.send("o")
    tui.term.type("    x")
    log = tmp_path / "XDG_STATE_HOME" / "nvim" / "lsp.log"  # read here: a prompt blocks RPC
    wait_for(
        lambda: log.exists() and "window/showMessage" in log.read_text(),
        what="the server's message (a rejected key)",
        timeout=30,
        explain=tui.term.explain,
    )
    # queued behind the message's handler; a prompt would hold it (and any RPC request) back
    synced = tmp_path / "synced"
    tui.nvim.exec_lua(f"io.open({str(synced)!r}, 'w'):close()", async_=True)

    def prompt_or_synced() -> str:
        if tui.mode()["blocking"] or "Press ENTER" in tui.term.screen():  # fast, also in prompts
            return "prompt"
        return "synced" if synced.exists() else ""

    assert wait_for(prompt_or_synced, what="the message to be handled", timeout=30) == "synced", (
        f"the message stopped typing for Enter:\n{tui.term.explain()}"
    )
    assert tui.mode() == {"mode": "i", "blocking": False}
    tui.term.type("yz")
    wait_for(lambda: tui.line() == "    xyz", what="typing to go on", explain=tui.term.explain)
    tui.term.send("Escape")  # then the message is said whole (long: Neovim asks for Enter)
    tui.term.wait_screen(
        lambda screen: "CODESTRAL_API_KEY." in screen, "the whole message after insert mode", 30
    )
    tui.term.send("Enter")
    wait_for(lambda: tui.mode() == {"mode": "n", "blocking": False}, what="normal mode")
    said = str(tui.nvim.exec_lua("return vim.api.nvim_exec2('messages', {output = true}).output"))
    assert said.count("fim-lsp: the key in MISTRAL_API_KEY was rejected") == 1, said
    assert said.rstrip().endswith("put the key in CODESTRAL_API_KEY."), said
