"""What a source file defines and imports, per language, read by careful regular expressions."""

# Regular expressions, not a parser: they read the seven languages the index serves in one pass
# over a file's text, load nothing at start-up, and a file that does not parse (the one being
# typed) still yields its definitions. What they miss is a definition a line does not announce
# (a Go struct's field, a JavaScript property set in a loop): context is a hint, not a compiler.

from __future__ import annotations

import posixpath
import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

FAMILIES: dict[str, str] = {  # file extension -> the family whose rules read it
    ".py": "python",
    ".pyi": "python",
    ".js": "js",
    ".jsx": "js",
    ".mjs": "js",
    ".cjs": "js",
    ".ts": "js",
    ".tsx": "js",
    ".mts": "js",
    ".cts": "js",
    ".go": "go",
    ".rs": "rust",
    ".c": "c",
    ".h": "c",
    ".cc": "c",
    ".cpp": "c",
    ".cxx": "c",
    ".hh": "c",
    ".hpp": "c",
    ".lua": "lua",
}
LANGUAGE_FAMILIES: dict[str, str] = {  # LSP languageId -> family
    "python": "python",
    "javascript": "js",
    "javascriptreact": "js",
    "typescript": "js",
    "typescriptreact": "js",
    "go": "go",
    "rust": "rust",
    "c": "c",
    "cpp": "c",
    "lua": "lua",
}
MAX_SIGNATURE_CHARS = 200
SIGNATURE_LINES = 3  # a definition sent: its signature, up to where it opens its body
MIN_NAME_CHARS = 3  # shorter names (i, x, ok) are everywhere and tell nothing

_S = r"[ \t]"
_JS_MODIFIERS = (
    r"(?:(?:export|default|declare|abstract|async|public|private|protected|static|readonly"
    r"|override|get|set)[ \t]+)*"
)
_RUST_VIS = r"(?:pub(?:\([^)\n]*\))?[ \t]+)?"
# each pattern's last group that matched is the name
_DEFINITIONS: dict[str, tuple[re.Pattern[str], ...]] = {
    "python": (
        re.compile(rf"^{_S}*(?:async{_S}+)?(?:def|class){_S}+(\w+)", re.M),
        re.compile(rf"^(\w+){_S}*(?::[^=\n]*)?=(?!=)", re.M),
    ),
    "js": (
        re.compile(rf"^{_S}*{_JS_MODIFIERS}function\b{_S}*\*?{_S}*(\w+)", re.M),
        re.compile(
            rf"^{_S}*{_JS_MODIFIERS}(?:class|interface|enum|namespace|const{_S}+enum){_S}+(\w+)",
            re.M,
        ),
        re.compile(rf"^{_S}*{_JS_MODIFIERS}type{_S}+(\w+){_S}*[=<]", re.M),
        re.compile(rf"^(?:export{_S}+)?(?:declare{_S}+)?(?:const|let|var){_S}+(\w+)", re.M),
        re.compile(rf"^{_S}*export{_S}+(?:const|let|var){_S}+(\w+)", re.M),
        re.compile(rf"^(?:module\.)?exports\.(\w+){_S}*=", re.M),
        re.compile(rf"^[\w.]+\.(\w+){_S}*={_S}*(?:async{_S}+)?function\b", re.M),
        re.compile(rf"^{_S}+(\w+){_S}*:{_S}*(?:async{_S}+)?function\b", re.M),
        # a method: indented, a name, parameters, a body opening on the same line
        re.compile(
            rf"^{_S}+{_JS_MODIFIERS}\*?(?!(?:if|for|while|switch|catch|with|return|function)\b)"
            rf"(\w+){_S}*(?:<[^>\n]*>)?\([^()\n]*\){_S}*(?::[^;=(){{}}\n]+)?\{{{_S}*$",
            re.M,
        ),
    ),
    "go": (
        re.compile(rf"^func{_S}+(?:\([^)\n]*\){_S}*)?(\w+)", re.M),
        re.compile(rf"^(?:type|const|var){_S}+(\w+)", re.M),
    ),
    "rust": (
        re.compile(
            rf"^{_S}*{_RUST_VIS}(?:(?:const|async|unsafe|extern(?:{_S}+\"[^\"\n]*\")?){_S}+)*"
            rf"fn{_S}+(\w+)",
            re.M,
        ),
        re.compile(rf"^{_S}*{_RUST_VIS}(?:struct|enum|trait|union|type|mod){_S}+(\w+)", re.M),
        re.compile(rf"^{_S}*{_RUST_VIS}(?:const|static){_S}+(?:mut{_S}+)?(\w+){_S}*:", re.M),
        re.compile(rf"^{_S}*macro_rules!{_S}*(\w+)", re.M),
    ),
    "c": (
        re.compile(rf"^#{_S}*define{_S}+(\w+)", re.M),
        # a definition or declaration at the margin: type words, then the name and `(`
        re.compile(
            r"^(?!(?:if|else|while|for|do|switch|return|case|goto|sizeof)\b)"
            rf"[A-Za-z_][\w \t*]*?[ \t*](\w+){_S}*\([^;\n]*(?:\)[^;\n]*)?;?{_S}*$",
            re.M,
        ),
        re.compile(rf"^(\w+){_S}*\([^;\n]*$", re.M),  # BSD style: the type on the line above
        re.compile(rf"^(?:typedef{_S}+)?(?:struct|union|enum){_S}+(\w+){_S}*\{{", re.M),
        re.compile(rf"^typedef{_S}[^;\n]*?\b(\w+){_S}*(?:\)\([^;\n]*\))?;", re.M),
        re.compile(rf"^\}}{_S}*(\w+){_S}*;", re.M),
    ),
    "lua": (
        re.compile(rf"^{_S}*(?:local{_S}+)?function{_S}+(?:[\w.]*[.:])?(\w+)", re.M),
        re.compile(rf"^{_S}*(?:local{_S}+)?(?:[\w.]*\.)?(\w+){_S}*={_S}*function\b", re.M),
        re.compile(rf"^(?:local{_S}+)?(?:[\w.]*\.)?(\w+){_S}*=(?!=)", re.M),
    ),
}

