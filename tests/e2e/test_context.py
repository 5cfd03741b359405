"""Definitions from the workspace reach the prompt through the real server: from files that are
not open, as they are now (watched changes, saves, added folders, unsaved text), and never from
excluded or git-ignored ones; the prompt inspector says why each went."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from bench.fakes.codestral import FakeCodestral
from tests.e2e.conftest import (
    REGISTRATIONS,
    Start,
    change,
    inline,
    open_document,
    server_env,
    wait_for,
)

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


async def _settled(client: LanguageClient) -> Any:
    """Wait until the index is built and has nothing queued; its health then."""
    await _indexed(client)
    for _ in range(600):
        index = (await _health(client))["workspaceIndex"]
        if index["idle"]:
            return index
        await wait_for(lambda: False, seconds=0.1)
    raise AssertionError(f"the workspace index was still busy after 60 s: {index}")


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


GST = "def compute_gst_for_invoice(amount, province):\n    return amount\n"
GST_USER = "from billing.tax import compute_gst_for_invoice\n\n\ndef total(amount):\n    gst = compute_gs\n"
GST_CURSOR = (4, len("    gst = compute_gs"))


async def _gst_sent(client: LanguageClient, fake: FakeCodestral, where: Path) -> bool:
    """Whether a request from GST_USER, opened as `where`, sends GST's signature."""
    uri = open_document(client, GST_USER, uri=where.as_uri())
    prompt = await _prompt_at(client, fake, uri, *GST_CURSOR)
    return "# def compute_gst_for_invoice(amount, province):" in prompt


def _billing(root: Path) -> Path:
    (root / "billing").mkdir()
    tax = root / "billing" / "tax.py"
    tax.write_text(TAX, encoding="utf-8")
    return tax


async def _prompt_at(
    client: LanguageClient, fake: FakeCodestral, uri: str, line: int, column: int
) -> str:
    asked = len(fake.requests)
    await inline(client, uri, line, column)
    assert len(fake.requests) == asked + 1, "the request did not reach the provider"
    return str(fake.requests[-1].body["prompt"])


async def test_a_watched_file_change_is_read_again(
    start: Start, fake: FakeCodestral, tmp_path: Path
) -> None:
    tax = _billing(tmp_path)
    client = await start(client="visual-studio-code", workspace=tmp_path.as_uri())
    assert await wait_for(lambda: len(REGISTRATIONS[client]) == 1)
    options = REGISTRATIONS[client][0].register_options
    assert isinstance(options, dict)
    code = [w["globPattern"] for w in options["watchers"] if "{" in w["globPattern"]]
    assert len(code) == 1 and ",py," in code[0] and ",go," in code[0] and ",rs," in code[0]
    await _settled(client)

    tax.write_text(GST, encoding="utf-8")  # changed on disk, by git or another program
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=tax.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    await _settled(client)
    assert await _gst_sent(client, fake, tmp_path / "app.py"), (
        "a watched change of a file that is not open did not reach the index"
    )


async def test_a_saved_file_is_read_again(
    start: Start, fake: FakeCodestral, tmp_path: Path
) -> None:
    tax = _billing(tmp_path)
    client = await start(workspace=tmp_path.as_uri())
    await _settled(client)
    saved = open_document(client, TAX, uri=tax.as_uri())
    tax.write_text(GST, encoding="utf-8")  # the editor writes the buffer, says so, closes it
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=saved))
    )
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=saved))
    )
    await _settled(client)
    assert await _gst_sent(client, fake, tmp_path / "app.py"), "a saved file was not read again"


async def test_an_added_workspace_folder_is_indexed(
    start: Start, fake: FakeCodestral, tmp_path: Path
) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "gst.py").write_text(GST, encoding="utf-8")
    client = await start(workspace=(tmp_path / "app").as_uri())
    await _settled(client)
    client.workspace_did_change_workspace_folders(
        types.DidChangeWorkspaceFoldersParams(
            event=types.WorkspaceFoldersChangeEvent(
                added=[types.WorkspaceFolder(uri=(tmp_path / "lib").as_uri(), name="lib")],
                removed=[],
            )
        )
    )
    assert (await _settled(client))["files"] == 1
    assert await _gst_sent(client, fake, tmp_path / "app" / "main.py"), (
        "the definitions of an added workspace folder were not sent"
    )


