"""What the engine reports as it works, for observers (statistics, the inspector) to follow."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fim_lsp.providers import FimRequest, ProviderError


@dataclass(frozen=True, slots=True)
class Requested:
    """A request for a suggestion reached the engine (enabled, language not disabled)."""


@dataclass(frozen=True, slots=True)
class CacheHit:
    """A suggestion came from the cache; `typed_through`: the user had typed its start."""

    typed_through: bool


@dataclass(frozen=True, slots=True)
class Sent:
    """A request went to the provider, exactly as it left (context added, redacted);
    `alternative`: it asks for one of the extra suggestions of a request the user made."""

    fetch: int  # numbers the streams of one engine, so later events can name theirs
    provider: str
    host: str
    request: FimRequest
    alternative: bool = False


@dataclass(frozen=True, slots=True)
class Failed:
    """The provider failed the stream `fetch`."""

    fetch: int
    error: ProviderError


@dataclass(frozen=True, slots=True)
class Received:
    """The stream `fetch` ended: what the model wrote, and what is shown of it (None: nothing)."""

    fetch: int
    raw: str
    shown: str | None
    milliseconds: float
    stopped_early: bool
    alternative: bool = False


@dataclass(frozen=True, slots=True)
class Answered:
    """A request was answered with a suggestion, `milliseconds` after it reached the engine."""

    milliseconds: float


Event = Requested | CacheHit | Sent | Failed | Received | Answered
Observer = Callable[[Event], None]
