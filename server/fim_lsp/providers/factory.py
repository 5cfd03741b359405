"""Build the provider the settings name (or `auto` picks) over the one shared HTTP client."""

from __future__ import annotations

from collections.abc import Mapping

from fim_lsp.config import Settings
from fim_lsp.providers import ollama
from fim_lsp.providers.auto import AutoProvider
from fim_lsp.providers.base import Provider
from fim_lsp.providers.catalog import KEY_VARIABLES, Choice, choose_from_environment
from fim_lsp.providers.client import HttpClients
from fim_lsp.providers.llamacpp import LlamaCppProvider
from fim_lsp.providers.mistral import PRESETS, MistralProvider
from fim_lsp.providers.ollama import OllamaProvider
from fim_lsp.providers.openai import OpenAIProvider
from fim_lsp.providers.refused import (
    has_credentials,
    plain_http_elsewhere,
    refuse_credentials,
    refuse_plain_http,
)


def build(
    choice: Choice, settings: Settings, environ: Mapping[str, str], http: HttpClients
) -> Provider:
    """The provider a choice names, with its address from the settings and its key from the environment."""
    api_key = environ.get(KEY_VARIABLES[choice.provider], "").strip() or None
    base_url, source = settings.base_url, "fimLsp.baseUrl"
    if choice.provider == "ollama" and not base_url:
        base_url, source = ollama.base_url_from(environ), "OLLAMA_HOST"
    if has_credentials(base_url):
        return refuse_credentials(choice.provider, base_url, KEY_VARIABLES[choice.provider])
    if not settings.allow_http and plain_http_elsewhere(base_url):
        return refuse_plain_http(choice.provider, base_url, source)
    if choice.provider == "ollama":
        num_ctx = ollama.context_tokens(
            settings.prefix_tokens + settings.suffix_tokens, settings.max_tokens
        )
        return OllamaProvider(http, base_url, api_key, num_ctx)
    if choice.provider == "llamacpp":
        return LlamaCppProvider(http, base_url, api_key)
    if choice.provider == "openai":
        return OpenAIProvider(http, base_url, api_key)
    return MistralProvider(http, PRESETS[choice.provider], base_url, api_key)


def create_provider(settings: Settings, environ: Mapping[str, str], http: HttpClients) -> Provider:
    """Build the provider the settings name (or `auto` picks), with its key from the environment."""
    choice = choose_from_environment(settings.provider, environ)
    if choice is not None:
        return build(choice, settings, environ, http)
    return AutoProvider(
        settings, environ, http, lambda chosen: build(chosen, settings, environ, http)
    )


class Providers:
    """The source of providers for a server: one HTTP client, a provider per settings."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = dict(environ)
        self.http = HttpClients()

    def create(self, settings: Settings) -> Provider:
        """The provider for `settings`, sending over the shared client."""
        self.http.set_connect_timeout(settings.connect_timeout_ms)
        return create_provider(settings, self._environ, self.http)

    async def aclose(self) -> None:
        """Close every connection."""
        await self.http.aclose()
