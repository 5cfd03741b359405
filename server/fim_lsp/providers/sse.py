"""The part every SSE provider shares: POST, check the status, read events to the end of the body."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from typing import Any

import httpx

from fim_lsp.providers.base import ProviderError
from fim_lsp.providers.client import HttpClients
from fim_lsp.providers.http_errors import checked, stream_ended_early, transport_errors
from fim_lsp.providers.reading import ACCEPT_ENCODING, body, error_response, sse_data

# One event's texts, and whether it is the last one the protocol sends (finish reason, stop: true).
ReadEvent = Callable[[str], tuple[str, bool]]


async def post_sse(
    http: HttpClients,
    url: str,
    request_body: dict[str, Any],
    headers: dict[str, str],
    *,
    host: str,
    unreachable_hint: str,
    status_error: Callable[[httpx.Response], ProviderError],
    read_event: ReadEvent,
    sentinel: str | None = "[DONE]",
) -> AsyncGenerator[str, None]:
    """Yield the text of each event; leaving the loop early closes the HTTP stream.

    A 200 answer that is not an event stream is read as one event (some servers ignore
    `stream`). After the last event the body is still read to its end, so that the keep-alive
    connection can be reused.
    """
    finished = done = False
    with transport_errors(host, unreachable_hint):
        async with (
            http.streaming() as client,
            client.stream(
                "POST",
                url,
                json=request_body,
                headers={"Accept": "text/event-stream", **ACCEPT_ENCODING, **headers},
            ) as response,
        ):
            if response.status_code != 200:
                raise status_error(await error_response(response, host))
            if not response.headers.get("content-type", "").startswith("text/event-stream"):
                text, _ = read_event(checked(await body(response, host), host))
                if text:
                    yield text
                return
            async for data in sse_data(response, host):
                done = done or (sentinel is not None and data == sentinel)
                if done or not data or (finished and sentinel is None):
                    continue
                text, last = read_event(checked(data, host))
                finished = finished or last
                if text:
                    yield text
    if not (finished or done):
        raise stream_ended_early(host)