_IMPORTS: dict[str, tuple[re.Pattern[str], ...]] = {
    "python": (
        re.compile(rf"^{_S}*from{_S}+(\.*[\w.]*){_S}+import\b", re.M),
        re.compile(rf"^{_S}*import{_S}+([\w.]+(?:{_S}*,{_S}*[\w.]+)*)", re.M),
    ),
    "js": (
        re.compile(r"""\bfrom\s*["']([^"'\n]+)["']"""),
        re.compile(r"""^\s*import\s*["']([^"'\n]+)["']""", re.M),
        re.compile(r"""\b(?:require|import)\s*\(\s*["']([^"'\n]+)["']\s*\)"""),
    ),
    "go": (re.compile(r"""^\s*(?:import\s+)?(?:\w+\s+|\.\s+|_\s+)?"([\w./-]+)"\s*$""", re.M),),
    "rust": (
        re.compile(rf"^{_S}*(?:pub(?:\([^)\n]*\))?{_S}+)?use{_S}+([\w:]+)", re.M),
        re.compile(rf"^{_S}*(?:pub(?:\([^)\n]*\))?{_S}+)?mod{_S}+(\w+){_S}*;", re.M),
    ),
    "c": (re.compile(rf"^#{_S}*include{_S}*[\"<]([^\">\n]+)[\">]", re.M),),
    "lua": (re.compile(r"""\brequire\s*\(?\s*["']([\w./-]+)["']"""),),
}
# names a file brings in by name: `from m import a, b`, `import { a, b } from`, `use m::{a, b}`
_NAMED_IMPORTS: dict[str, re.Pattern[str]] = {
    "python": re.compile(rf"^{_S}*from{_S}+[\w.]+{_S}+import{_S}+(\([^)]*\)|[^\n#]+)", re.M),
    "js": re.compile(
        r"\bimport\s+(?:type\s+)?(?:\w+\s*,\s*)?\{([^}]*)\}\s*from|\bconst\s*\{([^}]*)\}\s*=\s*require"
    ),
    "rust": re.compile(rf"^{_S}*(?:pub{_S}+)?use{_S}+[\w:]+::\{{([^}}]*)\}}", re.M),
}
# the names a file gives to modules it imports, for qualified uses: `click.echo`, `M.fn`, `io::Read`
_ALIASES: dict[str, tuple[re.Pattern[str], ...]] = {
    "python": (
        re.compile(
            rf"^{_S}*import{_S}+([\w.]+(?:{_S}+as{_S}+\w+)?(?:{_S}*,{_S}*[\w.]+(?:{_S}+as{_S}+\w+)?)*)",
            re.M,
        ),
    ),
    "js": (
        re.compile(r"""\bimport\s+\*\s+as\s+(\w+)\s+from\s*["']([^"'\n]+)["']"""),
        re.compile(
            r"""\bimport\s+(?!type\b)(\w+)\s*(?:,\s*\{[^}]*\})?\s*from\s*["']([^"'\n]+)["']"""
        ),
        re.compile(
            r"""\b(?:const|let|var|import)\s+(\w+)\s*=\s*require\s*\(\s*["']([^"'\n]+)["']\s*\)"""
        ),
    ),
    "lua": (re.compile(r"""\blocal\s+(\w+)\s*=\s*require\s*\(?\s*["']([\w./-]+)["']"""),),
    "go": (re.compile(r"""^\s*(?:import\s+)?(?:(\w+)\s+)?"([\w./-]+)"\s*$""", re.M),),
    "rust": (
        re.compile(
            rf"^{_S}*(?:pub(?:\([^)\n]*\))?{_S}+)?use{_S}+([\w:]+?)(?:::\{{([^}}]*)\}})?(?:{_S}+as{_S}+(\w+))?{_S}*;",
            re.M,
        ),
        re.compile(rf"^{_S}*(?:pub(?:\([^)\n]*\))?{_S}+)?mod{_S}+(\w+){_S}*;", re.M),
    ),
}
_AS = re.compile(r"^([\w.:]+)(?:\s+as\s+(\w+))?$")
_GO_VERSION = re.compile(r"v\d+")
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
_BINDS_AN_IMPORT = re.compile(r"=\s*(?:await\s+)?(?:require|import)\b")

