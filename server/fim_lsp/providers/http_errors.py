"""Shared HTTP failure handling for every provider: error bodies, Retry-After, statuses, transport errors."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from email.utils import parsedate_to_datetime

import httpx

from fim_lsp.providers.base import ErrorKind, ProviderError

# The settings behind each request field, so a 4xx that names a field can name the setting.
SETTING_OF_FIELD = {
    "model": "model",
    "prompt": "prefixTokens",
    "suffix": "suffixTokens",
    "max_tokens": "maxTokens",
    "min_tokens": "minTokens",
    "temperature": "temperature",
    "top_p": "topP",
    "stop": "stop",
    "random_seed": "randomSeed",
    "seed": "randomSeed",
    "num_predict": "maxTokens",
    "n_predict": "maxTokens",
}


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """Read `retry-after-ms` or `Retry-After` (seconds or an HTTP date)."""
    if (millis := headers.get("retry-after-ms")) is not None:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    if (value := headers.get("retry-after")) is not None:
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        date = headers.get("date")
        now = parsedate_to_datetime(date) if date else None
        if now is not None:
            return max(0.0, (moment - now).total_seconds())
    return None


def error_text(body: object) -> str:
    """Pull the human part out of an error body (Mistral, FastAPI, OpenAI, Ollama, llama.cpp)."""
    if isinstance(body, dict):
        for key in ("message", "detail", "error"):
            value = body.get(key)
            if isinstance(value, str):
                return value
            if isinstance(value, dict | list):
                return error_text(value)
    if isinstance(body, list) and body and isinstance(body[0], dict):
        first = body[0]
        where = ".".join(str(part) for part in first.get("loc", []) if part != "body")
        return f"{where}: {first.get('msg', '')}".strip(": ")
    if isinstance(body, str):
        return body.strip()[:200]
    return ""


def field_named(body: object) -> str | None:
    """The request field a 4xx complains about (FastAPI `loc`, OpenAI `param`), if any."""
    if isinstance(body, dict):
        if isinstance(body.get("param"), str):
            return str(body["param"])
        for value in body.values():
            if (found := field_named(value)) is not None:
                return found
    if isinstance(body, list):
        for item in body:
            if isinstance(item, dict) and isinstance(item.get("loc"), list):
                names = [part for part in item["loc"] if isinstance(part, str) and part != "body"]
                if names:
                    return names[0]
            elif (found := field_named(item)) is not None:
                return found
    return None


def response_body(response: httpx.Response) -> object:
    """The body of a (read) error response: JSON if it parses, else its text."""
    try:
        return response.json()
    except ValueError:
        return response.text


def status_error(
    response: httpx.Response,
    *,
    host: str,
    auth: str,
    auth_advice: str,
    unknown_model: str,
    model_advice: str,
) -> ProviderError:
    """The error for a non-200 answer (read first); the provider words auth and model problems."""
    status = response.status_code
    body = response_body(response)
    detail = error_text(body)
    said = f" ({detail})" if detail else ""
    if status in (401, 403):
        return ProviderError(ErrorKind.AUTH, f"{auth} ({status}). {auth_advice}", status=status)
    if status == 429:
        retry = retry_after_seconds(response.headers)
        return ProviderError(
            ErrorKind.RATE_LIMITED,
            f"{host} is rate limiting requests{said}.",
            status=status,
            retry_after=retry,
        )
    if 300 <= status < 400:
        return _redirected(response, host)
    if (status in (400, 404) and "model" in detail.lower()) or (status == 404 and not detail):
        return ProviderError(
            ErrorKind.BAD_REQUEST, f"{host} {unknown_model}{said}. {model_advice}", status=status
        )
    if status == 404:
        return _no_such_path(response, host, said)
    if 400 <= status < 500:
        setting = SETTING_OF_FIELD.get(field_named(body) or "")
        hint = f" Check the fimLsp.{setting} setting." if setting else ""
        return ProviderError(
            ErrorKind.BAD_REQUEST,
            f"{host} rejected the request ({status}){said}.{hint}",
            status=status,
        )
    return ProviderError(
        ErrorKind.UNAVAILABLE,
        f"{host} answered {status}{said}; it may be down or overloaded.",
        status=status,
        retry_after=retry_after_seconds(response.headers),
    )


def _redirected(response: httpx.Response, host: str) -> ProviderError:
    """A 3xx: fim-lsp follows no redirect, since the key would go along to the new address."""
    target = response.headers.get("location", "")
    where = f" to {target}" if target else ""
    return ProviderError(
        ErrorKind.BAD_REQUEST,
        f"{host} redirected the request{where} ({response.status_code}); fim-lsp follows no "
        "redirect, because the key would go along. If that is the provider's address, set "
        "fimLsp.baseUrl to it.",
        status=response.status_code,
    )


def _no_such_path(response: httpx.Response, host: str, said: str) -> ProviderError:
    """A 404 that is not about the model: the address points at the wrong place."""
    path = response.request.url.path
    doubled = next(
        (part for part in ("/v1", "/api") if f"{part}{part}/" in path),
        None,
    )
    advice = (
        f"fimLsp.baseUrl ends in {doubled}, which fim-lsp adds itself: remove it."
        if doubled is not None
        else "Check fimLsp.baseUrl: it is the server's address, without the API's path."
    )
    return ProviderError(
        ErrorKind.BAD_REQUEST,
        f"{host} has nothing at {path} (404){said}. {advice}",
        status=404,
    )


def _cause(error: BaseException, kind: type[BaseException]) -> BaseException | None:
    """The first exception of `kind` in the chain behind `error`."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, kind):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _connect_error(host: str, error: httpx.ConnectError, unreachable_hint: str) -> ProviderError:
    if _cause(error, socket.gaierror) is not None:
        return ProviderError(
            ErrorKind.UNAVAILABLE,
            f"cannot find the address of {host} (DNS lookup failed). Check the network, the "
            "fimLsp.baseUrl setting, or the proxy (HTTPS_PROXY).",
        )
    if (tls := _cause(error, ssl.SSLError)) is not None:
        reason = getattr(tls, "verify_message", None) or getattr(tls, "reason", None) or "failed"
        return ProviderError(
            ErrorKind.UNAVAILABLE,
            f"the TLS connection to {host} failed ({reason}). If a proxy or firewall re-signs "
            "TLS, point SSL_CERT_FILE at its CA certificate.",
        )
    return ProviderError(ErrorKind.UNAVAILABLE, f"cannot connect to {host}. {unreachable_hint}")


