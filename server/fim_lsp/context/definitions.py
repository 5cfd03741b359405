"""The definitions the code at the cursor needs: names near it and its imports, found in the index."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Container
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
_RUST_HEADS = frozenset({"crate", "super", "self"})  # a path from the crate needs no `use`


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


def qualified_uses(
    before: str, after: str, heads: Container[str] | None = None
) -> list[tuple[str, str, str]]:
    """(qualifier, separator, member) of the qualified names around the cursor (`click.echo`,
    `pkg::item`, `M:fn`), closest first, every split of a longer one (`a.b.c`: `a` and `b`,
    `a.b` and `c`), only those whose first part is one of `heads` (None: any); first, when the
    cursor ends one, that one with its member as typed (whatever its first part)."""
    found: dict[tuple[str, str, str], int] = {}
    at_cursor = _AT_CURSOR.search(before[-200:])
    if at_cursor is not None:
        found[(at_cursor[1], at_cursor[2], at_cursor[3])] = -1
    before, after = before[-NEAR_CHARS:], after[: NEAR_CHARS // 3]
    cursor = len(before)
    for match in _QUALIFIED.finditer(before + after):
        if match.end() == cursor and at_cursor is not None:
            continue  # the one the cursor is in, as typed so far
        if heads is not None and _PARTS.split(match[0], 1)[0] not in heads:
            continue
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
        # `import a` then `a.b.f`; `use crate::a` then `a::b::f`
        spec = table[head] + separator + rest
    elif spec is None and family == "rust" and head in ("crate", "super", "self"):
        spec = qualifier
    return index.resolve(spec, absolute, family) if spec is not None else []


def _members(
    index: WorkspaceIndex,
    files: list[str],
    family: str,
    wanted_name: Callable[[str], bool] | None,
) -> list[tuple[str, symbols.Definition]]:
    """The definitions in `files` whose names `wanted_name` says (None: all), else in the files
    they import (a package's `__init__.py`, an `index.js`, a `mod.rs` that re-exports)."""
    wanted_name = wanted_name or _starting("")
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
    """The definitions qualified names near the cursor point to: in the modules they name, or,
    at the cursor, among the methods of the type the variable before the dot holds."""
    table = symbols.aliases(head, family)
    heads = {name.split(".")[0] for name in table} | (_RUST_HEADS if family == "rust" else set())
    found: list[Wanted] = []
    for rank, (qualifier, separator, member) in enumerate(qualified_uses(before, after, heads)):
        spelled = f"{qualifier}{separator}{member}"
        at_cursor = rank == 0 and before.endswith(spelled)
        files = _module_files(index, absolute, family, table, qualifier)
        files = [path for path in files if path != absolute]
        if files:
            members = _members(index, files, family, _starting(member) if at_cursor else None)
            where = f"in {qualifier}"
        elif at_cursor and separator != "::":
            members = [
                (path, d)
                for path, d in _methods(index, absolute, family, before, qualifier)
                if d.name.startswith(member)
            ]
            where = f"a method of {qualifier}"
        else:
            continue
        if not at_cursor:
            exact = [(path, d) for path, d in members if d.name == member][:MAX_PER_NAME]
            found += [Wanted(110.0 - rank, p, d, f"used as {spelled!r}") for p, d in exact]
        elif member:  # `click.ec` at the cursor
            members.sort(key=lambda place: len(place[1].name))
            for k, (path, d) in enumerate(members[:MAX_COMPLETIONS]):
                found.append(Wanted(140.0 - k, path, d, f"completes {spelled!r}, {where}"))
        else:  # `click.` at the cursor: the names the file mentions first
            mentioned = symbols.names_in(head + before + after)
            members.sort(key=lambda place: place[1].name not in mentioned)
            for k, (path, definition) in enumerate(members[:MAX_MEMBERS]):
                found.append(Wanted(120.0 - k, path, definition, where))
    return found


# where a variable's type is written, per family: `{v}` is the variable; the last match wins
_TYPED_AS: dict[str, tuple[str, ...]] = {
    "go": (
        r"\(\s*{v}\s+\*?(\w+)",  # a receiver or the first parameter
        r"[(,]\s*{v}\s+\*?(\w+)\s*[,)]",  # a parameter
        r"\bvar\s+{v}\s+\*?(\w+)",
        r"\b{v}\s*:?=\s*&?(\w+)\s*\{{",  # a composite literal
        r"\b{v}\s*:?=\s*(?:\w+\.)?[Nn]ew(\w+)\(",  # a constructor by convention
    ),
    "js": (r"\b{v}\s*[?!]?:\s*(\w+)", r"\b{v}\s*=\s*new\s+(\w+)"),
    "python": (r"\b{v}\s*:\s*([A-Za-z_]\w*)", r"\b{v}\s*=\s*([A-Z]\w*)\("),
    "lua": (r"\blocal\s+{v}\s*=\s*(\w+)[.:]new\b",),
}
_CLASS: dict[str, re.Pattern[str]] = {  # the class `this` or `self` is in, and its bases
    "js": re.compile(r"\bclass\s+(\w+)(?:\s*<[^>\n]*>)?(?:\s+extends\s+([\w.]+))?"),
    "python": re.compile(r"^[ \t]*class\s+(\w+)\s*(?:\(([^)]*)\))?\s*:", re.M),
}


def types_of(variable: str, before: str, family: str) -> list[str]:
    """The type names the text before the cursor gives `variable`, the likeliest first."""
    if variable in ("this", "self") and family in _CLASS:
        classes = list(_CLASS[family].finditer(before))
        if not classes:
            return []
        bases = [base.strip().rpartition(".")[2] for base in (classes[-1][2] or "").split(",")]
        return [classes[-1][1], *(base for base in bases if base)]
    best: tuple[int, str] | None = None
    for pattern in _TYPED_AS.get(family, ()):
        for match in re.finditer(pattern.format(v=re.escape(variable)), before):
            if match[1] not in symbols.KEYWORDS and (best is None or match.start() > best[0]):
                best = (match.start(), match[1])
    return [best[1]] if best is not None else []


def _methods(
    index: WorkspaceIndex, absolute: str, family: str, before: str, variable: str
) -> list[tuple[str, symbols.Definition]]:
    """The methods, defined in other files, of the type `variable` holds at the cursor."""
    found: list[tuple[str, symbols.Definition]] = []
    for type_name in types_of(variable, before, family)[:3]:
        if family == "go":  # methods anywhere in the type's package, said by their receiver
            receiver = re.compile(rf"func\s*\(\s*\w*\s*\*?{re.escape(type_name)}\b")
            files = dict.fromkeys(index.beside(absolute))
            for path, _ in index.lookup(type_name)[:AMBIGUOUS]:
                files.update(dict.fromkeys(index.beside(path)))
            for path in files:
                if path != absolute:
                    found += [
                        (path, d) for d in index.definitions_in(path) if receiver.match(d.signature)
                    ]
            continue
        for path, definition in index.lookup(type_name)[:AMBIGUOUS]:
            if path != absolute:
                found += [(path, d) for d in _body(index.definitions_in(path), definition)]
    return found


def _body(
    defined: tuple[symbols.Definition, ...], owner: symbols.Definition
) -> list[symbols.Definition]:
    """The indented definitions after `owner` (a class) up to the next one at its margin."""
    inside: list[symbols.Definition] = []
    for definition in defined:
        if definition.line <= owner.line:
            continue
        if not definition.signature[:1].isspace():
            break
        inside.append(definition)
    return inside


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
