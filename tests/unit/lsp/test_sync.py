"""The server keeps one copy of each document, its own: pygls' text-sync handlers are replaced."""

from lsprotocol import types

from fim_lsp.lsp.server import create_server
from fim_lsp.lsp.sync import SyncProtocol


def test_text_sync_goes_to_our_store_only() -> None:
    server = create_server(environ={})
    builtin = server.protocol.fm.builtin_features
    for method, ours in [
        (types.TEXT_DOCUMENT_DID_OPEN, SyncProtocol.lsp_text_document__did_open),
        (types.TEXT_DOCUMENT_DID_CHANGE, SyncProtocol.lsp_text_document__did_change),
        (types.TEXT_DOCUMENT_DID_CLOSE, SyncProtocol.lsp_text_document__did_close),
    ]:
        assert builtin[method].__func__ is ours  # type: ignore[attr-defined]

    uri = "file:///x.py"
    server.protocol.lsp_text_document__did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text="a")
        )
    )
    server.protocol.lsp_text_document__did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=0, character=1),
                        end=types.Position(line=0, character=1),
                    ),
                    text="\x0cb",
                )
            ],
        )
    )
    document = server.service.documents.get(uri)
    assert document is not None and document.text() == "a\x0cb" and document.version == 2
    assert document.line_count == 1
