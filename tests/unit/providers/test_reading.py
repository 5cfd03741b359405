"""Bounded reading: lines split wherever the chunks fall, compressed answers, and the bounds."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import AsyncIterator

import httpx
import pytest

from fim_lsp.providers import ProviderError
from fim_lsp.providers.reading import (
    MAX_ANSWER_BYTES,
    MAX_ERROR_BYTES,
    MAX_LINE_BYTES,
    body,
    error_response,
    lines,
    sse_data,
)


class Chunks(httpx.AsyncByteStream):
    def __init__(self, *chunks: bytes) -> None:
        self._chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            yield chunk


def response(*chunks: bytes, status: int = 200, encoding: str = "") -> httpx.Response:
    headers = {"content-encoding": encoding} if encoding else {}
    return httpx.Response(
        status, headers=headers, stream=Chunks(*chunks), request=httpx.Request("GET", "http://h")
    )


async def _lines(*chunks: bytes) -> list[str]:
    return [line async for line in lines(response(*chunks), "h")]


@pytest.mark.parametrize(
    "chunks",
    [
        (b"a\nb\r\nc\rd\n",),
        (b"a\nb\r", b"\nc\r", b"d\n"),
        (b"a", b"\n", b"b\r", b"\n", b"c", b"\r", b"d", b"\n"),
    ],
)
async def test_lines_break_at_lf_crlf_and_cr_wherever_the_chunks_fall(
    chunks: tuple[bytes, ...],
) -> None:
    assert await _lines(*chunks) == ["a", "b", "c", "d"]


async def test_a_character_split_across_chunks_is_read_whole() -> None:
    euro = "€".encode()
    assert await _lines(b"x" + euro[:1], euro[1:] + b"\n") == ["x€"]


async def test_server_sent_events_join_their_data_lines() -> None:
    stream = response(b': comment\ndata: {"a":\ndata: 1}\n\nevent: x\ndata: [DONE]\n\n')
    assert [data async for data in sse_data(stream, "h")] == ['{"a":\n1}', "[DONE]"]


async def test_a_line_that_never_ends_is_refused_at_the_bound() -> None:
    piece = b"x" * 65536
    endless = response(*([piece] * (MAX_LINE_BYTES // len(piece) + 2)))
    with pytest.raises(ProviderError, match="a line of more than"):
        [line async for line in lines(endless, "h")]


async def test_gzip_is_read_and_a_gzip_bomb_is_stopped_at_the_bound() -> None:
    assert await body(response(gzip.compress(b"hello"), encoding="gzip"), "h") == "hello"
    bomb = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    data = bomb.compress(b"x" * (MAX_ANSWER_BYTES * 4)) + bomb.flush()
    assert len(data) < MAX_ANSWER_BYTES // 100  # small on the wire
    with pytest.raises(ProviderError, match="an answer of more than"):
        await body(response(data, encoding="gzip"), "h")


async def test_an_unknown_encoding_is_refused() -> None:
    with pytest.raises(ProviderError, match="encoding fim-lsp does not read"):
        await body(response(b"...", encoding="br"), "h")


async def test_an_error_body_is_read_up_to_its_bound_and_keeps_its_start() -> None:
    huge = response(b"upstream said no: ", b"x" * (MAX_ERROR_BYTES * 4), status=502)
    read = await error_response(huge, "h")
    assert read.status_code == 502 and len(read.content) == MAX_ERROR_BYTES
    assert read.text.startswith("upstream said no: x")
