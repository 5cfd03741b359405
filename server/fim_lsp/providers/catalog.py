"""Every provider the server knows, in one table: its name, where it lives and which key it reads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Entry:
    """One provider: its wire protocol, its default address, and the variable its key is read from."""

    name: str
    protocol: str
    base_url: str
    key_variable: str
    key_required: bool


CATALOG = {
    entry.name: entry
    for entry in (
        Entry("mistral", "POST /v1/fim/completions, SSE", "https://api.mistral.ai",
              "MISTRAL_API_KEY", key_required=True),
        Entry("codestral", "POST /v1/fim/completions, SSE", "https://codestral.mistral.ai",
              "CODESTRAL_API_KEY", key_required=True),
        Entry("ollama", "POST /api/generate with suffix, NDJSON", "http://127.0.0.1:11434",
              "OLLAMA_API_KEY", key_required=False),
        Entry("llamacpp", "POST /infill, SSE", "http://127.0.0.1:8012",
              "LLAMA_API_KEY", key_required=False),
        Entry("openai", "POST /v1/completions with suffix, SSE", "http://127.0.0.1:11434/v1",
              "OPENAI_API_KEY", key_required=False),
    )
}  # fmt: skip
AUTO = "auto"
NAMES = (*CATALOG, AUTO)  # what the provider setting accepts
KEY_VARIABLES = {name: entry.key_variable for name, entry in CATALOG.items()}
KEY_REQUIRED = frozenset(name for name, entry in CATALOG.items() if entry.key_required)
# the keys `auto` looks for, in order, and the provider each one picks
AUTO_KEYS = (("MISTRAL_API_KEY", "mistral"), ("CODESTRAL_API_KEY", "codestral"))


@dataclass(frozen=True, slots=True)
class Choice:
    """Which provider serves, why, and the model to ask when auto found one installed."""

    provider: str
    reason: str
    model: str | None = None


def choose_from_environment(provider: str, environ: Mapping[str, str]) -> Choice | None:
    """The choice that needs no network: a provider named in the settings, or a key in the
    environment for `auto`."""
    if provider != AUTO:
        return Choice(provider, "named by the provider setting")
    for variable, name in AUTO_KEYS:
        if environ.get(variable, "").strip():
            return Choice(name, f"auto: {variable} is set")
    return None


def key_values(environ: Mapping[str, str]) -> tuple[str, ...]:
    """The keys set in the environment, never to be sent anywhere but their provider or shown."""
    return tuple(
        value.strip() for name in KEY_VARIABLES.values() if (value := environ.get(name, "")).strip()
    )


def key_variable(provider: str, environ: Mapping[str, str]) -> str:
    """The environment variable that holds the key for the provider the settings choose.

    With `auto` and no key set this is MISTRAL_API_KEY, the one the set-up message asks for.
    """
    choice = choose_from_environment(provider, environ)
    return KEY_VARIABLES[choice.provider if choice is not None else "mistral"]
