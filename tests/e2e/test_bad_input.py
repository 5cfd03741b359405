"""Bad input from the editor: every request answered, the server serving on, a clear log line, no traceback."""

from __future__ import annotations

import asyncio
import itertools
import json
import math
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from bench.fakes.codestral import FakeCodestral
from tests.e2e.conftest import (
    SERVER,
    Start,
    capabilities_of,
    change,
    inline,
    inline_params,
    menu,
    new_client,
    open_document,
    server_env,
    wait_for,
)

SUGGESTION = "return a + b"  # the fake's default completion
_IDS = itertools.count(9000)
_URIS = itertools.count()


@pytest.fixture
def log_file(tmp_path: Path) -> Path:
    return tmp_path / "server.log"


async def start_logged(start: Start, log_file: Path, **options: Any) -> LanguageClient:
    """A server that logs at DEBUG into `log_file`."""
    return await start(command=[*SERVER, "--log-file", str(log_file)], **options)


async def logged(log_file: Path, text: str) -> bool:
    """Whether `text` shows up in the server's log within a few seconds."""
    return await wait_for(lambda: text in log_file.read_text(encoding="utf-8", errors="replace"))


def send_raw(client: LanguageClient, message: dict[str, Any] | bytes) -> None:
    """Write one message as it is: a dict as JSON, bytes as the body itself.

    Typed lsprotocol objects cannot carry negative numbers, wrong types or broken JSON.
    """
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    client.protocol.writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))


async def raw_request(client: LanguageClient, method: str, params: Any) -> Any:
    """Send a request with raw JSON params; returns its typed result or raises the error answer.

    The answer is matched through pygls' own table of awaited requests, as `send_request` does.
    """
    msg_id = next(_IDS)
    answer: Future[Any] = Future()
    client.protocol._request_futures[msg_id] = answer
    client.protocol._result_types[msg_id] = client.protocol.get_result_type(method)
    message = {"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}
    send_raw(client, message)
    return await asyncio.wait_for(asyncio.wrap_future(answer), 10)


async def raw_body_request(
    client: LanguageClient, msg_id: int | str, method: str, body: bytes
) -> Any:
    """As `raw_request`, for a body written by hand (json.dumps cannot nest 100,000 levels)."""
    answer: Future[Any] = Future()
    client.protocol._request_futures[msg_id] = answer
    client.protocol._result_types[msg_id] = client.protocol.get_result_type(method)
    send_raw(client, body)
    return await asyncio.wait_for(asyncio.wrap_future(answer), 10)


def notify_raw(client: LanguageClient, method: str, params: Any) -> None:
    send_raw(client, {"jsonrpc": "2.0", "method": method, "params": params})


def position(line: Any, character: Any) -> dict[str, Any]:
    return {"line": line, "character": character}


def inline_raw(uri: str, where: Any) -> dict[str, Any]:
    return {"textDocument": {"uri": uri}, "position": where, "context": {"triggerKind": 1}}


def close(client: LanguageClient, uri: str) -> None:
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )


def items(result: Any) -> list[str]:
    assert isinstance(result, types.InlineCompletionList), result
    return [item.insert_text for item in result.items]


async def document_text(client: LanguageClient, fake: FakeCodestral, uri: str) -> str:
    """The server's text of `uri`, as the provider sees it (a request at the document's end)."""
    assert items(await inline(client, uri, 2**31 - 1, 0)) == [SUGGESTION]
    body = fake.last_body()
    assert body["suffix"] == ""
    return str(body["prompt"])


async def assert_still_serves(client: LanguageClient) -> None:
    """The next normal request gets a real suggestion."""
    uri = open_document(client, "x = \n", uri=f"file:///work/next{next(_URIS)}.py")
    assert items(await inline(client, uri, 0, 4)) == [SUGGESTION]


def assert_no_traceback(client: LanguageClient) -> None:
    shown = [m.message for m in client.messages] + [m.message for m in client.log_messages]
    assert not any("Traceback" in text or 'File "' in text for text in shown), shown


