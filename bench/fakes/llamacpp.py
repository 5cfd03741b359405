"""A fake llama.cpp server speaking its native `/infill` API (SSE without `[DONE]`, `:` pings) on 127.0.0.1."""

from __future__ import annotations

import argparse
import contextlib
import threading
from typing import Any, ClassVar

from bench.fakes.http import Completion, FakeServer, Json, _Conn, _dumps, _Request, _Watch

INFILL_PATH = "/infill"
DEFAULT_COMPLETION = " fake_llamacpp_completion(a, b)\n    return result\n"
NOT_SUPPORTED = (
    "Infill is not supported by this model: prefix token is missing. "
    "suffix token is missing. middle token is missing."
)
# What this fake accepts; llama-server ignores unknown fields, the fake refuses them (400) so a
# typo in what fim-lsp sends fails a test.
ALLOWED_FIELDS = frozenset(
    {"input_prefix", "input_suffix", "input_extra", "prompt", "n_predict", "n_indent",
     "temperature", "top_k", "top_p", "min_p", "stop", "stream", "seed", "cache_prompt",
     "t_max_predict_ms", "samplers", "response_fields", "id_slot", "model"}
)  # fmt: skip


def _error(code: int, message: str, kind: str) -> Json:
    return {"error": {"code": code, "message": message, "type": kind}}


