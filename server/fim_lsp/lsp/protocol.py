"""The LSP wire through pygls' own reader: every message is answered or logged, none is lost or fatal."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import os
import re
import stat
import sys
import threading
from collections.abc import Coroutine, Mapping
from typing import Any, NoReturn

import cattrs
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.io_ import StdoutWriter, run_async
from pygls.lsp.server import LanguageServer
from pygls.protocol import JsonRPCNotification, JsonRPCRequestMessage, LanguageServerProtocol

from fim_lsp.privacy.scrub import SCRUBBER

log = logging.getLogger(__name__)
# pygls' loop logs every message it cannot read with a traceback at ERROR; `read_again` says it in
# one line instead (the traceback at DEBUG), so the loop's own records above DEBUG are dropped.
_LOOP_LOG = logging.getLogger(__name__ + ".loop")
_LOOP_LOG.addFilter(lambda record: record.levelno < logging.ERROR)
# After `exit`, or when the editor closes the stream, the work in flight gets this long to end
# once cancelled; the process ends by EXIT_DEADLINE at the latest, whatever still runs.
CANCEL_GRACE = 0.2
EXIT_DEADLINE = 0.4


# Requests refused by the state of the session: when, the error code, and the error's message.
_Refusal = tuple[str, types.ErrorCodes, str]
_NOT_INITIALIZED: _Refusal = (
    "before initialize",
    types.ErrorCodes.ServerNotInitialized,
    "the server is not initialized",
)
_SECOND_INITIALIZE: _Refusal = (
    "a second time",
    types.ErrorCodes.InvalidRequest,
    "the server is already initialized: initialize may be sent only once",
)
_SHUT_DOWN: _Refusal = (
    "after shutdown",
    types.ErrorCodes.InvalidRequest,
    "the server is shut down",
)


@dataclasses.dataclass(frozen=True, slots=True)
class _Unreadable:
    """A message naming a method whose params do not fit it: answered or logged, never dropped."""

    method: str
    id: int | str | None  # None for a notification
    problem: str
    uri: str | None  # the document the params name, if they name one


class RobustProtocol(LanguageServerProtocol):
    """pygls' protocol, through its public seams, answering what pygls leaves unanswered.

    pygls drops a request whose params do not fit its method, and every request after `shutdown`,
    without an answer; it answers a request before `initialize` as if the server were ready, and
    a second `initialize` as if it were the first; a message that is not JSON, not UTF-8, or
    nested too deep for the parser is only logged; a failed handler's traceback goes to the editor
    in the error's data; and `exit` closes stdout and raises SystemExit inside the loop, so every
    request still running fails to answer with a traceback while the process winds down. Here
    `structure_message` and `handle_message` (the methods pygls' loop calls for each message)
    answer those requests and end the session on `exit`, `read_again` (the loop's error handler)
    reads again what `json.loads` refused, and the converter pygls hands us writes every error
    answer without data and with its message scrubbed.
    """

    def __init__(self, server: LanguageServer, converter: cattrs.Converter) -> None:
        super().__init__(server, converter)
        converter.register_structure_hook(types.Position, _lenient_position)
        converter.register_unstructure_hook(types.ResponseErrorMessage, _error_answer)
        self.converter = converter
        self.initialize_seen = False
        self.shutdown_seen = False
        self.exit_status: int | None = None  # set by `exit`: 0 after `shutdown`, else 1
        self.leaving = threading.Event()  # stops the read loop: `exit` was read
        self.last_body = b""  # the body the read loop read last, for `read_again`

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
                return self.converter.structure(data, self.get_message_type(method) or fallback)
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
        """Dispatch, answering what pygls would not: bad params, requests before initialize or after
        shutdown, a second initialize; `exit` ends the session here, not in pygls."""
        if not hasattr(message, "jsonrpc") and not isinstance(message, _Unreadable):
            log.warning("a message is not a JSON-RPC object; answered with an error")
            self.answer_error(None, types.ErrorCodes.InvalidRequest, "not a JSON-RPC message")
            return
        method = getattr(message, "method", None)
        msg_id = getattr(message, "id", None)
        if method == types.EXIT:  # whatever its params: the editor is leaving
            self.leave()
            return
        refusal = None
        if method == types.INITIALIZE and self.initialize_seen:
            refusal = _SECOND_INITIALIZE
        elif method == types.INITIALIZE:
            # one whose params cannot be read is answered with InvalidParams and may come again
            self.initialize_seen = not isinstance(message, _Unreadable)
        elif method is not None and not self.initialize_seen:
            refusal = _NOT_INITIALIZED
        elif method is not None and self.shutdown_seen:
            refusal = _SHUT_DOWN
        if refusal is not None:
            when, code, answer = refusal
            if msg_id is None:  # editors send didChange and the like after shutdown: no news
                level = logging.DEBUG if refusal is _SHUT_DOWN else logging.WARNING
                log.log(level, "%s %s ignored", method, when)
                return
            log.warning("%s request %s; answered with %s", method, when, code.name)
            self.answer_error(msg_id, code, answer)
        elif isinstance(message, _Unreadable):
            self._unreadable(message)
        else:
            if method == types.SHUTDOWN:
                self.shutdown_seen = True  # the spec: every request after this one is refused
            super().handle_message(message)

    def leave(self) -> None:
        """`exit`: read nothing more, write nothing more, and end with the status LSP asks for.

        The requests still running are cancelled when the read loop has ended; their answers go
        nowhere, since the editor no longer reads them.
        """
        self.exit_status = 0 if self.shutdown_seen else 1
        log.info("exit: the server ends with status %d", self.exit_status)
        self.set_writer(_Gone())
        self.leaving.set()

    def read_again(self, error: Exception, _source: type[JsonRpcException]) -> None:
        """pygls' loop could not read or handle a message: read it again, leniently, or say why not.

        LSP says UTF-8, but a bad byte must not cost the whole message (it becomes U+FFFD), and
        some editors put raw control characters in JSON strings; anything else that is not JSON is
        answered with a parse error, as JSON-RPC asks.
        """
        if isinstance(error, RecursionError):  # json.loads gives up on deep nesting, valid or not
            self._too_deep(self.last_body.decode("utf-8", "replace"))
            return
        if isinstance(error, UnicodeDecodeError) and isinstance(error.object, bytes):
            log.warning("a message is not valid UTF-8; its undecodable bytes became U+FFFD")
            text = error.object.decode("utf-8", "replace")
        elif isinstance(error, json.JSONDecodeError):
            text = error.doc
        else:
            log.warning("a message could not be read (%s); ignored", error)
            log.debug("the message's traceback", exc_info=error)
            return
        try:
            message = json.loads(text, object_hook=self.structure_message, strict=False)
        except RecursionError:
            self._too_deep(text)
            return
        except ValueError as again:
            log.warning("a message is not valid JSON (%s); answered with a parse error", again)
            self.answer_error(None, types.ErrorCodes.ParseError, "the message is not valid JSON")
            return
        except Exception as again:
            log.warning("a message could not be read (%s); ignored", again)
            return
        try:
            self.handle_message(message)
        except Exception:
            log.exception("failed to handle a message")

    def _too_deep(self, text: str) -> None:
        """Answer a message nested deeper than the parser goes: with its id, when its top level
        (read without recursion) has one; not at all when that says it is a notification."""
        members = _top_level(text)
        msg_id = members.get("id")
        method = members.get("method")
        if "id" not in members and isinstance(method, str):
            log.warning("a %s notification is nested too deep to read; ignored", method)
            return
        if not isinstance(msg_id, int | str) or isinstance(msg_id, bool):
            msg_id = None  # JSON-RPC: null when the id cannot be known
        log.warning(
            "a message (%s) is nested too deep to read; answered with a parse error",
            method if isinstance(method, str) else "no method",
        )
        self.answer_error(
            msg_id, types.ErrorCodes.ParseError, "the message is nested too deep to read"
        )

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
        if self.writer is None:
            log.error("no editor to answer")
            return
        answer = types.ResponseErrorMessage(
            id=msg_id, error=types.ResponseError(code=code, message=message)
        )
        body = json.dumps(self.converter.unstructure(answer)).encode()
        # framed as pygls frames what it sends; our writers (stdout, a TCP stream) write at once
        self.writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

    def knows_document(self, uri: str) -> bool:
        """Whether `uri` is open (the server's subclass knows its documents)."""
        return False

    def forget_document(self, uri: str) -> None:
        """Drop a document whose text may now differ from the editor's."""


def _error_answer(answer: types.ResponseErrorMessage) -> dict[str, Any]:
    """An error answer as JSON-RPC writes it: `"id": null` kept (lsprotocol would leave it out),
    no data (pygls puts a failed handler's traceback there; the log has it), the message scrubbed."""
    code, message = (
        (answer.error.code, answer.error.message)
        if answer.error
        else (types.ErrorCodes.InternalError, "")
    )
    error = {"code": code, "message": SCRUBBER(message)}
    return {"jsonrpc": answer.jsonrpc, "id": answer.id, "error": error}


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


_DECODER = json.JSONDecoder(strict=False)
_SPACE = re.compile(r"[ \t\n\r]*")
_BRACKETS_OR_QUOTE = re.compile(r'"|[\[{]+|[\]}]+')  # deep nesting comes in runs


def _top_level(text: str) -> dict[str, Any]:
    """The members of the JSON object `text`, read without recursion however deep they go: arrays
    and objects as `...`; what was read before an error, or {} if `text` is no object."""
    members: dict[str, Any] = {}
    at = _skip_space(text, 0)
    if not text.startswith("{", at):
        return members
    at += 1
    try:
        while True:
            at = _skip_space(text, at)
            if not text.startswith('"', at):
                return members  # "}" ends the object; anything else is broken
            key, at = _DECODER.raw_decode(text, at)
            at = _skip_space(text, at)
            if not text.startswith(":", at):
                return members
            at = _skip_space(text, at + 1)
            if text.startswith(("[", "{"), at):
                members[key], at = ..., _past_nested(text, at)  # there, but not read
            else:
                members[key], at = _DECODER.raw_decode(text, at)
            at = _skip_space(text, at)
            if not text.startswith(",", at):
                return members
            at += 1
    except ValueError:  # a broken string or value
        return members


def _skip_space(text: str, at: int) -> int:
    found = _SPACE.match(text, at)
    return found.end() if found else at


def _past_nested(text: str, at: int) -> int:
    """Where the array or object that starts at `at` ends (the end of `text` if it never does)."""
    depth = 0
    while found := _BRACKETS_OR_QUOTE.search(text, at):
        run, at = found.group(), found.end()
        if run == '"':
            at = _DECODER.raw_decode(text, at - 1)[1]
        elif run[0] in "[{":
            depth += len(run)
        elif len(run) >= depth:
            return found.start() + depth
        else:
            depth -= len(run)
    return len(text)


class _Recording:
    """The reader pygls' loop reads from, keeping the last body for `read_again`."""

    def __init__(self, reader: asyncio.StreamReader, protocol: RobustProtocol) -> None:
        self._reader = reader
        self._protocol = protocol

    async def readline(self) -> bytes:
        return await self._reader.readline()

    async def readexactly(self, n: int) -> bytes:
        body = await self._reader.readexactly(n)
        self._protocol.last_body = body
        return body


class _Gone:
    """The writer once the editor has left: whatever is still answered goes nowhere."""

    def write(self, data: bytes) -> None:
        pass

    def close(self) -> None:
        pass


async def read_messages(reader: asyncio.StreamReader, protocol: RobustProtocol) -> None:
    """Hand each message from `reader` to `protocol` with pygls' own loop, until the editor closes
    the stream or says `exit`."""
    recording = _Recording(reader, protocol)
    while not protocol.leaving.is_set():
        try:
            await run_async(protocol.leaving, recording, protocol, _LOOP_LOG, protocol.read_again)
            return
        except asyncio.IncompleteReadError:
            log.warning("the editor closed the stream in the middle of a message")
            return
        except ValueError as error:  # a header line over the reader's limit, dropped by asyncio
            log.warning("skipped input that is not a message header (%s)", error)


def serve_stdio(server: LanguageServer) -> NoReturn:
    """Serve LSP over stdin/stdout, then end the process with the exit status LSP asks for.

    stdin is read on the event loop, as an asyncio stream: pygls' `start_io` reads it on a thread,
    a hop for every header line and body, and always ends with status 0.
    """
    _serve(server, _serve_stdio(server))


def serve_tcp(server: LanguageServer, host: str, port: int) -> NoReturn:
    """Serve LSP to one editor over TCP, read as stdio is, then end the process likewise.

    pygls' `start_tcp` would serve any number of connections with one protocol and log, not
    answer, what it cannot read.
    """
    _serve(server, _serve_tcp(server, host, port))


def _serve(server: LanguageServer, serving: Coroutine[Any, Any, int]) -> NoReturn:
    """Serve, and end the process within EXIT_DEADLINE of the editor leaving.

    The end skips the interpreter's own teardown, which has nothing left to do for us once the log
    is written: freeing lsprotocol's and cattrs' thousands of classes and hooks took 100 ms on an
    idle machine and up to 700 ms on a busy one, while the editor waits for the process.
    """
    try:
        status = asyncio.run(_until_the_editor_leaves(_robust(server), serving))
    except BrokenPipeError:
        log.error("the editor closed the connection")
        status = 1
    finally:
        server.shutdown()  # type: ignore[no-untyped-call]
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


async def _until_the_editor_leaves(
    protocol: RobustProtocol, serving: Coroutine[Any, Any, int]
) -> int:
    """Serve; once the editor has left (`exit`, or the stream closed), end the work in flight now.

    Left to `asyncio.run`, the requests and provider streams still running would be cancelled
    one by one, each answering an editor that is gone, and a thread still working (a git call)
    would hold the process; the editor may wait for the process before it starts a new one.
    """
    status = await serving
    protocol.set_writer(_Gone())
    _end_by(EXIT_DEADLINE, status)
    this = asyncio.current_task()
    running = [task for task in asyncio.all_tasks() if task is not this]
    for task in running:
        task.cancel()
    if running:
        ended, still = await asyncio.wait(running, timeout=CANCEL_GRACE)
        for task in ended:
            if not task.cancelled() and task.exception() is not None:
                log.debug("work failed as it was cancelled: %r", task.exception())
        if still:
            log.warning("%d tasks still running after the editor left", len(still))
    return status


def _end_by(seconds: float, status: int) -> None:
    """End the process with `status` in `seconds` if it has not ended by then: a task that will
    not be cancelled or a thread still working (a git call) must not hold it."""

    def end() -> None:
        log.warning("the server still runs %.1f s after the editor left; ending it", seconds)
        os._exit(status)

    timer = threading.Timer(seconds, end)
    timer.daemon = True
    timer.start()


def _robust(server: LanguageServer) -> RobustProtocol:
    protocol = server.protocol
    assert isinstance(protocol, RobustProtocol)
    return protocol


async def _serve_stdio(server: LanguageServer) -> int:
    protocol = _robust(server)
    protocol.set_writer(StdoutWriter(sys.stdout.buffer))
    await read_messages(await _stdin_reader(), protocol)
    return protocol.exit_status or 0  # the stream closed without `exit`: 0, as ever


async def _stdin_reader() -> asyncio.StreamReader:
    reader = asyncio.StreamReader()
    stdin = sys.stdin.buffer
    if stat.S_ISREG(os.fstat(stdin.fileno()).st_mode):  # the loop cannot watch a file: read it all
        reader.feed_data(await asyncio.to_thread(stdin.read))
        reader.feed_eof()
        return reader
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), stdin)
    return reader


async def _serve_tcp(server: LanguageServer, host: str, port: int) -> int:
    protocol = _robust(server)
    ended = asyncio.Event()

    async def serve_editor(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if protocol.writer is not None:
            log.warning("a second connection was refused: a server serves one editor")
            writer.close()
            return
        protocol.set_writer(writer)
        try:
            await read_messages(reader, protocol)
        finally:
            writer.close()
            ended.set()

    try:
        listening = await asyncio.start_server(serve_editor, host, port)
    except OSError as error:
        log.error("cannot listen on %s:%d: %s", host, port, error.strerror or error)
        return 1
    log.info("serving LSP on %s", ", ".join(str(s.getsockname()) for s in listening.sockets))
    async with listening:
        await ended.wait()
    return protocol.exit_status or 0
