"""The one small interface every provider implements: a FIM request in, text deltas out."""

from __future__ import annotations

import enum
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class FimRequest:
    """What the model is asked: the text around the hole and how to sample."""

    prompt: str
    suffix: str
    model: str
    max_tokens: int | None = None
    min_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    stop: tuple[str, ...] = ()
    random_seed: int | None = None
    # other files' text as (file name, text), for providers that take extra context (llama.cpp)
    extra: tuple[tuple[str, str], ...] = ()


def sampling(request: FimRequest, names: dict[str, str]) -> dict[str, Any]:
    """The request's sampling settings that are set, under the names a wire protocol uses.

    `names` maps FimRequest attributes (max_tokens, min_tokens, temperature, top_p, stop,
    random_seed) to the protocol's field names; unset ones are left out, stop as a list.
    """
    fields: dict[str, Any] = {}
    for attribute, field in names.items():
        value = getattr(request, attribute)
        if value is not None and value != ():
            fields[field] = list(value) if attribute == "stop" else value
    return fields


class ErrorKind(enum.StrEnum):
    """What went wrong, in terms the engine can act on."""

    CONFIG = "config"  # nothing was sent: e.g. no API key
    AUTH = "auth"
    RATE_LIMITED = "rate_limited"
    BAD_REQUEST = "bad_request"
    UNAVAILABLE = "unavailable"
    TIMEOUT = "timeout"
    PROTOCOL = "protocol"


class ProviderError(Exception):
    """A provider failure with a message the user can act on (never containing the key)."""

    def __init__(
        self,
        kind: ErrorKind,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        key_variable: str | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status
        self.retry_after = retry_after
        self.key_variable = key_variable  # set when the problem is that this variable has no key


class Provider(Protocol):
    """Streams the middle for a FimRequest; raises ProviderError on failure."""

    @property
    def name(self) -> str: ...

    @property
    def host(self) -> str: ...

    def stream(self, request: FimRequest) -> AsyncGenerator[str, None]: ...


def host_of(url: str) -> str:
    """Where `url` points (host and port) for messages: never the user or password it may hold."""
    return urlsplit(url).netloc.rpartition("@")[2]
