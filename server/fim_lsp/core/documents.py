"""Open documents as LSP has them: lines break at LF, CRLF, CR only; O(edit) changes; utf-8/16/32."""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

log = logging.getLogger(__name__)
Encoding = Literal["utf-8", "utf-16", "utf-32"]
ENCODINGS: tuple[Encoding, ...] = ("utf-8", "utf-16", "utf-32")

LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the only line breaks LSP counts
_BREAK = re.compile(r"(\r\n|\r|\n)")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


@dataclass(frozen=True, slots=True)
class Position:
    """A place in a document, in units of the document's encoding (as the client sends it)."""

    line: int
    character: int


@dataclass(frozen=True, slots=True)
class Range:
    start: Position
    end: Position


def _split(text: str) -> list[str]:
    """Lines with their terminators; the last line has none and may be empty."""
    parts = _BREAK.split(text)  # [content, break, content, break, ..., content]
    lines = [parts[i] + parts[i + 1] for i in range(0, len(parts) - 1, 2)]
    lines.append(parts[-1])
    return lines


def column(content: str, units: int, encoding: Encoding) -> int:
    """Code-point column of `units` client units into `content`, rounded down inside a character."""
    if units <= 0:
        return 0
    if encoding == "utf-32" or content.isascii():
        return min(units, len(content))
    head = content[:units]  # a code point is at least one unit: the column lies in here
    if encoding == "utf-16":
        if not _ASTRAL.search(head):
            return len(head)
        # a cut inside a surrogate pair leaves half a character, which "ignore" drops
        return len(head.encode("utf-16-le")[: 2 * units].decode("utf-16-le", "ignore"))
    return len(head.encode("utf-8")[:units].decode("utf-8", "ignore"))


def units(prefix: str, encoding: Encoding) -> int:
    """Client units of `prefix`."""
    if encoding == "utf-32" or prefix.isascii():
        return len(prefix)
    if encoding == "utf-16":
        return len(prefix.encode("utf-16-le")) // 2
    return len(prefix.encode("utf-8"))


def scrub(text: str) -> str:
    """`text` with each lone surrogate replaced by U+FFFD.

    JSON can carry a lone surrogate ("\\ud800", e.g. from an editor that stores UTF-16) but UTF-8
    cannot, so such text could never be sent to a provider. U+FFFD takes the same units as a lone
    surrogate in every encoding (1 in UTF-16 and UTF-32, 3 in UTF-8 as WTF-8 counts it), so the
    client's positions still name the same places.
    """
    if text.isascii() or not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub(REPLACEMENT, text)


_REVISIONS = itertools.count()  # Document.revision: one counter for every document


