"""The definitions the code at the cursor needs: names near it and its imports, found in the index."""

from __future__ import annotations

import posixpath
import re
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
MAX_QUALIFIED = 12  # qualified uses (`click.echo`) near the cursor, closest first
MAX_MEMBERS = 6  # of a module after `alias.` at the cursor, with nothing of the name typed
MAX_REEXPORTS = 8  # imports of a module (`click/__init__.py`) looked into for a member
SEPARATORS = {"python": ".", "js": ".", "lua": ".", "go": ".", "rust": "::"}
_QUALIFIED = re.compile(r"[A-Za-z_]\w*(?:(?:::|[.:])[A-Za-z_]\w*)+")
_AT_CURSOR = re.compile(r"([A-Za-z_]\w*(?:(?:::|\.)[A-Za-z_]\w*)*)(::|[.:])(\w*)$")
_PARTS = re.compile(r"::|[.:]")


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

    found: list[Wanted] = _qualified(index, absolute, family, head, before, after)
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
    best: dict[tuple[str, int], Wanted] = {}
    for item in found:  # a definition found by its name and as a module's member goes once
        key = (item.path, item.definition.line)
        if key not in best or item.score > best[key].score:
            best[key] = item
    return sorted(best.values(), key=lambda item: -item.score)


def qualified_uses(before: str, after: str) -> list[tuple[str, str, str]]:
    """(qualifier, separator, member) of the qualified names around the cursor (`click.echo`,
    `pkg::item`, `M:fn`), closest first, every split of a longer one (`a.b.c`: `a` and `b`,
    `a.b` and `c`); first, when the cursor ends one, that one with its member as typed."""
    found: dict[tuple[str, str, str], int] = {}
    at_cursor = _AT_CURSOR.search(before[-200:])
    if at_cursor is not None:
        found[(at_cursor[1], at_cursor[2], at_cursor[3])] = -1
    cursor = len(before)
    for match in _QUALIFIED.finditer(before + after):
        if match.end() == cursor and at_cursor is not None:
            continue  # the one the cursor is in, as typed so far
        far = cursor - match.start() if match.start() < cursor else 2 * (match.start() - cursor)
        parts = _PARTS.split(match[0])
        separators = _PARTS.findall(match[0])
        for k in range(1, len(parts)):
            qualifier = match[0][: _offset(parts, separators, k)]
            key = (qualifier, separators[k - 1], parts[k])
            if far < found.get(key, far + 1):
                found[key] = far
    return sorted(found, key=found.__getitem__)[: MAX_QUALIFIED + 1]


def _starting(typed: str) -> Callable[[str], bool]:
    return lambda name: name.startswith(typed)


def _offset(parts: list[str], separators: list[str], k: int) -> int:
    """Where the first `k` parts of a qualified name end."""
    return sum(map(len, parts[:k])) + sum(map(len, separators[: k - 1]))


def _module_files(
    index: WorkspaceIndex, absolute: str, family: str, table: dict[str, str], qualifier: str
) -> list[str]:
    """The indexed files of the module `qualifier` names in the file `absolute`, whose imports
    gave `table` (from `symbols.aliases`); none when it names no module of the workspace."""
    spec = table.get(qualifier)
    separator = SEPARATORS.get(family, ".")
    head, _, rest = qualifier.partition(separator)
    if spec is None and rest and head in table and family in ("python", "rust"):
        spec = (
            table[head] + separator + rest
        )  # `import a` then `a.b.f`; `use crate::a` then `a::b::f`
    elif spec is None and family == "rust" and head in ("crate", "super", "self"):
        spec = qualifier
    return index.resolve(spec, absolute, family) if spec is not None else []


def _members(
    index: WorkspaceIndex, files: list[str], family: str, wanted_name: Callable[[str], bool]
) -> list[tuple[str, symbols.Definition]]:
    """The definitions in `files` whose names `wanted_name` says, else in the files they import
    (a package's `__init__.py`, an `index.js`, a `mod.rs` that re-exports)."""
    found = [(path, d) for path in files for d in index.definitions_in(path) if wanted_name(d.name)]
    if found:
        return found
    for path in files:
        for spec in index.imports_of(path)[:MAX_REEXPORTS]:
            for inner in index.resolve(spec, path, family):
                found += [(inner, d) for d in index.definitions_in(inner) if wanted_name(d.name)]
    return found


def _qualified(
    index: WorkspaceIndex, absolute: str, family: str, head: str, before: str, after: str
) -> list[Wanted]:
    """The definitions qualified names near the cursor point to in the modules they name."""
    table = symbols.aliases(head, family)
    if not table and family != "rust":
        return []
    found: list[Wanted] = []
    mentioned: set[str] | None = None
    for rank, (qualifier, separator, member) in enumerate(qualified_uses(before, after)):
        files = _module_files(index, absolute, family, table, qualifier)
        files = [path for path in files if path != absolute]
        if not files:
            continue
        spelled = f"{qualifier}{separator}{member}"
        if rank == 0 and before.endswith(spelled) and not member:  # `click.` at the cursor
            if mentioned is None:
                mentioned = {name for _, name in symbols.identifiers(head + before + after)}
            members = _members(index, files, family, lambda name: True)
            members.sort(key=lambda place: place[1].name not in mentioned)
            for k, (path, definition) in enumerate(members[:MAX_MEMBERS]):
                found.append(Wanted(120.0 - k, path, definition, f"in {qualifier}"))
        elif rank == 0 and before.endswith(spelled):  # `click.ec` at the cursor
            members = _members(index, files, family, _starting(member))
            members.sort(key=lambda place: len(place[1].name))
            for k, (path, definition) in enumerate(members[:MAX_COMPLETIONS]):
                found.append(Wanted(140.0 - k, path, definition, f"completes {spelled!r}"))
        else:
            for path, definition in _members(index, files, family, member.__eq__)[:MAX_PER_NAME]:
                found.append(Wanted(110.0 - rank, path, definition, f"used as {spelled!r}"))
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
