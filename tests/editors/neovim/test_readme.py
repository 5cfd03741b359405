"""The README's plain set-up, exactly as written (`vim.lsp.enable` with the folder on
`runtimepath`, no setup()), and Neovim's own LSP completion with no plugin at all, in real Neovim
0.11 and 0.12 against the real server and the fake Codestral."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pynvim
import pytest

from bench.fakes.codestral import FakeCodestral
from tests.editors.neovim.conftest import PLUGIN, SERVER, Editor, nvim_binary, wait_for
from tests.editors.shared import editor_env

README = PLUGIN / "README.md"
CHECKOUT = "~/src/fim-lsp/clients/neovim"  # where the README's snippet says the folder is


def readme_snippet() -> str:
    """The Lua block after `<!-- snippet: neovim-plain -->` in the Neovim README."""
    found = re.findall(
        r"^<!-- snippet: neovim-plain -->\n```lua\n(.*?)^```$", README.read_text(), re.M | re.S
    )
    assert len(found) == 1, "the Neovim README needs exactly one snippet neovim-plain"
    assert CHECKOUT in found[0]
    return str(found[0])


def start(
    version: str,
    init: str | None,
    tmp_path: Path,
    fake: FakeCodestral,
    monkeypatch: pytest.MonkeyPatch,
) -> pynvim.Nvim:
    """Neovim with `init` as its init.lua (None: --clean), `fim-lsp` on PATH running this checkout."""
    for name, value in editor_env(fake, tmp_path).items():
        monkeypatch.setenv(name, value)
    argv = [nvim_binary(version), "--embed", "--headless", "-n", "-i", "NONE"]
    if init is None:
        argv.append("--clean")
    else:
        path = tmp_path / "init.lua"
        path.write_text(init)
        argv += ["-u", str(path)]
    return pynvim.attach("child", argv=argv)


@pytest.fixture
def plain(
    version: str, fake: FakeCodestral, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Editor]:
    """Neovim whose init.lua is the README's snippet, with the folder where this checkout has it."""
    init = readme_snippet().replace(CHECKOUT, str(PLUGIN))
    nvim = start(version, init, tmp_path, fake, monkeypatch)
    try:
        yield Editor(nvim, version)
    finally:
        nvim.exec_lua(
            "for _, c in ipairs(vim.lsp.get_clients()) do c:stop(true) end"
            " vim.wait(2000, function() return #vim.lsp.get_clients() == 0 end)"
        )
        nvim.close()


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.py"
    path.write_text("def add(a, b):\n")
    return path


def test_help_works_after_the_readme_install(plain: Editor) -> None:
    plain.nvim.command("help fim_lsp")
    assert plain.lua("return vim.fn.expand('%:t')") == "fim_lsp.txt"


def test_the_shipped_help_tags_are_what_helptags_makes(tmp_path: Path) -> None:
    doc = tmp_path / "doc"
    shutil.copytree(PLUGIN / "doc", doc)
    (doc / "tags").unlink()
    subprocess.run(
        [nvim_binary("0.11"), "--headless", "--clean", "-c", f"helptags {doc}", "-c", "qa!"],
        check=True,
        timeout=60,
    )
    assert (PLUGIN / "doc" / "tags").read_text() == (doc / "tags").read_text(), (
        "clients/neovim/doc/tags is out of date: run"
        " `nvim --headless --clean -c 'helptags clients/neovim/doc' -c q`"
    )


@pytest.mark.parametrize("version", ["0.12"])  # the snippet's ghost text is 0.12's built-in
def test_the_readme_snippet_guards_the_builtin_and_its_key_falls_back(
    plain: Editor, demo: Path, fake: FakeCodestral
) -> None:
    plain.edit(demo)
    plain.nvim.input("o    ")
    plain.wait_ghost("return a + b")
    fake.hold_after(0)
    try:
        plain.nvim.input("rez")
        wait_for(lambda: plain.lines()[1] == "    rez", what="the typed text")
        wait_for(lambda: plain.ghost() is None, what="the stale ghost text to go")
        assert fake.wait_for_held(1, timeout=30), "the request for `rez` did not reach the provider"
        plain.nvim.input("<M-l>")
        wait_for(lambda: plain.mode() == "n", what="<M-l> to do what it does unmapped")
        assert plain.lines() == ["def add(a, b):", "    rez"]
    finally:
        fake.release()
    plain.nvim.input("S    ")
    plain.wait_ghost("return a + b")
    plain.nvim.input("<M-l>")
    wait_for(lambda: plain.lines()[1] == "    return a + b", what="the accepted suggestion")
    assert plain.mode() == "i"


@pytest.mark.parametrize("version", ["0.12"])
def test_without_the_plugins_request_key_manual_mode_shows_nothing(
    plain: Editor, demo: Path, fake: FakeCodestral
) -> None:
    """The README says so: the built-in asks only as Automatic, which manual mode answers empty."""
    plain.lua(
        """
        vim.lsp.config('fim_lsp', { settings = { fimLsp = { triggerMode = 'manual' } } })
        vim.api.nvim_create_autocmd('LspRequest', { callback = function(args)
          local r = args.data.request
          if r and r.method == 'textDocument/inlineCompletion' and r.type == 'complete' then
            vim.g.fim_test_answered = (vim.g.fim_test_answered or 0) + 1
          end
        end })
        """
    )
    plain.edit(demo)
    plain.nvim.input("o    ")
    wait_for(lambda: plain.last_answered() > 0, what="the built-in's request to be answered")
    assert plain.ghost() is None
    assert fake.requests == [], "the built-in's Automatic request reached the provider"


@pytest.mark.parametrize(
    "suggestion",
    ["total = a + b\n    return total", "cost = f'${a}' + '\\\\'\n    if x:\n        y()"],
)
def test_neovims_own_completion_without_the_plugin_inserts_the_whole_suggestion(
    version: str,
    fake: FakeCodestral,
    demo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    suggestion: str,
) -> None:
    fake.completion = suggestion
    nvim = start(version, None, tmp_path, fake, monkeypatch)
    try:
        nvim.exec_lua(
            """
            vim.lsp.config('fim_lsp', { cmd = ..., root_markers = { '.git' } })
            vim.lsp.enable('fim_lsp')
            vim.o.completeopt = 'menuone,noinsert'
            vim.api.nvim_create_autocmd('LspAttach', { callback = function(args)
              vim.lsp.completion.enable(true, args.data.client_id, args.buf)
            end })
            """,
            SERVER,
        )
        nvim.command(f"edit {demo}")
        nvim.command("setlocal indentexpr= noautoindent nosmartindent")
        wait_for(
            lambda: nvim.exec_lua("return #vim.lsp.get_clients({ bufnr = 0 }) > 0"),
            what="the server to attach",
        )
        assert nvim.exec_lua("return package.loaded['fim_lsp'] == nil")  # no plugin
        nvim.input("o    <C-x><C-o>")
        wait_for(
            lambda: nvim.exec_lua("return vim.fn.complete_info({'pum_visible'}).pum_visible == 1"),
            what="the completion menu",
            timeout=30,
        )
        nvim.input("<C-y>")
        expected = ["def add(a, b):", *("    " + suggestion).split("\n")]
        wait_for(
            lambda: nvim.current.buffer[:] == expected, what=f"the whole suggestion {expected}"
        )
        assert tuple(nvim.current.window.cursor) == (len(expected), len(expected[-1]))
    finally:
        nvim.exec_lua(
            "for _, c in ipairs(vim.lsp.get_clients()) do c:stop(true) end"
            " vim.wait(2000, function() return #vim.lsp.get_clients() == 0 end)"
        )
        nvim.close()
