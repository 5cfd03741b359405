"""A fake OpenAI-style legacy completions API with `suffix` (`/v1/completions`, SSE, `[DONE]`) on 127.0.0.1."""

from __future__ import annotations

import argparse
import contextlib
import threading
import time
import uuid
from typing import Any, ClassVar

from bench.fakes.http import Completion, FakeServer, Json, _Conn, _dumps, _Request, _Watch

COMPLETIONS_PATH = "/v1/completions"
DEFAULT_MODEL = "qwen2.5-coder:1.5b"
DEFAULT_COMPLETION = " fake_openai_completion(a, b)\n    return result\n"
# The legacy completions fields; others are refused (400), as strict servers do.
ALLOWED_FIELDS = frozenset(
    {"model", "prompt", "suffix", "max_tokens", "temperature", "top_p", "n", "stream",
     "stream_options", "logprobs", "echo", "stop", "presence_penalty", "frequency_penalty",
     "best_of", "logit_bias", "user", "seed"}
)  # fmt: skip


def _error(message: str, kind: str = "invalid_request_error", code: str | None = None) -> Json:
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


class FakeOpenAI(FakeServer):
    """A fake OpenAI-compatible server for tests (shared knobs and observations are FakeServer's).

    Routes: ``GET /v1/models``, ``POST /v1/completions``; anything else is 404. Order of checks
    for completions: injected fault -> auth (401, only if ``api_key`` is set) -> JSON (400) ->
    fields (400) -> ``suffix_supported`` (400 ``suffix is not currently supported``, as vLLM) ->
    model (404, as Ollama's /v1) -> the completion.

    Streaming: ``data: {"object": "text_completion", "choices": [{"text": piece,
    "finish_reason": null}]}`` events, the last piece with its ``finish_reason``, then
    ``data: [DONE]``. Modes: ``"error_event"`` (half the pieces, then ``data: {"error": ...}``),
    plus ``"stall"``, ``"drop"`` and ``"slow_headers"``.
    """

    MODES: ClassVar[frozenset[str]] = frozenset({"error_event", "stall", "drop", "slow_headers"})
    SERVER_NAME: ClassVar[str] = "fake-openai"
    PROVIDER: ClassVar[str] = "openai"
    KEY_VARIABLE: ClassVar[str] = "OPENAI_API_KEY"
    MODEL: ClassVar[str] = DEFAULT_MODEL

    def __init__(
        self,
        *,
        api_key: str | None = None,
        completion: Completion = DEFAULT_COMPLETION,
        known_models: frozenset[str] | set[str] = frozenset({DEFAULT_MODEL}),
        suffix_supported: bool = True,
        **knobs: Any,
    ) -> None:
        super().__init__(api_key=api_key, completion=completion, known_models=known_models, **knobs)
        self.suffix_supported = suffix_supported

    def _default_error_body(self, status: int) -> Json:
        if status == 429:
            return _error("Rate limit reached", "rate_limit_exceeded")
        return _error("fake error", "server_error")

    async def _dispatch(self, conn: _Conn, req: _Request) -> bool:
        self._record(req)
        path = req.target.partition("?")[0]
        if (req.method, path) == ("GET", "/v1/models"):
            models = [{"id": m, "object": "model", "owned_by": "fake"} for m in self.known_models]
            return await self._send_json(conn, 200, {"object": "list", "data": models}, req)
        if (req.method, path) != ("POST", COMPLETIONS_PATH):
            return await self._send_json(conn, 404, _error(f"no route {path}"), req)
        fault = self._take_fault()
        if fault is not None:
            return await self._send_fault(conn, req, fault)
        if not self._authorized(req):
            body = _error("Incorrect API key provided", code="invalid_api_key")
            return await self._send_json(conn, 401, body, req)
        try:
            body = self._json_body(req)
        except ValueError:
            return await self._send_json(conn, 400, _error("invalid JSON body"), req)
        if (problem := _problem(body)) is not None:
            return await self._send_json(conn, 400, _error(problem), req)
        if "suffix" in body and not self.suffix_supported:
            error = _error("suffix is not currently supported", "BadRequestError")
            return await self._send_json(conn, 400, error, req)
        if body["model"] not in self.known_models:
            error = _error(f'model "{body["model"]}" not found, try pulling it first', "api_error")
            return await self._send_json(conn, 404, error, req)
        return await self._complete(conn, req, body)

    async def _complete(self, conn: _Conn, req: _Request, body: Json) -> bool:
        mode = self._take_mode()
        text = self._text_for(
            body["prompt"], body.get("suffix") or "", body.get("temperature"), body.get("seed")
        )
        stop = body.get("stop")
        stops = [stop] if isinstance(stop, str) else list(stop or [])
        pieces, finish = self._pieces(text, stops, body.get("max_tokens"))
        rid, created, model = f"cmpl-{uuid.uuid4().hex[:8]}", int(time.time()), body["model"]

        def chunk(text: str, reason: str | None) -> Json:
            return {
                "id": rid,
                "object": "text_completion",
                "created": created,
                "model": model,
                "system_fingerprint": "fp_fake",
                "choices": [{"text": text, "index": 0, "finish_reason": reason}],
            }

        def event(obj: Json) -> bytes:
            return b"data: " + _dumps(obj) + b"\n\n"

        watch = _Watch(conn)
        try:
            if not await self._before_response(watch, mode):
                return False
            if body.get("stream") is not True:
                return await self._send_json(conn, 200, chunk("".join(pieces), finish), req)
            events = [event(chunk(p, None)) for p in pieces[:-1]]
            if mode in ("error_event", "drop"):
                events = [event(chunk(p, None)) for p in pieces[: len(pieces) // 2]]
            if mode == "error_event":
                events.append(event(_error("the model runner stopped", "api_error")))
            elif mode != "drop":
                events.append(event(chunk(pieces[-1] if pieces else "", finish)))
            return await self._stream_events(
                conn,
                req,
                watch,
                content_type="text/event-stream",
                opening=b"",
                events=events,
                closing=b"data: [DONE]\n\n",
                mode=mode,
            )
        finally:
            await watch.stop()


def _problem(body: Any) -> str | None:
    """Why a completions body is refused, or None."""
    if not isinstance(body, dict):
        return "invalid JSON body"
    if not isinstance(body.get("model"), str) or not body["model"]:
        return "model is required"
    if not isinstance(body.get("prompt"), str):
        return "prompt is required"
    if "suffix" in body and not isinstance(body["suffix"], str | None):
        return "suffix must be a string"
    unknown = sorted(set(body) - ALLOWED_FIELDS)
    if unknown:
        return f"Unrecognized request argument supplied: {unknown[0]}"
    tokens = body.get("max_tokens")
    if tokens is not None and (isinstance(tokens, bool) or not isinstance(tokens, int)):
        return "max_tokens must be an integer"
    return None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.fakes.openai",
        description="Serve a fake OpenAI-style completions API on 127.0.0.1 and print its URL.",
    )
    parser.add_argument("--port", type=int, default=0, help="port (default: OS-chosen)")
    parser.add_argument("--completion", default=DEFAULT_COMPLETION, help="completion text")
    args = parser.parse_args(argv)
    with FakeOpenAI(completion=args.completion, port=args.port) as fake:
        print(fake.base_url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
