"""Tables and properties for the LSP document store: line breaking, positions, incremental edits."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fim_lsp.core.documents import (
    ENCODINGS,
    Document,
    DocumentStore,
    Encoding,
    Position,
    Range,
    scrub,
)


def _range(l1: int, c1: int, l2: int, c2: int) -> Range:
    return Range(Position(l1, c1), Position(l2, c2))


def _lines(doc: Document) -> list[tuple[str, str]]:
    return [(doc.line(i), doc.line_ending(i)) for i in range(doc.line_count)]


# --- line breaking -----------------------------------------------------------------------------

ODD_SEPARATORS = "\f\x0b\x1c\x1d\x1e\x85\u2028\u2029"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [("", "")]),
        ("a", [("a", "")]),
        ("a\n", [("a", "\n"), ("", "")]),
        ("\n", [("", "\n"), ("", "")]),
        ("a\nb", [("a", "\n"), ("b", "")]),
        ("a\r\nb", [("a", "\r\n"), ("b", "")]),
        ("a\rb", [("a", "\r"), ("b", "")]),
        ("a\r", [("a", "\r"), ("", "")]),
        ("a\n\rb", [("a", "\n"), ("", "\r"), ("b", "")]),
        ("a\r\r\nb", [("a", "\r"), ("", "\r\n"), ("b", "")]),
        ("a\r\n\r\n", [("a", "\r\n"), ("", "\r\n"), ("", "")]),
        (f"a{ODD_SEPARATORS}b", [(f"a{ODD_SEPARATORS}b", "")]),
        ("x\f\ny\u2028", [("x\f", "\n"), ("y\u2028", "")]),
        ("😀\r\n中", [("😀", "\r\n"), ("中", "")]),
    ],
)
def test_lines_break_only_at_lf_crlf_cr(text: str, expected: list[tuple[str, str]]) -> None:
    doc = Document("file:///t", text)
    assert _lines(doc) == expected
    assert doc.line_count == len(expected)
    assert doc.text() == text


@pytest.mark.parametrize("index", [-1, 2, 10])
def test_line_out_of_range_raises(index: int) -> None:
    with pytest.raises(IndexError):
        Document("file:///t", "a\nb").line(index)


@pytest.mark.parametrize(
    ("text", "eol"),
    [
        ("", "\n"),
        ("no break", "\n"),
        ("a\r\nb\n", "\r\n"),
        ("a\rb\r\n", "\r"),
        ("a\nb\r\n", "\n"),
        ("\f\u2028\x85", "\n"),
    ],
)
def test_eol_is_the_first_line_break(text: str, eol: str) -> None:
    assert Document("file:///t", text).eol() == eol


# --- positions ---------------------------------------------------------------------------------

# "a中😀b": a = 1 unit everywhere; 中 = 3 utf-8 bytes, 1 utf-16 unit; 😀 = 4 bytes, 2 units.
MIXED = "a中😀b\nxy"


@pytest.mark.parametrize(
    ("encoding", "text", "position", "expected"),
    [
        # utf-8: boundaries at 0 1 4 8 9
        ("utf-8", MIXED, (0, 0), (0, 0)),
        ("utf-8", MIXED, (0, 1), (0, 1)),
        ("utf-8", MIXED, (0, 2), (0, 1)),  # inside 中
        ("utf-8", MIXED, (0, 3), (0, 1)),
        ("utf-8", MIXED, (0, 4), (0, 2)),
        ("utf-8", MIXED, (0, 7), (0, 2)),  # inside 😀
        ("utf-8", MIXED, (0, 8), (0, 3)),
        ("utf-8", MIXED, (0, 9), (0, 4)),
        ("utf-8", MIXED, (0, 10), (0, 4)),  # past end of line
        ("utf-8", "é=1", (0, 1), (0, 0)),  # inside é
        ("utf-8", "é=1", (0, 2), (0, 1)),
        # utf-16: boundaries at 0 1 2 4 5
        ("utf-16", MIXED, (0, 1), (0, 1)),
        ("utf-16", MIXED, (0, 2), (0, 2)),
        ("utf-16", MIXED, (0, 3), (0, 2)),  # between the surrogates of 😀
        ("utf-16", MIXED, (0, 4), (0, 3)),
        ("utf-16", MIXED, (0, 5), (0, 4)),
        ("utf-16", MIXED, (0, 99), (0, 4)),
        ("utf-16", "中文é", (0, 2), (0, 2)),  # BMP only: units are code points
        ("utf-16", "😀😀", (0, 3), (0, 1)),
        # utf-32: code points
        ("utf-32", MIXED, (0, 2), (0, 2)),
        ("utf-32", MIXED, (0, 3), (0, 3)),
        ("utf-32", MIXED, (0, 5), (0, 4)),
        # lines: past the last line is the end of the document
        ("utf-16", MIXED, (1, 1), (1, 1)),
        ("utf-16", MIXED, (1, 7), (1, 2)),
        ("utf-16", MIXED, (2, 0), (1, 2)),
        ("utf-8", MIXED, (99, 99), (1, 2)),
        ("utf-16", "ab\n", (1, 0), (1, 0)),
        ("utf-16", "ab\n", (1, 5), (1, 0)),
        ("utf-16", "ab\n", (2, 0), (1, 0)),
        # a position cannot enter a line terminator
        ("utf-16", "ab\r\ncd", (0, 3), (0, 2)),
        ("utf-16", "ab\r\ncd", (0, 4), (0, 2)),
        # odd separators are ordinary characters
        ("utf-16", "\f\u2028x\ny", (0, 2), (0, 2)),
        ("utf-8", "\u2028x", (0, 3), (0, 1)),
        # negative numbers (not valid LSP) clamp to the start
        ("utf-16", "ab\ncd", (0, -3), (0, 0)),
        ("utf-16", "ab\ncd", (-1, 1), (0, 1)),
        ("utf-16", "", (0, 0), (0, 0)),
        ("utf-16", "", (3, 3), (0, 0)),
    ],
)
def test_index_of(
    encoding: Encoding, text: str, position: tuple[int, int], expected: tuple[int, int]
) -> None:
    doc = Document("file:///t", text, encoding=encoding)
    assert doc.index_of(Position(*position)) == expected


@pytest.mark.parametrize(
    ("encoding", "units"),
    [("utf-8", [0, 1, 4, 8, 9]), ("utf-16", [0, 1, 2, 4, 5]), ("utf-32", [0, 1, 2, 3, 4])],
)
def test_character_of_and_back(encoding: Encoding, units: list[int]) -> None:
    doc = Document("file:///t", MIXED, encoding=encoding)
    for column, character in enumerate(units):
        assert doc.character_of(0, column) == character
        assert doc.index_of(Position(0, character)) == (0, column)
    assert doc.character_of(0, 99) == units[-1]  # clamped to the end of the line
    assert doc.character_of(0, -1) == 0
    assert doc.character_of(7, 1) == 1  # line clamped to the last ("xy")


@pytest.mark.parametrize(
    ("encoding", "position", "inside"),
    [
        ("utf-16", (0, 0), True),
        ("utf-16", (0, 5), True),
        ("utf-16", (0, 6), False),
        ("utf-8", (0, 9), True),
        ("utf-8", (0, 10), False),
        ("utf-32", (0, 4), True),
        ("utf-32", (0, 5), False),
        ("utf-16", (1, 2), True),
        ("utf-16", (1, 3), False),
        ("utf-16", (2, 0), False),
        ("utf-16", (-1, 0), False),
        ("utf-16", (0, -1), False),
    ],
)
def test_is_in_range(encoding: Encoding, position: tuple[int, int], inside: bool) -> None:
    doc = Document("file:///t", MIXED, encoding=encoding)
    assert doc.is_in_range(Position(*position)) is inside


# --- edits -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "text", "range_", "insert", "expected", "line_count"),
    [
        ("utf-16", "hello\nworld", _range(0, 5, 0, 5), "!", "hello!\nworld", 2),
        ("utf-16", "abc", _range(0, 0, 0, 0), "x", "xabc", 1),
        ("utf-16", "abc", _range(0, 1, 0, 1), "\n", "a\nbc", 2),
        ("utf-16", "ab\n", _range(1, 0, 1, 0), "c", "ab\nc", 2),
        ("utf-16", "one\ntwo\nthree", _range(0, 1, 2, 2), "", "oree", 1),
        ("utf-16", "one\ntwo\nthree", _range(1, 0, 2, 0), "", "one\nthree", 2),
        ("utf-16", "one\ntwo", _range(0, 1, 1, 1), "X\nY\r\nZ", "oX\nY\r\nZwo", 3),
        ("utf-16", "a\nb\nc\nd", _range(1, 1, 2, 0), "", "a\nbc\nd", 3),
        # CRLF formed across the edit boundary
        ("utf-16", "a\r", _range(1, 0, 1, 0), "\n", "a\r\n", 2),
        ("utf-16", "a\rb", _range(1, 0, 1, 0), "\n", "a\r\nb", 2),
        ("utf-16", "a\rX\nb", _range(1, 0, 1, 1), "", "a\r\nb", 2),  # delete between \r and \n
        ("utf-16", "a\nb", _range(0, 1, 0, 1), "\r", "a\r\nb", 2),
        ("utf-16", "a\r\rb", _range(1, 0, 1, 0), "\n", "a\r\n\rb", 3),
        ("utf-16", "a\r\r", _range(2, 0, 2, 0), "\n", "a\r\r\n", 3),
        ("utf-16", "a\rb", _range(1, 1, 1, 1), "\n", "a\rb\n", 3),  # no merge mid-line
        # CRLF split or broken by the edit (a position cannot sit between its \r and \n)
        ("utf-16", "a\r\nb", _range(0, 1, 1, 0), "\rx\n", "a\rx\nb", 3),
        ("utf-16", "a\r\nb", _range(0, 1, 0, 1), "\r", "a\r\r\nb", 3),
        ("utf-16", "a\r\nb", _range(0, 1, 1, 0), "", "ab", 1),
        ("utf-16", "a\r\nb", _range(0, 1, 1, 0), "\r", "a\rb", 2),
        # odd separators inserted are not line breaks
        ("utf-16", "ab", _range(0, 1, 0, 1), "\f\u2028\x85", "a\f\u2028\x85b", 1),
        # full replacement
        ("utf-16", "anything\n", None, "new\r\ntext", "new\r\ntext", 2),
        ("utf-16", "a\nb", None, "", "", 1),
        # out-of-range positions clamp, never raise
        ("utf-16", "ab\ncd", _range(0, 10, 0, 10), "X", "abX\ncd", 2),
        ("utf-16", "ab\ncd", _range(5, 0, 9, 9), "X", "ab\ncdX", 2),
        ("utf-16", "ab\ncd", _range(0, 1, 99, 0), "", "a", 1),
        ("utf-16", "ab\r\ncd", _range(0, 3, 0, 4), "X", "abX\r\ncd", 2),
        ("utf-16", "ab\ncd", _range(1, 1, 0, 1), "", "ad", 1),  # reversed range
        # encodings
        ("utf-16", "😀x", _range(0, 2, 0, 3), "", "😀", 1),
        ("utf-16", "😀x", _range(0, 1, 0, 1), "y", "y😀x", 1),  # inside the pair: rounds down
        ("utf-8", "é中x", _range(0, 2, 0, 5), "-", "é-x", 1),
        ("utf-8", "é中x", _range(0, 1, 0, 4), "-", "-中x", 1),  # inside é, inside 中
        ("utf-32", "😀中x", _range(0, 1, 0, 2), "", "😀x", 1),
    ],
)
def test_apply_change(
    encoding: Encoding,
    text: str,
    range_: Range | None,
    insert: str,
    expected: str,
    line_count: int,
) -> None:
    doc = Document("file:///t", text, encoding=encoding)
    doc.apply_change(insert, range_)
    assert doc.text() == expected
    assert doc.line_count == line_count
    assert _lines(doc) == _lines(Document("file:///t", expected))


# --- lone surrogates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("plain ascii", "plain ascii"),
        ("é中😀", "é中😀"),
        ("a\ud800b", "a\ufffdb"),
        ("\udfff\ud800", "\ufffd\ufffd"),  # low then high: no pair
        ("\ud83d\ude00", "\ufffd\ufffd"),  # a pair split into two code points stays split
        ("x\udc00\n😀", "x\ufffd\n😀"),
    ],
)
def test_scrub_replaces_lone_surrogates(text: str, expected: str) -> None:
    assert scrub(text) == expected
    assert scrub(expected) is expected  # clean text is returned as it is, not copied


@pytest.mark.parametrize(
    # "a\ud800b": the editor counts the surrogate as 1 unit in utf-16/32 and 3 bytes in WTF-8
    ("encoding", "after_b"),
    [("utf-8", 5), ("utf-16", 3), ("utf-32", 3)],
)
def test_lone_surrogates_keep_positions(encoding: Encoding, after_b: int) -> None:
    doc = Document("file:///t", "a\ud800b\nc", encoding=encoding)
    assert doc.text() == "a\ufffdb\nc"
    assert doc.index_of(Position(0, after_b)) == (0, 3)
    assert doc.character_of(0, 3) == after_b
    doc.apply_change("\udbff", Range(Position(0, after_b), Position(0, after_b)))
    assert doc.text() == "a\ufffdb\ufffd\nc"
    assert doc.index_of(Position(0, 2 * after_b - 1)) == (0, 4)


@pytest.mark.parametrize(("encoding", "units"), [("utf-8", 6), ("utf-16", 3), ("utf-32", 2)])
def test_positions_on_a_multi_megabyte_line(encoding: Encoding, units: int) -> None:
    """Converted in C, not character by character: a minified file's line can be megabytes."""
    doc = Document("file:///t", "é" + "x" * 5_000_000 + "😀", encoding=encoding)
    end = 5_000_000 + units  # é and 😀 take `units` together
    assert doc.index_of(Position(0, end)) == (0, 5_000_002)
    assert doc.index_of(Position(0, end - 1)) == (0, 5_000_001)  # inside 😀 (or just before it)
    assert doc.character_of(0, 5_000_002) == end


