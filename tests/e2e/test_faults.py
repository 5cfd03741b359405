"""Network faults end to end: time-outs, DNS, refused addresses, proxies, and the global backoff."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from bench.fakes.codestral import FakeCodestral
from tests.e2e.conftest import STATUSES, Start, inline, open_document, server_env, wait_for

SOURCE = "def add(a, b):\n    \n"


def _items(result: object) -> list[str]:
    assert isinstance(result, types.InlineCompletionList)
    return [str(item.insert_text) for item in result.items]


def _shown(client: LanguageClient) -> list[str]:
    return [message.message for message in client.messages]


async def _told_once(client: LanguageClient, *parts: str) -> str:
    assert await wait_for(lambda: len(_shown(client)) > 0)
    await asyncio.sleep(0.1)  # a second message, if the server wrongly sent one, arrives by now
    [message] = _shown(client)
    for part in parts:
        assert part in message
    return message


@pytest.fixture
def full_backlog() -> Iterator[int]:
    """A port whose accept queue is full: the kernel drops new SYNs, so connecting hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):  # it completes in the kernel's queue
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    yield port
    for sock in (*fillers, listener):
        sock.close()


async def test_connect_timeout(start: Start, fake: FakeCodestral, full_backlog: int) -> None:
    env = server_env(
        fake,
        FIM_LSP_BASE_URL=f"http://127.0.0.1:{full_backlog}",
        FIM_LSP_CONNECT_TIMEOUT_MS="300",
    )
    client = await start(env=env)
    uri = open_document(client, SOURCE)
    started = asyncio.get_running_loop().time()
    assert _items(await inline(client, uri, 1, 4)) == []
    assert asyncio.get_running_loop().time() - started < 3.0  # not the 10 s total time-out
    await _told_once(client, "cannot connect to 127.0.0.1", "fimLsp.connectTimeoutMs")


async def test_first_token_timeout(start: Start, fake: FakeCodestral) -> None:
    client = await start(env=server_env(fake, FIM_LSP_FIRST_TOKEN_TIMEOUT_MS="300"))
    fake.first_token_delay = 5.0
    uri = open_document(client, SOURCE)
    assert _items(await inline(client, uri, 1, 4)) == []
    await _told_once(client, "sent no text within 300 ms", "fimLsp.firstTokenTimeoutMs")
    assert fake.wait_for_disconnect()  # the stream was closed, not left to run


async def test_total_timeout_applies_after_the_first_token(
    start: Start, fake: FakeCodestral
) -> None:
    client = await start(env=server_env(fake, FIM_LSP_TIMEOUT_MS="400"))
    fake.chunk_delay = 0.2  # the first text comes fast, the whole answer would take 0.6 s
    uri = open_document(client, SOURCE)
    assert _items(await inline(client, uri, 1, 4)) == []
    await _told_once(client, "did not finish within 400 ms", "fimLsp.timeoutMs")


async def test_dns_failure(start: Start, fake: FakeCodestral) -> None:
    # a label over 63 characters fails in the local resolver, before any DNS packet is sent
    host = "x" * 70 + ".invalid"
    client = await start(env=server_env(fake, FIM_LSP_BASE_URL=f"https://{host}"))
    uri = open_document(client, SOURCE)
    assert _items(await inline(client, uri, 1, 4)) == []
    await _told_once(client, "cannot find the address", "DNS")


async def test_plain_http_to_another_machine_is_refused(start: Start, fake: FakeCodestral) -> None:
    client = await start(env=server_env(fake, FIM_LSP_BASE_URL="http://fim.example.test"))
    uri = open_document(client, SOURCE)
    assert _items(await inline(client, uri, 1, 4)) == []
    await _told_once(client, "plain http to another machine", "fimLsp.allowHttp")
    assert STATUSES[client][-1]["kind"] == "error"


async def test_allowed_plain_http_goes_through_the_environment_proxy(
    start: Start, fake: FakeCodestral
) -> None:
    # the fake speaks HTTP/1.1 with absolute-form targets, as a forward proxy does
    env = server_env(
        fake,
        FIM_LSP_BASE_URL="http://fim.example.test",
        FIM_LSP_ALLOW_HTTP="true",
        HTTP_PROXY=fake.base_url,
        http_proxy=fake.base_url,
    )
    client = await start(env=env)
    uri = open_document(client, SOURCE)
    assert _items(await inline(client, uri, 1, 4)) == ["return a + b"]
    assert fake.requests[-1].header("host") == "fim.example.test"


async def test_repeated_server_errors_pause_every_document_then_resume_by_themselves(
    start: Start, fake: FakeCodestral
) -> None:
    client = await start()
    fake.fail_next(503, count=2)
    first = open_document(client, SOURCE, uri="file:///work/first.py")
    second = open_document(client, SOURCE, uri="file:///work/second.py")
    for _ in range(2):
        assert _items(await inline(client, first, 1, 4)) == []
    paused = STATUSES[client][-1]
    assert paused["kind"] == "warning" and "Suggestions pause until" in paused["message"]
    # another document, asked automatically, during the pause: nothing is sent
    assert _items(await inline(client, second, 1, 4, invoked=False)) == []
    assert len(fake.requests) == 2
    # the pause ends by itself and the status says so, without any request
    assert await wait_for(lambda: STATUSES[client][-1]["kind"] == "normal", seconds=4.0)
    assert _items(await inline(client, second, 1, 4, invoked=False)) == ["return a + b"]
    await _told_once(client, "answered 503")


async def test_user_request_tries_during_an_error_pause(start: Start, fake: FakeCodestral) -> None:
    client = await start()
    fake.fail_next(500, count=2)
    uri = open_document(client, SOURCE)
    for _ in range(2):
        assert _items(await inline(client, uri, 1, 4, invoked=False)) == []
    assert _items(await inline(client, uri, 1, 4, invoked=True)) == ["return a + b"]
    assert STATUSES[client][-1]["kind"] == "normal"


