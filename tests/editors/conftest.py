"""What every real-editor test shares: the fake Codestral the real server talks to."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.fakes.codestral import FakeCodestral


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in tests/editors `editor`, so `-m "not editor"` leaves the editors out."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.editor)


@pytest.fixture
def fake() -> Iterator[FakeCodestral]:
    with FakeCodestral(completion="return a + b") as server:
        yield server
