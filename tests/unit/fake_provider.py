"""An in-process provider whose streams a test drives one delta at a time, and sees closed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from contextlib import aclosing

from fim_lsp.providers import FimRequest, ProviderError

_END = object()


class FakeStream:
    """One call to the provider: the request, what the test sends, and how the stream ended."""

    def __init__(self, request: FimRequest, started_at: float) -> None:
        self.request = request
        self.started_at = started_at
        self.ended_at: float | None = None
        self.how: str | None = None  # "finished", "failed" or "closed" (by the reader, early)
        self._items: asyncio.Queue[object] = asyncio.Queue()

    def send(self, *deltas: str) -> None:
        """Make `deltas` the next text the stream yields."""
        for delta in deltas:
            self._items.put_nowait(delta)

    def finish(self, *deltas: str) -> None:
        """Send `deltas`, then end the stream as a provider does when the answer is done."""
        self.send(*deltas)
        self._items.put_nowait(_END)

    def fail(self, error: ProviderError) -> None:
        """Fail the stream with `error` after what was sent so far."""
        self._items.put_nowait(error)

    @property
    def open(self) -> bool:
        return self.how is None

    @property
    def closed(self) -> bool:
        """The reader closed the stream before its end (the HTTP stream would close)."""
        return self.how == "closed"

    async def deltas(self) -> AsyncGenerator[str, None]:
        try:
            while True:
                item = await self._items.get()
                if item is _END:
                    self.how = "finished"
                    return
                if isinstance(item, ProviderError):
                    self.how = "failed"
                    raise item
                assert isinstance(item, str)
                yield item
        finally:
            self.how = self.how or "closed"
            self.ended_at = asyncio.get_running_loop().time()


class FakeProvider:
    """Records every stream it is asked for; `reply`: text (or an error) each stream gives at once."""

    name = "fake"
    host = "fake.test"

    def __init__(self, reply: str | ProviderError | None = None) -> None:
        self.streams: list[FakeStream] = []
        self.reply = reply

    async def stream(self, request: FimRequest) -> AsyncGenerator[str, None]:
        """Like a real provider's: nothing happens until the stream is read."""
        stream = FakeStream(request, asyncio.get_running_loop().time())
        self.streams.append(stream)
        if isinstance(self.reply, str):
            stream.finish(self.reply)
        elif self.reply is not None:
            stream.fail(self.reply)
        async with aclosing(stream.deltas()) as deltas:
            async for delta in deltas:
                yield delta

    @property
    def last(self) -> FakeStream:
        return self.streams[-1]

    @property
    def open_streams(self) -> list[FakeStream]:
        return [stream for stream in self.streams if stream.open]
