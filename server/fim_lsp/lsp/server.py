"""The LSP server: capabilities, and thin handlers between LSP messages and the service."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.exceptions import FeatureRequestError
from pygls.lsp.server import LanguageServer

from fim_lsp import __version__, config
from fim_lsp.core import cursor
from fim_lsp.core.documents import Document, Encoding
from fim_lsp.core.notices import Status
from fim_lsp.lsp import commands, items, sync
from fim_lsp.privacy.scrub import SCRUBBER

if TYPE_CHECKING:
    from pygls.server import ServerErrors

    from fim_lsp.service import Providers, Service

log = logging.getLogger(__name__)
STATUS_NOTIFICATION = "fimLsp/status"
MISSING_KEY = "missingKey"  # the status code for a provider that needs a key and has none


class FimServer(LanguageServer):
    """The LSP server: pygls' server holding the service, which does the work."""

    def __init__(
        self, environ: Mapping[str, str] | None = None, providers: Providers | None = None
    ) -> None:
        self._environ = environ
        self._providers = providers
        self._service: Service | None = None
        self.encoding: Encoding = "utf-16"  # the position encoding, from initialize
        self.init_layer: Mapping[str, object] = {}  # initializationOptions' settings
        super().__init__(
            "fim-lsp",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=sync.SyncProtocol,
        )
        self.markdown_documentation = False  # whether the client renders markdown in menu items
        self.snippets = False  # menu items go as snippets (see `items.snippets_for`)
        self.can_watch_files = False  # whether the client registers file watchers on request
        self.settings_pushed = 0  # how many didChangeConfiguration carried our section

    @property
    def service(self) -> Service:
        """The service, built on first use: after the answer to initialize, so that the answer
        does not wait for the modules it needs."""
        if self._service is None:
            from fim_lsp.service import Service

            service = Service(self, self._environ, providers=self._providers)
            service.documents.encoding = self.encoding
            service.init_layer = self.init_layer
            self._service = service
        return self._service

    def report_server_error(self, error: Exception, source: ServerErrors) -> None:
        """What pygls tells the editor when a notification handler fails, scrubbed like every
        other message (its own version sends the exception's text as it is)."""
        if source is FeatureRequestError:
            return  # the request's error answer says it
        self.window_show_message(
            types.ShowMessageParams(
                message=SCRUBBER(f"fim-lsp: internal error: {error}"),
                type=types.MessageType.Error,
            )
        )

    def warn(self, message: str) -> None:
        """Show a warning in the editor."""
        self.window_show_message(
            types.ShowMessageParams(type=types.MessageType.Warning, message=message)
        )

    def workspace_roots(self) -> list[str]:
        """The URIs of the workspace folders and the root the editor named."""
        roots = [folder.uri for folder in self.workspace.folders.values()]
        if self.workspace.root_uri:
            roots.append(self.workspace.root_uri)
        return roots

    def send_status(self, status: Status) -> None:
        """Tell the editor the new status (`fimLsp/status`, documented in the README)."""
        params: dict[str, object] = {
            "kind": status.kind,
            "busy": status.busy,
            "message": status.message,
        }
        if status.key_variable:
            params |= {
                "code": MISSING_KEY,
                "provider": self.service.engine.settings.provider,
                "keyVariable": status.key_variable,
            }
        self.protocol.notify(STATUS_NOTIFICATION, params)

    async def pull_configuration(self) -> None:
        """Ask the editor for our section, if it can answer."""
        workspace = self.client_capabilities.workspace
        if workspace is None or not workspace.configuration:
            return
        pushed = self.settings_pushed
        try:
            answer = await self.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=config.SECTION)])
            )
        except Exception as error:  # a client bug must not stop the server
            log.warning("workspace/configuration failed: %s", error)
            return
        first = (
            answer[0]
            if isinstance(answer, Sequence) and answer and not isinstance(answer, str)
            else None
        )
        if pushed != self.settings_pushed:
            return  # the editor sent newer settings while we asked: they stand
        self.service.workspace_layer = config.section_of(first)
        self.service.apply_settings()


async def _suggest(
    server: FimServer, uri: str, position: types.Position, *, invoked: bool, lane: str
) -> tuple[list[str], types.Range, cursor.Cut] | None:
    """The suggestions at `position`, the zero-width range they go to, and the cut, or None."""
    found = await server.service.suggest(uri, sync.position(position), invoked=invoked, lane=lane)
    if found is None:
        return None
    texts, document, cut = found
    return texts, _echo(document, cut), cut


def _echo(document: Document, cut: cursor.Cut) -> types.Range:
    """The zero-width range at the cursor, in the client's units."""
    at = types.Position(cut.line, document.character_of(cut.line, cut.column))
    return types.Range(start=at, end=at)