class FakeLlamaCpp(FakeServer):
    """A fake llama-server for tests (the shared knobs and observations are FakeServer's).

    Routes: ``GET /health``, ``POST /infill``; anything else is 404 ``File Not Found``. Order of
    checks for infill: injected fault -> auth (401, only if ``api_key`` is set) -> JSON (400) ->
    fields (400) -> ``infill_supported`` (501 ``Infill is not supported by this model``) -> the
    completion, for ``input_prefix + prompt`` and ``input_suffix``.

    Streaming (``stream: true``): a ``: ping`` comment, then ``data: {"content": piece, "stop":
    false}`` events, then ``{"content": "", "stop": true, "stop_type": ...}``; no ``[DONE]``.
    Modes: ``"error_event"`` (half the pieces, then ``data: {"error": {...}}``), plus
    ``"stall"``, ``"drop"`` and ``"slow_headers"``.
    """

    MODES: ClassVar[frozenset[str]] = frozenset({"error_event", "stall", "drop", "slow_headers"})
    SERVER_NAME: ClassVar[str] = "fake-llamacpp"
    PROVIDER: ClassVar[str] = "llamacpp"
    KEY_VARIABLE: ClassVar[str] = "LLAMA_API_KEY"
    MODEL: ClassVar[str] = "qwen2.5-coder-1.5b-q8_0.gguf"

    def __init__(
        self,
        *,
        api_key: str | None = None,
        completion: Completion = DEFAULT_COMPLETION,
        infill_supported: bool = True,
        **knobs: Any,
    ) -> None:
        super().__init__(api_key=api_key, completion=completion, known_models={self.MODEL}, **knobs)
        self.infill_supported = infill_supported

    def _default_error_body(self, status: int) -> Json:
        if status == 503:
            return _error(503, "Loading model", "unavailable_error")
        return _error(status, "fake error", "server_error")

    async def _dispatch(self, conn: _Conn, req: _Request) -> bool:
        self._record(req)
        path = req.target.partition("?")[0]
        if (req.method, path) == ("GET", "/health"):
            return await self._send_json(conn, 200, {"status": "ok"}, req)
        if (req.method, path) != ("POST", INFILL_PATH):
            return await self._send_json(
                conn, 404, _error(404, "File Not Found", "not_found_error"), req
            )
        fault = self._take_fault()
        if fault is not None:
            return await self._send_fault(conn, req, fault)
        if not self._authorized(req):
            body = _error(401, "Invalid API Key", "authentication_error")
            return await self._send_json(conn, 401, body, req)
        try:
            body = self._json_body(req)
        except ValueError:
            error = _error(400, "Failed to parse JSON", "invalid_request_error")
            return await self._send_json(conn, 400, error, req)
        if (problem := _problem(body)) is not None:
            error = _error(400, problem, "invalid_request_error")
            return await self._send_json(conn, 400, error, req)
        if not self.infill_supported:
            error = _error(501, NOT_SUPPORTED, "not_supported_error")
            return await self._send_json(conn, 501, error, req)
        return await self._infill(conn, req, body)

    async def _infill(self, conn: _Conn, req: _Request, body: Json) -> bool:
        mode = self._take_mode()
        prefix = body.get("input_prefix", "") + body.get("prompt", "")
        text = self._text_for(
            prefix, body.get("input_suffix", ""), body.get("temperature"), body.get("seed")
        )
        predict = body.get("n_predict")
        limit = None if predict is None or predict < 0 else int(predict)
        pieces, finish = self._pieces(text, list(body.get("stop") or []), limit)
        stop_type = "limit" if finish == "length" else "eos"

        def event(obj: Json) -> bytes:
            return b"data: " + _dumps(obj) + b"\n\n"

        last: Json = {
            "index": 0,
            "content": "",
            "stop": True,
            "stop_type": stop_type,
            "stopping_word": "",
            "tokens_predicted": len(pieces),
            "tokens_evaluated": 20,
            "truncated": False,
            "timings": {"prompt_n": 20, "predicted_n": len(pieces), "predicted_ms": 10.0},
        }
        watch = _Watch(conn)
        try:
            if not await self._before_response(watch, mode):
                return False
            if body.get("stream") is not True:
                whole = {**last, "content": "".join(pieces)}
                return await self._send_json(conn, 200, whole, req)
            events = [
                event({"index": 0, "content": piece, "tokens": [i], "stop": False})
                for i, piece in enumerate(pieces)
            ]
            if mode in ("error_event", "drop"):
                events = events[: len(events) // 2]
            if mode == "error_event":
                events.append(event(_error(500, "the slot crashed", "server_error")))
            elif mode != "drop":
                events.append(event(last))
            return await self._stream_events(
                conn,
                req,
                watch,
                content_type="text/event-stream",
                opening=b": ping\n\n",
                events=events,
                closing=b"",
                mode=mode,
            )
        finally:
            await watch.stop()


def _problem(body: Any) -> str | None:
    """Why an infill body is refused (llama-server's words where it has them), or None."""
    if not isinstance(body, dict):
        return "Failed to parse JSON"
    for name in ("input_prefix", "input_suffix", "prompt"):
        if name in body and not isinstance(body[name], str):
            return f'"{name}" must be a string'
    extra = body.get("input_extra", [])
    chunks_ok = isinstance(extra, list) and all(
        isinstance(chunk, dict)
        and set(chunk) <= {"filename", "text"}
        and isinstance(chunk.get("text"), str)
        and isinstance(chunk.get("filename", ""), str)
        for chunk in extra
    )
    if not chunks_ok:
        return '"input_extra" must be an array of {"filename": string, "text": string}'
    unknown = sorted(set(body) - ALLOWED_FIELDS)
    if unknown:
        return f"fake-llamacpp: unknown field {unknown[0]!r}"
    stop = body.get("stop", [])
    if not isinstance(stop, list) or not all(isinstance(s, str) for s in stop):
        return '"stop" must be an array of strings'
    predict = body.get("n_predict")
    if predict is not None and (isinstance(predict, bool) or not isinstance(predict, int)):
        return '"n_predict" must be an integer'
    return None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.fakes.llamacpp",
        description="Serve a fake llama.cpp server on 127.0.0.1 and print its base URL.",
    )
    parser.add_argument("--port", type=int, default=0, help="port (default: OS-chosen)")
    parser.add_argument("--completion", default=DEFAULT_COMPLETION, help="completion text")
    parser.add_argument("--chunk-delay", type=float, default=0.0, help="seconds between events")
    args = parser.parse_args(argv)
    with FakeLlamaCpp(
        completion=args.completion, chunk_delay=args.chunk_delay, port=args.port
    ) as fake:
        print(fake.base_url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
