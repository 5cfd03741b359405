"""What to ask the model for a cut, how to read its stream, and what the fitting rules need of the cut."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Collection, Hashable
from contextlib import aclosing
from typing import Any

from fim_lsp import fitting, postprocess, redaction
from fim_lsp.config import Settings
from fim_lsp.cursor import Cut
from fim_lsp.providers import ErrorKind, FimRequest, Provider, ProviderError
from fim_lsp.snippets import Preamble

log = logging.getLogger(__name__)
SINGLE_LINE_MAX_TOKENS = 64
INSPECTED_CHARS = 20_000  # of the answer kept for the prompt inspector


def build_request(
    settings: Settings, cut: Cut, header: str = "", *, one_line: bool = False
) -> FimRequest:
    """What to ask the model for this cut: the rest of the line mid-line, else a block, or with
    `one_line` a line (the stream is cut after it); `header` leads the prompt."""
    single = postprocess.line_mode(cut.line_suffix) == postprocess.SINGLE_LINE
    return FimRequest(
        prompt=header + cut.prefix,
        suffix=cut.suffix,
        model=settings.model,
        max_tokens=min(settings.max_tokens, SINGLE_LINE_MAX_TOKENS)
        if single or one_line
        else settings.max_tokens,
        min_tokens=settings.min_tokens,
        temperature=settings.temperature,
        top_p=settings.top_p,
        stop=("\n", *settings.stop) if single else settings.stop,
        random_seed=settings.random_seed,
    )


def ask(
    settings: Settings, provider: Provider, cut: Cut, *, one_line: bool
) -> tuple[FimRequest, int, Hashable]:
    """The request for `cut`, the most lines its answer may keep, and the rest of its cache key:
    everything but the text that changes what the model answers."""
    request = build_request(settings, cut, one_line=one_line)
    max_lines = 1 if one_line else settings.max_lines
    params = (
        provider.name,
        provider.host,
        request.model,
        request.max_tokens,
        request.min_tokens,
        request.temperature,
        request.top_p,
        request.stop,
        request.random_seed,
        max_lines,
    )
    return request, max_lines, params


def redacted(request: FimRequest, known: Collection[str] = ()) -> tuple[FimRequest, int]:
    """`request` with secret-looking strings replaced in all it sends, and how many were."""
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
    context: Preamble,
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


def inspected(provider: Provider, request: FimRequest) -> dict[str, Any]:
    """What a request sends, for the prompt inspector (`fimLsp.lastRequest`): never the key."""
    sampling = {
        name: getattr(request, name)
        for name in ("max_tokens", "min_tokens", "temperature", "top_p", "random_seed")
        if getattr(request, name) is not None
    }
    return {
        "provider": provider.name,
        "host": provider.host,
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


async def read_stream(
    provider: Provider,
    request: FimRequest,
    settings: Settings,
    on_delta: Callable[[str], bool | None] | None = None,
) -> str:
    """Read the answer to `request` within the settings' time-outs; stop early when `on_delta` returns True.

    The first text must come within `firstTokenTimeoutMs` and all of it within `timeoutMs`.
    Leaving early closes the HTTP stream, so the provider stops generating.
    """
    parts: list[str] = []
    total = settings.timeout_ms / 1000
    first = min(settings.first_token_timeout_ms / 1000, total)
    started = asyncio.get_running_loop().time()
    waiting_for_first = True
    try:
        async with asyncio.timeout(first) as deadline:
            async with aclosing(provider.stream(request)) as deltas:
                async for delta in deltas:
                    if waiting_for_first:
                        waiting_for_first = False
                        deadline.reschedule(started + total)
                    parts.append(delta)
                    if on_delta is not None and on_delta(delta):
                        break
    except TimeoutError:
        if waiting_for_first and first < total:
            raise ProviderError(
                ErrorKind.TIMEOUT,
                f"{provider.host} sent no text within {settings.first_token_timeout_ms} ms "
                "(the fimLsp.firstTokenTimeoutMs setting).",
            ) from None
        raise ProviderError(
            ErrorKind.TIMEOUT,
            f"{provider.host} did not finish within {settings.timeout_ms} ms "
            "(the fimLsp.timeoutMs setting).",
        ) from None
    return "".join(parts)


def around_of(cut: Cut, language_id: str) -> fitting.Around:
    """What the fitting rules need to know of the code around the cursor."""
    # the last hundred lines or so tell the indentation; splitting all the prefix would cost more
    above = fitting.lines_of(cut.prefix[: len(cut.prefix) - len(cut.line_prefix)][-4000:])
    below = fitting.lines_of(cut.suffix[len(cut.line_suffix) :])[1:6]
    return fitting.Around(
        line_prefix=cut.line_prefix,
        line_suffix=cut.line_suffix,
        line_above=above[-2] if len(above) >= 2 else "",
        lines_below=tuple(below),
        indent_unit=fitting.indent_unit(above[-200:]),
        language_id=language_id,
    )
