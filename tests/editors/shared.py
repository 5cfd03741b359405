"""What the Emacs, Helix and Vim tests share: the configurations docs/editors.md shows as tested
(read out of it, so the tests run exactly those), the `fim-lsp` command they name, the isolated
environment the editor and the server run in, and polling with a clear failure."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from bench.fakes.env import server_env
from bench.fakes.http import FakeServer

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs" / "editors.md"
T = TypeVar("T")


def snippet(name: str) -> str:
    """The code block that follows `<!-- snippet: name -->` in docs/editors.md."""
    text = DOCS.read_text(encoding="utf-8")
    found = re.findall(
        rf"^<!-- snippet: {re.escape(name)} -->\n```[a-z]*\n(.*?)^```$", text, flags=re.M | re.S
    )
    assert len(found) == 1, f"docs/editors.md needs exactly one snippet {name!r}, has {len(found)}"
    return str(found[0])


def snippet_names() -> list[str]:
    """Every snippet docs/editors.md marks as tested."""
    return re.findall(r"^<!-- snippet: ([a-z0-9-]+) -->$", DOCS.read_text(encoding="utf-8"), re.M)


def editor_env(fake: FakeServer, tmp_path: Path) -> dict[str, str]:
    """The environment to start an editor in: the server's test environment (no real keys or
    settings, the fake's address and key), HOME and XDG folders inside `tmp_path`, and a `fim-lsp`
    command first on PATH that runs this checkout's server (`python -m fim_lsp`)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    command = bin_dir / "fim-lsp"
    command.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m fim_lsp "$@"\n')
    command.chmod(0o755)
    env = server_env(fake)
    env["PATH"] = f"{bin_dir}:{env.get('PATH', '/usr/bin:/bin')}"
    env["HOME"] = str(tmp_path / "home")
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[name] = str(tmp_path / name)
    for folder in ("home", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        (tmp_path / folder).mkdir(exist_ok=True)
    return env


def wait_for(
    probe: Callable[[], T],
    what: str,
    timeout: float = 10.0,
    explain: Callable[[], str] = lambda: "",
) -> T:
    """Poll `probe` until it returns something truthy; after `timeout` seconds fail naming `what`
    and adding `explain()` (e.g. the editor's screen)."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})\n{explain()}")


def after_ret(prompt: str, suffix: str) -> str:
    """The model's middle: the rest of `return a + b` once `ret` is typed."""
    return "urn a + b" if prompt.endswith("ret") else "return a + b"
