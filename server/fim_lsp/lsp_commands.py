"""The commands and the suggestion lifecycle: accepted, shown, partly accepted, statistics, the inspector, health."""

from __future__ import annotations

from typing import Any

from pygls.lsp.server import LanguageServer

from fim_lsp import lsp_items, prompting, stats, stats_store
from fim_lsp.session import Session

HEALTH_COMMAND = "fimLsp.health"
STATS_COMMAND = "fimLsp.stats"
LAST_REQUEST_COMMAND = "fimLsp.lastRequest"  # the prompt inspector
DID_SHOW = "textDocument/didShowCompletion"  # Copilot's language server names, {item}
DID_PARTIALLY_ACCEPT = "textDocument/didPartiallyAcceptCompletion"  # {item, acceptedLength}


def register(server: LanguageServer) -> None:
    """Add the commands and lifecycle notifications to `server`."""

    @server.command(lsp_items.ACCEPTED_COMMAND)
    def on_accepted(ls: Session, *args: object) -> None:
        if args:
            ls.accepted(str(args[0]))

    @server.feature(DID_SHOW)
    def on_did_show(ls: Session, params: Any) -> None:
        if (suggestion_id := lsp_items.suggestion_id(params)) is not None:
            ls.engine.stats.shown(stats_store.today(), suggestion_id)

    @server.feature(DID_PARTIALLY_ACCEPT)
    def on_did_partially_accept(ls: Session, params: Any) -> None:
        length = lsp_items.field(params, "acceptedLength")
        suggestion_id = lsp_items.suggestion_id(params)
        if suggestion_id is not None and isinstance(length, int):
            ls.partially_accepted(suggestion_id, length)

    @server.command(LAST_REQUEST_COMMAND)
    def on_last_request(ls: Session, *args: object) -> dict[str, Any] | None:
        exchange = ls.engine.last_exchange
        if exchange is None:
            return None
        return {**exchange, "text": prompting.inspection_report(exchange)}

    @server.command(STATS_COMMAND)
    def on_stats(ls: Session, *args: object) -> dict[str, object]:
        adaptation = ls.engine.adaptation()
        summary = ls.engine.stats.summary(stats_store.today())
        return {
            **summary,
            "text": stats.report(summary, stats_store.where(ls.stats_path), adaptation.reason),
            "adaptation": {
                "singleLine": adaptation.single_line,
                "waitFactor": adaptation.wait_factor,
                "reason": adaptation.reason,
            },
        }

    @server.command(HEALTH_COMMAND)
    def on_health(ls: Session, *args: object) -> dict[str, object]:
        return ls.health()
