"""The latency engine end to end, proven by counting the fake's requests and disconnects."""

from __future__ import annotations

import asyncio

from lsprotocol import types
from pytest_lsp import LanguageClient

from bench.fakes.codestral import FakeCodestral
from tests.e2e.conftest import Start, inline, open_document, server_env

SOURCE = "def add(a, b):\n    \n"


class Editor:
    """Types into one open document the way an editor reports it: didChange, then a request."""

    def __init__(self, client: LanguageClient, text: str, uri: str = "file:///work/demo.py"):
        self.client = client
        self.uri = open_document(client, text, uri=uri)
        self.version = 1

    def _change(self, line: int, start: int, end: int, text: str) -> None:
        self.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=self.uri, version=self.version
                ),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(
                            start=types.Position(line=line, character=start),
                            end=types.Position(line=line, character=end),
                        ),
                        text=text,
                    )
                ],
            )
        )

    def type(self, line: int, character: int, text: str) -> None:
        self._change(line, character, character, text)

    def backspace(self, line: int, character: int) -> None:
        self._change(line, character - 1, character, "")

    async def ask(self, line: int, character: int, *, invoked: bool = False) -> list[str]:
        result = await inline(self.client, self.uri, line, character, invoked=invoked)
        assert isinstance(result, types.InlineCompletionList)
        return [item.insert_text for item in result.items]  # type: ignore[misc]


async def test_cache_hit_makes_no_request(client: LanguageClient, fake: FakeCodestral) -> None:
    editor = Editor(client, SOURCE)
    assert await editor.ask(1, 4) == ["return a + b"]
    assert await editor.ask(1, 4) == ["return a + b"]
    assert await editor.ask(1, 4, invoked=True) == ["return a + b"]
    assert len(fake.requests) == 1


async def test_typing_along_and_backspacing_make_no_request(
    client: LanguageClient, fake: FakeCodestral
) -> None:
    editor = Editor(client, SOURCE)
    assert await editor.ask(1, 4) == ["return a + b"]
    suggestion = "return a + b"
    for n, char in enumerate(suggestion[:-1], start=1):
        editor.type(1, 3 + n, char)
        assert await editor.ask(1, 4 + n) == [suggestion[n:]]
    for n in range(len(suggestion) - 1, 0, -1):
        editor.backspace(1, 4 + n)
        assert await editor.ask(1, 4 + n - 1) == [suggestion[n - 1 :]]
    assert len(fake.requests) == 1


async def test_diverging_or_using_up_the_suggestion_asks_again(
    client: LanguageClient, fake: FakeCodestral
) -> None:
    editor = Editor(client, SOURCE)
    assert await editor.ask(1, 4) == ["return a + b"]
    editor.type(1, 4, "x")  # not what was suggested
    fake.completion = " = a + b"
    assert await editor.ask(1, 5) == [" = a + b"]
    assert len(fake.requests) == 2
    editor.type(1, 5, " = a + b")  # the whole suggestion typed: used up
    fake.completion = "  # done"
    assert await editor.ask(1, 13) == ["  # done"]
    assert len(fake.requests) == 3


async def test_a_typing_burst_makes_one_request(start: Start, fake: FakeCodestral) -> None:
    client = await start(env=server_env(fake, FIM_LSP_DEBOUNCE_MS="100"))
    editor = Editor(client, SOURCE)
    word = "result = "
    pending = []
    for n, char in enumerate(word):
        editor.type(1, 4 + n, char)
        pending.append(asyncio.ensure_future(editor.ask(1, 5 + n)))
        await asyncio.sleep(0.005)
    answers = await asyncio.gather(*pending)
    assert answers[:-1] == [[]] * (len(word) - 1)  # superseded requests are answered, empty
    assert answers[-1] == ["return a + b"]
    assert len(fake.requests) == 1
    assert fake.last_body()["prompt"].endswith("    result = ")


async def test_invoked_request_skips_the_debounce(start: Start, fake: FakeCodestral) -> None:
    client = await start(env=server_env(fake, FIM_LSP_DEBOUNCE_MS="10000"))
    editor = Editor(client, SOURCE)
    assert await asyncio.wait_for(editor.ask(1, 4, invoked=True), 5) == ["return a + b"]


async def test_a_finished_block_stops_the_stream(
    client: LanguageClient, fake: FakeCodestral
) -> None:
    fake.completion = "\n    total = a + b\n    return total\n\ndef other():\n" + "    pass\n" * 50
    fake.chunk_delay = 0.01
    editor = Editor(client, "def add(a, b):\n")
    assert await editor.ask(0, 14) == ["\n    total = a + b\n    return total"]
    assert await asyncio.to_thread(fake.wait_for_disconnect, 5.0)
    assert fake.last_body()["max_tokens"] == 128
    assert "stop" not in fake.last_body()


async def test_mid_line_asks_for_one_line(client: LanguageClient, fake: FakeCodestral) -> None:
    fake.completion = "a, b"
    editor = Editor(client, "x = add() + 1\n")
    assert await editor.ask(0, 8) == ["a, b"]
    body = fake.last_body()
    assert body["stop"] == ["\n"]
    assert body["max_tokens"] == 64


async def test_joining_a_running_stream(client: LanguageClient, fake: FakeCodestral) -> None:
    fake.completion = "return a + b"
    fake.chunk_chars = 1
    fake.hold_after(4)  # "retu", then wait for release
    editor = Editor(client, SOURCE)
    first = asyncio.ensure_future(editor.ask(1, 4, invoked=True))
    assert await asyncio.to_thread(fake.wait_for_chunks, 4, 5.0)
    await asyncio.sleep(0.05)  # let the server read the held chunks
    editor.type(1, 4, "re")  # what the stream has produced
    second = asyncio.ensure_future(editor.ask(1, 6, invoked=True))
    await asyncio.sleep(0.05)
    fake.release()
    assert await second == ["turn a + b"]
    assert await first == []  # superseded by the newer request, answered empty
    assert len(fake.requests) == 1
    assert fake.disconnects == 0


async def test_a_stream_is_not_joined_when_the_user_types_something_else(
    client: LanguageClient, fake: FakeCodestral
) -> None:
    fake.chunk_chars = 1
    fake.hold_after(4)
    editor = Editor(client, SOURCE)
    first = asyncio.ensure_future(editor.ask(1, 4, invoked=True))
    assert await asyncio.to_thread(fake.wait_for_chunks, 4, 5.0)
    await asyncio.sleep(0.05)
    editor.type(1, 4, "x")
    second = asyncio.ensure_future(editor.ask(1, 5, invoked=True))
    assert await asyncio.to_thread(fake.wait_for_requests, 2, 5.0)
    fake.release()
    assert await first == []
    assert await second == ["return a + b"]
    assert len(fake.requests) == 2
    assert fake.disconnects >= 1  # the first stream was closed, not read to its end


async def test_closing_the_document_closes_its_stream(
    client: LanguageClient, fake: FakeCodestral
) -> None:
    fake.set_mode("stall")
    editor = Editor(client, SOURCE)
    pending = asyncio.ensure_future(editor.ask(1, 4, invoked=True))
    assert await asyncio.to_thread(fake.wait_for_requests, 1, 5.0)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=editor.uri))
    )
    assert await asyncio.wait_for(pending, 5) == []
    assert await asyncio.to_thread(fake.wait_for_disconnect, 5.0)
