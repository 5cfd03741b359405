"""The environment a server under test runs in: no real keys or user settings, pointed at a fake."""

from __future__ import annotations

import os

from bench.fakes.http import FakeServer

KEY_VARIABLES = (
    "MISTRAL_API_KEY",
    "CODESTRAL_API_KEY",
    "OLLAMA_API_KEY",
    "LLAMA_API_KEY",
    "OPENAI_API_KEY",
)
# Where `auto` would look for a local Ollama: nothing listens there, so no real Ollama is used.
UNREACHABLE = "http://127.0.0.1:9"


def server_env(fake: FakeServer, **extra: str) -> dict[str, str]:
    """This process's environment without real keys or FIM_LSP_* settings, plus the fake's address.

    For the fake Codestral the provider is left to `auto` (its key is set); for the others
    the provider and a model the fake knows are set explicitly.
    """
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in KEY_VARIABLES and name != "OLLAMA_HOST" and not name.startswith("FIM_LSP_")
    }
    env.update(
        FIM_LSP_BASE_URL=fake.base_url,
        OLLAMA_HOST=UNREACHABLE,
        NO_PROXY="127.0.0.1",
        no_proxy="127.0.0.1",
        FIM_LSP_STATS_FILE="",  # statistics in memory only: a test never writes the user's
    )
    if fake.PROVIDER != "mistral":
        env.update(FIM_LSP_PROVIDER=fake.PROVIDER, FIM_LSP_MODEL=fake.MODEL)
    if fake.api_key:
        env[fake.KEY_VARIABLE] = fake.api_key
    env.update(extra)
    return env
