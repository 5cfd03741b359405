"""Suggestion lifecycle and local statistics, and the prompt inspector, through the real server."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from bench.fakes.codestral import FakeCodestral
from bench.lsp_driver import item_json
from tests.e2e.conftest import (
    SERVER,
    Start,
    capabilities_of,
    change,
    inline,
    menu,
    new_client,
    open_document,
    printed_stats,
    server_env,
    stop,
)

SOURCE = "def add(a, b):\n    \n"


async def _command(client: LanguageClient, name: str, *arguments: Any) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=name, arguments=list(arguments) or None)
    )


async def _offered(client: LanguageClient, uri: str, line: int = 1) -> types.InlineCompletionItem:
    result = await inline(client, uri, line, 4)
    assert isinstance(result, types.InlineCompletionList)
    [item] = result.items
    return item


async def test_shown_accepted_and_partially_accepted_are_counted(
    client: LanguageClient, fake: FakeCodestral
) -> None:
    uri = open_document(client, SOURCE + "\ndef sub(a, b):\n    \n")
    item = await _offered(client, uri)
    assert item.command is not None and item.command.command == "fimLsp.accepted"
    for _ in range(2):  # an editor may say twice that it shows the same item
        client.protocol.notify("textDocument/didShowCompletion", {"item": item_json(item)})
    await _command(client, "fimLsp.accepted", *(item.command.arguments or []))

    other = await _offered(client, uri, line=4)
    client.protocol.notify("textDocument/didShowCompletion", {"item": item_json(other)})
    client.protocol.notify(
        "textDocument/didPartiallyAcceptCompletion",
        {"item": item_json(other), "acceptedLength": 6},
    )
    await _offered(client, uri)  # the same place again: a cache hit

    today = (await _command(client, "fimLsp.stats"))["today"]
    assert today["shown"] == 2 and today["accepted"] == 1 and today["partially_accepted"] == 1
    assert today["chars_accepted"] == len("return a + b") + 6
    assert today["acceptance_rate"] == 0.5
    assert today["requests"] == 3 and today["cache_hits"] == 1 and today["http_requests"] == 2
    assert today["tokens_in"] > 0 and today["tokens_out"] > 0
    assert today["latency_ms_p50"] is not None and today["latency_ms_p95"] is not None


async def test_menu_items_carry_the_accept_command(
    client: LanguageClient, fake: FakeCodestral
) -> None:
    uri = open_document(client, SOURCE)
    result = await menu(client, uri, 1, 4)
    assert isinstance(result, types.CompletionList)
    [item] = result.items
    assert item.command is not None
    await _command(client, item.command.command, *(item.command.arguments or []))
    assert (await _command(client, "fimLsp.stats"))["today"]["accepted"] == 1


async def test_statistics_are_kept_in_a_file_that_fim_lsp_stats_prints(
    fake: FakeCodestral, tmp_path: Path
) -> None:
    stats_file = tmp_path / "state" / "stats.json"
    env = server_env(fake, FIM_LSP_STATS_FILE=str(stats_file))
    client = new_client()
    await client.start_io(*SERVER, env=env)
    try:
        await client.initialize_session(
            types.InitializeParams(capabilities=capabilities_of("neovim@v0.11.0"))
        )
        uri = open_document(client, SOURCE)
        item = await _offered(client, uri)
        assert item.command is not None
        await _command(client, "fimLsp.accepted", *(item.command.arguments or []))
        shown_in_editor = (await _command(client, "fimLsp.stats"))["text"]
        await client.shutdown_session()  # statistics are written at shutdown at the latest
    finally:
        await client.stop()
    assert "return a + b" not in stats_file.read_text(encoding="utf-8")  # counts, never code
    done = await printed_stats(env)
    assert done.startswith(f"statistics in {stats_file}\n")
    rows = {line[:32].strip(): line[32:].split() for line in done.splitlines()[2:]}
    assert rows["accepted whole"] == ["1", "1"]
    assert rows["HTTP requests to the provider"] == ["1", "1"]
    # what an editor shows for the fimLsp.stats command is the same table
    assert done.splitlines()[:4] == shown_in_editor.splitlines()[:4]


KEPT_DAY = '"2026-01-02": {"requests": 7}'  # beside the poison: kept
POISONED_FILES = {  # what the statistics file, shared by every editor's server, may hold
    "infinite count": b'{"days":{"2026-01-01":{"requests":1e999},' + KEPT_DAY.encode() + b"}}",
    "huge adaptation count": b'{"days":{' + KEPT_DAY.encode() + b"},"
    b'"adaptation":{"first_line_only":[],"ignored_in_a_row":100000000000000000000}}',
    "wrong types and nesting": b'{"days":{"2026-01-01":[1],"x":{"requests":-3},'
    + KEPT_DAY.encode()
    + b',"2026-01-03":{"requests":"many","latency_buckets":{"99999":NaN}}},"adaptation":7}',
    "truncated": b'{"days":{' + KEPT_DAY.encode()[:-3],
    "binary garbage": bytes(range(256)) * 4,
    "a directory": b"",
}


def poison(path: Path, kind: str) -> None:
    """Put one of POISONED_FILES where the statistics file is expected."""
    if kind == "a directory":
        path.mkdir(parents=True)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(POISONED_FILES[kind])


@pytest.mark.parametrize("kind", POISONED_FILES)
async def test_a_server_with_a_poisoned_statistics_file_answers_and_counts_on(
    start: Start, fake: FakeCodestral, tmp_path: Path, kind: str
) -> None:
    stats_file = tmp_path / "state" / "stats.json"
    poison(stats_file, kind)
    # start returns once initialize is answered: before the fix, the server exited first
    client = await start(env=server_env(fake, FIM_LSP_STATS_FILE=str(stats_file)))
    readable = kind in ("infinite count", "huge adaptation count", "wrong types and nesting")
    kept = 7 if readable else 0
    before = await _command(client, "fimLsp.stats")  # judges the evidence: must not hang on it
    assert before["all"]["requests"] == kept and "e+" not in before["text"]
    uri = open_document(client, SOURCE)
    item = await _offered(client, uri)
    assert item.command is not None
    await _command(client, "fimLsp.accepted", *(item.command.arguments or []))
    counted = (await _command(client, "fimLsp.stats"))["all"]
    assert (counted["requests"], counted["accepted"]) == (kept + 1, 1)
    await stop(client)  # statistics are written at shutdown
    if kind == "a directory":
        assert stats_file.is_dir()  # left alone: the counts wait for a file they can go to
        return
    written = json.loads(stats_file.read_text(encoding="utf-8"))  # clean JSON, no Infinity
    if not readable:  # set aside, not thrown away
        assert stats_file.with_name("stats.json.unreadable").read_bytes() == POISONED_FILES[kind]
    assert sum(day.get("requests", 0) for day in written["days"].values()) == kept + 1


async def test_the_prompt_inspector_shows_what_was_sent_and_received(
    client: LanguageClient, fake: FakeCodestral
) -> None:
    secret = "ghp_" + "R8m2Kq9ZtW4xY7bN3vL6pH1sD5fG0jC2aE8u"
    assert await _command(client, "fimLsp.lastRequest") is None
    uri = open_document(client, f'TOKEN = "{secret}"\n' + SOURCE)
    await _offered(client, uri, line=2)
    last = await _command(client, "fimLsp.lastRequest")
    body = fake.last_body()
    assert (last["prompt"], last["suffix"]) == (body["prompt"], body["suffix"])
    assert secret not in last["prompt"] and "[REDACTED]" in last["prompt"]
    assert last["received"] == "return a + b" and last["shown"] == "return a + b"
    assert last["parameters"]["max_tokens"] == body["max_tokens"]
    assert last["provider"] == "mistral" and last["error"] is None
    assert fake.api_key not in str(last)
    text = last["text"]  # what an editor shows: every part that was sent, then the answer
    assert text.startswith("The last request fim-lsp sent, exactly as it left this machine")
    assert f"=== prompt (before the cursor) ===\n{body['prompt']}\n" in text
    assert f"=== suffix (after the cursor) ===\n{body['suffix']}\n" in text
    assert text.endswith("=== shown to you ===\nreturn a + b")
    assert secret not in text and "model codestral-latest" in text


def _model(prompt: str, suffix: str) -> str:
    """A fake model that knows the body, and the comment that follows it."""
    return "  # the sum" if prompt.endswith("return a + b") else "return a + b"


async def _accept(client: LanguageClient, uri: str, item: types.InlineCompletionItem) -> None:
    """What an editor does on accept: insert the text, then run the item's command."""
    assert item.command is not None and isinstance(item.insert_text, str)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=1, character=4),
                        end=types.Position(line=1, character=4),
                    ),
                    text=item.insert_text,
                )
            ],
        )
    )
    await _command(client, item.command.command, *(item.command.arguments or []))