KEYWORDS = frozenset(  # and common built-ins: a name everyone uses is nobody's definition
    """and as assert async await break case catch class const continue def default defer del
    delete do elif else end enum except export extends false final finally fn for from func
    function global goto if impl import in instanceof interface is lambda let local loop map
    match mod mut new nil none not null or package pass pub raise range ref repeat require return
    select self static struct super switch then this throw trait true try type typeof undefined
    union unsafe until use var void where while with yield int char long short unsigned signed
    double float bool boolean string number usize isize str size_t sizeof typedef extern inline
    register volatile error println printf print len append make cap panic some err Self None
    True False Option Result Vec String Box Some Err""".split()  # noqa: SIM905 (reads as prose)
)


class Paths:
    """The relative paths (`/`-separated) of one workspace root, with the lookups that import
    resolution needs: by file name and by folder."""

    def __init__(self, paths: Iterable[str]) -> None:
        self.all = frozenset(paths)
        by_base: dict[str, list[str]] = defaultdict(list)
        by_folder: dict[str, list[str]] = defaultdict(list)
        for path in sorted(self.all):
            by_base[posixpath.basename(path)].append(path)
            by_folder[posixpath.dirname(path)].append(path)
        self._by_base = dict(by_base)
        self._by_folder = dict(by_folder)

    def __contains__(self, path: object) -> bool:
        return path in self.all

    def __len__(self) -> int:
        return len(self.all)

    def named(self, base: str) -> list[str]:
        """The paths whose file name is `base`."""
        return self._by_base.get(base, [])

    def folders(self) -> Iterable[str]:
        """Every folder that holds a file."""
        return self._by_folder.keys()

    def in_folder(self, folder: str) -> list[str]:
        """The files right in `folder`."""
        return self._by_folder.get(folder, [])


