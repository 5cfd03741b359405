"""Real Vim 9 with ALE (Debian packages, tools/install-vim-ale.sh) in tmux, with the vimrc lines
docs/editors.md shows, against the real server and the fake Codestral."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.fakes.codestral import FakeCodestral
from tests.editors.shared import editor_env, snippet
from tests.editors.tmux import TerminalEditor, terminal

INSTALL = "bash tools/install-vim-ale.sh"
ALE = Path("/usr/share/vim-ale/plugin/ale.vim")


def vim_binary() -> str:
    """Vim with +job (VIM, else `vim` on PATH) and Debian's ALE; anything missing fails the test."""
    path = shutil.which(os.environ.get("VIM_BIN", "vim"))
    if path is None:
        pytest.fail(f"Vim not found: set VIM_BIN or `{INSTALL}`", pytrace=False)
    version = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
    if "+job" not in version.stdout:
        pytest.fail(f"{path} has no +job (vim-tiny?): `{INSTALL}`", pytrace=False)
    if not ALE.is_file():
        pytest.fail(f"ALE not found at {ALE.parent.parent}: `{INSTALL}`", pytrace=False)
    return path


class Vim(TerminalEditor):
    """Vim editing one file in tmux."""


@pytest.fixture
def vim(fake: FakeCodestral, tmp_path: Path) -> Iterator[Vim]:
    binary = vim_binary()
    env = editor_env(fake, tmp_path)
    vimrc = Path(env["HOME"]) / ".vimrc"
    vimrc.write_text(snippet("vim-ale"))
    project = tmp_path / "project"
    project.mkdir()
    demo = project / "demo.py"
    demo.write_text("def add(a, b):\n    \n")
    # -i NONE: no viminfo; -n: no swap file
    with terminal([binary, "-i", "NONE", "-n", str(demo)], env, project, 80, 12) as term:
        term.wait_screen(lambda s: s.startswith("def add(a, b):"), "Vim to open demo.py")
        yield Vim(term, demo)