async def test_after_a_full_accept_the_next_suggestion_is_fetched_ahead(
    client: LanguageClient, fake: FakeCodestral
) -> None:
    fake.completion = _model
    uri = open_document(client, SOURCE)
    await _accept(client, uri, await _offered(client, uri))
    assert await asyncio.to_thread(fake.wait_for_completed, 2)  # fetched before it was asked
    result = await inline(client, uri, 1, 16, invoked=False)
    assert isinstance(result, types.InlineCompletionList)
    assert [item.insert_text for item in result.items] == ["  # the sum"]
    assert len(fake.requests) == 2  # the request was answered by the prefetch
    assert (await _command(client, "fimLsp.health"))["counters"]["prefetches"] == 1


async def test_an_edit_stops_the_prefetch(client: LanguageClient, fake: FakeCodestral) -> None:
    fake.completion = _model
    uri = open_document(client, SOURCE)
    item = await _offered(client, uri)
    fake.set_mode("stall")  # the prefetch waits for text that does not come ...
    await _accept(client, uri, item)
    assert await asyncio.to_thread(fake.wait_for_requests, 2)
    client.text_document_did_change(  # ... until the user types elsewhere
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=3),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=0, character=0),
                        end=types.Position(line=0, character=0),
                    ),
                    text="#",
                )
            ],
        )
    )
    assert await asyncio.to_thread(fake.wait_for_disconnect)