@contextmanager
def transport_errors(host: str, unreachable_hint: str) -> Iterator[None]:
    """Turn httpx's time-outs and connection failures into ProviderErrors that name the host."""
    try:
        yield
    except httpx.ConnectTimeout:
        raise ProviderError(
            ErrorKind.TIMEOUT,
            f"cannot connect to {host} in time (the fimLsp.connectTimeoutMs setting). "
            f"{unreachable_hint}",
        ) from None
    except httpx.TimeoutException as error:
        raise ProviderError(
            ErrorKind.TIMEOUT, f"{host} did not answer in time ({type(error).__name__})."
        ) from None
    except httpx.ConnectError as error:
        raise _connect_error(host, error, unreachable_hint) from None
    except (httpx.RemoteProtocolError, httpx.ReadError):
        raise ProviderError(
            ErrorKind.PROTOCOL, f"{host} closed the connection before the answer was complete."
        ) from None
    except httpx.HTTPError as error:
        raise ProviderError(
            ErrorKind.UNAVAILABLE, f"the connection to {host} failed ({type(error).__name__})."
        ) from None


def stream_ended_early(host: str) -> ProviderError:
    """The error for a stream that stopped before its end marker."""
    return ProviderError(ErrorKind.PROTOCOL, f"{host} ended the stream before it was complete.")


def unreadable(host: str, what: str = "a stream event") -> ProviderError:
    """The error for a part of the answer that is not what the protocol says."""
    return ProviderError(ErrorKind.PROTOCOL, f"{host} sent {what} fim-lsp cannot read.")


def checked(data: str, host: str) -> str:
    """`data` as read from the wire; raises if it had bytes that are not UTF-8 (decoded as U+FFFD)."""
    if "\ufffd" in data:
        raise unreadable(host, "text that is not valid UTF-8")
    return data
