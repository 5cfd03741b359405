"""A stand-in for a provider the settings do not allow to be called: every request fails with the reason."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncGenerator
from urllib.parse import urlsplit

from fim_lsp.providers.base import ErrorKind, FimRequest, ProviderError, host_of


def plain_http_elsewhere(url: str) -> bool:
    """True for an `http://` address whose host is not this machine (code would cross a network unencrypted)."""
    parts = urlsplit(url)
    if parts.scheme != "http":
        return False
    host = (parts.hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


class RefusedProvider:
    """Answers every request with a configuration error that says what to change."""

    def __init__(self, name: str, host: str, message: str) -> None:
        self.name = name
        self.host = host
        self._message = message

    def stream(self, request: FimRequest) -> AsyncGenerator[str, None]:
        """Never calls anyone: raises the refusal."""
        raise ProviderError(ErrorKind.CONFIG, self._message)


def plain_http_refusal(url: str, source: str = "fimLsp.baseUrl") -> str:
    """Why an unencrypted address on another machine is not used; `source`: where it was set."""
    return (
        f"http://{host_of(url)} (from {source}) is plain http to another machine, so code and key "
        f"would cross the network unencrypted. Use an https:// address in {source}, or set "
        "fimLsp.allowHttp to true if that network is trusted."
    )


def refuse_plain_http(name: str, url: str, source: str = "fimLsp.baseUrl") -> RefusedProvider:
    """The refusal for an unencrypted address on another machine."""
    return RefusedProvider(name, host_of(url), plain_http_refusal(url, source))


def has_credentials(url: str) -> bool:
    """True for an address with `user@` or `user:password@` in it."""
    return "@" in urlsplit(url).netloc


def refuse_credentials(name: str, url: str, key_variable: str) -> RefusedProvider:
    """The refusal for an address that holds a user name or password: httpx would send them as
    Basic auth in place of the key."""
    return RefusedProvider(
        name,
        host_of(url),
        f"fimLsp.baseUrl holds a user name or password (user:...@{host_of(url)}); fim-lsp sends "
        f"no credentials from an address. Remove them from fimLsp.baseUrl and put the key in "
        f"{key_variable}.",
    )