def assert_error(raised: pytest.ExceptionInfo[JsonRpcException], code: int, *words: str) -> None:
    error = raised.value
    assert error.code == code, (error.code, error.message)
    assert all(word in error.message for word in words), error.message
    assert "Traceback" not in error.message and not error.data


# --- positions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("client_name", "line_end"),
    [("neovim@v0.11.0", 6), ("visual-studio-code", 3), ("emacs", 2)],  # "é😀" in utf-8/16/32
)
async def test_positions_past_the_end_clamp_as_the_spec_says(
    start: Start, fake: FakeCodestral, log_file: Path, client_name: str, line_end: int
) -> None:
    client = await start_logged(start, log_file, client=client_name)
    uri = open_document(client, "é😀\nab")

    # a character past the end of its line means the end of that line
    result = await inline(client, uri, 0, 99)
    assert isinstance(result, types.InlineCompletionList)
    [item] = result.items
    at_line_end = types.Position(line=0, character=line_end)
    assert item.range == types.Range(start=at_line_end, end=at_line_end)
    assert (fake.last_body()["prompt"], fake.last_body()["suffix"]) == ("é😀", "\nab")

    listed = await menu(client, uri, 0, 2**31 - 1)
    assert isinstance(listed, types.CompletionList)
    [entry] = listed.items
    assert isinstance(entry.text_edit, types.TextEdit)
    assert entry.text_edit.range == types.Range(start=at_line_end, end=at_line_end)

    # a line past the end of the document means the end of the document
    for line, character in [(2, 0), (7, 1), (2**31 - 1, 2**31 - 1)]:
        result = await inline(client, uri, line, character)
        assert isinstance(result, types.InlineCompletionList)
        [item] = result.items
        at_end = types.Position(line=1, character=2)
        assert item.range == types.Range(start=at_end, end=at_end)
        assert (fake.last_body()["prompt"], fake.last_body()["suffix"]) == ("é😀\nab", "")

    assert await logged(log_file, "is outside file:///work/demo.py")
    assert_no_traceback(client)


async def test_negative_numbers_clamp_to_the_start(
    start: Start, fake: FakeCodestral, log_file: Path
) -> None:
    client = await start_logged(start, log_file)
    uri = open_document(client, "x = 1\ny = \n")

    result = await raw_request(
        client, types.TEXT_DOCUMENT_INLINE_COMPLETION, inline_raw(uri, position(-1, -5))
    )
    assert isinstance(result, types.InlineCompletionList)
    [item] = result.items
    assert item.insert_text == SUGGESTION
    assert item.range == types.Range(start=types.Position(0, 0), end=types.Position(0, 0))
    assert (fake.last_body()["prompt"], fake.last_body()["suffix"]) == ("", "x = 1\ny = \n")

    menu = await raw_request(
        client,
        types.TEXT_DOCUMENT_COMPLETION,
        {"textDocument": {"uri": uri}, "position": position(1, -(2**40))},
    )
    assert isinstance(menu, types.CompletionList) and len(menu.items) == 1

    # an edit whose range has negative numbers lands at the nearest place LSP allows
    notify_raw(
        client,
        types.TEXT_DOCUMENT_DID_CHANGE,
        {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [
                {"range": {"start": position(-3, -3), "end": position(0, -1)}, "text": "# "}
            ],
        },
    )
    assert await document_text(client, fake, uri) == "# x = 1\ny = \n"
    assert await logged(log_file, "position -1:-5 is outside LSP's range; read as 0:0")
    await assert_still_serves(client)
    assert_no_traceback(client)


# --- messages that do not fit their method -----------------------------------------------------