@dataclass(frozen=True, slots=True)
class Definition:
    """A name a file defines, the line (from 0) that defines it, and the text to send: that
    line (the signature) and the lines that continue it up to where its body opens."""

    name: str
    line: int
    signature: str
    text: str = ""

    def lines(self) -> list[str]:
        """The lines to send, the signature first."""
        return (self.text or self.signature).split("\n")


def family_of_path(path: str) -> str | None:
    """The family of rules that reads the file at `path`, or None for other files."""
    return FAMILIES.get(posixpath.splitext(path)[1].lower())


def family_of_language(language_id: str) -> str | None:
    """The family of rules for an LSP languageId, or None."""
    return LANGUAGE_FAMILIES.get(language_id)


def _line_starts(text: str) -> list[int]:
    starts = [0]
    find = text.find
    at = find("\n")
    while at != -1:
        starts.append(at + 1)
        at = find("\n", at + 1)
    return starts


def definitions(text: str, family: str) -> list[Definition]:
    """Every definition `text` announces, in the order of its lines (a line once)."""
    starts = _line_starts(text)
    found: dict[int, Definition] = {}
    for pattern in _DEFINITIONS.get(family, ()):
        for match in pattern.finditer(text):
            name = match[match.lastindex or 0]
            if len(name) < MIN_NAME_CHARS or name in KEYWORDS:
                continue
            line = bisect_right(starts, match.start()) - 1
            if line in found:
                continue
            end = text.find("\n", starts[line])
            signature = text[starts[line] : end if end != -1 else len(text)]
            if _BINDS_AN_IMPORT.search(signature):
                continue  # `const x = require("x")` names a module, it defines nothing
            signature = signature[:MAX_SIGNATURE_CHARS].rstrip()
            found[line] = Definition(name, line, signature, _continued(text, starts, line))
    return [found[line] for line in sorted(found)]


def _continued(text: str, starts: list[int], line: int) -> str:
    """The signature on `line` and the lines that continue it, up to where its body opens
    (SIGNATURE_LINES at most, MAX_SIGNATURE_CHARS each); "" when it is the one line."""
    taken: list[str] = []
    for number in range(line, min(line + SIGNATURE_LINES, len(starts))):
        end = starts[number + 1] - 1 if number + 1 < len(starts) else len(text)
        current = text[starts[number] : end][:MAX_SIGNATURE_CHARS].rstrip()
        if taken and not current.strip():
            break
        taken.append(current)
        if _opens_body(current):
            break
    return "\n".join(taken) if len(taken) > 1 else ""


def _opens_body(line: str) -> bool:
    """Whether a signature line is complete: it opens a body, ends a statement, or assigns."""
    return line.endswith(("{", ":", ";", "=>", "then", "do", ")", "end")) or "=" in line


def imports(text: str, family: str) -> list[str]:
    """The modules, files or packages `text` imports, as written, in order, each once."""
    seen: dict[str, None] = {}
    for pattern in _IMPORTS.get(family, ()):
        for match in pattern.finditer(text):
            for spec in match[1].split(","):
                spec = spec.strip()
                if spec:
                    seen.setdefault(spec, None)
    return list(seen)


