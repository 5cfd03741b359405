"""Every provider end to end: the real server over stdio against a fake speaking that provider's exact protocol."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcRequestCancelled
from pytest_lsp import LanguageClient

from bench.fakes.codestral import FakeCodestral
from bench.fakes.http import FakeServer
from bench.fakes.llamacpp import FakeLlamaCpp
from bench.fakes.ollama import FakeOllama
from bench.fakes.openai import FakeOpenAI
from tests.e2e.conftest import Start, inline, inline_params, open_document, server_env, wait_for

KEY = "fake-test-key-0000"
SOURCE = "def add(a, b):\n    \n\nprint(add(1, 2))\n"
FAKES: dict[str, Callable[..., FakeServer]] = {
    "mistral": FakeCodestral,
    "ollama": FakeOllama,
    "llamacpp": FakeLlamaCpp,
    "openai": FakeOpenAI,
}
PATHS = {
    "mistral": "/v1/fim/completions",
    "ollama": "/api/generate",
    "llamacpp": "/infill",
    "openai": "/v1/completions",
}
IN_STREAM_ERROR = {
    "mistral": "finish_error",
    "ollama": "error_line",
    "llamacpp": "error_event",
    "openai": "error_event",
}


@pytest.fixture(params=sorted(FAKES))
def fake(request: pytest.FixtureRequest) -> Iterator[FakeServer]:
    """Overrides conftest's fake: each test here runs once per provider."""
    with FAKES[request.param](api_key=KEY, completion="return a + b") as server:
        yield server


def cut_sent(fake: FakeServer) -> tuple[str, str]:
    """The (text before, text after) the cursor as the provider's request carried them."""
    body: dict[str, Any] = fake.last_body()
    if fake.PROVIDER == "llamacpp":
        return body["input_prefix"] + body["prompt"], body["input_suffix"]
    return body["prompt"], body["suffix"]


def texts(result: object) -> list[str]:
    assert isinstance(result, types.InlineCompletionList)
    return [str(item.insert_text) for item in result.items]


async def test_completion(client: LanguageClient, fake: FakeServer) -> None:
    uri = open_document(client, SOURCE)
    assert texts(await inline(client, uri, 1, 4)) == ["return a + b"]
    [request] = fake.requests
    assert (request.method, request.path) == ("POST", PATHS[fake.PROVIDER])
    assert request.header("authorization") == f"Bearer {KEY}"
    assert cut_sent(fake) == ("def add(a, b):\n    ", "\n\nprint(add(1, 2))\n")
    assert request.body["stream"] is True


async def test_keep_alive_connection_is_reused(client: LanguageClient, fake: FakeServer) -> None:
    uri = open_document(client, SOURCE)
    assert texts(await inline(client, uri, 1, 4)) == ["return a + b"]
    other = open_document(client, "x = 1\n", uri="file:///work/other.py")
    assert texts(await inline(client, other, 1, 0)) == ["return a + b"]
    assert len(fake.requests) == 2
    assert fake.connections == 1  # each stream was read to its end, so the connection was reused
    assert fake.disconnects == 0


async def test_cancel_closes_the_stream(client: LanguageClient, fake: FakeServer) -> None:
    fake.chunk_chars = 1
    fake.hold_after(2)
    uri = open_document(client, SOURCE)
    future = client.protocol.send_request(
        types.TEXT_DOCUMENT_INLINE_COMPLETION, inline_params(uri, 1, 4), msg_id=4242
    )
    assert await asyncio.to_thread(fake.wait_for_held, 1, 5.0)
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=4242))
    with pytest.raises(JsonRpcRequestCancelled):
        await asyncio.wait_for(asyncio.wrap_future(future), 5)
    assert await asyncio.to_thread(fake.wait_for_disconnect, 5.0)  # the provider saw it close
    assert fake.completed == 0


async def test_a_finished_block_stops_the_stream(client: LanguageClient, fake: FakeServer) -> None:
    fake.completion = "\n    total = a + b\n    return total\n\ndef other():\n" + "    pass\n" * 50
    fake.chunk_delay = 0.01
    uri = open_document(client, "def add(a, b):\n")
    assert texts(await inline(client, uri, 0, 14)) == ["\n    total = a + b\n    return total"]
    assert await asyncio.to_thread(fake.wait_for_disconnect, 5.0)
    assert fake.completed == 0


@dataclass
class Failure:
    """How to make a provider fail, and what the user must be told."""

    says: tuple[str, ...]
    arrange: Callable[[FakeServer], None] = lambda fake: None
    env: dict[str, str] = field(default_factory=dict)
    only: tuple[str, ...] = ()  # the providers this applies to (empty: all)


