"""What the server decides apart from LSP: which files go, what is sent, offered and counted."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import itertools
import logging
import os
import resource
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Coroutine, Mapping
from pathlib import PurePosixPath
from typing import Any, Protocol

from fim_lsp import __version__, config
from fim_lsp.context import preamble, related
from fim_lsp.context.symbols import FAMILIES
from fim_lsp.context.workspace import WATCHED_REFRESH_SECONDS, WorkspaceIndex
from fim_lsp.core import cursor, health
from fim_lsp.core.documents import LINE_BREAK, Document, DocumentStore, Position, column
from fim_lsp.core.engine import Adaptation, Engine
from fim_lsp.core.notices import Notices, Status
from fim_lsp.privacy.exclusions import is_excluded
from fim_lsp.privacy.gitignore import GitIgnore, ignored_among
from fim_lsp.privacy.scrub import PLACEHOLDER, SCRUBBER
from fim_lsp.providers import ErrorKind, FimRequest, Provider, ProviderError
from fim_lsp.providers.catalog import key_values
from fim_lsp.providers.source import ProviderSource
from fim_lsp.usage import stats, stats_store
from fim_lsp.usage.adaptation import judged
from fim_lsp.usage.inspector import Inspector, inspection_report

log = logging.getLogger(__name__)
SAVE_STATS_SECONDS = 60.0
MAX_OFFERS = 256
MIN_INFERRED_CHARS = 2  # an edit this long that puts a suggestion in place accepts it
REDACTION = "fim_lsp.privacy.redaction"  # compiles its patterns on load: loaded after start
LOADED_AFTER_START = (REDACTION, "pathspec")  # what the first request needs, 40 ms or so
INLINE = "inline"  # the lane of ghost text, the only one that gets alternatives


class Editor(Protocol):
    """What the service needs of the editor it serves."""

    def warn(self, message: str) -> None:
        """Show a warning."""

    def send_status(self, status: Status) -> None:
        """Show the provider's status."""

    def workspace_roots(self) -> list[str]:
        """The URIs of the workspace folders."""


class _Scrubbed:
    """The editor, told nothing that holds a key or URL credentials, and no status twice in a row."""

    def __init__(self, editor: Editor) -> None:
        self._editor = editor
        self._status: Status | None = None

    def warn(self, message: str) -> None:
        self._editor.warn(SCRUBBER(message))

    def send_status(self, status: Status) -> None:
        status = dataclasses.replace(status, message=SCRUBBER(status.message))
        if status != self._status:
            self._status = status
            self._editor.send_status(status)

    def workspace_roots(self) -> list[str]:
        return self._editor.workspace_roots()


class Providers(Protocol):
    """Where providers come from (the real source, or a fake in tests)."""

    def create(self, settings: config.Settings) -> Provider:
        """The provider for `settings`."""

    async def aclose(self) -> None:
        """Close every connection."""


class _NotConfigured:
    """The provider before the settings are first applied (at `initialized`)."""

    name = host = "none"

    async def stream(self, request: FimRequest) -> Any:
        raise ProviderError(ErrorKind.CONFIG, "fim-lsp is not initialized yet.")
        yield  # pragma: no cover - makes this an async generator


