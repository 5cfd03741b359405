"""Where a server gets its providers: the factory and the HTTP client, loaded on first use."""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING

from fim_lsp.config import Settings
from fim_lsp.providers.base import Provider

if TYPE_CHECKING:
    from fim_lsp.providers.factory import Providers

FACTORY = "fim_lsp.providers.factory"  # loads httpx and every wire protocol
# what httpx loads only when it builds its first client and connects (its transport's modules)
FIRST_USE = ("httpcore", "anyio._backends._asyncio", "anyio.streams.tls")


class ProviderSource:
    """Builds providers for settings over one HTTP client; httpx, the wire protocols and TLS load
    when the first provider is built (at `initialized`), so the answer to `initialize` does not
    wait for them."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = dict(environ)
        self._providers: Providers | None = None

    def create(self, settings: Settings) -> Provider:
        """The provider for `settings`."""
        if self._providers is None:
            _load_first_use()
            from fim_lsp.providers.factory import Providers

            self._providers = Providers(self._environ)
        return self._providers.create(settings)

    async def aclose(self) -> None:
        """Close every connection."""
        if self._providers is not None:
            await self._providers.aclose()


def _load_first_use() -> None:
    """Load now what the first request would otherwise load: the factory, the TLS context and
    httpx's transport."""
    from fim_lsp.providers.client import ssl_context

    importlib.import_module(FACTORY)
    ssl_context()
    for name in FIRST_USE:
        with contextlib.suppress(ImportError):  # other httpx versions: they load on first use
            importlib.import_module(name)
