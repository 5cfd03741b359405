"""Fill-in-the-middle cases cut from the pinned corpora in bench/corpus, with model-like overrun.

Everything here is pure and seeded: the same files and seed give the same cases.

Hole kinds (the true middle is what was cut out of the file; the cursor is where it was):

- ``rest_of_line``: the cursor inside a one-line statement, at the start of a sub-expression
  (Python: where an ast expression node starts, after one of `` (=[{,:``; other languages: any
  non-blank character right after one of `` (=[{,:``); the middle is the rest of that line up
  to, not including, the run of closers, punctuation and spaces the line ends with
  (``)]}'"`;,``), which stays right of the cursor the way an editor's auto-close leaves it.
- ``whole_line``: the cursor at the start of a one-line statement, after its indentation; the
  middle is the statement (the line without its indentation).
- ``opener_line``: the same for a line that opens a block (``if (x) {``, ``for ... do``,
  ``def f():``) whose body follows on the next lines.
- ``empty_line``: the cursor at column 0 of an indented one-line statement's line inside a
  block; the middle is the whole line, indentation included.
- ``block_body``: the cursor at the end of a block opener line; the middle is a line break
  plus the block's body lines (1 to 8 lines; the closing ``}``/``end``/``fi`` line stays in
  the suffix).
- ``mid_expression``: the cursor inside the parentheses of a one-line call, right after ``(`` or
  after a top-level ``, ``; the middle runs up to, not including, the matching ``)``.
- ``in_comment``: the cursor after the first word of a comment line's text; the middle is the
  rest of the comment.
- ``in_string``: the cursor inside a one-line string literal, after its first word; the
  middle runs up to, not including, the closing quote.
"""

from __future__ import annotations

import ast
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HOLES = (
    "rest_of_line",
    "whole_line",
    "opener_line",
    "empty_line",
    "block_body",
    "mid_expression",
    "in_comment",
    "in_string",
)
CORPUS = Path(__file__).resolve().parent / "corpus"
SPLITS = ("dev", "heldout")


@dataclass(frozen=True)
class Syntax:
    """What the lexical hole finder needs to know about a language."""

    extensions: tuple[str, ...]
    language_id: str  # the LSP languageId editors send
    line_comment: str
    block_comment: bool  # /* ... */
    quotes: str
    spanning_quotes: str  # quotes whose strings may span lines
    statement_end: str
    fence_tag: str
    extra_function: str  # a function definition in the language ({i}: one indentation step)


_BRACE_FUNCTION = "function replayExtra (value) {{\n{i}return value\n}}"
SYNTAX: dict[str, Syntax] = {
    "python": Syntax(
        (".py",), "python", "#", False, "'\"", "", "", "python",
        "def _replay_extra(value):\n{i}return value",
    ),
    "javascript": Syntax(
        (".js",), "javascript", "//", True, "'\"`", "`", ";", "javascript", _BRACE_FUNCTION
    ),
    "typescript": Syntax(
        (".ts",), "typescript", "//", True, "'\"`", "`", ";", "typescript",
        "function replayExtra(value: number): number {{\n{i}return value\n}}",
    ),
    "lua": Syntax(
        (".lua",), "lua", "--", False, "'\"", "", "", "lua",
        "local function replay_extra(value)\n{i}return value\nend",
    ),
    "c": Syntax(
        (".c",), "c", "//", True, "'\"", "", ";", "c",
        "static int replay_extra(int value)\n{{\n{i}return value;\n}}",
    ),
    "shell": Syntax(
        (".sh", ".bash", ""), "shellscript", "#", False, "'\"", "'\"", "", "sh",
        'replay_extra() {{\n{i}echo "$1"\n}}',
    ),
    "go": Syntax(
        (".go",), "go", "//", True, "\"'`", "`", "", "go",
        "func replayExtra(value int) int {{\n{i}return value\n}}",
    ),
    "rust": Syntax(
        (".rs",), "rust", "//", True, '"', '"', ";", "rust",
        "fn replay_extra(value: i32) -> i32 {{\n{i}value\n}}",
    ),
}  # fmt: skip
LANGUAGES = tuple(SYNTAX)

