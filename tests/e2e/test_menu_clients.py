"""The menu item of a multi-line suggestion, as ten real clients ask for it and insert it, leaves
the document exactly as accepting the ghost text does.

Each client starts the real server with the `clientInfo` and completion capabilities it sends
(written from each project's source: Neovim's `vim.lsp.protocol.make_client_capabilities`,
cmp-nvim-lsp's and blink.cmp's capability functions merged over it as their READMEs say,
vscode-languageclient's completion feature, Emacs 30's eglot, Helix's `helix-lsp` client), and
inserts the item the way that client does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from lsprotocol import converters, types

from bench.fakes.codestral import FakeCodestral
from tests.e2e.conftest import Start, inline, menu, open_document

SOURCE = "def add(a, b):\n    to\n\nprint(add(1, 2))\n"
CURSOR = (1, 6)  # after `to`
SUGGESTION = 'tal = 0\n    for x in (a, b):\n        total += x  # "${x}" \\ }\n    return total'
ACCEPTED = (
    "def add(a, b):\n"
    "    total = 0\n"
    "    for x in (a, b):\n"
    '        total += x  # "${x}" \\ }\n'
    "    return total\n"
    "\n"
    "print(add(1, 2))\n"
)

COMPLETION_KINDS = list(range(1, 26))


def _neovim(version: str) -> dict[str, Any]:
    """Neovim's own client: the completion part of `make_client_capabilities` (0.11.4, 0.12.4)."""
    capabilities: dict[str, Any] = {
        "general": {"positionEncodings": ["utf-8", "utf-16", "utf-32"]},
        "textDocument": {
            "completion": {
                "dynamicRegistration": False,
                "completionItem": {
                    "snippetSupport": True,
                    "commitCharactersSupport": False,
                    "preselectSupport": False,
                    "deprecatedSupport": True,
                    "documentationFormat": ["markdown", "plaintext"],
                    "resolveSupport": {"properties": ["additionalTextEdits", "command"]},
                    "tagSupport": {"valueSet": [1]},
                },
                "completionItemKind": {"valueSet": COMPLETION_KINDS},
                "completionList": {
                    "itemDefaults": ["editRange", "insertTextFormat", "insertTextMode", "data"]
                },
                "contextSupport": True,
            }
        },
    }
    if version == "0.12":
        item = capabilities["textDocument"]["completion"]["completionItem"]
        item["resolveSupport"]["properties"].append("documentation")
        item["insertReplaceSupport"] = True
        item["labelDetailsSupport"] = True
    return capabilities


def _merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """`over` laid over `base` key by key, as `vim.tbl_deep_extend('force', base, over)` does."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def _nvim_cmp(version: str) -> dict[str, Any]:
    """nvim-cmp: cmp-nvim-lsp's `default_capabilities()` given to the client, over Neovim's."""
    item = {
        "snippetSupport": True,
        "commitCharactersSupport": True,
        "deprecatedSupport": True,
        "preselectSupport": True,
        "tagSupport": {"valueSet": [1]},
        "insertReplaceSupport": True,
        "resolveSupport": {"properties": ["documentation", "detail", "additionalTextEdits"]},
        "insertTextModeSupport": {"valueSet": [1, 2]},
        "labelDetailsSupport": True,
    }
    completion = {
        "dynamicRegistration": False,
        "completionItem": item,
        "contextSupport": True,
        "insertTextMode": 1,
    }
    return _merged(_neovim(version), {"textDocument": {"completion": completion}})


def _blink_cmp(version: str) -> dict[str, Any]:
    """blink.cmp: its `get_lsp_capabilities()` over Neovim's (it says it inserts as is only)."""
    item = {
        "snippetSupport": True,
        "commitCharactersSupport": False,
        "documentationFormat": ["markdown", "plaintext"],
        "deprecatedSupport": True,
        "preselectSupport": False,
        "tagSupport": {"valueSet": [1]},
        "insertReplaceSupport": True,
        "resolveSupport": {"properties": ["documentation", "detail", "additionalTextEdits"]},
        "insertTextModeSupport": {"valueSet": [1]},
        "labelDetailsSupport": True,
    }
    completion = {
        "completionItem": item,
        "completionList": {
            "itemDefaults": [
                "commitCharacters",
                "editRange",
                "insertTextFormat",
                "insertTextMode",
                "data",
            ]
        },
        "contextSupport": True,
        "insertTextMode": 1,
    }
    return _merged(_neovim(version), {"textDocument": {"completion": completion}})


