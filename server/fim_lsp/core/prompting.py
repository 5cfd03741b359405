"""What to ask the model for a cut, how to read its stream, and what the fitting rules need of the cut."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Hashable
from contextlib import aclosing

from fim_lsp.config import ALTERNATIVE_TEMPERATURE, Settings
from fim_lsp.core import fitting, postprocess
from fim_lsp.core.cursor import Cut
from fim_lsp.providers import ErrorKind, FimRequest, Provider, ProviderError

log = logging.getLogger(__name__)
SINGLE_LINE_MAX_TOKENS = 64
SEEDS = 2**63  # random seeds are below this (the randomSeed setting's bound)


def build_request(
    settings: Settings, cut: Cut, header: str = "", *, one_line: bool = False
) -> FimRequest:
    """What to ask the model for this cut: the rest of the line mid-line, else a block, or with
    `one_line` a line (the stream is cut after it); `header` leads the prompt."""
    single = postprocess.line_mode(cut.line_suffix) == postprocess.SINGLE_LINE
    max_tokens = (
        min(settings.max_tokens, SINGLE_LINE_MAX_TOKENS)
        if single or one_line
        else settings.max_tokens
    )
    min_tokens = settings.min_tokens
    return FimRequest(
        prompt=header + cut.prefix,
        suffix=cut.suffix,
        model=settings.model,
        max_tokens=max_tokens,
        min_tokens=None if min_tokens is None else min(min_tokens, max_tokens),
        temperature=settings.temperature,
        top_p=settings.top_p,
        stop=("\n", *settings.stop) if single else settings.stop,
        random_seed=settings.random_seed,
    )


def ask(
    settings: Settings, provider: Provider, cut: Cut, *, one_line: bool, sample: int = 0
) -> tuple[FimRequest, int, Hashable]:
    """The request for `cut`, the most lines its answer may keep, and the rest of its cache key:
    everything but the text that changes what the model answers. `sample` > 0 asks for an
    alternative: sampled warmer, with a seed of its own, so that it differs from the others."""
    request = build_request(settings, cut, one_line=one_line)
    if sample:
        request = dataclasses.replace(
            request,
            temperature=max(request.temperature or 0.0, ALTERNATIVE_TEMPERATURE),
            random_seed=((request.random_seed or 0) + sample) % SEEDS,
        )
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