OVERRUNS: dict[str, str] = {
    "clean": "the true middle, nothing more",
    "suffix_rewrite": "the middle, then the text after the cursor again: the rest of the "
    "cursor's line and the following lines up to the third non-blank one, verbatim",
    "suffix_rewrite_ws": "the same rewrite with other whitespace: the following lines "
    "indented two columns deeper (a tab more in a tabs file) and `, ` written `,`",
    "extra_block": "the middle, then blank line(s) and a new function at the enclosing "
    "indentation (block bodies of brace/`end` languages first repeat the closing line)",
    "dup_closer": "the middle, then the closers/quotes the cursor's line continues with "
    "(e.g. `)` when the suffix is `)`), or, when the line has none, the closing line below",
    "closer_junk": "where the cursor's line continues with a closer: the middle, that closer, "
    "and code that does not follow it (`.replay_extra()` and the statement end)",
    "indent_tabs": "block bodies only: the middle indented with tabs in a spaces file "
    "(tabs become 4 spaces in a tabs file)",
    "indent_width": "block bodies only: the body's indentation steps re-scaled to the other "
    "width (4 <-> 2 spaces) relative to the opener",
    "leading_space": "a space before the middle where the cursor already follows a space "
    "(Codestral's doubled-space quirk)",
    "fence": "the middle wrapped in a markdown fence: ```lang, newline, middle, newline, ```",
    "endoftext": "the middle, `<|endoftext|>`, then the suffix rewrite as junk after it",
    "crlf": "the middle and the suffix rewrite with `\\r\\n` line breaks",
}

_TRAILING = re.compile(r"[\s)\]}'\"`;,]*\Z")
_CLOSER_RUN = re.compile(r"[)\]}'\"`;,]+")
_CLOSER_LINE = re.compile(r"\s*(?:[)\]}]+[;,]?|end[)\],;]*|fi|done|esac|;;)\s*")
_CALL_BEFORE = re.compile(r"[\w$\]\)]\Z")


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Source:
    language: str
    root: Path
    files: list[Path]

    def name(self, path: Path) -> str:
        return str(path.relative_to(self.root.parent.parent))


def find_sources(split: str) -> dict[str, Source]:
    """The corpus files of `split`, per language, in a stable order."""
    sources = {}
    for language, syntax in SYNTAX.items():
        root = CORPUS / split / language
        files = sorted(
            path
            for path in root.rglob("*")
            if path.is_file()
            and not path.name.startswith(("LICENSE", "UNLICENSE"))
            and path.suffix in syntax.extensions
        )
        sources[language] = Source(language, root, files)
    return sources


def read_source(path: Path) -> str | None:
    """The file's text, or None if it is not clean UTF-8 with \\n line breaks only."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if any(ch in text for ch in "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
        return None
    return text


# --------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Hole:
    hole: str
    start: int  # offset of the cursor in the original text
    end: int  # offset where the middle ends
    middle: str


@dataclass
class Case:
    id: int
    language: str
    path: str  # for reports
    uri: str
    hole: str
    start: int
    end: int
    middle: str
    prefix: str
    suffix: str
    overrun: str = "clean"
    raw: str = ""
    shown: str | None = None
    requests: int = 0  # provider requests the replay saw for this case
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def line_prefix(self) -> str:
        return self.prefix.rpartition("\n")[2]

    @property
    def line_suffix(self) -> str:
        return self.suffix.partition("\n")[0]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _columns(line: str) -> int:
    return len(line[: _indent(line)].expandtabs(4))


def indent_unit(lines: list[str]) -> str:
    """The file's indentation step: a tab, or the most common increase in spaces between lines."""
    tabbed = sum(1 for line in lines if line.startswith("\t"))
    spaced = sum(1 for line in lines if line.startswith(" "))
    if tabbed > spaced:
        return "\t"
    steps: Counter[int] = Counter()
    previous = 0
    for line in lines:
        if not line.strip() or line.startswith("\t"):
            continue
        width = _indent(line)
        if width > previous:
            steps[width - previous] += 1
        previous = width
    step = steps.most_common(1)[0][0] if steps else 4
    return " " * (step if 2 <= step <= 8 else 4)


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            starts.append(index + 1)
    return starts


