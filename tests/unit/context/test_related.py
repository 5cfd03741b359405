"""Related code: chosen by vocabulary, within the budget, from recent edits and other open files;
one block per run of a file's lines."""

import pytest

from fim_lsp.context.related import (
    RING_SIZE,
    Chunk,
    RecentEdits,
    choose,
    chunk_at,
    chunks_of,
    related,
    render,
    similarity,
    words,
)
from fim_lsp.core.documents import Document


def test_words_and_similarity() -> None:
    assert words("def total_price(items): return sum(i.price for i in items)") == {
        "def",
        "total_price",
        "items",
        "return",
        "sum",
        "price",
        "for",
    }
    assert similarity(words("a_b c_d"), words("a_b c_d")) == 1.0
    assert similarity(words("alpha beta"), words("gamma delta")) == 0.0
    assert similarity(frozenset(), words("x_y")) == 0.0


def test_choose_takes_the_most_similar_that_fit() -> None:
    query = "invoice = compute_invoice(customer, items, tax_rate)"
    near = Chunk("billing.py", 0, "def compute_invoice(customer, items, tax_rate):\n    ...\n")
    far = Chunk("ui.py", 0, "def render_button(label, color):\n    ...\n")
    half = Chunk("tax.py", 0, "tax_rate = lookup_rate(customer)\n")
    candidates = _candidates([far, half, near])
    assert _sent(choose(query, candidates, budget_chars=1000)) == _sent([near, half])
    assert _sent(choose(query, candidates, budget_chars=80)) == _sent([half])  # near: too long
    no_duplicates = choose(query, _candidates([near, near]), budget_chars=1000)
    assert _sent(no_duplicates) == _sent([near])


def _candidates(chunks: list[Chunk]) -> list[tuple[Chunk, frozenset[str]]]:
    return [(chunk, words(chunk.text)) for chunk in chunks]


def _sent(chunks: list[Chunk]) -> list[tuple[str, int, str]]:
    """What goes to the model of each chunk: its header's path, where it starts, its lines."""
    return [(chunk.path, chunk.first_line, chunk.text) for chunk in chunks]


def _lines(first: int, last: int) -> str:
    """Lines first..last of a file whose every line shares words with QUERY."""
    return "".join(f"line_{n} = shared_total + shared_count\n" for n in range(first, last + 1))


QUERY = "result = shared_total + shared_count"
A = "file:///p/a.py"


@pytest.mark.parametrize(
    ("chunks", "blocks"),
    [
        pytest.param(
            [Chunk("a.py", 0, _lines(0, 1), uri=A), Chunk("a.py", 2, _lines(2, 3), uri=A)],
            [("a.py", 0, _lines(0, 3))],
            id="adjacent",
        ),
        pytest.param(
            [Chunk("a.py", 0, _lines(0, 3), uri=A), Chunk("a.py", 2, _lines(2, 5), uri=A)],
            [("a.py", 0, _lines(0, 5))],
            id="overlapping",
        ),
        pytest.param(
            [Chunk("a.py", 4, _lines(4, 7), uri=A), Chunk("a.py", 0, _lines(0, 5), uri=A)],
            [("a.py", 0, _lines(0, 7))],
            id="overlapping, later one first",
        ),
        pytest.param(
            [Chunk("a.py", 0, _lines(0, 5), uri=A), Chunk("a.py", 2, _lines(2, 3), uri=A)],
            [("a.py", 0, _lines(0, 5))],
            id="inside another",
        ),
        pytest.param(
            [
                Chunk("a.py", 0, _lines(0, 1), uri=A),
                Chunk("a.py", 4, _lines(4, 5), uri=A),
                Chunk("a.py", 1, _lines(1, 4), uri=A),
            ],
            [("a.py", 0, _lines(0, 5))],
            id="a bridge joins two blocks",
        ),
        pytest.param(
            [Chunk("a.py", 0, _lines(0, 0), lines=3, uri=A), Chunk("a.py", 3, _lines(3, 3), uri=A)],
            [("a.py", 0, _lines(0, 0) + "\n\n" + _lines(3, 3))],
            id="touching across blank lines at a chunk's end",
        ),
        pytest.param(
            [Chunk("a.py", 0, _lines(0, 1), uri=A), Chunk("a.py", 3, _lines(3, 4), uri=A)],
            [("a.py", 0, _lines(0, 1)), ("a.py", 3, _lines(3, 4))],
            id="a line apart: two blocks",
        ),
        pytest.param(
            [
                Chunk("util.py", 0, _lines(0, 1), uri="file:///p/a/util.py"),
                Chunk("util.py", 2, _lines(2, 3), uri="file:///p/b/util.py"),
            ],
            [("util.py", 0, _lines(0, 1)), ("util.py", 2, _lines(2, 3))],
            id="same name, other file",
        ),
    ],
)
def test_chunks_of_one_file_that_touch_or_overlap_go_as_one_block(
    chunks: list[Chunk], blocks: list[tuple[str, int, str]]
) -> None:
    assert _sent(choose(QUERY, _candidates(chunks), budget_chars=10_000)) == blocks


def _cost(blocks: list[Chunk]) -> int:
    """What `blocks` cost in the budget: their lines, and a header each."""
    return sum(len(block.text) + len(block.path) + 16 for block in blocks)


