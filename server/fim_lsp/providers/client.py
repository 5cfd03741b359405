"""The one HTTP client: created on first use, shared by every provider, renewed off the reply path."""

from __future__ import annotations

import asyncio
import functools
import logging
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

log = logging.getLogger(__name__)
# httpx/httpcore can leave a connection behind in the pool when a stream is cancelled (httpx
# issue 3782, httpcore issue 1093); after this many interrupted streams, the client is replaced
# once no stream is running, which closes every connection of the old one
RENEW_AFTER_INTERRUPTIONS = 8
RENEW_DELAY_SECONDS = 0.25  # renew a little later, so that no answer waits for it


@functools.cache
def ssl_context() -> ssl.SSLContext:
    """The TLS context with the system's (or SSL_CERT_FILE's) certificates, built once a process:
    reading the CA bundle costs tens of milliseconds."""
    return httpx.create_ssl_context(trust_env=True)


class HttpClients:
    """Owns the keep-alive client: creates it on first use, counts interrupted streams, renews it.

    It bounds connecting; the engine bounds the first token and the total. TLS certificates are
    verified; proxies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) and SSL_CERT_FILE come from the
    environment.
    """

    def __init__(self, connect_timeout_ms: int = 3000) -> None:
        self._connect_timeout_ms = connect_timeout_ms
        self._client: httpx.AsyncClient | None = None
        self._active = 0  # streams running now
        self._interrupted = 0  # streams cut off (cancelled, timed out) since the last renewal
        self._renewal: asyncio.TimerHandle | None = None
        self._closing: set[asyncio.Task[None]] = set()

    @property
    def client(self) -> httpx.AsyncClient:
        """The client to send with now."""
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(60.0, connect=self._connect_timeout_ms / 1000),
                limits=httpx.Limits(max_keepalive_connections=4, keepalive_expiry=60),
                headers={"User-Agent": "fim-lsp"},
                verify=ssl_context(),
                trust_env=True,
            )
        return self._client

    def set_connect_timeout(self, connect_timeout_ms: int) -> None:
        """Connect within a new time; the next request uses a client built for it."""
        if connect_timeout_ms != self._connect_timeout_ms:
            self._connect_timeout_ms = connect_timeout_ms
            self.renew()

    @asynccontextmanager
    async def streaming(self) -> AsyncIterator[httpx.AsyncClient]:
        """The client for one stream; a stream cut off counts toward renewing the client."""
        self._active += 1
        try:
            yield self.client
        except asyncio.CancelledError:
            self._interrupted += 1
            raise
        finally:
            self._active -= 1
            if self._active == 0 and self._interrupted >= RENEW_AFTER_INTERRUPTIONS:
                self._schedule_renewal()

    def _schedule_renewal(self) -> None:
        if self._renewal is None:
            self._renewal = asyncio.get_running_loop().call_later(
                RENEW_DELAY_SECONDS, self._renew_when_idle
            )

    def _renew_when_idle(self) -> None:
        self._renewal = None
        if self._active == 0:
            self.renew()
            log.debug("HTTP client renewed after interrupted streams")

    def renew(self) -> None:
        """Drop the client, closing all connections of the old one (leaked ones too)."""
        self._interrupted = 0
        old, self._client = self._client, None
        if old is not None:
            self._close_later(old)

    def _close_later(self, old: httpx.AsyncClient) -> None:
        try:
            task = asyncio.get_running_loop().create_task(old.aclose())
        except RuntimeError:  # no loop: nothing can be open either
            return
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def aclose(self) -> None:
        """Close the client and wait for older ones to close."""
        if self._renewal is not None:
            self._renewal.cancel()
            self._renewal = None
        old, self._client = self._client, None
        if old is not None:
            await old.aclose()
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)
