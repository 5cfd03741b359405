"""Related code: chosen by vocabulary, within the budget, from recent edits and other open files."""

from fim_lsp.context.related import (
    RING_SIZE,
    Chunk,
    RecentEdits,
    choose,
    chunk_at,
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
    assert choose(query, [far, half, near], budget_chars=1000) == [near, half]
    assert choose(query, [far, half, near], budget_chars=80) == [half]  # near is too long
    assert choose(query, [near, near], budget_chars=1000) == [near]  # no duplicates


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
