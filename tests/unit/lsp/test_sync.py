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


def test_a_failed_handler_is_reported_scrubbed() -> None:
    """pygls' report of a failing notification handler goes through the scrubber too."""
    from pygls.exceptions import FeatureNotificationError

    from fim_lsp.privacy.scrub import SCRUBBER

    key = "sk-report-Hq27vNc94xZ"
    SCRUBBER.hold([key])
    server = create_server(environ={})
    shown: list[types.ShowMessageParams] = []
    server.window_show_message = shown.append  # type: ignore[method-assign]
    server.report_server_error(RuntimeError(f"boom with {key}"), FeatureNotificationError)
    [message] = shown
    assert key not in message.message and "boom with" in message.message
