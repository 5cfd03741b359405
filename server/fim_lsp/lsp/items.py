"""How a suggestion looks in LSP: the menu item, the accept command, and the id notifications carry."""

from __future__ import annotations

import re
from collections.abc import Mapping

from lsprotocol import types

from fim_lsp.core import cursor
from fim_lsp.core.documents import LINE_BREAK, Encoding, units

ACCEPTED_COMMAND = "fimLsp.accepted"  # run by the editor after a suggestion is inserted


def menu_item(
    text: str,
    at: types.Range,
    cut: cursor.Cut,
    *,
    language: str,
    model: str,
    encoding: Encoding,
    markdown: bool,
    snippets: bool = False,
) -> types.CompletionItem:
    """The suggestion as a menu item that replaces the word before the cursor with that word and
    the suggestion, so that editors can filter by what was typed and inserting it gives the ghost
    text's result (plain text says it goes in as is); `markdown`: the client renders markdown
    documentation; `snippets`: as a snippet whose later lines the client indents as the cursor's
    line (see `snippets_for`)."""
    word = cursor.word_before(cut)
    inserted = word + text
    new_text, text_format = inserted, types.InsertTextFormat.PlainText
    snippet = as_snippet(inserted, _indent(cut)) if snippets else None
    if snippet is not None:
        new_text, text_format = snippet, types.InsertTextFormat.Snippet
    start = types.Position(at.start.line, at.start.character - units(word, encoding))
    documentation: str | types.MarkupContent = inserted
    if markdown:
        fence = "`" * max(3, _longest_backtick_run(inserted) + 1)
        documentation = types.MarkupContent(
            kind=types.MarkupKind.Markdown, value=f"{fence}{language}\n{inserted}\n{fence}"
        )
    return types.CompletionItem(
        label=next((line.strip() for line in LINE_BREAK.split(inserted) if line.strip()), text),
        kind=types.CompletionItemKind.Text,
        detail=f"fim-lsp · {model}",
        documentation=documentation,
        filter_text=inserted,
        text_edit=types.TextEdit(range=types.Range(start=start, end=at.end), new_text=new_text),
        insert_text_format=text_format,
        # VS Code adjusts the indentation of every other item's later lines
        insert_text_mode=types.InsertTextMode.AsIs if snippet is None else None,
    )


SNIPPET_CLIENT = "Neovim"  # the clientInfo name of Neovim's own LSP client


def snippets_for(
    client_name: str | None, capabilities: types.ClientCompletionItemOptions | None
) -> bool:
    """Whether menu items go as snippets: only to Neovim's own completion (`vim.lsp.completion`),
    which inserts only the first word or line of a multi-line plain-text item, expands snippets
    and indents their later lines as the cursor's line, and does not say it can insert text as is.
    Plain text to every other client, which inserts it exactly: nvim-cmp and blink.cmp (Neovim
    too, but they say they insert as is), VS Code, and eglot and Helix, whose snippet engines
    indent a snippet's lines in their own ways."""
    if client_name != SNIPPET_CLIENT or capabilities is None or not capabilities.snippet_support:
        return False
    modes = capabilities.insert_text_mode_support
    return modes is None or types.InsertTextMode.AsIs not in modes.value_set


SNIPPET_SPECIAL = re.compile(r"[\\$}]")
INDENT = re.compile(r"[ \t]*")


def as_snippet(text: str, indent: str) -> str | None:
    """`text` as a snippet that inserts exactly `text` in a client that indents each line after
    the first by `indent` (the cursor line's): `\\`, `$` and `}` escaped, those lines without
    `indent` (an empty line gets it all the same); None when a line does not start with it."""
    parts = LINE_BREAK.split(text)
    breaks = LINE_BREAK.findall(text)
    if indent:
        for index in range(1, len(parts)):
            if parts[index].startswith(indent):
                parts[index] = parts[index][len(indent) :]
            elif parts[index]:
                return None
    escaped = [SNIPPET_SPECIAL.sub(lambda found: "\\" + found.group(), part) for part in parts]
    return "".join(part + end for part, end in zip(escaped, [*breaks, ""], strict=True))


def _indent(cut: cursor.Cut) -> str:
    """The cursor line's indentation, which a snippet's later lines get from the client."""
    return INDENT.match(cut.line_prefix + cut.line_suffix).group()  # type: ignore[union-attr]


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)


def accept_command(suggestion_id: str) -> types.Command:
    """The command an item carries, so the editor says when this suggestion was accepted."""
    return types.Command(
        title="fim-lsp: accepted", command=ACCEPTED_COMMAND, arguments=[suggestion_id]
    )


def field(value: object, name: str) -> object:
    """`value[name]` or `value.name`: params of methods lsprotocol does not know come either way."""
    if isinstance(value, Mapping):
        return value.get(name)
    return getattr(value, name, None)


def suggestion_id(params: object) -> str | None:
    """The id our accept command carries, from the `item` of a lifecycle notification."""
    arguments = field(field(field(params, "item"), "command"), "arguments")
    if isinstance(arguments, list | tuple) and arguments and isinstance(arguments[0], str):
        return arguments[0]
    return None
