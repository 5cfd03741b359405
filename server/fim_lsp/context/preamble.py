"""What goes to the model besides the cut: the file header and related code from other files."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from fim_lsp import config
from fim_lsp.context import definitions, related, symbols
from fim_lsp.context.workspace import WorkspaceIndex
from fim_lsp.core import languages
from fim_lsp.core.cursor import Cut
from fim_lsp.core.documents import Document

log = logging.getLogger(__name__)


def uri_path(uri: str) -> str:
    """The path part of a URI, unquoted."""
    return unquote(urlsplit(uri).path)


def workspace_path(uri: str, roots: Iterable[str]) -> str:
    """The path of `uri` inside one of the workspace `roots`, else its file name (never the home path)."""
    path = uri_path(uri)
    for root in roots:
        base = uri_path(root).rstrip("/") + "/"
        if path.startswith(base):
            return path[len(base) :]
    return PurePosixPath(path).name


def preamble(
    document: Document,
    cut: Cut,
    settings: config.Settings,
    documents: Iterable[Document],
    recent: related.RecentEdits,
    roots: list[str],
    allowed: Callable[[str], bool],
    index: WorkspaceIndex | None = None,
    index_allowed: Callable[[str], bool] | None = None,
) -> related.Preamble:
    """The file header and the context: definitions the code at the cursor uses (from `index`,
    which reads the other open `documents` instead of their files), then related code; only from
    files `allowed` (for the index's files: `index_allowed`) says may be sent."""
    chunks: list[related.Chunk] = []
    notes: list[str] = []
    if settings.extra_context_tokens > 0:
        started, cpu = time.perf_counter(), time.thread_time()
        documents = list(documents)
        if index is not None:
            index.use_buffers(
                (uri_path(other.uri), other.revision, other.text)
                for other in documents
                if other.uri.startswith("file:") and other is not document
            )
        found = _definitions(document, cut, settings, roots, index_allowed or allowed, index)
        chunks = related.related(
            document,
            documents,
            recent,
            cut.prefix[-1500:] + cut.suffix[:500],
            config.chars(settings.extra_context_tokens),
            lambda uri: workspace_path(uri, roots),
            allowed,
            first=[chunk for chunk, _ in found],
        )
        notes = [why for chunk, why in found if _sent(chunk, chunks)]
        log.debug(
            "context: %d blocks, %d definitions in %.2f ms (%.2f ms CPU)",
            len(chunks),
            len(notes),
            (time.perf_counter() - started) * 1000,
            (time.thread_time() - cpu) * 1000,
        )
    header = ""
    if settings.file_header:
        header = languages.path_comment(document.language_id, workspace_path(document.uri, roots))
    return related.Preamble(
        header=header,
        related=tuple(chunks),
        comment=languages.line_comment(document.language_id),
        notes=tuple(notes),
    )


def _definitions(
    document: Document,
    cut: Cut,
    settings: config.Settings,
    roots: list[str],
    allowed: Callable[[str], bool],
    index: WorkspaceIndex | None,
) -> list[tuple[related.Chunk, str]]:
    """Chunks of the definitions the code at the cursor uses, best first, each with why."""
    family = symbols.family_of_language(document.language_id) or symbols.family_of_path(
        document.uri
    )
    if index is None or family is None:
        return []
    index.refresh_if_old()
    absolute = uri_path(document.uri) if document.uri.startswith("file:") else ""
    head = "\n".join(
        document.line(i) for i in range(min(definitions.HEAD_LINES, document.line_count))
    )
    found = definitions.wanted(index, absolute, family, head, cut.prefix, cut.suffix)
    budget = config.chars(settings.extra_context_tokens)
    made = definitions.chunks(
        found, budget, lambda uri: workspace_path(uri, roots), allowed, index.fresh
    )
    return [
        (chunk, f"{chunk.path}:{chunk.first_line + 1} {item.definition.name} ({item.why})")
        for chunk, item in made
    ]


def _sent(chunk: related.Chunk, blocks: list[related.Chunk]) -> bool:
    """Whether `chunk`'s first line is in one of the blocks that are sent."""
    return any(
        block.uri == chunk.uri
        and block.first_line <= chunk.first_line < block.first_line + len(block.texts())
        for block in blocks
    )
