"""The key never leaves through logs, messages, statuses or answers, even at DEBUG and on errors."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

from lsprotocol import types

from bench.fakes.codestral import FakeCodestral
from tests.e2e.conftest import STATUSES, Start, inline, open_document, server_env

KEY = "fake-secret-key-7f3a9c"


async def test_the_key_appears_nowhere(start: Start, tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    command = [sys.executable, "-m", "fim_lsp", "--log-level", "DEBUG", "--log-file", str(log)]
    with FakeCodestral(api_key=KEY, completion="1") as fake:
        client = await start(command=command, env=server_env(fake))
        fake.fail_next(401, {"message": "Unauthorized"})
        uri = open_document(client, "x = \n")
        rejected = await inline(client, uri, 0, 4)
        accepted = await inline(client, uri, 0, 4, invoked=True)
        client_side = [
            repr(rejected),
            repr(accepted),
            *(m.message for m in client.messages),
            *(m.message for m in client.log_messages),
            *(str(status) for status in STATUSES[client]),
        ]
        headers = [request.header("authorization") for request in fake.requests]
    logged = log.read_text(encoding="utf-8")
    assert "was rejected" in logged and "DEBUG" in logged  # the failure was logged, verbosely ...
    assert KEY not in logged  # ... but never the key
    assert all(KEY not in text for text in client_side)
    assert any("was rejected" in text for text in client_side)
    assert headers == [f"Bearer {KEY}"] * 2  # the key went to the provider, and only there
    assert isinstance(accepted, types.InlineCompletionList) and len(accepted.items) == 1


async def test_the_key_is_not_in_the_lsp_trace(start: Start, tmp_path: Path) -> None:
    """Every byte between editor and server, both ways, as a verbose LSP trace would show it."""
    sent, received = tmp_path / "to-server.jsonrpc", tmp_path / "from-server.jsonrpc"
    server = shlex.join([sys.executable, "-m", "fim_lsp", "--log-level", "DEBUG"])
    # the server is the process the client waits for; the tees copy each way and hold no stderr,
    # which the client reads to its end
    copy_in, copy_out = (f"tee {shlex.quote(str(path))} 2>/dev/null" for path in (sent, received))
    relay = f"exec {server} < <({copy_in}) > >({copy_out})"
    with FakeCodestral(api_key=KEY, completion="1") as fake:
        client = await start(command=["bash", "-c", relay], env=server_env(fake))
        fake.fail_next(401, {"message": "Unauthorized"})
        uri = open_document(client, "x = \n")
        await inline(client, uri, 0, 4)
        accepted = await inline(client, uri, 0, 4)
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="fimLsp.health")
        )
    assert isinstance(accepted, types.InlineCompletionList) and len(accepted.items) == 1
    trace = sent.read_text(encoding="utf-8") + received.read_text(encoding="utf-8")
    assert "was rejected" in trace and "fimLsp.health" in trace  # the trace is complete ...
    assert KEY not in trace  # ... and has no key


def test_the_key_is_not_in_check_output(tmp_path: Path) -> None:
    log = tmp_path / "check.log"
    command = [sys.executable, "-m", "fim_lsp", "--log-level", "DEBUG", "--log-file", str(log)]
    with FakeCodestral(api_key=KEY, completion="1") as fake:
        for failing in (True, False):
            if failing:
                fake.fail_next(401, {"message": "Unauthorized"})
            done = subprocess.run(
                [*command, "check"],
                env=server_env(fake),
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            assert done.returncode == (1 if failing else 0), done.stderr
            assert KEY not in done.stdout + done.stderr
    assert KEY not in log.read_text(encoding="utf-8")
