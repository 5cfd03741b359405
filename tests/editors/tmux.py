"""A terminal editor running in its own tmux server: real keys in, the screen as the user sees it out."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.editors.shared import wait_for


class Terminal:
    """One tmux server (own socket, no user configuration) running one command in one window."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        if done.returncode != 0:
            pytest.fail(f"tmux {' '.join(args)} failed: {done.stderr.strip()}\n{self.explain()}")
        return done.stdout

    def send(self, *keys: str) -> None:
        """Press keys: tmux key names ("Escape", "C-x", "Enter") or text typed as is."""
        for key in keys:
            self.tmux("send-keys", "-t", "fim", key)

    def type(self, text: str) -> None:
        """Type `text` literally (no key-name lookup)."""
        self.tmux("send-keys", "-t", "fim", "-l", text)

    def screen(self) -> str:
        """What the terminal shows now, one line per row, trailing blanks removed."""
        lines = self.tmux("capture-pane", "-t", "fim", "-p").split("\n")
        return "\n".join(line.rstrip() for line in lines).rstrip("\n")

    def explain(self) -> str:
        try:
            done = subprocess.run(
                ["tmux", "-L", self.socket, "capture-pane", "-t", "fim", "-p"],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return "(tmux did not answer)"
        return f"screen:\n{done.stdout.rstrip()}" if done.returncode == 0 else "(no screen)"

    def wait_screen(self, check: Callable[[str], bool], what: str, timeout: float = 10.0) -> str:
        """Wait until the screen passes `check`; fail naming `what` and showing the screen."""
        return wait_for(
            lambda: (lambda shown: shown if check(shown) else "")(self.screen()),
            what,
            timeout=timeout,
            explain=self.explain,
        )

    def settle(self, seconds: float = 0.15) -> None:
        """Let the editor read the keys sent so far before the next ones, so that Escape and the
        key after it are not read together as one Alt key."""
        time.sleep(seconds)


class TerminalEditor:
    """An editor in tmux editing one file, which `:w` writes (Vim and Helix alike)."""

    def __init__(self, term: Terminal, file: Path) -> None:
        self.term = term
        self.file = file

    def save_and_read(self) -> str:
        """Leave insert mode, write the file (`:w`) and read what the editor wrote."""
        self.term.send("Escape")
        self.term.settle()
        self.term.send(":w", "Enter")
        self.term.wait_screen(lambda s: "written" in s, "the file to be written")
        return self.file.read_text()


@contextmanager
def terminal(
    argv: list[str], env: dict[str, str], cwd: Path, width: int = 80, height: int = 12
) -> Iterator[Terminal]:
    """Start `argv` in a new tmux server of its own; stop that server (and the editor) at the end."""
    if shutil.which("tmux") is None:
        pytest.fail("tmux not found: `apt-get install tmux`", pytrace=False)
    term = Terminal(f"fim-test-{uuid.uuid4().hex[:12]}")
    subprocess.run(
        [
            *("tmux", "-L", term.socket, "-f", "/dev/null", "new-session", "-d", "-s", "fim"),
            *("-x", str(width), "-y", str(height), "-c", str(cwd)),
            *argv,
        ],
        env=dict(env, TERM="xterm-256color", LC_ALL="C.UTF-8"),
        check=True,
        timeout=10,
    )
    try:
        term.tmux("set-option", "-t", "fim", "remain-on-exit", "on")  # a crash stays readable
        yield term
    finally:
        subprocess.run(
            ["tmux", "-L", term.socket, "kill-server"], capture_output=True, timeout=10, check=False
        )
        # tmux leaves its socket file behind: remove it (where `-L` puts it)
        folder = Path(os.environ.get("TMUX_TMPDIR", "/tmp")) / f"tmux-{os.getuid()}"
        (folder / term.socket).unlink(missing_ok=True)
