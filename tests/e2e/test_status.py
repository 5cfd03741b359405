"""The `fimLsp/status` notification: ready, busy while streaming, errors with their message, inactive;
what is missing, at start."""

from __future__ import annotations

import asyncio
import subprocess
import sys

from lsprotocol import types
from pytest_lsp import LanguageClient

from bench.fakes.codestral import FakeCodestral
from tests.e2e.conftest import (
    STATUSES,
    Start,
    change,
    inline,
    open_document,
    server_env,
    wait_for,
)


async def test_ready_then_busy_then_ready(start: Start, fake: FakeCodestral) -> None:
    client = await start()
    statuses = STATUSES[client]
    assert await wait_for(lambda: len(statuses) >= 1)
    assert statuses[0] == {"kind": "normal", "busy": False, "message": "ready"}
    fake.first_token_delay = 0.3  # busy shows only for streams that take a while
    uri = open_document(client, "x = \n")
    await inline(client, uri, 0, 4)
    assert await wait_for(lambda: len(statuses) >= 3)
    assert statuses[1:3] == [
        {"kind": "normal", "busy": True, "message": "ready"},
        {"kind": "normal", "busy": False, "message": "ready"},
    ]


async def test_rejected_key_is_an_error_until_it_works_again(
    start: Start, fake: FakeCodestral
) -> None:
    client = await start(env=server_env(fake, MISTRAL_API_KEY="fake-wrong-key"))
    statuses = STATUSES[client]
    uri = open_document(client, "x = \n")
    await inline(client, uri, 0, 4)
    assert await wait_for(lambda: any(s["kind"] == "error" for s in statuses))
    error = next(s for s in statuses if s["kind"] == "error")
    assert "MISTRAL_API_KEY was rejected" in error["message"]
    assert "fake-wrong-key" not in error["message"]


async def test_fast_answers_do_not_flicker(start: Start, fake: FakeCodestral) -> None:
    client = await start()
    statuses = STATUSES[client]
    uri = open_document(client, "x = \n")
    await inline(client, uri, 0, 4)
    await asyncio.sleep(0.3)
    assert statuses == [{"kind": "normal", "busy": False, "message": "ready"}]


async def test_rate_limit_is_a_warning(start: Start, fake: FakeCodestral) -> None:
    client = await start()
    fake.fail_next(429, {"message": "Requests rate limit exceeded"}, {"Retry-After": "9"})
    uri = open_document(client, "x = \n")
    await inline(client, uri, 0, 4)
    statuses = STATUSES[client]
    assert await wait_for(lambda: statuses[-1]["kind"] == "warning" and not statuses[-1]["busy"])
    assert "rate limiting" in statuses[-1]["message"]


async def test_disabled_is_inactive_and_enabling_makes_it_ready(start: Start) -> None:
    client = await start(initialization_options={"fimLsp": {"enable": False}})
    statuses = STATUSES[client]
    assert await wait_for(lambda: len(statuses) >= 1)
    assert statuses[0]["kind"] == "inactive"
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"fimLsp": {"enable": True}})
    )
    assert await wait_for(lambda: statuses[-1]["kind"] == "normal")


# ------------------------------------------------------------------- what is missing, at start


def _checked(env: dict[str, str]) -> str:
    """What `fim-lsp check` says is wrong with the set-up `env` gives (its one-line reason)."""
    done = subprocess.run(
        [sys.executable, "-m", "fim_lsp", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, f"check found nothing wrong: {done.stdout}"
    return done.stderr.strip()


def _nothing_set_up(fake: FakeCodestral) -> dict[str, str]:
    """No key, and `auto` looks for Ollama where nothing listens (the fake is no Ollama)."""
    env = server_env(fake)
    for name in ("MISTRAL_API_KEY", "FIM_LSP_BASE_URL"):
        env.pop(name)
    assert env["OLLAMA_HOST"].startswith("http://127.0.0.1:")
    return env


async def _type(client: LanguageClient, uri: str, text: str) -> None:
    """Type `text` at the end of line 0 a key at a time, asking for a suggestion after each key
    as an editor does."""
    for version, key in enumerate(text, start=2):
        column = len("x = ") + version - 2
        change(client, uri, version, key, (0, column), (0, column))
        assert await inline(client, uri, 0, column + 1, invoked=False) is not None


async def test_nothing_set_up_is_told_at_start_once_in_check_s_words(
    start: Start, fake: FakeCodestral
) -> None:
    env = _nothing_set_up(fake)
    client = await start(env=env)
    statuses = STATUSES[client]
    assert await wait_for(lambda: any(s["kind"] == "error" for s in statuses), 30), statuses
    told = _checked(env)
    assert "no provider is set up" in told
    assert statuses == [
        {"kind": "normal", "busy": True, "message": "looking for a provider"},
        {
            "kind": "error",
            "busy": False,
            "message": told.removeprefix("fim-lsp: "),
            "code": "missingKey",  # for clients that offer their own way to set a key
            "provider": "auto",
            "keyVariable": "MISTRAL_API_KEY",
        },
    ], "the status at start must say what is missing, not 'ready'"
    assert await wait_for(lambda: len(client.messages) == 1)
    assert client.messages[0].message == told
    uri = open_document(client, "x = \n")
    await _type(client, uri, "total")
    await asyncio.sleep(0.5)  # any status or message a keystroke would cause has come by now
    assert len(statuses) == 2, f"{len(statuses) - 2} statuses more while typing: {statuses[2:4]}"
    assert [m.message for m in client.messages] == [told], "the warning must come once"
    assert fake.requests == []


async def test_a_missing_key_is_told_at_start_and_ends_when_settings_name_a_set_up_provider(
    start: Start, fake: FakeCodestral
) -> None:
    env = server_env(fake, FIM_LSP_PROVIDER="mistral", CODESTRAL_API_KEY=fake.api_key)
    env.pop("MISTRAL_API_KEY")
    client = await start(env=env)
    statuses = STATUSES[client]
    assert await wait_for(lambda: len(statuses) >= 1)
    told = _checked(env)
    assert told.startswith("fim-lsp: MISTRAL_API_KEY is not set.")
    assert statuses[0] == {
        "kind": "error",
        "busy": False,
        "message": told[len("fim-lsp: ") :],
        "code": "missingKey",
        "provider": "mistral",
        "keyVariable": "MISTRAL_API_KEY",
    }
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"fimLsp": {"provider": "codestral"}})
    )
    assert await wait_for(lambda: statuses[-1]["kind"] == "normal"), statuses
    assert statuses[1:] == [{"kind": "normal", "busy": False, "message": "ready"}]
    uri = open_document(client, "x = \n")
    result = await inline(client, uri, 0, 4)
    assert isinstance(result, types.InlineCompletionList) and len(result.items) == 1
    assert [m.message for m in client.messages] == [told]


async def test_settings_that_come_late_leave_a_not_sent_file_inactive(start: Start) -> None:
    client = await start()
    statuses = STATUSES[client]
    uri = open_document(client, "API_KEY=\n", uri="file:///work/.env", language="dotenv")
    result = await inline(client, uri, 0, 8)
    assert isinstance(result, types.InlineCompletionList) and result.items == ()
    assert await wait_for(lambda: statuses[-1]["kind"] == "inactive"), statuses
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"fimLsp": {"maxTokens": 64}})
    )
    health = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="fimLsp.health")
    )  # answered after the settings were applied
    assert health["status"]["kind"] == "inactive", "new settings do not make .env sendable"
    assert statuses[-1]["kind"] == "inactive", statuses
