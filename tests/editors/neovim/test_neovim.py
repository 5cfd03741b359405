"""Ghost text, accepting all / a word / a line, typing through, escape and health, in real Neovim."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.fakes.codestral import FakeCodestral
from tests.editors.neovim.conftest import SERVER, Editor, wait_for


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.py"
    path.write_text("def add(a, b):\n")
    return path


def test_ghost_text_appears_at_the_cursor_and_accept_all(editor: Editor, demo: Path) -> None:
    editor.edit(demo)
    editor.nvim.input("o    ")
    ghost = editor.wait_ghost("return a + b")
    assert (ghost.row, ghost.col) == (1, 4) == editor.cursor()
    assert editor.lines() == ["def add(a, b):", "    "]  # ghost text is not in the buffer
    editor.nvim.input("<M-l>")
    wait_for(lambda: editor.lines()[1] == "    return a + b", what="the accepted line")
    assert editor.lines() == ["def add(a, b):", "    return a + b"]
    assert editor.cursor() == (1, 16)
    assert editor.mode() == "i"


def test_accept_word_then_line_keeps_the_rest_as_ghost_text(
    editor: Editor, demo: Path, fake: FakeCodestral
) -> None:
    fake.completion = "total = a + b\n    return total"
    editor.edit(demo)
    editor.nvim.input("o    ")
    editor.wait_ghost("total = a + b\n    return total")

    editor.nvim.input("<M-Right>")  # accept word
    wait_for(lambda: editor.lines()[1] == "    total", what="the accepted word")
    ghost = editor.wait_ghost(" = a + b\n    return total", what="the rest after a word")
    assert (ghost.row, ghost.col) == (1, 9) == editor.cursor()

    editor.nvim.input("<M-Down>")  # accept line: the rest of this line
    wait_for(lambda: editor.lines()[1] == "    total = a + b", what="the accepted line")
    ghost = editor.wait_ghost("\n    return total", what="the next line as ghost text")
    assert (ghost.row, ghost.col) == (1, 17) == editor.cursor()
    assert len(editor.lines()) == 2

    editor.nvim.input("<M-Down>")  # accept line: the next line
    wait_for(lambda: len(editor.lines()) == 3, what="the second accepted line")
    assert editor.lines() == ["def add(a, b):", "    total = a + b", "    return total"]
    assert editor.cursor() == (2, 16)


def test_typing_along_the_suggestion_keeps_it_without_asking_the_provider(
    editor: Editor, demo: Path, fake: FakeCodestral
) -> None:
    editor.edit(demo)
    editor.nvim.input("o    ")
    editor.wait_ghost("return a + b")
    sent = len(fake.requests)
    before = editor.last_sent()

    editor.nvim.input("ret")
    ghost = editor.wait_ghost("urn a + b", what="the ghost text after typing along")
    assert (ghost.row, ghost.col) == (1, 7) == editor.cursor()
    # the editor asked the server again, and the server answered from its cache
    wait_for(lambda: editor.last_answered() > before, what="an answer to a request sent after")
    assert editor.wait_ghost("urn a + b").col == 7
    assert len(fake.requests) == sent

    editor.nvim.input("urn a")
    editor.wait_ghost(" + b", what="the ghost text after typing more")
    editor.nvim.input("<M-l>")
    wait_for(lambda: editor.lines()[1] == "    return a + b", what="the accepted rest")


def test_typing_something_else_drops_the_suggestion(
    editor: Editor, demo: Path, fake: FakeCodestral
) -> None:
    fake.completion = lambda prompt, suffix: "yz" if prompt.endswith("x") else "return a + b"
    editor.edit(demo)
    editor.nvim.input("o    ")
    editor.wait_ghost("return a + b")
    editor.nvim.input("x")
    ghost = editor.wait_ghost("yz", what="the suggestion for the new text")
    assert (ghost.row, ghost.col) == (1, 5) == editor.cursor()
    assert editor.lines() == ["def add(a, b):", "    x"]


def test_escape_clears_the_ghost_text(editor: Editor, demo: Path) -> None:
    editor.edit(demo)
    editor.nvim.input("o    ")
    editor.wait_ghost("return a + b")
    editor.nvim.input("<Esc>")
    wait_for(lambda: editor.ghost() is None, what="the ghost text to be cleared")
    assert editor.mode() == "n"
    assert editor.lines() == ["def add(a, b):", "    "]


def test_dismiss_then_request_now(editor: Editor, demo: Path) -> None:
    editor.edit(demo)
    editor.nvim.input("o    ")
    editor.wait_ghost("return a + b")
    editor.nvim.input("<C-]>")
    wait_for(lambda: editor.ghost() is None, what="the dismissed ghost text to go")
    assert editor.mode() == "i"
    editor.nvim.input("<M-\\>")
    editor.wait_ghost("return a + b", what="the requested ghost text")
    assert editor.lines() == ["def add(a, b):", "    "]


def test_completion_menu_offers_the_suggestion(editor: Editor, demo: Path) -> None:
    editor.edit(demo)
    editor.lua(
        "vim.o.completeopt = 'menuone,noinsert'"
        " local c = vim.lsp.get_clients({bufnr = 0, name = 'fim_lsp'})[1]"
        " vim.lsp.completion.enable(true, c.id, 0)"
    )
    editor.nvim.input("o    ")
    editor.wait_ghost("return a + b")  # the menu then comes from the server's cache
    editor.nvim.input("<C-x><C-o>")
    items = wait_for(
        lambda: editor.lua(
            "local i = vim.fn.complete_info({'items', 'pum_visible'})"
            " return i.pum_visible == 1 and vim.tbl_map(function(x) return x.abbr end, i.items)"
        ),
        what="the completion menu",
    )
    assert items == ["return a + b"]
    editor.nvim.input("<C-y>")
    wait_for(lambda: editor.lines()[1] == "    return a + b", what="the completed line")


@pytest.mark.parametrize("with_key", [False])
def test_checkhealth_reports_a_missing_key(editor: Editor, demo: Path) -> None:
    editor.edit(demo)
    editor.nvim.command("checkhealth fim_lsp")
    report = "\n".join(editor.lines())
    # the default provider is auto, which falls back to a local Ollama: a warning, not an error
    assert "MISTRAL_API_KEY is not set, nor CODESTRAL_API_KEY" in report
    assert "WARNING" in report
    assert "server executable found" in report
    assert "client" in report


def test_checkhealth_with_key_and_status_command(editor: Editor, demo: Path) -> None:
    editor.edit(demo)
    status_now = "return vim.api.nvim_exec2('FimLsp status', {output = true}).output"
    # the server's own first status must be in before ours, or it would overwrite ours
    wait_for(lambda: "status normal: ready" in editor.lua(status_now), what="the server's status")
    # what the server's fimLsp/status notification would carry
    editor.lua(
        "local c = vim.lsp.get_clients({bufnr = 0, name = 'fim_lsp'})[1]"
        " c.handlers['fimLsp/status'](nil,"
        " {kind = 'error', busy = false, message = 'the key was rejected'}, {client_id = c.id})"
    )
    status = editor.lua(status_now)
    assert "server: fim_lsp" in status
    assert "error: the key was rejected" in status
    editor.nvim.command("checkhealth fim_lsp")
    report = "\n".join(editor.lines())
    assert "MISTRAL_API_KEY is set" in report
    assert "fake-test-key" not in report
    # the user's buffer, not the report's; the problem once, as an error only
    [client] = [line for line in report.split("\n") if "client " in line]
    assert f"attached to {demo}; server reports: the key was rejected" in client
    assert client.lstrip().startswith(("- ERROR", "- ❌ ERROR")), client
    assert report.count("the key was rejected") == 1


def test_setup_rejects_bad_options_with_clear_errors(editor: Editor) -> None:
    def error_of(opts: str) -> str:
        return str(
            editor.lua(f"local ok, err = pcall(require('fim_lsp').setup, {opts}) return err")
        )

    assert error_of("{keys = {accept = 1}}").startswith("fim_lsp.setup: keys.accept")
    assert error_of("{keys = {next = ''}}").startswith("fim_lsp.setup: keys.next")
    assert "unknown option colour" in error_of("{colour = 'red'}")
    assert "never a setting" in error_of("{settings = {apiKey = 'x'}}")


def test_keys_the_user_mapped_are_left_alone(editor: Editor, demo: Path) -> None:
    editor.lua("vim.keymap.set('i', '<M-l>', 'MINE')")
    editor.lua("require('fim_lsp').setup({ cmd = ... })", SERVER)
    assert editor.lua("return vim.fn.maparg('<M-l>', 'i')") == "MINE"
    assert "fim-lsp" in editor.lua("return vim.fn.maparg('<M-Right>', 'i', false, true).desc")
    editor.edit(demo)
    editor.nvim.input("o    ")
    editor.wait_ghost("return a + b")
    editor.nvim.input("<M-l>")
    wait_for(lambda: editor.lines()[1].startswith("    MINE"), what="the user's own mapping")
    editor.nvim.command("checkhealth fim_lsp")
    assert "<M-l> (accept)" in "\n".join(editor.lines())


def test_toggle_turns_ghost_text_off_and_on(editor: Editor, demo: Path) -> None:
    editor.edit(demo)
    editor.nvim.command("FimLsp toggle")
    assert "ghost text: off" in editor.lua(
        "return vim.api.nvim_exec2('FimLsp status', {output = true}).output"
    )
    editor.nvim.input("o    <M-\\>x<Esc>")
    wait_for(lambda: editor.mode() == "n", what="the typing to be done")
    assert editor.lines() == ["def add(a, b):", "    x"]
    assert editor.last_sent() == 0  # while off, nothing was asked
    editor.nvim.command("FimLsp toggle")
    editor.nvim.input("S    ")
    editor.wait_ghost("return a + b", what="ghost text after toggling back on")


def test_restart_starts_a_new_server(editor: Editor, demo: Path) -> None:
    editor.edit(demo)
    first = editor.lua("return vim.tbl_map(function(c) return c.id end, vim.lsp.get_clients())")
    assert len(first) == 1  # one server for all buffers, none for [No Name]
    editor.nvim.command("FimLsp restart")
    wait_for(
        lambda: editor.lua(
            "local c = vim.lsp.get_clients({bufnr = 0, name = 'fim_lsp'})[1]"
            " return c ~= nil and c.initialized == true and c.id ~= ...",
            first[0],
        ),
        what="a new fim_lsp client",
    )
    editor.wait_ready()
    editor.nvim.input("o    ")
    editor.wait_ghost("return a + b", what="ghost text from the new server")


def test_log_shows_the_servers_own_levels(editor: Editor, demo: Path) -> None:
    editor.edit(demo)
    log = "local f = io.open(vim.lsp.log.get_filename()) local t = f:read('*a') f:close() return t"
    wait_for(
        lambda: " INFO fim_lsp.lsp.server: client " in editor.lua(log), what="the server's log"
    )
    editor.nvim.command("FimLsp log")
    assert editor.lua("return vim.api.nvim_buf_get_name(0)") == "fim-lsp://log"
    lines = [line for line in editor.lines() if "fim_lsp.lsp.server: client" in line]
    assert lines and all(line.startswith("[INFO][") for line in lines), lines
    assert "[ERROR]" not in "\n".join(line for line in editor.lines() if " INFO fim_lsp" in line)


@pytest.mark.parametrize("with_key", [False])
def test_checkhealth_says_a_missing_key_once(editor: Editor, demo: Path) -> None:
    editor.lua(
        "require('fim_lsp').setup({ cmd = ..., settings = { provider = 'mistral' } })", SERVER
    )
    editor.edit(demo)
    editor.nvim.input("ox")
    wait_for(
        lambda: editor.lua(
            "local s = require('fim_lsp.status').by_client[vim.lsp.get_clients()[1].id]"
            " return s ~= nil and s.kind == 'error'"
        ),
        what="the server's error status",
    )
    editor.nvim.input("<Esc>")
    editor.nvim.command("checkhealth fim_lsp")
    report = "\n".join(editor.lines())
    assert "MISTRAL_API_KEY is not set: provider mistral needs it" in report
    assert report.count("MISTRAL_API_KEY is not set") == 1, report
    assert f"attached to {demo}; server reports the missing key above" in report


def test_status_from_the_server_shows_in_status_and_health(
    editor: Editor, demo: Path, fake: FakeCodestral
) -> None:
    editor.edit(demo)
    fake.fail_next(401)
    editor.nvim.input("o    <M-\\>")

    def status() -> str:
        return str(editor.lua("return vim.api.nvim_exec2('FimLsp status', {output = true}).output"))

    wait_for(lambda: "status error" in status(), what="the server's error status")
    editor.nvim.input("<Esc>")
    editor.nvim.command("checkhealth fim_lsp")
    assert "server reports:" in "\n".join(editor.lines())


def test_accepting_tells_the_server_which_counts_it(editor: Editor, demo: Path) -> None:
    editor.edit(demo)
    editor.nvim.input("o    ")
    editor.wait_ghost("return a + b")
    editor.nvim.input("<M-l>")
    wait_for(lambda: editor.lines()[1] == "    return a + b", what="the accepted line")

    def accepted() -> int:
        stats = editor.lua(
            """
            local client = vim.lsp.get_clients({ name = 'fim_lsp' })[1]
            local answer = client:request_sync('workspace/executeCommand',
              { command = 'fimLsp.stats' }, 2000, 0)
            return answer and answer.result and answer.result.today or vim.NIL
            """
        )
        return int(stats["accepted"]) if stats else 0

    assert wait_for(accepted, what="the server to count the accept") == 1


def _server_stats(editor: Editor) -> dict[str, int]:
    stats = editor.lua(
        """
        local client = vim.lsp.get_clients({ name = 'fim_lsp' })[1]
        local answer = client:request_sync('workspace/executeCommand',
          { command = 'fimLsp.stats' }, 2000, 0)
        return answer and answer.result and answer.result.today or vim.NIL
        """
    )
    return dict(stats) if stats else {}


def test_shown_and_partial_accepts_are_reported_and_fimlsp_stats_shows_them(
    editor: Editor, demo: Path, fake: FakeCodestral
) -> None:
    whole = "total = a + b  # é\n    return total"
    fake.completion = whole
    editor.edit(demo)
    editor.nvim.input("o    ")
    editor.wait_ghost(whole)
    wait_for(lambda: _server_stats(editor).get("shown", 0) >= 1, what="the server to count a show")

    editor.nvim.input("<M-Down>")  # accept line: the first line, é is two bytes in UTF-8
    wait_for(lambda: editor.lines()[1] == "    total = a + b  # é", what="the accepted line")
    counted = wait_for(
        lambda: (s := _server_stats(editor)).get("partially_accepted") == 1 and s,
        what="the server to count the partial accept",
    )
    assert counted["chars_accepted"] == len("total = a + b  # é")  # characters, not bytes

    editor.nvim.input("<M-l>")  # accept the rest
    wait_for(lambda: len(editor.lines()) == 3, what="the accepted rest")
    counted = wait_for(
        lambda: (s := _server_stats(editor)).get("accepted") == 1 and s,
        what="the server to count the whole accept",
    )
    assert counted["chars_accepted"] == len(whole)
    assert counted["partially_accepted"] == 1

    editor.nvim.command("stopinsert")
    editor.nvim.command("FimLsp stats")
    wait_for(
        lambda: editor.nvim.current.buffer.name == "fim-lsp://fimLsp.stats",
        what="the statistics window",
    )
    rows = {line[:32].strip(): line[32:].split() for line in editor.lines()[2:]}
    assert rows["accepted whole"][0] == "1" and rows["accepted in part"][0] == "1"

    editor.nvim.command("FimLsp last")
    wait_for(
        lambda: editor.nvim.current.buffer.name == "fim-lsp://fimLsp.lastRequest",
        what="the prompt inspector window",
    )
    text = "\n".join(editor.lines())
    assert "=== prompt (before the cursor) ===\n" in text
    assert fake.last_body()["prompt"] in text


def test_the_builtin_adapter_is_guarded_and_answers_the_ghost_texts_calls(editor: Editor) -> None:
    """builtin.lua holds everything that relies on 0.12's internals: on 0.11 it defines nothing
    but `available`; on 0.12 it answers the calls init.lua makes of ghost.lua."""
    modules = editor.lua(
        """
        local function calls(module)
          local names = {}
          for name, value in pairs(module) do
            if type(value) == 'function' then names[#names + 1] = name end
          end
          table.sort(names)
          return names
        end
        local builtin = require('fim_lsp.builtin')
        return {builtin.available, calls(builtin), calls(require('fim_lsp.ghost'))}
        """
    )
    available, builtin_calls, ghost_calls = modules
    shared = [
        *("accept", "attach", "current", "detach", "dismiss", "enable", "ready", "request"),
        "select",
    ]
    assert available is editor.builtin
    assert builtin_calls == (sorted([*shared, "guard"]) if editor.builtin else [])
    assert set(shared) <= set(ghost_calls)