class Service:
    """The server's state and decisions, built by `create_server` and held by the LSP server."""

    def __init__(
        self,
        editor: Editor,
        environ: Mapping[str, str] | None = None,
        *,
        providers: Providers | None = None,
    ) -> None:
        self.editor: Editor = _Scrubbed(editor)
        self.environ = dict(os.environ if environ is None else environ)
        self.providers: Providers = providers or ProviderSource(self.environ)
        self.stats_path = stats_store.stats_path(self.environ)
        self.stats = stats_store.load(self.stats_path)
        self.documents = DocumentStore()
        self.recent_edits = related.RecentEdits()
        self.notices = Notices()
        self.gitignore = GitIgnore()
        self.inspector = Inspector()
        self.workspace_index: WorkspaceIndex | None = None
        self.editor_watches_files = False  # it accepted our watcher of code files
        self._contexts: OrderedDict[str, tuple[str, ...]] = OrderedDict()  # prompt -> notes
        self.init_layer: Mapping[str, object] = {}  # from initializationOptions
        self.workspace_layer: Mapping[str, object] = {}  # from workspace/configuration
        self._secrets = key_values(self.environ)
        SCRUBBER.hold(self._secrets)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._adaptation = Adaptation()
        settings, _ = config.resolve(self.environ)
        self.engine = Engine(
            settings,
            _NotConfigured(),
            show=self.editor.warn,
            on_status=self.editor.send_status,
            adapt=self.adaptation,
            refuse=unshowable,
        )
        self.engine.observe(lambda event: self.stats.record(event, stats_store.today()))
        self.engine.observe(self.inspector.observe)
        self._suggestion_ids = itertools.count(1)
        # where each recent suggestion went: (document, line, column, text), for the prefetch
        self._offers: OrderedDict[str, tuple[str, int, int, str]] = OrderedDict()

    def background(self, work: Coroutine[Any, Any, Any]) -> None:
        """Run `work` without awaiting it, holding a reference until it is done."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def warm_up(self) -> None:
        """Load on a thread, while the editor sets up, what the first request needs beside the
        providers (which load as the settings are applied): the redaction patterns and the
        exclusions' matcher."""
        threading.Thread(
            target=_load, args=LOADED_AFTER_START, name="fim-lsp-load", daemon=True
        ).start()

    def apply_settings(self) -> None:
        """Recompute settings from every source and tell the user about each new problem once."""
        settings, problems = config.resolve(self.environ, [self.init_layer, self.workspace_layer])
        for problem in problems:
            log.warning("%s", problem)
            if self.notices.should_show(problem, asyncio.get_running_loop().time()):
                self.editor.warn(f"fim-lsp: {problem}")
        provider = self.providers.create(settings)
        self.engine.configure(settings, provider)
        self._index_workspace(settings)
        log.info(
            "provider %s, model %s, context %d tokens",
            settings.provider,
            settings.model,
            settings.prefix_tokens + settings.suffix_tokens,
        )
        if health.chooses(provider):  # a probe: never in the way of an answer
            self.engine.reporter.looking()
            self.background(self._tell_what_is_missing(provider))
        else:  # known at once, so the status at start already says it
            self.engine.reporter.set_up(health.missing_now(provider), provider.name)

    def _index_workspace(self, settings: config.Settings) -> None:
        """Start indexing the workspace folders on a thread (again when they or the gitignore
        mode changed), or drop the index when the setting is off."""
        roots = list(
            dict.fromkeys(
                os.path.normpath(preamble.uri_path(uri))
                for uri in self.editor.workspace_roots()
                if uri.startswith("file:")
            )
        )
        if not settings.workspace_definitions or not roots:
            self.workspace_index = None
            return
        vetted = settings.respect_gitignore
        index = self.workspace_index
        if index is None or index.roots != roots or index.vetted != vetted:
            before = index
            index = WorkspaceIndex(roots, ignored=ignored_among if vetted else None)
            if before is not None and before.vetted == vetted:
                index.reuse(before)  # files it read that have not changed are not read again
            self.workspace_index = index
            index.start()
        if self.editor_watches_files:
            index.refresh_seconds = WATCHED_REFRESH_SECONDS

    async def _tell_what_is_missing(self, provider: Provider) -> None:
        """Tell the user what `provider` lacks (a key, a local model), once, before anything is
        asked of it; or that it lacks nothing any more."""
        problem = await health.missing(provider)
        if provider is self.engine.provider:  # else newer settings have their own answer
            self.engine.reporter.set_up(problem, provider.name)

    def adaptation(self) -> Adaptation:
        """What the statistics say automatic requests should do; logged when it changes."""
        adaptation = judged(self.stats)
        before = self._adaptation
        if (adaptation.single_line, adaptation.wait_factor) != (
            before.single_line,
            before.wait_factor,
        ):
            log.info("adapting to use: %s", adaptation.reason or "back to normal")
        self._adaptation = adaptation
        return adaptation

    async def suggest(
        self, uri: str, where: Position, *, invoked: bool, lane: str
    ) -> tuple[list[str], Document, cursor.Cut] | None:
        """The suggestions at `where` in `uri` (the usual one first; alternatives only as ghost
        text that the user asked for), with the document and the cut they were made for.

        The completion menu gets one: completion plugins send `Invoked` as the user types."""
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
        texts = await self.engine.suggestions(
            uri,
            cut,
            invoked=invoked,
            language_id=document.language_id,
            prepare=self.prepare_for(document, cut),
            lane=lane,
            count=self.engine.settings.suggestions if lane == INLINE else 1,
        )
        return (texts, document, cut) if texts else None

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

    def prepare_for(
        self, document: Document, cut: cursor.Cut
    ) -> Callable[[FimRequest], FimRequest]:
        """How a request for `cut` is sent: with the file header and related code (worked out only
        when a request reaches the provider), redacted unless the user turned that off."""
        settings = self.engine.settings

        def prepare(request: FimRequest) -> FimRequest:
            context = preamble.preamble(
                document,
                cut,
                settings,
                self.documents,
                self.recent_edits,
                self.editor.workspace_roots(),
                self.allowed,
                self.workspace_index,  # None when workspaceDefinitions is off
                self._index_allowed,
            )
            takes_files = getattr(self.engine.provider, "takes_files", False)  # llama.cpp
            secrets = self._secrets if settings.redact_secrets else None
            sent = outgoing(request, context, takes_files=takes_files, secrets=secrets)
            self._contexts[sent.prompt] = context.notes
            while len(self._contexts) > 4:
                self._contexts.popitem(last=False)
            return sent

        return prepare

    def _index_allowed(self, uri: str) -> bool:
        """Whether definitions from the index may go: it listed only files git does not ignore
        (when the mode is on); others (the rules changed since, or an open document that no
        listing had) are asked like any other file."""
        index = self.workspace_index
        if index is None or not index.listed(preamble.uri_path(uri)):
            return self.allowed(uri)
        return _sendable(uri, self.engine.settings)

    @staticmethod
    def code_files() -> str:
        """A glob of the files the workspace index reads, for the editor to watch."""
        return "**/*.{" + ",".join(sorted(extension[1:] for extension in FAMILIES)) + "}"

    def files_changed(self, uris: Collection[str]) -> None:
        """Files were created, changed, saved or deleted: the index reads just those again."""
        if self.workspace_index is not None:
            paths = [preamble.uri_path(uri) for uri in uris if uri.startswith("file:")]
            self.workspace_index.changed(paths)

    def ignores_changed(self) -> None:
        """A .gitignore (or git's exclude file) changed: git is asked again, and the index is
        vetted again under the new rules (until then its files are asked one by one)."""
        self.gitignore.clear()
        if self.workspace_index is not None and self.workspace_index.vetted:
            self.workspace_index.ignores_changed()

    def files_watched(self) -> None:
        """The editor reports changed files: the index lists the workspace again seldom."""
        self.editor_watches_files = True
        self._index_workspace(self.engine.settings)

    def folders_changed(self) -> None:
        """Workspace folders were added or removed: the index follows them."""
        self._index_workspace(self.engine.settings)

    def _git_path(self, uri: str) -> str | None:
        """The path to ask git about, when respectGitignore is on and `uri` is a file."""
        if not self.engine.settings.respect_gitignore or not uri.startswith("file:"):
            return None
        return preamble.uri_path(uri)

    async def withheld(self, uri: str) -> str | None:
        """Why the file at `uri` must not be sent, or None."""
        if not _sendable(uri, self.engine.settings):
            return "it looks like a secret or matches fimLsp.exclude"
        path = self._git_path(uri)
        if path is None or not await self.gitignore.is_ignored(path):
            return None
        if (problem := self.gitignore.problem) is not None:
            if self.notices.should_show(problem, asyncio.get_running_loop().time()):
                self.editor.warn(f"fim-lsp: {problem}")
            return problem
        return "git ignores it (fimLsp.respectGitignore)"

    def allowed(self, uri: str) -> bool:
        """Whether other files' code may go with a request, without waiting for git: unknown is no."""
        if not _sendable(uri, self.engine.settings):
            return False
        path = self._git_path(uri)
        if path is None:
            return True
        ignored = self.gitignore.known(path)
        if ignored is None:
            self.background(self.gitignore.is_ignored(path))  # known by the next request
            return False
        return not ignored

    def stats_report(self) -> dict[str, object]:
        """The statistics for `fimLsp.stats`: today's and all days' numbers, and the table."""
        adaptation = self.engine.adaptation()
        summary = self.stats.summary(stats_store.today())
        return {  # nothing here can hold a key: counts and a table
            **summary,
            "text": stats.report(summary, stats_store.where(self.stats_path), adaptation.reason),
            "adaptation": {
                "singleLine": adaptation.single_line,
                "waitFactor": adaptation.wait_factor,
                "reason": adaptation.reason,
            },
        }

    def last_request(self) -> dict[str, Any] | None:
        """The prompt inspector's answer (`fimLsp.lastRequest`): the last exchange, and its text."""
        exchange = self.inspector.last
        if exchange is None:
            return None
        exchange = {**exchange, "definitions": list(self._contexts.get(exchange["prompt"], ()))}
        answer = SCRUBBER.value({**exchange, "text": inspection_report(exchange)})
        assert isinstance(answer, dict)
        return answer

    def shown(self, suggestion_id: str) -> None:
        """The editor showed a suggestion."""
        self.stats.shown(stats_store.today(), suggestion_id)

    def health(self) -> dict[str, object]:
        """What the server holds right now: for `fimLsp.health`, soak tests and bug reports."""
        engine = self.engine
        return {
            "version": __version__,
            "provider": engine.provider.name,
            "status": {"kind": engine.status.kind, "message": SCRUBBER(engine.status.message)},
            "openDocuments": len(self.documents),
            "engineDocuments": engine.documents,
            "streams": engine.streams,
            "tasks": len(asyncio.all_tasks()),
            "cacheEntries": len(engine.cache),
            "counters": dataclasses.asdict(engine.counters),
            "workspaceIndex": self._index_health(),
            "rssKiB": _rss_kib(),
            "peakRssKiB": _peak_rss_kib(),
        }

    def _index_health(self) -> dict[str, object] | None:
        """What the workspace index holds (None when it is off or there is no folder)."""
        index = self.workspace_index
        if index is None:
            return None
        snapshot = index.snapshot
        return {
            "built": snapshot.built > 0,
            "idle": index.idle(),  # nothing queued or being read
            "files": len(snapshot.entries),
            "definitions": snapshot.definitions,
        }

    def offer(self, text: str, uri: str, cut: cursor.Cut) -> str:
        """Remember a suggestion given to the editor; returns the id its accept command carries."""
        suggestion_id = f"{os.getpid()}-{next(self._suggestion_ids)}"
        self.stats.offered(suggestion_id, text, continues=self._continued(text, uri, cut))
        self._offers[suggestion_id] = (uri, cut.line, cut.column, text)
        while len(self._offers) > MAX_OFFERS:
            self._offers.popitem(last=False)
        return suggestion_id

    def _continued(self, text: str, uri: str, cut: cursor.Cut) -> str | None:
        """The document's previous offer (one of its latest list) when `text` is what is left of
        it: asked again at the same place, or after the user typed its first characters (editors
        ask on every key)."""
        latest = [i for i, offer in reversed(self._offers.items()) if offer[0] == uri]
        for suggestion_id in latest[: config.MAX_SUGGESTIONS]:
            _, line, column, offered = self._offers[suggestion_id]
            typed = cut.column - column
            if (
                line == cut.line
                and typed >= 0
                and offered[typed:] == text
                and cut.line_prefix.endswith(offered[:typed])
            ):
                return suggestion_id
        return None

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
        if self.stats.accepted(stats_store.today(), suggestion_id):
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
        self.stats.accepted(stats_store.today(), suggestion_id, chars)

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
            prepare=self.prepare_for(document, cut),
        )

    def save_stats(self, *, again: bool = False) -> None:
        """Write the statistics file if anything changed; `again`: and once more a minute later."""
        stats_store.save(self.stats, self.stats_path)
        if again:
            asyncio.get_running_loop().call_later(
                SAVE_STATS_SECONDS, lambda: self.save_stats(again=True)
            )

    def close(self) -> None:
        """Stop all work, keep the statistics, and close every connection."""
        self.save_stats()
        self.engine.cancel_all()
        self.background(self.providers.aclose())


