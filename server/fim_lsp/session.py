"""What the server decides apart from LSP: which files go, where suggestions go, what it holds and counts."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import logging
import os
import re
import resource
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from pathlib import Path, PurePosixPath
from typing import Any

from fim_lsp import __version__, config, context, cursor, snippets, stats_store
from fim_lsp.documents import Document, DocumentStore, Position, column
from fim_lsp.engine import Engine
from fim_lsp.gitignore import GitIgnore
from fim_lsp.notices import Notices
from fim_lsp.providers import HttpClient, create_http_client, create_provider

log = logging.getLogger(__name__)
SAVE_STATS_SECONDS = 60.0
MAX_OFFERS = 256
MIN_INFERRED_CHARS = 2  # an edit this long that puts a suggestion in place accepts it
LINE_BREAK = re.compile(r"\r\n|\r|\n")


class Session:
    """The server's state and decisions; the LSP server class mixes it in and supplies the hooks."""

    environ: dict[str, str]
    documents: DocumentStore
    recent_edits: snippets.RecentEdits
    notices: Notices
    http: HttpClient
    engine: Engine
    gitignore: GitIgnore
    stats_path: Path | None
    _suggestion_ids: itertools.count[int]
    # where each recent suggestion went: (document, line, column, text), for the prefetch
    _offers: OrderedDict[str, tuple[str, int, int, str]]

    def warn(self, message: str) -> None:
        """Show a warning in the editor."""
        raise NotImplementedError

    def workspace_roots(self) -> list[str]:
        """The URIs of the workspace folders."""
        raise NotImplementedError

    def background(self, work: Coroutine[Any, Any, Any]) -> None:
        """Run `work` without awaiting it."""
        raise NotImplementedError

    async def suggest(
        self, uri: str, where: Position, *, invoked: bool, lane: str
    ) -> tuple[str, Document, cursor.Cut] | None:
        """The suggestion at `where` in `uri`, with the document and the cut it was made for."""
        document = self.documents.get(uri)
        if document is None:
            log.warning("completion asked for %s, which is not open", uri)
            return None
        if not document.is_in_range(where):
            log.warning(
                "position %d:%d is outside %s (%d lines); using the nearest valid position",
                where.line,
                where.character,
                uri,
                document.line_count,
            )
        # the snapshot is taken here, before the first await: later edits cannot shift it
        cut = self.cut_at(document, *document.index_of(where))
        if (reason := await self.withheld(uri)) is not None:
            name = PurePosixPath(uri).name
            log.info("not sending %s: %s", name, reason)
            self.engine.excluded(f"{name} is not sent: {reason}")
            return None
        self.engine.excluded(None)
        text = await self.engine.complete(
            uri,
            cut,
            invoked=invoked,
            language_id=document.language_id,
            preamble=self.preamble_for(document, cut),
            lane=lane,
        )
        return None if text is None else (text, document, cut)

    def cut_at(self, document: Document, line: int, column: int) -> cursor.Cut:
        """The document cut at a code-point place, with the settings' budgets."""
        settings = self.engine.settings
        return cursor.cut(
            document,
            line,
            column,
            prefix_chars=config.chars(settings.prefix_tokens),
            suffix_chars=config.chars(settings.suffix_tokens),
        )

    def preamble_for(self, document: Document, cut: cursor.Cut) -> Callable[[], snippets.Preamble]:
        """What goes before the prefix, worked out only when a request reaches the provider."""
        settings = self.engine.settings
        return lambda: context.preamble(
            document,
            cut,
            settings,
            self.documents,
            self.recent_edits,
            self.workspace_roots(),
            self.allowed,
        )

    def _git_path(self, uri: str) -> str | None:
        """The path to ask git about, when respectGitignore is on and `uri` is a file."""
        if not self.engine.settings.respect_gitignore or not uri.startswith("file:"):
            return None
        return context.uri_path(uri)

    async def withheld(self, uri: str) -> str | None:
        """Why the file at `uri` must not be sent, or None."""
        if not context.sendable(uri, self.engine.settings):
            return "it looks like a secret or matches fimLsp.exclude"
        path = self._git_path(uri)
        if path is None or not await self.gitignore.is_ignored(path):
            return None
        if (problem := self.gitignore.problem) is not None:
            if self.notices.should_show(problem, asyncio.get_running_loop().time()):
                self.warn(f"fim-lsp: {problem}")
            return problem
        return "git ignores it (fimLsp.respectGitignore)"

    def allowed(self, uri: str) -> bool:
        """Whether other files' code may go with a request, without waiting for git: unknown is no."""
        if not context.sendable(uri, self.engine.settings):
            return False
        path = self._git_path(uri)
        if path is None:
            return True
        ignored = self.gitignore.known(path)
        if ignored is None:
            self.background(self.gitignore.is_ignored(path))  # known by the next request
            return False
        return not ignored

    def health(self) -> dict[str, object]:
        """What the server holds right now: for `fimLsp.health`, soak tests and bug reports."""
        engine = self.engine
        return {
            "version": __version__,
            "provider": engine.provider.name,
            "status": {"kind": engine.status.kind, "message": engine.status.message},
            "openDocuments": len(self.documents),
            "engineDocuments": engine.documents,
            "streams": engine.streams,
            "tasks": len(asyncio.all_tasks()),
            "cacheEntries": len(engine.cache),
            "counters": dataclasses.asdict(engine.counters),
            "rssKiB": _rss_kib(),
        }

    def renew_http_client(self) -> None:
        """Replace the HTTP client, closing all connections of the old one (leaked ones too)."""
        settings = self.engine.settings
        old, self.http = self.http, create_http_client(settings.connect_timeout_ms)
        self.engine.configure(settings, create_provider(settings, self.environ, self.http))
        self.background(old.aclose())
        log.debug("HTTP client renewed after interrupted streams")

    def offer(self, text: str, uri: str, cut: cursor.Cut) -> str:
        """Remember a suggestion given to the editor; returns the id its accept command carries."""
        suggestion_id = f"{os.getpid()}-{next(self._suggestion_ids)}"
        self.engine.stats.offered(suggestion_id, text, continues=self._continued(text, uri, cut))
        self._offers[suggestion_id] = (uri, cut.line, cut.column, text)
        while len(self._offers) > MAX_OFFERS:
            self._offers.popitem(last=False)
        return suggestion_id

    def _continued(self, text: str, uri: str, cut: cursor.Cut) -> str | None:
        """The document's previous offer when `text` is what is left of it: asked again at the same
        place, or after the user typed its first characters (editors ask on every key)."""
        latest = next((i for i, offer in reversed(self._offers.items()) if offer[0] == uri), None)
        if latest is None:
            return None
        _, line, column, offered = self._offers[latest]
        typed = cut.column - column
        if line != cut.line or typed < 0 or offered[typed:] != text:
            return None
        return latest if cut.line_prefix.endswith(offered[:typed]) else None

    def inserted(self, uri: str, at: Position, text: str) -> None:
        """An edit put `text` at `at`: when that places a recent suggestion where it was offered,
        it was accepted, also in editors that never run the accept command (eglot, Helix, ALE)."""
        if len(text) < MIN_INFERRED_CHARS:
            return  # typing is not accepting
        document = self.documents.get(uri)
        if document is None:
            return
        line, column = document.index_of(at)
        for suggestion_id, (offered_uri, offered_line, offered_column, offered) in reversed(
            self._offers.items()
        ):
            if (
                (offered_uri, offered_line) == (uri, line)
                and text.endswith(offered)  # a menu item brings the word typed before it
                and column + len(text) - len(offered) == offered_column
            ):
                log.debug("%s was inserted where it was offered: accepted", suggestion_id)
                self.accepted(suggestion_id)
                return

    def accepted(self, suggestion_id: str) -> None:
        """A suggestion was accepted whole (its command, or its insertion): count it once, and
        fetch the next one."""
        if self.engine.stats.accepted(stats_store.today(), suggestion_id):
            self.prefetch_after(suggestion_id)
        else:
            log.debug("accepted: %s is no open suggestion of this session", suggestion_id)

    def partially_accepted(self, suggestion_id: str, units: int) -> None:
        """The editor kept the first `units` (in the position encoding) of a suggestion."""
        offer = self._offers.get(suggestion_id)
        if offer is None:
            log.debug(
                "partially accepted: %s is no recent suggestion of this session", suggestion_id
            )
            return
        chars = column(offer[3], units, self.documents.encoding)
        self.engine.stats.accepted(stats_store.today(), suggestion_id, chars)

    def prefetch_after(self, suggestion_id: str) -> None:
        """A suggestion was accepted whole: fetch the next one, at the end of what was inserted."""
        offer = self._offers.pop(suggestion_id, None)
        document = self.documents.get(offer[0]) if offer is not None else None
        if offer is None or document is None or not self.allowed(document.uri):
            return
        _, line, column, text = offer
        pieces = LINE_BREAK.split(text)
        end_line = line + len(pieces) - 1
        end_column = (column if len(pieces) == 1 else 0) + len(pieces[-1])
        inserted_end = document.line(end_line) if end_line < document.line_count else ""
        if inserted_end[end_column - len(pieces[-1]) : end_column] != pieces[-1]:
            log.debug("accepted text is not in %s (yet): no prefetch", document.uri)
            return
        cut = self.cut_at(document, end_line, end_column)
        self.engine.prefetch(
            document.uri,
            cut,
            language_id=document.language_id,
            preamble=self.preamble_for(document, cut),
        )

    def save_stats(self, *, again: bool = False) -> None:
        """Write the statistics file if anything changed; `again`: and once more a minute later."""
        stats_store.save(self.engine.stats, self.stats_path)
        if again:
            asyncio.get_running_loop().call_later(
                SAVE_STATS_SECONDS, lambda: self.save_stats(again=True)
            )


def _rss_kib() -> int:
    """This process's resident memory now (Linux), else its peak."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