def imported_names(text: str, family: str) -> list[str]:
    """The names `text` brings in one by one (`from m import a`, `import { a }`, `use m::{a}`)."""
    pattern = _NAMED_IMPORTS.get(family)
    if pattern is None:
        return []
    names: dict[str, None] = {}
    for match in pattern.finditer(text):
        body = next((group for group in match.groups() if group), "")
        for part in body.strip("() \n").split(","):
            words = part.split()
            if words and words[0] not in ("type", "*") and _IDENTIFIER.fullmatch(words[0]):
                names.setdefault(words[0], None)
            elif len(words) > 1 and _IDENTIFIER.fullmatch(words[1]):
                names.setdefault(words[1], None)
    return list(names)


def aliases(text: str, family: str) -> dict[str, str]:
    """The names `text` gives to the modules it imports, each with the import as `resolve`
    takes it: `import os.path as osp` gives {"osp": "os.path"}, `from . import utils` gives
    {"utils": ".utils"}, `local M = require("a.b")` {"M": "a.b"}, `use crate::x::y;` {"y":
    "crate::x::y"}. A name that is not a module (`from m import f`) resolves to no file."""
    if family in _ALIAS_READERS:
        return _ALIAS_READERS[family](text)
    found: dict[str, str] = {}
    for pattern in _ALIASES.get(family, ()):  # JavaScript and Lua: (name, module) as written
        for match in pattern.finditer(text):
            found[match[1]] = match[2]
    return found


