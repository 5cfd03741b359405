"""Manual mode and alternatives through the real server: what reaches the provider when the user
asks, and when they only type."""

from __future__ import annotations

from typing import Any

from lsprotocol import types
from pytest_lsp import LanguageClient

from bench.fakes.codestral import FakeCodestral
from tests.e2e.conftest import Start, change, inline, open_document, server_env
from tests.e2e.test_lifecycle import _command

SOURCE = "def add(a, b):\n    \n"
USUAL = "return a + b"
SAMPLES = ("return a * b", "return b + a", "return sum((a, b))")


async def _texts(client: LanguageClient, uri: str, line: int, column: int, **how: Any) -> list[str]:
    result = await inline(client, uri, line, column, **how)
    assert isinstance(result, types.InlineCompletionList)
    return [str(item.insert_text) for item in result.items]


def _fim_bodies(fake: FakeCodestral) -> list[dict[str, Any]]:
    return [request.body for request in fake.requests if request.path == "/v1/fim/completions"]


async def _menu(client: LanguageClient, uri: str, kind: types.CompletionTriggerKind) -> list[str]:
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=1, character=4),
            context=types.CompletionContext(
                trigger_kind=kind,
                trigger_character="."
                if kind is types.CompletionTriggerKind.TriggerCharacter
                else None,
            ),
        )
    )
    assert isinstance(result, types.CompletionList)
    return [item.label for item in result.items]


async def test_in_manual_mode_only_what_the_user_asks_for_reaches_the_provider(
    start: Start, fake: FakeCodestral
) -> None:
    fake.completion = USUAL
    client = await start(env=server_env(fake, FIM_LSP_TRIGGER_MODE="manual"))
    uri = open_document(client, SOURCE)
    assert await _texts(client, uri, 1, 4, invoked=False) == []
    assert _fim_bodies(fake) == [], "a request the user did not make reached the provider"

    assert await _texts(client, uri, 1, 4, invoked=True) == [USUAL]
    assert len(_fim_bodies(fake)) == 1
    change(client, uri, 2, "ret", (1, 4), (1, 4))
    # typing through the suggestion asked for keeps the rest of it, from the cache
    assert await _texts(client, uri, 1, 7, invoked=False) == ["urn a + b"]
    change(client, uri, 3, "x", (1, 7), (1, 7))
    assert await _texts(client, uri, 1, 8, invoked=False) == []
    assert len(_fim_bodies(fake)) == 1, "typing something else asked the provider"

    other = open_document(client, SOURCE.replace("add", "sub"), uri="file:///work/menu.py")
    assert await _menu(client, other, types.CompletionTriggerKind.TriggerCharacter) == []
    assert len(_fim_bodies(fake)) == 1
    assert await _menu(client, other, types.CompletionTriggerKind.Invoked) == [USUAL]
    assert len(_fim_bodies(fake)) == 2


async def test_in_manual_mode_accepting_fetches_nothing_ahead(
    start: Start, fake: FakeCodestral
) -> None:
    fake.completion = USUAL
    client = await start(env=server_env(fake, FIM_LSP_TRIGGER_MODE="manual"))
    uri = open_document(client, SOURCE)
    result = await inline(client, uri, 1, 4)
    assert isinstance(result, types.InlineCompletionList)
    [item] = result.items
    assert item.command is not None
    change(client, uri, 2, USUAL, (1, 4), (1, 4))
    await _command(client, "fimLsp.accepted", *(item.command.arguments or []))
    health = await _command(client, "fimLsp.health")
    assert health["counters"]["prefetches"] == 0, health
    assert len(_fim_bodies(fake)) == 1


async def test_automatic_mode_still_asks_as_the_user_types(
    start: Start, fake: FakeCodestral
) -> None:
    fake.completion = USUAL
    client = await start(configuration={"triggerMode": "automatic"})
    uri = open_document(client, SOURCE)
    assert await _texts(client, uri, 1, 4, invoked=False) == [USUAL]
    assert len(_fim_bodies(fake)) == 1


async def test_an_invoked_request_gets_different_alternatives_and_an_automatic_one_gets_one(
    start: Start, fake: FakeCodestral
) -> None:
    fake.completion = USUAL
    fake.samples = SAMPLES  # seeds 1 and 2 get the second and third
    client = await start(env=server_env(fake, FIM_LSP_SUGGESTIONS="3"))
    uri = open_document(client, SOURCE)
    texts = await _texts(client, uri, 1, 4, invoked=True)
    assert texts == [USUAL, SAMPLES[1], SAMPLES[2]], texts
    bodies = _fim_bodies(fake)
    assert len(bodies) == 3, "the usual request and two alternatives, one provider request each"
    usual = [body for body in bodies if "random_seed" not in body]
    assert len(usual) == 1 and usual[0]["temperature"] == 0.0
    extra = [body for body in bodies if "random_seed" in body]
    assert sorted(body["random_seed"] for body in extra) == [1, 2]
    assert all(body["temperature"] >= 0.7 for body in extra), extra
    assert all(body["prompt"] == usual[0]["prompt"] for body in extra)

    # asked again at the same place: all three from the cache
    assert await _texts(client, uri, 1, 4, invoked=True) == texts
    assert len(_fim_bodies(fake)) == 3

    other = open_document(client, SOURCE, uri="file:///work/other.py")
    change(client, other, 2, "\n    ", (1, 4), (1, 4))
    assert await _texts(client, other, 2, 4, invoked=False) == [USUAL]
    assert len(_fim_bodies(fake)) == 4, "an automatic request asked for alternatives"

    stats = await _command(client, "fimLsp.stats")
    today = stats["today"]
    assert today["http_requests"] == 4 and today["alternative_requests"] == 2, today
    assert 0 < today["alternative_tokens"] < today["tokens_in"] + today["tokens_out"], today
    rows = {line[:32].strip(): line[32:].split() for line in stats["text"].splitlines()[2:]}
    assert rows["... of them for alternatives"][0] == "2", stats["text"]


async def test_alternatives_that_come_back_the_same_are_shown_once(
    start: Start, fake: FakeCodestral
) -> None:
    fake.completion = USUAL
    fake.samples = (USUAL,)  # a model so sure that sampling changes nothing
    client = await start(env=server_env(fake, FIM_LSP_SUGGESTIONS="4"))
    uri = open_document(client, SOURCE)
    assert await _texts(client, uri, 1, 4, invoked=True) == [USUAL]
    assert len(_fim_bodies(fake)) == 4


async def test_typing_into_alternatives_keeps_those_that_fit_without_asking_again(
    start: Start, fake: FakeCodestral
) -> None:
    """Neovim 0.12 and VS Code can go on cycling through alternatives the user types into."""
    fake.completion = USUAL
    fake.samples = SAMPLES
    client = await start(env=server_env(fake, FIM_LSP_SUGGESTIONS="3"))
    uri = open_document(client, SOURCE)
    assert await _texts(client, uri, 1, 4, invoked=True) == [USUAL, SAMPLES[1], SAMPLES[2]]
    assert len(_fim_bodies(fake)) == 3

    change(client, uri, 2, "ret", (1, 4), (1, 4))
    assert await _texts(client, uri, 1, 7, invoked=False) == [
        "urn a + b",
        "urn b + a",
        "urn sum((a, b))",
    ]
    change(client, uri, 3, "urn b", (1, 7), (1, 7))
    assert await _texts(client, uri, 1, 12, invoked=False) == [" + a"]  # only the second fits
    assert len(_fim_bodies(fake)) == 3, "typing into an alternative asked the provider again"