VSCODE = {
    "general": {"positionEncodings": ["utf-16"]},
    "textDocument": {
        "completion": {
            "dynamicRegistration": True,
            "contextSupport": True,
            "completionItem": {
                "snippetSupport": True,
                "commitCharactersSupport": True,
                "documentationFormat": ["markdown", "plaintext"],
                "deprecatedSupport": True,
                "preselectSupport": True,
                "tagSupport": {"valueSet": [1]},
                "insertReplaceSupport": True,
                "resolveSupport": {
                    "properties": ["documentation", "detail", "additionalTextEdits"]
                },
                "insertTextModeSupport": {"valueSet": [1, 2]},
                "labelDetailsSupport": True,
            },
            "insertTextMode": 2,
            "completionItemKind": {"valueSet": COMPLETION_KINDS},
            "completionList": {
                "itemDefaults": [
                    "commitCharacters",
                    "editRange",
                    "insertTextFormat",
                    "insertTextMode",
                    "data",
                ],
                "applyKindSupport": True,
            },
        }
    },
}


def _eglot(yasnippet: bool) -> dict[str, Any]:
    """Emacs 30's eglot: snippets only when yasnippet is loaded; no insert text modes."""
    return {
        "general": {"positionEncodings": ["utf-32", "utf-8", "utf-16"]},
        "textDocument": {
            "completion": {
                "dynamicRegistration": False,
                "completionItem": {
                    "snippetSupport": yasnippet,
                    "deprecatedSupport": True,
                    "resolveSupport": {
                        "properties": ["documentation", "details", "additionalTextEdits"]
                    },
                    "tagSupport": {"valueSet": [1]},
                },
                "contextSupport": True,
            }
        },
    }


HELIX = {
    "general": {"positionEncodings": ["utf-8", "utf-32", "utf-16"]},
    "textDocument": {
        "completion": {
            "completionItem": {
                "snippetSupport": True,  # editor.lsp.snippets, on by default
                "resolveSupport": {
                    "properties": ["documentation", "detail", "additionalTextEdits"]
                },
                "insertReplaceSupport": True,
                "deprecatedSupport": True,
                "tagSupport": {"valueSet": [1]},
            },
            "completionItemKind": {},
        }
    },
}


class Unmodelled(AssertionError):
    """The client got an item in a form whose insertion depends on more than the item says."""


def _unescaped(snippet: str) -> str:
    """The text a snippet without tab stops inserts: `\\$`, `\\}` and `\\\\` stand for themselves."""
    if re.search(r"(?<!\\)(?:\\\\)*\$", snippet):
        raise Unmodelled(f"a snippet with a tab stop or variable: {snippet!r}")
    return re.sub(r"\\([$}\\])", r"\1", snippet)


def _indent_later_lines(text: str, indent: str) -> str:
    lines = text.split("\n")
    return "\n".join([lines[0], *(indent + line for line in lines[1:])])


Insert = Callable[[types.CompletionItem, str], str]  # (item, cursor line) -> the text inserted


def neovim_builtin(item: types.CompletionItem, line: str) -> str:
    """`vim.lsp.completion`: a snippet goes to `vim.snippet.expand`, which gives each later line
    the cursor line's indentation; a multi-line plain item is cut to its first word or line."""
    text = _new_text(item)
    if item.insert_text_format == types.InsertTextFormat.Snippet:
        return _indent_later_lines(_unescaped(text), re.match(r"\s*", line).group())  # type: ignore[union-attr]
    if "\n" in text:
        raise AssertionError("Neovim's own completion inserts a multi-line plain item cut short")
    return text


def neovim_plugin(item: types.CompletionItem, line: str) -> str:
    """nvim-cmp and blink.cmp: plain text as the text edit says; a snippet to `vim.snippet`."""
    if item.insert_text_format == types.InsertTextFormat.Snippet:
        return neovim_builtin(item, line)
    return _new_text(item)


