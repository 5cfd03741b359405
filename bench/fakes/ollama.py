"""A fake Ollama speaking its native API (`/api/generate` with `suffix`, NDJSON, `/api/tags`) on 127.0.0.1."""

from __future__ import annotations

import argparse
import contextlib
import json
import threading
import time
from typing import Any, ClassVar

from bench.fakes.http import Completion, FakeServer, Json, _Conn, _dumps, _Request, _Watch

GENERATE_PATH = "/api/generate"
DEFAULT_MODEL = "qwen2.5-coder:1.5b"
DEFAULT_MODELS: frozenset[str] = frozenset({DEFAULT_MODEL, "codestral:latest", "llama3.2:1b"})
NO_INSERT_MODELS: frozenset[str] = frozenset({"llama3.2:1b"})  # templates without .Suffix
RUN_ERROR = "an error was encountered while running the model: unexpected EOF"
DEFAULT_COMPLETION = " fake_ollama_completion(a, b)\n    return result\n"
# What this fake accepts; the real server ignores unknown fields, the fake refuses them (400) so
# a typo in what fim-lsp sends fails a test instead of being silently dropped.
ALLOWED_FIELDS = frozenset(
    {"model", "prompt", "suffix", "system", "template", "context", "stream", "raw", "format",
     "options", "keep_alive", "images", "think", "logprobs", "top_logprobs", "truncate", "shift"}
)  # fmt: skip
ALLOWED_OPTIONS = frozenset(
    {"num_predict", "temperature", "top_k", "top_p", "min_p", "typical_p", "stop", "seed",
     "repeat_penalty", "repeat_last_n", "presence_penalty", "frequency_penalty", "num_ctx",
     "num_keep", "num_batch", "num_gpu", "num_thread"}
)  # fmt: skip


