"""The `auto` provider: a key in the environment picks Mistral or Codestral, else a local Ollama that answers."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncGenerator, Callable, Coroutine, Mapping
from contextlib import aclosing
from dataclasses import replace

import httpx

from fim_lsp.config import Settings
from fim_lsp.providers import ollama
from fim_lsp.providers.base import ErrorKind, FimRequest, Provider, ProviderError, host_of
from fim_lsp.providers.catalog import KEY_VARIABLES, Choice, choose_from_environment
from fim_lsp.providers.client import HttpClients
from fim_lsp.providers.reading import ACCEPT_ENCODING, body
from fim_lsp.providers.refused import plain_http_elsewhere, plain_http_refusal

# A local Ollama answers in milliseconds, but on a busy machine both ends may wait seconds for a
# core; where nothing listens the connection is refused at once, so a longer wait costs nothing there.
PROBE_SECONDS = 3.0
RETRY_PROBE_SECONDS = 30.0  # after a failed probe, look again this much later (Ollama may start)
# Ollama models whose templates fill in the middle (they have the `insert` capability).
FIM_FAMILIES = ("qwen2.5-coder", "deepseek-coder", "codestral", "starcoder2", "codegemma")


def ollama_address(settings: Settings, environ: Mapping[str, str]) -> str:
    """Where auto looks for Ollama: fimLsp.baseUrl if set, else OLLAMA_HOST or its default."""
    return settings.base_url or ollama.base_url_from(environ)


def fim_model(installed: list[str]) -> str | None:
    """The first installed model that can fill in the middle, preferring the order of FIM_FAMILIES."""
    for family in FIM_FAMILIES:
        for name in installed:
            if name.split("/")[-1].startswith(family):
                return name
    return None


def setup_message(address: str, answered: bool) -> str:
    """What to do when auto found nothing: every way to set a provider up, in one message."""
    found = (
        f"the Ollama at {address} has no FIM model"
        if answered
        else f"no Ollama answers at {address}"
    )
    return (
        f"no provider is set up: MISTRAL_API_KEY is not set, CODESTRAL_API_KEY is not set, and "
        f"{found}. Either create a key at https://console.mistral.ai/api-keys and set "
        "MISTRAL_API_KEY in the environment fim-lsp starts in, or run a local model: install "
        f"Ollama, `ollama pull {ollama.SUGGESTED_MODEL}`, `ollama serve`; or set "
        "fimLsp.provider (llamacpp, openai, ...) and fimLsp.baseUrl."
    )


# address -> (when the probe started, the probe); shared so concurrent and later choices reuse it
_PROBES: dict[str, tuple[float, asyncio.Future[list[str] | None]]] = {}


def forget_probes() -> None:
    """Drop remembered probe results (tests, or when the user asks to look again)."""
    _PROBES.clear()


async def probe_ollama(http: HttpClients, address: str, api_key: str | None) -> list[str] | None:
    """The models of the Ollama at `address`, or None if none answers there (asked once)."""
    known = _PROBES.get(address)
    if known is not None:
        started, probe = known
        fresh = time.monotonic() - started < RETRY_PROBE_SECONDS
        if not probe.done() or fresh or probe.result() is not None:
            return await asyncio.shield(probe)
    probe = asyncio.ensure_future(_list_models(http, address, api_key))
    _PROBES[address] = (time.monotonic(), probe)
    return await asyncio.shield(probe)


async def _list_models(http: HttpClients, address: str, api_key: str | None) -> list[str] | None:
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    host = host_of(address)
    client = http.client  # built on first use (TLS context and all): not part of the wait
    try:
        async with (
            asyncio.timeout(PROBE_SECONDS),
            client.stream(
                "GET", address.rstrip("/") + "/api/tags", headers={**ACCEPT_ENCODING, **headers}
            ) as response,
        ):
            if response.status_code != 200:
                return None
            listed = json.loads(await body(response, host)).get("models")
    except (httpx.HTTPError, ValueError, AttributeError, ProviderError, TimeoutError):
        return None
    if not isinstance(listed, list):
        return None
    return [m["name"] for m in listed if isinstance(m, dict) and isinstance(m.get("name"), str)]


async def choose(settings: Settings, environ: Mapping[str, str], http: HttpClients) -> Choice:
    """The provider to use and why; raises a CONFIG ProviderError that says how to set one up."""
    if (choice := choose_from_environment(settings.provider, environ)) is not None:
        return choice
    address = ollama_address(settings, environ)
    if not settings.allow_http and plain_http_elsewhere(address):  # nothing goes out, no key
        source = "fimLsp.baseUrl" if settings.base_url else "OLLAMA_HOST"
        raise ProviderError(ErrorKind.CONFIG, plain_http_refusal(address, source))
    models = await probe_ollama(http, address, environ.get(ollama.KEY_VARIABLE, "").strip() or None)
    if models is None:
        raise ProviderError(
            ErrorKind.CONFIG,
            setup_message(address, answered=False),
            key_variable=KEY_VARIABLES["mistral"],
        )
    reason = f"auto: no MISTRAL_API_KEY or CODESTRAL_API_KEY, and Ollama answers at {address}"
    if settings.model != Settings().model:
        return Choice("ollama", reason)  # the user named a model: ask for that one
    model = fim_model(models)
    if model is None:
        raise ProviderError(
            ErrorKind.CONFIG,
            setup_message(address, answered=True),
            key_variable=KEY_VARIABLES["mistral"],
        )
    return Choice("ollama", f"{reason} with the FIM model {model}", model)


Build = Callable[[Choice], Provider]


class AutoProvider:
    """Chooses on first use (an Ollama probe, once, off the keystroke path) and then delegates."""

    def __init__(
        self,
        settings: Settings,
        environ: Mapping[str, str],
        http: HttpClients,
        build: Build,
    ) -> None:
        self._settings = settings
        self._environ = dict(environ)
        self._http = http
        self._build = build
        self._chosen: tuple[Provider, Choice] | None = None
        self._choosing: asyncio.Task[tuple[Provider, Choice]] | None = None
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop yet (e.g. at start-up): choose on first use
        self._choosing = _background(self._choose())  # look now, before the first keystroke

    @property
    def name(self) -> str:
        return self._chosen[0].name if self._chosen is not None else "auto"

    @property
    def host(self) -> str:
        return self._chosen[0].host if self._chosen is not None else "auto"

    async def _choose(self) -> tuple[Provider, Choice]:
        choice = await choose(self._settings, self._environ, self._http)
        return self._build(choice), choice

    async def chosen(self) -> tuple[Provider, Choice]:
        """The provider in use and why (choosing it now if not yet done)."""
        if self._chosen is not None:
            return self._chosen
        task = self._choosing
        if task is None or (task.done() and (task.cancelled() or task.exception() is not None)):
            task = self._choosing = _background(self._choose())
        self._chosen = chosen = await asyncio.shield(task)
        return chosen

    async def stream(self, request: FimRequest) -> AsyncGenerator[str, None]:
        """Yield the chosen provider's deltas; closing this generator closes its HTTP stream."""
        provider, choice = await self.chosen()
        if choice.model is not None:
            request = replace(request, model=choice.model)
        async with aclosing(provider.stream(request)) as deltas:
            async for delta in deltas:
                yield delta


_TASKS: set[asyncio.Task[tuple[Provider, Choice]]] = set()


def _background(
    work: Coroutine[None, None, tuple[Provider, Choice]],
) -> asyncio.Task[tuple[Provider, Choice]]:
    """Run the choice as a task held by reference, whose failure is read by whoever awaits it."""
    task = asyncio.ensure_future(work)
    _TASKS.add(task)
    task.add_done_callback(_done)
    return task


def _done(task: asyncio.Task[tuple[Provider, Choice]]) -> None:
    _TASKS.discard(task)
    if not task.cancelled():
        task.exception()  # mark it retrieved: the next request asks again and reports it
