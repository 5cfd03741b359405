"""Each fitting rule with its own table: (suggestion, surroundings) -> what is shown, negatives included."""

import pytest

from fim_lsp.core.fitting import (
    Around,
    close_single_line_brackets,
    cut_at_stray_closer,
    cut_line_suffix_overlap,
    cut_suffix_overlap_lines,
    drop_copy_of_neighbour,
    drop_looping_lines,
    drop_suffix_repeat,
    fit,
    fix_leading_whitespace,
    indent_unit,
    match_indentation,
    strip_control_tokens,
    strip_markdown_fence,
)


def around(
    line_prefix: str = "",
    line_suffix: str = "",
    above: str = "",
    below: tuple[str, ...] = (),
    unit: str = "    ",
    language: str = "python",
) -> Around:
    return Around(line_prefix, line_suffix, above, below, unit, language)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("return x<|endoftext|>garbage", "return x"),
        ("a = 1<|fim_suffix|>b", "a = 1"),
        ("x[SUFFIX]y", "x"),
        ("f()<EOT>", "f()"),
        ("g()<\uff5cfim\u2581end\uff5c>", "g()"),  # DeepSeek's tokens
        ("plain <b>html</b> stays", "plain <b>html</b> stays"),
        ("list[PREFIXES]", "list[PREFIXES]"),
    ],
)
def test_strip_control_tokens(text: str, expected: str) -> None:
    assert strip_control_tokens(text, around()) == expected


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("```python\nx = 1\n```", "python", "x = 1"),
        ("```\nx = 1\ny = 2\n```\n", "python", "x = 1\ny = 2"),
        ("```js\nf();", "javascript", "f();"),
        ("x = 1", "python", "x = 1"),
        ("```python\nx = 1\n```", "markdown", "```python\nx = 1\n```"),
        ("s = '```'", "python", "s = '```'"),
        ("42\n```", "python", "42"),  # the opening fence was dropped while streaming
    ],
)
def test_strip_markdown_fence(text: str, language: str, expected: str) -> None:
    assert strip_markdown_fence(text, around(language=language)) == expected


@pytest.mark.parametrize(
    ("line_prefix", "text", "expected"),
    [
        ("x = ", " 1", "1"),  # the doubled space
        ("x =", " 1", " 1"),  # needed space kept
        ("    ", "    return x", "return x"),  # already in the indentation
        ("    ", "return x\n    y", "return x\n    y"),
        ("def f():", "\n    return 1", "\n    return 1"),
        ("", "  x", "  x"),
    ],
)
def test_fix_leading_whitespace(line_prefix: str, text: str, expected: str) -> None:
    assert fix_leading_whitespace(text, around(line_prefix)) == expected


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("x\n    y\n        z", "\t", "x\n\ty\n\t\tz"),
        ("x\n\ty", "  ", "x\n  y"),
        ("x\n\ty", "    ", "x\n    y"),
        ("x\n    y", "    ", "x\n    y"),
        ("x\n\ty", "\t", "x\n\ty"),
        ("x\n  y", "\t", "x\n  y"),  # less than a tab stays as it is
    ],
)
def test_match_indentation(text: str, unit: str, expected: str) -> None:
    assert match_indentation(text, around(unit=unit)) == expected


@pytest.mark.parametrize(
    ("line_prefix", "text", "unit", "expected"),
    [
        # a block body in steps of 2 in a file of 4, relative to the opener's indentation
        ("    if x:", "\n      a()\n        b()", "    ", "\n        a()\n            b()"),
        ("if (x) {", "\n    a();\n}", "  ", "\n  a();\n}"),
        # the file's own step: untouched
        ("if x:", "\n    a()", "    ", "\n    a()"),
        # not after a block opener (e.g. aligned continuation lines): untouched
        ("x = f(a,", "\n      b)", "    ", "\n      b)"),
        # a file that mixes tabs and spaces: untouched
        ("if x then", "\n\t  y()", "", "\n\t  y()"),
    ],
)
def test_match_indentation_steps(line_prefix: str, text: str, unit: str, expected: str) -> None:
    assert match_indentation(text, around(line_prefix, unit=unit)) == expected


@pytest.mark.parametrize(
    ("text", "below", "expected"),
    [
        # the model rewrote the existing next line: cut there
        ("x = 1\n    y = compute(x)\n    return y", ("    return y",), "x = 1\n    y = compute(x)"),
        # a line of code rewritten with other whitespace anywhere is still the same line
        ("a\nprint( 'total:',  t )", ("print('total:', t)",), "a"),
        ("a\nprint('total:',  t)", ("print('total:', t)",), "a"),
        ("a\n      y = compute(x,z)", ("    y = compute(x, z)",), "a"),
        # ... but a short line or a closer at another indentation may be new code
        ("a\n  return\nb", ("return",), "a\n  return\nb"),
        # a duplicate closing brace at the same indentation
        ("\n  return 1;\n}", ("}",), "\n  return 1;"),
        # an inner closer at another indentation is not the duplicate
        ("\n  if (x) {\n    y();\n  }\n  z();", ("}",), "\n  if (x) {\n    y();\n  }\n  z();"),
        # blank lines below are skipped; the cursor's own line is never compared
        ("return y\nz", ("", "return y"), "return y\nz"),
        ("a\nb", (), "a\nb"),
    ],
)
def test_cut_suffix_overlap_lines(text: str, below: tuple[str, ...], expected: str) -> None:
    assert cut_suffix_overlap_lines(text, around(below=below)) == expected


