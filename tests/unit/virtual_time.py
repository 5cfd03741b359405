"""An event loop whose clock moves only when every task waits, so timing logic is tested exactly.

`loop.time()` starts at 0 and jumps to the next timer whenever nothing is ready to run: sleeps,
`call_later` and `asyncio.timeout` all fire in order, at their exact virtual time, with no real
waiting. A test where every task waits and no timer is set fails at once instead of hanging.
"""

from __future__ import annotations

import asyncio
import functools
import selectors
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, ParamSpec

_P = ParamSpec("_P")


class _Selector(selectors.BaseSelector):
    """The real selector, polled without blocking; a wait for a timer moves the clock instead."""

    def __init__(self, loop: VirtualTimeLoop) -> None:
        self._real = selectors.DefaultSelector()
        self._loop = loop

    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._real.register(fileobj, events, data)

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        return self._real.unregister(fileobj)

    def modify(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._real.modify(fileobj, events, data)

    def get_map(self) -> Mapping[Any, selectors.SelectorKey]:
        return self._real.get_map()

    def close(self) -> None:
        self._real.close()

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        # the loop asks to wait only when nothing is ready: `timeout` is the next timer's delay
        events = self._real.select(0)
        if events or timeout == 0:
            return events
        loop = self._loop
        if loop.idle_waiters:  # everything that can run now has run: wake those who asked
            for waiter in loop.idle_waiters:
                if not waiter.done():
                    waiter.set_result(None)
            loop.idle_waiters.clear()
            return []
        if timeout is None:
            raise RuntimeError("every task waits and no timer is set: the test would hang")
        loop.now += timeout
        return []


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """A selector event loop on a virtual clock that starts at 0."""

    def __init__(self) -> None:
        self.now = 0.0
        self.idle_waiters: list[asyncio.Future[None]] = []
        super().__init__(_Selector(self))

    def time(self) -> float:
        return self.now


async def idle() -> None:
    """Return once every other task waits (on a timer or anything else); the clock does not move."""
    loop = asyncio.get_running_loop()
    assert isinstance(loop, VirtualTimeLoop), "idle() needs the virtual-time loop"
    waiter = loop.create_future()
    loop.idle_waiters.append(waiter)
    await waiter


async def advance(seconds: float) -> None:
    """Let `seconds` of virtual time pass, every timer on the way firing in turn; then settle."""
    await asyncio.sleep(seconds)
    await idle()


def now() -> float:
    """The virtual time, in seconds since the loop started."""
    return asyncio.get_running_loop().time()


def virtual_time(test: Callable[_P, Coroutine[Any, Any, None]]) -> Callable[_P, None]:
    """Run an async test on a fresh virtual-time loop (in place of pytest-asyncio's loop)."""

    @functools.wraps(test)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> None:
        with asyncio.Runner(loop_factory=VirtualTimeLoop) as runner:
            runner.run(test(*args, **kwargs))

    return run
