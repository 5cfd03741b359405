"""Incremental post-processing: line mode from the cursor context, and where a suggestion ends."""

import pytest

from fim_lsp.core.postprocess import MULTI_LINE, SINGLE_LINE, Suggestion, finish, line_mode


@pytest.mark.parametrize(
    ("line_suffix", "mode"),
    [
        ("", MULTI_LINE),
        ("   ", MULTI_LINE),
        (")", MULTI_LINE),
        ("]);", MULTI_LINE),
        ("'", MULTI_LINE),
        ("x)", SINGLE_LINE),
        (" + 1", SINGLE_LINE),
        ("foo", SINGLE_LINE),
    ],
)
def test_line_mode(line_suffix: str, mode: str) -> None:
    assert line_mode(line_suffix) == mode


def _run(line_prefix: str, line_suffix: str, raw: str, max_lines: int = 12) -> tuple[str, bool]:
    """Feed `raw` one character at a time; return the kept text and whether it stopped early."""
    suggestion = Suggestion(line_prefix, line_suffix, max_lines=max_lines)
    for index, char in enumerate(raw):
        if suggestion.feed(char):
            return suggestion.end(), index < len(raw) - 1
    return suggestion.end(), False


@pytest.mark.parametrize(
    ("line_prefix", "line_suffix", "raw", "kept", "early"),
    [
        # mid-line: one line only
        ("print(", "x)", "a, \nmore\n", "a, ", True),
        ("x = ", " + 1", "42", "42", False),
        # end of a statement line inside a block: same-indent lines continue, a dedent ends
        ("    x = ", "", "1\n    y = 2\nz = 3\nw = 4\n", "1\n    y = 2", True),
        # block opener (Python): deeper lines belong, the first line back at its level ends it
        (
            "def f():",
            "",
            "\n    a = 1\n\n    return a\ndef g():\n    pass\n",
            "\n    a = 1\n\n    return a",
            True,
        ),
        # block opener with braces: the closing brace at the opener's level is kept, then stop
        (
            "function f() {",
            "",
            "\n  return 1;\n}\n\nfunction g() {}\n",
            "\n  return 1;\n}",
            True,
        ),
        # empty line in a block: a dedent ends it
        ("    ", "", "a()\n    b()\n  c()\n  d()\n", "a()\n    b()", True),
        # two blank lines after content end a top-level block
        ("", "", "a = 1\nb = 2\n\n\nclass X:\n", "a = 1\nb = 2\n", True),
        # max lines
        ("    ", "", "a\n    b\n    c\n    d\n", "a\n    b", True),
        # the stream ends without a line break: the last line is still judged
        ("def f():", "", "\n    return 1", "\n    return 1", False),
        ("def f():", "", "\n    a = 1\nprint()", "\n    a = 1", False),
        # CRLF from the model is read as line breaks
        ("    x = ", "", "1\r\n    y = 2\r\nz", "1\n    y = 2", False),
        # tabs count as indentation
        ("\tif x:", "", "\n\t\ty()\n\tz()\n\tw()\n", "\n\t\ty()", True),
        # a markdown fence around the code is dropped, and its closing line ends it
        ("    ", "", "```python\nx = 1\n    y = 2\n```\nmore\n", "x = 1\n    y = 2", True),
        # a statement at the top level ends at its first blank line
        ("const x = ", "", "require('x')\n\nfunction f() {}\n", "require('x')", True),
    ],
)
def test_where_a_suggestion_ends(
    line_prefix: str, line_suffix: str, raw: str, kept: str, early: bool
) -> None:
    max_lines = 2 if raw.startswith("a\n    b\n    c") else 12
    assert _run(line_prefix, line_suffix, raw, max_lines) == (kept, early)


@pytest.mark.parametrize(
    ("line_prefix", "raw", "kept"),
    [
        ("    ", "total = a + b\n    return total\n", "total = a + b"),
        # at the end of a line the suggestion starts below it: the blank cursor line does not count
        ("def f():", "\n    x = 1\n    return x\n", "\n    x = 1"),
        ("def f():", "\n\n    x = 1\n    return x\n", "\n\n    x = 1"),
    ],
)
def test_one_line_at_most(line_prefix: str, raw: str, kept: str) -> None:
    assert _run(line_prefix, "", raw, max_lines=1) == (kept, True)


def test_text_so_far_grows_with_the_stream() -> None:
    suggestion = Suggestion("x = ", "", max_lines=12)
    suggestion.feed("comp")
    assert suggestion.text == "comp"
    suggestion.feed("ute()\ny")
    assert suggestion.text == "compute()\ny"


@pytest.mark.parametrize(
    ("raw", "eol", "text"),
    [
        ("return a  \n\n", "\n", "return a"),
        ("  \n\t ", "\n", None),
        ("", "\n", None),
        ("a\nb", "\r\n", "a\r\nb"),
        ("a\r\nb", "\r\n", "a\r\nb"),
        ("a\r\nb", "\n", "a\nb"),
        ("  x", "\n", "  x"),
    ],
)
def test_finish(raw: str, eol: str, text: str | None) -> None:
    assert finish(raw, eol=eol) == text


def _streamed(raw: str, line_prefix: str, **options: object) -> str:
    suggestion = Suggestion(line_prefix, "", max_lines=12, **options)  # type: ignore[arg-type]
    for start in range(0, len(raw), 3):
        if suggestion.feed(raw[start : start + 3]):
            break
    return suggestion.end()


@pytest.mark.parametrize(
    ("raw", "line_prefix", "options", "kept"),
    [
        # on an empty line the first line's indentation is the level: a shallower line ends it
        ("    x = 1\n\n  def extra():\n    pass", "", {}, "    x = 1"),
        ("    x = 1\n  y = 2", "", {}, "    x = 1"),
        # a new paragraph at the level the suggestion started at ends it ...
        ("x = 1\n\ndef extra(v):\n    return v", "", {}, "x = 1"),
        ("  a()\n\n  b()", "  ", {}, "  a()"),
        # ... a deeper line after a blank line is the same paragraph
        ("def f():\n    a = 1\n\n    return a", "", {}, "def f():\n    a = 1\n\n    return a"),
        # with code right below the cursor's blank line, any blank line ends the suggestion
        ("a = 1\nb = 2\n\n    c()", "", {"code_follows": True}, "a = 1\nb = 2"),
        # the closer of what is below, written at another indentation, is not ours to insert
        ("\n    a()\n    }\n  }", "  if (x) {", {"stop_at": "  }"}, "\n    a()"),
        # ... but a closer of a bracket the suggestion opened is kept
        (
            "\n    if (y) {\n      a()\n    }\n  }",
            "  if (x) {",
            {"stop_at": "  }"},
            "\n    if (y) {\n      a()\n    }",
        ),
    ],
)
def test_where_a_suggestion_ends_in_context(
    raw: str, line_prefix: str, options: dict[str, object], kept: str
) -> None:
    assert _streamed(raw, line_prefix, **options) == kept