class FakeOllama(FakeServer):
    """A fake Ollama for tests (the shared knobs and observations are FakeServer's).

    Routes: ``GET /api/version``, ``GET /api/tags`` (``known_models``), ``POST /api/generate``;
    anything else is ``404 page not found`` (text, as Ollama's router answers). Order of checks
    for generate: injected fault -> auth (401, only if ``api_key`` is set) -> JSON (400) ->
    fields and options (400) -> model (404 ``not found, try pulling it first``) -> a suffix for a
    model in ``no_insert_models`` (400 ``does not support insert``) -> the completion.

    ``stream`` defaults to true, as on the real server: NDJSON lines ``{"response": piece,
    "done": false}`` and a last line ``{"response": "", "done": true, "done_reason": ...}``.
    Modes: ``"error_line"`` (half the pieces, then an in-band ``{"error": ...}`` line with the
    status still 200), plus ``"stall"``, ``"drop"`` and ``"slow_headers"``.
    """

    MODES: ClassVar[frozenset[str]] = frozenset({"error_line", "stall", "drop", "slow_headers"})
    SERVER_NAME: ClassVar[str] = "fake-ollama"
    PROVIDER: ClassVar[str] = "ollama"
    KEY_VARIABLE: ClassVar[str] = "OLLAMA_API_KEY"
    MODEL: ClassVar[str] = DEFAULT_MODEL

    def __init__(
        self,
        *,
        api_key: str | None = None,
        completion: Completion = DEFAULT_COMPLETION,
        known_models: frozenset[str] | set[str] = DEFAULT_MODELS,
        no_insert_models: frozenset[str] | set[str] = NO_INSERT_MODELS,
        **knobs: Any,
    ) -> None:
        super().__init__(api_key=api_key, completion=completion, known_models=known_models, **knobs)
        self.no_insert_models = frozenset(no_insert_models)

    def _default_error_body(self, status: int) -> Json:
        if status == 503:
            return {"error": "server busy, please try again.  maximum pending requests exceeded"}
        return super()._default_error_body(status)

    async def _dispatch(self, conn: _Conn, req: _Request) -> bool:
        self._record(req)
        path = req.target.partition("?")[0]
        if (req.method, path) == ("GET", "/api/version"):
            return await self._send_json(conn, 200, {"version": "0.12.6"}, req)
        if (req.method, path) == ("GET", "/api/tags"):
            return await self._send_json(conn, 200, {"models": self._tags()}, req)
        if (req.method, path) != ("POST", GENERATE_PATH):
            return await self._send_text(conn, 404, "404 page not found", req)
        fault = self._take_fault()
        if fault is not None:
            return await self._send_fault(conn, req, fault)
        if not self._authorized(req):
            return await self._send_json(conn, 401, {"error": "unauthorized"}, req)
        try:
            body = self._json_body(req)
        except ValueError:
            return await self._send_json(conn, 400, {"error": "invalid request body"}, req)
        if (problem := _problem(body)) is not None:
            return await self._send_json(conn, 400, {"error": problem}, req)
        model = body["model"]
        if model not in self.known_models:
            error = f'model "{model}" not found, try pulling it first'
            return await self._send_json(conn, 404, {"error": error}, req)
        if body.get("suffix") and model in self.no_insert_models:
            error = f"registry.ollama.ai/library/{model} does not support insert"
            return await self._send_json(conn, 400, {"error": error}, req)
        return await self._generate(conn, req, body)

    def _tags(self) -> list[Json]:
        return [
            {"name": name, "model": name, "size": 986061892, "digest": "0" * 64}
            for name in sorted(self.known_models)
        ]

    async def _generate(self, conn: _Conn, req: _Request, body: Json) -> bool:
        mode = self._take_mode()
        options = body.get("options") or {}
        text = self._text_for(
            body.get("prompt") or "",
            body.get("suffix") or "",
            options.get("temperature"),
            options.get("seed"),
        )
        predict = options.get("num_predict")
        pieces, finish = self._pieces(text, list(options.get("stop") or []), predict)
        model = body["model"]

        def line(obj: Json) -> bytes:
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())
            return _dumps({"model": model, "created_at": stamp, **obj}) + b"\n"

        last = line(
            {
                "response": "",
                "done": True,
                "done_reason": finish,
                "context": [1, 2, 3],
                "total_duration": 1_000_000,
                "prompt_eval_count": 17,
                "eval_count": len(pieces),
            }
        )
        watch = _Watch(conn)
        try:
            if not await self._before_response(watch, mode):
                return False
            if body.get("stream", True) is False:
                whole = _dumps({**json.loads(last), "response": "".join(pieces)})
                await self._send(conn, 200, "application/json; charset=utf-8", whole, {},
                                 keep_alive=req.keep_alive)  # fmt: skip
                return req.keep_alive
            events = [line({"response": piece, "done": False}) for piece in pieces]
            if mode in ("error_line", "drop"):
                events = events[: len(events) // 2]
            if mode == "error_line":
                events.append(_dumps({"error": RUN_ERROR}) + b"\n")
            elif mode != "drop":
                events.append(last)
            return await self._stream_events(
                conn,
                req,
                watch,
                content_type="application/x-ndjson",
                opening=b"",
                events=events,
                closing=b"",
                mode=mode,
            )
        finally:
            await watch.stop()


def _problem(body: Any) -> str | None:
    """Why a generate body is refused (Ollama's words where it has them), or None."""
    if not isinstance(body, dict):
        return "invalid request body"
    if not isinstance(body.get("model"), str) or not body["model"]:
        return "model is required"
    for name in ("prompt", "suffix"):
        if name in body and not isinstance(body[name], str):
            return f"json: cannot unmarshal {type(body[name]).__name__} into {name} of type string"
    unknown = sorted(set(body) - ALLOWED_FIELDS)
    if unknown:
        return f"fake-ollama: unknown field {unknown[0]!r}"
    options = body.get("options", {})
    if not isinstance(options, dict):
        return "json: cannot unmarshal options"
    unknown = sorted(set(options) - ALLOWED_OPTIONS)
    if unknown:
        return f"fake-ollama: unknown option {unknown[0]!r}"
    stop = options.get("stop", [])
    if not isinstance(stop, list) or not all(isinstance(s, str) for s in stop):
        return "json: cannot unmarshal stop"
    predict = options.get("num_predict")
    if predict is not None and (isinstance(predict, bool) or not isinstance(predict, int)):
        return "json: cannot unmarshal num_predict"
    return None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.fakes.ollama",
        description="Serve a fake Ollama on 127.0.0.1 and print its base URL.",
    )
    parser.add_argument("--port", type=int, default=0, help="port (default: OS-chosen)")
    parser.add_argument("--completion", default=DEFAULT_COMPLETION, help="completion text")
    parser.add_argument("--chunk-delay", type=float, default=0.0, help="seconds between lines")
    args = parser.parse_args(argv)
    with FakeOllama(
        completion=args.completion, chunk_delay=args.chunk_delay, port=args.port
    ) as fake:
        print(fake.base_url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
