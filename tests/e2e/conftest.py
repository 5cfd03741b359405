"""End-to-end fixtures: the real server as a subprocess over stdio, pointed at the fake Codestral."""

from __future__ import annotations

import asyncio
import copy
import functools
import os
import subprocess
import sys
import tempfile
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from cattrs import Converter
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import register_lsp_features

from bench.fakes.codestral import FakeCodestral
from bench.fakes.env import server_env as fake_env

HERE = Path(__file__).parent
# Each server is its own process on its own pipes, forked from one that has imported fim_lsp already
# (prefork.py says what that does and does not change); FIM_LSP_TEST_COLD_START=1 starts every one
# as `python -m fim_lsp`.
COLD_START = os.environ.get("FIM_LSP_TEST_COLD_START", "") not in ("", "0")
_folder = tempfile.gettempdir()
WARM_SOCKET = Path(_folder if len(_folder) < 64 else "/tmp") / f"fim-lsp-warm-{os.getpid()}.sock"
FIM_LSP = (
    [sys.executable, "-m", "fim_lsp"]
    if COLD_START
    else [sys.executable, "-I", "-S", str(HERE / "prefork_launch.py"), str(WARM_SOCKET)]
)
SERVER = [*FIM_LSP, "--stdio", "--log-level", "DEBUG"]


@pytest.fixture(scope="session", autouse=True)
def warm_starts() -> Iterator[None]:
    """The process the servers of this test worker are forked from, for the whole session."""
    if COLD_START:
        yield
        return
    WARM_SOCKET.unlink(missing_ok=True)
    forker = subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.prefork", str(WARM_SOCKET)],
        cwd=HERE.parents[1],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not WARM_SOCKET.exists():
        assert forker.poll() is None, f"the warm-start process ended ({forker.returncode}) at start"
        assert time.monotonic() < deadline, "the warm-start process did not listen within 120 s"
        time.sleep(0.02)
    yield
    assert forker.stdin is not None
    forker.stdin.close()  # it ends when its stdin closes and removes the socket
    forker.wait(timeout=30)


@pytest.fixture
def fake() -> Iterator[FakeCodestral]:
    with FakeCodestral(completion="return a + b") as server:
        yield server


def server_env(fake: FakeCodestral, **extra: str) -> dict[str, str]:
    """The server's environment for most tests: pointed at the fake, no debounce, no file header."""
    return fake_env(fake, **{"FIM_LSP_DEBOUNCE_MS": "0", "FIM_LSP_FILE_HEADER": "false", **extra})


@functools.cache
def _shared_converter() -> Converter:
    return default_converter()


@functools.cache
def _recorded_capabilities(client: str) -> types.ClientCapabilities:
    return client_capabilities(client)


def capabilities_of(client: str) -> types.ClientCapabilities:
    """The capabilities pytest-lsp recorded for `client` (e.g. "neovim@v0.11.0"), read once a
    process: pytest-lsp builds a new converter to read them on every call."""
    return copy.deepcopy(_recorded_capabilities(client))


def new_client() -> LanguageClient:
    """pytest-lsp's test client, with one converter for every client of the process: cattrs builds
    its functions for each message type once, where a converter per client spent about half the
    test process's CPU in test_providers.py building them again."""
    client = LanguageClient(converter_factory=_shared_converter)
    register_lsp_features(client)
    return client


Start = Callable[..., Awaitable[LanguageClient]]
STATUS = "fimLsp/status"
STATUSES: weakref.WeakKeyDictionary[LanguageClient, list[dict[str, Any]]] = (
    weakref.WeakKeyDictionary()
)
INITIALIZE_RESULTS: weakref.WeakKeyDictionary[LanguageClient, types.InitializeResult] = (
    weakref.WeakKeyDictionary()
)
REGISTRATIONS: weakref.WeakKeyDictionary[LanguageClient, list[types.Registration]] = (
    weakref.WeakKeyDictionary()
)


