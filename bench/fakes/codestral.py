"""A fake Mistral/Codestral FIM server speaking the real HTTP/1.1 + SSE wire protocol on 127.0.0.1."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import email.utils
import http
import json
import math
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal, Self, get_args

FIM_PATH = "/v1/fim/completions"
DEFAULT_KEY = "fake-test-key-0000"
DEFAULT_MODELS: frozenset[str] = frozenset({"codestral-latest", "codestral-2508", "codestral-2501"})
DEFAULT_COMPLETION = " fake_codestral_completion(a, b)\n    return result\n"
INVALID_MODEL_STATUS = 400
ALLOWED_FIELDS: tuple[str, ...] = (
    "model",
    "prompt",
    "suffix",
    "temperature",
    "top_p",
    "max_tokens",
    "min_tokens",
    "stream",
    "stop",
    "random_seed",
    "metadata",
    "prompt_cache_key",
)

Mode = Literal["finish_error", "stall", "json_instead_of_sse", "drop", "slow_headers"]
MODES: frozenset[str] = frozenset(get_args(Mode))
Completion = str | Callable[[str, str], str]
Json = dict[str, Any]

_MAX_HEAD = 64 * 1024
_MAX_BODY = 64 * 1024 * 1024


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the fake received it; ``headers`` has lower-cased names."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: Any
    raw_body: bytes

    def header(self, name: str, default: str | None = None) -> str | None:
        """Case-insensitive header lookup."""
        return self.headers.get(name.lower(), default)

    def __repr__(self) -> str:
        shown = {k: ("<redacted>" if k == "authorization" else v) for k, v in self.headers.items()}
        return (
            f"RecordedRequest(method={self.method!r}, path={self.path!r}, query={self.query!r}, "
            f"headers={shown!r}, body={self.body!r})"
        )


@dataclass
class _Fault:
    status: int
    body: Json | str | None
    headers: dict[str, str]


class _Hold:
    """One ``hold_after`` gate: streams that started while it was armed wait on it."""

    def __init__(self, after: int) -> None:
        self.after = after
        self.released = False
        self.waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = []


def _open_gate(gate: asyncio.Future[None]) -> None:
    if not gate.done():
        gate.set_result(None)


@dataclass
class _Request:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    keep_alive: bool


class _BadRequest(Exception):
    pass


class _ClientGone(Exception):
    pass


class _Conn:
    """A buffered view of one accepted socket."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.buf = bytearray()

    async def fill(self) -> bool:
        """Read more bytes into the buffer; False on EOF or a reset connection."""
        try:
            data = await self.reader.read(65536)
        except OSError:
            return False
        if not data:
            return False
        self.buf += data
        return True

    async def read_head(self) -> bytes | None:
        """The request head without its final blank line, or None on a clean EOF between requests."""
        while (end := self.buf.find(b"\r\n\r\n")) < 0:
            if len(self.buf) > _MAX_HEAD:
                raise _BadRequest("request head too large")
            if not await self.fill():
                if self.buf.strip():
                    raise _ClientGone
                return None
        head = bytes(self.buf[:end])
        del self.buf[: end + 4]
        return head

    async def read_exact(self, n: int) -> bytes:
        while len(self.buf) < n:
            if not await self.fill():
                raise _ClientGone
        data = bytes(self.buf[:n])
        del self.buf[:n]
        return data

    async def read_line(self) -> bytes:
        while (end := self.buf.find(b"\r\n")) < 0:
            if len(self.buf) > _MAX_HEAD:
                raise _BadRequest("line too long")
            if not await self.fill():
                raise _ClientGone
        line = bytes(self.buf[:end])
        del self.buf[: end + 2]
        return line

    async def read_chunked(self) -> bytes:
        body = bytearray()
        while True:
            line = await self.read_line()
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError as exc:
                raise _BadRequest("bad chunk size") from exc
            if size == 0:
                while await self.read_line():
                    pass  # trailers
                return bytes(body)
            if len(body) + size > _MAX_BODY:
                raise _BadRequest("body too large")
            body += await self.read_exact(size)
            if await self.read_exact(2) != b"\r\n":
                raise _BadRequest("bad chunk terminator")


