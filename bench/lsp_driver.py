"""Drive the real fim-lsp server over stdio with pygls' LanguageClient, for benchmarks.

Only ever talks to 127.0.0.1: the server is pointed at a fake Codestral started in-process.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

from lsprotocol import types
from pygls.lsp.client import LanguageClient

SERVER_COMMAND = [sys.executable, "-m", "fim_lsp", "--stdio"]
REQUEST_TIMEOUT = 15.0  # seconds; a request slower than this is a failure

# --------------------------------------------------------------------------- the document


HEADER = [
    '"""A document for benchmarking fim-lsp: one assignment per slot line."""',
    "",
    "",
    "def compute(values, weights):",
    "    total = 0",
]
SLOT_RE = re.compile(r"slot_(\d{4}) = (.*)\Z")


def slot_line(i: int) -> int:
    """The line index of slot ``i``."""
    return len(HEADER) + i


def slot_head(i: int) -> str:
    """The text of slot line ``i`` before the cursor, as the document starts."""
    return f"    slot_{i:04d} = "


def target(i: int) -> str:
    """The 40-character single-line suggestion the fake model gives for slot ``i``."""
    return f"compute_total_{i:04d}(values, weights, x=1)"


def slot_document(slots: int) -> str:
    lines = [*HEADER, *(slot_head(i) for i in range(slots)), "    return total", ""]
    return "\n".join(lines)


def model(prompt: str, suffix: str) -> str:
    """A consistent fake model: on a slot line it completes what is typed towards ``target``."""
    match = SLOT_RE.search(prompt.rpartition("\n")[2])
    if match is None:
        return "pass"
    want, typed = target(int(match[1])), match[2]
    return want[len(typed) :] if want.startswith(typed) else ""


assert all(len(target(i)) == 40 for i in (0, 9999))


# --------------------------------------------------------------------------- the server


class Failure(Exception):
    """A request failed, timed out, or the server died."""


def capabilities() -> types.ClientCapabilities:
    """What a VS Code-like editor announces (utf-16, configuration, inline completion)."""
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(
            position_encodings=[types.PositionEncodingKind.Utf16]
        ),
        workspace=types.WorkspaceClientCapabilities(
            configuration=True,
            did_change_configuration=types.DidChangeConfigurationClientCapabilities(),
        ),
        text_document=types.TextDocumentClientCapabilities(
            synchronization=types.TextDocumentSyncClientCapabilities(),
            inline_completion=types.InlineCompletionClientCapabilities(),
        ),
    )


@dataclass
class Pending:
    """One request on its way: when it was sent and, once answered, when and with what."""

    sent: float
    future: concurrent.futures.Future[Any]
    answered: float | None = None

    async def result(self, limit: float = REQUEST_TIMEOUT) -> str | None:
        """The first suggestion's text (None for an empty answer); raises Failure."""
        try:
            value = await asyncio.wait_for(asyncio.wrap_future(self.future), limit)
        except TimeoutError:
            raise Failure(f"no answer within {limit:.0f} s") from None
        except Exception as error:
            raise Failure(f"request failed: {type(error).__name__}: {error}") from None
        return first_text(value)

    @property
    def seconds(self) -> float:
        assert self.answered is not None
        return self.answered - self.sent


def first_text(value: object) -> str | None:
    items: Sequence[object]
    if value is None:
        return None
    items = value.items if isinstance(value, types.InlineCompletionList) else value  # type: ignore[assignment]
    if not items:
        return None
    first = items[0]
    assert isinstance(first, types.InlineCompletionItem)
    text = first.insert_text
    return text if isinstance(text, str) else text.value


