"""Text sync: the editor's open, change and close go to our own document store, never pygls' copy."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import cattrs
from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import lsp_method

from fim_lsp.core.documents import Position, Range
from fim_lsp.lsp.protocol import RobustProtocol

if TYPE_CHECKING:
    from fim_lsp.service import Service

log = logging.getLogger(__name__)


class SyncProtocol(RobustProtocol):
    """Text sync goes to our own document store; pygls' own copy is never kept."""

    def __init__(self, server: LanguageServer, converter: cattrs.Converter) -> None:
        self.owner = server
        super().__init__(server, converter)

    def service(self) -> Service:
        """The server's service (a method: pygls reads every attribute of its protocol as it
        starts, and the service is built only after the answer to initialize)."""
        service: Service = getattr(self.owner, "service")  # noqa: B009 (FimServer's property)
        return service

    def knows_document(self, uri: str) -> bool:
        """Whether `uri` is open."""
        return uri in self.service().documents

    def forget_document(self, uri: str) -> None:
        """Drop a document whose text may now differ from the editor's."""
        self.service().documents.close(uri)
        self.service().recent_edits.forget(uri)
        self.service().engine.forget(uri)

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        self.service().documents.open(
            item.uri, item.text, version=item.version, language_id=item.language_id
        )

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        changes = [
            (
                range_of(change.range)
                if isinstance(change, types.TextDocumentContentChangePartial)
                else None,
                change.text,
            )
            for change in params.content_changes
        ]
        uri = params.text_document.uri
        if self.service().documents.change(uri, params.text_document.version, changes) is None:
            log.warning("didChange for %s, which is not open; ignored", uri)
            return
        self.service().engine.edited(uri)  # before a prefetch the edit itself may start
        for where, text in changes[-1:]:
            if where is not None:
                self.service().recent_edits.note(uri, where.start.line)
                self.service().inserted(uri, where.start, text)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri not in self.service().documents:
            log.warning("didClose for %s, which is not open; ignored", uri)
        self.forget_document(uri)


def range_of(value: types.Range) -> Range:
    """An LSP range as the document store takes it."""
    return Range(position(value.start), position(value.end))


def position(value: types.Position) -> Position:
    """An LSP position as the document store takes it."""
    return Position(value.line, value.character)
