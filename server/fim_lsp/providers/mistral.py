"""Mistral's FIM wire protocol (`POST /v1/fim/completions`, SSE), for api.mistral.ai and codestral.mistral.ai."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from httpx_sse import EventSource

from fim_lsp.providers.base import ErrorKind, FimRequest, ProviderError

# The request fields that map one to one onto FimRequest attributes; nothing else is ever sent,
# because the API answers unknown fields with 422 extra_forbidden.
_OPTIONAL_FIELDS = ("max_tokens", "min_tokens", "temperature", "top_p", "random_seed")
_SETTING_OF_FIELD = {
    "model": "model",
    "prompt": "contextChars",
    "suffix": "contextChars",
    "max_tokens": "maxTokens",
    "min_tokens": "minTokens",
    "temperature": "temperature",
    "top_p": "topP",
    "stop": "stop",
    "random_seed": "randomSeed",
}


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
        base_url="https://api.mistral.ai",
        key_variable="MISTRAL_API_KEY",
        key_page="https://console.mistral.ai/api-keys",
        wrong_key_hint=(
            "Keys from the console's Codestral tab only work on codestral.mistral.ai: "
            "for those set provider to 'codestral' and put the key in CODESTRAL_API_KEY."
        ),
    ),
    "codestral": Preset(
        name="codestral",
        base_url="https://codestral.mistral.ai",
        key_variable="CODESTRAL_API_KEY",
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
    for name in _OPTIONAL_FIELDS:
        value = getattr(request, name)
        if value is not None:
            body[name] = value
    if request.stop:
        body["stop"] = list(request.stop)
    return body


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """Read `retry-after-ms` or `Retry-After` (seconds or an HTTP date)."""
    if (millis := headers.get("retry-after-ms")) is not None:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    if (value := headers.get("retry-after")) is not None:
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        date = headers.get("date")
        now = parsedate_to_datetime(date) if date else None
        if now is not None:
            return max(0.0, (moment - now).total_seconds())
    return None


def _error_text(body: object) -> str:
    """Pull the human part out of the error bodies Mistral and its proxies send."""
    if isinstance(body, dict):
        for key in ("message", "detail", "error"):
            value = body.get(key)
            if isinstance(value, str):
                return value
            if isinstance(value, dict | list):
                return _error_text(value)
    if isinstance(body, list) and body and isinstance(body[0], dict):
        first = body[0]
        where = ".".join(str(part) for part in first.get("loc", []) if part != "body")
        return f"{where}: {first.get('msg', '')}".strip(": ")
    if isinstance(body, str):
        return body.strip()[:200]
    return ""


def _field_named(body: object) -> str | None:
    """The request field a 422 complains about, if any."""
    if isinstance(body, dict):
        for value in body.values():
            if (found := _field_named(value)) is not None:
                return found
    if isinstance(body, list):
        for item in body:
            if isinstance(item, dict) and isinstance(item.get("loc"), list):
                names = [part for part in item["loc"] if isinstance(part, str) and part != "body"]
                if names:
                    return names[0]
            elif (found := _field_named(item)) is not None:
                return found
    return None


class MistralProvider:
    """Streams FIM completions from one Mistral endpoint over a shared keep-alive client."""

    def __init__(
        self, client: httpx.AsyncClient, preset: Preset, base_url: str, api_key: str | None
    ) -> None:
        self._client = client
        self._preset = preset
        self._url = (base_url or preset.base_url).rstrip("/") + "/v1/fim/completions"
        self._api_key = api_key
        self.name = preset.name
        self.host = urlsplit(self._url).netloc

    async def stream(self, request: FimRequest) -> AsyncGenerator[str, None]:
        """Yield text deltas as they arrive; leaving the loop early closes the HTTP stream."""
        if not self._api_key:
            raise ProviderError(
                ErrorKind.CONFIG,
                f"{self._preset.key_variable} is not set. Create a key at {self._preset.key_page} "
                f"and set {self._preset.key_variable} in the environment fim-lsp starts in.",
            )
        headers = {
            "Authorization": f"Bearer {self._api_key}",
            "Accept": "text/event-stream",
        }
        try:
            async with self._client.stream(
                "POST", self._url, json=request_body(request), headers=headers
            ) as response:
                if response.status_code != 200:
                    await response.aread()
                    raise self._status_error(response, request)
                if not response.headers.get("content-type", "").startswith("text/event-stream"):
                    await response.aread()
                    for text in self._whole_answer(response):
                        yield text
                    return
                finished = done = False
                async for event in EventSource(response).aiter_sse():
                    # read on past [DONE] to the end of the body, so the connection is reused
                    done = done or event.data == "[DONE]"
                    if done:
                        continue
                    texts, finished = self._read_chunk(event.data)
                    for text in texts:
                        yield text
            if not (finished or done):
                raise ProviderError(
                    ErrorKind.PROTOCOL, f"{self.host} ended the stream before it was complete."
                )
        except httpx.TimeoutException as error:
            raise ProviderError(
                ErrorKind.TIMEOUT,
                f"{self.host} did not answer in time ({type(error).__name__}).",
            ) from None
        except httpx.ConnectError:
            raise ProviderError(
                ErrorKind.UNAVAILABLE,
                f"cannot connect to {self.host}. Check the network or the fimLsp.baseUrl setting.",
            ) from None
        except httpx.HTTPError as error:
            raise ProviderError(
                ErrorKind.UNAVAILABLE,
                f"the connection to {self.host} failed ({type(error).__name__}).",
            ) from None

    def _read_chunk(self, data: str) -> tuple[list[str], bool]:
        """The texts of one stream event, and whether it is the one with the finish reason."""
        try:
            chunk = json.loads(data)
            choice = chunk["choices"][0]
        except (ValueError, KeyError, IndexError, TypeError):
            raise ProviderError(
                ErrorKind.PROTOCOL, f"{self.host} sent a stream event fim-lsp cannot read."
            ) from None
        if choice.get("finish_reason") == "error":
            raise ProviderError(ErrorKind.UNAVAILABLE, f"{self.host} stopped with an error.")
        content = (choice.get("delta") or {}).get("content")
        return _texts_of(content), choice.get("finish_reason") is not None

    def _whole_answer(self, response: httpx.Response) -> list[str]:
        try:
            choice = response.json()["choices"][0]
            return _texts_of((choice.get("message") or {}).get("content"))
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            raise ProviderError(
                ErrorKind.PROTOCOL,
                f"{self.host} answered with {response.headers.get('content-type', 'no type')}, "
                "not an event stream.",
            ) from None

    def _status_error(self, response: httpx.Response, request: FimRequest) -> ProviderError:
        status = response.status_code
        try:
            body: object = response.json()
        except ValueError:
            body = response.text
        detail = _error_text(body)
        said = f" ({detail})" if detail else ""
        if status in (401, 403):
            return ProviderError(
                ErrorKind.AUTH,
                f"the key in {self._preset.key_variable} was rejected by {self.host} ({status}). "
                + self._preset.wrong_key_hint,
                status=status,
            )
        if status == 429:
            retry = retry_after_seconds(response.headers)
            return ProviderError(
                ErrorKind.RATE_LIMITED,
                f"{self.host} is rate limiting requests{said}; suggestions pause "
                + (f"for {retry:.0f} s." if retry is not None else "for a while."),
                status=status,
                retry_after=retry,
            )
        if status == 404 or (status == 400 and "model" in detail.lower()):
            return ProviderError(
                ErrorKind.BAD_REQUEST,
                f"{self.host} does not know the model '{request.model}'{said}. "
                "Set fimLsp.model to a FIM model such as codestral-latest.",
                status=status,
            )
        if status == 422 or 400 <= status < 500:
            field = _field_named(body)
            setting = _SETTING_OF_FIELD.get(field or "")
            hint = f" Check the fimLsp.{setting} setting." if setting else ""
            return ProviderError(
                ErrorKind.BAD_REQUEST,
                f"{self.host} rejected the request ({status}){said}.{hint}",
                status=status,
            )
        return ProviderError(
            ErrorKind.UNAVAILABLE,
            f"{self.host} answered {status}{said}; it may be down or overloaded.",
            status=status,
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