@dataclass
class Server:
    """One fim-lsp process and the client that talks to it."""

    env: dict[str, str]
    command: list[str] = field(default_factory=lambda: list(SERVER_COMMAND))
    workspace: str | None = None  # the URI of the folder an editor opened, if any
    client: LanguageClient = field(init=False)
    stderr: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    _versions: dict[str, int] = field(default_factory=dict)
    _drain: asyncio.Task[None] | None = None
    _asked: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> float:
        """Spawn the server and initialize it; returns seconds from spawn to initialize's answer."""
        self.client = client = LanguageClient("fim-lsp-bench", "0")

        @client.feature(types.WORKSPACE_CONFIGURATION)  # type: ignore[untyped-decorator]
        def configuration(params: types.ConfigurationParams) -> list[Any]:
            self._asked.set()
            return [None for _ in params.items]

        @client.feature(types.WINDOW_SHOW_MESSAGE)  # type: ignore[untyped-decorator]
        def show_message(params: types.ShowMessageParams) -> None:
            self.messages.append(params.message)

        @client.feature(types.WINDOW_LOG_MESSAGE)  # type: ignore[untyped-decorator]
        def log_message(params: types.LogMessageParams) -> None:
            pass

        @client.feature("fimLsp/status")  # type: ignore[untyped-decorator]
        def status(params: Any) -> None:
            pass

        started = time.perf_counter()
        await client.start_io(*self.command, env=self.env)
        process = client._server
        assert process is not None and process.stderr is not None
        self._drain = asyncio.create_task(self._read_stderr(process.stderr))
        try:
            await asyncio.wait_for(
                client.initialize_async(
                    types.InitializeParams(
                        capabilities=capabilities(),
                        process_id=os.getpid(),
                        client_info=types.ClientInfo(name="fim-lsp-bench"),
                        root_uri=self.workspace,
                        workspace_folders=(
                            [types.WorkspaceFolder(uri=self.workspace, name="workspace")]
                            if self.workspace
                            else None
                        ),
                    )
                ),
                REQUEST_TIMEOUT,
            )
        except Exception as error:
            raise Failure(f"initialize failed: {type(error).__name__}: {error}") from None
        elapsed = time.perf_counter() - started
        client.initialized(types.InitializedParams())
        return elapsed

    async def configured(self, limit: float = 2.0) -> None:
        """Wait until the server has asked for workspace/configuration and had its answer."""
        try:
            await asyncio.wait_for(self._asked.wait(), limit)
        except TimeoutError:
            raise Failure(f"no workspace/configuration request within {limit:.0f} s") from None
        await asyncio.sleep(0.01)  # the answer is written after the handler returns

    async def _read_stderr(self, stream: asyncio.StreamReader) -> None:
        while line := await stream.readline():
            self.stderr.append(line.decode("utf-8", "replace").rstrip("\n"))

    @property
    def pid(self) -> int:
        process = self.client._server
        assert process is not None
        return process.pid

    @property
    def alive(self) -> bool:
        process = self.client._server
        return process is not None and process.returncode is None

    def check_alive(self) -> None:
        if not self.alive:
            process = self.client._server
            code = process.returncode if process is not None else None
            raise Failure(f"the server died (exit status {code})")

    def memory_kb(self, field_name: str) -> int:
        """A ``Vm*`` field of /proc/<pid>/status (VmHWM = peak RSS, VmRSS = current), in kB."""
        with open(f"/proc/{self.pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
        raise Failure(f"{field_name} not in /proc/{self.pid}/status")

    def open(self, uri: str, text: str) -> None:
        self._versions[uri] = 1
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="python", version=1, text=text
                )
            )
        )

    def insert(self, uri: str, line: int, character: int, text: str) -> None:
        """didChange: insert ``text`` at (line, character) (utf-16 units)."""
        self._versions[uri] += 1
        at = types.Position(line=line, character=character)
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=uri, version=self._versions[uri]
                ),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(start=at, end=at), text=text
                    )
                ],
            )
        )

    def send_inline(self, uri: str, line: int, character: int, *, invoked: bool) -> Pending:
        """Send textDocument/inlineCompletion without waiting for the answer."""
        kind = (
            types.InlineCompletionTriggerKind.Invoked
            if invoked
            else types.InlineCompletionTriggerKind.Automatic
        )
        params = types.InlineCompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=character),
            context=types.InlineCompletionContext(trigger_kind=kind),
        )
        sent = time.perf_counter()
        future = self.client.text_document_inline_completion(params)
        pending = Pending(sent, future)

        def done(_: concurrent.futures.Future[Any]) -> None:
            pending.answered = time.perf_counter()

        future.add_done_callback(done)
        return pending

    async def inline(
        self, uri: str, line: int, character: int, *, invoked: bool
    ) -> tuple[str | None, float]:
        """(suggestion text or None, seconds from sending to the answer)."""
        pending = self.send_inline(uri, line, character, invoked=invoked)
        text = await pending.result()
        return text, pending.seconds

    async def stop(self) -> None:
        """shutdown + exit, then wait for the process (killed after 5 s; that is a Failure)."""
        client = self.client
        process = client._server
        problem: str | None = None
        if process is not None and process.returncode is None:
            try:
                await asyncio.wait_for(client.shutdown_async(None), 5)
                client.exit(None)
                await asyncio.wait_for(process.wait(), 5)
            except Exception as error:
                problem = f"the server did not shut down cleanly ({type(error).__name__})"
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.stop(), 5)  # type: ignore[no-untyped-call]
        if self._drain is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._drain, 2)
        if problem is not None:
            raise Failure(problem)

    def log_problems(self) -> Counter[str]:
        """WARNING/ERROR lines of the server's log, without timestamps, counted."""
        counts: Counter[str] = Counter()
        for line in self.stderr:
            match = re.search(r"\b(WARNING|ERROR|CRITICAL)\b (.*)", line)
            if match is not None:
                counts[f"{match[1]} {match[2]}"] += 1
            elif line.startswith(("Traceback", "  File", "    ")) or "Error" in line:
                counts[line.strip()] += 1
        return counts


