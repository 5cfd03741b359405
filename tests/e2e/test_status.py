"""The `fimLsp/status` notification: ready, busy while streaming, errors with their message, inactive."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from bench.fakes.codestral import FakeCodestral
from tests.e2e.conftest import STATUSES, Start, inline, open_document, server_env, wait_for


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