def _trailing(line: str) -> int:
    """Length of the run of closers, punctuation and spaces the line ends with."""
    match = _TRAILING.search(line)
    return len(match.group()) if match else 0


def _good_single(middle: str) -> bool:
    return len(middle.strip()) >= 3 and middle == middle.strip() and "\n" not in middle


def _empty_line(hole: Hole, text: str) -> Hole | None:
    """The whole-line hole `hole` asked from column 0 of its line, if the line is indented."""
    line_start = text.rfind("\n", 0, hole.start) + 1
    if line_start == hole.start:
        return None
    return Hole("empty_line", line_start, hole.end, text[line_start : hole.end])


# ----------------------------------------------------------------- Python (ast)


_BLOCKS = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.With,
    ast.AsyncWith,
    ast.Try,
)


def _char_col(line: str, byte_col: int) -> int:
    return len(line.encode("utf-8")[:byte_col].decode("utf-8", "replace"))


def python_holes(text: str) -> dict[str, list[Hole]]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return {}
    lines = text.split("\n")
    starts = _line_starts(text)
    found: dict[str, list[Hole]] = {hole: [] for hole in HOLES}

    def at(line: int, col: int) -> int:
        return starts[line] + col

    for node in ast.walk(tree):
        if isinstance(node, _BLOCKS):
            _python_block(node, lines, at, found)
        elif isinstance(node, ast.stmt) and node.end_lineno == node.lineno:
            index = node.lineno - 1
            line = lines[index]
            indent = _indent(line)
            if _char_col(line, node.col_offset) != indent or line != line.rstrip():
                continue
            if _char_col(line, node.end_col_offset or 0) != len(line):
                continue  # a trailing comment or a second statement
            middle = line.strip()
            if _good_single(middle) and not isinstance(node, ast.Pass):
                hole = Hole("whole_line", at(index, indent), at(index, len(line)), middle)
                found["whole_line"].append(hole)
                empty = _empty_line(hole, text)
                if empty:
                    found["empty_line"].append(empty)
            trailing = _trailing(line)
            stop = len(line) - trailing
            for child in ast.walk(node):
                if not isinstance(child, ast.expr) or child.lineno != node.lineno:
                    continue
                col = _char_col(line, child.col_offset)
                if col <= indent + 1 or col >= stop or line[col - 1] not in " (=[{,:":
                    continue
                middle = line[col:stop]
                if _good_single(middle):
                    found["rest_of_line"].append(
                        Hole("rest_of_line", at(index, col), at(index, stop), middle)
                    )
        if (
            isinstance(node, ast.Call)
            and node.lineno == node.end_lineno
            and (node.args or node.keywords)
        ):
            index = node.lineno - 1
            line = lines[index]
            opened = _char_col(line, node.func.end_col_offset or 0)
            closed = _char_col(line, node.end_col_offset or 0) - 1
            if line[opened : opened + 1] != "(" or line[closed : closed + 1] != ")":
                continue
            cursors = [opened + 1]
            arguments: list[ast.expr | ast.keyword] = [*node.args, *node.keywords]
            for arg in arguments[1:]:
                col = _char_col(line, arg.col_offset)
                if line[col - 2 : col] == ", ":
                    cursors.append(col)
            for col in cursors:
                middle = line[col:closed]
                if _good_single(middle):
                    found["mid_expression"].append(
                        Hole("mid_expression", at(index, col), at(index, closed), middle)
                    )
    _text_holes(text, "python", found)
    return found


