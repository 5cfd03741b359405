"""Message framing: bodies cut by Content-Length, and found again when a client counts it wrong."""

from __future__ import annotations

import asyncio
import json
import logging
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fim_lsp.lsp.framing import PAUSE_SECONDS, MessageReader


def _message(text: str, msg_id: int = 1) -> bytes:
    return json.dumps(
        {"jsonrpc": "2.0", "id": msg_id, "method": "x", "params": {"text": text}},
        ensure_ascii=False,
    ).encode()


def _framed(body: bytes, length: int | None = None) -> bytes:
    return b"Content-Length: %d\r\n\r\n%s" % (len(body) if length is None else length, body)


async def _bodies(*chunks: bytes) -> list[bytes]:
    """The bodies read from `chunks`, each written when the reader has taken the one before."""
    reader = asyncio.StreamReader()

    async def write() -> None:
        for chunk in chunks:
            reader.feed_data(chunk)
            await asyncio.sleep(0)
        reader.feed_eof()

    writing = asyncio.create_task(write())
    messages = MessageReader(reader)
    bodies = []
    while (body := await messages.next_body()) is not None:
        bodies.append(body)
    await writing
    return bodies


async def test_bodies_as_their_content_length_says() -> None:
    one, two = _message("é ok"), _message("😀", 2)
    stream = (
        _framed(one) + b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n" + _framed(two)
    )
    assert await _bodies(stream) == [one, two]
    assert await _bodies(*(bytes([b]) for b in stream)) == [one, two]  # a byte at a time


async def test_a_length_in_characters_is_read_to_the_next_header(
    caplog: pytest.LogCaptureFixture,
) -> None:
    short = _message("naïve café 😀")
    after = _message("next", 2)
    in_characters = len(short.decode())  # what a client that counts characters sends
    assert await _bodies(_framed(short, in_characters) + _framed(after)) == [short, after]
    assert "bytes longer than its Content-Length said" in caplog.text
    in_utf16 = len(short.decode().encode("utf-16-le")) // 2  # or UTF-16 units, as JavaScript does
    assert await _bodies(_framed(short, in_utf16), _framed(after)) == [short, after]


async def test_a_length_too_long_stops_at_the_next_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    first, second, third = _message("a"), _message("b", 2), _message("c", 3)
    stream = _framed(first, len(first) + 30) + _framed(second) + _framed(third)
    assert await _bodies(stream) == [first, second, third]
    assert f"not the {len(first) + 30} its Content-Length said" in caplog.text
    reader = asyncio.StreamReader()  # the editor waits for answers: the stream stays open
    reader.feed_data(_framed(first, 10**12) + _framed(second))
    messages = MessageReader(reader)
    assert await asyncio.wait_for(messages.next_body(), 5) == first
    assert await asyncio.wait_for(messages.next_body(), 5) == second


async def test_a_message_that_claims_more_than_it_has_is_read_after_a_pause() -> None:
    reader = asyncio.StreamReader()
    only = _message("the editor waits for the answer")
    reader.feed_data(_framed(only, len(only) + 100))
    started = time.monotonic()
    assert await MessageReader(reader).next_body() == only
    assert time.monotonic() - started >= PAUSE_SECONDS


async def test_a_slow_writer_is_waited_for() -> None:
    reader = asyncio.StreamReader()
    whole = _message("x" * 5000)
    framed = _framed(whole)

    async def write_slowly() -> None:
        for start in range(0, len(framed), 2000):
            reader.feed_data(framed[start : start + 2000])
            await asyncio.sleep(PAUSE_SECONDS * 1.5)  # longer than a pause, but not a whole message

    writing = asyncio.create_task(write_slowly())
    assert await MessageReader(reader).next_body() == whole
    await writing


async def test_junk_before_a_header_and_headers_without_a_length_are_skipped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = _message("ok")
    stream = b"garbage\r\n\r\n" + b"xx" + _framed(body) + b"y" * 3_000_000 + b"\n" + _framed(body)
    with caplog.at_level(logging.WARNING):
        assert await _bodies(stream) == [body, body]
    assert "without Content-Length" in caplog.text and "before a header" in caplog.text


async def test_a_body_that_mentions_a_header_is_kept_whole() -> None:
    body = _message("Content-Length: 12\r\n\r\n{}")  # escaped in JSON: no raw line break
    assert await _bodies(_framed(body) + _framed(body)) == [body, body]


async def test_the_end_of_the_stream_mid_message_ends_reading() -> None:
    assert await _bodies(_framed(b'{"jsonrpc": "2.0"', 100)) == []
    assert await _bodies(b"Content-Length: 5\r\n") == []


@given(
    texts=st.lists(st.text(max_size=40), min_size=1, max_size=5),
    split=st.integers(min_value=1, max_value=50),
)
def test_any_text_framed_right_comes_back_as_sent(texts: list[str], split: int) -> None:
    bodies = [_message(text, n) for n, text in enumerate(texts)]
    stream = b"".join(_framed(body) for body in bodies)
    chunks = [stream[i : i + split] for i in range(0, len(stream), split)]
    assert asyncio.run(_bodies(*chunks)) == bodies


async def test_a_client_that_always_miscounts_is_warned_of_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bodies = [_message(f"café {n}", n) for n in range(5)]
    stream = b"".join(_framed(body, len(body.decode())) for body in bodies)
    with caplog.at_level(logging.DEBUG, logger="fim_lsp.lsp.framing"):
        assert await _bodies(stream) == bodies
    levels = [
        record.levelno for record in caplog.records if "Content-Length said" in record.message
    ]
    assert levels == [logging.WARNING] + [logging.DEBUG] * 4