# --------------------------------------------------------------------------- what benchmarks share


async def ready_server(env: dict[str, str]) -> Server:
    """A server started with `env` that has taken its settings."""
    server = Server(env)
    await server.start()
    await server.configured()
    return server


def item_json(item: types.InlineCompletionItem) -> dict[str, Any]:
    """An item as the server sent it, for the lifecycle notifications (their `item`)."""
    assert item.command is not None
    return {
        "insertText": item.insert_text,
        "command": {
            "title": item.command.title,
            "command": item.command.command,
            "arguments": item.command.arguments,
        },
    }


def ratio_row(name: str, baseline: float, measured: float, unit: str = "") -> str:
    """A table row: the baseline, the measured value, and their ratio."""
    ratio = f"{measured / baseline:.2f}x" if baseline else "-"
    return f"| {name} | {baseline:.1f}{unit} | {measured:.1f}{unit} | {ratio} |"


def run_benchmark(work: Coroutine[Any, Any, int]) -> NoReturn:
    """Run a benchmark's main coroutine and exit with its status; a Failure prints and exits 1."""
    try:
        code = asyncio.run(work)
    except Failure as failure:
        print(f"FAILED: {failure}")
        code = 1
    sys.exit(code)


def framed(message: dict[str, Any]) -> bytes:
    """One LSP message with its Content-Length header, as an editor writes it."""
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


async def answer(stdout: asyncio.StreamReader, request_id: int) -> dict[str, Any]:
    """The response to `request_id` on a server's stdout, skipping the notifications and requests
    before it; raises Failure when the stream ends or the request failed."""
    while True:
        length = None
        while header := (await stdout.readline()).strip():
            name, _, value = header.decode("ascii").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        if length is None:
            raise Failure("the server closed stdout, or sent a message without Content-Length")
        message: dict[str, Any] = json.loads(await stdout.readexactly(length))
        if message.get("id") == request_id and "method" not in message:
            if "error" in message:
                raise Failure(f"request {request_id} failed: {message['error']}")
            return message