def _fail(
    status: int, body: object = None, headers: dict[str, str] | None = None
) -> Callable[[FakeServer], None]:
    return lambda fake: fake.fail_next(status, body, headers, count=2)  # type: ignore[arg-type]


def _mode(mode: str | None = None, **knobs: object) -> Callable[[FakeServer], None]:
    def arrange(fake: FakeServer) -> None:
        for name, value in knobs.items():
            setattr(fake, name, value)
        fake.set_mode(mode or IN_STREAM_ERROR[fake.PROVIDER])

    return arrange


def _set(**knobs: object) -> Callable[[FakeServer], None]:
    def arrange(fake: FakeServer) -> None:
        for name, value in knobs.items():
            setattr(fake, name, value)

    return arrange


FAILURES = {
    "rejected-key": Failure(says=("was rejected", "(401)"), env={"WRONG_KEY": "1"}),
    "rate-limited": Failure(
        says=("rate limiting", "Suggestions pause until", "(30 s)"),
        arrange=_fail(429, None, {"Retry-After": "30"}),
    ),
    "unknown-model": Failure(
        says=("no-such-model", "fimLsp.model"),
        env={"FIM_LSP_MODEL": "no-such-model"},
        only=("mistral", "ollama", "openai"),  # llama-server serves the one model it loaded
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
    "error-in-stream": Failure(says=("stopped with an error",), arrange=_mode()),
    "dropped-stream": Failure(says=("127.0.0.1", "before"), arrange=_mode("drop")),
    "connection-refused": Failure(
        says=("cannot connect to 127.0.0.1:9",), env={"FIM_LSP_BASE_URL": "http://127.0.0.1:9"}
    ),
    "ollama-model-without-insert": Failure(
        says=("'llama3.2:1b' cannot fill in the middle", "qwen2.5-coder", "ollama pull"),
        env={"FIM_LSP_MODEL": "llama3.2:1b"},
        only=("ollama",),
    ),
    "llamacpp-infill-not-supported": Failure(
        says=("cannot fill in the middle", "Infill is not supported", "--fim-qwen"),
        arrange=_set(infill_supported=False),
        only=("llamacpp",),
    ),
    "openai-suffix-not-supported": Failure(
        says=("does not fill in the middle", "suffix", "'llamacpp'"),
        arrange=_set(suffix_supported=False),
        only=("openai",),
    ),
}


def _shown(client: LanguageClient) -> list[str]:
    return [message.message for message in client.messages]


CASES = [
    (provider, name)
    for name, failure in sorted(FAILURES.items())
    for provider in sorted(FAKES)
    if not failure.only or provider in failure.only
]


@pytest.mark.parametrize(("fake", "name"), CASES, indirect=["fake"])
async def test_failure_is_told_once(start: Start, fake: FakeServer, name: str) -> None:
    failure = FAILURES[name]
    env = server_env(fake, **failure.env)
    if env.pop("WRONG_KEY", None):
        env[fake.KEY_VARIABLE] = "fake-wrong-key"
    client = await start(env=env)
    failure.arrange(fake)
    uri = open_document(client, SOURCE)

    for _ in range(2):
        assert texts(await inline(client, uri, 1, 4)) == []
    await wait_for(lambda: len(_shown(client)) > 0)
    await asyncio.sleep(0.1)  # a second message, if the server wrongly sent one, arrives by now
    [message] = _shown(client)
    for part in failure.says:
        assert part in message
    assert KEY not in message and "fake-wrong-key" not in message
    assert client.error is None


async def test_a_missing_key_is_named(start: Start, fake: FakeServer) -> None:
    env = server_env(fake)
    del env[fake.KEY_VARIABLE]
    client = await start(env=env)
    uri = open_document(client, SOURCE)
    assert texts(await inline(client, uri, 1, 4)) == []
    assert await wait_for(lambda: len(_shown(client)) > 0)
    [message] = _shown(client)
    assert fake.KEY_VARIABLE in message


async def test_service_resumes_after_a_failure(start: Start, fake: FakeServer) -> None:
    client = await start()
    fake.fail_next(500, "upstream connect error")
    uri = open_document(client, SOURCE)
    assert texts(await inline(client, uri, 1, 4)) == []
    assert texts(await inline(client, uri, 1, 4)) == ["return a + b"]


# ----------------------------------------------------------------------------- auto


@pytest.mark.parametrize("fake", ["ollama"], indirect=True)
async def test_auto_uses_a_local_ollama_and_its_fim_model(start: Start, fake: FakeServer) -> None:
    env = server_env(fake, OLLAMA_HOST=fake.base_url)
    for name in ("FIM_LSP_PROVIDER", "FIM_LSP_MODEL", "FIM_LSP_BASE_URL"):
        env.pop(name)
    fake.known_models = frozenset({"llama3.2:1b", "qwen2.5-coder:7b"})
    client = await start(env=env)
    uri = open_document(client, SOURCE)
    assert texts(await inline(client, uri, 1, 4)) == ["return a + b"]
    assert texts(await inline(client, uri, 1, 4)) == ["return a + b"]
    assert [r.path for r in fake.requests].count("/api/tags") == 1  # probed once
    assert fake.last_body()["model"] == "qwen2.5-coder:7b"


@pytest.mark.parametrize("fake", ["ollama"], indirect=True)
async def test_auto_without_any_provider_says_how_to_set_one_up(
    start: Start, fake: FakeServer
) -> None:
    env = server_env(fake)
    for name in ("FIM_LSP_PROVIDER", "FIM_LSP_MODEL", "FIM_LSP_BASE_URL", "OLLAMA_API_KEY"):
        env.pop(name)
    client = await start(env=env)  # OLLAMA_HOST points where nothing listens
    uri = open_document(client, SOURCE)
    for _ in range(2):
        assert texts(await inline(client, uri, 1, 4)) == []
    assert await wait_for(lambda: len(_shown(client)) > 0)
    await asyncio.sleep(0.1)
    [message] = _shown(client)
    for part in ("no provider is set up", "MISTRAL_API_KEY", "ollama pull", "fimLsp.provider"):
        assert part in message
    assert fake.requests == []


# ----------------------------------------------------------------------------- fim-lsp check


def _check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fim_lsp", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_check_reports_the_provider_and_why(fake: FakeServer) -> None:
    done = _check(server_env(fake))
    assert done.returncode == 0, done.stderr
    why = "auto: MISTRAL_API_KEY is set" if fake.PROVIDER == "mistral" else "named by the provider"
    assert f"provider: {fake.PROVIDER} ({why}" in done.stdout
    assert f"key:      {fake.KEY_VARIABLE} is set" in done.stdout
    assert done.stdout.rstrip().endswith("verdict:  ready")
    assert KEY not in done.stdout + done.stderr


@pytest.mark.parametrize("fake", ["ollama"], indirect=True)
def test_check_reports_an_auto_chosen_ollama(fake: FakeServer) -> None:
    env = server_env(fake, OLLAMA_HOST=fake.base_url)
    for name in ("FIM_LSP_PROVIDER", "FIM_LSP_MODEL", "FIM_LSP_BASE_URL"):
        env.pop(name)
    done = _check(env)
    assert done.returncode == 0, done.stderr
    assert "provider: ollama (auto: no MISTRAL_API_KEY or CODESTRAL_API_KEY" in done.stdout
    assert f"Ollama answers at {fake.base_url}" in done.stdout
    assert "model:    qwen2.5-coder:1.5b" in done.stdout


@pytest.mark.parametrize("fake", ["ollama"], indirect=True)
def test_check_without_any_provider_fails_with_the_set_up_message(fake: FakeServer) -> None:
    env = server_env(fake)
    for name in ("FIM_LSP_PROVIDER", "FIM_LSP_MODEL", "FIM_LSP_BASE_URL"):
        env.pop(name)
    done = _check(env)
    assert done.returncode == 1
    assert done.stdout.startswith("provider: none")
    assert "no provider is set up" in done.stderr and done.stderr.count("\n") == 1


async def test_related_code_goes_where_the_protocol_wants_it(
    client: LanguageClient, fake: FakeServer
) -> None:
    open_document(
        client,
        "def compute_invoice(customer, items, tax_rate):\n    return sum(items) * tax_rate\n",
        uri="file:///work/billing.py",
    )
    uri = open_document(client, "invoice = compute_invoice(customer, items, \n")
    await inline(client, uri, 0, 43)
    prompt, _ = cut_sent(fake)
    body = fake.last_body()
    chunk = "def compute_invoice(customer, items, tax_rate):\n    return sum(items) * tax_rate\n"
    if fake.PROVIDER == "llamacpp":  # other files go apart, in input_extra
        assert body["input_extra"] == [{"filename": "billing.py", "text": chunk}]
        assert prompt == "invoice = compute_invoice(customer, items, "
    else:  # only a prompt: as comments before it
        assert prompt.startswith("# from billing.py:\n# def compute_invoice(")
        assert prompt.endswith("\ninvoice = compute_invoice(customer, items, ")
