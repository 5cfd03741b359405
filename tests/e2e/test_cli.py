"""The command line: `complete`, `check`, `--tcp`, and the README's run command, as a user runs them."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

from bench.fakes.codestral import FakeCodestral
from tests.e2e.conftest import Start, capabilities_of, inline, new_client, open_document, server_env
from tests.e2e.test_lifecycle import POISONED_FILES, poison

ROOT = Path(__file__).parents[2]
FIM_LSP = [sys.executable, "-m", "fim_lsp"]


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        FIM_LSP + args, env=env, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "démo.py"
    path.write_text("def add(a, b):\n    ret\n\nprint(add(1, 2))\n", encoding="utf-8")
    return path


def test_complete_prints_the_middle(fake: FakeCodestral, source: Path) -> None:
    fake.completion = "urn a + b"
    done = run(["complete", f"{source}:2:8"], server_env(fake))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "urn a + b\n"
    body = fake.last_body()
    assert body["prompt"] == "def add(a, b):\n    ret"
    assert body["suffix"] == "\n\nprint(add(1, 2))\n"


@pytest.mark.parametrize(
    ("where", "says"),
    [
        ("{source}:9:1", "has no line 9"),
        ("{source}:2:99", "column 99"),
        ("{source}:x:1", "FILE:LINE:COL"),
        ("{source}:0:1", "1-based"),
        ("/no/such/file.py:1:1", "cannot read"),
    ],
)
def test_complete_rejects_bad_input_in_one_line(
    fake: FakeCodestral, source: Path, where: str, says: str
) -> None:
    done = run(["complete", where.format(source=source)], server_env(fake))
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and says in done.stderr
    assert "Traceback" not in done.stderr
    assert fake.requests == []


def test_complete_reports_a_provider_failure(fake: FakeCodestral, source: Path) -> None:
    done = run(["complete", f"{source}:2:8"], server_env(fake, MISTRAL_API_KEY="fake-wrong-key"))
    assert done.returncode == 1
    assert done.stderr.startswith("fim-lsp: the key in MISTRAL_API_KEY was rejected")
    assert done.stderr.count("\n") == 1
    assert "fake-wrong-key" not in done.stdout + done.stderr


FITTED_ANSWERS = [
    pytest.param(
        "2:8",
        "urn a + b\n\nprint(add(1, 2))\nprint(add(3, 4))\n",
        "urn a + b\n",
        id="the lines below repeated",
    ),
    pytest.param("2:8", "```python\nurn a + b\n```\n", "urn a + b\n", id="a markdown fence"),
    pytest.param("4:12", "1, 2))", "1\n", id="the rest of the line repeated"),
]


@pytest.mark.parametrize(("where", "answer", "shown"), FITTED_ANSWERS)
def test_complete_prints_what_the_editor_would_show(
    fake: FakeCodestral, source: Path, where: str, answer: str, shown: str
) -> None:
    fake.completion = answer
    done = run(["complete", f"{source}:{where}"], server_env(fake))
    assert done.returncode == 0, done.stderr
    assert done.stdout == shown, "complete must print the fitted suggestion, not the raw answer"
    assert done.stderr == ""


@pytest.mark.parametrize(("where", "answer", "shown"), FITTED_ANSWERS)
def test_complete_raw_prints_the_answer_unchanged(
    fake: FakeCodestral, source: Path, where: str, answer: str, shown: str
) -> None:
    fake.completion = answer
    done = run(["complete", "--raw", f"{source}:{where}"], server_env(fake))
    assert done.returncode == 0, done.stderr
    assert done.stdout == answer + "\n", "--raw must print the model's text as it came"


def test_complete_says_once_when_nothing_is_left_to_show(fake: FakeCodestral, source: Path) -> None:
    fake.completion = "\nprint(add(1, 2))\n"  # only the code already below the cursor
    done = run(["complete", f"{source}:2:8"], server_env(fake))
    assert done.returncode == 0, (
        "the provider answered: that is a success, even with nothing to show"
    )
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "nothing to show" in done.stderr, done.stderr
    assert "--raw" in done.stderr, "the message should say how to see the model's answer"


def test_complete_closes_the_stream_once_the_suggestion_is_complete(
    fake: FakeCodestral, source: Path
) -> None:
    fake.completion = "urn a + b\n\nprint(add(1, 2))\n" + "# and on and on\n" * 50
    fake.hold_after(12)  # past the line below the cursor: the editor's suggestion is complete
    command = subprocess.Popen(
        [*FIM_LSP, "complete", f"{source}:2:8"],
        env=server_env(fake),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        stdout, stderr = command.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        command.kill()
        command.communicate()
        pytest.fail("complete waited for the rest of the stream after its suggestion was complete")
    finally:
        fake.release()
    assert command.returncode == 0, f"complete waited for the rest of the stream: {stderr}"
    assert stdout == "urn a + b\n"
    assert fake.wait_for_disconnect(timeout=30), "the HTTP stream should have been closed early"


def test_check_reports_ready(fake: FakeCodestral) -> None:
    done = run(["check"], server_env(fake))
    assert done.returncode == 0, done.stderr
    assert "provider: mistral" in done.stdout
    assert "key:      MISTRAL_API_KEY is set" in done.stdout
    assert done.stdout.rstrip().endswith("verdict:  ready")
    assert fake.api_key not in done.stdout + done.stderr
    assert fake.last_body()["max_tokens"] == 8


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"MISTRAL_API_KEY": ""}, "MISTRAL_API_KEY is not set"),
        ({"MISTRAL_API_KEY": "fake-wrong-key"}, "was rejected"),
        ({"FIM_LSP_BASE_URL": "http://127.0.0.1:9"}, "cannot connect"),
    ],
)
def test_check_fails_with_one_line(fake: FakeCodestral, env: dict[str, str], says: str) -> None:
    done = run(["check"], server_env(fake, **env))
    assert done.returncode == 1
    assert says in done.stderr and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr
    assert "fake-wrong-key" not in done.stdout + done.stderr


def test_check_names_invalid_settings(fake: FakeCodestral) -> None:
    done = run(["check"], server_env(fake, FIM_LSP_MAX_TOKENS="many"))
    assert done.returncode == 1
    assert "FIM_LSP_MAX_TOKENS" in done.stdout
    assert "settings are invalid" in done.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_tcp(fake: FakeCodestral) -> None:
    port = _free_port()
    server = await asyncio.create_subprocess_exec(
        *FIM_LSP, "--tcp", f"127.0.0.1:{port}", "--log-level", "DEBUG", env=server_env(fake)
    )
    try:
        client = new_client()
        for _ in range(100):
            try:
                await client.start_tcp("127.0.0.1", port)
                break
            except OSError:
                await asyncio.sleep(0.05)
        await client.initialize_session(
            types.InitializeParams(capabilities=capabilities_of("visual-studio-code"))
        )
        uri = open_document(client, "x = \n")
        result = await inline(client, uri, 0, 4)
        assert isinstance(result, types.InlineCompletionList)
        assert [item.insert_text for item in result.items] == ["return a + b"]

        # read as robustly as stdio: a byte that is not UTF-8 costs only itself
        text = "caf@ = 'naïve'\ny = "
        document = {"uri": "file:///w/c.py", "languageId": "python", "version": 1, "text": text}
        opening = {
            "jsonrpc": "2.0",
            "method": "textDocument/didOpen",
            "params": {"textDocument": document},
        }
        body = json.dumps(opening, ensure_ascii=False).encode().replace(b"@", b"\xe9")
        client.protocol.writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        result = await asyncio.wait_for(inline(client, "file:///w/c.py", 1, 4), 10)
        assert isinstance(result, types.InlineCompletionList) and result.items
        assert fake.last_body()["prompt"].endswith(text.replace("@", "\ufffd"))

        # one server serves one editor: a second connection is closed at once
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        assert await asyncio.wait_for(reader.read(), 10) == b""
        writer.close()

        await client.shutdown_async(None)
        client.exit(None)
        assert await asyncio.wait_for(server.wait(), 10) == 0
        await client.stop()
    finally:
        if server.returncode is None:
            server.kill()
            await server.wait()


def test_tcp_on_a_port_in_use_says_so(fake: FakeCodestral) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run(["--tcp", f"127.0.0.1:{port}"], server_env(fake))
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "Traceback" not in done.stderr


async def test_readme_run_command_serves_lsp(start: Start, fake: FakeCodestral) -> None:
    client = await start(command=[str(ROOT / "tools" / "run.sh"), "--stdio"])
    uri = open_document(client, "x = \n")
    result = await inline(client, uri, 0, 4)
    assert isinstance(result, types.InlineCompletionList)
    assert [item.insert_text for item in result.items] == ["return a + b"]


def _frame(message: str | bytes) -> bytes:
    body = message.encode() if isinstance(message, str) else message
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def _answers(output: bytes) -> dict[Any, Any]:
    """The answers in the server's output, by id."""
    answers = {}
    while output:
        header, _, rest = output.partition(b"\r\n\r\n")
        length = int(header.split(b"Content-Length: ")[1].split(b"\r\n")[0])
        message = json.loads(rest[:length])
        answers[message.get("id")] = message.get("result", message.get("error"))
        output = rest[length:]
    return answers


