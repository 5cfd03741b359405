"""The virtual-time loop the engine tests run on: timers fire in order, at their exact time."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.unit.virtual_time import VirtualTimeLoop, advance, idle, now, virtual_time


@virtual_time
async def test_sleeps_and_timers_fire_at_their_virtual_time_without_real_waiting() -> None:
    fired: list[tuple[str, float]] = []
    loop = asyncio.get_running_loop()
    started = time.monotonic()
    loop.call_later(30.0, lambda: fired.append(("later", now())))
    await asyncio.sleep(3600.0)
    fired.append(("slept", now()))
    assert fired == [("later", 30.0), ("slept", 3600.0)]
    assert time.monotonic() - started < 1.0


@virtual_time
async def test_timeouts_run_on_the_virtual_clock() -> None:
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(2.5):
            await asyncio.Event().wait()
    assert now() == 2.5


@virtual_time
async def test_idle_waits_for_every_task_but_never_moves_the_clock() -> None:
    steps: list[int] = []

    async def chain() -> None:
        for step in range(5):
            steps.append(step)
            await asyncio.sleep(0)
        await asyncio.sleep(1.0)
        steps.append(99)

    task = asyncio.create_task(chain())
    await idle()
    assert steps == [0, 1, 2, 3, 4] and now() == 0.0
    await advance(1.0)
    assert steps[-1] == 99 and task.done()


def test_a_test_that_would_hang_fails_at_once() -> None:
    async def stuck() -> None:
        await asyncio.Event().wait()

    with asyncio.Runner(loop_factory=VirtualTimeLoop) as runner, pytest.raises(RuntimeError):
        runner.run(stuck())
