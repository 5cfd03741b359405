"""Suggestions fit the code around the cursor, end to end through the real server."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from bench.fakes.codestral import FakeCodestral
from tests.e2e.conftest import inline, open_document


async def _shown(client: LanguageClient, text: str, line: int, character: int) -> list[str]:
    uri = open_document(client, text)
    result = await inline(client, uri, line, character)
    assert isinstance(result, types.InlineCompletionList)
    return [item.insert_text for item in result.items]  # type: ignore[misc]


@pytest.mark.parametrize(
    ("document", "position", "model", "shown"),
    [
        # the editor auto-closed the bracket: no second one
        ("print()\n", (0, 6), "total, end='')", ["total, end=''"]),
        # a block whose closing brace the file already has
        ("function f() {\n}\n", (0, 14), "\n  return 1;\n}\n", ["\n  return 1;"]),
        # leaked control tokens and a chat model's fence are removed
        ("x = \n", (0, 4), "```python\n42\n```<|endoftext|>", ["42"]),
        # only repeating the code below the cursor: nothing to show
        ("def f():\n    \n    return 1\n", (1, 4), "return 1", []),
        # tabs in a tab-indented file
        ("if x {\n\ty()\n}\nfunc g() {\n", (3, 10), "\n    return 1\n}", ["\n\treturn 1\n}"]),
    ],
)
async def test_suggestion_fits(
    client: LanguageClient,
    fake: FakeCodestral,
    document: str,
    position: tuple[int, int],
    model: str,
    shown: list[str],
) -> None:
    fake.completion = model
    assert await _shown(client, document, *position) == shown


async def test_rewriting_the_code_below_stops_the_stream(
    client: LanguageClient, fake: FakeCodestral
) -> None:
    fake.completion = "total = sum(xs)\n    return total\n" + "    pass\n" * 100
    fake.chunk_delay = 0.01
    document = "def f(xs):\n    \n    return total\n"
    assert await _shown(client, document, 1, 4) == ["total = sum(xs)"]
    assert await asyncio.to_thread(fake.wait_for_disconnect, 5.0)
