"""Turn raw model text into insertable text, incrementally, so the engine can stop the stream once it is complete."""

from __future__ import annotations

import re

from fim_lsp.core.fitting import FENCE, OPENER, rewrites, squeezed, unclosed

SINGLE_LINE = "single-line"
MULTI_LINE = "multi-line"
_CLOSERS = ")]}"
_CLOSING_WORDS = ("end", "fi", "done", "esac", "endif", "endfor", "endwhile", "endfunction")
_CLOSERS_ONLY = re.compile(r"[\s)\]}'\"`;,]*")
MAX_LINE_CHARS = 1000  # a longer line is not code anyone wants as ghost text: the stream ends there


def line_mode(line_suffix: str) -> str:
    """Single-line when code follows the cursor on its line; else a multi-line block."""
    if _CLOSERS_ONLY.fullmatch(line_suffix):
        return MULTI_LINE
    return SINGLE_LINE


def indent_width(line: str) -> int:
    """Columns of leading whitespace, a tab counting as four."""
    stripped = line.lstrip(" \t")
    return len(line[: len(line) - len(stripped)].expandtabs(4))


def _is_closing_line(line: str) -> bool:
    text = line.strip()
    return bool(text) and (text[0] in _CLOSERS or text.split()[0].rstrip(";") in _CLOSING_WORDS)


class Suggestion:
    """Reads a stream of deltas and keeps the part that fits the hole: one line, or one block."""

    def __init__(
        self,
        line_prefix: str,
        line_suffix: str,
        *,
        max_lines: int,
        stop_at: str | None = None,
        code_follows: bool = False,
        strip_fences: bool = True,
    ) -> None:
        self.mode = line_mode(line_suffix)
        self._single = self.mode == SINGLE_LINE
        self._max_lines = max_lines
        self._base = indent_width(line_prefix + line_suffix)
        # on an empty line the suggestion brings its own indentation: its first line sets the base
        self._base_from_text = not (line_prefix + line_suffix)
        self._opener = bool(OPENER.search(line_prefix))
        self._statement = bool(line_prefix.strip()) and not self._opener
        # on a blank line with code right below it, a blank line in the suggestion ends it: what
        # follows would be pushed down, not completed
        self._on_blank_line = not (line_prefix + line_suffix).strip()
        self._fills_gap = code_follows and self._on_blank_line
        self._strip_fences = strip_fences
        self._fenced = False
        self._stop_at = stop_at  # the first line below the cursor: rewriting it means done
        self._pending = ""  # text of the current, unfinished line
        self._carry = ""  # a "\r" at the end of the last delta
        self._lines: list[str] = []  # finished lines kept so far
        self._blank_run = 0
        self.complete = False

    @property
    def text(self) -> str:
        """What is kept so far, including the unfinished last line."""
        if self.complete:
            return "\n".join(self._lines)
        return "\n".join([*self._lines, self._pending])

    def feed(self, delta: str) -> bool:
        """Take the next delta; True once the suggestion is complete and the rest can be dropped."""
        if self.complete:
            return True
        text = self._carry + delta
        self._carry = "\r" if text.endswith("\r") else ""  # it may be the start of a "\r\n"
        text = text.removesuffix("\r")
        self._pending += text.replace("\r\n", "\n").replace("\r", "\n")
        while not self.complete and "\n" in self._pending:
            line, self._pending = self._pending.split("\n", 1)
            self._take(line)
        if len(self._pending) > MAX_LINE_CHARS:
            self._finish()  # the over-long line is dropped with the rest of the stream
        return self.complete

    def end(self) -> str:
        """The stream ended: judge the unfinished last line too; returns the kept text."""
        if not self.complete and self._carry:
            self.feed("\n")
        if not self.complete:
            self._take(self._pending)
            self._finish()
        return self.text

    def _take(self, line: str) -> None:
        if len(line) > MAX_LINE_CHARS:
            self._finish()
            return
        if self._strip_fences and FENCE.match(line):
            if self._fenced or self._lines:  # a closing fence: the code is over
                self._finish()
            self._fenced = True  # an opening fence: drop it, the code follows
            return
        if not self._lines:  # the cursor's own line is always kept
            self._learn_base(line)
            self._lines.append(line)
            self.complete = self._single or self._counted() >= self._max_lines
            return
        if not line.strip():
            self._blank_run += 1
            ends_here = (
                self._blank_run >= 2 or (self._statement and self._base == 0) or self._fills_gap
            )
            if ends_here and any(kept.strip() for kept in self._lines):
                self._finish()
                return
            self._lines.append(line)
            return
        after_blank = self._blank_run > 0
        self._blank_run = 0
        if after_blank and self._on_blank_line and indent_width(line) <= self._base:
            # a new paragraph at the level the suggestion started at: one paragraph at a time
            self._lines = _without_trailing_blanks(self._lines)
            self._finish()
            return
        self._learn_base(line)
        if self._stop_at is not None and self._closes_what_is_below(line):
            self._finish()
            return
        indent = indent_width(line)
        if self._opener and indent <= self._base:
            if indent == self._base and _is_closing_line(line):
                self._lines.append(line)
            self._finish()
            return
        if indent < self._base:
            self._finish()
            return
        self._lines.append(line)
        if self._counted() >= self._max_lines:
            self._finish()

    def _learn_base(self, line: str) -> None:
        """On an empty line, the suggestion's first non-blank line sets the level it keeps to."""
        if self._base_from_text and line.strip():
            self._base = indent_width(line)
            self._base_from_text = False

    def _closes_what_is_below(self, line: str) -> bool:
        """`line` rewrites the first line below the cursor, or is that line's closer written at
        another indentation (it closes a bracket the suggestion did not open)."""
        assert self._stop_at is not None
        if rewrites(line, self._stop_at):
            return True
        code = squeezed(line)
        return (
            code[:1] in ")]}"
            and code == squeezed(self._stop_at)
            and not unclosed("\n".join(self._lines))
        )

    def _counted(self) -> int:
        """Lines that count against `max_lines`: a blank cursor line (the suggestion starts below
        it) does not."""
        return len(self._lines) - (0 if self._lines[0].strip() else 1)

    def _finish(self) -> None:
        self.complete = True
        self._pending = ""


def _without_trailing_blanks(lines: list[str]) -> list[str]:
    while len(lines) > 1 and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def finish(raw: str, *, eol: str) -> str | None:
    """Trim trailing whitespace, drop whitespace-only answers, and use the document's line ending."""
    text = raw.rstrip()
    if not text.strip():
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if eol == "\n" else text.replace("\n", eol)