@pytest.mark.parametrize(
    ("line_prefix", "text", "line_suffix", "expected"),
    [
        ("print(", "a, b)", ")", "a, b"),
        ('print("', 'hello")', '")', "hello"),
        ("f(g([", "x]);", "]);", "x"),
        ("print(", "foo()", ")", "foo()"),  # the ")" closes its own "("
        ("print(", "f(a))", ")", "f(a)"),
        ("raise ValueError(", '"{!r}".format(mode))', "))", '"{!r}".format(mode'),
        ("desc = ", "'Toggle display',", "',", "'Toggle display"),
        ("print(", "a, b", ")", "a, b"),
        ("y = (", "name)", ") + 1", "name"),
        ("y = ", "x + 1", " + 1", "x"),  # the whole rest of the line, repeated
        ("n = len(", "items) + 1", ") + 1", "items"),
        ("n = len(", "items) + 2", ") + 1", "items) + 2"),  # different: left alone
        ("print(", "a)\nb", ")", "a)\nb"),  # multi-line: not this rule
        ("x = '", "s'", "'", "s"),  # the editor closed the quote already
        ("x = ", "'s'", "", "'s'"),
        ("f(", "a)\n\n", ")", "a"),  # trailing blank lines do not hide the repeat
    ],
)
def test_cut_line_suffix_overlap(
    line_prefix: str, text: str, line_suffix: str, expected: str
) -> None:
    surroundings = around(line_prefix, line_suffix=line_suffix)
    assert cut_line_suffix_overlap(text, surroundings) == expected


@pytest.mark.parametrize(
    ("text", "line_suffix", "below", "expected"),
    [
        ("return x", "", ("    return x",), None),
        (")", ")", (), None),
        ("x = 1", "", ("y = 2",), "x = 1"),
        ("return", "", ("    return x",), "return"),  # only part of a line: not a repeat
        ("handle", "", ("handle:start(path)",), "handle"),
        ("a()\nb()", "", ("a()", "", "b()"), None),  # blank lines between do not matter
        ("return x + 1", "", ("    return x",), "return x + 1"),
    ],
)
def test_drop_suffix_repeat(
    text: str, line_suffix: str, below: tuple[str, ...], expected: str | None
) -> None:
    assert drop_suffix_repeat(text, around(line_suffix=line_suffix, below=below)) == expected


@pytest.mark.parametrize(
    ("line_prefix", "text", "line_suffix", "expected"),
    [
        ("x = ", "foo(a, b", "", "foo(a, b)"),
        ("x = ", "f(g(x", "", "f(g(x))"),
        ("x = ", "f(g(x", ")", "f(g(x)"),  # the text right of the cursor closes the inner one
        ("x = ", "f(g(x", "))", "f(g(x"),
        ("", "d = {'a': [1", "", "d = {'a': [1]}"),
        ("", "s = '(' + x", "", "s = '(' + x"),  # brackets inside strings do not count
        ("", "foo(", "\n", "foo()"),
        ("", "if x:\n    (", "", "if x:\n    ("),  # blocks are not this rule's business
        ("raise ", 'RuntimeError("no stop', '")', 'RuntimeError("no stop'),  # inside a string
        ("raise E(", '"%r" % (mode', ",))", '"%r" % (mode'),  # the line closes it already
    ],
)
def test_close_single_line_brackets(
    line_prefix: str, text: str, line_suffix: str, expected: str
) -> None:
    surroundings = around(line_prefix, line_suffix=line_suffix)
    assert close_single_line_brackets(text, surroundings) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\nx = 1\nx = 1\nx = 1\nx = 1", "a\nx = 1"),
        ("f()\ng()\nf()\ng()\nf()\ng()", "f()\ng()"),
        ("x = 1\nx = 1", "x = 1\nx = 1"),  # twice is not a loop
        ("a\n\n\n\nb", "a\n\n\n\nb"),  # blank lines are not a loop
        ("a\nb\nc", "a\nb\nc"),
    ],
)
def test_drop_looping_lines(text: str, expected: str) -> None:
    assert drop_looping_lines(text, around()) == expected


@pytest.mark.parametrize(
    ("line_prefix", "text", "above", "below", "expected"),
    [
        ("    ", "total += x", "    total += x", (), None),
        ("    total ", "+= x", "", ("    total += x",), None),
        ("    ", "total += y", "    total += x", (), "total += y"),
        ("", "}", "}", (), "}"),  # too short to judge
        ("    try:", "\n        x()", "    try:", (), "\n        x()"),  # the line stays as it was
        # the line just written, written again: after it, or on the next line
        ("    return a + b", "return a + b", "", (), None),
        ("    return a + b", "\n    return a + b", "", (), None),
        ("    return a + b", "\n    return  a + b\n", "", (), None),
        ("    return a", " + b", "", (), " + b"),  # a line's end is not its copy
        ("    x()", "\n    y()", "", (), "\n    y()"),
        ("    f(", "f(", "", (), "f("),  # too short to judge
        ("    print(x)", "\nprint(x)", "", ("    pass",), "\nprint(x)"),  # a new block's line
        ("    ab", "ab", "", (), "ab"),
    ],
)
def test_drop_copy_of_neighbour(
    line_prefix: str, text: str, above: str, below: tuple[str, ...], expected: str | None
) -> None:
    assert drop_copy_of_neighbour(text, around(line_prefix, above=above, below=below)) == expected


@pytest.mark.parametrize(
    ("lines", "unit"),
    [
        (["def f():", "    x", "        y"], "    "),
        (["f() {", "  x", "    y", "  z"], "  "),
        (["f() {", "\tx", "\t\ty"], "\t"),
        (["x", "y"], ""),  # nothing to go by
        (["if x then", "\t  a", "  b", "\tc", "  d"], ""),  # mixed
    ],
)
def test_indent_unit(lines: list[str], unit: str) -> None:
    assert indent_unit(lines) == unit


def test_fit_applies_the_rules_in_order() -> None:
    raw = "```python\n    total = a + b\n    return total\ndef other():\n```"
    surroundings = around("    ", "", "def add(a, b):", ("def other():",))
    assert fit(raw, surroundings) == "total = a + b\n    return total"


def test_fit_drops_what_becomes_empty() -> None:
    assert fit("<|endoftext|>", around()) is None
    assert fit("   \n  ", around()) is None


@pytest.mark.parametrize(
    ("text", "line_prefix", "below", "language", "expected"),
    [
        # a block opener whose body is already below keeps its bracket open
        ("if (opts.diffText) {", "  ", ("    render(opts)",), "javascript", "if (opts.diffText) {"),
        # ... also asked from column 0 of an empty line: the suggestion brings the indentation
        ("  if (x) {", "", ("    y()",), "javascript", "  if (x) {"),
        # no body below (the next line is not deeper): the bracket is closed
        ("if (x) {", "  ", ("  y()",), "javascript", "if (x) {}"),
        # brackets in a comment's text are prose, not code
        (
            "hosted shortcut (lockfile URL",
            "  // derived ",
            (),
            "javascript",
            "hosted shortcut (lockfile URL",
        ),
        ("see f(x", "# note: ", (), "python", "see f(x"),
        ("f(x", " * see ", (), "c", "f(x"),
        # a marker inside a string is not a comment
        ("f(x", 'print("# ", ', (), "python", "f(x)"),
    ],
)
def test_close_single_line_brackets_in_context(
    text: str, line_prefix: str, below: tuple[str, ...], language: str, expected: str
) -> None:
    got = close_single_line_brackets(text, around(line_prefix, below=below, language=language))
    assert got == expected


@pytest.mark.parametrize(
    ("text", "line_prefix", "line_suffix", "expected"),
    [
        # the line already has the ")": what the model wrote after its own ")" does not follow it
        ("this.#name).then(done);", "    resolve(", ")", "this.#name"),
        ("response).json()", "x = f(", ");", "response"),
        # closers the suggestion opened itself are kept
        ("g(a), b", "f(", ")", "g(a), b"),
        ("[1, 2]", "f(", ")", "[1, 2]"),
        # a closer inside a string is text
        ("'a)b'", "f(", ")", "'a)b'"),
        # the first stray closer is another kind: not ours to judge
        ("a] + b)", "f(", ")", "a] + b)"),
        # the line does not continue with a closer
        ("a).b", "f(", "", "a).b"),
        # only a closer: kept (an empty suggestion would say nothing)
        (")", "f(", ")", ")"),
    ],
)
def test_cut_at_stray_closer(text: str, line_prefix: str, line_suffix: str, expected: str) -> None:
    got = cut_at_stray_closer(text, around(line_prefix, line_suffix, language="javascript"))
    assert got == expected


@pytest.mark.parametrize(
    ("text", "below", "expected"),
    [
        # short lines rewritten with other indentation count when two agree in a row
        ("  found=1\n    fi\n  }", ("  fi", "}"), "  found=1"),
        ("x\n      'ls',\n      'prune',", ("    'ls',", "    'prune',", "  ]"), "x"),
        # one short line alone may be new code
        ("x\n    fi", ("  fi", "done"), "x\n    fi"),
        # two lines that match only the first line below are not a rewrite
        ("x\n  end\n  end", ("end", "return y"), "x\n  end\n  end"),
    ],
)
def test_cut_suffix_overlap_lines_short_runs(
    text: str, below: tuple[str, ...], expected: str
) -> None:
    assert cut_suffix_overlap_lines(text, around(below=below)) == expected
