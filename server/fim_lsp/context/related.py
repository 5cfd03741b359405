"""Extra context for the model: the chunks of other open files and recent edits most like the code at the cursor."""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from fim_lsp.core.documents import Document

CHUNK_LINES = 16
MAX_CHUNKS_PER_DOCUMENT = 32  # caps the work per request: at most this many chunks of a file
MAX_DOCUMENTS = 8  # ... of this many files
RING_SIZE = 16  # recently edited places remembered
MIN_SIMILARITY = 0.1
MAX_LINE_CHARS = 400  # of a line in a chunk: a minified file's megabyte line is not context
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")


@dataclass(frozen=True, slots=True)
class Chunk:
    """A few consecutive lines of a file."""

    path: str
    first_line: int
    text: str


def words(text: str) -> frozenset[str]:
    """The identifiers of `text` (three characters or more), for comparing code by vocabulary."""
    return frozenset(_WORD.findall(text))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two vocabularies."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def chunk_at(document: Document, line: int, path: str) -> Chunk:
    """The chunk of `document` centred on `line`."""
    first = max(0, min(line - CHUNK_LINES // 2, document.line_count - CHUNK_LINES))
    last = min(document.line_count, first + CHUNK_LINES)
    text = "".join(document.line(index)[:MAX_LINE_CHARS] + "\n" for index in range(first, last))
    return Chunk(path, first, text.rstrip("\n") + "\n" if text.strip() else "")


def chunks_of(document: Document, path: str) -> Iterable[Chunk]:
    """Evenly spread chunks of a document, at most MAX_CHUNKS_PER_DOCUMENT of them."""
    step = max(CHUNK_LINES, document.line_count // MAX_CHUNKS_PER_DOCUMENT + 1)
    for first in range(0, document.line_count, step):
        yield chunk_at(document, first + CHUNK_LINES // 2, path)


class RecentEdits:
    """A ring of the places edited last (document and line), newest last; bounded."""

    def __init__(self, size: int = RING_SIZE) -> None:
        self._size = size
        self._places: OrderedDict[tuple[str, int], None] = OrderedDict()

    def note(self, uri: str, line: int) -> None:
        """Remember an edit at `line` of `uri` (cheap: called on every change)."""
        place = (uri, line // CHUNK_LINES)
        self._places.pop(place, None)
        self._places[place] = None
        if len(self._places) > self._size:
            self._places.popitem(last=False)

    def forget(self, uri: str) -> None:
        """Drop the places of a closed document."""
        for place in [place for place in self._places if place[0] == uri]:
            del self._places[place]

    def places(self) -> list[tuple[str, int]]:
        """(uri, line) of each remembered place, newest first."""
        return [(uri, block * CHUNK_LINES) for uri, block in reversed(self._places)]


def choose(query: str, candidates: Iterable[Chunk], budget_chars: int) -> list[Chunk]:
    """The candidates most like `query`, best first, that fit in `budget_chars` together."""
    wanted = words(query)
    scored = []
    seen: set[str] = set()
    for chunk in candidates:
        if chunk.text in seen or not chunk.text.strip():
            continue
        seen.add(chunk.text)
        score = similarity(wanted, words(chunk.text))
        if score >= MIN_SIMILARITY:
            scored.append((score, chunk))
    scored.sort(key=lambda pair: -pair[0])
    chosen: list[Chunk] = []
    used = 0
    for _, chunk in scored:
        if used + len(chunk.text) + len(chunk.path) + 16 > budget_chars:
            continue
        chosen.append(chunk)
        used += len(chunk.text) + len(chunk.path) + 16
    return chosen


def related(
    current: Document,
    documents: Iterable[Document],
    recent: RecentEdits,
    query: str,
    budget_chars: int,
    path_of: Callable[[str], str],
    allowed: Callable[[str], bool],
) -> list[Chunk]:
    """Chunks of recent edits and other open files most like `query`, within the budget.

    Bounded work: the recent-edit ring plus at most MAX_DOCUMENTS files of MAX_CHUNKS_PER_DOCUMENT
    chunks each; the current file is left out (its text around the cursor is the prompt already).
    """
    by_uri = {document.uri: document for document in documents}
    others = [uri for uri in reversed(by_uri) if uri != current.uri and allowed(uri)]

    def candidates() -> Iterable[Chunk]:
        for uri, line in recent.places():
            if uri != current.uri and uri in by_uri and allowed(uri):
                yield chunk_at(by_uri[uri], line, path_of(uri))
        for uri in others[:MAX_DOCUMENTS]:
            yield from chunks_of(by_uri[uri], path_of(uri))

    return choose(query, candidates(), budget_chars)


@dataclass(frozen=True, slots=True)
class Preamble:
    """What may go before the prefix: the file header and related code from elsewhere."""

    header: str = ""
    related: tuple[Chunk, ...] = ()
    comment: str | None = None  # the language's line-comment marker, if it has one

    def as_text(self) -> str:
        """Related code as comments, then the header: for providers with only a prompt."""
        shown = render(list(self.related), self.comment) if self.comment else ""
        return shown + self.header

    def as_files(self) -> tuple[tuple[str, str], ...]:
        """Related code as (file name, text), for providers that take other files apart."""
        return tuple((chunk.path, chunk.text) for chunk in self.related)


def render(chunks: list[Chunk], comment: str) -> str:
    """The chunks as comment lines (`comment` is the language's line-comment marker)."""
    lines: list[str] = []
    for chunk in chunks:
        lines.append(f"{comment} from {chunk.path}:")
        lines.extend(f"{comment} {line}".rstrip() for line in chunk.text.rstrip("\n").split("\n"))
    return "\n".join(lines) + "\n" if lines else ""
