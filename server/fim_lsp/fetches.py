"""One provider stream per document and the requests that wait on it: join, supersede, close orphans."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Hashable
from dataclasses import dataclass
from typing import TypeVar

from fim_lsp import fitting, postprocess

_T = TypeVar("_T")
ORPHAN_GRACE_SECONDS = 0.25  # how long a stream nobody waits for may wait to be joined


@dataclass
class Fetch:
    """One provider stream for one document, which later requests may join."""

    params: Hashable
    prefix: str
    suffix: str
    eol: str
    around: fitting.Around
    suggestion: postprocess.Suggestion
    task: asyncio.Task[str | None] | None = None
    waiters: int = 0

    def stop(self) -> None:
        """Cancel the stream, once: a second cancel can cut its HTTP close short and leak the
        connection (httpx issue 3782)."""
        if self.task is not None and not self.task.done() and not self.task.cancelling():
            self.task.cancel()

    def joinable(self, params: Hashable, prefix: str, suffix: str) -> bool:
        """True if the new cursor is this one's plus text the stream has produced or is producing."""
        if self.task is None or self.task.done() or params != self.params:
            return False
        if not prefix.startswith(self.prefix) or suffix[:200] != self.suffix[:200]:
            return False
        typed = prefix[len(self.prefix) :]
        produced = self.suggestion.text
        if self.eol != "\n":
            produced = produced.replace("\n", self.eol)
        return produced.startswith(typed) or (bool(produced) and typed.startswith(produced))


@dataclass
class DocumentState:
    """Per document: the newest request's 'you are superseded' signal and the running stream."""

    newest: asyncio.Event | None = None
    fetch: Fetch | None = None


class Superseded(Exception):
    """A newer request for the same document arrived."""


async def wait_for(fetch: Fetch, newest: asyncio.Event) -> str | None:
    """Wait for a stream's text; if every waiter leaves, the stream closes soon after."""
    assert fetch.task is not None
    fetch.waiters += 1
    try:
        return await until_superseded(asyncio.shield(fetch.task), newest)
    finally:
        fetch.waiters -= 1
        if fetch.waiters == 0 and not fetch.task.done():
            asyncio.get_running_loop().call_later(ORPHAN_GRACE_SECONDS, _drop_orphan, fetch)


def _drop_orphan(fetch: Fetch) -> None:
    if fetch.waiters == 0:
        fetch.stop()


async def until_superseded(work: Awaitable[_T], newest: asyncio.Event) -> _T:
    """Await `work`, unless a newer request for the document comes first (then raise Superseded)."""
    job = asyncio.ensure_future(work)
    signal = asyncio.ensure_future(newest.wait())
    try:
        await asyncio.wait((job, signal), return_when=asyncio.FIRST_COMPLETED)
    finally:
        signal.cancel()
        finished = job.done()
        if not finished:
            job.cancel()
    if not finished or job.cancelled():
        raise Superseded
    return job.result()
