"""The warm start the end-to-end tests use behaves as `python -m fim_lsp` does, to the exit."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

import pytest

from tests.e2e.conftest import FIM_LSP

COLD = [sys.executable, "-m", "fim_lsp"]


def _run(command: list[str], *arguments: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command, *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "FIM_LSP_PROVIDER": "mistral", "MISTRAL_API_KEY": ""},
    )


@pytest.mark.parametrize(
    "arguments", [("--version",), ("--no-such-option",), ("check",), ("stats", "--json")]
)
def test_a_warm_start_prints_and_exits_as_a_real_one(arguments: tuple[str, ...]) -> None:
    real, warm = _run(COLD, *arguments), _run(FIM_LSP, *arguments)
    assert (warm.returncode, warm.stdout, warm.stderr) == (
        real.returncode,
        real.stdout,
        real.stderr,
    ), f"fim-lsp {' '.join(arguments)}: a warm start differs from `python -m fim_lsp`"


def test_a_warm_server_ends_when_its_input_closes() -> None:
    done = _run(FIM_LSP, "--stdio")
    assert done.returncode == 0, f"the server ended with {done.returncode}: {done.stderr}"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
async def test_a_signal_to_the_launcher_ends_the_server(signum: int) -> None:
    process = await asyncio.create_subprocess_exec(
        *FIM_LSP, "--stdio", stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert process.stdout is not None
    await asyncio.sleep(1)
    process.send_signal(signum)
    code = await asyncio.wait_for(process.wait(), 30)
    assert code == -signum, f"the launcher ended with {code}, not as the server would have"
    # only the server holds the write end of its output: it closes when the server is gone
    try:
        output = await asyncio.wait_for(process.stdout.read(), 30)
    except TimeoutError:
        pytest.fail("the server outlived its launcher: its output was still open 30 s later")
    assert output == b"", f"the server still wrote {output!r} after the signal"