def _python_block(
    node: ast.AST, lines: list[str], at: Callable[[int, int], int], found: dict[str, list[Hole]]
) -> None:
    body = getattr(node, "body", None)
    if not body:
        return
    first, last = body[0].lineno - 1, body[-1].end_lineno - 1
    header = first - 1
    if header < 0 or not lines[header].endswith(":") or lines[header] != lines[header].rstrip():
        return
    if "#" in lines[header] or not 1 <= last - first + 1 <= 8:
        return
    opener = _columns(lines[header])
    block = lines[first : last + 1]
    if any(line.strip() and _columns(line) <= opener for line in block):
        return  # a string or comment at the opener's indentation: not a plain body
    below = next((line for line in lines[last + 1 :] if line.strip()), None)
    if below is not None and _columns(below) > opener:
        return  # comments after the last statement still belong to the body
    middle = "\n" + "\n".join(block)
    if middle != middle.rstrip() or not middle.strip():
        return
    start = at(header, len(lines[header]))
    end = at(last, len(lines[last]))
    found["block_body"].append(Hole("block_body", start, end, middle))
    if getattr(node, "lineno", 0) - 1 == header:  # the opener is one line
        indent = _indent(lines[header])
        opener_text = lines[header].strip()
        if _good_single(opener_text):
            found["opener_line"].append(Hole("opener_line", at(header, indent), start, opener_text))


# ----------------------------------------------------------------- other languages (lexical)

_HEREDOC = re.compile(r"<<(-?)\s*(['\"]?)([A-Za-z_]\w*)\2")
_RUST_CHAR = re.compile(r"'(?:\\.[^']{0,8}|[^\\'\n])'")


def mask(text: str, language: str) -> str:
    """`text` with the insides of strings and comments replaced by "_" (line breaks kept)."""
    syntax = SYNTAX[language]
    out = list(text)
    i, n = 0, len(text)

    def blank(a: int, b: int) -> None:
        for k in range(a, min(b, n)):
            if out[k] != "\n":
                out[k] = "_"

    def to_line_end(start: int) -> int:
        j = text.find("\n", start)
        return n if j < 0 else j

    while i < n:
        c = text[i]
        if language == "lua":
            long = re.match(r"(--)?\[(=*)\[", text[i : i + 40])
            if long:
                close = "]" + long.group(2) + "]"
                j = text.find(close, i + len(long.group()))
                j = n if j < 0 else j + len(close)
                blank(i + (0 if long.group(1) else 1), j - (0 if long.group(1) else 1))
                i = j
                continue
        if language == "shell":
            heredoc = _HEREDOC.match(text, i)
            if heredoc:
                body = to_line_end(i) + 1
                word, j = heredoc.group(3), body
                while j < n:
                    end = to_line_end(j)
                    line = text[j:end]
                    if (line.lstrip("\t") if heredoc.group(1) else line) == word:
                        break
                    j = end + 1
                blank(body, j)
                i = heredoc.end()
                continue
            if c == "#" and (i == 0 or text[i - 1] in " \t\n;"):
                j = to_line_end(i)
                blank(i, j)
                i = j
                continue
        elif text.startswith(syntax.line_comment, i):
            j = to_line_end(i)
            blank(i, j)
            i = j
            continue
        if syntax.block_comment and text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            blank(i, j)
            i = j
            continue
        if language == "python" and text.startswith(('"""', "'''"), i):
            j = text.find(text[i : i + 3], i + 3)
            j = n if j < 0 else j
            blank(i + 3, j)
            i = j + 3
            continue
        if language == "rust" and c == "'":
            char = _RUST_CHAR.match(text, i)
            if char:
                blank(i + 1, char.end() - 1)
                i = char.end()
            else:
                i += 1  # a lifetime
            continue
        if c in syntax.quotes:
            spans = c in syntax.spanning_quotes
            raw = (language == "shell" and c == "'") or (language == "go" and c == "`")
            j = i + 1
            while j < n and text[j] != c and (spans or text[j] != "\n"):
                j += 2 if text[j] == "\\" and not raw else 1
            blank(i + 1, j)
            i = j + 1
            continue
        i += 1
    return "".join(out)