async def test_params_of_the_wrong_type_get_an_error_answer(
    start: Start, fake: FakeCodestral, log_file: Path
) -> None:
    client = await start_logged(start, log_file)
    uri = open_document(client, "x = \n")
    method = types.TEXT_DOCUMENT_INLINE_COMPLETION
    invalid = types.ErrorCodes.InvalidParams

    with pytest.raises(JsonRpcException) as raised:
        await raw_request(client, method, inline_raw(uri, position("one", 0)))
    assert_error(raised, invalid, method, "position")
    with pytest.raises(JsonRpcException) as raised:
        await raw_request(client, method, inline_raw(uri, {"line": 0}))
    assert_error(raised, invalid, method)
    with pytest.raises(JsonRpcException) as raised:
        await raw_request(client, method, None)
    assert_error(raised, invalid, method)
    with pytest.raises(JsonRpcException) as raised:
        await raw_request(
            client, types.TEXT_DOCUMENT_COMPLETION, {"textDocument": 5, "position": position(0, 0)}
        )
    assert_error(raised, invalid, types.TEXT_DOCUMENT_COMPLETION, "textDocument")
    assert await logged(log_file, f"{method} request with invalid params")
    assert fake.requests == []

    # a change the server cannot read: the document may now differ from the editor's, so it is
    # closed rather than completed on wrong text, until the editor opens it again
    notify_raw(
        client,
        types.TEXT_DOCUMENT_DID_CHANGE,
        {"textDocument": {"uri": uri, "version": 2}, "contentChanges": 5},
    )
    assert await logged(log_file, f"{uri} may now differ from the editor's text")
    assert items(await inline(client, uri, 0, 4)) == []
    notify_raw(
        client,
        types.TEXT_DOCUMENT_DID_OPEN,
        {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": None}},
    )
    assert await logged(log_file, "textDocument/didOpen with invalid params")
    assert items(await inline(client, uri, 0, 4)) == []
    open_document(client, "y = \n", uri=uri)
    assert items(await inline(client, uri, 0, 4)) == [SUGGESTION]
    assert fake.last_body()["prompt"] == "y = "

    await assert_still_serves(client)
    assert_no_traceback(client)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"{not json", "is not valid JSON"),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "x"', "is not valid JSON"),
        (b"\xff\xfe garbage \x00", "is not valid JSON"),
        (b"[1, 2, 3]", "is not a JSON-RPC object"),
        (b'"just a string"', "is not a JSON-RPC object"),
        (b"[" * 100_000, "nested too deep to read"),
    ],
)
async def test_unreadable_messages_are_logged_and_skipped(
    start: Start, log_file: Path, body: bytes, says: str
) -> None:
    client = await start_logged(start, log_file)
    send_raw(client, body)
    assert await logged(log_file, says)
    await assert_still_serves(client)
    assert_no_traceback(client)


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize("depth", [10, 500, 2_000, 100_000])
@pytest.mark.parametrize("id_last", [False, True])
async def test_a_request_nested_deep_gets_an_error_with_its_id(
    start: Start, fake: FakeCodestral, log_file: Path, depth: int, id_last: bool
) -> None:
    """However deep its params go, a request is answered, with its id (the parser recurses)."""
    client = await start_logged(start, log_file)
    uri = open_document(client, "x = \n", uri=f"file:///work/deep{next(_URIS)}.py")
    msg_id = next(_IDS)
    method = types.TEXT_DOCUMENT_INLINE_COMPLETION
    head = b'{"jsonrpc": "2.0", "method": "%s", ' % method.encode()
    params = b'"params": {"textDocument": {"uri": "%s"}, "deep": %s}' % (
        uri.encode(),
        nested(depth),
    )
    body = (
        head + params + b', "id": %d}' % msg_id
        if id_last
        else head + b'"id": %d, ' % msg_id + params + b"}"
    )
    with pytest.raises(JsonRpcException) as raised:
        await raw_body_request(client, msg_id, method, body)
    if depth >= 2_000:
        assert_error(raised, types.ErrorCodes.ParseError, "nested too deep to read")
        assert await logged(log_file, f"a message ({method}) is nested too deep to read")
    else:  # read, then found to lack the position
        assert_error(raised, types.ErrorCodes.InvalidParams, "position")
    await assert_still_serves(client)
    assert_no_traceback(client)


