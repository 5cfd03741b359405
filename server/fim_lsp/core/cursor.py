"""Cut a document at the cursor into a prefix and a suffix window, budgeted and snapped to whole lines."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fim_lsp.core.documents import Document


@dataclass(frozen=True, slots=True)
class Cut:
    """An immutable snapshot of what surrounds the cursor, taken before any await."""

    prefix: str  # text before the cursor, starting at a line start when the budget allows
    suffix: str  # text after the cursor, ending at a line end when the budget allows
    line_prefix: str  # the cursor's line up to the cursor, as far as `prefix` holds it
    line_suffix: str  # the cursor's line after the cursor, as far as `suffix` holds it; no break
    eol: str  # the document's line ending
    line: int  # cursor line index
    column: int  # cursor column in code points


WORD_BEFORE = re.compile(r"\w+\Z")


def word_before(cut: Cut) -> str:
    """The word the cursor ends, which a completion-menu item replaces so editors can filter by it."""
    found = WORD_BEFORE.search(cut.line_prefix)
    return found.group() if found else ""


def _lines_before(document: Document, line: int, head: str, budget: int) -> str:
    """`head` plus as many whole lines above `line` as fit in `budget` characters."""
    if len(head) >= budget:
        return head[len(head) - budget :] if budget > 0 else ""
    parts = [head]
    used = len(head)
    index = line - 1
    while index >= 0:
        piece = document.line_with_ending(index)
        if used + len(piece) > budget:
            break
        parts.append(piece)
        used += len(piece)
        index -= 1
    parts.reverse()
    return "".join(parts)


def _lines_after(document: Document, line: int, tail: str, budget: int) -> str:
    """`tail` plus as many whole lines below `line` as fit in `budget` characters."""
    if len(tail) >= budget:
        return tail[:budget] if budget > 0 else ""
    parts = [tail]
    used = len(tail)
    index = line + 1
    while index < document.line_count:
        piece = document.line_with_ending(index)
        if used + len(piece) > budget:
            break
        parts.append(piece)
        used += len(piece)
        index += 1
    return "".join(parts)


def cut(document: Document, line: int, column: int, *, prefix_chars: int, suffix_chars: int) -> Cut:
    """Cut at (line, column): up to `prefix_chars` before and `suffix_chars` after, lending unused room."""
    text = document.line(line)
    line_prefix, line_suffix = text[:column], text[column:]
    tail = line_suffix + document.line_ending(line)
    budget = prefix_chars + suffix_chars
    prefix = _lines_before(document, line, line_prefix, prefix_chars)
    suffix = _lines_after(document, line, tail, budget - len(prefix))
    if budget - len(suffix) > prefix_chars:
        prefix = _lines_before(document, line, line_prefix, budget - len(suffix))
    # one line can be megabytes (minified code): keep the line parts to the window, since what
    # reads them (post-processing, fitting) scans them on every request
    if len(prefix) < len(line_prefix):
        line_prefix = prefix
    if len(suffix) < len(line_suffix):
        line_suffix = suffix
    return Cut(
        prefix=prefix,
        suffix=suffix,
        line_prefix=line_prefix,
        line_suffix=line_suffix,
        eol=document.eol(),
        line=line,
        column=column,
    )
