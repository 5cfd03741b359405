"""Upstream failures end to end: every request answered empty, the user told once, service resumes."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from bench.fakes.codestral import FakeCodestral
from tests.e2e.conftest import Start, inline, open_document, server_env, wait_for

SOURCE = "def add(a, b):\n    \n"


@dataclass
class Failure:
    """How to make the provider fail, and what the user must be told."""

    says: tuple[str, ...]
    arrange: Callable[[FakeCodestral], None] = lambda fake: None
    env: dict[str, str] = field(default_factory=dict)
    drop_env: tuple[str, ...] = ()


def _fail(
    status: int, body: object = None, headers: dict[str, str] | None = None
) -> Callable[[FakeCodestral], None]:
    return lambda fake: fake.fail_next(status, body, headers, count=2)  # type: ignore[arg-type]


def _mode(mode: str, **knobs: float) -> Callable[[FakeCodestral], None]:
    def arrange(fake: FakeCodestral) -> None:
        for name, value in knobs.items():
            setattr(fake, name, value)
        fake.set_mode(mode)  # type: ignore[arg-type]

    return arrange


FAILURES = {
    "missing-key": Failure(
        says=("MISTRAL_API_KEY is not set", "console.mistral.ai"), drop_env=("MISTRAL_API_KEY",)
    ),
    "rejected-key-mistral": Failure(
        says=("key in MISTRAL_API_KEY was rejected", "(401)", "Codestral tab"),
        arrange=_fail(401, {"message": "Unauthorized", "request_id": "x"}),
    ),
    "rejected-key-codestral": Failure(
        says=("key in CODESTRAL_API_KEY was rejected", "(401)", "provider to 'mistral'"),
        arrange=lambda fake: fake.fail_next(401, {"detail": "Unauthorized"}, count=2),
        env={"FIM_LSP_PROVIDER": "codestral", "CODESTRAL_API_KEY": "fake-test-key-0000"},
    ),
    "forbidden": Failure(says=("was rejected", "(403)"), arrange=_fail(403)),
    "rate-limited": Failure(
        says=("rate limiting", "Suggestions pause until", "(30 s)"),
        arrange=_fail(429, {"message": "Requests rate limit exceeded"}, {"Retry-After": "30"}),
    ),
    "unknown-model": Failure(
        says=("does not know the model 'no-such-model'", "fimLsp.model"),
        env={"FIM_LSP_MODEL": "no-such-model"},
    ),
    "unprocessable": Failure(
        says=("rejected the request (422)", "max_tokens", "fimLsp.maxTokens"),
        arrange=_fail(
            422,
            {
                "detail": [
                    {
                        "type": "less_than_equal",
                        "loc": ["body", "max_tokens"],
                        "msg": "Input should be less than or equal to 4096",
                        "input": 99999,
                    }
                ]
            },
        ),
    ),
    "server-error": Failure(
        says=("answered 500", "upstream connect error"),
        arrange=_fail(500, "upstream connect error"),
    ),
    "unavailable": Failure(says=("answered 503",), arrange=_fail(503)),
    "timeout": Failure(
        says=("did not finish within 300 ms", "fimLsp.timeoutMs"),
        arrange=_mode("slow_headers", slow_headers_delay=3.0),
        env={"FIM_LSP_TIMEOUT_MS": "300"},
    ),
    "finish-error": Failure(says=("stopped with an error",), arrange=_mode("finish_error")),
    "dropped-stream": Failure(says=("127.0.0.1",), arrange=_mode("drop")),
    "bad-gateway": Failure(says=("answered 502",), arrange=_fail(502)),
    "rate-limited-ms": Failure(
        says=("rate limiting", "(2 s)"),
        arrange=_fail(429, {"message": "Slow down"}, {"retry-after-ms": "1500"}),
    ),
    "stall-mid-stream": Failure(
        says=("did not finish within 300 ms",),
        arrange=_mode("stall_mid"),
        env={"FIM_LSP_TIMEOUT_MS": "300"},
    ),
    "reset-mid-stream": Failure(says=("closed the connection",), arrange=_mode("reset")),
    "malformed-event": Failure(
        says=("sent a stream event fim-lsp cannot read",), arrange=_mode("malformed")
    ),
    "invalid-utf8": Failure(says=("not valid UTF-8",), arrange=_mode("invalid_utf8")),
    "connection-refused": Failure(
        says=("cannot connect to 127.0.0.1:9", "fimLsp.baseUrl"),
        env={"FIM_LSP_BASE_URL": "http://127.0.0.1:9"},
    ),
}


def _shown(client: LanguageClient) -> list[str]:
    return [message.message for message in client.messages]


@pytest.mark.parametrize("name", sorted(FAILURES))
async def test_failure_is_told_once_and_service_resumes(
    start: Start, fake: FakeCodestral, name: str
) -> None:
    failure = FAILURES[name]
    env = {k: v for k, v in server_env(fake, **failure.env).items() if k not in failure.drop_env}
    client = await start(env=env)
    failure.arrange(fake)
    uri = open_document(client, SOURCE)

    for _ in range(2):
        result = await inline(client, uri, 1, 4)
        assert isinstance(result, types.InlineCompletionList) and result.items == ()
    await wait_for(lambda: len(_shown(client)) > 0)
    await asyncio.sleep(0.1)  # a second message, if the server wrongly sent one, arrives by now
    [message] = _shown(client)
    for part in failure.says:
        assert part in message
    assert fake.api_key not in message
    assert client.messages[0].type == types.MessageType.Warning
    assert client.error is None  # the server never answered with an LSP error


@pytest.mark.parametrize(
    "name",
    [
        "rejected-key-mistral",
        "server-error",
        "finish-error",
        "timeout",
        "stall-mid-stream",
        "reset-mid-stream",
        "malformed-event",
        "invalid-utf8",
        "dropped-stream",
    ],
)
async def test_server_serves_again_once_the_provider_recovers(
    start: Start, fake: FakeCodestral, name: str
) -> None:
    failure = FAILURES[name]
    client = await start(env=server_env(fake, **failure.env))
    failure.arrange(fake)
    uri = open_document(client, SOURCE)
    result = await inline(client, uri, 1, 4)
    assert isinstance(result, types.InlineCompletionList) and result.items == ()
    fake.reset()
    result = await inline(client, uri, 1, 4)
    assert isinstance(result, types.InlineCompletionList)
    assert [item.insert_text for item in result.items] == ["return a + b"]


async def test_rate_limit_pauses_requests_until_retry_after(
    start: Start, fake: FakeCodestral
) -> None:
    client = await start()
    fake.fail_next(429, {"message": "Requests rate limit exceeded"}, {"retry-after-ms": "700"})
    uri = open_document(client, SOURCE)
    result = await inline(client, uri, 1, 4)
    assert isinstance(result, types.InlineCompletionList) and result.items == ()
    result = await inline(client, uri, 1, 4)  # during the pause: not even sent
    assert isinstance(result, types.InlineCompletionList) and result.items == ()
    assert len(fake.requests) == 1
    await asyncio.sleep(0.8)
    result = await inline(client, uri, 1, 4)  # the pause is over: served again
    assert isinstance(result, types.InlineCompletionList) and len(result.items) == 1
    assert len(fake.requests) == 2


async def test_json_answer_instead_of_a_stream_is_still_used(
    client: LanguageClient, fake: FakeCodestral
) -> None:
    fake.set_mode("json_instead_of_sse")
    uri = open_document(client, SOURCE)
    result = await inline(client, uri, 1, 4)
    assert isinstance(result, types.InlineCompletionList)
    assert [item.insert_text for item in result.items] == ["return a + b"]


async def test_failures_of_requests_in_flight_together_count_once(
    start: Start, fake: FakeCodestral, tmp_path: Path
) -> None:
    """Seven documents ask at once and all fail: that is one failure, not seven in a row."""
    log = tmp_path / "server.log"
    client = await start(
        command=[sys.executable, "-m", "fim_lsp", "--log-file", str(log)], env=server_env(fake)
    )
    uris = [open_document(client, SOURCE, f"file:///work/m{n}.py") for n in range(7)]
    fake.fail_next(500, {"message": "overloaded"}, count=7, delay=0.5)
    answers = await asyncio.gather(*(inline(client, uri, 1, 4, invoked=False) for uri in uris))
    assert all(isinstance(answer, types.InlineCompletionList) for answer in answers)
    assert not any(answer.items for answer in answers)  # type: ignore[union-attr]
    assert len(fake.requests) == 7  # all seven were in flight together
    after_uri = open_document(client, SOURCE, "file:///work/after.py")
    after = await inline(client, after_uri, 1, 4, invoked=False)  # a pause would block it
    assert isinstance(after, types.InlineCompletionList) and [
        item.insert_text for item in after.items
    ] == ["return a + b"]
    warnings = [line for line in log.read_text().splitlines() if " WARNING " in line]
    assert len([line for line in warnings if "answered 500" in line]) == 1, warnings


async def test_the_same_failure_again_is_logged_once(
    start: Start, fake: FakeCodestral, tmp_path: Path
) -> None:
    log = tmp_path / "server.log"
    client = await start(
        command=[sys.executable, "-m", "fim_lsp", "--log-file", str(log)], env=server_env(fake)
    )
    uri = open_document(client, SOURCE)
    fake.fail_next(500, {"message": "overloaded"}, count=6)
    for _ in range(6):
        await inline(client, uri, 1, 4, invoked=True)
    fake.fail_next(401, {"message": "bad key"})
    await inline(client, uri, 1, 4, invoked=True)
    warnings = [line for line in log.read_text().splitlines() if " WARNING " in line]
    assert len([line for line in warnings if "answered 500" in line]) == 1, warnings
    assert any("came 5 more times" in line for line in warnings), warnings
    assert any("rejected" in line for line in warnings), warnings
