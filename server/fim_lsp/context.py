"""What goes to the model besides the cut: the file header and related code, and which files never go."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from fim_lsp import config, languages, snippets
from fim_lsp.cursor import Cut
from fim_lsp.documents import Document
from fim_lsp.exclusions import is_excluded

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


def sendable(uri: str, settings: config.Settings) -> bool:
    """False for files that look like secrets or match the user's exclude patterns."""
    return not is_excluded(uri_path(uri), settings.exclude)


def preamble(
    document: Document,
    cut: Cut,
    settings: config.Settings,
    documents: Iterable[Document],
    recent: snippets.RecentEdits,
    roots: list[str],
    allowed: Callable[[str], bool],
) -> snippets.Preamble:
    """The file header and the related code (from files `allowed` says may be sent)."""
    related: list[snippets.Chunk] = []
    if settings.extra_context_tokens > 0:
        started = time.perf_counter()
        related = snippets.related(
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
            len(related),
            (time.perf_counter() - started) * 1000,
        )
    header = ""
    if settings.file_header:
        header = languages.path_comment(document.language_id, workspace_path(document.uri, roots))
    return snippets.Preamble(
        header=header,
        related=tuple(related),
        comment=languages.line_comment(document.language_id),
    )