@pytest_asyncio.fixture
async def start(fake: FakeCodestral) -> AsyncIterator[Start]:
    """Start servers; each is shut down cleanly after the test. `client` names the capabilities
    pytest-lsp recorded; `capabilities` and `client_info`, when given, are sent instead."""
    clients: list[LanguageClient] = []

    async def _start(
        *,
        client: str = "neovim@v0.11.0",
        capabilities: types.ClientCapabilities | None = None,
        client_info: types.ClientInfo | None = None,
        env: dict[str, str] | None = None,
        initialization_options: Any = None,
        configuration: dict[str, Any] | None = None,
        command: list[str] | None = None,
        workspace: str | None = None,
    ) -> LanguageClient:
        lsp = new_client()
        STATUSES[lsp] = statuses = []

        @lsp.feature(STATUS)
        def on_status(params: Any) -> None:
            fields = ("kind", "busy", "message", "code", "provider", "keyVariable")
            statuses.append(
                {name: getattr(params, name) for name in fields if hasattr(params, name)}
            )

        REGISTRATIONS[lsp] = registrations = []

        @lsp.feature(types.CLIENT_REGISTER_CAPABILITY)
        def on_register(params: types.RegistrationParams) -> None:
            registrations.extend(params.registrations)

        if configuration is not None:
            lsp.set_configuration(configuration, section="fimLsp")
        await lsp.start_io(*(command or SERVER), env=env if env is not None else server_env(fake))
        clients.append(lsp)
        INITIALIZE_RESULTS[lsp] = await lsp.initialize_session(
            types.InitializeParams(
                capabilities=capabilities or capabilities_of(client),
                client_info=client_info,
                initialization_options=initialization_options,
                workspace_folders=(
                    [types.WorkspaceFolder(uri=workspace, name="project")] if workspace else None
                ),
            )
        )
        return lsp

    yield _start
    for lsp in clients:
        if lsp not in STOPPED:
            await stop(lsp)


STOPPED: weakref.WeakSet[LanguageClient] = weakref.WeakSet()


async def stop(lsp: LanguageClient) -> None:
    """Shut a server from `start` down now, as an editor does when it quits."""
    STOPPED.add(lsp)
    await lsp.shutdown_session()
    await lsp.stop()


@pytest_asyncio.fixture
async def client(start: Start) -> LanguageClient:
    return await start()


def open_document(
    client: LanguageClient, text: str, uri: str = "file:///work/demo.py", language: str = "python"
) -> str:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id=language, version=1, text=text
            )
        )
    )
    return uri


def inline_params(
    uri: str, line: int, character: int, *, invoked: bool = True
) -> types.InlineCompletionParams:
    kind = (
        types.InlineCompletionTriggerKind.Invoked
        if invoked
        else types.InlineCompletionTriggerKind.Automatic
    )
    return types.InlineCompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=line, character=character),
        context=types.InlineCompletionContext(trigger_kind=kind),
    )


async def inline(
    client: LanguageClient, uri: str, line: int, character: int, *, invoked: bool = True
) -> types.InlineCompletionList | list[types.InlineCompletionItem] | None:
    return await client.text_document_inline_completion_async(
        inline_params(uri, line, character, invoked=invoked)
    )


def change(
    client: LanguageClient,
    uri: str,
    version: int,
    text: str,
    start: tuple[int, int] | None = None,
    end: tuple[int, int] | None = None,
) -> None:
    """One didChange: `text` replaces start..end (both None: the whole document)."""
    event: types.TextDocumentContentChangeEvent
    if start is None or end is None:
        event = types.TextDocumentContentChangeWholeDocument(text=text)
    else:
        event = types.TextDocumentContentChangePartial(
            range=types.Range(
                start=types.Position(line=start[0], character=start[1]),
                end=types.Position(line=end[0], character=end[1]),
            ),
            text=text,
        )
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[event],
        )
    )


async def menu(
    client: LanguageClient, uri: str, line: int, character: int
) -> types.CompletionList | list[types.CompletionItem] | None:
    """The completion menu at line:character, asked for as an editor asks while typing."""
    return await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=character),
        )
    )


async def wait_for(predicate: Callable[[], bool], seconds: float = 5.0) -> bool:
    """Poll until `predicate` holds (for notifications that arrive after a response)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def printed_stats(env: dict[str, str]) -> str:
    """What `fim-lsp stats` prints with `env`, run as a user runs it."""
    done = await asyncio.to_thread(
        subprocess.run,
        [*FIM_LSP, "stats"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout
