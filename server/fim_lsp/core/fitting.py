"""Rules that make a finished suggestion fit the code around the cursor, each a small pure function."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from fim_lsp.core import languages
from fim_lsp.core.documents import LINE_BREAK

OPENERS = {"(": ")", "[": "]", "{": "}"}
CLOSERS = {closer: opener for opener, closer in OPENERS.items()}
QUOTES = "\"'`"
_CONTROL_TOKENS = re.compile(
    r"<\|(?:fim_prefix|fim_suffix|fim_middle|fim_pad|endoftext|file_sep|repo_name)\|>"
    r"|\[(?:PREFIX|SUFFIX|MIDDLE)\]|<(?:PRE|SUF|MID|EOT)>|</s>"
    r"|<\uff5cfim\u2581(?:begin|hole|end)\uff5c>|<\uff5cend\u2581of\u2581sentence\uff5c>"  # DeepSeek
)
OPENER = re.compile(r"(?:[:{(\[]|=>|->|\bdo|\bthen|\belse|\bbegin|\bfunction\s*\(.*\))\s*$")
FENCE = re.compile(r"^\s*```[\w+-]*\s*$")
_FENCE_OPEN = re.compile(r"^\s*```[\w+-]*[ \t]*\n")
_FENCE_CLOSE = re.compile(r"\n?```\s*$")


@dataclass(frozen=True, slots=True)
class Around:
    """The code around the hole, as the rules need it ("\\n" line breaks)."""

    line_prefix: str  # the cursor's line before the cursor
    line_suffix: str  # the cursor's line after the cursor
    line_above: str  # the line before the cursor's line ("" at the top)
    lines_below: tuple[str, ...]  # a few lines after the cursor's line
    indent_unit: str  # the file's indentation step: "\t", some spaces, or "" when mixed
    language_id: str = ""


Rule = Callable[[str, Around], str | None]


def lines_of(text: str) -> list[str]:
    """Split on LSP line breaks only."""
    return LINE_BREAK.split(text)


# ---------------------------------------------------------------------------- cleaning


def strip_control_tokens(text: str, around: Around) -> str | None:
    """Cut at the first FIM control token a model leaked: what follows it is not code."""
    match = _CONTROL_TOKENS.search(text)
    return text if match is None else text[: match.start()]


def strip_markdown_fence(text: str, around: Around) -> str | None:
    """Drop a ```lang fence a chat-tuned model wrapped the code in (not in Markdown files)."""
    if around.language_id in ("markdown", "mdx"):
        return text
    return _FENCE_CLOSE.sub("", _FENCE_OPEN.sub("", text, count=1))


def fix_leading_whitespace(text: str, around: Around) -> str | None:
    """No doubled space after a space, no re-indentation when the cursor already sits in the indent."""
    end = text.find("\n")
    first, tail = (text, "") if end < 0 else (text[:end], text[end:])
    if around.line_prefix and not around.line_prefix.strip():
        first = first.lstrip(" \t")
    elif around.line_prefix.endswith((" ", "\t")) and first.startswith(" "):
        first = first[1:]
    return first + tail


def match_indentation(text: str, around: Around) -> str | None:
    """Re-indent the suggestion's lines in the file's style: tabs or spaces, and its step width."""
    unit = around.indent_unit
    if not unit:
        return text  # the file mixes tabs and spaces: better not touch it
    lines = text.split("\n")
    fixed = [lines[0]]
    for line in lines[1:]:
        stripped = line.lstrip(" \t")
        indent = line[: len(line) - len(stripped)]
        if unit == "\t" and " " in indent:
            width = 4 if "\t" not in indent else 8
            columns = len(indent.expandtabs(width))
            indent = "\t" * (columns // width) + " " * (columns % width)
        elif unit != "\t" and "\t" in indent:
            indent = indent.expandtabs(len(unit))
        fixed.append(indent + stripped)
    if unit != "\t" and OPENER.search(around.line_prefix):
        fixed = _rescale_steps(fixed, _indent(around.line_prefix), len(unit))
    return "\n".join(fixed)


def _rescale_steps(lines: list[str], base: int, step: int) -> list[str]:
    """A block body indented in steps of 2 in a file of 4 (or the other way) gets the file's step."""
    deeper = [_indent(line) - base for line in lines[1:] if line.strip() and _indent(line) > base]
    if not deeper:
        return lines
    theirs = min(deeper)
    if theirs == step or theirs not in (2, 3, 4, 8) or any(d % theirs for d in deeper):
        return lines
    rescaled = [lines[0]]
    for line in lines[1:]:
        width = _indent(line)
        if line.strip() and width > base:
            line = " " * (base + (width - base) // theirs * step) + line.lstrip(" ")
        rescaled.append(line)
    return rescaled


# ---------------------------------------------------------------------------- overlap


def _norm(line: str) -> str:
    return " ".join(line.split())


def same_line(line: str, other: str) -> bool:
    """Equal but for whitespace inside, at the same indentation."""
    return bool(_norm(line)) and _norm(line) == _norm(other) and _indent(line) == _indent(other)


_SHORT_OR_CLOSING = re.compile(r"[\W_]*|.{1,7}|(?:end|fi|done|esac)\W*")


def squeezed(line: str) -> str:
    """`line` without any whitespace: what is left when indentation and spacing are ignored."""
    return "".join(line.split())


def rewrites(line: str, other: str) -> bool:
    """`line` is `other` written again: the same line, or, for a line of real code, the same
    characters with other whitespace anywhere (re-indented, spaces added or dropped)."""
    if same_line(line, other):
        return True
    code = squeezed(line)
    return not _SHORT_OR_CLOSING.fullmatch(code) and code == squeezed(other)


def _indent(line: str) -> int:
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))


def first_line_below(around: Around) -> str | None:
    """The first non-blank line after the cursor's line, if any."""
    return next((line for line in around.lines_below if line.strip()), None)


def cut_suffix_overlap_lines(text: str, around: Around) -> str | None:
    """Stop where the suggestion starts rewriting the lines already below the cursor."""
    below = [line for line in around.lines_below if line.strip()]
    if not below:
        return text
    lines = text.split("\n")
    for index in range(1, len(lines)):
        if lines[index].strip() and (
            rewrites(lines[index], below[0]) or _rewrites_run(lines[index:], below)
        ):
            return "\n".join(lines[:index]).rstrip()
    return text


def _rewrites_run(lines: list[str], below: list[str]) -> bool:
    """The non-blank `lines` start with two or more of the lines `below` written again, with any
    whitespace: short lines (`done`, `end`, `'ls',`) count when their neighbours agree."""
    said = [squeezed(line) for line in lines if line.strip()]
    run = 0
    for ours, theirs in zip(said, below, strict=False):
        if ours != squeezed(theirs):
            break
        run += 1
    return run >= 2


def cut_line_suffix_overlap(text: str, around: Around) -> str | None:
    """Drop the end of a one-line suggestion that the text right of the cursor already has.

    The whole rest of the line repeated is dropped; a shorter repeat only when it is closers or
    quotes, and only when dropping it balances the line better.
    """
    suffix = around.line_suffix.strip()
    body = text.rstrip()
    if not suffix or "\n" in body:
        return text
    before = imbalance(around.line_prefix + body + around.line_suffix)
    for size in range(min(len(suffix), len(body)), 0, -1):
        tail = suffix[:size]
        if not body.endswith(tail):
            continue
        if size < len(suffix) and any(char.isalnum() or char == "_" for char in tail):
            continue
        kept = (
            body[: len(body) - size].rstrip() if size == len(suffix) else body[: len(body) - size]
        )
        if imbalance(around.line_prefix + kept + around.line_suffix) <= before and kept.strip():
            return kept
    return text


def cut_at_stray_closer(text: str, around: Around) -> str | None:
    """End the suggestion where it closes a bracket it did not open, when the text right of the
    cursor starts with that closer: the line already has it, and what followed it in the model's
    text is not what follows it in the file."""
    closer = around.line_suffix.lstrip()[:1]
    if closer not in CLOSERS:
        return text
    depth = 0
    brackets, _ = _brackets(text, quote=_brackets(around.line_prefix)[1])
    for index, char in brackets:
        if char in OPENERS:
            depth += 1
        elif depth:
            depth -= 1
        elif char == closer:
            return text[:index] if text[:index].strip() else text
        else:
            return text
    return text


def _brackets(text: str, quote: str = "") -> tuple[list[tuple[int, str]], str]:
    """The brackets of `text` outside strings with their offsets, and the quote left open;
    `quote`: the string `text` starts inside, if any."""
    found: list[tuple[int, str]] = []
    escaped = False
    for index, char in enumerate(text):
        if quote:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = ""
        elif char in QUOTES:
            quote = char
        elif char in OPENERS or char in CLOSERS:
            found.append((index, char))
    return found, quote


def _scan(text: str) -> tuple[list[str], int, str]:
    """Openers left open (innermost last), closers without an opener, and the quote left open."""
    stack: list[str] = []
    stray = 0
    brackets, quote = _brackets(text)
    for _, char in brackets:
        if char in OPENERS:
            stack.append(char)
        elif stack and stack[-1] == CLOSERS[char]:
            stack.pop()
        else:
            stray += 1
    return stack, stray, quote


def imbalance(line: str) -> int:
    """Brackets left open or closed without an opener, plus one for a string left open."""
    stack, stray, quote = _scan(line)
    return len(stack) + stray + (1 if quote else 0)


def drop_suffix_repeat(text: str, around: Around) -> str | None:
    """A suggestion that is just the rest of the line, or the next lines, repeated adds nothing."""
    said = _norm(text)
    following = [around.line_suffix, *around.lines_below]
    for count in range(1, len(following) + 1):
        if said and said == _norm("\n".join(following[:count])):
            return None
    return text


# ---------------------------------------------------------------------------- brackets


def unclosed(text: str) -> list[str]:
    """Openers of `text` left open, innermost last (quotes and their contents skipped)."""
    return _scan(text)[0]


def close_single_line_brackets(text: str, around: Around) -> str | None:
    """A one-line suggestion must not leave a bracket open that the rest of the line does not
    close, unless it ends the line opening a block whose body is already below."""
    body = text.rstrip()
    if "\n" in body or _in_string(around.line_prefix + body) or in_comment(around):
        return text
    if body[-1:] in OPENERS and not around.line_suffix.strip() and _body_below(body, around):
        return text
    missing = unclosed(body)
    if not missing:
        return text
    closers = "".join(OPENERS[opener] for opener in reversed(missing))
    line = around.line_prefix + body
    best = min(
        range(len(closers) + 1),
        key=lambda k: (imbalance(line + closers[:k] + around.line_suffix), k),
    )
    return body + closers[:best]


def _body_below(body: str, around: Around) -> bool:
    """The first line below the cursor's is indented deeper than the line `body` completes."""
    below = first_line_below(around)
    return below is not None and _indent(below) > _indent(around.line_prefix + body)


def in_comment(around: Around) -> bool:
    """The cursor is in a comment: after the language's line comment marker (outside strings), or
    on a line of a /* */ block."""
    stripped = around.line_prefix.lstrip()
    if stripped.startswith(("/*", "* ")) or stripped == "*":
        return True
    marker = languages.line_comment(around.language_id)
    if not marker:
        return False
    start = 0
    while (found := around.line_prefix.find(marker, start)) >= 0:
        if not _in_string(around.line_prefix[:found]):
            return True
        start = found + 1
    return False


def _in_string(text: str) -> bool:
    return bool(_scan(text)[2])


# ---------------------------------------------------------------------------- repetition


def drop_looping_lines(text: str, around: Around) -> str | None:
    """Keep one round of a block of lines the model repeats three times or more."""
    lines = text.split("\n")
    for period in range(1, 6):
        for start in range(len(lines) - 3 * period + 1):
            block = lines[start : start + period]
            if not any(line.strip() for line in block):
                continue
            repeats = 1
            while lines[start + repeats * period : start + (repeats + 1) * period] == block:
                repeats += 1
            if repeats >= 3:
                return "\n".join(lines[: start + period])
    return text


def drop_copy_of_neighbour(text: str, around: Around) -> str | None:
    """A suggestion that makes the line equal to the one above or below is a copy, not a completion;
    so is one, at the end of a line, that writes the line again (after it, or on a new line)."""
    lines = text.split("\n")
    first = lines[0]
    written = _norm(around.line_prefix)
    if len(written) >= 4 and not around.line_suffix.strip():
        new_line = lines[1] if len(lines) > 1 and not first.strip() else None
        if _norm(first) == written or (
            new_line is not None and same_line(new_line, around.line_prefix)
        ):
            return None
    if not first.strip():
        return text  # the cursor's line stays as it is: nothing copied
    line = _norm(around.line_prefix + first + ("" if "\n" in text else around.line_suffix))
    if len(line) < 4:
        return text
    neighbours = [around.line_above, *(around.lines_below[:1])]
    if any(_norm(neighbour) == line for neighbour in neighbours):
        return None
    return text


RULES: tuple[Rule, ...] = (
    strip_control_tokens,
    strip_markdown_fence,
    fix_leading_whitespace,
    cut_suffix_overlap_lines,
    drop_looping_lines,
    cut_at_stray_closer,
    cut_line_suffix_overlap,
    close_single_line_brackets,
    match_indentation,
    drop_suffix_repeat,
    drop_copy_of_neighbour,
)


def fit(text: str, around: Around) -> str | None:
    """Apply every rule in order; None when nothing worth showing is left."""
    current: str | None = text.replace("\r\n", "\n").replace("\r", "\n")
    for rule in RULES:
        if current is None or not current.strip():
            return None
        current = rule(current, around)
    if current is None or not current.strip():
        return None
    return current.rstrip()


def indent_unit(lines: list[str]) -> str:
    """The indentation step the lines use: a tab, the most common difference in spaces, or "" if unknown."""
    tabbed = sum(1 for line in lines if line.startswith("\t"))
    spaced = sum(1 for line in lines if line.startswith(" ") and line.strip())
    if tabbed and spaced and min(tabbed, spaced) * 5 >= tabbed + spaced:
        return ""  # mixed: tabs for some levels, spaces for others
    if tabbed > spaced:
        return "\t"
    steps: Counter[int] = Counter()
    previous = 0
    for line in lines:
        if not line.strip() or line.startswith("\t"):
            continue
        width = len(line) - len(line.lstrip(" "))
        if width != previous:
            steps[abs(width - previous)] += 1
        previous = width
    if not steps:
        return ""  # no indented lines: nothing to go by
    step = steps.most_common(1)[0][0]
    return " " * (step if 1 < step <= 8 else 4)