async def test_a_message_nested_deep_without_a_readable_id_gets_id_null(
    start: Start, log_file: Path
) -> None:
    client = await start_logged(start, log_file)
    answer: Future[Any] = Future()
    client.protocol._request_futures[None] = answer  # where pygls puts an answer to id null
    send_raw(client, b'{"jsonrpc": "2.0", "method": "x", "id": %s}' % nested(100_000))
    with pytest.raises(JsonRpcException) as raised:
        await asyncio.wait_for(asyncio.wrap_future(answer), 10)
    assert_error(raised, types.ErrorCodes.ParseError, "nested too deep to read")
    await assert_still_serves(client)
    assert_no_traceback(client)


async def test_bytes_that_are_not_utf8_become_replacement_characters(
    start: Start, fake: FakeCodestral, log_file: Path
) -> None:
    client = await start_logged(start, log_file)
    uri = "file:///work/latin1.py"
    opening = {
        "jsonrpc": "2.0",
        "method": types.TEXT_DOCUMENT_DID_OPEN,
        "params": {
            "textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": "@@ = 1\n"}
        },
    }
    body = json.dumps(opening).encode().replace(b"@@", b"caf\xe9")  # Latin-1, not UTF-8
    send_raw(client, body)
    assert await document_text(client, fake, uri) == "caf\ufffd = 1\n"
    assert await logged(log_file, "not valid UTF-8; its undecodable bytes became U+FFFD")
    await assert_still_serves(client)
    assert_no_traceback(client)


async def test_input_between_messages_that_is_no_header_is_skipped(
    start: Start, log_file: Path
) -> None:
    client = await start_logged(start, log_file)
    client.protocol.writer.write(b"garbage\r\n\r\n" + b"y" * 300_000 + b"\r\n")
    assert await logged(log_file, "skipped input that is not a message header")
    await assert_still_serves(client)
    assert_no_traceback(client)


# --- documents the server does not have --------------------------------------------------------


async def test_unknown_and_closed_documents(
    start: Start, fake: FakeCodestral, log_file: Path
) -> None:
    client = await start_logged(start, log_file)
    never = "file:///work/never-opened.py"
    assert items(await inline(client, never, 0, 0)) == []
    listed = await menu(client, never, 0, 0)
    assert isinstance(listed, types.CompletionList) and not listed.items
    assert await logged(log_file, f"completion asked for {never}, which is not open")

    uri = open_document(client, "x = \n")
    close(client, uri)
    assert items(await inline(client, uri, 0, 4)) == []
    change(client, uri, 3, "zzz", (0, 0), (0, 0))
    assert await logged(log_file, f"didChange for {uri}, which is not open; ignored")
    close(client, uri)
    assert await logged(log_file, f"didClose for {uri}, which is not open; ignored")
    assert fake.requests == []

    open_document(client, "again = \n", uri=uri)
    assert await document_text(client, fake, uri) == "again = \n"
    assert_no_traceback(client)


async def test_did_change_before_did_open_is_ignored(
    start: Start, fake: FakeCodestral, log_file: Path
) -> None:
    client = await start_logged(start, log_file)
    uri = "file:///work/early.py"
    change(client, uri, 2, "whole = 'text'\n")
    change(client, uri, 3, "edit", (0, 0), (0, 1))
    assert await logged(log_file, f"didChange for {uri}, which is not open; ignored")
    open_document(client, "x = \n", uri=uri)
    assert await document_text(client, fake, uri) == "x = \n"
    change(client, uri, 2, "yz", (0, 0), (0, 1))
    assert await document_text(client, fake, uri) == "yz = \n"
    assert_no_traceback(client)