_INITIALIZE = '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}'


def test_stdin_may_be_a_file(fake: FakeCodestral, tmp_path: Path) -> None:
    messages = tmp_path / "session.lsp"
    messages.write_bytes(
        _frame(_INITIALIZE)
        + _frame('{"jsonrpc":"2.0","id":2,"method":"shutdown"}')
        + _frame('{"jsonrpc":"2.0","method":"exit"}')
    )
    with messages.open("rb") as stdin:
        done = subprocess.run(
            FIM_LSP, env=server_env(fake), stdin=stdin, capture_output=True, timeout=60, check=False
        )
    assert done.returncode == 0, done.stderr
    answers = _answers(done.stdout)
    assert "capabilities" in answers[1] and answers[2] is None


def test_input_ending_in_the_middle_of_a_message_ends_the_server_quietly(
    fake: FakeCodestral,
) -> None:
    cut_short = b"Content-Length: 500\r\n\r\n" + b'{"jsonrpc":"2.0","method":"initialized"'
    done = subprocess.run(
        FIM_LSP,
        env=server_env(fake),
        input=_frame(_INITIALIZE) + cut_short,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    assert "capabilities" in _answers(done.stdout)[1]
    assert b"in the middle of a message" in done.stderr and b"Traceback" not in done.stderr


@pytest.mark.parametrize(("shutdown_first", "status"), [(True, 0), (False, 1)])
def test_exit_status_follows_the_spec(
    fake: FakeCodestral, shutdown_first: bool, status: int
) -> None:
    def frame(message: str) -> bytes:
        body = message.encode()
        return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)

    messages = [
        '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}',
        '{"jsonrpc":"2.0","method":"initialized","params":{}}',
    ]
    if shutdown_first:
        messages.append('{"jsonrpc":"2.0","id":2,"method":"shutdown"}')
    messages.append('{"jsonrpc":"2.0","method":"exit"}')
    server = subprocess.Popen(
        FIM_LSP, env=server_env(fake), stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert server.stdin is not None
    for message in messages:
        server.stdin.write(frame(message))
        server.stdin.flush()
        time.sleep(0.05)  # let each message be handled before the next (exit ends the process)
    assert server.wait(timeout=20) == status
    server.stdin.close()
    assert server.stdout is not None
    answered = server.stdout.read()
    assert b'"id": 1' in answered or b'"id":1' in answered


def _message(method: str, params: Any = None, msg_id: int | None = None) -> str:
    message = {"jsonrpc": "2.0", "method": method, "params": params}
    return json.dumps(message if msg_id is None else {**message, "id": msg_id})


def _open_streams(server: subprocess.Popen[bytes], fake: FakeCodestral, streams: int) -> None:
    """Initialize, then ask for a suggestion in each of `streams` documents; the fake holds every
    stream open after its first event, so each request waits on an open provider stream."""
    assert server.stdin is not None
    fake.hold_after(0)
    messages = [_INITIALIZE, _message("initialized", {})]
    for n in range(streams):
        uri = f"file:///work/held{n}.py"
        document = {"uri": uri, "languageId": "python", "version": 1, "text": "x = \n"}
        messages.append(_message("textDocument/didOpen", {"textDocument": document}))
        where = {"line": 0, "character": 4}
        params = {"textDocument": {"uri": uri}, "position": where, "context": {"triggerKind": 1}}
        messages.append(_message("textDocument/inlineCompletion", params, 10 + n))
    server.stdin.write(b"".join(_frame(message) for message in messages))
    server.stdin.flush()
    assert fake.wait_for_held(streams, timeout=20), fake.held


@pytest.mark.parametrize(
    ("leaving", "status"), [("exit", 1), ("shutdown and exit", 0), ("stdin closed", 0)]
)
def test_the_server_ends_at_once_with_provider_streams_open(
    fake: FakeCodestral, tmp_path: Path, leaving: str, status: int
) -> None:
    """`exit` once took 8 s with three streams open, and logged a traceback per request; editors
    wait for the process. The issue asks 500 ms: bench/bench_exit.py measures that; this test
    only bounds it, as the machine may be busy."""
    log_file = tmp_path / "server.log"
    with log_file.open("wb") as log:
        server = subprocess.Popen(
            [*FIM_LSP, "--log-level", "DEBUG"],
            env=server_env(fake),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
        )
    assert server.stdin is not None and server.stdout is not None
    try:
        _open_streams(server, fake, 3)
        if leaving == "shutdown and exit":
            server.stdin.write(_frame(_message("shutdown", None, 2)))
        if leaving == "stdin closed":
            server.stdin.close()
        else:
            server.stdin.write(_frame(_message("exit")))
            server.stdin.flush()
        started = time.monotonic()
        assert server.wait(timeout=20) == status
        assert time.monotonic() - started < 2.0
    finally:
        fake.release()
        if server.poll() is None:
            server.kill()
            server.wait()
    answers = _answers(server.stdout.read())
    assert "capabilities" in answers[1]
    if leaving != "shutdown and exit":  # (shutdown cancels them, which may be answered)
        assert not {10, 11, 12} & answers.keys()  # nothing written once the editor has left
    logged = log_file.read_text(encoding="utf-8", errors="replace")
    assert "exit: the server ends" in logged or leaving == "stdin closed"
    assert "Traceback" not in logged and "closed file" not in logged, logged[-3000:]
    assert "still runs" not in logged  # it ended by itself, not at the deadline


# A server whose event loop, at its end, waits for a thread that never returns (as a hung git
# call would): asyncio.run waits for its executor's threads.
_STUCK_SERVER = """
import asyncio, threading
from fim_lsp.lsp import protocol
from fim_lsp.lsp.server import create_server

serve = protocol._serve_stdio

async def with_a_stuck_thread(server):
    asyncio.get_running_loop().run_in_executor(None, threading.Event().wait)
    return await serve(server)

protocol._serve_stdio = with_a_stuck_thread
protocol.serve_stdio(create_server(environ={}))
"""


def test_a_stuck_thread_does_not_keep_the_server_after_exit(fake: FakeCodestral) -> None:
    messages = [_INITIALIZE, _message("exit")]
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _STUCK_SERVER],
        env=server_env(fake),
        input=b"".join(_frame(message) for message in messages),
        capture_output=True,
        timeout=20,
        check=False,
    )
    assert done.returncode == 1  # exit without shutdown
    assert time.monotonic() - started < 10  # the start-up included; without the deadline: never
    assert b"still runs 0.4 s after the editor left; ending it" in done.stderr
    assert b"Traceback" not in done.stderr