async def test_a_file_a_changed_gitignore_ignores_is_never_sent(
    start: Start, fake: FakeCodestral, repo: Path
) -> None:
    (repo / "shared").mkdir()
    (repo / "shared" / "rates.py").write_text(SHARED, encoding="utf-8")
    (repo / "filler").mkdir()
    for number in range(2_000):  # a listing long enough for a request to come while it runs
        (repo / "filler" / f"module_{number}.py").write_text(f"VALUE_{number} = 1\n")
    client = await start(
        workspace=repo.as_uri(), env=server_env(fake, FIM_LSP_RESPECT_GITIGNORE="true")
    )
    await _settled(client)
    uri = open_document(client, USER, uri=(repo / "app.py").as_uri())
    typed = "    a = compute_sh"  # each request a character further: none is a cache hit
    assert "# def compute_shared_rate(amount):" in await _prompt_at(
        client, fake, uri, 1, len(typed)
    )

    gitignore = repo / ".gitignore"
    gitignore.write_text("shared/\n", encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=gitignore.as_uri(), type=types.FileChangeType.Created)]
        )
    )
    # at once, while the index is listed again under the new rules, and after
    for column in (len(typed) + 1, len(typed) + 2):
        prompt = await _prompt_at(client, fake, uri, 1, column)
        assert "compute_shared_rate(amount):" not in prompt, (
            "a file the changed .gitignore ignores was sent"
        )
        await _settled(client)


UNSAVED_TAX = "def compute_vat_for_invoice(amount, country, reduced_rate):\n    pass\n"


async def test_an_open_documents_unsaved_text_wins_and_is_vetted_like_its_file(
    start: Start, fake: FakeCodestral, repo: Path
) -> None:
    tax = _billing(repo)
    (repo / ".gitignore").write_text("generated/\n", encoding="utf-8")
    client = await start(
        workspace=repo.as_uri(),
        env=server_env(fake, FIM_LSP_RESPECT_GITIGNORE="true"),
        initialization_options={"exclude": ["private/**"]},
    )
    await _settled(client)
    open_document(client, UNSAVED_TAX, uri=tax.as_uri())  # edited, not saved
    for folder, text in (("generated", IGNORED), ("private", EXCLUDED)):  # new, unsaved files
        open_document(client, text, uri=(repo / folder / "rates.py").as_uri())
    uri = open_document(client, APP, uri=(repo / "app.py").as_uri())
    prompt = await _prompt_at(client, fake, uri, *CURSOR)
    assert "# def compute_vat_for_invoice(amount, country, reduced_rate):" in prompt, (
        "the file on disk was sent instead of the open document's unsaved text"
    )
    assert "compute_vat_for_invoice(amount, country):" not in prompt
    user = open_document(client, USER, uri=(repo / "user.py").as_uri())
    for line, typed in ((4, "    return compute_"), (2, "    b = compute_")):
        prompt = await _prompt_at(client, fake, user, line, len(typed))  # then git has answered
        assert "def compute_ignored_rate" not in prompt, "an ignored open document was sent"
        assert "def compute_private_rate" not in prompt, "an excluded open document was sent"
        assert "MARKER" not in prompt


REOPENED_TAX = "def compute_vat_for_invoice(amount, country, rate_table):\n    pass\n"


@pytest.mark.parametrize("definitions", ["true", "false"])  # the index, or related code alone
async def test_a_document_opened_again_at_the_same_version_is_read_again(
    start: Start, fake: FakeCodestral, repo: Path, definitions: str
) -> None:
    tax = _billing(repo)
    client = await start(
        workspace=repo.as_uri(), env=server_env(fake, FIM_LSP_WORKSPACE_DEFINITIONS=definitions)
    )
    if definitions == "true":
        await _settled(client)
    open_document(client, UNSAVED_TAX, uri=tax.as_uri())  # version 1
    uri = open_document(client, APP, uri=(repo / "app.py").as_uri())
    assert "reduced_rate" in await _prompt_at(client, fake, uri, *CURSOR)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=tax.as_uri())
        )
    )
    open_document(client, REOPENED_TAX, uri=tax.as_uri())  # version 1 again, other text
    change(client, uri, 2, APP + "\n")  # not the cut the cache answered before
    prompt = await _prompt_at(client, fake, uri, *CURSOR)
    assert "compute_vat_for_invoice(amount, country, rate_table):" in prompt, (
        "the text the document had before it was closed was sent, or none"
    )
    assert "reduced_rate" not in prompt


async def test_a_qualified_name_brings_the_definition_from_the_module_it_names(
    start: Start, fake: FakeCodestral, tmp_path: Path
) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("from .utils import run\n", encoding="utf-8")
    (tmp_path / "pkg" / "utils.py").write_text(
        "def run(message, err=False):\n    pass\n", encoding="utf-8"
    )
    (tmp_path / "decoys").mkdir()
    for number in range(30):  # `run` alone names too many definitions to tell anything
        (tmp_path / "decoys" / f"d{number}.py").write_text("def run():\n    pass\n")
    client = await start(workspace=tmp_path.as_uri())
    await _settled(client)
    uri = open_document(client, "import pkg\n\npkg.ru\n", uri=(tmp_path / "app.py").as_uri())
    prompt = await _prompt_at(client, fake, uri, 2, len("pkg.ru"))
    assert "# from pkg/utils.py:\n# def run(message, err=False):\n" in prompt, (
        "the definition `pkg.ru` completes, re-exported by the package, was not sent"
    )
