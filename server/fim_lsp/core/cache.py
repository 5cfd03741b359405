"""Recent suggestions, found again by their surroundings, also when the user types along or backspaces."""

from __future__ import annotations

from collections.abc import Hashable

from cachetools import LRUCache

PREFIX_KEY_CHARS = 400  # how much of the text before the cursor identifies a place
SUFFIX_KEY_CHARS = 200  # how much of the text after it does
MAX_TYPED = 2000  # never look further back than this for typed-through text
MAX_STARTS = 4096

Key = tuple[Hashable, str, str]


def _key(params: Hashable, prefix: str, end: int, suffix: str) -> Key:
    return params, prefix[max(0, end - PREFIX_KEY_CHARS) : end], suffix[:SUFFIX_KEY_CHARS]


class SuggestionCache:
    """An LRU of suggestions keyed by request parameters, the prefix's tail and the suffix's head."""

    def __init__(self, size: int) -> None:
        self._entries: LRUCache[Key, str] = LRUCache(maxsize=max(1, size))
        self._longest = 0
        self._starts: set[str] = set()  # the first one and two characters of each suggestion
        self.last_typed = 0  # characters the user had typed into the last suggestion found

    def __len__(self) -> int:
        return len(self._entries)

    def put(self, params: Hashable, prefix: str, suffix: str, text: str) -> None:
        """Remember that `text` was suggested between `prefix` and `suffix`."""
        self._entries[_key(params, prefix, len(prefix), suffix)] = text
        self._longest = min(MAX_TYPED, max(self._longest, len(text)))
        if len(self._starts) >= MAX_STARTS:
            self._starts = {kept[:n] for kept in self._entries.values() for n in (1, 2)}
        self._starts.update((text[:1], text[:2]))

    def get(self, params: Hashable, prefix: str, suffix: str) -> str | None:
        """The rest of a suggestion whose start the user has typed since (none typed: all of it).

        Looks for a remembered prefix that `prefix` extends by text the suggestion starts with;
        the shortest extension wins, so an exact hit comes first and backspacing finds it again.
        """
        end = len(prefix)
        starts = self._starts
        for typed in range(min(self._longest, end) + 1):
            # cheap filter first: typed text must begin like some kept suggestion does
            if typed and prefix[end - typed : end - typed + 2] not in starts:
                continue
            text = self._entries.get(_key(params, prefix, end - typed, suffix))
            if text is None or typed >= len(text):
                continue
            if typed == 0 or text.startswith(prefix[end - typed :]):
                self.last_typed = typed
                return text[typed:]
        return None

    def clear(self) -> None:
        self._entries.clear()
        self._longest = 0
        self._starts.clear()
