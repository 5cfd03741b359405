"""The README stays true: its commands exist (its settings table: test_settings_copies)."""

import os
import re
import subprocess
from pathlib import Path

from fim_lsp.cli import _parser

ROOT = Path(__file__).parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_commands_are_shown_and_executable() -> None:
    blocks = [block.strip() for block in re.findall(r"```sh\n(.*?)```", README, flags=re.S)]
    assert blocks == ["./tools/run.sh", "./tools/test.sh --fast", "./tools/test.sh"]
    for command in blocks:
        assert os.access(ROOT / command.split()[0], os.X_OK), f"{command} is not executable"
    # CI runs the full suite, which runs --fast's own steps first
    assert "exec ./tools/test.sh\n" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_test_command_takes_the_options_the_readme_shows() -> None:
    shown = subprocess.run(
        [ROOT / "tools" / "test.sh", "--fast", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert shown.returncode == 0, f"tools/test.sh --fast --help failed: {shown.stderr}"
    assert "./tools/test.sh --fast" in shown.stdout, f"--fast is not in its help:\n{shown.stdout}"


def test_every_fim_lsp_subcommand_in_the_readme_exists() -> None:
    commands = _parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name in re.findall(r"`fim-lsp ([a-z]+)", README):
        assert name in commands, name