_PAIRS = {"(": ")", "[": "]", "{": "}"}


def _balanced(code: str) -> bool:
    stack: list[str] = []
    for char in code:
        if char in _PAIRS:
            stack.append(_PAIRS[char])
        elif char in ")]}" and (not stack or stack.pop() != char):
            return False
    return not stack


def _opens_block(code: str, language: str) -> bool:
    stripped = code.rstrip()
    if language == "lua":
        return bool(
            re.search(r"\b(then|do|else)\Z", stripped)
            or (
                re.search(r"\bfunction\b", stripped)
                and stripped.endswith(")")
                and _balanced(stripped)
            )
        )
    if language == "shell":
        return bool(re.search(r"(?:\bthen|\bdo|\belse|\{)\Z", stripped))
    return stripped.endswith("{")


def _closes_block(line: str, language: str) -> bool:
    closing = line.strip()
    if language == "lua":
        return bool(re.match(r"(end|else|elseif)\b", closing))
    if language == "shell":
        return bool(re.match(r"(fi|done|else|elif|esac)\b|\}", closing))
    return closing.startswith("}")


def _statement_line(line: str, code: str, language: str) -> bool:
    """A line that is one whole statement (not a comment, directive or closing line)."""
    stripped = line.strip()
    if language == "c" and stripped.startswith("#"):
        return False  # a preprocessor directive
    if not _balanced(code) or _CLOSER_LINE.fullmatch(line):
        return False
    first_word = stripped.split()[0].rstrip(";")
    if first_word in ("end", "else", "elseif", "until", "fi", "done", "esac", "elif", "then"):
        return False
    comment = SYNTAX[language].line_comment
    return not (comment in code or "/*" in code)  # trailing comments: keep the holes about code


def lexical_holes(text: str, language: str) -> dict[str, list[Hole]]:
    lines = text.split("\n")
    masked_lines = mask(text, language).split("\n")
    starts = _line_starts(text)
    found: dict[str, list[Hole]] = {hole: [] for hole in HOLES}
    comment = SYNTAX[language].line_comment

    for index, (line, code) in enumerate(zip(lines, masked_lines, strict=True)):
        stripped = line.strip()
        if not stripped or line != line.rstrip() or stripped.startswith((comment, "/*", "*")):
            continue
        indent = _indent(line)
        if code[indent] != line[indent] or code[-1] != line[-1]:
            continue  # starts or ends inside a string or comment
        base = starts[index]
        if _opens_block(code, language):
            _lexical_block(index, lines, masked_lines, starts, language, found)
            continue
        if not _statement_line(line, code, language):
            continue
        if _good_single(stripped):
            hole = Hole("whole_line", base + indent, base + len(line), stripped)
            found["whole_line"].append(hole)
            empty = _empty_line(hole, text)
            if empty:
                found["empty_line"].append(empty)
        trailing = _trailing(line)
        stop = len(line) - trailing
        for col in range(indent + 2, stop):
            if code[col - 1] in " (=[{,:" and not line[col].isspace() and code[col] != "_":
                if code[col - 1] == " " and code[col - 2] in " ,":
                    continue
                middle = line[col:stop]
                if _good_single(middle) and _balanced(code[col:stop]):
                    found["rest_of_line"].append(
                        Hole("rest_of_line", base + col, base + stop, middle)
                    )
        for opened, char in enumerate(code):
            if char != "(" or not _CALL_BEFORE.search(code[:opened]):
                continue
            depth, closed, cursors = 0, -1, [opened + 1]
            for k in range(opened, len(code)):
                if code[k] in "([{":
                    depth += 1
                elif code[k] in ")]}":
                    depth -= 1
                    if depth == 0:
                        closed = k
                        break
                elif code[k] == "," and depth == 1 and code[k + 1 : k + 2] == " ":
                    cursors.append(k + 2)
            if closed < 0:
                continue
            for col in cursors:
                middle = line[col:closed]
                if _good_single(middle):
                    found["mid_expression"].append(
                        Hole("mid_expression", base + col, base + closed, middle)
                    )
    _text_holes(text, language, found)
    return found