@pytest.mark.parametrize("again", ["return a + b", "\n    return a + b"])
async def test_the_line_just_accepted_is_not_offered_again(
    client: LanguageClient, fake: FakeCodestral, again: str
) -> None:
    uri = open_document(client, SOURCE)
    await _accept(client, uri, await _offered(client, uri))
    fake.completion = again  # a model that repeats itself, after the line or on the next one
    result = await inline(client, uri, 1, 16, invoked=True)
    assert isinstance(result, types.InlineCompletionList)
    assert [item.insert_text for item in result.items] == []
    assert len(fake.requests) >= 2  # the model was asked: the answer was dropped


async def test_no_prefetch_when_turned_off(start: Start, fake: FakeCodestral) -> None:
    fake.completion = _model
    client = await start(env=server_env(fake, FIM_LSP_PREFETCH="false"))
    uri = open_document(client, SOURCE)
    await _accept(client, uri, await _offered(client, uri))
    await asyncio.sleep(0.3)
    assert len(fake.requests) == 1


async def test_inserting_a_suggestion_counts_as_accepting_it_without_the_command(
    client: LanguageClient, fake: FakeCodestral
) -> None:
    """eglot, Helix and ALE insert an item but never run its command: the edit tells."""
    fake.completion = _model
    uri = open_document(client, SOURCE)
    item = await _offered(client, uri)
    assert isinstance(item.insert_text, str) and item.command is not None
    change(client, uri, 2, item.insert_text, (1, 4), (1, 4))
    assert await asyncio.to_thread(fake.wait_for_requests, 2)  # the next one, fetched ahead
    today = (await _command(client, "fimLsp.stats"))["today"]
    assert (today["accepted"], today["chars_accepted"]) == (1, len("return a + b"))
    # an editor that also runs the command (VS Code, Neovim) does not count it twice
    await _command(client, item.command.command, *(item.command.arguments or []))
    assert (await _command(client, "fimLsp.stats"))["today"]["accepted"] == 1
    assert len(fake.requests) == 2


async def test_a_menu_item_replacing_the_word_typed_counts_as_accepted(
    client: LanguageClient, fake: FakeCodestral
) -> None:
    fake.completion = "urn a + b"
    uri = open_document(client, "def add(a, b):\n    ret\n")
    result = await menu(client, uri, 1, 7)
    assert isinstance(result, types.CompletionList)
    [item] = result.items
    assert isinstance(item.text_edit, types.TextEdit)
    edit = item.text_edit
    change(
        client,
        uri,
        2,
        edit.new_text,
        (1, edit.range.start.character),
        (1, edit.range.end.character),
    )
    assert (await _command(client, "fimLsp.stats"))["today"]["accepted"] == 1


async def test_typing_a_suggestion_out_is_not_accepting_it(
    client: LanguageClient, fake: FakeCodestral
) -> None:
    uri = open_document(client, SOURCE)
    item = await _offered(client, uri)
    assert isinstance(item.insert_text, str)
    for n, char in enumerate(item.insert_text):
        change(client, uri, 2 + n, char, (1, 4 + n), (1, 4 + n))
    assert (await _command(client, "fimLsp.stats"))["today"]["accepted"] == 0


async def test_a_suggestion_shown_again_as_the_user_types_it_counts_once(
    client: LanguageClient, fake: FakeCodestral
) -> None:
    """Editors ask again on every key; what is left of the same suggestion is not a new one."""
    uri = open_document(client, SOURCE)
    first = await _offered(client, uri)
    client.protocol.notify("textDocument/didShowCompletion", {"item": item_json(first)})
    change(client, uri, 2, "r", (1, 4), (1, 4))  # the user types the suggestion's first character
    rest = await inline(client, uri, 1, 5, invoked=False)
    assert isinstance(rest, types.InlineCompletionList)
    assert [item.insert_text for item in rest.items] == ["eturn a + b"]
    client.protocol.notify("textDocument/didShowCompletion", {"item": item_json(rest.items[0])})
    assert (await _command(client, "fimLsp.stats"))["today"]["shown"] == 1

    change(client, uri, 3, "x", (1, 5), (1, 5))  # ... then something else: a new suggestion
    other = await inline(client, uri, 1, 6, invoked=False)
    assert isinstance(other, types.InlineCompletionList) and len(other.items) == 1
    client.protocol.notify("textDocument/didShowCompletion", {"item": item_json(other.items[0])})
    assert (await _command(client, "fimLsp.stats"))["today"]["shown"] == 2
