"""The README stays true: its two commands exist (its settings table: test_settings_copies)."""

import os
import re
from pathlib import Path

from fim_lsp.cli import _parser

ROOT = Path(__file__).parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_two_commands_are_shown_and_executable() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    assert [block.strip() for block in blocks] == ["./tools/run.sh", "./tools/test.sh"]
    for command in blocks:
        assert os.access(ROOT / command.strip(), os.X_OK)
    assert "exec ./tools/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_fim_lsp_subcommand_in_the_readme_exists() -> None:
    commands = _parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name in re.findall(r"`fim-lsp ([a-z]+)", README):
        assert name in commands, name