# --- store -------------------------------------------------------------------------------------


def test_store_lifecycle() -> None:
    store = DocumentStore()
    store.encoding = "utf-8"
    doc = store.open("file:///a.py", "x = 1\n", version=1, language_id="python")
    assert (doc.uri, doc.version, doc.language_id, doc.encoding) == (
        "file:///a.py",
        1,
        "python",
        "utf-8",
    )
    assert store.get("file:///a.py") is doc
    assert len(store) == 1

    changed = store.change(
        "file:///a.py",
        3,
        [(_range(0, 4, 0, 5), "2"), (None, "y = 'é'\n"), (_range(0, 8, 0, 8), "!")],  # é is 2 bytes
    )
    assert changed is doc
    assert doc.version == 3
    assert doc.text() == "y = 'é'!\n"

    store.close("file:///a.py")
    assert store.get("file:///a.py") is None
    assert len(store) == 0


def test_store_unknown_uri() -> None:
    store = DocumentStore()
    assert store.get("file:///nope") is None
    assert store.change("file:///nope", 2, [(None, "x")]) is None
    store.close("file:///nope")  # no-op
    assert len(store) == 0


def test_store_reopen_replaces() -> None:
    store = DocumentStore("utf-32")
    store.open("file:///a", "old", version=1, language_id="")
    doc = store.open("file:///a", "new", version=5, language_id="go")
    assert store.get("file:///a") is doc
    assert (doc.text(), doc.version, doc.encoding, len(store)) == ("new", 5, "utf-32", 1)


