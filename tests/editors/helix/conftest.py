"""Real Helix (from Debian trixie, tools/install-helix.sh) in tmux, with the languages.toml
docs/editors.md shows, against the real server and the fake Codestral."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.fakes.codestral import FakeCodestral
from tests.editors.shared import REPO, editor_env, snippet, wait_for
from tests.editors.tmux import TerminalEditor, terminal

ROOT = REPO / ".cache" / "helix" / "root" / "usr"
INSTALL = "bash tools/install-helix.sh .cache/helix"


def helix_binary() -> tuple[str, dict[str, str]]:
    """Helix (HELIX, else the one tools/install-helix.sh installs) and the environment it needs;
    a missing one fails the test (CI installs it)."""
    path = os.environ.get("HELIX") or str(ROOT / "bin" / "hx")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail(f"Helix not found at {path}: set HELIX or `{INSTALL}`", pytrace=False)
    runtime = {} if os.environ.get("HELIX") else {"HELIX_RUNTIME": str(ROOT / "lib/hx/runtime")}
    return path, runtime


class Helix(TerminalEditor):
    """Helix editing one file in tmux."""

    def wait_ready(self) -> None:
        """Wait until fim-lsp has started: Helix lists its commands (`:lsp-workspace-command`)."""

        def listed() -> bool:
            self.term.send(":lsp-workspace-command", "Enter")
            try:
                self.term.wait_screen(lambda s: "fimLsp.stats" in s, "the command list", 1.0)
            except pytest.fail.Exception:
                self.term.send("Escape")
                self.term.settle()
                return False
            return True

        wait_for(listed, "fim-lsp's commands in Helix", explain=self.term.explain)
        self.term.send("Escape")
        self.term.wait_screen(lambda s: "fimLsp.stats" not in s, "the command list to close")


@pytest.fixture
def helix(fake: FakeCodestral, tmp_path: Path) -> Iterator[Helix]:
    binary, runtime = helix_binary()
    env = dict(editor_env(fake, tmp_path), **runtime)
    config = Path(env["XDG_CONFIG_HOME"]) / "helix" / "languages.toml"
    config.parent.mkdir(parents=True)
    config.write_text(snippet("helix"))
    project = tmp_path / "project"
    project.mkdir()
    demo = project / "demo.py"
    demo.write_text("def add(a, b):\n    \n")
    with terminal([binary, str(demo)], env, project, width=80, height=12) as term:
        term.wait_screen(lambda s: "NOR" in s and "demo.py" in s, "Helix to open demo.py")
        editor = Helix(term, demo)
        editor.wait_ready()
        yield editor
