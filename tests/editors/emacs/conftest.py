"""Real Emacs 30 in batch mode (eglot built in; lsp-mode 10 from tools/install-emacs.sh), loading
the configurations docs/editors.md shows, against the real server and the fake Codestral."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from bench.fakes.codestral import FakeCodestral
from tests.editors.shared import REPO, editor_env, snippet

HARNESS = Path(__file__).with_name("harness.el")
ELPA = REPO / ".cache" / "emacs" / "elpa"
INSTALL = "bash tools/install-emacs.sh .cache/emacs"
TIMEOUT = 120.0  # one whole Emacs run; the harness's own waits fail sooner, with a reason


def emacs_binary() -> str:
    """Emacs 30 or later (EMACS, else `emacs` on PATH); a missing or older one fails the test."""
    path = shutil.which(os.environ.get("EMACS", "emacs"))
    if path is None:
        pytest.fail(f"Emacs not found: set EMACS or install it with `{INSTALL}`", pytrace=False)
    version = subprocess.run(
        [path, "--batch", "-Q", "--eval", "(princ emacs-version)"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    if int(re.match(r"\d+", version or "0").group()) < 30:  # type: ignore[union-attr]
        pytest.fail(f"Emacs {version} at {path} is older than 30: `{INSTALL}`", pytrace=False)
    return path


def elpa_dir() -> Path:
    """The package.el folder with lsp-mode; a missing one fails the test."""
    if not any(ELPA.glob("lsp-mode-*/lsp-inline-completion.elc")):
        pytest.fail(f"lsp-mode not found in {ELPA}: `{INSTALL}`", pytrace=False)
    return ELPA


class Emacs:
    """Runs one batch Emacs per scenario of harness.el, with one configuration and one file."""

    def __init__(self, binary: str, env: dict[str, str], folder: Path) -> None:
        self.binary = binary
        self.env = env
        self.folder = folder

    def run(
        self, config: str, scenario: str, typed: str, text: str = "def add(a, b):\n"
    ) -> dict[str, Any]:
        """Open demo.py holding `text` with the snippet `config` loaded, run `scenario` of
        harness.el typing `typed` at the end, and return what it read back."""
        demo = self.folder / "project" / "demo.py"
        demo.parent.mkdir(exist_ok=True)
        demo.write_text(text)
        init = self.folder / f"{config}.el"
        init.write_text(snippet(config))
        result = self.folder / "result.json"
        result.unlink(missing_ok=True)
        env = dict(
            self.env,
            FIM_TEST_CONFIG=str(init),
            FIM_TEST_FILE=str(demo),
            FIM_TEST_RESULT=str(result),
            FIM_TEST_ELPA=str(elpa_dir()) if config == "emacs-lsp-mode" else "",
        )
        call = f"(fim-test-main {json.dumps(scenario)} {json.dumps(typed)})"
        argv = [self.binary, "--batch", "-Q", "-l", str(HARNESS), "--eval", call]
        try:
            done = subprocess.run(
                argv,
                env=env,
                cwd=demo.parent,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired as stuck:
            stderr = (stuck.stderr or b"").decode(errors="replace")  # bytes, even with text=True
            pytest.fail(
                f"Emacs ({scenario}) still running after {TIMEOUT:.0f} s:\n{stderr[-6000:]}"
            )
        if done.returncode != 0 or not result.exists():
            pytest.fail(f"Emacs ({scenario}) exited {done.returncode}:\n{done.stderr[-6000:]}")
        return dict(json.loads(result.read_text()))


@pytest.fixture
def emacs(fake: FakeCodestral, tmp_path: Path) -> Emacs:
    return Emacs(emacs_binary(), editor_env(fake, tmp_path), tmp_path)
