"""Settings reach the server from initializationOptions, workspace/configuration and didChangeConfiguration."""

from __future__ import annotations

import asyncio
from typing import Any

from lsprotocol import types
from pytest_lsp import LanguageClient

from bench.fakes.codestral import FakeCodestral
from tests.e2e.conftest import Start, inline, open_document, server_env

SOURCE = "x = \n"


async def _body_when(
    client: LanguageClient, fake: FakeCodestral, uri: str, check: Any
) -> dict[str, Any]:
    """Request until the provider sees a body that passes `check` (settings apply asynchronously)."""
    deadline = asyncio.get_running_loop().time() + 5.0
    while True:
        await inline(client, uri, 0, 4)
        body: dict[str, Any] = fake.last_body()
        if check(body) or asyncio.get_running_loop().time() > deadline:
            return body
        await asyncio.sleep(0.05)


async def test_initialization_options(start: Start, fake: FakeCodestral) -> None:
    client = await start(
        initialization_options={"fimLsp": {"model": "codestral-2508", "maxTokens": 24}}
    )
    uri = open_document(client, SOURCE)
    await inline(client, uri, 0, 4)
    body = fake.last_body()
    assert (body["model"], body["max_tokens"]) == ("codestral-2508", 24)


async def test_workspace_configuration_is_pulled(start: Start, fake: FakeCodestral) -> None:
    client = await start(configuration={"maxTokens": 17, "stop": ["\n\n"], "topP": 0.9})
    uri = open_document(client, SOURCE)
    body = await _body_when(client, fake, uri, lambda b: b.get("max_tokens") == 17)
    assert body["max_tokens"] == 17
    assert body["stop"] == ["\n\n"]
    assert body["top_p"] == 0.9


async def test_did_change_configuration_with_settings(start: Start, fake: FakeCodestral) -> None:
    client = await start()
    uri = open_document(client, SOURCE)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"fimLsp": {"temperature": 0.3}})
    )
    body = await _body_when(client, fake, uri, lambda b: b.get("temperature") == 0.3)
    assert body["temperature"] == 0.3


async def test_did_change_configuration_without_settings_pulls_again(
    start: Start, fake: FakeCodestral
) -> None:
    client = await start(configuration={"model": "codestral-2501"})
    uri = open_document(client, SOURCE)
    await _body_when(client, fake, uri, lambda b: b["model"] == "codestral-2501")
    client.set_configuration({"model": "codestral-2508"}, section="fimLsp")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    body = await _body_when(client, fake, uri, lambda b: b["model"] == "codestral-2508")
    assert body["model"] == "codestral-2508"


async def test_invalid_setting_keeps_the_default_and_is_told_once(
    start: Start, fake: FakeCodestral
) -> None:
    client = await start(initialization_options={"fimLsp": {"maxTokens": "lots"}})
    uri = open_document(client, SOURCE)
    await inline(client, uri, 0, 4)
    assert fake.last_body()["max_tokens"] == 128
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"fimLsp": {"model": "codestral-2508"}})
    )
    await _body_when(client, fake, uri, lambda b: b["model"] == "codestral-2508")
    messages = [m.message for m in client.messages]
    assert len(messages) == 1, messages
    assert "fimLsp.maxTokens" in messages[0]
    assert "'lots'" in messages[0]
    assert "using 128" in messages[0]


async def test_enable_false_sends_nothing(start: Start, fake: FakeCodestral) -> None:
    client = await start(initialization_options={"enable": False})
    uri = open_document(client, SOURCE)
    result = await inline(client, uri, 0, 4)
    assert isinstance(result, types.InlineCompletionList) and result.items == ()
    assert fake.requests == []


async def test_min_tokens_never_exceeds_max_tokens(start: Start, fake: FakeCodestral) -> None:
    """A one-line request asks for at most 64 tokens: minTokens 100 must not ask for more."""
    client = await start(env=server_env(fake, FIM_LSP_MIN_TOKENS="100"))
    uri = open_document(client, "x = total + 1\n")
    await inline(client, uri, 0, 4, invoked=True)  # mid-line: one line
    one_line = fake.last_body()
    block_uri = open_document(client, "def f():\n    \n", "file:///work/b.py")
    await inline(client, block_uri, 1, 4, invoked=True)
    block = fake.last_body()
    assert (one_line["max_tokens"], one_line["min_tokens"]) == (64, 64)
    assert (block["max_tokens"], block["min_tokens"]) == (128, 100)
