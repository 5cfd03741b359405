"""What goes to the model besides the cut: the file header and related code from other files."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from fim_lsp import config
from fim_lsp.context import related
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
) -> related.Preamble:
    """The file header and the related code (from files `allowed` says may be sent)."""
    chunks: list[related.Chunk] = []
    if settings.extra_context_tokens > 0:
        started = time.perf_counter()
        chunks = related.related(
            document,
            documents,
            recent,
            cut.prefix[-1500:] + cut.suffix[:500],
            config.chars(settings.extra_context_tokens),
            lambda uri: workspace_path(uri, roots),
            allowed,
        )
        log.debug(
            "related code: %d chunks in %.1f ms",
            len(chunks),
            (time.perf_counter() - started) * 1000,
        )
    header = ""
    if settings.file_header:
        header = languages.path_comment(document.language_id, workspace_path(document.uri, roots))
    return related.Preamble(
        header=header,
        related=tuple(chunks),
        comment=languages.line_comment(document.language_id),
    )
