"""The suggestion cache: exact hits, typing along, backspacing, divergence, and bounds."""

import pytest

from fim_lsp.core.cache import PREFIX_KEY_CHARS, SuggestionCache

P = ("mistral", "codestral-latest", 64)


@pytest.fixture
def cache() -> SuggestionCache:
    c = SuggestionCache(8)
    c.put(P, "def add(a, b):\n    ", "\n", "return a + b")
    return c


@pytest.mark.parametrize(
    ("prefix", "suffix", "expected"),
    [
        ("def add(a, b):\n    ", "\n", "return a + b"),  # exact
        ("def add(a, b):\n    r", "\n", "eturn a + b"),  # typed along
        ("def add(a, b):\n    return a + ", "\n", "b"),
        ("def add(a, b):\n    return a + b", "\n", None),  # used up
        ("def add(a, b):\n    x", "\n", None),  # diverged
        ("def add(a, b):\n    re", "\n\n", None),  # different text after the cursor
        ("def add(a, b):\n   ", "\n", None),  # backspaced past where it was asked
        ("def sub(a, b):\n    ", "\n", None),
    ],
)
def test_lookup(cache: SuggestionCache, prefix: str, suffix: str, expected: str | None) -> None:
    assert cache.get(P, prefix, suffix) == expected


def test_backspacing_finds_the_suggestion_again(cache: SuggestionCache) -> None:
    base = "def add(a, b):\n    "
    typed = "return"
    for n in range(len(typed), -1, -1):
        assert cache.get(P, base + typed[:n], "\n") == "return a + b"[n:]


def test_other_parameters_do_not_hit(cache: SuggestionCache) -> None:
    assert cache.get(("mistral", "other-model", 64), "def add(a, b):\n    ", "\n") is None


def test_only_the_tail_of_the_prefix_identifies_a_place() -> None:
    cache = SuggestionCache(8)
    tail = "x" * PREFIX_KEY_CHARS
    cache.put(P, "header A\n" + tail, "", "done")
    assert cache.get(P, "header B\n" + tail, "") == "done"
    assert cache.get(P, "header B\n" + tail + "do", "") == "ne"


def test_multi_line_typed_through_with_auto_indent() -> None:
    cache = SuggestionCache(8)
    cache.put(P, "if x:\n", "", "    y = 1\n    z = 2")
    assert cache.get(P, "if x:\n    y = 1\n    ", "") == "z = 2"


def test_least_recently_used_is_dropped() -> None:
    cache = SuggestionCache(2)
    cache.put(P, "a", "", "1")
    cache.put(P, "b", "", "2")
    assert cache.get(P, "a", "") == "1"  # a is now the most recent
    cache.put(P, "c", "", "3")
    assert len(cache) == 2
    assert cache.get(P, "b", "") is None
    assert cache.get(P, "a", "") == "1"
