"""The wire through pygls' own reader: what pygls would drop or answer wrongly gets the answer LSP asks for."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from lsprotocol import types

from fim_lsp.lsp.protocol import RobustProtocol, read_messages
from fim_lsp.lsp.server import FimServer, create_server


class _Editor:
    """What the server writes, as the messages an editor would read."""

    def __init__(self) -> None:
        self.output = b""

    def write(self, data: bytes) -> None:
        self.output += data

    def close(self) -> None:
        pass

    def messages(self) -> list[dict[str, Any]]:
        found, rest = [], self.output
        while rest:
            header, _, rest = rest.partition(b"\r\n\r\n")
            length = int(header.split(b"Content-Length: ")[1].split(b"\r\n")[0])
            found.append(json.loads(rest[:length]))
            rest = rest[length:]
        return found

    def answer(self, msg_id: object) -> dict[str, Any]:
        [answer] = [m for m in self.messages() if "method" not in m and m.get("id") == msg_id]
        return answer


def _framed(body: bytes | dict[str, Any]) -> bytes:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(data), data)


def _request(msg_id: int, method: str, params: Any = None) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}


@pytest.fixture
def server() -> FimServer:
    return create_server(environ={})


async def _session(server: FimServer, *messages: bytes | dict[str, Any]) -> _Editor:
    """Feed `messages` to the server as an editor would, then end the stream; what came back."""
    protocol = server.protocol
    assert isinstance(protocol, RobustProtocol)
    editor = _Editor()
    protocol.set_writer(editor)
    reader = asyncio.StreamReader()
    reader.feed_data(b"".join(_framed(message) for message in messages))
    reader.feed_eof()
    await read_messages(reader, protocol)
    await asyncio.sleep(0.01)  # let handlers that are tasks answer
    return editor


def _ready(server: FimServer) -> None:
    """As if `initialize` had been answered, without starting the providers."""
    protocol = server.protocol
    assert isinstance(protocol, RobustProtocol)
    protocol.initialize_seen = True


async def test_a_body_that_is_not_json_gets_a_parse_error_with_id_null(server: FimServer) -> None:
    editor = await _session(server, b"{not json", b"[" * 100_000, b'"just a string"')
    answers = [m for m in editor.messages() if "error" in m]
    assert [a["error"]["code"] for a in answers] == [
        types.ErrorCodes.ParseError,  # {not json
        types.ErrorCodes.ParseError,  # too deep to parse, and no id to be found
        types.ErrorCodes.InvalidRequest,  # a string is JSON, but no JSON-RPC message
    ]
    assert all(a["id"] is None and "data" not in a["error"] for a in answers)


async def test_raw_control_characters_and_bytes_not_utf8_are_read(server: FimServer) -> None:
    _ready(server)
    control = b'{"jsonrpc": "2.0", "id": 1, "method": "fimLsp/none", "params": "a\x01b"}'
    latin1 = b'{"jsonrpc": "2.0", "id": 2, "method": "fimLsp/none", "params": "caf\xe9"}'
    editor = await _session(server, control, latin1)
    for msg_id in (1, 2):  # read, so answered as an unknown method rather than a parse error
        assert editor.answer(msg_id)["error"]["code"] == types.ErrorCodes.MethodNotFound


async def test_params_that_do_not_fit_get_invalid_params(server: FimServer) -> None:
    _ready(server)
    where = {"line": "one", "character": 0}
    params = {"textDocument": {"uri": "file:///a.py"}, "position": where, "context": {}}
    editor = await _session(server, _request(3, types.TEXT_DOCUMENT_INLINE_COMPLETION, params))
    error = editor.answer(3)["error"]
    assert error["code"] == types.ErrorCodes.InvalidParams
    assert types.TEXT_DOCUMENT_INLINE_COMPLETION in error["message"] and "data" not in error


async def test_a_request_before_initialize_gets_server_not_initialized(server: FimServer) -> None:
    editor = await _session(server, _request(4, types.WORKSPACE_SYMBOL, {"query": ""}))
    assert editor.answer(4)["error"]["code"] == types.ErrorCodes.ServerNotInitialized


async def test_requests_after_shutdown_get_invalid_request(server: FimServer) -> None:
    _ready(server)
    editor = await _session(
        server,
        _request(5, types.SHUTDOWN),
        _request(6, types.SHUTDOWN),
        _request(7, types.TEXT_DOCUMENT_COMPLETION, {}),
    )
    assert editor.answer(5) == {"jsonrpc": "2.0", "id": 5, "result": None}
    for msg_id in (6, 7):
        assert editor.answer(msg_id)["error"]["code"] == types.ErrorCodes.InvalidRequest


async def test_a_failed_handler_answers_without_traceback_and_scrubbed(server: FimServer) -> None:
    _ready(server)

    @server.feature("fimLsp/fails")
    async def fails(ls: FimServer, params: object) -> None:
        raise RuntimeError("the provider said: Authorization: Bearer sk-abcdefgh12345678")

    editor = await _session(server, _request(8, "fimLsp/fails"))
    error = editor.answer(8)["error"]
    assert error["code"] == types.ErrorCodes.InternalError and "data" not in error
    assert "the provider said" in error["message"] and "sk-abcdefgh" not in error["message"]


@pytest.mark.parametrize(("shutdown_first", "status"), [(True, 0), (False, 1)])
async def test_exit_stops_reading_and_writing(
    server: FimServer, shutdown_first: bool, status: int
) -> None:
    _ready(server)
    before = [_request(9, types.SHUTDOWN)] if shutdown_first else []
    editor = await _session(
        server, *before, {"jsonrpc": "2.0", "method": "exit"}, _request(10, types.SHUTDOWN)
    )
    protocol = server.protocol
    assert isinstance(protocol, RobustProtocol)
    assert protocol.exit_status == status
    assert [m.get("id") for m in editor.messages()] == ([9] if shutdown_first else [])
    protocol.answer_error(11, types.ErrorCodes.InternalError, "late")
    assert [m.get("id") for m in editor.messages()] == ([9] if shutdown_first else [])


async def test_a_second_initialize_gets_invalid_request(server: FimServer) -> None:
    editor = await _session(
        server,
        _request(1, types.INITIALIZE, {"capabilities": {}, "rootUri": None}),
        {"jsonrpc": "2.0", "method": types.INITIALIZED, "params": {}},
        _request(2, types.INITIALIZE, {"capabilities": {}, "rootUri": None}),
    )
    assert "capabilities" in editor.answer(1)["result"]
    error = editor.answer(2)["error"]
    assert error["code"] == types.ErrorCodes.InvalidRequest and "only once" in error["message"]


async def test_an_initialize_that_cannot_be_read_may_be_sent_again(server: FimServer) -> None:
    editor = await _session(
        server,
        _request(1, types.INITIALIZE, {"capabilities": 7}),
        _request(2, types.INITIALIZE, {"capabilities": {}, "rootUri": None}),
    )
    assert editor.answer(1)["error"]["code"] == types.ErrorCodes.InvalidParams
    assert "capabilities" in editor.answer(2)["result"]


DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    ("body", "msg_id"),
    [
        ('{"jsonrpc": "2.0", "id": 12, "method": "fimLsp/none", "params": ' + DEEP + "}", 12),
        ('{"jsonrpc": "2.0", "params": ' + DEEP + ', "method": "x", "id": "later"}', "later"),
        ('{"params": {"s": "]}\\"[{", "deep": ' + DEEP + '}, "id": 13}', 13),
        ('{"jsonrpc": "2.0", "id": ' + DEEP + ', "method": "x"}', None),  # no id to be read
        ('{"jsonrpc": "2.0", "id": true, "method": "x", "params": ' + DEEP + "}", None),
        ('{"jsonrpc": "2.0", "id": 14, "method": "x", "params": ' + ("[" * 100_000), 14),
        ("[" * 100_000, None),
        ('{"a": ' * 100_000, None),
    ],
)
async def test_a_request_nested_too_deep_gets_an_error_with_its_id(
    server: FimServer, body: str, msg_id: object
) -> None:
    _ready(server)
    editor = await _session(server, body.encode(), _request(15, "fimLsp/none"))
    [answer] = [m for m in editor.messages() if m.get("id") != 15]
    assert answer["id"] == msg_id
    assert answer["error"] == {
        "code": types.ErrorCodes.ParseError,
        "message": "the message is nested too deep to read",
    }
    assert editor.answer(15)["error"]["code"] == types.ErrorCodes.MethodNotFound  # serving on


async def test_a_notification_nested_too_deep_is_not_answered(server: FimServer) -> None:
    _ready(server)
    deep = '{"jsonrpc": "2.0", "method": "fimLsp/none", "params": ' + DEEP + "}"
    editor = await _session(server, deep.encode(), _request(16, "fimLsp/none"))
    assert [m.get("id") for m in editor.messages()] == [16]