def _lexical_block(
    index: int,
    lines: list[str],
    masked_lines: list[str],
    starts: list[int],
    language: str,
    found: dict[str, list[Hole]],
) -> None:
    opener = _columns(lines[index])
    last = index
    close: int | None = None
    for k in range(index + 1, min(len(lines), index + 12)):
        line = lines[k]
        if not line.strip():
            continue
        if _columns(line) > opener:
            last = k
            continue
        close = k
        break
    if close is None or last == index or last - index > 8:
        return
    if _columns(lines[close]) != opener or not _closes_block(lines[close], language):
        return
    if masked_lines[index].rstrip().endswith("{"):
        # the opener's "{" must be closed by the first "}" of the closing line
        depth = 0
        for code in masked_lines[index + 1 : close]:
            for char in code:
                depth += {"{": 1, "}": -1}.get(char, 0)
                if depth < 0:
                    return
        if depth != 0:
            return
    block = lines[index + 1 : last + 1]
    middle = "\n" + "\n".join(block)
    if middle != middle.rstrip() or not middle.strip():
        return
    start = starts[index] + len(lines[index])
    end = starts[last] + len(lines[last])
    found["block_body"].append(Hole("block_body", start, end, middle))
    header = lines[index]
    code = masked_lines[index]
    indent = _indent(header)
    whole = _balanced(code.rstrip()[:-1]) if code.rstrip().endswith("{") else _balanced(code)
    comment = SYNTAX[language].line_comment
    new_block = not header.strip().startswith(("}", "else", "elif", "elseif"))
    plain = whole and comment not in code and "/*" not in code
    if plain and new_block and _good_single(header.strip()):
        found["opener_line"].append(
            Hole("opener_line", starts[index] + indent, start, header.strip())
        )


def _text_holes(text: str, language: str, found: dict[str, list[Hole]]) -> None:
    """Holes inside comment lines and one-line string literals."""
    syntax = SYNTAX[language]
    lines = text.split("\n")
    masked_lines = mask(text, language).split("\n")
    starts = _line_starts(text)
    markers = (syntax.line_comment, "/*", "* ") if syntax.block_comment else (syntax.line_comment,)
    for index, (line, code) in enumerate(zip(lines, masked_lines, strict=True)):
        stripped = line.strip()
        if not stripped or line != line.rstrip() or stripped.startswith("#!"):
            continue
        indent = _indent(line)
        base = starts[index]
        if set(code[indent:]) == {"_"}:  # the whole line is comment
            marker = next((m for m in markers if stripped.startswith(m)), None)
            if marker is None:
                continue
            body = line[indent + len(marker) :]
            if body.endswith("*/"):
                body = body[:-2].rstrip()
            words = re.match(r"\s*\S+ ", body)
            if not words or not body.strip():
                continue
            col = indent + len(marker) + words.end()
            middle = body[words.end() :]
            if _good_single(middle) and re.search(r"[A-Za-z]{2}", middle):
                found["in_comment"].append(
                    Hole("in_comment", base + col, base + col + len(middle), middle)
                )
            continue
        k = indent
        while k < len(line):
            quote = line[k]
            if quote not in syntax.quotes or code[k] != quote:
                k += 1
                continue
            close = code.find(quote, k + 1)
            if close < 0:
                break
            content = line[k + 1 : close]
            if set(code[k + 1 : close]) <= {"_"} and "\\" not in content and "$" not in content:
                words = re.match(r"\S+ ", content)
                if words and re.search(r"[A-Za-z]{3}", content[words.end() :]):
                    middle = content[words.end() :]
                    col = k + 1 + words.end()
                    if _good_single(middle):
                        found["in_string"].append(
                            Hole("in_string", base + col, base + close, middle)
                        )
            k = close + 1


