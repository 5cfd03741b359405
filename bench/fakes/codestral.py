"""A fake Mistral/Codestral FIM server speaking the real HTTP/1.1 + SSE wire protocol on 127.0.0.1."""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import math
import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar, Literal, get_args

from bench.fakes.http import (
    Completion,
    FakeServer,
    Json,
    RecordedRequest,
    _Conn,
    _dumps,
    _phrase,
    _Request,
    _request_id,
    _Watch,
)

__all__ = ["FakeCodestral", "RecordedRequest", "validate_fim_body"]

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

Mode = Literal[
    "finish_error",
    "stall",
    "json_instead_of_sse",
    "drop",
    "slow_headers",
    "stall_mid",
    "reset",
    "malformed",
    "no_done",
    "endless",
    "huge",
    "invalid_utf8",
    "endless_line",
    "endless_html",
    "endless_error",
    "gzip_bomb",
]
MODES: frozenset[str] = frozenset(get_args(Mode))
DEFAULT_HUGE_CHARS = 4_000_000
MALFORMED_EVENT = b'data: {"choices": [\n\n'
INVALID_UTF8 = b"\xff\xfe"
ENDLESS_MIN_DELAY = 0.001
ENDLESS_BODIES = frozenset({"endless_html", "endless_error"})  # whatever the request asked
ENDLESS_STREAMS = frozenset({"endless_line", "gzip_bomb"})  # for streaming requests


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