def _python_aliases(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _ALIASES["python"][0].finditer(text):
        for part in match[1].split(","):
            named = _AS.match(part.strip())
            if named is not None:
                module, alias = named[1], named[2]
                top = module.split(".")[0]
                found[alias or top] = module if alias else top
                found[module] = module  # `import a.b` then `a.b.f`
    for match in _NAMED_IMPORTS["python"].finditer(text):
        source = re.match(rf"{_S}*from{_S}+([\w.]+)", match[0])
        base = source[1] if source is not None else ""
        for part in match[1].strip("() \n").split(","):
            named = _AS.match(" ".join(part.split()))
            if base and named is not None and _IDENTIFIER.fullmatch(named[1]):
                joiner = "" if base.endswith(".") else "."
                found.setdefault(named[2] or named[1], base + joiner + named[1])
    return found


def _rust_aliases(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    uses, mods = _ALIASES["rust"]
    for match in uses.finditer(text):
        path, group, alias = match[1], match[2], match[3]
        if group is None:
            found[alias or path.rpartition("::")[2]] = path
            continue
        for part in group.split(","):  # `use a::{b, c as d, self}`
            named = _AS.match(" ".join(part.split()))
            if named is None:
                continue
            item = path if named[1] == "self" else f"{path}::{named[1]}"
            found[named[2] or item.rpartition("::")[2]] = item
    for match in mods.finditer(text):
        found.setdefault(match[1], match[1])
    return found


def _go_aliases(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _ALIASES["go"][0].finditer(text):
        alias, spec = match[1], match[2]
        if alias in (None, "_", "import"):  # the package's name, guessed from its path
            parts = spec.split("/")
            versioned = len(parts) > 1 and _GO_VERSION.fullmatch(parts[-1])
            alias = (parts[-2] if versioned else parts[-1]).removeprefix("go-")
        found[alias.replace("-", "_")] = spec
    return found


_ALIAS_READERS = {"python": _python_aliases, "rust": _rust_aliases, "go": _go_aliases}


def names_in(text: str) -> set[str]:
    """Every identifier in `text`, once."""
    return set(_IDENTIFIER.findall(text))


def identifiers(text: str) -> Iterator[tuple[int, str]]:
    """(offset, name) of each identifier in `text`."""
    for match in _IDENTIFIER.finditer(text):
        yield match.start(), match[0]


_JS_EXTENSIONS = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".d.ts")


def importer_matters(spec: str, family: str) -> bool:
    """Whether where the importing file is changes what `resolve` finds for `spec` (a relative
    import, a C include, a Rust path); a Python absolute import, a Lua module or a Go package
    resolves the same from any file of the workspace."""
    if family == "python":
        return spec.startswith(".")
    return family not in ("lua", "go")


def resolve(spec: str, importer: str, family: str, files: Paths) -> list[str]:
    """The workspace files (paths relative to the root, `/`-separated) that the import `spec`
    in the file `importer` brings in; `files` is every indexed path."""
    here = posixpath.dirname(importer)
    tried: list[str] = []
    if family == "python":
        dots = len(spec) - len(spec.lstrip("."))
        parts = [part for part in spec[dots:].split(".") if part]
        if dots:
            base = here
            for _ in range(dots - 1):
                base = posixpath.dirname(base)
            stem = posixpath.join(base, *parts) if parts else base
            tried = [stem + ".py", stem + "/__init__.py", stem + ".pyi"]
        else:
            stem = "/".join(parts)
            tried = [stem + ".py", stem + "/__init__.py", stem + ".pyi"]
            return _by_suffix(tried, files)
    elif family == "js":
        if not spec.startswith("."):
            return []
        stem = posixpath.normpath(posixpath.join(here, spec))
        base = re.sub(r"\.(?:m|c)?js$", "", stem)
        tried = [stem, *(base + ext for ext in _JS_EXTENSIONS)]
        tried += [posixpath.join(stem, "index" + ext) for ext in _JS_EXTENSIONS]
    elif family == "c":
        tried = [posixpath.normpath(posixpath.join(here, spec))]
        found = [path for path in tried if path in files]
        return found or _by_suffix([spec], files)
    elif family == "lua":
        stem = spec.replace(".", "/")
        return _by_suffix([stem + ".lua", stem + "/init.lua"], files)
    elif family == "go":
        return _go_package(spec, files)
    elif family == "rust":
        return _rust_module(spec, importer, files)
    return [path for path in tried if path in files][:1]


def _by_suffix(tails: list[str], files: Paths) -> list[str]:
    """The files whose path is one of `tails` or ends with `/` and one of them."""
    found = [path for path in tails if path in files]
    if found:
        return found[:1]
    for tail in tails:
        found = [
            path for path in files.named(posixpath.basename(tail)) if path.endswith("/" + tail)
        ]
        if found:
            return sorted(found, key=str.__len__)[:2]
    return []


def _go_package(spec: str, files: Paths) -> list[str]:
    """The files of the workspace folder that the import path `spec` ends with."""
    parts = spec.split("/")
    for take in range(min(len(parts), 3), 0, -1):
        tail = "/".join(parts[-take:])
        for folder in files.folders():
            if folder == tail or folder.endswith("/" + tail):
                found = [
                    path
                    for path in files.in_folder(folder)
                    if path.endswith(".go") and not path.endswith("_test.go")
                ]
                if found:
                    return found
    return []


def _rust_module(spec: str, importer: str, files: Paths) -> list[str]:
    """The file of the module a `use` path or `mod` name names, inside the importer's crate."""
    parts = spec.split("::")
    here = posixpath.dirname(importer)
    if len(parts) == 1:  # `mod name;`: beside the importer, or in its own folder
        own = posixpath.splitext(importer)[0]
        tried = [posixpath.join(here, parts[0] + ".rs"), posixpath.join(here, parts[0], "mod.rs")]
        tried += [posixpath.join(own, parts[0] + ".rs")]
        return [path for path in tried if path in files][:1]
    if parts[0] == "crate":
        base = here
        while base and posixpath.basename(base) != "src":
            base = posixpath.dirname(base)
        base = base or here
    elif parts[0] in ("super", "self"):
        base = here if parts[0] == "self" else posixpath.dirname(here)
    else:
        return []
    rest = parts[1:]
    for take in range(len(rest), 0, -1):  # the longest path that is a file; the rest are items
        stem = posixpath.join(base, *rest[:take])
        for path in (stem + ".rs", stem + "/mod.rs"):
            if path in files:
                return [path]
    return []
