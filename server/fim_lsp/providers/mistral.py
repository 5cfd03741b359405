"""Mistral's FIM wire protocol (`POST /v1/fim/completions`, SSE), for api.mistral.ai and codestral.mistral.ai."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

import httpx

from fim_lsp.providers.base import ErrorKind, FimRequest, ProviderError, host_of, sampling
from fim_lsp.providers.catalog import CATALOG
from fim_lsp.providers.client import HttpClients
from fim_lsp.providers.http_errors import error_text as _error_text
from fim_lsp.providers.http_errors import field_named as _field_named
from fim_lsp.providers.http_errors import (
    retry_after_seconds,
    status_error,
    unreadable,
)
from fim_lsp.providers.sse import post_sse

__all__ = ["PRESETS", "MistralProvider", "_error_text", "_field_named", "retry_after_seconds"]

# The request fields that map one to one onto FimRequest attributes; nothing else is ever sent,
# because the API answers unknown fields with 422 extra_forbidden.
_OPTIONAL_FIELDS = ("max_tokens", "min_tokens", "temperature", "top_p", "stop", "random_seed")


@dataclass(frozen=True, slots=True)
class Preset:
    """A named Mistral endpoint: where it lives, which key it takes, and how keys go wrong there."""

    name: str
    base_url: str
    key_variable: str
    key_page: str
    wrong_key_hint: str


PRESETS = {
    "mistral": Preset(
        name="mistral",
        base_url=CATALOG["mistral"].base_url,
        key_variable=CATALOG["mistral"].key_variable,
        key_page="https://console.mistral.ai/api-keys",
        wrong_key_hint=(
            "Keys from the console's Codestral tab only work on codestral.mistral.ai: "
            "for those set provider to 'codestral' and put the key in CODESTRAL_API_KEY."
        ),
    ),
    "codestral": Preset(
        name="codestral",
        base_url=CATALOG["codestral"].base_url,
        key_variable=CATALOG["codestral"].key_variable,
        key_page="https://console.mistral.ai/codestral",
        wrong_key_hint=(
            "Only keys from the console's Codestral tab work on codestral.mistral.ai: "
            "for a regular API key set provider to 'mistral' and use MISTRAL_API_KEY."
        ),
    ),
}


def request_body(request: FimRequest) -> dict[str, Any]:
    """The JSON body: documented fields only, unset ones omitted."""
    body: dict[str, Any] = {
        "model": request.model,
        "prompt": request.prompt,
        "suffix": request.suffix,
        "stream": True,
    }
    return body | sampling(request, {name: name for name in _OPTIONAL_FIELDS})


class MistralProvider:
    """Streams FIM completions from one Mistral endpoint over a shared keep-alive client."""

    def __init__(
        self, http: HttpClients, preset: Preset, base_url: str, api_key: str | None
    ) -> None:
        self._http = http
        self._preset = preset
        self._url = (base_url or preset.base_url).rstrip("/") + "/v1/fim/completions"
        self._api_key = api_key
        self.name = preset.name
        self.host = host_of(self._url)

    def stream(self, request: FimRequest) -> AsyncGenerator[str, None]:
        """Yield text deltas as they arrive; leaving the loop early closes the HTTP stream."""
        if not self._api_key:
            raise ProviderError(
                ErrorKind.CONFIG,
                f"{self._preset.key_variable} is not set. Create a key at {self._preset.key_page} "
                f"and set {self._preset.key_variable} in the environment fim-lsp starts in.",
                key_variable=self._preset.key_variable,
            )
        return post_sse(
            self._http,
            self._url,
            request_body(request),
            {"Authorization": f"Bearer {self._api_key}"},
            host=self.host,
            unreachable_hint="Check the network or the fimLsp.baseUrl setting.",
            status_error=lambda response: self._status_error(response, request),
            read_event=self._read_event,
        )

    def _read_event(self, data: str) -> tuple[str, bool]:
        """The text of one stream chunk (or of a whole answer), and whether it is the last."""
        try:
            choice = json.loads(data)["choices"][0]
            message = choice.get("delta") or choice.get("message") or {}
            text = "".join(_texts_of(message.get("content")))
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            raise unreadable(self.host) from None
        if choice.get("finish_reason") == "error":
            raise ProviderError(ErrorKind.UNAVAILABLE, f"{self.host} stopped with an error.")
        return text, choice.get("finish_reason") is not None

    def _status_error(self, response: httpx.Response, request: FimRequest) -> ProviderError:
        return status_error(
            response,
            host=self.host,
            auth=f"the key in {self._preset.key_variable} was rejected by {self.host}",
            auth_advice=self._preset.wrong_key_hint,
            unknown_model=f"does not know the model '{request.model}'",
            model_advice="Set fimLsp.model to a FIM model such as codestral-latest.",
        )


def _texts_of(content: object) -> list[str]:
    """Delta content is a string, null, or a list of content chunks."""
    if isinstance(content, str):
        return [content] if content else []
    if isinstance(content, list):
        return [
            part["text"]
            for part in content
            if isinstance(part, dict) and isinstance(part.get("text"), str) and part["text"]
        ]
    return []
