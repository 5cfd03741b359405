"""Definitions from the workspace reach the prompt through the real server: from files that are
not open, and never from excluded or git-ignored ones; the prompt inspector says why each went."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from bench.fakes.codestral import FakeCodestral
from tests.e2e.conftest import Start, inline, open_document, server_env, wait_for

TAX = '''"""Value added tax."""


def compute_vat_for_invoice(amount, country):
    """The VAT due on `amount` in `country`."""
    return amount * RATES[country]
'''
APP = "from billing.tax import compute_vat_for_invoice\n\n\ndef total(amount):\n    vat = compute_vat\n"
CURSOR = (4, len("    vat = compute_vat"))


async def _health(client: LanguageClient) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="fimLsp.health")
    )


async def _indexed(client: LanguageClient) -> None:
    """Wait (generously: the machine may be busy) until the server's index is built."""
    answers: list[Any] = []

    async def ask() -> None:
        answers.append(await _health(client))

    for _ in range(600):
        await ask()
        index = answers[-1]["workspaceIndex"]
        assert index is not None, "the server has no workspace index although it has a folder"
        if index["built"]:
            return
        await wait_for(lambda: False, seconds=0.1)
    raise AssertionError(f"the workspace index was not built in 60 s: {answers[-1]}")


async def test_a_definition_from_a_file_that_is_not_open_is_sent(
    start: Start, fake: FakeCodestral, tmp_path: Path
) -> None:
    (tmp_path / "billing").mkdir()
    (tmp_path / "billing" / "tax.py").write_text(TAX, encoding="utf-8")
    client = await start(workspace=tmp_path.as_uri())
    await _indexed(client)
    uri = open_document(client, APP, uri=(tmp_path / "app.py").as_uri())
    await inline(client, uri, *CURSOR)
    prompt = str(fake.requests[-1].body["prompt"])
    assert "# from billing/tax.py:\n# def compute_vat_for_invoice(amount, country):\n" in prompt, (
        "the definition of the imported name being typed is not in the prompt"
    )
    assert prompt.index("compute_vat_for_invoice(amount") < prompt.index("def total(amount)")

    inspected = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="fimLsp.lastRequest")
    )
    assert inspected["definitions"] == [
        "billing/tax.py:4 compute_vat_for_invoice (completes 'compute_vat', imported)"
    ]
    assert "=== definitions in the context" in inspected["text"]


async def test_the_setting_off_sends_no_definitions(
    start: Start, fake: FakeCodestral, tmp_path: Path
) -> None:
    (tmp_path / "tax.py").write_text(TAX, encoding="utf-8")
    client = await start(
        workspace=tmp_path.as_uri(),
        env=server_env(fake, FIM_LSP_WORKSPACE_DEFINITIONS="false"),
    )
    uri = open_document(client, APP, uri=(tmp_path / "app.py").as_uri())
    await inline(client, uri, *CURSOR)
    assert "def compute_vat_for_invoice" not in str(fake.requests[-1].body["prompt"])
    assert (await _health(client))["workspaceIndex"] is None


SHARED = "def compute_shared_rate(amount):\n    return amount\n"
IGNORED = "def compute_ignored_rate(amount):\n    return IGNORED_MARKER\n"
EXCLUDED = "def compute_private_rate(amount):\n    return EXCLUDED_MARKER\n"
USER = (
    "def billing(amount):\n"
    "    a = compute_shared_rate(amount)\n"
    "    b = compute_ignored_rate(amount)\n"
    "    c = compute_private_rate(amount)\n"
    "    return compute_\n"
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    subprocess.run(["git", "-C", str(tmp_path), "init", "-q"], check=True, capture_output=True)
    return tmp_path


async def test_excluded_and_ignored_files_definitions_are_never_sent(
    start: Start, fake: FakeCodestral, repo: Path
) -> None:
    tmp_path = repo
    (tmp_path / ".gitignore").write_text("generated/\n", encoding="utf-8")
    for folder, name, text in (
        ("shared", "rates.py", SHARED),
        ("generated", "rates.py", IGNORED),
        ("private", "rates.py", EXCLUDED),
    ):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / name).write_text(text, encoding="utf-8")
    client = await start(
        workspace=tmp_path.as_uri(),
        env=server_env(fake, FIM_LSP_RESPECT_GITIGNORE="true"),
        initialization_options={"exclude": ["private/**"]},
    )
    await _indexed(client)
    uri = open_document(client, USER, uri=(tmp_path / "app.py").as_uri())
    for line, column in ((4, len("    return compute_")), (1, len("    a = compute_sh"))):
        await inline(client, uri, line, column)
    assert len(fake.requests) == 2
    prompts = [str(request.body["prompt"]) for request in fake.requests]
    # the files that may go do: the index works in this very workspace
    assert all("# def compute_shared_rate(amount):" in prompt for prompt in prompts)
    for prompt in prompts:
        assert "def compute_ignored_rate" not in prompt, "a git-ignored file's definition was sent"
        assert "def compute_private_rate" not in prompt, "an excluded file's definition was sent"
        assert "MARKER" not in prompt