async def test_edits_with_out_of_range_ranges_clamp(
    start: Start, fake: FakeCodestral, log_file: Path
) -> None:
    client = await start(client="visual-studio-code")  # utf-16
    uri = open_document(client, "ab\r\ncd😀")
    steps = [
        ((0, 10), (0, 12), "X", "abX\r\ncd😀"),  # past the end of a line: its end
        ((0, 4), (0, 4), "Y", "abXY\r\ncd😀"),  # not between \r and \n
        ((5, 0), (9, 9), "Z", "abXY\r\ncd😀Z"),  # past the last line: the document's end
        ((1, 3), (1, 3), "-", "abXY\r\ncd-😀Z"),  # inside a surrogate pair: before it
        ((1, 1), (0, 1), "", "ad-😀Z"),  # reversed: the same range
        ((0, 2), (2**31 - 1, 2**31 - 1), "!\r", "ad!\r"),  # to far beyond the end
        ((1, 0), (1, 0), "\n", "ad!\r\n"),  # a \n after a \r: one line break
    ]
    for version, (start_at, end_at, text, expected) in enumerate(steps, start=2):
        change(client, uri, version, text, start_at, end_at)
        assert await document_text(client, fake, uri) == expected
    await assert_still_serves(client)
    assert_no_traceback(client)


# --- content -----------------------------------------------------------------------------------


async def test_huge_document(start: Start, fake: FakeCodestral, log_file: Path) -> None:
    client = await start_logged(start, log_file)  # utf-8: every é is two units
    line = "value_{:07d} = compute(alpha, beta)  # é\n"
    count = 50 * 2**20 // len(line.format(0))
    text = "".join(line.format(index) for index in range(count))
    uri = "file:///work/huge.py"
    loop = asyncio.get_running_loop()
    started = loop.time()
    open_document(client, text, uri=uri)

    # in the middle: an edit, then a completion right after it
    middle = count // 2
    change(client, uri, 2, "ZZ", (middle, 2), (middle, 7))  # "value_0..." -> "vaZZ0..."
    result = await asyncio.wait_for(inline(client, uri, middle, 4), 30)
    assert items(result) == [SUGGESTION]
    expected = text.split("\n")
    expected[middle] = "vaZZ" + expected[middle][7:]
    body = fake.last_body()
    before, after = "\n".join(expected[:middle]) + "\nvaZZ", expected[middle][4:] + "\n"
    assert before.endswith(body["prompt"]) and body["prompt"].startswith("value_")
    assert len(body["prompt"]) > 5000
    assert (after + "\n".join(expected[middle + 1 :])).startswith(body["suffix"])
    assert body["suffix"].startswith(after) and body["suffix"].endswith("\n")

    # at the end: delete most of the document, then type on the last line
    change(client, uri, 3, "", (1, 0), (count - 1, 0))
    change(client, uri, 4, "tail = ", (2, 0), (2, 0))
    assert await document_text(client, fake, uri) == expected[0] + "\n" + expected[-2] + "\ntail = "
    assert loop.time() - started < 20
    assert_no_traceback(client)


async def test_huge_single_line(start: Start, fake: FakeCodestral) -> None:
    client = await start()  # utf-8: a column is counted in bytes, over one 30 MB line
    size = 30 * 2**20
    uri = open_document(
        client, "é" + "x" * size + "\n", uri="file:///work/minified.js", language="javascript"
    )
    change(client, uri, 2, "AB", (0, 2**20), (0, 2**20))  # byte 2**20: after é and 2**20 - 2 x
    result = await asyncio.wait_for(inline(client, uri, 0, 2**20 + 2), 30)
    assert items(result) == [SUGGESTION]
    body = fake.last_body()
    assert body["prompt"].endswith("xAB") and body["suffix"].startswith("xxx")
    assert len(body["prompt"]) + len(body["suffix"]) > 5000

    change(client, uri, 3, "CD", (0, 2**31 - 1), (0, 2**31 - 1))  # the end of the line
    end_of_line = 2 + size + 2 + 2  # é, the x, AB, CD
    result = await asyncio.wait_for(inline(client, uri, 0, end_of_line), 30)
    assert items(result) == [SUGGESTION]
    body = fake.last_body()
    assert body["prompt"].endswith("xxCD") and body["suffix"] == "\n"


