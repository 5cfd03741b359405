"""The LSP wire, read robustly: every message is answered or logged, none is lost or fatal."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import os
import stat
import sys
import threading
from collections.abc import Coroutine, Mapping
from typing import Any

import cattrs
from lsprotocol import types
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.protocol import JsonRPCNotification, JsonRPCRequestMessage, LanguageServerProtocol

from fim_lsp.lsp.framing import MessageReader

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True, slots=True)
class _Unreadable:
    """A message naming a method whose params do not fit it: answered or logged, never dropped."""

    method: str
    id: int | str | None  # None for a notification
    problem: str
    uri: str | None  # the document the params name, if they name one


class RobustProtocol(LanguageServerProtocol):
    """pygls' protocol, but bad params, bad bytes and requests after shutdown get an answer."""

    def __init__(self, server: LanguageServer, converter: cattrs.Converter) -> None:
        super().__init__(server, converter)
        converter.register_structure_hook(types.Position, _lenient_position)
        self._initialize_seen = False

    def receive(self, body: bytes) -> None:
        """Handle one message body: whatever it holds, the server answers or logs it and carries on."""
        try:
            message = json.loads(_decode(body), object_hook=self.structure_message, strict=False)
        except ValueError as error:
            log.warning("a message is not valid JSON (%s); answered with a parse error", error)
            self.answer_error(None, types.ErrorCodes.ParseError, "the message is not valid JSON")
            return
        except Exception as error:  # e.g. a response that does not fit the request it answers
            log.warning("a message could not be read (%s); ignored", error)
            return
        try:
            self.handle_message(message)
        except Exception:
            log.exception("failed to handle a message")

    def structure_message(self, data: dict[str, Any]) -> Any:
        """Read a request or notification; one whose params do not fit becomes `_Unreadable`."""
        method = data.get("method")
        if "jsonrpc" not in data or "error" in data or not isinstance(method, str):
            return super().structure_message(data)  # nested objects and responses, as pygls does
        is_request = "id" in data
        fallback = JsonRPCRequestMessage if is_request else JsonRPCNotification
        params = data.get("params")
        problem = _not_a_string(method, params)
        if problem is None:
            try:
                return self._converter.structure(data, self.get_message_type(method) or fallback)
            except cattrs.BaseValidationError as error:
                problem = "; ".join(cattrs.transform_error(error))
            except Exception as error:
                problem = str(error)
        msg_id = data.get("id")
        return _Unreadable(
            method,
            msg_id if is_request and isinstance(msg_id, int | str) else None,
            problem,
            _uri_in(params),
        )

    def handle_message(self, message: Any) -> None:
        """Dispatch, answering what pygls would not: bad params, requests before initialize or after shutdown."""
        if not hasattr(message, "jsonrpc") and not isinstance(message, _Unreadable):
            log.warning("a message is not a JSON-RPC object; answered with an error")
            self.answer_error(None, types.ErrorCodes.InvalidRequest, "not a JSON-RPC message")
            return
        method = getattr(message, "method", None)
        msg_id = getattr(message, "id", None)
        if method == types.INITIALIZE:
            self._initialize_seen = True
        elif method not in (None, types.EXIT) and not self._initialize_seen:
            if msg_id is None:
                log.warning("%s before initialize ignored", method)
                return
            log.warning("%s request before initialize; answered with ServerNotInitialized", method)
            self.answer_error(
                msg_id, types.ErrorCodes.ServerNotInitialized, "the server is not initialized"
            )
            return
        if self._shutdown and method is not None and method != types.EXIT:
            if msg_id is None:
                log.debug("%s after shutdown ignored", method)
                return
            log.warning("%s request after shutdown; answered with InvalidRequest", method)
            self.answer_error(msg_id, types.ErrorCodes.InvalidRequest, "the server is shut down")
        elif isinstance(message, _Unreadable):
            self._unreadable(message)
        else:
            super().handle_message(message)

    def _unreadable(self, message: _Unreadable) -> None:
        if message.id is not None:
            log.warning(
                "%s request with invalid params (%s); answered with an error",
                message.method,
                message.problem,
            )
            self.answer_error(
                message.id,
                types.ErrorCodes.InvalidParams,
                f"invalid params for {message.method}: {message.problem}",
            )
            return
        log.warning("%s with invalid params (%s); ignored", message.method, message.problem)
        uri, changed = message.uri, message.method == types.TEXT_DOCUMENT_DID_CHANGE
        if changed and uri is not None and self.knows_document(uri):
            log.warning("%s may now differ from the editor's text: closed until reopened", uri)
            self.forget_document(uri)

    def answer_error(self, msg_id: int | str | None, code: int, message: str) -> None:
        """Answer request `msg_id` (None: a message whose id is unknown) with an error."""
        # a plain dict: lsprotocol would leave out `"id": null`, which JSON-RPC requires
        error = {"code": code, "message": message}
        self._send_data({"jsonrpc": self.VERSION, "id": msg_id, "error": error})

    def _send_response(
        self, msg_id: Any, result: Any | None = None, error: types.ResponseError | None = None
    ) -> None:
        if error is not None and error.data is not None:
            # pygls sends a failed handler's traceback here; it belongs in the log, which has it
            error = types.ResponseError(code=error.code, message=error.message)
        super()._send_response(msg_id, result, error)

    def knows_document(self, uri: str) -> bool:
        """Whether `uri` is open (the server's subclass knows its documents)."""
        return False

    def forget_document(self, uri: str) -> None:
        """Drop a document whose text may now differ from the editor's."""