def redacted(request: FimRequest, known: Collection[str] = ()) -> tuple[FimRequest, int]:
    """`request` with secret-looking strings replaced in all it sends, and how many were."""
    from fim_lsp.privacy import redaction

    prompt, count = redaction.redact(request.prompt, known)
    suffix, in_suffix = redaction.redact(request.suffix, known)
    extra = []
    for name, text in request.extra:
        clean, in_file = redaction.redact(text, known)
        extra.append((name, clean))
        count += in_file
    clean_request = dataclasses.replace(request, prompt=prompt, suffix=suffix, extra=tuple(extra))
    return clean_request, count + in_suffix


def outgoing(
    request: FimRequest,
    context: related.Preamble,
    *,
    takes_files: bool,
    secrets: Collection[str] | None,
) -> FimRequest:
    """`request` as sent: `context` (file header, related code) before the prompt, or the other
    files apart for a provider that `takes_files`; redacted unless `secrets` is None."""
    if takes_files:
        request = dataclasses.replace(
            request, prompt=context.header + request.prompt, extra=context.as_files()
        )
    else:
        request = dataclasses.replace(request, prompt=context.as_text() + request.prompt)
    if secrets is not None:
        request, count = redacted(request, secrets)
        if count:
            log.info("%d secret-looking strings replaced before sending", count)
    return request


def _load(*modules: str) -> None:
    for module in modules:
        importlib.import_module(module)


def unshowable(text: str) -> bool:
    """A suggestion never shown: it copies a redaction placeholder, or holds a key."""
    return PLACEHOLDER in text or SCRUBBER.holds_a_secret(text)


def _sendable(uri: str, settings: config.Settings) -> bool:
    """False for files that look like secrets or match the user's exclude patterns."""
    return not is_excluded(uri, settings.exclude)


def _peak_rss_kib() -> int:
    """This process's peak resident memory (Linux: VmHWM; getrusage would count the memory of
    the process that started this one, before exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _rss_kib() -> int:
    """This process's resident memory now (Linux), else its peak."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
