"""Providers: one module per wire protocol, chosen here from the settings."""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from fim_lsp.config import Settings
from fim_lsp.providers import llamacpp, ollama, openai
from fim_lsp.providers.auto import AutoProvider, Choice, choose, choose_from_environment
from fim_lsp.providers.base import ErrorKind, FimRequest, Provider, ProviderError
from fim_lsp.providers.llamacpp import LlamaCppProvider
from fim_lsp.providers.mistral import PRESETS, MistralProvider
from fim_lsp.providers.ollama import OllamaProvider
from fim_lsp.providers.openai import OpenAIProvider
from fim_lsp.providers.refused import plain_http_elsewhere, refuse_plain_http

__all__ = [
    "KEY_REQUIRED",
    "KEY_VARIABLES",
    "Choice",
    "ErrorKind",
    "FimRequest",
    "HttpClient",
    "Provider",
    "ProviderError",
    "build",
    "choose",
    "create_http_client",
    "create_provider",
    "key_values",
    "key_variable",
]

# The environment variable each provider reads its key from; local ones need none by default.
KEY_VARIABLES = {
    **{name: preset.key_variable for name, preset in PRESETS.items()},
    "ollama": ollama.KEY_VARIABLE,
    "llamacpp": llamacpp.KEY_VARIABLE,
    "openai": openai.KEY_VARIABLE,
}
KEY_REQUIRED = frozenset(PRESETS)
HttpClient = httpx.AsyncClient  # the one client type; code outside providers/ names it so


def create_http_client(connect_timeout_ms: int = 3000) -> httpx.AsyncClient:
    """One keep-alive client; it bounds connecting, the engine the first token and the total.

    TLS certificates are verified; proxies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) and SSL_CERT_FILE
    come from the environment.
    """
    return httpx.AsyncClient(
        timeout=httpx.Timeout(60.0, connect=connect_timeout_ms / 1000),
        limits=httpx.Limits(max_keepalive_connections=4, keepalive_expiry=60),
        headers={"User-Agent": "fim-lsp"},
        trust_env=True,
    )


def key_values(environ: Mapping[str, str]) -> tuple[str, ...]:
    """The keys set in the environment, for redaction wherever they would be sent or shown."""
    return tuple(
        value.strip() for name in KEY_VARIABLES.values() if (value := environ.get(name, "")).strip()
    )


def key_variable(settings: Settings, environ: Mapping[str, str] | None = None) -> str:
    """The environment variable that holds the key for the provider the settings choose.

    With `auto` and no key set this is MISTRAL_API_KEY, the one the set-up message asks for.
    """
    choice = choose_from_environment(settings, environ or {})
    return KEY_VARIABLES[choice.provider if choice is not None else "mistral"]


def build(
    choice: Choice, settings: Settings, environ: Mapping[str, str], client: httpx.AsyncClient
) -> Provider:
    """The provider a choice names, with its address from the settings and its key from the environment."""
    api_key = environ.get(KEY_VARIABLES[choice.provider], "").strip() or None
    base_url = settings.base_url
    if choice.provider == "ollama":
        base_url = base_url or ollama.base_url_from(environ)
    if not settings.allow_http and plain_http_elsewhere(base_url):
        return refuse_plain_http(choice.provider, base_url)
    if choice.provider == "ollama":
        num_ctx = ollama.context_tokens(
            settings.prefix_tokens + settings.suffix_tokens, settings.max_tokens
        )
        return OllamaProvider(client, base_url, api_key, num_ctx)
    if choice.provider == "llamacpp":
        return LlamaCppProvider(client, base_url, api_key)
    if choice.provider == "openai":
        return OpenAIProvider(client, base_url, api_key)
    return MistralProvider(client, PRESETS[choice.provider], base_url, api_key)


def create_provider(
    settings: Settings, environ: Mapping[str, str], client: httpx.AsyncClient
) -> Provider:
    """Build the provider the settings name (or `auto` picks), with its key from the environment."""
    choice = choose_from_environment(settings, environ)
    if choice is not None:
        return build(choice, settings, environ, client)
    return AutoProvider(
        settings, environ, client, lambda chosen: build(chosen, settings, environ, client)
    )