# --- property: edits agree with an independent model -------------------------------------------

_BREAK = re.compile(r"\r\n|\r|\n")
ALPHABET = ["a", " ", "\n", "\r", "\f", "\u2028", "é", "中", "😀"]
texts = st.text(alphabet=st.sampled_from(ALPHABET), max_size=40)


def _units(text: str, encoding: Encoding) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-16":
        return len(text.encode("utf-16-le")) // 2
    return len(text)


def _reference_position(text: str, offset: int, encoding: Encoding) -> tuple[Position, int]:
    """The LSP position of a code-point offset, and the offset it really names.

    An offset between the \\r and \\n of a CRLF cannot be expressed in LSP; it becomes the end of
    that line's content, as a client would send it.
    """
    line, line_start = 0, 0
    for match in _BREAK.finditer(text):
        if offset <= match.start():
            break
        if offset < match.end():
            offset = match.start()
            break
        line, line_start = line + 1, match.end()
    return Position(line, _units(text[line_start:offset], encoding)), offset


edits = st.lists(
    st.tuples(st.integers(0, 10_000), st.integers(0, 10_000), texts), min_size=1, max_size=12
)


@settings(max_examples=300, deadline=None)
@given(text=texts, edits=edits)
def test_edits_match_a_plain_string(text: str, edits: list[tuple[int, int, str]]) -> None:
    for encoding in ENCODINGS:
        doc = Document("file:///t", text, encoding=encoding)
        model = text
        for a, b, insert in edits:
            a, b = sorted((a % (len(model) + 1), b % (len(model) + 1)))
            start, a = _reference_position(model, a, encoding)
            end, b = _reference_position(model, b, encoding)
            doc.apply_change(insert, Range(start, end))
            model = model[:a] + insert + model[b:]
            assert doc.text() == model
            assert doc.line_count == len(_BREAK.split(model))
            assert [doc.line(i) for i in range(doc.line_count)] == _BREAK.split(model)


@settings(max_examples=200, deadline=None)
@given(text=texts, data=st.data())
def test_positions_match_reference(text: str, data: st.DataObject) -> None:
    offset = data.draw(st.integers(0, len(text)))
    for encoding in ENCODINGS:
        doc = Document("file:///t", text, encoding=encoding)
        position, offset_named = _reference_position(text, offset, encoding)
        line, column = doc.index_of(position)
        assert line == position.line
        line_start = offset_named - column
        assert sum(len(doc.line(i) + doc.line_ending(i)) for i in range(line)) == line_start
        assert doc.character_of(line, column) == position.character
        assert doc.is_in_range(position)


def test_every_text_of_every_document_has_its_own_revision() -> None:
    first, second = Document("file:///a.py", "x = 1\n"), Document("file:///a.py", "x = 1\n")
    seen = {first.revision, second.revision}
    first.apply_change(
        "y", Range(start=Position(line=0, character=0), end=Position(line=0, character=1))
    )
    seen.add(first.revision)
    first.apply_change("z = 2\n")
    seen.add(first.revision)
    assert len(seen) == 4, "two texts share a revision"
