"""The definitions the code at the cursor needs: names near it and its imports, found in the index."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from fim_lsp.context import symbols
from fim_lsp.context.related import Chunk
from fim_lsp.context.workspace import WorkspaceIndex

HEAD_LINES = 300  # of the current file, read for its imports
NEAR_CHARS = 1200  # before the cursor, and a third of it after, read for the names used there
MAX_NAMES = 40  # near the cursor, closest first
MAX_IMPORTS = 24
MAX_PER_NAME = 2  # definitions of one name (overloads, one per platform)
AMBIGUOUS = 6  # a name defined this often, none of them imported, tells nothing
MAX_COMPLETIONS = 8  # defined names that complete a partly typed one
MAX_CHUNKS = 16  # definitions made into chunks per request
CROWDED = 24  # a name defined this often anywhere is skipped without a look


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
        everywhere = index.lookup(name)
        if len(everywhere) > CROWDED:
            continue
        places = [(path, d) for path, d in everywhere if path != absolute]
        if not places:
            continue

        def bonus(path: str) -> float:
            if path in imported:
                return 30.0
            return 10.0 if path.rpartition("/")[0] == here else 0.0

        places.sort(key=lambda place: -bonus(place[0]))
        if len(places) > AMBIGUOUS and bonus(places[0][0]) == 0.0:
            continue
        for path, definition in places[:MAX_PER_NAME]:
            boost = bonus(path)
            reason = why + (", imported" if boost >= 30 else "")
            found.append(Wanted(score + boost - 5.0 * (len(places) > 1), path, definition, reason))
    found.sort(key=lambda item: -item.score)
    return found


def chunks(
    found: list[Wanted],
    budget_chars: int,
    path_of: Callable[[str], str],
    allowed: Callable[[str], bool],
    fresh: Callable[[str], bool],
) -> list[tuple[Chunk, Wanted]]:
    """The wanted definitions as chunks of their files, best first, about as many as
    `budget_chars` holds, from files `allowed` says may be sent and `fresh` says have not
    changed since they were indexed."""
    made: list[tuple[Chunk, Wanted]] = []
    spent = 0
    for item in found:
        if len(made) >= MAX_CHUNKS or spent > budget_chars:
            break
        uri = uri_of(item.path)
        if not allowed(uri) or not fresh(item.path):
            continue
        texts = item.definition.lines()
        chunk = Chunk(path_of(uri), item.definition.line, "\n".join(texts) + "\n", len(texts), uri)
        spent += len(chunk.text) + len(chunk.path)
        made.append((chunk, item))
    return made