async def test_rate_limit_pauses_every_document_even_when_asked(
    start: Start, fake: FakeCodestral
) -> None:
    client = await start()
    fake.fail_next(429, {"message": "Requests rate limit exceeded"}, {"Retry-After": "1"})
    first = open_document(client, SOURCE, uri="file:///work/first.py")
    second = open_document(client, SOURCE, uri="file:///work/second.py")
    assert _items(await inline(client, first, 1, 4)) == []
    assert _items(await inline(client, second, 1, 4, invoked=True)) == []
    assert len(fake.requests) == 1
    assert "(1 s)" in STATUSES[client][-1]["message"]
    assert await wait_for(lambda: STATUSES[client][-1]["kind"] == "normal", seconds=3.0)
    assert _items(await inline(client, second, 1, 4)) == ["return a + b"]


async def test_health_command(client: LanguageClient, fake: FakeCodestral) -> None:
    uri = open_document(client, SOURCE)
    assert _items(await inline(client, uri, 1, 4)) == ["return a + b"]
    health = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="fimLsp.health")
    )
    assert health["openDocuments"] == 1 and health["streams"] == 0
    assert health["counters"]["fetches"] == 1 and health["cacheEntries"] == 1
    assert 0 < health["rssKiB"] < 1_000_000 and health["tasks"] >= 1


async def test_a_stream_without_done_still_gives_its_suggestion(
    client: LanguageClient, fake: FakeCodestral
) -> None:
    fake.set_mode("no_done")
    uri = open_document(client, SOURCE)
    assert _items(await inline(client, uri, 1, 4)) == ["return a + b"]
    assert _shown(client) == []


async def test_an_endless_stream_is_closed_and_nothing_shown(
    client: LanguageClient, fake: FakeCodestral
) -> None:
    fake.set_mode("endless")
    uri = open_document(client, SOURCE)
    assert _items(await inline(client, uri, 1, 4)) == []  # one endless line is no suggestion
    assert fake.wait_for_disconnect()  # and the stream was closed, long before the time-out
    fake.reset()
    assert _items(await inline(client, uri, 1, 4)) == ["return a + b"]


async def test_a_huge_completion_is_cut_to_a_suggestion(
    client: LanguageClient, fake: FakeCodestral
) -> None:
    fake.huge_chars = 800_000  # in one event: a line within the bound on one line's length
    fake.set_mode("huge")
    uri = open_document(client, "def add(a, b):\n    \n\n\nprint(1)\n")
    [text] = _items(await inline(client, uri, 1, 4))
    assert 0 < len(text) < 12 * 100 and text.count("\n") < 12
    health = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="fimLsp.health")
    )
    assert health["rssKiB"] < 200 * 1024  # the megabytes were not kept


@pytest.mark.parametrize(
    ("mode", "told"),
    [
        ("huge", "a line of more than 1024 KiB"),
        ("endless_line", "a line of more than 1024 KiB"),
        ("endless_html", "an answer of more than 8192 KiB"),
        ("endless_error", "answered 500 (upstream error: "),
        ("gzip_bomb", "a line of more than 1024 KiB"),
    ],
)
async def test_an_endless_or_huge_answer_is_read_within_bounds(
    client: LanguageClient, fake: FakeCodestral, mode: str, told: str
) -> None:
    """Each read is bounded: one line, the whole answer, an error body, what gzip makes of it."""
    fake.set_mode(mode)  # "huge": 4 MB in one event, as no model sends
    uri = open_document(client, "def add(a, b):\n    \n\n\nprint(1)\n")
    assert _items(await inline(client, uri, 1, 4)) == []
    await _told_once(client, told)
    health = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="fimLsp.health")
    )
    assert health["peakRssKiB"] < 150 * 1024, f"the server grew to {health['peakRssKiB']} KiB"


@pytest.fixture
def tls_fake() -> Iterator[FakeCodestral]:
    with FakeCodestral(completion="return a + b", tls=True) as server:
        yield server


async def test_an_untrusted_tls_certificate_is_refused(
    start: Start, tls_fake: FakeCodestral
) -> None:
    client = await start(env=server_env(tls_fake))
    uri = open_document(client, SOURCE)
    assert _items(await inline(client, uri, 1, 4)) == []
    await _told_once(client, "TLS connection", "certificate", "SSL_CERT_FILE")
    assert tls_fake.requests == []  # nothing, not even the key, went over the untrusted link


async def test_a_ca_from_ssl_cert_file_is_trusted(start: Start, tls_fake: FakeCodestral) -> None:
    client = await start(env=server_env(tls_fake, SSL_CERT_FILE=tls_fake.ca_file))
    uri = open_document(client, SOURCE)
    assert _items(await inline(client, uri, 1, 4)) == ["return a + b"]


async def test_a_rejected_key_stays_an_error_after_the_pause(
    start: Start, fake: FakeCodestral
) -> None:
    client = await start()
    fake.fail_next(401, {"message": "Unauthorized"}, count=2)
    uri = open_document(client, SOURCE)
    for _ in range(2):
        assert _items(await inline(client, uri, 1, 4, invoked=False)) == []
    assert STATUSES[client][-1]["kind"] == "error"
    await asyncio.sleep(2.3)  # the pause after two failures is over ...
    assert STATUSES[client][-1]["kind"] == "error"  # ... but only the user can fix a key
    assert _items(await inline(client, uri, 1, 4, invoked=False)) == ["return a + b"]
    assert STATUSES[client][-1]["kind"] == "normal"
