"""Every read of an answer is bounded: its error body, each line, the whole, and its decompression."""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator

import httpx

from fim_lsp.providers.base import ErrorKind, ProviderError

MAX_ERROR_BYTES = 64 * 1024  # of an error body: its message is in the first few hundred
MAX_LINE_BYTES = 1024 * 1024  # of one SSE or NDJSON line: a delta is a few tokens
MAX_ANSWER_BYTES = 8 * 1024 * 1024  # of one answer, decompressed: a suggestion is a few KB
# ask for the body as it is: a compressed answer is decompressed within the same bounds anyway
ACCEPT_ENCODING = {"Accept-Encoding": "identity"}


class _Decoder:
    """Undoes the answer's Content-Encoding, never making more than `limit` bytes in all."""

    def __init__(self, encoding: str, host: str) -> None:
        self._host = host
        self._zlib: zlib._Decompress | None = None
        if encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj()
        elif encoding not in ("", "identity"):
            raise ProviderError(
                ErrorKind.PROTOCOL,
                f"{host} answered in an encoding fim-lsp does not read ({encoding}).",
            )

    def decode(self, chunk: bytes, room: int) -> bytes:
        """At most `room` + 1 bytes of what `chunk` decodes to (one more tells it was too much)."""
        if self._zlib is None:
            return chunk
        try:
            return self._zlib.decompress(chunk, room + 1)
        except zlib.error:
            raise ProviderError(
                ErrorKind.PROTOCOL, f"{self._host} sent a compressed answer that is broken."
            ) from None


async def chunks(response: httpx.Response, host: str, limit: int) -> AsyncIterator[bytes]:
    """The answer's bytes as they come, decompressed; raises once they pass `limit`, after
    yielding what fits."""
    encoding = response.headers.get("content-encoding", "").strip().lower()
    decoder = _Decoder(encoding, host)
    total = 0
    async for raw in response.aiter_raw():
        data = decoder.decode(raw, limit - total)
        if total + len(data) > limit:
            yield data[: limit - total]  # what fits, for an error body's message
            raise ProviderError(
                ErrorKind.PROTOCOL,
                f"{host} sent an answer of more than {limit // 1024} KiB; fim-lsp stopped reading.",
            )
        total += len(data)
        if data:
            yield data


async def error_response(response: httpx.Response, host: str) -> httpx.Response:
    """The error answer with at most MAX_ERROR_BYTES of its body read (the rest is never read)."""
    body = bytearray()
    try:
        async for data in chunks(response, host, MAX_ERROR_BYTES):
            body += data
    except ProviderError:
        pass  # the start of a huge or broken error body still says what went wrong
    headers = {
        name: value
        for name, value in response.headers.items()
        if name.lower() not in ("content-encoding", "content-length", "transfer-encoding")
    }
    return httpx.Response(
        response.status_code,
        headers=headers,
        content=bytes(body[:MAX_ERROR_BYTES]),
        request=response.request,
    )


async def body(response: httpx.Response, host: str) -> str:
    """A whole (non-streamed) answer as text, within MAX_ANSWER_BYTES."""
    data = bytearray()
    async for chunk in chunks(response, host, MAX_ANSWER_BYTES):
        data += chunk
    return bytes(data).decode("utf-8", "replace")


async def lines(response: httpx.Response, host: str) -> AsyncIterator[str]:
    """The answer's lines (split at LF, CRLF or CR), each within MAX_LINE_BYTES, all within
    MAX_ANSWER_BYTES; bytes that are not UTF-8 become U+FFFD."""
    line = bytearray()
    after_cr = False
    async for data in chunks(response, host, MAX_ANSWER_BYTES):
        if after_cr and data.startswith(b"\n"):
            data = data[1:]  # the LF of a CRLF that came in two chunks
        after_cr = data.endswith(b"\r")
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        start = 0
        while (end := data.find(b"\n", start)) >= 0:
            line += data[start:end]
            yield line.decode("utf-8", "replace")
            line.clear()
            start = end + 1
        line += data[start:]
        if len(line) > MAX_LINE_BYTES:
            raise ProviderError(
                ErrorKind.PROTOCOL,
                f"{host} sent a line of more than {MAX_LINE_BYTES // 1024} KiB; "
                "fim-lsp stopped reading.",
            )
    if line:
        yield line.decode("utf-8", "replace")


async def sse_data(response: httpx.Response, host: str) -> AsyncIterator[str]:
    """The data of each server-sent event (its `data:` lines joined by LF), as events end."""
    data: list[str] = []
    async for line in lines(response, host):
        if not line:
            if data:
                yield "\n".join(data)
                data = []
            continue
        field, _, value = line.partition(":")
        if field == "data":
            data.append(value[1:] if value.startswith(" ") else value)
    if data:
        yield "\n".join(data)
