"""The HTTP/1.1 machinery shared by the fake providers: a real server on 127.0.0.1 that records and fails on cue."""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import http
import json
import math
import os
import socket
import ssl
import struct
import tempfile
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Self

if TYPE_CHECKING:
    import trustme

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
    delay: float = 0.0


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


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def _request_id() -> str:
    return uuid.uuid4().hex


class FakeServer:
    """A fake HTTP API on 127.0.0.1 for tests: subclasses speak one provider's wire protocol.

    Knobs shared by every fake (plain attributes, read when a request starts): ``completion``
    (text, or ``(prompt, suffix) -> text``), ``samples`` (texts a warm request with a seed gets,
    by its seed), ``known_models``, ``chunk_chars`` (characters per
    streamed piece, one piece = one token), ``chunk_delay`` (seconds before each piece),
    ``first_token_delay``, ``slow_headers_delay``; ``fail_next`` (canned error responses before
    auth and validation), ``set_mode`` (the subclass's ``MODES``; ``"stall"``, ``"drop"`` and
    ``"slow_headers"`` mean the same everywhere), ``hold_after``/``release`` (a gate).
    Observations: ``requests``, ``last_body()``, ``connections``, ``open_connections``,
    ``disconnects`` (clients that left before a response was completely sent), ``chunks_sent``,
    ``chunks_aborted``, ``completed``, ``held`` and their ``wait_for_*``; ``reset()`` restores
    all of it except ``open_connections``, which is the live state of the sockets.

    ``tls=True`` serves HTTPS (``base_url`` starts with ``https://``) with a certificate for
    127.0.0.1, ::1 and localhost issued by a fresh CA that nothing trusts: clients with default
    verification must refuse it; ``ca_file`` is that CA as a PEM file, to trust it on purpose.
    """

    MODES: ClassVar[frozenset[str]] = frozenset({"stall", "drop", "slow_headers"})
    SERVER_NAME: ClassVar[str] = "fake"
    PROVIDER: ClassVar[str] = ""  # the fim-lsp provider that speaks this protocol
    KEY_VARIABLE: ClassVar[str] = ""  # where fim-lsp reads the key for it
    MODEL: ClassVar[str] = ""  # a model the fake knows by default

    def __init__(
        self,
        *,
        api_key: str | None,
        completion: Completion,
        known_models: frozenset[str] | set[str],
        chunk_chars: int = 4,
        chunk_delay: float = 0.0,
        first_token_delay: float = 0.0,
        tokens_per_second: float | None = None,
        slow_headers_delay: float = 5.0,
        host: str = "127.0.0.1",
        port: int = 0,
        tls: bool = False,
    ) -> None:
        """``tokens_per_second``, when given, overrides ``chunk_delay``; ``api_key`` None: no auth."""
        if tokens_per_second is not None:
            chunk_delay = _per_token(tokens_per_second)
        self._api_key = api_key
        self._host = host
        self._port = port
        self._tls = tls
        self._ca: trustme.CA | None = None
        self._ca_file: str | None = None
        self._defaults = (completion, frozenset(known_models), chunk_chars, chunk_delay)
        self._defaults_slow = slow_headers_delay
        self._defaults_first = first_token_delay
        self.completion: Completion = completion
        self.samples: tuple[str, ...] = ()
        self.known_models: frozenset[str] = frozenset(known_models)
        self.chunk_chars = chunk_chars
        self.chunk_delay = chunk_delay
        self.first_token_delay = first_token_delay
        self.slow_headers_delay = slow_headers_delay
        self.mode: str | None = None
        self._mode_left: int | None = None

        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._requests: list[RecordedRequest] = []
        self._faults: deque[_Fault] = deque()
        self._connections = 0
        self._open = 0
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
        self._writers: set[asyncio.StreamWriter] = set()  # touched on the loop thread only
        self._bound_port: int | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> Self:
        """Bind and serve on a daemon thread; returns self."""
        if self._thread is not None:
            raise RuntimeError(f"{type(self).__name__} already started")
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name=type(self).__name__, daemon=True)
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
        context = self._server_ssl_context() if self._tls else None
        self._server = await asyncio.start_server(self._handle, self._host, self._port, ssl=context)
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    def _certificate_authority(self) -> trustme.CA:
        if self._ca is None:
            import trustme  # a dev dependency, needed only for TLS

            self._ca = trustme.CA()
        return self._ca

    def _server_ssl_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert = self._certificate_authority().issue_cert("127.0.0.1", "::1", "localhost")
        cert.configure_cert(context)
        return context

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
        if self._ca_file is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._ca_file)
            self._ca_file = None

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if self._tls:
            # A TLS close waits for the peer's close_notify, which an idle pooled client
            # never sends.
            for writer in list(self._writers):
                writer.transport.abort()
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
            raise RuntimeError(f"{type(self).__name__} is not started")
        return self._bound_port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (``https://`` with ``tls``; no trailing slash, no ``/v1``)."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"{'https' if self._tls else 'http'}://{host}:{self.port}"

    @property
    def tls(self) -> bool:
        return self._tls

    @property
    def ca_file(self) -> str:
        """Path of a PEM file with the CA that signed the TLS certificate (deleted by ``stop()``)."""
        if not self._tls:
            raise RuntimeError(f"{type(self).__name__} was not made with tls=True")
        if self._ca_file is None:
            fd, path = tempfile.mkstemp(prefix="fake-ca-", suffix=".pem")
            with os.fdopen(fd, "wb") as f:
                f.write(self._certificate_authority().cert_pem.bytes())
            self._ca_file = path
        return self._ca_file

    @property
    def api_key(self) -> str:
        """The accepted bearer key ("" when the fake asks for none)."""
        return self._api_key or ""

    # ------------------------------------------------------------------ knobs

    def fail_next(
        self,
        status: int,
        body: Json | str | None = None,
        headers: dict[str, str] | None = None,
        count: int = 1,
        delay: float = 0.0,
    ) -> None:
        """Answer the next ``count`` FIM requests with ``status`` (dict body -> JSON, str ->
        text/plain, None -> a default JSON body for the status), ``delay`` seconds after each
        request arrived (so that several can be in flight together)."""
        with self._lock:
            for _ in range(count):
                self._faults.append(_Fault(status, body, dict(headers or {}), delay))

    def set_mode(self, mode: str | None, count: int | None = None) -> None:
        """Set an in-stream fault for the next ``count`` completion requests (None: until reset)."""
        if mode is not None and mode not in self.MODES:
            raise ValueError(f"unknown mode {mode!r}; expected one of {sorted(self.MODES)}")
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
            self.samples = ()
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
    def open_connections(self) -> int:
        """Client connections accepted and not yet closed, right now (with TLS: once the
        handshake completed); ``reset()`` leaves it alone."""
        with self._lock:
            return self._open

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
        """Streaming responses sent to their end (``[DONE]`` or the provider's last event)."""
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
        """True once at least ``n`` streams were sent to their end."""
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

    def wait_for_open_connections(self, n: int, timeout: float = 5.0) -> bool:
        """True once at most ``n`` client connections are open."""
        with self._cond:
            return self._cond.wait_for(lambda: self._open <= n, timeout)

    # ------------------------------------------------------------------ connection handling

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        self._writers.add(writer)
        with self._cond:
            self._connections += 1
            self._open += 1
            self._cond.notify_all()
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
            self._writers.discard(writer)
            with self._cond:
                self._open -= 1
                self._cond.notify_all()
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
        send_only: int | None = None,
    ) -> None:
        """Write a status line and headers, and the whole body unless ``body`` is None (chunked);
        ``send_only``: write only that many bytes of ``body`` (its full length is declared)."""
        try:
            phrase = http.HTTPStatus(status).phrase
        except ValueError:
            phrase = "Unknown"
        lines = [
            f"HTTP/1.1 {status} {phrase}",
            f"date: {email.utils.formatdate(usegmt=True)}",
            f"server: {self.SERVER_NAME}",
        ]
        if content_type is not None:
            lines.append(f"content-type: {content_type}")
        if body is None:
            lines += ["transfer-encoding: chunked", "cache-control: no-cache"]
        else:
            lines.append(f"content-length: {len(body)}")
        lines += [f"{k}: {v}" for k, v in extra.items()]
        lines.append("connection: keep-alive" if keep_alive else "connection: close")
        if body is not None and send_only is not None:
            body = body[:send_only]
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

    # ------------------------------------------------------------------ for subclasses

    async def _dispatch(self, conn: _Conn, req: _Request) -> bool:
        """Answer one request; returns whether the connection stays usable."""
        raise NotImplementedError

    def _default_error_body(self, status: int) -> Json:
        """The body of an injected fault given without one, shaped like the real service's."""
        return {"error": _phrase(status)}

    def _take_mode(self) -> str | None:
        with self._lock:
            mode = self.mode
            if mode is not None and self._mode_left is not None:
                self._mode_left -= 1
                if self._mode_left <= 0:
                    self.mode, self._mode_left = None, None
            return mode

    async def _send_text(self, conn: _Conn, status: int, text: str, req: _Request) -> bool:
        await self._send(
            conn, status, "text/plain; charset=utf-8", text.encode(), {}, keep_alive=req.keep_alive
        )
        return req.keep_alive

    def _json_body(self, req: _Request) -> Any:
        """The parsed body; raises ValueError if it is not JSON."""
        return json.loads(req.body)

    def _authorized(self, req: _Request) -> bool:
        return self._api_key is None or req.headers.get("authorization", "") == (
            f"Bearer {self._api_key}"
        )

    def _text_for(
        self, prompt: str, suffix: str, temperature: object = None, seed: object = None
    ) -> str:
        """The answer to a request: ``completion``; with ``samples``, a request sampled warm
        (temperature above 0) with a seed gets ``samples[seed % len(samples)]``, as a sampling
        model answers another seed with other text, and temperature 0 with the same."""
        samples = self.samples
        warm = isinstance(temperature, int | float) and temperature > 0
        if samples and warm and isinstance(seed, int) and not isinstance(seed, bool):
            return samples[seed % len(samples)]
        completion = self.completion
        return completion if isinstance(completion, str) else completion(prompt, suffix)

    def _pieces(self, text: str, stops: list[str], max_tokens: int | None) -> tuple[list[str], str]:
        """Cut ``text`` at the first stop string and into pieces; ("stop" or "length")."""
        cuts = [i for s in stops if s and (i := text.find(s)) >= 0]
        if cuts:
            text = text[: min(cuts)]
        size = max(1, self.chunk_chars)
        pieces = [text[i : i + size] for i in range(0, len(text), size)]
        if max_tokens is not None and len(pieces) > max_tokens:
            return pieces[:max_tokens], "length"
        return pieces, "stop"

    async def _stream_events(
        self,
        conn: _Conn,
        req: _Request,
        watch: _Watch,
        *,
        content_type: str,
        opening: bytes,
        events: Iterable[bytes],
        closing: bytes,
        mode: str | None,
        min_delay: float = 0.0,
        status: int = 200,
        extra: dict[str, str] | None = None,
    ) -> bool:
        """Write a chunked streaming response (``status``, ``extra`` headers): ``opening`` (not
        counted), each of ``events`` (one
        content event each, after ``chunk_delay`` but at least ``min_delay``, held at a gate if
        armed), then ``closing`` (if any) and the terminating chunk. ``events`` may be endless:
        the stream then lasts until the client leaves.

        ``"stall"``: only ``opening``, then wait for the client to leave; ``"drop"``: the events,
        then the connection is closed without ``closing`` or the terminating chunk;
        ``"stall_mid"``: the events, then wait for the client to leave; ``"reset"``: the events,
        then the connection is reset (RST).
        """

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
            await self._send(
                conn, status, content_type, None, extra or {}, keep_alive=req.keep_alive
            )
        except OSError:
            self._note_disconnect()
            return False
        with self._lock:
            hold = self._hold
        sent = 0

        def gone() -> bool:
            with self._cond:
                self._disconnects += 1
                self._chunks_aborted += sent
                self._cond.notify_all()
            return False

        if opening and not await write_chunk(opening):
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
            delay = max(self.chunk_delay, min_delay)
            if not await watch.sleep(delay) or not await write_chunk(data):
                return gone()
            sent += 1
            with self._cond:
                self._chunks_sent += 1
                self._cond.notify_all()
        if mode == "drop":
            return False
        if mode == "stall_mid":
            await watch.sleep(None)
            return gone()
        if mode == "reset":
            await self._reset_connection(conn)
            return False
        if hold is not None and hold.after >= sent and not await self._wait_at(hold, watch):
            return gone()
        if (closing and not await write_chunk(closing)) or not await write_chunk(b""):
            return gone()
        with self._cond:
            self._completed += 1
            self._cond.notify_all()
        return req.keep_alive

    async def _reset_connection(self, conn: _Conn) -> None:
        """Reset the TCP connection (RST instead of FIN) once what was written has been sent."""
        transport = conn.writer.transport
        for _ in range(1000):
            if transport.is_closing() or transport.get_write_buffer_size() == 0:
                break
            await asyncio.sleep(0.001)
        sock = conn.writer.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()

    async def _before_response(self, watch: _Watch, mode: str | None) -> bool:
        """Apply ``"slow_headers"``; False (a disconnect is counted) if the client left meanwhile."""
        if mode == "slow_headers" and not await watch.sleep(self.slow_headers_delay):
            self._note_disconnect()
            return False
        return True

    async def _send_fault(self, conn: _Conn, req: _Request, fault: _Fault) -> bool:
        if fault.delay > 0:
            await asyncio.sleep(fault.delay)
        if isinstance(fault.body, str):
            ctype, data = "text/plain", fault.body.encode()
        else:
            obj = fault.body if fault.body is not None else self._default_error_body(fault.status)
            ctype, data = "application/json", _dumps(obj)
        headers = {k.lower(): v for k, v in fault.headers.items()}
        ctype = headers.pop("content-type", ctype)
        await self._send(conn, fault.status, ctype, data, headers, keep_alive=req.keep_alive)
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


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Error"
