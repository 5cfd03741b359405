"""llama.cpp server's FIM wire protocol (`POST /infill`, SSE ending with `stop: true`, no `[DONE]`)."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from typing import Any

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

DEFAULT_BASE_URL = CATALOG["llamacpp"].base_url
KEY_VARIABLE = CATALOG["llamacpp"].key_variable
# Once a line break is out, stop generating after this long (llama.vim's default): a long block
# is cut rather than kept waiting for.
T_MAX_PREDICT_MS = 1500


def request_body(request: FimRequest) -> dict[str, Any]:
    """The JSON body for `/infill`.

    As llama.vim does, only whole lines go in `input_prefix` and the start of the cursor's line
    goes in `prompt` (after the FIM middle token), so the cached prefix stays the same while the
    user types on one line.
    """
    head, newline, line = request.prompt.rpartition("\n")
    body: dict[str, Any] = {
        "input_prefix": head + newline,
        "input_suffix": request.suffix,
        "input_extra": [{"filename": name, "text": text} for name, text in request.extra],
        "prompt": line,
        "stream": True,
        "cache_prompt": True,
        "t_max_predict_ms": T_MAX_PREDICT_MS,
    }
    return body | sampling(request, _FIELDS)


_FIELDS = {
    "max_tokens": "n_predict",
    "temperature": "temperature",
    "top_p": "top_p",
    "stop": "stop",
    "random_seed": "seed",
}


def read_event(data: str, host: str) -> tuple[str, bool]:
    """The text of one stream event and whether it is the last (`stop: true`)."""
    try:
        chunk = json.loads(data)
    except ValueError:
        raise unreadable(host) from None
    if not isinstance(chunk, dict):
        raise unreadable(host)
    if "error" in chunk:
        raise ProviderError(
            ErrorKind.UNAVAILABLE, f"{host} (llama.cpp) stopped with an error: {error_text(chunk)}."
        )
    text = chunk.get("content")
    return (text if isinstance(text, str) else ""), chunk.get("stop") is True


class LlamaCppProvider:
    """Streams FIM completions from a llama.cpp server's `/infill` over a shared keep-alive client."""

    name = "llamacpp"

    takes_files = True  # related code goes in input_extra, not into the prompt

    def __init__(self, http: HttpClients, base_url: str, api_key: str | None) -> None:
        self._http = http
        self._url = (base_url or DEFAULT_BASE_URL).rstrip("/") + "/infill"
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
            unreachable_hint="Is llama-server running (e.g. `llama-server --fim-qwen-1.5b-default`)?",
            status_error=self._status_error,
            read_event=lambda data: read_event(data, self.host),
            sentinel=None,  # llama.cpp ends with `stop: true`, no [DONE]
        )

    def _status_error(self, response: httpx.Response) -> ProviderError:
        detail = error_text(response_body(response))
        if response.status_code == 501:
            return ProviderError(
                ErrorKind.BAD_REQUEST,
                f"the model loaded in llama-server at {self.host} cannot fill in the middle "
                f"({detail or 'infill is not supported'}). Start it with a FIM model, e.g. "
                "`llama-server --fim-qwen-1.5b-default`.",
                status=501,
            )
        key = f"the key in {KEY_VARIABLE}" if self._api_key else "a request without a key"
        return status_error(
            response,
            host=self.host,
            auth=f"{key} was rejected by {self.host}",
            auth_advice=f"Set {KEY_VARIABLE} to the --api-key llama-server was started with.",
            unknown_model="does not serve the requested model",
            model_advice="Check the model llama-server was started with.",
        )
