"""The architecture's import rules: read from the source, and checked in fresh interpreters."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[2] / "server" / "fim_lsp"
ENTRY_POINTS = {"cli", "cli_commands", "__main__"}
INTERFACE = {"providers", "providers.base", "providers.catalog"}  # what may be known of providers
# which parts of fim_lsp each part may import (besides itself); a part is a package or a top module
MAY_IMPORT: dict[str, set[str]] = {
    "config": {"providers.catalog"},
    "settings_copies": {"config", "providers.catalog"},
    "providers": {"config"},
    "privacy": set(),
    "core": {"config"} | INTERFACE,
    "context": {"config", "core"} | INTERFACE,
    "usage": {"config", "core"} | INTERFACE,
    "service": {"config", "core", "context", "privacy", "usage", "providers.source"} | INTERFACE,
    # lsp/ writes to the editor, a way out for text: it may use the one scrubber
    "lsp": {"config", "core", "service", "providers.source", "privacy.scrub"} | INTERFACE,
}
LIBRARIES = {  # third-party libraries, and which parts may use them
    "pygls": {"lsp"},
    "lsprotocol": {"lsp"},
    "cattrs": {"lsp"},
    "pathspec": {"privacy"},
    "httpx": {"providers"},
    "httpx_sse": {"providers"},
}
PURE = {  # no I/O, no clock: the clock is an argument
    "config",
    "core.documents",
    "core.cursor",
    "core.cache",
    "core.postprocess",
    "core.fitting",
    "core.notices",
    "core.rhythm",
    "core.backoff",
    "core.events",
    "core.languages",
    "privacy.exclusions",
    "privacy.redaction",
    "usage.stats",
    "usage.adaptation",
}
IO_MODULES = {"httpx", "httpx_sse", "socket", "asyncio", "subprocess", "urllib.request", "time"}
HEAVY = ("pygls", "lsprotocol", "httpx", "httpcore", "httpx_sse")


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts) or "__init__"


def _part(name: str) -> str:
    return name.split(".")[0]


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            if node.module == "fim_lsp":
                names.update(
                    f"fim_lsp.{alias.name}"
                    for alias in node.names
                    if not alias.name.startswith("_")
                )
    return names


def _allowed(importer: str, imported: str) -> bool:
    part = _part(importer)
    if _part(imported) == part or importer in ENTRY_POINTS or imported == "__init__":
        return True
    allowed = MAY_IMPORT[part]
    return imported in allowed or _part(imported) in allowed


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_each_module_imports_only_what_its_part_may(path: Path) -> None:
    name = _name(path)
    for imported in _imports(path):
        top = imported.split(".")[0]
        if top == "fim_lsp":
            inner = imported.removeprefix("fim_lsp").lstrip(".") or "__init__"
            assert _allowed(name, inner), f"{name} may not import fim_lsp.{inner}"
        elif top in LIBRARIES and name not in ENTRY_POINTS:
            assert _part(name) in LIBRARIES[top], f"{name} may not import {top}"
    if name in PURE:
        assert not _imports(path) & IO_MODULES, f"{name} is pure: no I/O, no clock"


CHECKED = [
    path
    for path in _modules()
    if _part(_name(path)) not in {"lsp", "providers"} and _name(path) not in ENTRY_POINTS
]


@pytest.mark.parametrize("path", CHECKED, ids=_name)
def test_nothing_outside_lsp_and_providers_loads_pygls_or_httpx_even_indirectly(
    path: Path,
) -> None:
    module = "fim_lsp" if _name(path) == "__init__" else f"fim_lsp.{_name(path)}"
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys, {module}; print(*sorted({{m.split('.')[0] for m in sys.modules}}))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert not set(HEAVY) & set(loaded), f"importing {module} loads {set(HEAVY) & set(loaded)}"


def test_the_server_answers_initialize_before_loading_what_waits_for_first_use() -> None:
    """The service (with the engine) is built at `initialized`; httpx with its TLS context, the
    providers, the exclusions' matcher and the redaction patterns load after that, on threads."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from fim_lsp.lsp.server import create_server\n"
            "from fim_lsp import cli\n"
            "create_server(environ={})\n"
            "print(*sorted(sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    later = {
        "httpx",
        "httpcore",
        "pathspec",
        "fim_lsp.privacy.redaction",
        "fim_lsp.providers.factory",
        "fim_lsp.cli_commands",  # the one module that prints to stdout: never while serving
    }
    assert not later & set(loaded), f"loaded at start: {later & set(loaded)}"


def test_only_the_command_line_loads_the_module_that_prints() -> None:
    """`cli_commands` prints to stdout, which is the protocol channel when serving: it is loaded
    only by `cli`, for the commands other than serving."""
    importers = [_name(path) for path in _modules() if "fim_lsp.cli_commands" in _imports(path)]
    assert importers == ["cli"], importers
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print"):
                continue
            to = next((ast.unparse(k.value) for k in node.keywords if k.arg == "file"), "stdout")
            where = f"{_name(path)}:{node.lineno}"
            assert _name(path) == "cli_commands" or to == "sys.stderr", f"{where} prints to {to}"


def test_every_module_starts_with_a_one_sentence_docstring() -> None:
    for path in _modules():
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert docstring, path
        assert docstring.count(". ") == 0 and docstring.endswith("."), path


def test_the_architecture_page_lists_every_module_with_its_docstring() -> None:
    page = (PACKAGE.parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    for path in _modules():
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        row = f"| `{path.relative_to(PACKAGE).as_posix()}` | {docstring} |"
        assert row in page, row
