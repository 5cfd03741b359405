"""No key and no URL password leaves the server, whatever a provider echoes back, on any channel.

A provider's error body or stream that repeats the request's Authorization header is the worst
case: the server holds the text and must still never pass the key on. Every channel is read: the
LSP traffic both ways, the server's stderr (its log at DEBUG), the log file, and the output of
`fim-lsp check` and `fim-lsp complete`.
"""

from __future__ import annotations

import shlex
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types

from bench.fakes.codestral import FakeCodestral
from bench.fakes.http import FakeServer
from bench.fakes.llamacpp import FakeLlamaCpp
from bench.fakes.ollama import FakeOllama
from bench.fakes.openai import FakeOpenAI
from tests.e2e.conftest import FIM_LSP, Start, inline, open_document, server_env, stop

KEY = "fake-key-Zq81xWv30pLk"
PASSWORD = "pw-Hq27vNc94"
FAKES: tuple[type[FakeServer], ...] = (FakeCodestral, FakeOllama, FakeOpenAI, FakeLlamaCpp)
STATUSES = (400, 401, 403, 404, 408, 413, 422, 429, 500, 502, 503, 504)
MODES = ("drop", "reset", "malformed", "finish_error", "stall_mid")
# a stream that stalls is given up after these, not after the default 10 s
SHORT_TIMEOUTS = {"FIM_LSP_FIRST_TOKEN_TIMEOUT_MS": "2000", "FIM_LSP_TIMEOUT_MS": "2000"}
ECHOES = (
    f"Authorization: Bearer {KEY}",
    f'{{"headers": {{"authorization": "Bearer {KEY}"}}}}',
    f"invalid api key {KEY!r}",
    KEY,
)


@dataclass(frozen=True)
class Failure:
    """One way a provider can fail while echoing the key: a status with a body, or a stream."""

    status: int | None  # None: a 200 stream that holds the key
    body_style: str  # "message", "detail", "text" or a stream fault (MODES) or "clean"
    echo: str

    def inject(self, fake: FakeServer) -> None:
        if self.status is None:
            fake.completion = f"x = 1  # {self.echo}"
            if self.body_style in MODES and self.body_style in fake.MODES:
                fake.set_mode(self.body_style, 1)
            return
        body: Any = {
            "message": {"message": self.echo, "type": "error"},
            "detail": {"detail": [{"msg": self.echo, "loc": ["body", "prompt"]}]},
            "text": self.echo,
        }[self.body_style]
        fake.fail_next(self.status, body, {"X-Echo": f"Bearer {KEY}"})


failures = st.one_of(
    st.builds(
        Failure,
        st.sampled_from(STATUSES),
        st.sampled_from(("message", "detail", "text")),
        st.sampled_from(ECHOES),
    ),
    st.builds(Failure, st.none(), st.sampled_from((*MODES, "clean")), st.sampled_from(ECHOES)),
)


def _relay(tmp: Path) -> list[str]:
    """The server behind tees that copy every byte each way, its stderr to a file."""
    server = shlex.join([*FIM_LSP, "--log-level", "DEBUG"])
    copy_in, copy_out = (
        f"tee {shlex.quote(str(tmp / name))} 2>/dev/null" for name in ("in.jsonrpc", "out.jsonrpc")
    )
    stderr = shlex.quote(str(tmp / "stderr.log"))
    return ["bash", "-c", f"exec {server} < <({copy_in}) > >({copy_out}) 2>{stderr}"]


def _channels(tmp: Path) -> str:
    return "\n".join(
        (tmp / name).read_text(encoding="utf-8", errors="replace")
        for name in ("in.jsonrpc", "out.jsonrpc", "stderr.log")
    )


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(fake_class=st.sampled_from(FAKES), plan=st.lists(failures, min_size=1, max_size=5))
async def test_the_key_appears_on_no_channel_whatever_the_provider_echoes(
    start: Start, tmp_path_factory: Any, fake_class: type[FakeServer], plan: list[Failure]
) -> None:
    tmp = tmp_path_factory.mktemp("scrub")
    plan = sorted(plan, key=lambda failure: failure.status == 429)  # a 429 pauses what follows
    with fake_class(api_key=KEY) as fake:
        client = await start(command=_relay(tmp), env=server_env(fake, **SHORT_TIMEOUTS))
        uri = open_document(client, "x = \n")
        for failure in plan:
            failure.inject(fake)
            await inline(client, uri, 0, 4, invoked=True)
        for command in ("fimLsp.lastRequest", "fimLsp.health", "fimLsp.stats"):
            await client.workspace_execute_command_async(
                types.ExecuteCommandParams(command=command)
            )
        await stop(client)
        asked = [request.header("authorization") for request in fake.requests]
    channels = _channels(tmp)
    assert "fimLsp.health" in channels and "initialize" in channels  # every channel was read
    assert f"Bearer {KEY}" in asked  # the key did go to the provider, and only there
    assert KEY not in channels, f"the key leaked after {plan}"


async def test_a_password_in_the_address_appears_on_no_channel(
    start: Start, tmp_path: Path
) -> None:
    with FakeCodestral(api_key=KEY) as fake:
        address = fake.base_url.replace("http://", f"http://user:{PASSWORD}@")
        client = await start(
            command=_relay(tmp_path), env=server_env(fake, FIM_LSP_BASE_URL=address)
        )
        uri = open_document(client, "x = \n")
        fake.fail_next(500, {"message": f"upstream {address} failed"})
        await inline(client, uri, 0, 4, invoked=True)
        await inline(client, uri, 0, 4, invoked=True)
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="fimLsp.lastRequest")
        )
        await stop(client)
    assert PASSWORD not in _channels(tmp_path)


def _cli(fake: FakeServer, tmp: Path, *arguments: str) -> str:
    log = tmp / "cli.log"
    done = subprocess.run(
        [
            *FIM_LSP,
            "--log-level",
            "DEBUG",
            "--log-file",
            str(log),
            *arguments,
        ],
        env=server_env(fake, **SHORT_TIMEOUTS),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.stdout + done.stderr + log.read_text(encoding="utf-8")


@settings(max_examples=8, deadline=None)
@given(failure=failures)
def test_check_and_complete_print_no_key_whatever_the_provider_echoes(failure: Failure) -> None:
    with FakeCodestral(api_key=KEY) as fake, tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        source = tmp / "example.py"
        source.write_text("x = \n", encoding="utf-8")
        printed = ""
        for arguments in (("check",), ("complete", f"{source}:1:5")):
            failure.inject(fake)
            printed += _cli(fake, tmp, *arguments)
        asked = [request.header("authorization") for request in fake.requests]
    assert f"Bearer {KEY}" in asked
    assert KEY not in printed, f"the key leaked after {failure}"