# ----------------------------------------------------------------- choosing cases


def holes_of(text: str, language: str) -> dict[str, list[Hole]]:
    return python_holes(text) if language == "python" else lexical_holes(text, language)


def pick_holes(text: str, language: str, per_kind: int, rng: random.Random) -> list[Hole]:
    """Up to `per_kind` holes of each kind, seeded, no two at the same cursor."""
    chosen: list[Hole] = []
    found = holes_of(text, language)
    for hole in HOLES:
        candidates = sorted(found.get(hole, []), key=lambda h: (h.start, h.end))
        rng.shuffle(candidates)
        count = 0
        for candidate in candidates:
            if count >= per_kind:
                break
            # holes apart, so one case's suggestion cannot serve another from the server's cache
            if any(candidate.start <= c.end + 1 and c.start <= candidate.end + 1 for c in chosen):
                continue
            chosen.append(candidate)
            count += 1
    return sorted(chosen, key=lambda h: h.start)


# --------------------------------------------------------------------------- overrun


def suffix_rewrite(suffix: str, lines_wanted: int = 3) -> str:
    """The rest of the cursor's line and the following lines up to the `lines_wanted`-th non-blank one."""
    parts = suffix.split("\n")
    kept = [parts[0]]
    seen = 0
    for part in parts[1:]:
        kept.append(part)
        if part.strip():
            seen += 1
            if seen >= lines_wanted:
                break
    text = "\n".join(kept)
    return text if text[len(parts[0]) :].strip() else ""


def _reindent(middle: str, convert: Callable[[str], str]) -> str:
    out = []
    for number, line in enumerate(middle.split("\n")):
        if number == 0 or not line.strip():
            out.append(line)
            continue
        width = _indent(line)
        out.append(convert(line[:width]) + line[width:])
    return "\n".join(out)


def _other_whitespace(rewrite: str, unit: str) -> str | None:
    """`rewrite` with its lines after the first re-indented and `, ` written `,`."""
    deeper = "\t" if unit == "\t" else "  "
    changed = _reindent(rewrite, lambda ws: ws + deeper)
    lines = changed.split("\n")
    changed = "\n".join([lines[0], *(line.replace(", ", ",") for line in lines[1:])])
    return changed if changed != rewrite else None