@pytest.mark.parametrize("budget", [60, 120, 200, 300, 450, 700, 1000, 2000])
def test_merged_blocks_stay_within_the_budget_and_send_each_line_once(budget: int) -> None:
    document = Document(A, _lines(0, 39))
    chunks = [chunk_at(document, line, "a.py") for line in (8, 12, 20, 24, 30, 39)]
    blocks = choose(QUERY, _candidates(chunks), budget_chars=budget)
    assert _cost(blocks) <= budget
    sent = [line for block in blocks for line in block.text.splitlines()]
    assert len(sent) == len(set(sent)), "a line was sent twice"
    for block in blocks:  # the file's lines, in its order
        shown = block.text.splitlines()
        assert shown == [document.line(block.first_line + n) for n in range(len(shown))]


def test_what_a_merge_saves_goes_to_more_code() -> None:
    first = Chunk("a.py", 0, _lines(0, 7), uri=A)
    overlapping = Chunk("a.py", 4, _lines(4, 11), uri=A)  # half of it is new
    budget = _cost([first]) + len(_lines(8, 11))  # room for its new lines, not all of it
    blocks = choose(QUERY, _candidates([first, overlapping]), budget)
    assert _sent(blocks) == [("a.py", 0, _lines(0, 11))]


def test_a_definition_cut_by_chunk_borders_arrives_whole() -> None:
    header = "def compute_invoice(\n    customer,\n    items,\n    tax_rate,\n):\n"
    before = "".join(f"# billing note {n}\n" for n in range(13))
    after = "    total = sum(item.price for item in items)\n    return total * tax_rate\n"
    text = before + "\n" + header + after + "".join(f"# end {n}\n" for n in range(12))
    billing = Document("file:///p/billing.py", text)
    assert billing.line(14) == "def compute_invoice(" and billing.line(16) == "    items,"
    current = Document("file:///p/app.py", "invoice = compute_invoice(customer, items, \n")
    ring = RecentEdits()
    ring.note(billing.uri, 17)  # an edit inside the header: a chunk of lines 8 to 23
    chunks = related(
        current,
        [billing, current],
        ring,
        "invoice = compute_invoice(customer, items, tax_rate) total price billing note end",
        2000,
        lambda uri: uri.rsplit("/", 1)[-1],
        lambda uri: True,
    )
    assert [chunk.path for chunk in chunks] == ["billing.py"], _sent(chunks)
    assert header + after in chunks[0].text


def test_render_as_comments() -> None:
    chunk = Chunk("lib/util.py", 0, "def f():\n    return 1\n")
    assert render([chunk], "#") == "# from lib/util.py:\n# def f():\n#     return 1\n"
    assert render([], "#") == ""


def test_recent_edits_ring_is_bounded_and_newest_first() -> None:
    ring = RecentEdits()
    for line in range(0, 16 * (RING_SIZE + 4), 16):
        ring.note("file:///a.py", line)
    places = ring.places()
    assert len(places) == RING_SIZE
    assert places[0] == ("file:///a.py", 16 * (RING_SIZE + 3))
    ring.note("file:///a.py", 17)  # same block as line 16: moved to the front, not added
    assert ring.places()[0] == ("file:///a.py", 16)
    ring.forget("file:///a.py")
    assert ring.places() == []


def test_chunk_at_stays_inside_the_document() -> None:
    document = Document("file:///a.py", "".join(f"line {n}\n" for n in range(40)))
    assert chunk_at(document, 0, "a.py").first_line == 0
    assert chunk_at(document, 39, "a.py").first_line == 41 - 16
    assert chunk_at(document, 20, "a.py").text.startswith("line 12\n")


def test_related_skips_the_current_and_excluded_files() -> None:
    current = Document("file:///p/app.py", "total = compute_invoice(customer, items)\n")
    billing = Document("file:///p/billing.py", "def compute_invoice(customer, items):\n    pass\n")
    secret = Document("file:///p/.env", "compute_invoice customer items\n")
    ring = RecentEdits()
    ring.note(secret.uri, 0)
    chunks = related(
        current,
        [current, billing, secret],
        ring,
        "total = compute_invoice(customer, items)",
        1000,
        lambda uri: uri.rsplit("/", 1)[-1],
        lambda uri: not uri.endswith(".env"),
    )
    assert [chunk.path for chunk in chunks] == ["billing.py"]


def test_a_chunk_keeps_only_the_start_of_very_long_lines() -> None:
    document = Document("file:///min.js", "var a=1;" * 200_000 + "\nshort\n")
    chunk = chunk_at(document, 0, "min.js")
    assert chunk.text == "var a=1;" * 50 + "\nshort\n"


def test_an_open_files_chunks_follow_its_edits() -> None:
    other = Document("file:///p/b.py", _lines(0, 3))
    assert [chunk.text for chunk, _ in chunks_of(other, "b.py")] == [_lines(0, 3)]
    other.apply_change("edited_total = 1\n")
    [(chunk, vocabulary)] = chunks_of(other, "b.py")
    assert (chunk.text, vocabulary) == ("edited_total = 1\n", {"edited_total"}), (
        "the chunks of the text before the edit were used"
    )
