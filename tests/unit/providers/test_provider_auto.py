"""The auto provider against a fake Ollama: probed once, the FIM model picked, failures told how to fix."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from bench.fakes.env import UNREACHABLE
from bench.fakes.ollama import FakeOllama
from fim_lsp.config import Settings
from fim_lsp.providers import auto
from fim_lsp.providers.base import ErrorKind, FimRequest, ProviderError
from fim_lsp.providers.client import HttpClients
from fim_lsp.providers.factory import create_provider


@pytest.fixture
def fake() -> Iterator[FakeOllama]:
    auto.forget_probes()
    with FakeOllama(completion="return a + b") as server:
        yield server
    auto.forget_probes()


@pytest_asyncio.fixture
async def http() -> AsyncIterator[HttpClients]:
    clients = HttpClients()
    yield clients
    await clients.aclose()


async def test_concurrent_choices_share_one_probe(fake: FakeOllama, http: HttpClients) -> None:
    environ = {"OLLAMA_HOST": fake.base_url}
    choices = await asyncio.gather(*(auto.choose(Settings(), environ, http) for _ in range(3)))
    assert {choice.provider for choice in choices} == {"ollama"}
    assert {choice.model for choice in choices} == {"qwen2.5-coder:1.5b"}
    assert [r.path for r in fake.requests] == ["/api/tags"]
    assert "Ollama answers at" in choices[0].reason


async def test_a_named_model_is_kept(fake: FakeOllama, http: HttpClients) -> None:
    choice = await auto.choose(
        Settings(model="codestral:latest"), {"OLLAMA_HOST": fake.base_url}, http
    )
    assert (choice.provider, choice.model) == ("ollama", None)


async def test_ollama_without_a_fim_model(fake: FakeOllama, http: HttpClients) -> None:
    fake.known_models = frozenset({"llama3.2:1b"})
    with pytest.raises(ProviderError) as caught:
        await auto.choose(Settings(), {"OLLAMA_HOST": fake.base_url}, http)
    assert caught.value.kind is ErrorKind.CONFIG
    assert "has no FIM model" in caught.value.message


async def test_nothing_found(http: HttpClients) -> None:
    auto.forget_probes()
    with pytest.raises(ProviderError) as caught:
        await auto.choose(Settings(), {"OLLAMA_HOST": UNREACHABLE}, http)
    assert "no Ollama answers at http://127.0.0.1:9" in caught.value.message


async def test_auto_provider_streams_from_the_chosen_ollama(
    fake: FakeOllama, http: HttpClients
) -> None:
    provider = create_provider(Settings(), {"OLLAMA_HOST": fake.base_url}, http)
    assert provider.name == "auto"
    parts = [part async for part in provider.stream(FimRequest("def f():\n    ", "\n", "x"))]
    assert "".join(parts) == "return a + b"
    assert provider.name == "ollama" and provider.host == fake.base_url.removeprefix("http://")
    assert fake.last_body()["model"] == "qwen2.5-coder:1.5b"


async def test_a_key_in_the_environment_needs_no_probe(http: HttpClients) -> None:
    provider = create_provider(Settings(), {"CODESTRAL_API_KEY": "k"}, http)
    assert (provider.name, provider.host) == ("codestral", "codestral.mistral.ai")
