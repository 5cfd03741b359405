"""Providers: one module per wire protocol, chosen here from the settings."""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from fim_lsp.config import Settings
from fim_lsp.providers.base import ErrorKind, FimRequest, Provider, ProviderError
from fim_lsp.providers.mistral import PRESETS, MistralProvider

__all__ = [
    "ErrorKind",
    "FimRequest",
    "Provider",
    "ProviderError",
    "create_http_client",
    "create_provider",
    "key_variable",
]


def create_http_client() -> httpx.AsyncClient:
    """One keep-alive client for the server's life; the engine enforces the total time-out."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(60.0, connect=5.0),
        limits=httpx.Limits(max_keepalive_connections=4, keepalive_expiry=60),
        headers={"User-Agent": "fim-lsp"},
        trust_env=True,
    )


def key_variable(settings: Settings) -> str:
    """The environment variable that holds the key for the chosen provider."""
    return PRESETS[settings.provider].key_variable


def create_provider(
    settings: Settings, environ: Mapping[str, str], client: httpx.AsyncClient
) -> Provider:
    """Build the provider the settings name, with its key from the environment."""
    preset = PRESETS[settings.provider]
    api_key = environ.get(preset.key_variable, "").strip() or None
    return MistralProvider(client, preset, settings.base_url, api_key)
