"""The commands and the suggestion lifecycle: accepted, shown, partly accepted, statistics, the inspector, health."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pygls.lsp.server import LanguageServer

from fim_lsp.lsp import items

if TYPE_CHECKING:
    from fim_lsp.service import Service

HEALTH_COMMAND = "fimLsp.health"
STATS_COMMAND = "fimLsp.stats"
LAST_REQUEST_COMMAND = "fimLsp.lastRequest"  # the prompt inspector
DID_SHOW = "textDocument/didShowCompletion"  # Copilot's language server names, {item}
DID_PARTIALLY_ACCEPT = "textDocument/didPartiallyAcceptCompletion"  # {item, acceptedLength}


def register(server: LanguageServer, service_of: Callable[[], Service]) -> None:
    """Add the commands and lifecycle notifications to `server`, answered by its service_of()."""

    @server.command(items.ACCEPTED_COMMAND)
    def on_accepted(ls: LanguageServer, *args: object) -> None:
        if args:
            service_of().accepted(str(args[0]))

    @server.feature(DID_SHOW)
    def on_did_show(ls: LanguageServer, params: Any) -> None:
        if (suggestion_id := items.suggestion_id(params)) is not None:
            service_of().shown(suggestion_id)

    @server.feature(DID_PARTIALLY_ACCEPT)
    def on_did_partially_accept(ls: LanguageServer, params: Any) -> None:
        length = items.field(params, "acceptedLength")
        suggestion_id = items.suggestion_id(params)
        if suggestion_id is not None and isinstance(length, int):
            service_of().partially_accepted(suggestion_id, length)

    @server.command(LAST_REQUEST_COMMAND)
    def on_last_request(ls: LanguageServer, *args: object) -> dict[str, Any] | None:
        return service_of().last_request()

    @server.command(STATS_COMMAND)
    def on_stats(ls: LanguageServer, *args: object) -> dict[str, object]:
        return service_of().stats_report()

    @server.command(HEALTH_COMMAND)
    def on_health(ls: LanguageServer, *args: object) -> dict[str, object]:
        return service_of().health()