async def test_binary_content_is_kept(start: Start, fake: FakeCodestral) -> None:
    client = await start()
    controls = "".join(map(chr, range(32))).replace("\n", "").replace("\r", "") + "\x7f\x85"
    text = f"a = '{controls}'\nb = \x00\n"
    uri = open_document(client, text)
    assert await document_text(client, fake, uri) == text

    # raw control bytes inside a JSON string are not JSON, but some editors send them
    raw = f"{text}c = '\x00\x01\x1b'\n"
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "method": types.TEXT_DOCUMENT_DID_CHANGE,
            "params": {
                "textDocument": {"uri": uri, "version": 2},
                "contentChanges": [{"text": "@@"}],
            },
        }
    ).replace("@@", raw.replace("\n", "\\n"))
    send_raw(client, body.encode())
    assert await document_text(client, fake, uri) == raw
    await assert_still_serves(client)
    assert_no_traceback(client)


@pytest.mark.parametrize(
    ("client_name", "units"),
    # "\udc00c = " is 5 units in utf-16 and utf-32; in utf-8 the lone surrogate counts 3 (WTF-8)
    [("visual-studio-code", 5), ("neovim@v0.11.0", 7), ("emacs", 5)],
)
async def test_lone_surrogates_become_replacement_characters(
    start: Start, fake: FakeCodestral, log_file: Path, client_name: str, units: int
) -> None:
    client = await start_logged(start, log_file, client=client_name)
    uri = open_document(client, "a\ud800b\n\udc00c = ")
    result = await inline(client, uri, 1, units)
    assert isinstance(result, types.InlineCompletionList)
    [item] = result.items
    assert item.insert_text == SUGGESTION
    at = types.Position(line=1, character=units)
    assert item.range == types.Range(start=at, end=at)
    body = fake.last_body()
    assert (body["prompt"], body["suffix"]) == ("a\ufffdb\n\ufffdc = ", "")

    # positions after a replaced surrogate still name the places the editor means
    after_surrogate = {5: 2, 7: 4}[units]  # "a\ud800" in this encoding
    change(client, uri, 2, "\udbff!", (0, after_surrogate), (0, after_surrogate))
    assert await document_text(client, fake, uri) == "a\ufffd\ufffd!b\n\ufffdc = "
    assert await logged(log_file, "lone surrogates in the text were replaced with U+FFFD")
    await assert_still_serves(client)
    assert_no_traceback(client)


# --- settings ----------------------------------------------------------------------------------


async def test_settings_of_the_wrong_type(
    start: Start, fake: FakeCodestral, log_file: Path
) -> None:
    client = await start_logged(
        start,
        log_file,
        initialization_options={
            "fimLsp": {
                "enable": "yes",
                "maxTokens": [64],
                "temperature": math.inf,
                "stop": 5,
                "exclude": {"*.py": True},
                "prefixTokens": 10**30,
                "model": None,
                "timeoutMs": 1.5,
            }
        },
    )
    uri = open_document(client, "x = \n")
    assert items(await inline(client, uri, 0, 4)) == [SUGGESTION]
    body = fake.last_body()
    assert (body["model"], body["max_tokens"], body["temperature"]) == ("codestral-latest", 128, 0)
    assert "stop" not in body
    assert await wait_for(lambda: len(client.messages) >= 1)
    shown = "\n".join(m.message for m in client.messages)
    for key in ("enable", "maxTokens", "temperature", "stop", "exclude", "prefixTokens", "model"):
        assert f"fimLsp.{key} = " in shown, key
    assert await logged(log_file, "setting fimLsp.maxTokens = [64] is not valid")

    for settings in [42, "fimLsp", [1, 2], {"fimLsp": "off"}, {"fimLsp": [1]}, None]:
        client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings=settings)
        )
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"fimLsp": {"maxLines": -1, "topP": "x"}})
    )
    assert await logged(log_file, "setting fimLsp.topP = 'x' is not valid")
    await assert_still_serves(client)
    assert_no_traceback(client)


# --- the end of a session ----------------------------------------------------------------------


async def test_requests_after_shutdown_get_invalid_request(
    fake: FakeCodestral, log_file: Path
) -> None:
    client = new_client()
    await client.start_io(*SERVER, "--log-file", str(log_file), env=server_env(fake))
    try:
        await client.initialize_session(
            types.InitializeParams(capabilities=capabilities_of("neovim@v0.11.0"))
        )
        uri = open_document(client, "x = \n")
        assert items(await inline(client, uri, 0, 4)) == [SUGGESTION]
        await client.shutdown_async(None)

        for request in (
            inline(client, uri, 0, 4),
            client.shutdown_async(None),
            raw_request(client, "fimLsp/unknown", {}),
        ):
            with pytest.raises(JsonRpcException) as raised:
                await asyncio.wait_for(request, 10)
            assert_error(raised, types.ErrorCodes.InvalidRequest, "shut down")
        change(client, uri, 2, "ignored", (0, 0), (0, 0))  # a notification: no answer
        assert await logged(log_file, "request after shutdown; answered with InvalidRequest")

        client.exit(None)
        server = client._server
        assert server is not None
        assert await asyncio.wait_for(server.wait(), 10) == 0
        assert len(fake.requests) == 1
        assert_no_traceback(client)
    finally:
        await client.stop()


async def test_requests_before_initialize_get_server_not_initialized(
    fake: FakeCodestral, log_file: Path
) -> None:
    client = new_client()
    await client.start_io(*SERVER, "--log-file", str(log_file), env=server_env(fake))
    try:
        uri = open_document(client, "x = \n")  # a notification before initialize: dropped
        # (pytest-lsp's typed methods wait for initialize, so this one is sent as it is)
        early = client.protocol.send_request(
            types.TEXT_DOCUMENT_INLINE_COMPLETION, inline_params(uri, 0, 4)
        )
        with pytest.raises(JsonRpcException) as raised:
            await asyncio.wait_for(asyncio.wrap_future(early), 10)
        assert_error(raised, types.ErrorCodes.ServerNotInitialized, "not initialized")
        assert await logged(log_file, "before initialize")
        await client.initialize_session(
            types.InitializeParams(capabilities=capabilities_of("neovim@v0.11.0"))
        )
        uri = open_document(client, "x = \n")
        assert items(await inline(client, uri, 0, 4)) == [SUGGESTION]
        assert_no_traceback(client)
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_a_second_initialize_gets_an_error_and_changes_nothing(
    start: Start, fake: FakeCodestral, log_file: Path
) -> None:
    """It once reset the position encoding and the settings from initializationOptions."""
    client = await start_logged(  # Neovim 0.11: utf-8 positions
        start, log_file, initialization_options={"fimLsp": {"maxTokens": 24}}
    )
    again = {
        "capabilities": {"general": {"positionEncodings": ["utf-16"]}},
        "initializationOptions": {"fimLsp": {"maxTokens": 99}},
    }
    with pytest.raises(JsonRpcException) as raised:
        await raw_request(client, types.INITIALIZE, again)
    assert_error(raised, types.ErrorCodes.InvalidRequest, "already initialized")
    assert await logged(log_file, "initialize request a second time; answered with InvalidRequest")
    notify_raw(client, types.INITIALIZED, {})  # as an editor would next: settings applied again
    uri = open_document(client, "s = '😀'\n", uri="file:///work/again.py")
    after_emoji = len("s = '😀".encode())  # in utf-16 units, past the end of the line
    assert items(await inline(client, uri, 0, after_emoji)) == [SUGGESTION]
    body = fake.last_body()
    assert (body["prompt"], body["suffix"], body["max_tokens"]) == ("s = '😀", "'\n", 24)
    assert_no_traceback(client)