@pytest.mark.parametrize("kind", POISONED_FILES)
def test_stats_with_a_poisoned_file_prints_a_table(
    fake: FakeCodestral, tmp_path: Path, kind: str
) -> None:
    stats_file = tmp_path / "state" / "stats.json"
    poison(stats_file, kind)
    done = run(["stats"], server_env(fake, FIM_LSP_STATS_FILE=str(stats_file)))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and done.stderr.count("WARNING") == 1, done.stderr
    assert done.stdout.startswith(f"statistics in {stats_file}\n")
    rows = {line[:32].strip(): line[32:].split() for line in done.stdout.splitlines()[2:]}
    kept = (
        "7"
        if kind in ("infinite count", "huge adaptation count", "wrong types and nesting")
        else "0"
    )
    assert rows["requests from the editor"][-1] == kept


def test_stats_prints_numbers_as_people_write_them(fake: FakeCodestral, tmp_path: Path) -> None:
    stats_file = tmp_path / "stats.json"
    day = {"requests": 1_041_690, "shown": 12_345, "accepted": 2_345, "latency_buckets": {"150": 3}}
    stats_file.write_text(json.dumps({"days": {"2026-01-02": day}}), encoding="utf-8")
    done = run(["stats"], server_env(fake, FIM_LSP_STATS_FILE=str(stats_file)))
    assert done.returncode == 0, done.stderr
    assert "e+" not in done.stdout
    rows = {line[:32].strip(): line[32:].split() for line in done.stdout.splitlines()[2:]}
    assert rows["requests from the editor"][-1] == "1,041,690"
    assert rows["suggestions shown"][-1] == "12,345" and rows["accepted / shown"][-1] == "19.0%"
    assert rows["latency p50"][-2:] == ["1.51", "s"]  # 1.05 ** 150 ms, with its unit