def overrun_for(case: Case, kind: str, unit: str) -> str | None:
    """The replayed model text for `case` with overrun `kind`, or None if it does not apply."""
    syntax = SYNTAX[case.language]
    middle, suffix = case.middle, case.suffix
    line_prefix, line_suffix = case.line_prefix, case.line_suffix
    rewrite = suffix_rewrite(suffix)
    below = [line for line in suffix.split("\n")[1:] if line.strip()]
    if kind == "clean":
        return middle
    if kind == "suffix_rewrite":
        return middle + rewrite if rewrite else None
    if kind == "suffix_rewrite_ws":
        other = _other_whitespace(rewrite, unit) if "\n" in rewrite else None
        return middle + other if other else None
    if kind == "crlf":
        both = middle + rewrite
        return both.replace("\n", "\r\n") if "\n" in both else None
    if kind == "endoftext":
        return middle + "<|endoftext|>" + (rewrite or "\n")
    if kind == "fence":
        return f"```{syntax.fence_tag}\n{middle}\n```\n"
    if kind == "leading_space":
        return " " + middle if line_prefix.endswith(" ") else None
    if kind == "dup_closer":
        run = _CLOSER_RUN.match(line_suffix.lstrip())
        if run:
            return middle + run.group()
        if below and _CLOSER_LINE.fullmatch(below[0]):
            return middle + "\n" + below[0]
        return None
    if kind == "closer_junk":
        if not line_suffix[:1] or line_suffix[0] not in ")]}":
            return None
        return middle + line_suffix[0] + ".replay_extra()" + syntax.statement_end
    if kind in ("indent_tabs", "indent_width"):
        if case.hole != "block_body":
            return None
        if kind == "indent_tabs":
            if unit == "\t":
                return _reindent(middle, lambda ws: ws.replace("\t", "    "))
            size = len(unit)
            return _reindent(middle, lambda ws: "\t" * (len(ws) // size) + " " * (len(ws) % size))
        if unit == "\t":
            return None
        base = _indent(line_prefix)
        old, new = len(unit), (2 if len(unit) == 4 else 4)

        def scale(ws: str) -> str:
            width = len(ws.expandtabs(old))
            return " " * (base + (width - base) * new // old) if width > base else ws

        return _reindent(middle, scale)
    if kind == "extra_block":
        step = "\t" if unit == "\t" else unit
        if case.hole == "block_body":
            outer = line_prefix[: _indent(line_prefix)]
        else:
            own = line_prefix[: _indent(line_prefix)] or middle[: _indent(middle)]
            outer = own[: max(0, len(own) - len(step))]
        function = "\n".join(
            outer + line for line in syntax.extra_function.format(i=step).split("\n")
        )
        if case.language == "python":
            gap = "\n\n\n" if not outer else "\n\n"
            return f"{middle}{gap}{function}\n"
        closer = ""
        if case.hole == "block_body" and below:
            closer = "\n" + below[0]
        return f"{middle}{closer}\n\n{function}\n"
    raise ValueError(kind)


def assign_overrun(case: Case, unit: str, rng: random.Random) -> None:
    kinds = [k for k in OVERRUNS if overrun_for(case, k, unit) is not None]
    case.overrun = rng.choice(kinds)
    raw = overrun_for(case, case.overrun, unit)
    assert raw is not None
    case.raw = raw


# --------------------------------------------------------------------------- judging


def norm(text: str) -> str:
    return " ".join(text.split())


def duplicates_suffix(shown: str | None, case: Case) -> bool:
    """True if inserting `shown` repeats text that already follows the cursor.

    Either (a) what `shown` adds beyond its longest common prefix with the true middle is, with
    whitespace normalised and at least one non-blank character, the start of the suffix; or
    (b) `shown` has more lines equal (whitespace normalised) to the first non-blank line below the
    cursor's line than the true middle has.
    """
    if not shown:
        return False
    middle = case.middle
    common = 0
    for a, b in zip(shown, middle, strict=False):
        if a != b:
            break
        common += 1
    extra = norm(shown[common:])
    repeats = extra and norm(case.suffix[:4000]).startswith(extra)
    if repeats and (common >= len(middle) or not norm(middle[common:]).startswith(extra)):
        return True
    below = next((line for line in case.suffix.split("\n")[1:] if line.strip()), None)
    if below is not None:
        target = norm(below)
        count = sum(1 for line in shown.split("\n")[1:] if norm(line) == target)
        if count > sum(1 for line in middle.split("\n")[1:] if norm(line) == target):
            return True
    return False


def outcome(shown: str | None, case: Case) -> str:
    """How `shown` compares with the true middle."""
    middle = case.middle
    if shown == middle:
        return "exact"
    if not shown:
        return "empty"
    if middle.startswith(shown):
        rest = middle[len(shown) :]
        return "prefix (line end)" if rest.startswith("\n") else "prefix (mid-line)"
    if duplicates_suffix(shown, case):
        return "repeats suffix"
    if shown.startswith(middle):
        return "longer (other text)"
    if norm(shown) == norm(middle):
        return "whitespace differs"
    return "different"
