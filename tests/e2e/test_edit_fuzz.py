"""Random streams of incremental edits through the real server leave its text equal to the editor's."""

from __future__ import annotations

import itertools
import re

import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pytest_lsp import LanguageClient

from bench.fakes.codestral import FakeCodestral
from tests.e2e.conftest import Start, inline, open_document, server_env

CLIENTS = {"utf-8": "neovim@v0.11.0", "utf-16": "visual-studio-code", "utf-32": "emacs"}
# line breaks LSP knows, ones it does not, astral, CJK, accents, control characters, and a lone
# (high) surrogate, which the server keeps as U+FFFD: two of them never pair up
PIECES = ["a", "bc", " ", "\n", "\r\n", "\r", "é", "中文", "😀", "🎉x", "\t", "\f", "\u2028"]
PIECES += ["\x00", "\ud800"]
_BREAK = re.compile(r"\r\n|\r|\n")
_DOCUMENTS = itertools.count()

texts = st.lists(st.sampled_from(PIECES), max_size=8).map("".join)
# (start, end, text, whole): start and end are taken modulo the text's length when the edit is
# made; `whole` replaces the whole document instead
edits = st.tuples(st.integers(0, 10_000), st.integers(0, 10_000), texts, st.integers(0, 24))
notifications = st.lists(st.lists(edits, min_size=1, max_size=3), min_size=1, max_size=15)


def units(text: str, encoding: str) -> int:
    """Units of `text` as the editor counts them (a lone surrogate: 3 in utf-8, as WTF-8)."""
    if encoding == "utf-8":
        return len(text.encode("utf-8", "surrogatepass"))
    if encoding == "utf-16":
        return len(text.encode("utf-16-le", "surrogatepass")) // 2
    return len(text)


def lsp_position(text: str, offset: int, encoding: str) -> tuple[types.Position, int]:
    """The LSP position of code-point `offset` in `text`, and the offset it really names.

    An offset between the \\r and \\n of a CRLF has no LSP position; an editor sends the end of
    that line's content instead.
    """
    line, line_start = 0, 0
    for match in _BREAK.finditer(text):
        if offset <= match.start():
            break
        if offset < match.end():
            offset = match.start()
            break
        line, line_start = line + 1, match.end()
    return types.Position(line, units(text[line_start:offset], encoding)), offset


def apply(
    text: str, edit: tuple[int, int, str, int], encoding: str
) -> tuple[str, types.TextDocumentContentChangeEvent]:
    """The editor's side of one change: its new text and the event it sends."""
    a, b, insert, whole = edit
    if whole == 0:
        return insert, types.TextDocumentContentChangeWholeDocument(text=insert)
    a, b = sorted((a % (len(text) + 1), b % (len(text) + 1)))
    start, a = lsp_position(text, a, encoding)
    end, b = lsp_position(text, b, encoding)
    event = types.TextDocumentContentChangePartial(range=types.Range(start, end), text=insert)
    return text[:a] + insert + text[b:], event


@pytest_asyncio.fixture(params=sorted(CLIENTS))
async def session(
    request: pytest.FixtureRequest, start: Start, fake: FakeCodestral
) -> tuple[LanguageClient, str]:
    """One server for all examples of a test, with room for every document in one prompt."""
    encoding: str = request.param
    env = server_env(
        fake,
        FIM_LSP_PREFIX_TOKENS="100000",
        FIM_LSP_SUFFIX_TOKENS="100000",
        FIM_LSP_EXTRA_CONTEXT_TOKENS="0",
    )
    return await start(client=CLIENTS[encoding], env=env), encoding


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(initial=texts, stream=notifications, cursor=st.integers(0, 10_000))
async def test_random_edits_keep_the_text(
    session: tuple[LanguageClient, str],
    fake: FakeCodestral,
    initial: str,
    stream: list[list[tuple[int, int, str, int]]],
    cursor: int,
) -> None:
    client, encoding = session
    number = next(_DOCUMENTS)
    uri = open_document(client, initial, uri=f"file:///fuzz/{encoding}/{number}.py")
    text = initial
    # a marker no earlier request had, so the suggestion cache cannot answer from memory
    stream = [*stream, [(0, 0, f"#{number}\n", 1)]]
    for version, group in enumerate(stream, start=2):
        events = []
        for edit in group:
            text, event = apply(text, edit, encoding)
            events.append(event)
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=events,
            )
        )

    at, offset = lsp_position(text, cursor % (len(text) + 1), encoding)
    result = await inline(client, uri, at.line, at.character)
    assert isinstance(result, types.InlineCompletionList)
    [item] = result.items
    assert item.range == types.Range(start=at, end=at)  # the server found the same place
    body = fake.last_body()
    prompt, suffix = text[:offset], text[offset:]
    assert body["prompt"] + body["suffix"] == (prompt + suffix).replace("\ud800", "\ufffd")
    assert (body["prompt"], body["suffix"]) == (
        prompt.replace("\ud800", "\ufffd"),
        suffix.replace("\ud800", "\ufffd"),
    )