def create_server(
    environ: Mapping[str, str] | None = None, providers: Providers | None = None
) -> FimServer:
    """Build a server with all its features registered; `providers`: where providers come from
    (default: the real ones, over HTTP)."""
    server = FimServer(environ, providers)

    @server.feature(types.INITIALIZE)
    def on_initialize(ls: FimServer, params: types.InitializeParams) -> None:
        encoding = ls.workspace.position_encoding or types.PositionEncodingKind.Utf16
        ls.encoding = _encoding(encoding)
        ls.init_layer = config.section_of(params.initialization_options)
        watched = (
            params.capabilities.workspace and params.capabilities.workspace.did_change_watched_files
        )
        ls.can_watch_files = bool(watched and watched.dynamic_registration)
        item_capabilities = params.capabilities.text_document and (
            params.capabilities.text_document.completion
            and params.capabilities.text_document.completion.completion_item
        )
        formats = (item_capabilities and item_capabilities.documentation_format) or []
        ls.markdown_documentation = types.MarkupKind.Markdown in formats
        client_name = params.client_info.name if params.client_info else None
        ls.snippets = items.snippets_for(client_name, item_capabilities or None)
        log.info("client %s, position encoding %s", _client_name(params), ls.encoding)

    @server.feature(types.INITIALIZED)
    def on_initialized(ls: FimServer, params: types.InitializedParams) -> None:
        ls.service.warm_up()  # after the answer to initialize: a thread would slow it down
        ls.service.apply_settings()
        ls.service.editor.send_status(ls.service.engine.status)
        ls.service.background(ls.pull_configuration())
        ls.service.save_stats(again=True)
        if ls.can_watch_files:
            ls.service.background(_watch_files(ls))

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def on_configuration(ls: FimServer, params: types.DidChangeConfigurationParams) -> None:
        section = config.section_of(params.settings)
        if isinstance(params.settings, Mapping) and config.SECTION in params.settings:
            ls.settings_pushed += 1
            ls.service.workspace_layer = section
            ls.service.apply_settings()
        else:
            ls.service.background(ls.pull_configuration())

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def on_watched_files(ls: FimServer, params: types.DidChangeWatchedFilesParams) -> None:
        _files_changed(ls, [change.uri for change in params.changes])

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def on_saved(ls: FimServer, params: types.DidSaveTextDocumentParams) -> None:
        _files_changed(ls, [params.text_document.uri])  # also for editors that watch no files

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def on_folders(ls: FimServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
        ls.service.folders_changed()  # pygls has updated `ls.workspace` already

    @server.feature(types.SHUTDOWN)
    def on_shutdown(ls: FimServer, *args: object) -> None:
        # synchronous on purpose: pygls' shutdown handling misidentifies its own request after an
        # await and cancels it
        ls.service.close()

    commands.register(server, lambda: server.service)

    @server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())
    async def on_inline_completion(
        ls: FimServer, params: types.InlineCompletionParams
    ) -> types.InlineCompletionList:
        invoked = params.context.trigger_kind == types.InlineCompletionTriggerKind.Invoked
        found = await _suggest(
            ls, params.text_document.uri, params.position, invoked=invoked, lane="inline"
        )
        if found is None:
            return types.InlineCompletionList(items=[])
        texts, at, cut = found
        uri = params.text_document.uri
        return types.InlineCompletionList(
            items=[
                types.InlineCompletionItem(
                    text, range=at, command=items.accept_command(ls.service.offer(text, uri, cut))
                )
                for text in texts
            ]
        )

    # not an empty object: Vim's ALE reads `{}` as no completion support
    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(resolve_provider=False))
    async def on_completion(ls: FimServer, params: types.CompletionParams) -> types.CompletionList:
        invoked = (
            params.context is not None
            and params.context.trigger_kind == types.CompletionTriggerKind.Invoked
        )
        found = await _suggest(
            ls, params.text_document.uri, params.position, invoked=invoked, lane="menu"
        )
        if found is None:
            return types.CompletionList(is_incomplete=True, items=[])
        (text, *_), at, cut = found
        document = ls.service.documents.get(params.text_document.uri)
        language = document.language_id if document is not None else ""
        item = items.menu_item(
            text,
            at,
            cut,
            language=language,
            model=ls.service.engine.settings.model,
            encoding=ls.service.documents.encoding,
            markdown=ls.markdown_documentation,
            snippets=ls.snippets,
        )
        item.command = items.accept_command(ls.service.offer(text, params.text_document.uri, cut))
        return types.CompletionList(is_incomplete=True, items=[item])

    return server


IGNORE_FILES = (".gitignore", ".git/info/exclude")  # wherever they are in the workspace


async def _watch_files(ls: FimServer) -> None:
    """Ask the editor to tell us of changed ignore files, so git's answers are asked again, and
    of changed code files, so the workspace index reads them again."""
    watchers = [types.FileSystemWatcher(glob_pattern=f"**/{name}") for name in IGNORE_FILES]
    watchers.append(types.FileSystemWatcher(glob_pattern=ls.service.code_files()))
    registration = types.Registration(
        id="fim-lsp-watched-files",
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
    )
    try:
        await ls.client_register_capability_async(
            types.RegistrationParams(registrations=[registration])
        )
        ls.service.files_watched()
    except Exception as error:  # an editor may refuse; saving a file still tells us
        log.info("the editor does not watch files for us: %s", error)


def _ignore_file(uri: str) -> bool:
    return uri.endswith(tuple(f"/{name}" for name in IGNORE_FILES))


def _files_changed(ls: FimServer, uris: list[str]) -> None:
    if any(_ignore_file(uri) for uri in uris):
        ls.service.ignores_changed()
    ls.service.files_changed([uri for uri in uris if not _ignore_file(uri)])


def _encoding(kind: types.PositionEncodingKind | str) -> Encoding:
    value = str(kind.value if isinstance(kind, types.PositionEncodingKind) else kind)
    if value == "utf-8":
        return "utf-8"
    if value == "utf-32":
        return "utf-32"
    return "utf-16"


def _client_name(params: types.InitializeParams) -> str:
    info = params.client_info
    return f"{info.name} {info.version or ''}".strip() if info else "unknown"