@pytest.mark.parametrize(
    ("where", "level", "shows_debug", "warned"),
    [
        ("env", "debug", True, False),
        ("env", "Warning", False, False),
        ("env", "loud", False, True),
        ("flag", "debug", True, False),
        ("flag", "verbose", False, True),
    ],
)
def test_any_spelling_of_a_log_level_works_and_an_unknown_one_is_told_once(
    fake: FakeCodestral, tmp_path: Path, where: str, level: str, shows_debug: bool, warned: bool
) -> None:
    messages = tmp_path / "session.lsp"
    messages.write_bytes(
        _frame(_INITIALIZE)
        + _frame('{"jsonrpc":"2.0","id":2,"method":"shutdown"}')
        + _frame('{"jsonrpc":"2.0","method":"exit"}')
    )
    env = server_env(fake)
    command = [sys.executable, "-m", "fim_lsp"]
    if where == "env":
        env["FIM_LSP_LOG_LEVEL"] = level
    else:
        command += ["--log-level", level]
    with messages.open("rb") as stdin:
        done = subprocess.run(
            command, env=env, stdin=stdin, capture_output=True, timeout=60, check=False
        )
    assert done.returncode == 0, done.stderr  # it answered initialize and shut down
    assert "capabilities" in _answers(done.stdout)[1]
    log = done.stderr.decode()
    assert (" DEBUG " in log) is shows_debug, log
    assert log.count("is no log level") == (1 if warned else 0), log


def test_a_cancel_for_an_answered_request_is_no_warning(
    fake: FakeCodestral, tmp_path: Path
) -> None:
    """Editors cancel on every key, mostly requests already answered: that is no warning."""
    messages = tmp_path / "session.lsp"
    messages.write_bytes(
        _frame(_INITIALIZE)
        + _frame('{"jsonrpc":"2.0","method":"initialized","params":{}}')
        + _frame('{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}}')
        + _frame('{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":77}}')
        + _frame('{"jsonrpc":"2.0","id":2,"method":"shutdown"}')
        + _frame('{"jsonrpc":"2.0","method":"exit"}')
    )
    env = {**server_env(fake), "FIM_LSP_LOG_LEVEL": "debug"}
    with messages.open("rb") as stdin:
        done = subprocess.run(
            FIM_LSP, env=env, stdin=stdin, capture_output=True, timeout=60, check=False
        )
    assert done.returncode == 0, done.stderr
    log = done.stderr.decode()
    assert "$/cancelRequest for a request already answered" in log  # seen, at debug ...
    assert not [line for line in log.splitlines() if " WARNING " in line], log  # ... not warned