class FakeCodestral(FakeServer):
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
    - ``samples``: texts a sampling model gives: a request with a ``temperature`` above 0 and a
      ``random_seed`` gets ``samples[random_seed % len(samples)]`` instead of ``completion``
      (empty, the default: always ``completion``).
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
      More in-stream faults; "half" below is half the content events, at least one:
      ``"stall_mid"`` (role event and half, then nothing until the client disconnects, which
      counts as a disconnect; non-streaming: the headers and half the body, then the same),
      ``"reset"`` (role event and half, then a TCP reset: RST, not FIN; non-streaming: headers
      and half the body, then the reset), ``"malformed"`` (an extra event
      ``MALFORMED_EVENT`` whose data is not JSON right after the first content event, then the
      rest as usual; non-streaming: a ``200 application/json`` body that is not JSON),
      ``"no_done"`` (everything including the ``finish_reason`` event, and a properly ended
      chunked body, but no ``data: [DONE]``; non-streaming: a normal answer), ``"endless"``
      (``"x" * chunk_chars`` content events, never a finish reason, every
      ``max(chunk_delay, 0.001)`` seconds until the client disconnects, which counts;
      non-streaming: a chunked JSON body whose ``content`` string never ends), ``"huge"`` (the
      completion is ``huge_chars`` characters, lines of 80 with their ``"\n"``, ignoring
      ``stop`` and ``max_tokens``: one content event, then a final event with empty content,
      ``finish_reason: "stop"`` and usage, and ``[DONE]``; non-streaming: that content),
      ``"invalid_utf8"`` (an extra content event right after the first whose ``content`` holds
      the raw bytes ``INVALID_UTF8``, i.e. not UTF-8; non-streaming: the same bytes at the end
      of ``content``).
      Endless answers that bound the client's memory or nothing does (each lasts until the client
      leaves, which counts as a disconnect): ``"endless_line"`` (streaming: the role event, then
      one SSE line that never ends), ``"endless_html"`` (``200 text/html`` whose body never ends),
      ``"endless_error"`` (``500 text/plain`` whose body never ends), ``"gzip_bomb"`` (streaming,
      ``content-encoding: gzip``: one never-ending line, about a thousand bytes decompressed from
      each one on the wire).
    - ``huge_chars``: the length of the ``"huge"`` completion (default 4 000 000).
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
    route), ``last_body()``, ``connections`` (accepted TCP connections), ``open_connections``
    (connections open right now) and ``wait_for_open_connections(n)``, ``disconnects``
    (clients that closed before a FIM response was completely sent), ``wait_for_requests``,
    ``wait_for_disconnect``; for streaming responses: ``chunks_sent`` (content events written:
    every event after the role event and before ``[DONE]``), ``chunks_aborted`` (those of them
    written on streams the client then abandoned), ``completed`` (streams that wrote
    ``[DONE]``, or ended their body properly in ``"no_done"``), ``held`` (streams waiting at a
    ``hold_after`` gate), ``wait_for_chunks``, ``wait_for_completed``, ``wait_for_held``.
    ``reset()`` restores the constructor settings and clears modes, faults, the gate (releasing
    held streams), recordings and counters.

    ``tls=True``: HTTPS with a certificate from a CA nothing trusts; ``ca_file`` is that CA.
    """

    MODES: ClassVar[frozenset[str]] = MODES
    SERVER_NAME: ClassVar[str] = "fake-codestral"
    PROVIDER: ClassVar[str] = "mistral"
    KEY_VARIABLE: ClassVar[str] = "MISTRAL_API_KEY"
    MODEL: ClassVar[str] = "codestral-latest"

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
        huge_chars: int = DEFAULT_HUGE_CHARS,
        host: str = "127.0.0.1",
        port: int = 0,
        tls: bool = False,
    ) -> None:
        """``tokens_per_second``, when given, overrides ``chunk_delay``."""
        super().__init__(
            api_key=api_key,
            completion=completion,
            known_models=known_models,
            chunk_chars=chunk_chars,
            chunk_delay=chunk_delay,
            first_token_delay=first_token_delay,
            tokens_per_second=tokens_per_second,
            slow_headers_delay=slow_headers_delay,
            host=host,
            port=port,
            tls=tls,
        )
        self._default_huge_chars = huge_chars
        self.huge_chars = huge_chars

    def reset(self) -> None:
        """Restore constructor settings; clear modes, faults, the gate, recordings and counters."""
        super().reset()
        with self._cond:
            self.huge_chars = self._default_huge_chars

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
        if not self._authorized(req):
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

    def _plan(self, body: Json) -> tuple[list[str], str, Json]:
        """(pieces, finish_reason, usage) for a validated body."""
        prompt: str = body["prompt"]
        suffix: str = body.get("suffix") or ""
        text = self._text_for(prompt, suffix, body.get("temperature"), body.get("random_seed"))
        stop = body.get("stop")
        stops = [stop] if isinstance(stop, str) else list(stop or [])
        max_tokens = body.get("max_tokens")
        pieces, finish = self._pieces(text, stops, None if max_tokens is None else int(max_tokens))
        size = max(1, self.chunk_chars)
        prompt_tokens = max(1, math.ceil((len(prompt) + len(suffix)) / size))
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": len(pieces),
            "total_tokens": prompt_tokens + len(pieces),
        }
        return pieces, finish, usage

    def _huge_text(self) -> str:
        line = ("0123456789" * 8)[:79] + "\n"
        n = max(0, self.huge_chars)
        return (line * (n // len(line) + 1))[:n]

    def _answer(self, body: Json, content: str, finish: str | None, usage: Json | None) -> Json:
        obj: Json = {
            "id": _request_id(),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body["model"],
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": finish,
                }
            ],
        }
        if usage is not None:
            obj["usage"] = usage
        return obj

    async def _complete(self, conn: _Conn, req: _Request, body: Json) -> bool:
        mode = self._take_mode()
        pieces, finish, usage = self._plan(body)
        if mode in ("finish_error", "drop"):
            pieces, finish = pieces[: len(pieces) // 2], "error"
        elif mode == "huge":
            pieces, finish = [self._huge_text()], "stop"
            tokens = math.ceil(len(pieces[0]) / max(1, self.chunk_chars))
            usage = {
                "prompt_tokens": usage["prompt_tokens"],
                "completion_tokens": tokens,
                "total_tokens": usage["prompt_tokens"] + tokens,
            }
        stream = body.get("stream") is True
        watch = _Watch(conn)
        try:
            if not await self._before_response(watch, mode):
                return False
            if mode in ENDLESS_BODIES or (stream and mode in ENDLESS_STREAMS):
                return await self._endless_body(conn, req, watch, mode)
            if stream and mode != "json_instead_of_sse":
                return await self._stream(conn, req, body, watch, mode, pieces, finish, usage)
            if mode == "stall":
                await watch.sleep(None)
                self._note_disconnect()
                return False
            if mode == "drop":
                return False
            if mode == "endless":
                return await self._endless_answer(conn, req, body, watch)
            delay = self.first_token_delay + self.chunk_delay * len(pieces)
            if not await watch.sleep(delay):
                self._note_disconnect()
                return False
            content = "".join(pieces)
            data = _dumps(self._answer(body, content, finish, usage))
            if mode == "invalid_utf8":
                quoted = _dumps(content)
                data = data.replace(
                    b'"content":' + quoted, b'"content":' + quoted[:-1] + INVALID_UTF8 + b'"', 1
                )
            elif mode == "malformed":
                data = MALFORMED_EVENT.removeprefix(b"data: ").rstrip()
            if mode in ("stall_mid", "reset"):
                await self._send(
                    conn,
                    200,
                    "application/json",
                    data,
                    {},
                    keep_alive=req.keep_alive,
                    send_only=len(data) // 2,
                )
                if mode == "reset":
                    await self._reset_connection(conn)
                else:
                    await watch.sleep(None)
                    self._note_disconnect()
                return False
            await self._send(conn, 200, "application/json", data, {}, keep_alive=req.keep_alive)
            return req.keep_alive
        finally:
            await watch.stop()

    async def _endless_body(self, conn: _Conn, req: _Request, watch: _Watch, mode: str) -> bool:
        """An answer that never ends, in one of the ways that must not exhaust the client."""
        opening = b'data: {"choices": [{"index": 0, "delta": {"content": "'
        content_type, status, extra = "text/event-stream", 200, {}
        events: Iterable[bytes] = itertools.repeat(b"x" * 65536)
        if mode == "endless_html":
            content_type, opening = "text/html", b"<html><body>"
            events = itertools.repeat(b"<p>Service temporarily unavailable</p>\n" * 1024)
        elif mode == "endless_error":
            content_type, status, opening = "text/plain", 500, b"upstream error: "
        elif mode == "gzip_bomb":
            extra = {"content-encoding": "gzip"}
            events = _gzip_bomb(opening)
            opening = b""
        return await self._stream_events(
            conn,
            req,
            watch,
            content_type=content_type,
            opening=opening,
            events=events,
            closing=b"",
            mode=mode,
            min_delay=ENDLESS_MIN_DELAY,
            status=status,
            extra=extra,
        )

    async def _endless_answer(self, conn: _Conn, req: _Request, body: Json, watch: _Watch) -> bool:
        """A chunked ``application/json`` answer whose ``content`` string never ends."""
        data = _dumps(self._answer(body, "", None, None))
        opening = data[: data.index(b'"content":""') + len(b'"content":"')]
        return await self._stream_events(
            conn,
            req,
            watch,
            content_type="application/json",
            opening=opening,
            events=itertools.repeat(b"x" * max(1, self.chunk_chars)),
            closing=b"",
            mode="endless",
            min_delay=ENDLESS_MIN_DELAY,
        )

    async def _stream(
        self,
        conn: _Conn,
        req: _Request,
        body: Json,
        watch: _Watch,
        mode: str | None,
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

        events: Iterable[bytes] = []
        closing = b"data: [DONE]\n\n"
        min_delay = 0.0
        if mode == "drop":
            events = [event(p) for p in pieces]
        elif mode in ("stall_mid", "reset"):
            events = [event(p) for p in pieces[: max(1, len(pieces) // 2)]]
        elif mode == "finish_error":
            events = [event(p) for p in pieces] + [event("", "error")]
        elif mode == "endless":
            events = itertools.repeat(event("x" * max(1, self.chunk_chars)))
            min_delay = ENDLESS_MIN_DELAY
        elif mode == "huge":
            events = [event(p) for p in pieces] + [event("", finish)]
        elif mode != "stall":
            last = pieces[-1] if pieces else ""
            normal = [event(p) for p in pieces[:-1]] + [event(last, finish)]
            if mode == "malformed":
                normal.insert(1, MALFORMED_EVENT)
            elif mode == "invalid_utf8":
                bad = event("").replace(
                    b'"delta":{"content":""}', b'"delta":{"content":"' + INVALID_UTF8 + b'"}', 1
                )
                normal.insert(1, bad)
            elif mode == "no_done":
                closing = b""
            events = normal
        return await self._stream_events(
            conn,
            req,
            watch,
            content_type="text/event-stream",
            opening=event("", role=True),
            events=events,
            closing=closing,
            mode=mode,
            min_delay=min_delay,
        )

    def _default_error_body(self, status: int) -> Json:
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
        return {"message": _phrase(status), "request_id": _request_id()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.fakes.codestral",
        description="Serve a fake Mistral FIM API on 127.0.0.1 and print its base URL.",
    )
    parser.add_argument("--port", type=int, default=0, help="port (default: OS-chosen)")
    parser.add_argument("--key", default=DEFAULT_KEY, help="accepted bearer key")
    parser.add_argument("--completion", default=DEFAULT_COMPLETION, help="completion text")
    parser.add_argument(
        "--sample",
        action="append",
        default=[],
        help="a text a warm request with a random_seed may get instead (repeat for more)",
    )
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
    fake.samples = tuple(args.sample)
    with fake:
        print(fake.base_url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()


def _gzip_bomb(start: bytes) -> Iterator[bytes]:
    """A gzip stream of `start` then endless "x": each piece is about 1 KB on the wire and 1 MiB
    decompressed."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    yield compressor.compress(start) + compressor.flush(zlib.Z_SYNC_FLUSH)
    megabyte = b"x" * (1 << 20)
    while True:
        yield compressor.compress(megabyte) + compressor.flush(zlib.Z_SYNC_FLUSH)
