"""The definitions the code at the cursor needs: names near it and its imports, found in the index."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from fim_lsp.context import symbols
from fim_lsp.context.related import MAX_LINE_CHARS, Chunk
from fim_lsp.context.workspace import WorkspaceIndex

HEAD_LINES = 300  # of the current file, read for its imports
NEAR_CHARS = 1200  # before the cursor, and a third of it after, read for the names used there
MAX_NAMES = 40  # near the cursor, closest first
MAX_IMPORTS = 24
MAX_PER_NAME = 2  # definitions of one name (overloads, one per platform)
AMBIGUOUS = 6  # a name defined this often, none of them imported, tells nothing
MAX_COMPLETIONS = 8  # defined names that complete a partly typed one
MAX_CHUNKS = 16  # snippets made per request: bounds the files read
SIGNATURE_LINES = 3  # a definition's lines sent: its signature, up to where it opens its body


@dataclass(frozen=True, slots=True)
class Wanted:
    """A definition worth sending, how much, and why (for the prompt inspector and the log)."""

    score: float
    path: str  # absolute
    definition: symbols.Definition
    why: str


def uri_of(absolute: str) -> str:
    """The file URI of an absolute path."""
    return "file://" + quote(absolute)


def partial_word(prefix: str) -> str:
    """The identifier the cursor ends, as typed so far ("" when the cursor ends none)."""
    end = len(prefix)
    start = end
    while start > 0 and (prefix[start - 1].isalnum() or prefix[start - 1] == "_"):
        start -= 1
    word = prefix[start:end]
    return word if word and not word[0].isdigit() else ""


def near_names(before: str, after: str) -> list[str]:
    """Identifiers used around the cursor, closest first, each once (keywords left out)."""
    cursor = len(before)
    text = before + after
    distance: dict[str, int] = {}
    for offset, name in symbols.identifiers(text):
        if len(name) < symbols.MIN_NAME_CHARS or name in symbols.KEYWORDS:
            continue
        far = cursor - offset if offset < cursor else 2 * (offset - cursor)  # after counts less
        if far < distance.get(name, far + 1):
            distance[name] = far
    return sorted(distance, key=distance.__getitem__)[:MAX_NAMES]


def wanted(
    index: WorkspaceIndex,
    absolute: str,
    family: str,
    head: str,
    before: str,
    after: str,
) -> list[Wanted]:
    """The definitions the code around the cursor in `absolute` most likely needs, best first."""
    imported: set[str] = set()
    for spec in symbols.imports(head, family)[:MAX_IMPORTS]:
        imported.update(index.resolve(spec, absolute, family))
    here = posixpath.dirname(absolute)
    partial = partial_word(before)
    defined_here = {d.name for d in symbols.definitions(before + after, family)}
    scores: dict[str, tuple[float, str]] = {}  # name -> (score, why)

    def want(name: str, score: float, why: str) -> None:
        if name not in defined_here and score > scores.get(name, (0.0, ""))[0]:
            scores[name] = (score, why)

    if len(partial) >= 2:
        for rank, name in enumerate(index.completing(partial, MAX_COMPLETIONS)):
            want(name, 100.0 - rank, f"completes {partial!r}")
    for rank, name in enumerate(near_names(before[-NEAR_CHARS:], after[: NEAR_CHARS // 3])):
        if name != partial:
            want(name, 80.0 - rank, "used near the cursor")
    for name in symbols.imported_names(head, family):
        want(name, 30.0, "imported by name")

    found: list[Wanted] = []
    for name, (score, why) in scores.items():
        places = [(path, d) for path, d in index.lookup(name) if path != absolute]
        if not places:
            continue

        def bonus(path: str) -> float:
            if path in imported:
                return 30.0
            return 10.0 if posixpath.dirname(path) == here else 0.0

        places.sort(key=lambda place: -bonus(place[0]))
        if len(places) > AMBIGUOUS and bonus(places[0][0]) == 0.0:
            continue
        for path, definition in places[:MAX_PER_NAME]:
            boost = bonus(path)
            reason = why + (", imported" if boost >= 30 else "")
            found.append(Wanted(score + boost - 5.0 * (len(places) > 1), path, definition, reason))
    found.sort(key=lambda item: -item.score)
    return found


def snippet(lines: list[str], definition: symbols.Definition) -> tuple[int, list[str]] | None:
    """(first line, lines) of a definition as the file has it now: its signature, and the lines
    that continue it up to where its body opens; None if the file no longer has it."""
    line = definition.line
    if line >= len(lines) or lines[line][: symbols.MAX_SIGNATURE_CHARS].rstrip() != (
        definition.signature
    ):
        moved = [i for i, text in enumerate(lines) if text.rstrip() == definition.signature]
        if not moved:
            return None
        line = moved[0]
    taken = [lines[line][:MAX_LINE_CHARS].rstrip()]
    while (
        len(taken) < SIGNATURE_LINES
        and not _opens_body(taken[-1])
        and line + len(taken) < len(lines)
    ):
        following = lines[line + len(taken)][:MAX_LINE_CHARS].rstrip()
        if not following.strip():
            break
        taken.append(following)
    return line, taken


def _opens_body(line: str) -> bool:
    """Whether a signature line is complete: it opens a body, ends a statement, or is one."""
    stripped = line.rstrip()
    return stripped.endswith(("{", ":", ";", "=", "=>", "then", "do", ")")) or "=" in stripped


def chunks(
    found: list[Wanted],
    lines_of: Callable[[str], list[str] | None],
    path_of: Callable[[str], str],
    allowed: Callable[[str], bool],
) -> list[tuple[Chunk, Wanted]]:
    """The wanted definitions as chunks of their files, best first, from files `allowed` says
    may be sent (`lines_of`: a file's lines, the editor's copy if it is open)."""
    made: list[tuple[Chunk, Wanted]] = []
    for item in found:
        if len(made) >= MAX_CHUNKS:
            break
        uri = uri_of(item.path)
        if not allowed(uri):
            continue
        lines = lines_of(item.path)
        if lines is None:
            continue
        taken = snippet(lines, item.definition)
        if taken is None:
            continue
        first, texts = taken
        chunk = Chunk(path_of(uri), first, "\n".join(texts) + "\n", len(texts), uri)
        made.append((chunk, item))
    return made
