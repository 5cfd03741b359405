"""The import rules of DESIGN.md, read from the source with ast."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[2] / "server" / "fim_lsp"
PURE = {
    "documents",
    "cursor",
    "cache",
    "postprocess",
    "fitting",
    "config",
    "notices",
    "rhythm",
    "exclusions",
    "languages",
    "redaction",
    "backoff",
    "stats",
    "adaptation",
}
LSP_MODULES = {
    "app",
    "lsp_wire",
    "lsp_sync",
    "lsp_items",
    "lsp_commands",
}  # the server and its LSP edges
ENTRY_POINTS = {"cli", "__main__"}
IO_MODULES = {"httpx", "httpx_sse", "socket", "asyncio", "subprocess", "urllib.request", "time"}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE).with_suffix("").parts)


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_import_rules(path: Path) -> None:
    name = _name(path)
    imports = _imports(path)
    if name not in ENTRY_POINTS:
        assert "fim_lsp.app" not in imports, "nothing but the entry points imports app"
    if name not in LSP_MODULES:
        assert not any(i.split(".")[0] in {"pygls", "lsprotocol"} for i in imports), (
            "only app and the lsp_* modules know pygls and lsprotocol"
        )
    if not name.startswith("providers"):
        assert not any(i.split(".")[0] in {"httpx", "httpx_sse"} for i in imports), (
            "only providers import httpx"
        )
    if name in PURE:
        assert not imports & IO_MODULES, f"{name} is pure: no I/O, no clock"


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
