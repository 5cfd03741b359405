"""Ollama's native FIM wire protocol (`POST /api/generate` with `suffix`, NDJSON), for a local or remote Ollama."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx

from fim_lsp.providers.base import ErrorKind, FimRequest, ProviderError, host_of, sampling
from fim_lsp.providers.catalog import CATALOG
from fim_lsp.providers.client import HttpClients
from fim_lsp.providers.http_errors import (
    checked,
    error_text,
    response_body,
    status_error,
    stream_ended_early,
    transport_errors,
    unreadable,
)
from fim_lsp.providers.reading import ACCEPT_ENCODING, error_response, lines

DEFAULT_BASE_URL = CATALOG["ollama"].base_url
KEY_VARIABLE = CATALOG["ollama"].key_variable
FIM_MODELS = "qwen2.5-coder:1.5b, qwen2.5-coder:7b, deepseek-coder-v2, codestral or starcoder2"
SUGGESTED_MODEL = "qwen2.5-coder:1.5b"


def base_url_from(environ: Mapping[str, str]) -> str:
    """Ollama's address as its own clients read `OLLAMA_HOST` (a bind address means this host)."""
    host = environ.get("OLLAMA_HOST", "").strip()
    if not host:
        return DEFAULT_BASE_URL
    scheme, separator, rest = host.partition("://")
    if not separator:
        scheme, rest = "http", host
    default_port = {"http": 80, "https": 443}[scheme] if separator else 11434
    parts = urlsplit(f"{scheme}://{rest}")
    try:
        port = parts.port or default_port
    except ValueError:
        port = default_port
    name = parts.hostname or "127.0.0.1"
    if name in ("0.0.0.0", "::"):
        name = "127.0.0.1"
    if ":" in name:
        name = f"[{name}]"
    return f"{scheme}://{name}:{port}{parts.path.rstrip('/')}"


def context_tokens(context_tokens: int, max_tokens: int) -> int:
    """A `num_ctx` that holds the prompt and the answer; fixed per settings, since Ollama reloads
    the model whenever it changes."""
    needed = context_tokens + max_tokens + 64
    size = 2048
    while size < needed:
        size *= 2
    return size


_OPTIONS = {
    "max_tokens": "num_predict",
    "temperature": "temperature",
    "top_p": "top_p",
    "stop": "stop",
    "random_seed": "seed",
}


def request_body(request: FimRequest, num_ctx: int) -> dict[str, Any]:
    """The JSON body for `/api/generate`: the model's own FIM template, no thinking, streamed."""
    options: dict[str, Any] = {"num_ctx": num_ctx, **sampling(request, _OPTIONS)}
    return {
        "model": request.model,
        "prompt": request.prompt,
        "suffix": request.suffix,
        "stream": True,
        "think": False,
        "options": options,
    }


def read_line(line: str, host: str) -> tuple[str, bool]:
    """The text of one NDJSON line and whether it is the last; an `error` line raises."""
    try:
        chunk = json.loads(line)
    except ValueError:
        raise unreadable(host, "a line") from None
    if not isinstance(chunk, dict):
        raise unreadable(host, "a line")
    if "error" in chunk:
        raise ProviderError(
            ErrorKind.UNAVAILABLE, f"{host} (Ollama) stopped with an error: {error_text(chunk)}."
        )
    text = chunk.get("response")
    return (text if isinstance(text, str) else ""), chunk.get("done") is True


class OllamaProvider:
    """Streams FIM completions from Ollama's `/api/generate` over a shared keep-alive client."""

    name = "ollama"

    def __init__(self, http: HttpClients, base_url: str, api_key: str | None, num_ctx: int) -> None:
        self._http = http
        self._url = base_url.rstrip("/") + "/api/generate"
        self._api_key = api_key
        self._num_ctx = num_ctx
        self.host = host_of(self._url)

    async def stream(self, request: FimRequest) -> AsyncGenerator[str, None]:
        """Yield text deltas as they arrive; leaving the loop early closes the HTTP stream."""
        headers = {"Accept": "application/x-ndjson", **ACCEPT_ENCODING}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        done = False
        with transport_errors(
            self.host, "Is Ollama running (`ollama serve`)? Check OLLAMA_HOST or fimLsp.baseUrl."
        ):
            async with (
                self._http.streaming() as client,
                client.stream(
                    "POST", self._url, json=request_body(request, self._num_ctx), headers=headers
                ) as response,
            ):
                if response.status_code != 200:
                    raise self._status_error(await error_response(response, self.host), request)
                async for line in lines(response, self.host):
                    # read on past the last line to the end of the body, so the connection is reused
                    if done or not line.strip():
                        continue
                    text, done = read_line(checked(line, self.host), self.host)
                    if text:
                        yield text
        if not done:
            raise stream_ended_early(self.host)

    def _status_error(self, response: httpx.Response, request: FimRequest) -> ProviderError:
        detail = error_text(response_body(response))
        if response.status_code == 400 and "does not support insert" in detail:
            return ProviderError(
                ErrorKind.BAD_REQUEST,
                f"the Ollama model '{request.model}' cannot fill in the middle (it has no insert "
                f"capability). Set fimLsp.model to a FIM model such as {FIM_MODELS} "
                f"(`ollama pull {SUGGESTED_MODEL}`).",
                status=400,
            )
        key = f"the key in {KEY_VARIABLE}" if self._api_key else "a request without a key"
        return status_error(
            response,
            host=self.host,
            auth=f"{key} was rejected by {self.host}",
            auth_advice=f"Set {KEY_VARIABLE} to a key this Ollama accepts.",
            unknown_model=f"has no model '{request.model}'",
            model_advice=f"Run `ollama pull {request.model}`, or set fimLsp.model to an installed "
            f"FIM model such as {SUGGESTED_MODEL}.",
        )
