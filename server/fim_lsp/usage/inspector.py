"""The prompt inspector: the last request exactly as it left the machine, and what came back."""

from __future__ import annotations

from typing import Any

from fim_lsp.core.events import Event, Failed, Received, Sent
from fim_lsp.providers import FimRequest

INSPECTED_CHARS = 20_000  # of the answer kept for the prompt inspector


class Inspector:
    """Follows the engine's events and keeps the last exchange (`fimLsp.lastRequest`)."""

    def __init__(self) -> None:
        self.last: dict[str, Any] | None = None
        self._number = 0  # the stream `last` describes

    def observe(self, event: Event) -> None:
        """Start an exchange when a request is sent, complete it when its stream ends; the
        extra requests for alternatives are left out."""
        if isinstance(event, Sent) and not event.alternative:
            self._number = event.fetch
            self.last = inspected(event.provider, event.host, event.request)
        elif self.last is None or getattr(event, "fetch", None) != self._number:
            return
        elif isinstance(event, Failed):
            self.last["error"] = event.error.message
        elif isinstance(event, Received):
            self.last.update(
                received=event.raw[:INSPECTED_CHARS],
                shown=event.shown,
                milliseconds=event.milliseconds,
            )


def inspected(provider: str, host: str, request: FimRequest) -> dict[str, Any]:
    """What a request sends, for the prompt inspector (`fimLsp.lastRequest`): never the key."""
    sampling = {
        name: getattr(request, name)
        for name in ("max_tokens", "min_tokens", "temperature", "top_p", "random_seed")
        if getattr(request, name) is not None
    }
    return {
        "provider": provider,
        "host": host,
        "model": request.model,
        "prompt": request.prompt,
        "suffix": request.suffix,
        "extra": [{"file": name, "text": text} for name, text in request.extra],
        "parameters": {**sampling, "stop": list(request.stop)},
        "received": None,
        "shown": None,
        "error": None,
        "milliseconds": None,
    }


def inspection_report(exchange: dict[str, Any] | None) -> str:
    """The prompt inspector's answer for people: every part that was sent, then what came back."""
    if exchange is None:
        return "fim-lsp has sent no request yet."
    parameters = ", ".join(f"{k}={v!r}" for k, v in exchange["parameters"].items())
    took = exchange["milliseconds"]
    lines = [
        "The last request fim-lsp sent, exactly as it left this machine (after redaction).",
        f"provider {exchange['provider']} at {exchange['host']}, model {exchange['model']}"
        + (f", answered in {took} ms" if took is not None else ""),
        f"parameters: {parameters}",
    ]
    if exchange.get("definitions"):
        lines += ["", "=== definitions in the context (file:line name, why) ==="]
        lines += exchange["definitions"]
    for part in exchange["extra"]:
        lines += ["", f"=== other file sent along: {part['file']} ===", part["text"]]
    lines += ["", "=== prompt (before the cursor) ===", exchange["prompt"]]
    lines += ["", "=== suffix (after the cursor) ===", exchange["suffix"]]
    if exchange["error"] is not None:
        lines += ["", "=== failed ===", exchange["error"]]
    else:
        received, shown = exchange["received"], exchange["shown"]
        lines += [
            "",
            "=== received from the model ===",
            "(still streaming)" if received is None else received,
        ]
        lines += ["", "=== shown to you ===", "(nothing)" if shown is None else shown]
    return "\n".join(lines)