class Document:
    """One open text document, kept as a list of lines so that an edit costs the lines it touches.

    Invariant: every line but the last ends with exactly one terminator, the last has none, no
    line ends with a lone ``\\r`` while the next starts with ``\\n`` (that pair is one ``\\r\\n``),
    and no line holds a lone surrogate (see `scrub`).

    `version` is the client's; `revision` is the server's own and changes with every change of
    the text, new in the whole process, so it names one text even where a client sends the same
    version twice or opens a file again at the version it had before.
    """

    __slots__ = ("_lines", "encoding", "language_id", "revision", "uri", "version")

    def __init__(
        self,
        uri: str,
        text: str,
        *,
        version: int = 0,
        language_id: str = "",
        encoding: Encoding = "utf-16",
    ) -> None:
        self.uri = uri
        self.version = version
        self.language_id = language_id
        self.encoding: Encoding = encoding
        self._lines = _split(self._scrub(text))
        self.revision = next(_REVISIONS)

    def _scrub(self, text: str) -> str:
        clean = scrub(text)
        if clean is not text:
            log.warning("%r: lone surrogates in the text were replaced with U+FFFD", self.uri)
        return clean

    def __repr__(self) -> str:
        return f"Document({self.uri!r}, version={self.version}, lines={len(self._lines)})"

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def line(self, index: int) -> str:
        """Content of line `index` (0 <= index < line_count) without its terminator."""
        if not 0 <= index < len(self._lines):
            raise IndexError(f"line {index} out of range 0..{len(self._lines) - 1}")
        return self._lines[index].rstrip("\r\n")

    def line_with_ending(self, index: int) -> str:
        """Line `index` as stored: its content followed by its terminator."""
        return self._lines[index]

    def line_ending(self, index: int) -> str:
        """The terminator of line `index`: "\\n", "\\r\\n", "\\r", or "" for the last line."""
        return self._lines[index][len(self.line(index)) :]

    def text(self) -> str:
        """The whole text; O(document), so not for the keystroke path."""
        return "".join(self._lines)

    def eol(self) -> str:
        """The document's line-ending style: its first line break, "\\n" if it has none."""
        return self.line_ending(0) if len(self._lines) > 1 else "\n"

    def index_of(self, position: Position) -> tuple[int, int]:
        """(line index, code-point column), clamped into the document as LSP prescribes."""
        line = max(position.line, 0)
        if line >= len(self._lines):
            line = len(self._lines) - 1
            return line, len(self.line(line))
        return line, column(self.line(line), position.character, self.encoding)

    def is_in_range(self, position: Position) -> bool:
        """Whether `position` names a place in the document without clamping."""
        if not 0 <= position.line < len(self._lines):
            return False
        return 0 <= position.character <= units(self.line(position.line), self.encoding)

    def character_of(self, line: int, column: int) -> int:
        """Client units of code-point `column` on `line` (the inverse of index_of), clamped."""
        content = self.line(min(max(line, 0), len(self._lines) - 1))
        return units(content[: max(column, 0)], self.encoding)

    def apply_change(self, text: str, range: Range | None = None) -> None:
        """Replace `range` (the whole document if None) with `text`.

        Only the touched lines are re-split, plus the previous line when it ends with "\\r" and
        the new text there starts with "\\n". The slice assignment may shift the list's pointers
        (a memmove), which is negligible next to splitting or joining text.
        """
        text = self._scrub(text)
        self.revision = next(_REVISIONS)
        if range is None:
            self._lines = _split(text)
            return
        lines = self._lines
        start, end = self.index_of(range.start), self.index_of(range.end)
        if end < start:
            start, end = end, start
        (first, start_column), (last, end_column) = start, end
        chunk = lines[first][:start_column] + text + lines[last][end_column:]
        if chunk.startswith("\n") and first > 0 and lines[first - 1].endswith("\r"):
            first -= 1
            chunk = lines[first] + chunk
        replacement = _split(chunk)
        if last < len(lines) - 1:
            # chunk ends with the terminator of `last`, so the split ends with an empty piece;
            # the next line cannot merge with it (a "\r" followed by "\n" would already be one).
            replacement.pop()
        lines[first : last + 1] = replacement


class DocumentStore:
    """The open documents by URI; new documents use the encoding negotiated at initialize."""

    def __init__(self, encoding: Encoding = "utf-16") -> None:
        self.encoding: Encoding = encoding
        self._documents: dict[str, Document] = {}

    def __len__(self) -> int:
        return len(self._documents)

    def __contains__(self, uri: object) -> bool:
        return uri in self._documents

    def __iter__(self) -> Iterator[Document]:
        """The open documents, in the order they were opened."""
        return iter(list(self._documents.values()))

    def open(self, uri: str, text: str, *, version: int, language_id: str) -> Document:
        document = Document(
            uri, text, version=version, language_id=language_id, encoding=self.encoding
        )
        self._documents[uri] = document
        return document

    def get(self, uri: str) -> Document | None:
        return self._documents.get(uri)

    def change(
        self, uri: str, version: int, changes: Iterable[tuple[Range | None, str]]
    ) -> Document | None:
        """Apply `changes` in order and set `version`; None if `uri` is not open."""
        document = self._documents.get(uri)
        if document is None:
            return None
        for range_, text in changes:
            document.apply_change(text, range_)
        document.version = version
        return document

    def close(self, uri: str) -> None:
        self._documents.pop(uri, None)
