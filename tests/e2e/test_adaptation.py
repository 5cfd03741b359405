"""Adaptation to use (`adaptToUsage`) through the real server: what the editor reports changes what
automatic requests ask for and how long they wait."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import LanguageClient

from bench.fakes.codestral import FakeCodestral
from bench.lsp_driver import item_json
from tests.e2e.conftest import Start, inline, open_document, printed_stats, server_env, stop
from tests.e2e.test_lifecycle import _command

SOURCE = "def add(a, b):\n    \n"
FIRST_LINE = "total = a + b  # 😀 sum\n"  # the emoji is two UTF-16 units, one character
MULTI_LINE = FIRST_LINE + "    return total"


_DOCUMENT_NUMBERS = itertools.count(1)


def _fresh(client: LanguageClient) -> str:
    """A new document: what is suggested there is a new suggestion, not the rest of an earlier one."""
    return open_document(client, SOURCE, uri=f"file:///work/f{next(_DOCUMENT_NUMBERS)}.py")


async def _keep_first_lines(client: LanguageClient, times: int) -> None:
    """Take `times` suggestions, each in a document of its own, up to the end of their first line,
    as VS Code's accept-line does; the accepted length is in UTF-16 units, the negotiated
    encoding."""
    for _ in range(times):
        result = await inline(client, _fresh(client), 1, 4, invoked=False)
        assert isinstance(result, types.InlineCompletionList)
        [item] = result.items
        assert item.insert_text == MULTI_LINE
        client.protocol.notify("textDocument/didShowCompletion", {"item": item_json(item)})
        client.protocol.notify(
            "textDocument/didPartiallyAcceptCompletion",
            {"item": item_json(item), "acceptedLength": len(FIRST_LINE.encode("utf-16-le")) // 2},
        )


async def _suggestion(client: LanguageClient, uri: str, *, invoked: bool) -> Any:
    result = await inline(client, uri, 1, 4, invoked=invoked)
    assert isinstance(result, types.InlineCompletionList)
    [item] = result.items
    return item.insert_text


async def test_when_only_first_lines_are_kept_automatic_suggestions_become_one_line(
    start: Start, fake: FakeCodestral
) -> None:
    fake.completion = MULTI_LINE
    client = await start(client="visual-studio-code")
    await _keep_first_lines(client, times=7)
    assert (await _command(client, "fimLsp.stats"))["adaptation"]["singleLine"] is False
    await _keep_first_lines(client, times=1)

    stats = await _command(client, "fimLsp.stats")
    assert stats["today"]["chars_accepted"] == 8 * len(FIRST_LINE)
    assert stats["adaptation"]["singleLine"] is True
    assert "only the first line was kept of 8 of the last 8" in stats["adaptation"]["reason"]

    uri = open_document(client, "def mul(a, b):\n    \n", uri="file:///work/c.py")
    assert await _suggestion(client, uri, invoked=False) == FIRST_LINE.rstrip("\n")
    body = fake.last_body()
    assert body["max_tokens"] <= 64
    # at the end of a line the suggestion starts below it: that line is the one
    fake.completion = "\n    " + MULTI_LINE
    end = open_document(client, "def mod(a, b):\n", uri="file:///work/e.py")
    result = await inline(client, end, 0, len("def mod(a, b):"), invoked=False)
    assert isinstance(result, types.InlineCompletionList)
    assert [item.insert_text for item in result.items] == ["\n    " + FIRST_LINE.rstrip("\n")]
    fake.completion = MULTI_LINE
    # asking for a suggestion on purpose still gets the whole block
    other = open_document(client, "def div(a, b):\n    \n", uri="file:///work/d.py")
    assert await _suggestion(client, other, invoked=True) == MULTI_LINE
    assert fake.last_body()["max_tokens"] == 128


async def test_what_was_learned_outlives_a_restart(
    start: Start, fake: FakeCodestral, tmp_path: Path
) -> None:
    fake.completion = MULTI_LINE
    env = server_env(fake, FIM_LSP_STATS_FILE=str(tmp_path / "stats.json"))
    first = await start(client="visual-studio-code", env=env)
    await _keep_first_lines(first, times=8)
    await stop(first)  # the editor quits: the statistics file keeps the evidence

    printed = await printed_stats(env)
    again = await start(client="visual-studio-code", env=env)
    stats = await _command(again, "fimLsp.stats")
    assert stats["adaptation"]["singleLine"] is True
    assert "only the first line was kept of 8 of the last 8" in stats["adaptation"]["reason"]
    # `fim-lsp stats` says it too, as the editor's table does
    adapting = printed.splitlines()[-1]
    assert adapting == f"adapting to use: {stats['adaptation']['reason']}"
    assert stats["text"].splitlines()[-1] == adapting
    assert await _suggestion(again, _fresh(again), invoked=False) == FIRST_LINE.rstrip("\n")
    assert "a + b" not in (tmp_path / "stats.json").read_text(encoding="utf-8")  # never code


async def test_accepting_whole_blocks_keeps_them_coming(start: Start, fake: FakeCodestral) -> None:
    fake.completion = MULTI_LINE
    client = await start(client="visual-studio-code")
    for _ in range(4):
        result = await inline(client, _fresh(client), 1, 4, invoked=False)
        assert isinstance(result, types.InlineCompletionList)
        [item] = result.items
        assert item.command is not None
        await _command(client, item.command.command, *(item.command.arguments or []))
    await _keep_first_lines(client, times=6)  # 6 of 10: under three quarters
    stats = await _command(client, "fimLsp.stats")
    assert "singleLine" in stats["adaptation"] and not stats["adaptation"]["singleLine"]
    assert (stats["today"]["accepted"], stats["today"]["partially_accepted"]) == (4, 6)
    assert await _suggestion(client, _fresh(client), invoked=False) == MULTI_LINE
    await _keep_first_lines(client, times=6)  # the whole accepts still count: 12 of 16
    reason = (await _command(client, "fimLsp.stats"))["adaptation"]["reason"]
    assert "only the first line was kept of 12 of the last 16" in reason


async def test_adaptation_can_be_turned_off(start: Start, fake: FakeCodestral) -> None:
    fake.completion = MULTI_LINE
    client = await start(
        client="visual-studio-code", env=server_env(fake, FIM_LSP_ADAPT_TO_USAGE="false")
    )
    await _keep_first_lines(client, times=10)
    stats = await _command(client, "fimLsp.stats")
    assert stats["adaptation"] == {"singleLine": False, "waitFactor": 1, "reason": ""}
    uri = open_document(client, SOURCE, uri="file:///work/b.py")
    assert await _suggestion(client, uri, invoked=False) == MULTI_LINE


async def test_when_nothing_is_accepted_automatic_requests_wait_longer(
    start: Start, fake: FakeCodestral
) -> None:
    client = await start(
        env=server_env(fake, FIM_LSP_DEBOUNCE_MS="300", FIM_LSP_ADAPTIVE_DEBOUNCE="false")
    )
    # 30 functions to write, each shown its own suggestion (asked for, so without the debounce)
    uri = open_document(client, "".join(f"def f{n}(a, b):\n    \n" for n in range(30)))
    items = []
    for n in range(30):
        result = await inline(client, uri, 2 * n + 1, 4)
        assert isinstance(result, types.InlineCompletionList)
        items += result.items
        for _ in range(2):  # shown again when the editor asks again: the same suggestion
            again = await inline(client, uri, 2 * n + 1, 4)
            assert isinstance(again, types.InlineCompletionList)
            for item in (items[-1], *again.items):
                client.protocol.notify("textDocument/didShowCompletion", {"item": item_json(item)})
        if n == 14:
            assert (await _command(client, "fimLsp.stats"))["adaptation"]["waitFactor"] == 2
    adaptation = (await _command(client, "fimLsp.stats"))["adaptation"]
    assert adaptation["waitFactor"] == 4
    assert "none of the last 30 suggestions shown was accepted" in adaptation["reason"]

    asked = len(fake.requests)
    other = open_document(client, "def sub(a, b):\n    \n", uri="file:///work/b.py")
    pending = asyncio.ensure_future(inline(client, other, 1, 4, invoked=False))
    await asyncio.sleep(0.6)  # twice the 300 ms debounce, half of the 1.2 s it now is
    assert len(fake.requests) == asked, "the automatic request did not wait longer"
    result = await pending
    assert isinstance(result, types.InlineCompletionList) and len(result.items) == 1
    assert len(fake.requests) == asked + 1

    last = items[-1]
    await _command(client, last.command.command, *(last.command.arguments or []))
    assert (await _command(client, "fimLsp.stats"))["adaptation"]["waitFactor"] == 1