class _Watch:
    """Watches the client side of a connection for EOF while a response is produced."""

    def __init__(self, conn: _Conn) -> None:
        self._conn = conn
        self._task: asyncio.Task[None] = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        while await self._conn.fill():
            pass  # pipelined bytes stay buffered for the next request

    @property
    def gone(self) -> bool:
        return self._task.done()

    async def sleep(self, seconds: float | None) -> bool:
        """Sleep (forever if None); False as soon as the client disconnects."""
        if self.gone:
            return False
        if seconds is not None and seconds <= 0:
            return True
        await asyncio.wait({self._task}, timeout=seconds)
        return not self.gone

    async def wait(self, gate: asyncio.Future[None]) -> bool:
        """Wait until ``gate`` is done; False as soon as the client disconnects."""
        if self.gone:
            return False
        await asyncio.wait({self._task, gate}, return_when=asyncio.FIRST_COMPLETED)
        return not self.gone

    async def stop(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


def _pyd_error(kind: str, loc: list[str | int], msg: str, value: Any, **ctx: Any) -> Json:
    err: Json = {"type": kind, "loc": loc, "msg": msg, "input": value}
    if ctx:
        err["ctx"] = ctx
    return err


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_str(name: str, value: Any, errors: list[Json]) -> None:
    if not isinstance(value, str):
        errors.append(
            _pyd_error("string_type", ["body", name], "Input should be a valid string", value)
        )


def _check_float(name: str, value: Any, errors: list[Json], lo: float, hi: float | None) -> None:
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            errors.append(
                _pyd_error(
                    "float_parsing",
                    ["body", name],
                    "Input should be a valid number, unable to parse string as a number",
                    value,
                )
            )
            return
    if not _is_number(value):
        errors.append(
            _pyd_error("float_type", ["body", name], "Input should be a valid number", value)
        )
        return
    _check_range(name, value, errors, lo, hi)


def _check_int(name: str, value: Any, errors: list[Json]) -> None:
    loc: list[str | int] = ["body", name]
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        errors.append(_pyd_error("int_type", loc, "Input should be a valid integer", value))
    elif isinstance(value, float) and not value.is_integer():
        msg = "Input should be a valid integer, got a number with a fractional part"
        errors.append(_pyd_error("int_from_float", loc, msg, value))
    elif isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            msg = "Input should be a valid integer, unable to parse string as an integer"
            errors.append(_pyd_error("int_parsing", loc, msg, value))
            return
        _check_range(name, value, errors, 0, None)
    else:
        _check_range(name, value, errors, 0, None)


def _check_range(name: str, value: float, errors: list[Json], lo: float, hi: float | None) -> None:
    if value < lo:
        errors.append(
            _pyd_error(
                "greater_than_equal",
                ["body", name],
                f"Input should be greater than or equal to {lo:g}",
                value,
                ge=lo,
            )
        )
    elif hi is not None and value > hi:
        errors.append(
            _pyd_error(
                "less_than_equal",
                ["body", name],
                f"Input should be less than or equal to {hi:g}",
                value,
                le=hi,
            )
        )


def validate_fim_body(body: Any) -> list[Json]:
    """Pydantic/FastAPI-style validation errors for a FIM request body (empty list when valid).

    Types and ``extra_forbidden`` follow the API; the numeric ranges (temperature >= 0,
    0 <= top_p <= 1, token counts and random_seed >= 0) are this fake's assumption.
    """
    if not isinstance(body, dict):
        return [
            _pyd_error(
                "model_attributes_type",
                ["body"],
                "Input should be a valid dictionary or object to extract fields from",
                body,
            )
        ]
    errors: list[Json] = []
    for name in ("model", "prompt"):
        if name not in body:
            errors.append(_pyd_error("missing", ["body", name], "Field required", body))
        else:
            _check_str(name, body[name], errors)
    for name in ALLOWED_FIELDS:
        value = body.get(name)
        if name in ("model", "prompt") or value is None:
            continue
        if name in ("suffix", "prompt_cache_key"):
            _check_str(name, value, errors)
        elif name == "temperature":
            _check_float(name, value, errors, 0.0, None)
        elif name == "top_p":
            _check_float(name, value, errors, 0.0, 1.0)
        elif name in ("max_tokens", "min_tokens", "random_seed"):
            _check_int(name, value, errors)
        elif name == "stream":
            if not isinstance(value, bool):
                errors.append(
                    _pyd_error(
                        "bool_type", ["body", name], "Input should be a valid boolean", value
                    )
                )
        elif name == "stop":
            ok = isinstance(value, str) or (
                isinstance(value, list) and all(isinstance(s, str) for s in value)
            )
            if not ok:
                errors.append(
                    _pyd_error(
                        "string_type",
                        ["body", name, "str"],
                        "Input should be a valid string",
                        value,
                    )
                )
                errors.append(
                    _pyd_error(
                        "list_type",
                        ["body", name, "list[str]"],
                        "Input should be a valid list",
                        value,
                    )
                )
        elif name == "metadata" and not isinstance(value, dict):
            errors.append(
                _pyd_error("dict_type", ["body", name], "Input should be a valid dictionary", value)
            )
    for name, value in body.items():
        if name not in ALLOWED_FIELDS:
            errors.append(
                _pyd_error(
                    "extra_forbidden", ["body", name], "Extra inputs are not permitted", value
                )
            )
    return errors


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def _request_id() -> str:
    return uuid.uuid4().hex


class FakeCodestral:
    """A fake ``POST /v1/fim/completions`` server for tests; see the attributes below.

    Settings (plain attributes, settable from any thread at any time; a request reads them
    when it starts):

    - ``completion``: the text, or ``(prompt, suffix) -> text`` (called on the fake's loop
      thread; ``suffix`` is ``""`` when absent or null).
    - ``chunk_chars``: characters per streamed piece; one piece counts as one token for
      ``max_tokens`` (more pieces than ``max_tokens`` -> cut, ``finish_reason: "length"``).
      A ``stop`` string cuts the text before its first occurrence (``finish_reason: "stop"``,
      which is also the reason when nothing was cut).
    - ``chunk_delay``: seconds before each content event (non-streaming: the sum, before the
      response is sent). One piece is one token, so this is the time per token.
    - ``tokens_per_second``: the same knob as a rate: setting it (> 0) sets ``chunk_delay`` to
      ``1 / tokens_per_second``; reading it gives ``1 / chunk_delay`` (``math.inf`` when 0).
    - ``first_token_delay``: seconds between the role-only first event and the first content
      event (time to first token), in addition to that event's ``chunk_delay``: the first
      content event comes ``first_token_delay + chunk_delay`` after the headers. Non-streaming:
      added to the wait before the response.
    - ``known_models``: other models get ``400`` ``invalid_model`` (``INVALID_MODEL_STATUS``).
    - ``mode`` / ``set_mode(mode, count)``: in-stream fault for successful FIM requests:
      ``"finish_error"`` (the first half of the pieces, then a final event with
      ``finish_reason: "error"``, usage and ``[DONE]``; non-streaming: that half with
      ``"error"``), ``"stall"`` (streaming: headers and the role event, then nothing until the
      client disconnects; non-streaming: no response at all), ``"json_instead_of_sse"``
      (``200 application/json`` completion body although ``stream`` was true), ``"drop"``
      (streaming: role event and the first half of the pieces, then the connection is closed
      without the terminating chunk and without ``[DONE]``; non-streaming: closed without a
      response), ``"slow_headers"`` (sleep ``slow_headers_delay`` seconds before the status
      line).
    - ``fail_next(status, body, headers, count)``: the next ``count`` requests to the FIM route
      get this response instead, before auth and validation (like a gateway).
    - ``hold_after(n)`` / ``release()``: a gate for deterministic tests. Every streaming
      response that starts after ``hold_after(n)`` and before ``release()`` sends the role event
      and its first ``n`` content events (fewer if it has fewer: then it holds before
      ``[DONE]``), then waits, still connected and watching for a disconnect, until
      ``release()`` (from any thread) lets it finish normally. ``release()`` also disarms the
      gate, so later responses are not held.

    Order of checks: route (404) -> method (405) -> injected fault -> auth (401) -> JSON (422
    ``json_invalid``) -> fields (422) -> model (400) -> completion.

    Observations (thread-safe): ``requests`` (snapshot list of ``RecordedRequest``, every
    route), ``last_body()``, ``connections`` (accepted TCP connections), ``disconnects``
    (clients that closed before a FIM response was completely sent), ``wait_for_requests``,
    ``wait_for_disconnect``; for streaming responses: ``chunks_sent`` (content events written:
    every event after the role event and before ``[DONE]``), ``chunks_aborted`` (those of them
    written on streams the client then abandoned), ``completed`` (streams that wrote
    ``[DONE]``), ``held`` (streams waiting at a ``hold_after`` gate), ``wait_for_chunks``,
    ``wait_for_completed``, ``wait_for_held``. ``reset()`` restores the constructor settings and
    clears modes, faults, the gate (releasing held streams), recordings and counters.
    """

    def __init__(
        self,
        *,
        api_key: str = DEFAULT_KEY,
        completion: Completion = DEFAULT_COMPLETION,
        known_models: frozenset[str] | set[str] = DEFAULT_MODELS,
        chunk_chars: int = 4,
        chunk_delay: float = 0.0,
        first_token_delay: float = 0.0,
        tokens_per_second: float | None = None,
        slow_headers_delay: float = 5.0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        """``tokens_per_second``, when given, overrides ``chunk_delay``."""
        if tokens_per_second is not None:
            chunk_delay = _per_token(tokens_per_second)
        self._api_key = api_key
        self._host = host
        self._port = port
        self._defaults = (completion, frozenset(known_models), chunk_chars, chunk_delay)
        self._defaults_slow = slow_headers_delay
        self._defaults_first = first_token_delay
        self.completion: Completion = completion
        self.known_models: frozenset[str] = frozenset(known_models)
        self.chunk_chars = chunk_chars
        self.chunk_delay = chunk_delay
        self.first_token_delay = first_token_delay
        self.slow_headers_delay = slow_headers_delay
        self.mode: Mode | None = None
        self._mode_left: int | None = None

        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._requests: list[RecordedRequest] = []
        self._faults: deque[_Fault] = deque()
        self._connections = 0
        self._disconnects = 0
        self._chunks_sent = 0
        self._chunks_aborted = 0
        self._completed = 0
        self._held = 0
        self._hold: _Hold | None = None

        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._bound_port: int | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> Self:
        """Bind and serve on a daemon thread; returns self."""
        if self._thread is not None:
            raise RuntimeError("FakeCodestral already started")
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="fake-codestral", daemon=True)
        thread.start()
        self._loop, self._thread = loop, thread
        try:
            fut = asyncio.run_coroutine_threadsafe(self._start_server(), loop)
            self._bound_port = fut.result(timeout=10)
        except BaseException:
            self.stop()
            raise
        return self

    async def _start_server(self) -> int:
        self._server = await asyncio.start_server(self._handle, self._host, self._port)
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    def stop(self) -> None:
        """Close the listener and every open connection, then end the loop thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if loop.is_running():
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=10)
            loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        if not thread.is_alive():
            loop.close()
        self._loop = self._thread = self._server = None
        self._bound_port = None

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    def __enter__(self) -> Self:
        return self if self._thread is not None else self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._bound_port is None:
            raise RuntimeError("FakeCodestral is not started")
        return self._bound_port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash, no ``/v1``)."""
        return f"http://{self._host}:{self.port}"

    @property
    def api_key(self) -> str:
        return self._api_key

    # ------------------------------------------------------------------ knobs

    def fail_next(
        self,
        status: int,
        body: Json | str | None = None,
        headers: dict[str, str] | None = None,
        count: int = 1,
    ) -> None:
        """Answer the next ``count`` FIM requests with ``status`` (dict body -> JSON, str ->
        text/plain, None -> a default JSON body for the status)."""
        with self._lock:
            for _ in range(count):
                self._faults.append(_Fault(status, body, dict(headers or {})))

    def set_mode(self, mode: Mode | None, count: int | None = None) -> None:
        """Set an in-stream fault for the next ``count`` FIM requests (None: until reset)."""
        if mode is not None and mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; expected one of {sorted(MODES)}")
        with self._lock:
            self.mode = mode
            self._mode_left = count if mode is not None else None

    @property
    def tokens_per_second(self) -> float:
        """Streaming rate: ``1 / chunk_delay`` (``math.inf`` when ``chunk_delay`` is 0)."""
        return math.inf if self.chunk_delay <= 0 else 1 / self.chunk_delay

    @tokens_per_second.setter
    def tokens_per_second(self, rate: float) -> None:
        self.chunk_delay = _per_token(rate)

    def hold_after(self, n_chunks: int) -> None:
        """Hold the next streaming responses after ``n_chunks`` content events until ``release()``."""
        if n_chunks < 0:
            raise ValueError("n_chunks must be >= 0")
        with self._lock:
            old, self._hold = self._hold, _Hold(n_chunks)
        if old is not None:
            self._release(old)

    def release(self) -> None:
        """Let every held stream go on to its end and disarm the gate (thread-safe, idempotent)."""
        with self._lock:
            hold, self._hold = self._hold, None
        if hold is not None:
            self._release(hold)

    def _release(self, hold: _Hold) -> None:
        with self._lock:
            hold.released = True
            waiters, hold.waiters = hold.waiters, []
        for loop, gate in waiters:
            with contextlib.suppress(RuntimeError):  # the loop is already closed
                loop.call_soon_threadsafe(_open_gate, gate)

    def reset(self) -> None:
        """Restore constructor settings; clear modes, faults, the gate, recordings and counters."""
        self.release()
        completion, models, chunk_chars, chunk_delay = self._defaults
        with self._cond:
            self.completion = completion
            self.known_models = models
            self.chunk_chars = chunk_chars
            self.chunk_delay = chunk_delay
            self.first_token_delay = self._defaults_first
            self.slow_headers_delay = self._defaults_slow
            self.mode = None
            self._mode_left = None
            self._faults.clear()
            self._requests.clear()
            self._connections = 0
            self._disconnects = 0
            self._chunks_sent = 0
            self._chunks_aborted = 0
            self._completed = 0
            self._cond.notify_all()

    # ------------------------------------------------------------------ observations

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request received since start/reset."""
        with self._lock:
            return list(self._requests)

    def last_body(self) -> Any:
        """The parsed JSON body of the last request (None if none or not JSON)."""
        with self._lock:
            return self._requests[-1].body if self._requests else None

    @property
    def connections(self) -> int:
        with self._lock:
            return self._connections

    @property
    def disconnects(self) -> int:
        with self._lock:
            return self._disconnects

    @property
    def chunks_sent(self) -> int:
        """Content events written on streaming responses since start/reset."""
        with self._lock:
            return self._chunks_sent

    @property
    def chunks_aborted(self) -> int:
        """Content events written on streams the client closed before ``[DONE]``."""
        with self._lock:
            return self._chunks_aborted

    @property
    def completed(self) -> int:
        """Streaming responses that wrote ``[DONE]``."""
        with self._lock:
            return self._completed

    @property
    def held(self) -> int:
        """Streams waiting at a ``hold_after`` gate right now."""
        with self._lock:
            return self._held

    def wait_for_chunks(self, n: int, timeout: float = 5.0) -> bool:
        """True once at least ``n`` content events were written in total."""
        with self._cond:
            return self._cond.wait_for(lambda: self._chunks_sent >= n, timeout)

    def wait_for_completed(self, n: int, timeout: float = 5.0) -> bool:
        """True once at least ``n`` streams reached ``[DONE]``."""
        with self._cond:
            return self._cond.wait_for(lambda: self._completed >= n, timeout)

    def wait_for_held(self, n: int, timeout: float = 5.0) -> bool:
        """True once at least ``n`` streams are waiting at the gate at the same time."""
        with self._cond:
            return self._cond.wait_for(lambda: self._held >= n, timeout)

    def wait_for_requests(self, n: int, timeout: float = 5.0) -> bool:
        """True once at least ``n`` requests were recorded."""
        with self._cond:
            return self._cond.wait_for(lambda: len(self._requests) >= n, timeout)

    def wait_for_disconnect(self, timeout: float = 5.0, count: int = 1) -> bool:
        """True once at least ``count`` early client disconnects were seen."""
        with self._cond:
            return self._cond.wait_for(lambda: self._disconnects >= count, timeout)

    # ------------------------------------------------------------------ connection handling

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        with self._cond:
            self._connections += 1
        conn = _Conn(reader, writer)
        try:
            while True:
                try:
                    req = await self._read_request(conn)
                except _BadRequest as exc:
                    body = _dumps({"message": f"Bad Request: {exc}", "request_id": _request_id()})
                    await self._send(conn, 400, "application/json", body, {}, keep_alive=False)
                    break
                if req is None:
                    break
                if not await self._dispatch(conn, req):
                    break
        except (_ClientGone, OSError):
            pass
        except asyncio.CancelledError:
            # stop() cancels open connections. Python 3.11's start_server callback calls
            # task.exception() and logs an error for a cancelled handler task, so the
            # cancellation ends here.
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await writer.wait_closed()
            if task is not None:
                self._tasks.discard(task)

    async def _read_request(self, conn: _Conn) -> _Request | None:
        head = await conn.read_head()
        if head is None:
            return None
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            raise _BadRequest("malformed request line")
        method, target, version = parts
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep or not name or name != name.strip():
                raise _BadRequest("malformed header line")
            key = name.lower()
            headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = await conn.read_chunked()
        else:
            try:
                length = int(headers.get("content-length", "0"))
            except ValueError as exc:
                raise _BadRequest("bad content-length") from exc
            if length < 0 or length > _MAX_BODY:
                raise _BadRequest("bad content-length")
            body = await conn.read_exact(length)
        tokens = {t.strip().lower() for t in headers.get("connection", "").split(",")}
        keep_alive = "keep-alive" in tokens if version == "HTTP/1.0" else "close" not in tokens
        if target.startswith(("http://", "https://")):
            target = "/" + target.split("://", 1)[1].partition("/")[2]
        return _Request(method, target, headers, body, keep_alive)

    async def _send(
        self,
        conn: _Conn,
        status: int,
        content_type: str | None,
        body: bytes | None,
        extra: dict[str, str],
        *,
        keep_alive: bool,
    ) -> None:
        """Write a status line and headers, and the whole body unless ``body`` is None (chunked)."""
        try:
            phrase = http.HTTPStatus(status).phrase
        except ValueError:
            phrase = "Unknown"
        lines = [
            f"HTTP/1.1 {status} {phrase}",
            f"date: {email.utils.formatdate(usegmt=True)}",
            "server: fake-codestral",
        ]
        if content_type is not None:
            lines.append(f"content-type: {content_type}")
        if body is None:
            lines += ["transfer-encoding: chunked", "cache-control: no-cache"]
        else:
            lines.append(f"content-length: {len(body)}")
        lines += [f"{k}: {v}" for k, v in extra.items()]
        lines.append("connection: keep-alive" if keep_alive else "connection: close")
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")
        conn.writer.write(data)
        await conn.writer.drain()

    async def _send_json(
        self, conn: _Conn, status: int, obj: Any, req: _Request, extra: dict[str, str] | None = None
    ) -> bool:
        await self._send(
            conn, status, "application/json", _dumps(obj), extra or {}, keep_alive=req.keep_alive
        )
        return req.keep_alive

    def _record(self, req: _Request) -> None:
        path, _, query = req.target.partition("?")
        try:
            parsed: Any = json.loads(req.body) if req.body else None
        except ValueError:
            parsed = None
        rec = RecordedRequest(req.method, path, query, dict(req.headers), parsed, req.body)
        with self._cond:
            self._requests.append(rec)
            self._cond.notify_all()

    def _note_disconnect(self) -> None:
        with self._cond:
            self._disconnects += 1
            self._cond.notify_all()

    def _take_fault(self) -> _Fault | None:
        with self._lock:
            return self._faults.popleft() if self._faults else None

    def _take_mode(self) -> Mode | None:
        with self._lock:
            mode = self.mode
            if mode is not None and self._mode_left is not None:
                self._mode_left -= 1
                if self._mode_left <= 0:
                    self.mode, self._mode_left = None, None
            return mode

    async def _dispatch(self, conn: _Conn, req: _Request) -> bool:
        """Answer one request; returns whether the connection stays usable."""
        self._record(req)
        path = req.target.partition("?")[0]
        if path != FIM_PATH:
            obj = {"message": "no Route matched with those values", "request_id": _request_id()}
            return await self._send_json(conn, 404, obj, req)
        if req.method != "POST":
            return await self._send_json(
                conn, 405, {"detail": "Method Not Allowed"}, req, {"allow": "POST"}
            )
        fault = self._take_fault()
        if fault is not None:
            return await self._send_fault(conn, req, fault)
        if req.headers.get("authorization", "") != f"Bearer {self._api_key}":
            obj = {"message": "Unauthorized", "request_id": _request_id()}
            return await self._send_json(conn, 401, obj, req)
        try:
            body = json.loads(req.body)
        except ValueError as exc:
            pos = getattr(exc, "pos", 0)
            err = _pyd_error(
                "json_invalid", ["body", pos], "JSON decode error", {}, error=str(exc).split(":")[0]
            )
            return await self._send_json(conn, 422, {"detail": [err]}, req)
        errors = validate_fim_body(body)
        if errors:
            return await self._send_json(conn, 422, {"detail": errors}, req)
        if body["model"] not in self.known_models:
            error: Json = {
                "object": "error",
                "message": f"Invalid model: {body['model']}",
                "type": "invalid_model",
                "param": None,
                "code": "1500",
            }
            return await self._send_json(conn, INVALID_MODEL_STATUS, error, req)
        return await self._complete(conn, req, body)

    async def _send_fault(self, conn: _Conn, req: _Request, fault: _Fault) -> bool:
        if isinstance(fault.body, str):
            ctype, data = "text/plain", fault.body.encode()
        else:
            obj = fault.body if fault.body is not None else _default_error_body(fault.status)
            ctype, data = "application/json", _dumps(obj)
        headers = {k.lower(): v for k, v in fault.headers.items()}
        ctype = headers.pop("content-type", ctype)
        await self._send(conn, fault.status, ctype, data, headers, keep_alive=req.keep_alive)
        return req.keep_alive

    def _plan(self, body: Json) -> tuple[list[str], str, Json]:
        """(pieces, finish_reason, usage) for a validated body."""
        prompt: str = body["prompt"]
        suffix: str = body.get("suffix") or ""
        completion = self.completion
        text = completion if isinstance(completion, str) else completion(prompt, suffix)
        finish = "stop"
        stop = body.get("stop")
        stops = [stop] if isinstance(stop, str) else list(stop or [])
        cuts = [i for s in stops if s and (i := text.find(s)) >= 0]
        if cuts:
            text = text[: min(cuts)]
        size = max(1, self.chunk_chars)
        pieces = [text[i : i + size] for i in range(0, len(text), size)]
        max_tokens = body.get("max_tokens")
        if max_tokens is not None and len(pieces) > int(max_tokens):
            pieces = pieces[: int(max_tokens)]
            finish = "length"
        prompt_tokens = max(1, math.ceil((len(prompt) + len(suffix)) / size))
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": len(pieces),
            "total_tokens": prompt_tokens + len(pieces),
        }
        return pieces, finish, usage

    async def _complete(self, conn: _Conn, req: _Request, body: Json) -> bool:
        mode = self._take_mode()
        pieces, finish, usage = self._plan(body)
        if mode in ("finish_error", "drop"):
            pieces, finish = pieces[: len(pieces) // 2], "error"
        stream = body.get("stream") is True
        watch = _Watch(conn)
        try:
            if mode == "slow_headers" and not await watch.sleep(self.slow_headers_delay):
                self._note_disconnect()
                return False
            if stream and mode != "json_instead_of_sse":
                return await self._stream(conn, req, body, watch, mode, pieces, finish, usage)
            if mode == "stall":
                await watch.sleep(None)
                self._note_disconnect()
                return False
            if mode == "drop":
                return False
            delay = self.first_token_delay + self.chunk_delay * len(pieces)
            if not await watch.sleep(delay):
                self._note_disconnect()
                return False
            obj = {
                "id": _request_id(),
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": "".join(pieces)},
                        "finish_reason": finish,
                    }
                ],
                "usage": usage,
            }
            return await self._send_json(conn, 200, obj, req)
        finally:
            await watch.stop()

    async def _stream(
        self,
        conn: _Conn,
        req: _Request,
        body: Json,
        watch: _Watch,
        mode: Mode | None,
        pieces: list[str],
        finish: str,
        usage: Json,
    ) -> bool:
        rid, created, model = _request_id(), int(time.time()), body["model"]

        def event(content: str, reason: str | None = None, role: bool = False) -> bytes:
            delta: Json = (
                {"role": "assistant", "content": content} if role else {"content": content}
            )
            chunk: Json = {
                "id": rid,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": reason}],
            }
            if reason is not None:
                chunk["usage"] = usage
            return b"data: " + _dumps(chunk) + b"\n\n"

        async def write_chunk(data: bytes) -> bool:
            if watch.gone:
                return False
            try:
                conn.writer.write(b"%x\r\n%s\r\n" % (len(data), data))
                await conn.writer.drain()
            except OSError:
                return False
            return True

        try:
            await self._send(conn, 200, "text/event-stream", None, {}, keep_alive=req.keep_alive)
        except OSError:
            self._note_disconnect()
            return False
        events: list[bytes] = []
        if mode == "drop":
            events = [event(p) for p in pieces]
        elif mode != "stall":
            if mode == "finish_error":
                events = [event(p) for p in pieces] + [event("", "error")]
            else:
                last = pieces[-1] if pieces else ""
                events = [event(p) for p in pieces[:-1]] + [event(last, finish)]
        with self._lock:
            hold = self._hold
        sent = 0

        def gone() -> bool:
            with self._cond:
                self._disconnects += 1
                self._chunks_aborted += sent
                self._cond.notify_all()
            return False

        if not await write_chunk(event("", role=True)):
            return gone()
        if mode == "stall":
            await watch.sleep(None)
            return gone()
        if not await watch.sleep(self.first_token_delay):
            return gone()
        for index, data in enumerate(events):
            if index == (hold.after if hold is not None else -1) and not await self._wait_at(
                hold, watch
            ):
                return gone()
            if not await watch.sleep(self.chunk_delay) or not await write_chunk(data):
                return gone()
            sent += 1
            with self._cond:
                self._chunks_sent += 1
                self._cond.notify_all()
        if mode == "drop":
            return False
        if hold is not None and hold.after >= len(events) and not await self._wait_at(hold, watch):
            return gone()
        if not await write_chunk(b"data: [DONE]\n\n") or not await write_chunk(b""):
            return gone()
        with self._cond:
            self._completed += 1
            self._cond.notify_all()
        return req.keep_alive

    async def _wait_at(self, hold: _Hold | None, watch: _Watch) -> bool:
        """Wait at ``hold`` until it is released; False if the client disconnects first."""
        if hold is None:
            return True
        loop = asyncio.get_running_loop()
        gate: asyncio.Future[None] = loop.create_future()
        with self._cond:
            if hold.released:
                return not watch.gone
            hold.waiters.append((loop, gate))
            self._held += 1
            self._cond.notify_all()
        try:
            return await watch.wait(gate)
        finally:
            with self._cond:
                self._held -= 1
                if (loop, gate) in hold.waiters:
                    hold.waiters.remove((loop, gate))
                self._cond.notify_all()


def _per_token(rate: float) -> float:
    if not rate > 0:
        raise ValueError(f"tokens_per_second must be > 0, got {rate!r}")
    return 1 / rate


def _default_error_body(status: int) -> Json:
    if status == 422:
        return {"detail": []}
    if status == 429:
        return {
            "object": "error",
            "message": "Rate limit exceeded",
            "type": "rate_limited",
            "param": None,
            "code": "1300",
        }
    try:
        message = http.HTTPStatus(status).phrase
    except ValueError:
        message = "Error"
    return {"message": message, "request_id": _request_id()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.fakes.codestral",
        description="Serve a fake Mistral FIM API on 127.0.0.1 and print its base URL.",
    )
    parser.add_argument("--port", type=int, default=0, help="port (default: OS-chosen)")
    parser.add_argument("--key", default=DEFAULT_KEY, help="accepted bearer key")
    parser.add_argument("--completion", default=DEFAULT_COMPLETION, help="completion text")
    parser.add_argument("--chunk-delay", type=float, default=0.0, help="seconds between events")
    parser.add_argument(
        "--first-token-delay", type=float, default=0.0, help="seconds before the first token"
    )
    args = parser.parse_args(argv)
    fake = FakeCodestral(
        api_key=args.key,
        completion=args.completion,
        chunk_delay=args.chunk_delay,
        first_token_delay=args.first_token_delay,
        port=args.port,
    )
    with fake:
        print(fake.base_url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
