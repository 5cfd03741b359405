"""Provider health: what a provider lacks is found without sending, told once, and ends cleanly."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from bench.fakes.env import UNREACHABLE
from bench.fakes.ollama import FakeOllama
from fim_lsp.config import Settings
from fim_lsp.core.health import Reporter, missing
from fim_lsp.core.notices import LOOKING, READY, Status
from fim_lsp.providers import ErrorKind, ProviderError, auto
from fim_lsp.providers.client import HttpClients
from fim_lsp.providers.factory import create_provider

# ------------------------------------------------------------------ missing: found, never sent


@pytest_asyncio.fixture
async def http() -> AsyncIterator[HttpClients]:
    auto.forget_probes()
    clients = HttpClients()
    yield clients
    await clients.aclose()
    auto.forget_probes()


@pytest.fixture
def ollama() -> Iterator[FakeOllama]:
    with FakeOllama(completion="return a + b") as server:
        yield server


@pytest.mark.parametrize(
    ("settings", "environ", "told"),
    [
        (Settings(provider="mistral"), {}, "MISTRAL_API_KEY is not set. Create a key at"),
        (Settings(provider="codestral"), {}, "CODESTRAL_API_KEY is not set. Create a key at"),
        (Settings(provider="mistral"), {"MISTRAL_API_KEY": "k"}, None),
        (Settings(provider="ollama"), {}, None),  # a local model needs no key
        (Settings(provider="llamacpp"), {}, None),
        (
            Settings(provider="mistral", base_url="https://user:pw@proxy.test"),
            {"MISTRAL_API_KEY": "k"},
            "fimLsp.baseUrl holds a user name or password",
        ),
        (
            Settings(provider="openai", base_url="http://192.0.2.1:8000/v1"),
            {},
            "http://192.0.2.1:8000 (from fimLsp.baseUrl) is plain http to another machine",
        ),
        (Settings(), {"CODESTRAL_API_KEY": "k"}, None),  # auto: the key picks codestral
        (Settings(), {"OLLAMA_HOST": UNREACHABLE}, "no provider is set up: MISTRAL_API_KEY"),
    ],
)
async def test_missing_says_what_a_request_would_fail_for(
    http: HttpClients, settings: Settings, environ: dict[str, str], told: str | None
) -> None:
    provider = create_provider(settings, environ, http)
    problem = await missing(provider)
    if told is None:
        assert problem is None, problem.message if problem else ""
    else:
        assert problem is not None and problem.kind is ErrorKind.CONFIG
        assert problem.message.startswith(told), problem.message


async def test_missing_asks_ollama_for_its_models_and_sends_no_completion(
    http: HttpClients, ollama: FakeOllama
) -> None:
    provider = create_provider(Settings(), {"OLLAMA_HOST": ollama.base_url}, http)
    assert await missing(provider) is None
    assert [request.path for request in ollama.requests] == ["/api/tags"]


# ------------------------------------------------------------ the reporter: told once, and ends


class Editor:
    def __init__(self) -> None:
        self.statuses: list[Status] = []
        self.warnings: list[str] = []


def _reporter(enabled: bool = True) -> tuple[Reporter, Editor]:
    editor = Editor()
    reporter = Reporter(
        enabled, show=editor.warnings.append, on_status=editor.statuses.append, clock=lambda: 0.0
    )
    return reporter, editor


NO_KEY = ProviderError(ErrorKind.CONFIG, "MISTRAL_API_KEY is not set.")
NO_KEY_STATUS = Status("error", False, "MISTRAL_API_KEY is not set.")


async def test_a_missing_key_is_told_once_and_a_request_failing_for_it_adds_nothing() -> None:
    reporter, editor = _reporter()
    reporter.set_up(NO_KEY, "mistral")
    reporter.set_up(NO_KEY, "mistral")  # the same settings applied again
    reporter.stream_started()  # a keystroke: the request fails for the same reason
    reporter.failed(NO_KEY, "mistral", started=0.0)
    reporter.stream_ended()
    assert editor.statuses == [NO_KEY_STATUS]
    assert editor.warnings == ["fim-lsp: MISTRAL_API_KEY is not set."]


def test_a_provider_set_up_at_last_is_ready_and_a_relapse_is_told_again() -> None:
    reporter, editor = _reporter()
    reporter.set_up(NO_KEY, "mistral")
    reporter.set_up(None, "codestral")
    assert reporter.status == READY
    reporter.set_up(NO_KEY, "mistral")
    assert editor.statuses == [NO_KEY_STATUS, READY, NO_KEY_STATUS]
    assert len(editor.warnings) == 2


def test_looking_shows_until_known_and_only_the_first_time() -> None:
    reporter, editor = _reporter()
    reporter.looking()
    assert reporter.status == LOOKING
    reporter.set_up(None, "ollama")
    reporter.looking()  # new settings: what is known stands until the new look ends
    assert editor.statuses == [LOOKING, READY]


@pytest.mark.parametrize("problem", [None, NO_KEY])
def test_new_settings_leave_a_file_that_is_not_sent_inactive(
    problem: ProviderError | None,
) -> None:
    reporter, _ = _reporter()
    reporter.set_up(problem, "mistral")
    reporter.excluded(".env is not sent: it looks like a secret", enabled=True)
    reporter.configured(True, new_endpoint=False)
    reporter.set_up(problem, "mistral")
    assert reporter.status == Status("inactive", False, ".env is not sent: it looks like a secret")


def test_back_from_a_file_that_is_not_sent_the_missing_key_shows_again_not_ready() -> None:
    reporter, _ = _reporter()
    reporter.set_up(NO_KEY, "mistral")
    reporter.excluded(".env is not sent: it looks like a secret", enabled=True)
    reporter.excluded(None, enabled=True)
    assert reporter.status == NO_KEY_STATUS


def test_disabled_is_not_told_of_a_missing_key_until_enabled() -> None:
    reporter, editor = _reporter(enabled=False)
    reporter.set_up(NO_KEY, "mistral")
    assert reporter.status.kind == "inactive" and editor.warnings == []
    reporter.configured(True, new_endpoint=False)
    assert reporter.status == NO_KEY_STATUS
