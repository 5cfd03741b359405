"""One provider stream per document and the requests that wait on it: join, supersede, close orphans."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Hashable
from dataclasses import dataclass
from typing import TypeVar

from fim_lsp.core import fitting, postprocess

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


class DocumentStates:
    """The state of every (document, lane) that has asked; idle ones go when there are too many."""

    def __init__(self, most: int) -> None:
        self._states: dict[tuple[str, str], DocumentState] = {}
        self._most = most

    def __len__(self) -> int:
        return len(self._states)

    def get(self, key: tuple[str, str]) -> DocumentState:
        """The state for (document, lane), started if new."""
        state = self._states.get(key)
        if state is None:
            if len(self._states) >= self._most:
                self._forget_idle()
            state = self._states[key] = DocumentState()
        return state

    def _forget_idle(self) -> None:
        def idle(state: DocumentState) -> bool:
            task = state.fetch.task if state.fetch is not None else None
            return state.newest is None and (task is None or task.done())

        for key in [key for key, state in self._states.items() if idle(state)]:
            del self._states[key]

    def forget(self, document: str) -> None:
        """Stop the work for `document` and drop its state, in every lane."""
        for key in [key for key in self._states if key[0] == document]:
            state = self._states.pop(key)
            if state.newest is not None:
                state.newest.set()
            if state.fetch is not None:
                state.fetch.stop()

    def forget_all(self) -> None:
        """Stop all work."""
        for document, _ in list(self._states):
            self.forget(document)


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
