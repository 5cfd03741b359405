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
REMEMBERED_DOCUMENTS = 2 * MAX_DOCUMENTS  # files whose chunks are kept from one request to the next
RING_SIZE = 16  # recently edited places remembered
MIN_SIMILARITY = 0.1
MAX_LINE_CHARS = 400  # of a line in a chunk: a minified file's megabyte line is not context
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")


@dataclass(frozen=True, slots=True)
class Chunk:
    """A few consecutive lines of a file: `text` holds them from `first_line` on, without the
    blank ones at the end; `lines` counts them all (0: as many as `text` has)."""

    path: str
    first_line: int
    text: str
    lines: int = 0
    uri: str = ""  # the file they come from, when `path` (a name to show) may not tell it

    def texts(self) -> list[str]:
        """Each line of the chunk, blank ones at its end included."""
        texts = self.text.rstrip("\n").split("\n") if self.text else []
        return texts + [""] * (self.lines - len(texts))


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
    text = text.rstrip("\n") + "\n" if text.strip() else ""
    return Chunk(path, first, text, last - first, document.uri)


# (Document.revision, path) -> its chunks with their words, the most recently used last; a
# revision names one text in the whole process, so an entry can never stand for another text
_CHUNKS: OrderedDict[tuple[int, str], tuple[tuple[Chunk, frozenset[str]], ...]] = OrderedDict()


def chunks_of(document: Document, path: str) -> tuple[tuple[Chunk, frozenset[str]], ...]:
    """Evenly spread chunks of a document, at most MAX_CHUNKS_PER_DOCUMENT of them, each with its
    words; made once a revision of the document, so a file not changed since the last request
    costs nothing to read again."""
    key = (document.revision, path)
    made = _CHUNKS.get(key)
    if made is None:
        step = max(CHUNK_LINES, document.line_count // MAX_CHUNKS_PER_DOCUMENT + 1)
        spread = (
            chunk_at(document, first + CHUNK_LINES // 2, path)
            for first in range(0, document.line_count, step)
        )
        made = _CHUNKS[key] = tuple((chunk, words(chunk.text)) for chunk in spread)
        if len(_CHUNKS) > REMEMBERED_DOCUMENTS:
            _CHUNKS.popitem(last=False)
    else:
        _CHUNKS.move_to_end(key)
    return made


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


def choose(
    query: str,
    candidates: Iterable[tuple[Chunk, frozenset[str]]],
    budget_chars: int,
    first: Iterable[Chunk] = (),
) -> list[Chunk]:
    """The chunks `first` (in their order), then the candidates (each with its `words`) most like
    `query`, best first, that fit in `budget_chars` together.

    Chunks of one file that overlap or touch become one block: one header, each line once, in
    the file's order; it costs what it adds, so the room a merge saves goes to more code.
    """
    wanted = words(query)
    scored = []
    seen: set[str] = set()
    for chunk, vocabulary in candidates:
        if chunk.text in seen or not chunk.text.strip():
            continue
        seen.add(chunk.text)
        score = similarity(wanted, vocabulary)
        if score >= MIN_SIMILARITY:
            scored.append((score, chunk))
    scored.sort(key=lambda pair: -pair[0])
    picked = _Picked(budget_chars)
    for chunk in first:
        picked.add(chunk)
    for _, chunk in scored:
        picked.add(chunk)
    return picked.blocks()


def _header_chars(path: str) -> int:
    """What a block's `from path:` line costs in the budget."""
    return len(path) + 16


class _Picked:
    """The lines picked so far, by file, and what they cost sent as blocks."""

    def __init__(self, budget_chars: int) -> None:
        self._budget = budget_chars
        self._used = 0
        self._taken = 0  # chunks taken: the rank of the next, best first
        # file -> (its first chunk, line number -> (text, rank of the chunk that brought it))
        self._files: dict[str, tuple[Chunk, dict[int, tuple[str, int]]]] = {}

    def add(self, chunk: Chunk) -> None:
        """Take `chunk` if what it adds fits in what is left of the budget."""
        source, lines = self._files.get(chunk.uri or chunk.path, (chunk, {}))
        texts = chunk.texts()
        span = range(chunk.first_line, chunk.first_line + len(texts))
        new = [number for number in span if number not in lines]
        # the blocks it overlaps or touches join it: one header for all instead of one each
        near = range(span.start - 1, span.stop + 1)
        joined = sum(1 for n in near if n in lines and (n - 1 not in lines or n == near.start))
        cost = sum(len(texts[n - span.start]) + 1 for n in new)
        cost += (1 - joined) * _header_chars(chunk.path)
        if self._used + cost > self._budget:
            return
        self._used += cost
        self._taken += 1
        for number in new:
            lines[number] = (texts[number - span.start], self._taken)
        self._files[chunk.uri or chunk.path] = (source, lines)

    def blocks(self) -> list[Chunk]:
        """The picked lines as blocks of consecutive lines, best first."""
        ranked: list[tuple[int, Chunk]] = []
        for source, lines in self._files.values():
            numbers = sorted(lines)
            start = 0
            for end in range(1, len(numbers) + 1):
                if end < len(numbers) and numbers[end] == numbers[end - 1] + 1:
                    continue
                run = numbers[start:end]
                text = "".join(lines[number][0] + "\n" for number in run).rstrip("\n") + "\n"
                block = Chunk(source.path, run[0], text, len(run), source.uri)
                ranked.append((min(lines[number][1] for number in run), block))
                start = end
        ranked.sort(key=lambda pair: pair[0])
        return [block for _, block in ranked]


def related(
    current: Document,
    documents: Iterable[Document],
    recent: RecentEdits,
    query: str,
    budget_chars: int,
    path_of: Callable[[str], str],
    allowed: Callable[[str], bool],
    first: Iterable[Chunk] = (),
) -> list[Chunk]:
    """The chunks `first`, then those of recent edits and other open files most like `query`,
    within the budget.

    Bounded work: the recent-edit ring plus at most MAX_DOCUMENTS files of MAX_CHUNKS_PER_DOCUMENT
    chunks each; the current file is left out (its text around the cursor is the prompt already).
    """
    by_uri = {document.uri: document for document in documents}
    others = [uri for uri in reversed(by_uri) if uri != current.uri and allowed(uri)]

    def candidates() -> Iterable[tuple[Chunk, frozenset[str]]]:
        for uri, line in recent.places():
            if uri != current.uri and uri in by_uri and allowed(uri):
                chunk = chunk_at(by_uri[uri], line, path_of(uri))
                yield chunk, words(chunk.text)
        for uri in others[:MAX_DOCUMENTS]:
            yield from chunks_of(by_uri[uri], path_of(uri))

    return choose(query, candidates(), budget_chars, first)


@dataclass(frozen=True, slots=True)
class Preamble:
    """What may go before the prefix: the file header and related code from elsewhere."""

    header: str = ""
    related: tuple[Chunk, ...] = ()
    comment: str | None = None  # the language's line-comment marker, if it has one
    notes: tuple[str, ...] = ()  # which definitions were sent, and why

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