_UINTEGER_MAX = 2**31 - 1


def _lenient_position(value: Any, _: type) -> types.Position:
    """Read a position whose numbers LSP forbids (negative, over 2**31 - 1) as the nearest allowed.

    The document then clamps it like any position past a line's or the document's end.
    """
    line, character = value["line"], value["character"]
    if type(line) is not int or type(character) is not int:
        raise TypeError("a position's line and character must be whole numbers")
    clamped = types.Position(
        line=min(max(line, 0), _UINTEGER_MAX), character=min(max(character, 0), _UINTEGER_MAX)
    )
    if (clamped.line, clamped.character) != (line, character):
        log.warning(
            "position %d:%d is outside LSP's range; read as %d:%d",
            line,
            character,
            clamped.line,
            clamped.character,
        )
    return clamped


def _uri_in(params: object) -> str | None:
    """The URI of the text document `params` name, if they name one."""
    document = params.get("textDocument") if isinstance(params, Mapping) else None
    uri = document.get("uri") if isinstance(document, Mapping) else None
    return uri if isinstance(uri, str) else None


def _not_a_string(method: str, params: object) -> str | None:
    """A URI or document text that is no string, which cattrs would quietly turn into one."""
    if not isinstance(params, Mapping):
        return None
    document = params.get("textDocument")
    if isinstance(document, Mapping) and not isinstance(document.get("uri"), str):
        return "textDocument.uri is not a string"
    texts: list[object] = []
    if method == types.TEXT_DOCUMENT_DID_OPEN and isinstance(document, Mapping):
        texts = [document.get("text")]
    changes = params.get("contentChanges")
    if method == types.TEXT_DOCUMENT_DID_CHANGE and isinstance(changes, list):
        texts = [each.get("text") if isinstance(each, Mapping) else None for each in changes]
    if not all(isinstance(text, str) for text in texts):
        return "a document text is not a string"
    return None


def _decode(body: bytes) -> str:
    """A message body as text; LSP says UTF-8, but a bad byte must not cost the whole message."""
    try:
        return body.decode("utf-8", "surrogatepass")  # lone surrogates are scrubbed by documents
    except UnicodeDecodeError:
        log.warning("a message is not valid UTF-8; its undecodable bytes became U+FFFD")
        return body.decode("utf-8", "replace")


async def read_messages(
    reader: asyncio.StreamReader, protocol: RobustProtocol, stop: threading.Event
) -> None:
    """Hand each message body to `protocol` until the editor closes the stream or `stop` is set."""
    messages = MessageReader(reader)
    while not stop.is_set():
        body = await messages.next_body()
        if body is None:
            break
        protocol.receive(body)


def serve_stdio(server: LanguageServer) -> int:
    """Serve LSP over stdin/stdout; returns the exit status the LSP spec asks for.

    stdin is read on the event loop: pygls' own reader hops to a thread for every header line and
    body, which costs about half a millisecond per message. Each body goes to
    `RobustProtocol.receive`, which answers or logs what pygls' reader would drop without a word.
    """
    if stat.S_ISREG(os.fstat(sys.stdin.fileno()).st_mode):  # a file cannot be watched by the loop
        server.start_io()
        return 0
    return _serve(server, _serve_stdio(server))


def serve_tcp(server: LanguageServer, host: str, port: int) -> int:
    """Serve LSP to one editor over TCP, read as robustly as stdio; returns the exit status."""
    return _serve(server, _serve_tcp(server, host, port))


def _serve(server: LanguageServer, serving: Coroutine[Any, Any, int]) -> int:
    try:
        return asyncio.run(serving)
    except SystemExit as leaving:  # the `exit` notification: 0 after `shutdown`, else 1
        return leaving.code if isinstance(leaving.code, int) else 0
    except BrokenPipeError:
        log.error("the editor closed the connection")
        return 1
    finally:
        server.shutdown()  # type: ignore[no-untyped-call]


def _robust(server: LanguageServer) -> tuple[RobustProtocol, threading.Event]:
    protocol = server.protocol
    assert isinstance(protocol, RobustProtocol)
    stop = threading.Event()
    server._stop_event = stop  # pygls' shutdown() sets it
    return protocol, stop


async def _serve_stdio(server: LanguageServer) -> int:
    protocol, stop = _robust(server)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin.buffer)
    protocol.set_writer(StdoutWriter(sys.stdout.buffer))
    await read_messages(reader, protocol, stop)
    return 0


async def _serve_tcp(server: LanguageServer, host: str, port: int) -> int:
    protocol, stop = _robust(server)
    ended = asyncio.Event()

    async def serve_editor(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if protocol.writer is not None:
            log.warning("a second connection was refused: a server serves one editor")
            writer.close()
            return
        protocol.set_writer(writer)
        try:
            await read_messages(reader, protocol, stop)
        finally:
            ended.set()

    try:
        listening = await asyncio.start_server(serve_editor, host, port)
    except OSError as error:
        log.error("cannot listen on %s:%d: %s", host, port, error.strerror or error)
        return 1
    log.info("serving LSP on %s", ", ".join(str(s.getsockname()) for s in listening.sockets))
    async with listening:
        await ended.wait()
    return 0
