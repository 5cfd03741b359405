"""Cut the editor's byte stream into message bodies, and find the next message when a Content-Length is wrong."""

from __future__ import annotations

import asyncio
import json
import logging
import re

log = logging.getLogger(__name__)

CHUNK = 1 << 16
PAUSE_SECONDS = 0.5  # no byte for this long: what has come of a message is all there is for now
MAX_HEADER_LINE = 1 << 20  # longer without a line break: not a header, dropped
_CONTENT_LENGTH = re.compile(rb"Content-Length:[ \t]*(\d+)", re.IGNORECASE)
_LENGTH_ENDING_A_LINE = re.compile(rb"Content-Length:[ \t]*(\d+)$", re.IGNORECASE)
# A JSON body holds line breaks only as escapes, so a raw header line inside one is the next message
_NEXT_HEADER_AT = re.compile(rb"Content-Length:[ \t]*\d+[ \t]*\r?\n")
_HEADER_NAMES = (b"content-length:", b"content-type:")


class MessageReader:
    """Message bodies from `reader`, one at a time.

    A client that counts Content-Length in characters or UTF-16 units instead of bytes sends a
    length that is too short for text beyond ASCII; one that miscounts the other way, too long.
    Either would otherwise misalign every later message: the body is read up to the next header
    instead, and the mistake is logged.
    """

    def __init__(self, reader: asyncio.StreamReader) -> None:
        self._reader = reader
        self._buffer = bytearray()
        self._warned: set[str] = set()  # a client that miscounts once does it on every message

    async def next_body(self) -> bytes | None:
        """The next message's body; None once the editor closes the stream."""
        length = await self._headers()
        if length is None:
            return None
        return await self._body(length)

    async def _headers(self) -> int | None:
        length: int | None = None
        while True:
            line = await self._line()
            if line is None:
                return None
            header = line.strip()
            if header:
                if match := _CONTENT_LENGTH.fullmatch(header):
                    length = int(match[1])
                elif match := _LENGTH_ENDING_A_LINE.search(header):
                    self._warn("skipped %d bytes of input before a header", match.start())
                    length = int(match[1])
                continue
            if length is not None:
                return length
            self._warn("skipped a header block without Content-Length")

    async def _line(self) -> bytes | None:
        searched = 0
        while (end := self._buffer.find(b"\n", searched)) < 0:
            searched = len(self._buffer)
            if searched > MAX_HEADER_LINE:
                self._warn("skipped %d bytes of input that is not a header", searched - 64)
                del self._buffer[:-64]  # a header may begin in the last few
                searched = 0
            if not await self._fill():
                return None
        return self._take(end + 1)

    async def _body(self, length: int) -> bytes | None:
        searched = 0
        while len(self._buffer) < length:
            if (boundary := self._next_header(searched, len(self._buffer))) is not None:
                return self._short_of(length, boundary)
            searched = max(0, len(self._buffer) - 64)
            if not await self._fill(or_pause=True, wanted=length - len(self._buffer)):
                if self._reader.at_eof():
                    return None
                if _is_json(self._buffer):  # all of a message that claims more than it has
                    return self._short_of(length, len(self._buffer))
        if (boundary := self._next_header(searched, length)) is not None:
            return self._short_of(length, boundary)
        body = self._take(length)
        if self._whole(body):
            return body
        rest = await self._up_to_next_header()
        if not rest:
            return body
        self._warn(
            "a message was %d bytes longer than its Content-Length said (%d); read to the next header",
            len(rest),
            length,
        )
        return body + rest

    def _whole(self, body: bytes) -> bool:
        """Whether `body` ends where a message ends, as far as what came after it shows."""
        if self._buffer[:15] != b"Content-Length:" and not _may_begin_a_header(self._buffer):
            return _is_json(body)  # junk after a whole message, or the rest of a message cut short
        return body.rstrip().endswith((b"}", b"]")) or not body.strip()

    async def _up_to_next_header(self) -> bytes:
        searched = 0
        while (boundary := self._next_header(searched, len(self._buffer))) is None:
            searched = max(0, len(self._buffer) - 64)
            if not await self._fill(or_pause=True):
                return self._take(len(self._buffer))
        return self._take(boundary)

    def _short_of(self, length: int, end: int) -> bytes:
        self._warn(
            "a message was %d bytes, not the %d its Content-Length said; read to the next header",
            end,
            length,
        )
        return self._take(end)

    def _warn(self, message: str, *args: object) -> None:
        """Log a kind of mistake as a warning the first time, later at debug level."""
        if message in self._warned:
            log.debug(message, *args)
            return
        self._warned.add(message)
        log.warning(message + " (the same again is logged at debug level)", *args)

    def _next_header(self, start: int, end: int) -> int | None:
        """Where in the buffer, between `start` and `end`, the next message's header begins."""
        while (found := self._buffer.find(b"Content-Length:", start, end)) >= 0:
            if _NEXT_HEADER_AT.match(self._buffer, found):
                return found
            start = found + 1
        return None

    async def _fill(self, *, or_pause: bool = False, wanted: int = CHUNK) -> bool:
        """Read up to `wanted` bytes more into the buffer, at least one; False at the end of the
        stream (`or_pause`: or after a pause)."""
        try:
            chunk = await asyncio.wait_for(
                self._reader.read(max(CHUNK, wanted)), PAUSE_SECONDS if or_pause else None
            )
        except TimeoutError:
            return False
        self._buffer += chunk
        return bool(chunk)

    def _take(self, count: int) -> bytes:
        with memoryview(self._buffer) as view:
            taken = bytes(view[:count])  # one copy, where a slice would make two
        del self._buffer[:count]
        return taken


def _is_json(data: bytes | bytearray) -> bool:
    if not data.rstrip().endswith((b"}", b"]")):
        return False  # cheaply: no JSON-RPC message ends otherwise
    try:
        json.loads(data)
    except ValueError:
        return False
    return True


def _may_begin_a_header(data: bytearray) -> bool:
    """Whether `data` begins with a header, or with what could become one as more bytes come."""
    head = bytes(data[:64]).lstrip()[:16].lower()
    return any(name.startswith(head) or head.startswith(name) for name in _HEADER_NAMES)
