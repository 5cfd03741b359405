"""The OpenAI-style legacy completions protocol with `suffix` (`POST /v1/completions`, SSE, `[DONE]`)."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from typing import Any
from urllib.parse import urlsplit

import httpx

from fim_lsp.providers.base import ErrorKind, FimRequest, ProviderError, host_of, sampling
from fim_lsp.providers.catalog import CATALOG
from fim_lsp.providers.client import HttpClients
from fim_lsp.providers.http_errors import (
    error_text,
    response_body,
    status_error,
    unreadable,
)
from fim_lsp.providers.sse import post_sse

DEFAULT_BASE_URL = CATALOG["openai"].base_url  # Ollama's OpenAI-compatible API
KEY_VARIABLE = CATALOG["openai"].key_variable


def completions_url(base_url: str) -> str:
    """`{base}/v1/completions` for a bare address; `{base}/completions` when the base has a path
    (`…/v1`, DeepSeek's `…/beta`), as OpenAI clients take their base URL."""
    base = (base_url or DEFAULT_BASE_URL).rstrip("/")
    return base + ("/completions" if urlsplit(base).path else "/v1/completions")


_FIELDS = {
    "max_tokens": "max_tokens",
    "temperature": "temperature",
    "top_p": "top_p",
    "stop": "stop",
    "random_seed": "seed",
}


def request_body(request: FimRequest) -> dict[str, Any]:
    """The JSON body: prompt and suffix, the usual sampling fields, streamed."""
    body: dict[str, Any] = {
        "model": request.model,
        "prompt": request.prompt,
        "suffix": request.suffix,
        "stream": True,
    }
    return body | sampling(request, _FIELDS)


def read_event(data: str, host: str) -> tuple[str, bool]:
    """The text of one stream event and whether it carries the finish reason."""
    try:
        chunk = json.loads(data)
        if "error" in chunk:
            raise ProviderError(
                ErrorKind.UNAVAILABLE, f"{host} stopped with an error: {error_text(chunk)}."
            )
        choice = chunk["choices"][0]
        text = choice.get("text")
        finish = choice.get("finish_reason")
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        raise unreadable(host) from None
    if finish == "error":
        raise ProviderError(ErrorKind.UNAVAILABLE, f"{host} stopped with an error.")
    return (text if isinstance(text, str) else ""), finish is not None


class OpenAIProvider:
    """Streams FIM completions from an OpenAI-style `/v1/completions` that honours `suffix`."""

    name = "openai"

    def __init__(self, http: HttpClients, base_url: str, api_key: str | None) -> None:
        self._http = http
        self._url = completions_url(base_url)
        self._api_key = api_key
        self.host = host_of(self._url)

    def stream(self, request: FimRequest) -> AsyncGenerator[str, None]:
        """Yield text deltas as they arrive; leaving the loop early closes the HTTP stream."""
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        return post_sse(
            self._http,
            self._url,
            request_body(request),
            headers,
            host=self.host,
            unreachable_hint="Check the server and the fimLsp.baseUrl setting.",
            status_error=lambda response: self._status_error(response, request),
            read_event=lambda data: read_event(data, self.host),
        )

    def _status_error(self, response: httpx.Response, request: FimRequest) -> ProviderError:
        detail = error_text(response_body(response))
        if response.status_code in (400, 422) and "suffix" in detail.lower():
            return ProviderError(
                ErrorKind.BAD_REQUEST,
                f"{self.host} does not fill in the middle on /v1/completions ({detail}). "
                "Use a server that honours `suffix` (Ollama, DeepSeek beta, llama-cpp-python); "
                "for llama-server set fimLsp.provider to 'llamacpp'.",
                status=response.status_code,
            )
        key = f"the key in {KEY_VARIABLE}" if self._api_key else "a request without a key"
        return status_error(
            response,
            host=self.host,
            auth=f"{key} was rejected by {self.host}",
            auth_advice=f"Set {KEY_VARIABLE} to a key for this server.",
            unknown_model=f"has no model '{request.model}'",
            model_advice="Set fimLsp.model to a FIM-capable model the server has.",
        )
