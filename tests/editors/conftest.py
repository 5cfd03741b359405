"""What every real-editor test shares: the fake Codestral the real server talks to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.fakes.codestral import FakeCodestral


@pytest.fixture
def fake() -> Iterator[FakeCodestral]:
    with FakeCodestral(completion="return a + b") as server:
        yield server