def vscode(item: types.CompletionItem, line: str) -> str:
    """VS Code keeps the whitespace of an item whose insert text mode is as-is; any other item's
    later lines get the cursor line's indentation (its default mode adjusts indentation)."""
    text = _new_text(item)
    if item.insert_text_format == types.InsertTextFormat.Snippet:
        text = _unescaped(text)
    if item.insert_text_mode == types.InsertTextMode.AsIs:
        return text
    return _indent_later_lines(text, re.match(r"\s*", line).group())  # type: ignore[union-attr]


def own_snippet_engine(engine: str) -> Insert:
    """eglot (plain text through `insert`, snippets through yasnippet) and Helix (plain text as the
    edit says, snippets through its own renderer): both engines indent a snippet's lines in ways
    of their own, so only plain text is inserted exactly."""

    def insert(item: types.CompletionItem, line: str) -> str:
        if item.insert_text_format == types.InsertTextFormat.Snippet:
            raise Unmodelled(f"a snippet, which {engine} indents its own way")
        return _new_text(item)

    return insert


def _new_text(item: types.CompletionItem) -> str:
    assert isinstance(item.text_edit, types.TextEdit)
    return item.text_edit.new_text


@dataclass(frozen=True)
class Client:
    name: str
    version: str
    capabilities: dict[str, Any]
    insert: Insert


CLIENTS = {
    "neovim-0.11": Client("Neovim", "0.11.4", _neovim("0.11"), neovim_builtin),
    "neovim-0.12": Client("Neovim", "0.12.4", _neovim("0.12"), neovim_builtin),
    "nvim-cmp-0.11": Client("Neovim", "0.11.4", _nvim_cmp("0.11"), neovim_plugin),
    "nvim-cmp-0.12": Client("Neovim", "0.12.4", _nvim_cmp("0.12"), neovim_plugin),
    "blink.cmp-0.11": Client("Neovim", "0.11.4", _blink_cmp("0.11"), neovim_plugin),
    "blink.cmp-0.12": Client("Neovim", "0.12.4", _blink_cmp("0.12"), neovim_plugin),
    "vscode": Client("Visual Studio Code", "1.106.0", VSCODE, vscode),
    "eglot-yasnippet": Client("Eglot", "1.17.30", _eglot(True), own_snippet_engine("yasnippet")),
    "eglot": Client("Eglot", "1.17.30", _eglot(False), own_snippet_engine("yasnippet")),
    "helix": Client("helix", "25.07.1", HELIX, own_snippet_engine("Helix")),
}


def _applied(text: str, at: types.Range, new_text: str) -> str:
    """`text` with `at` replaced by `new_text` (ASCII only, so every encoding counts alike)."""
    assert text.isascii()
    lines = text.split("\n")

    def offset(position: types.Position) -> int:
        return sum(len(line) + 1 for line in lines[: position.line]) + position.character

    return text[: offset(at.start)] + new_text + text[offset(at.end) :]


@pytest.mark.parametrize("name", list(CLIENTS))
async def test_the_menu_item_inserts_what_the_ghost_text_does(
    start: Start, fake: FakeCodestral, name: str
) -> None:
    client = CLIENTS[name]
    fake.completion = SUGGESTION
    lsp = await start(
        capabilities=converters.get_converter().structure(
            client.capabilities, types.ClientCapabilities
        ),
        client_info=types.ClientInfo(name=client.name, version=client.version),
    )
    uri = open_document(lsp, SOURCE)
    ghost = await inline(lsp, uri, *CURSOR)
    assert isinstance(ghost, types.InlineCompletionList)
    [shown] = ghost.items
    assert isinstance(shown.insert_text, str) and shown.range is not None
    assert _applied(SOURCE, shown.range, shown.insert_text) == ACCEPTED

    listed = await menu(lsp, uri, *CURSOR)
    assert isinstance(listed, types.CompletionList)
    [item] = listed.items
    assert isinstance(item.text_edit, types.TextEdit)
    line = SOURCE.split("\n")[CURSOR[0]]
    inserted = client.insert(item, line)
    assert _applied(SOURCE, item.text_edit.range, inserted) == ACCEPTED
