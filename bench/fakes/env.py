"""The environment a server under test runs in: no real keys or user settings, pointed at a fake."""

from __future__ import annotations

import os

from bench.fakes.codestral import FakeCodestral

KEY_VARIABLES = ("MISTRAL_API_KEY", "CODESTRAL_API_KEY")


def server_env(fake: FakeCodestral, **extra: str) -> dict[str, str]:
    """This process's environment without real keys or FIM_LSP_* settings, plus the fake's address."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in KEY_VARIABLES and not name.startswith("FIM_LSP_")
    }
    env.update(
        FIM_LSP_BASE_URL=fake.base_url,
        MISTRAL_API_KEY=fake.api_key,
        NO_PROXY="127.0.0.1",
        no_proxy="127.0.0.1",
    )
    env.update(extra)
    return env
