"""The fake Codestral's harsher faults, its open-connection count and its TLS variant, seen by httpx."""

from __future__ import annotations

import json
import os
import ssl
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from bench.fakes.codestral import (
    DEFAULT_HUGE_CHARS,
    DEFAULT_KEY,
    FIM_PATH,
    INVALID_UTF8,
    FakeCodestral,
)

AUTH = {"Authorization": f"Bearer {DEFAULT_KEY}"}
TEXT = "    return a + b\n\n\ndef sub(a, b):\n    return a - b\n"
PIECES = [TEXT[i : i + 4] for i in range(0, len(TEXT), 4)]
HALF = len(PIECES) // 2
DONE = "[DONE]"


@pytest.fixture
def fake() -> Iterator[FakeCodestral]:
    with FakeCodestral(completion=TEXT) as server:
        yield server


@pytest.fixture
def client(fake: FakeCodestral) -> Iterator[httpx.Client]:
    timeout = httpx.Timeout(5, read=2)
    with httpx.Client(base_url=fake.base_url, headers=AUTH, timeout=timeout, trust_env=False) as c:
        yield c


def body(**extra: Any) -> dict[str, Any]:
    return {"model": "codestral-latest", "prompt": "def add(a, b):\n", "suffix": "\n", **extra}


def data_lines(lines: Iterator[str]) -> Iterator[str]:
    """The ``data:`` payloads of an SSE stream, checking the blank line between events."""
    expect_blank = False
    for line in lines:
        if expect_blank:
            assert line == ""
            expect_blank = False
            continue
        assert line.startswith("data: "), line[:80]
        expect_blank = True
        yield line.removeprefix("data: ")


def stream_data(client: httpx.Client, **extra: Any) -> list[str]:
    with client.stream("POST", FIM_PATH, json=body(stream=True, **extra)) as r:
        assert r.status_code == 200
        assert r.headers["content-type"] == "text/event-stream"
        return list(data_lines(r.iter_lines()))


def content(chunk: dict[str, Any]) -> str:
    text: str = chunk["choices"][0]["delta"]["content"]
    return text


def finish(chunk: dict[str, Any]) -> str | None:
    reason: str | None = chunk["choices"][0]["finish_reason"]
    return reason


# --------------------------------------------------------------------------- stall_mid


def test_stall_mid_sends_half_then_nothing(fake: FakeCodestral, client: httpx.Client) -> None:
    fake.set_mode("stall_mid", count=1)
    seen: list[str] = []
    with client.stream("POST", FIM_PATH, json=body(stream=True), timeout=0.5) as r:
        lines = data_lines(r.iter_lines())
        with pytest.raises(httpx.ReadTimeout):
            seen.extend(lines)
    assert len(seen) == 1 + HALF
    chunks = [json.loads(d) for d in seen]
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert "".join(content(c) for c in chunks) == "".join(PIECES[:HALF])
    assert all(finish(c) is None for c in chunks)
    assert fake.wait_for_disconnect(2)
    assert fake.chunks_sent == fake.chunks_aborted == HALF
    assert fake.completed == 0
    assert stream_data(client)[-1] == DONE  # count=1 used up


def test_stall_mid_non_streaming_sends_half_a_body(fake: FakeCodestral) -> None:
    fake.set_mode("stall_mid")
    with (
        httpx.Client(base_url=fake.base_url, headers=AUTH, timeout=0.3, trust_env=False) as c,
        c.stream("POST", FIM_PATH, json=body()) as r,
    ):
        assert r.status_code == 200
        declared = int(r.headers["content-length"])
        got = bytearray()
        with pytest.raises(httpx.ReadTimeout):
            for part in r.iter_raw():
                got += part
    assert len(got) == declared // 2
    assert fake.wait_for_disconnect(2)


# --------------------------------------------------------------------------- reset


def test_reset_mid_stream(fake: FakeCodestral, client: httpx.Client) -> None:
    fake.set_mode("reset", count=1)
    seen: list[str] = []
    # an RST, not a FIN: a FIN would be RemoteProtocolError (see the "drop" mode)
    with (
        pytest.raises(httpx.ReadError, match="reset"),
        client.stream("POST", FIM_PATH, json=body(stream=True)) as r,
    ):
        assert r.status_code == 200
        seen.extend(data_lines(r.iter_lines()))
    assert len(seen) == 1 + HALF  # what was sent before the reset still arrived
    assert all(finish(json.loads(d)) is None for d in seen)
    assert fake.chunks_sent == HALF
    assert fake.disconnects == 0  # the server hung up, not the client
    assert fake.wait_for_open_connections(0)
    assert stream_data(client)[-1] == DONE  # a fresh connection, a normal stream
    assert fake.connections == 2


@pytest.mark.parametrize("tls", [False, True])
async def test_reset_seen_by_async_httpx(tls: bool) -> None:
    """fim-lsp's client (httpx.AsyncClient) sees ReadError, with and without TLS."""
    with FakeCodestral(completion=TEXT, tls=tls) as fake:
        verify = ssl.create_default_context(cafile=fake.ca_file) if tls else True
        fake.set_mode("reset")
        seen: list[str] = []
        async with httpx.AsyncClient(
            base_url=fake.base_url, headers=AUTH, timeout=5, trust_env=False, verify=verify
        ) as c:
            with pytest.raises(httpx.ReadError):
                async with c.stream("POST", FIM_PATH, json=body(stream=True)) as r:
                    async for line in r.aiter_lines():
                        if line:
                            seen.append(line)
        assert len(seen) == 1 + HALF


def test_reset_non_streaming(fake: FakeCodestral, client: httpx.Client) -> None:
    fake.set_mode("reset")
    with pytest.raises(httpx.ReadError, match="reset"):
        client.post(FIM_PATH, json=body())


# --------------------------------------------------------------------------- malformed


def test_malformed_has_one_non_json_data_line(fake: FakeCodestral, client: httpx.Client) -> None:
    fake.set_mode("malformed", count=1)
    seen = stream_data(client)
    assert seen[-1] == DONE
    bad = []
    chunks = []
    for i, d in enumerate(seen[:-1]):
        try:
            chunks.append(json.loads(d))
        except ValueError:
            bad.append((i, d))
    assert bad == [(2, '{"choices": [')]  # right after the role event and the first content
    assert "".join(content(c) for c in chunks) == TEXT
    assert finish(chunks[-1]) == "stop"
    assert fake.wait_for_completed(1)
    r = client.post(FIM_PATH, json=body())  # count=1 used up
    assert r.json()["choices"][0]["message"]["content"] == TEXT


def test_malformed_non_streaming_body(fake: FakeCodestral, client: httpx.Client) -> None:
    fake.set_mode("malformed")
    r = client.post(FIM_PATH, json=body())
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        r.json()


# --------------------------------------------------------------------------- no_done


def test_no_done_ends_the_body_without_done(fake: FakeCodestral, client: httpx.Client) -> None:
    fake.set_mode("no_done")
    seen = stream_data(client)  # the chunked body ends cleanly
    assert DONE not in seen
    chunks = [json.loads(d) for d in seen]
    assert finish(chunks[-1]) == "stop"
    assert "usage" in chunks[-1]
    assert "".join(content(c) for c in chunks) == TEXT
    assert fake.wait_for_completed(1)
    assert fake.disconnects == 0
    stream_data(client)
    assert fake.connections == 1  # the connection stayed usable


# --------------------------------------------------------------------------- endless


def test_endless_streams_until_the_client_leaves(fake: FakeCodestral, client: httpx.Client) -> None:
    fake.chunk_chars = 5
    fake.set_mode("endless", count=1)
    started = time.monotonic()
    with client.stream("POST", FIM_PATH, json=body(stream=True)) as r:
        chunks = []
        for d in data_lines(r.iter_lines()):
            chunks.append(json.loads(d))
            if len(chunks) == 101:
                break
    elapsed = time.monotonic() - started
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert all(content(c) == "xxxxx" and finish(c) is None for c in chunks[1:])
    assert fake.wait_for_disconnect(2)
    assert fake.completed == 0
    sent = fake.chunks_sent
    assert sent == fake.chunks_aborted
    assert sent >= 100
    # chunk_delay is 0, yet the fake waits 1 ms per event instead of spinning
    assert sent <= (time.monotonic() - started) * 1000 + 1
    assert elapsed >= 0.1
    time.sleep(0.05)
    assert fake.chunks_sent == sent  # it stopped when the client left


def test_endless_follows_chunk_delay(fake: FakeCodestral, client: httpx.Client) -> None:
    fake.chunk_delay = 0.02
    fake.set_mode("endless")
    with client.stream("POST", FIM_PATH, json=body(stream=True)) as r:
        lines = data_lines(r.iter_lines())
        next(lines)
        started = time.monotonic()
        for _ in range(5):
            next(lines)
        assert time.monotonic() - started >= 0.08
    assert fake.wait_for_disconnect(2)


def test_endless_non_streaming_body_never_ends(fake: FakeCodestral, client: httpx.Client) -> None:
    fake.set_mode("endless")
    got = bytearray()
    with client.stream("POST", FIM_PATH, json=body()) as r:
        assert r.headers["content-type"] == "application/json"
        assert r.headers["transfer-encoding"] == "chunked"
        for part in r.iter_raw():
            got += part
            if len(got) > 2000:
                break
    assert got.startswith(b'{"id":"')
    head, _, tail = bytes(got).partition(b'"content":"')
    assert b'"role":"assistant"' in head
    assert tail and set(tail) == {ord("x")}
    assert fake.wait_for_disconnect(2)


# --------------------------------------------------------------------------- huge


def test_huge_is_one_event_of_several_megabytes(fake: FakeCodestral, client: httpx.Client) -> None:
    fake.set_mode("huge")
    seen = stream_data(client)
    assert seen[-1] == DONE
    chunks = [json.loads(d) for d in seen[:-1]]
    assert len(chunks) == 3  # role, the huge content, the finish
    text = content(chunks[1])
    assert len(text) == DEFAULT_HUGE_CHARS == 4_000_000
    lines = text.split("\n")
    assert {len(line) for line in lines[:-1]} == {79}
    assert finish(chunks[1]) is None
    assert content(chunks[2]) == ""
    assert finish(chunks[2]) == "stop"
    assert chunks[2]["usage"]["completion_tokens"] == DEFAULT_HUGE_CHARS // 4


def test_huge_chars_knob_non_streaming_and_reset(fake: FakeCodestral, client: httpx.Client) -> None:
    fake.huge_chars = 1000
    fake.set_mode("huge")
    r = client.post(FIM_PATH, json=body(max_tokens=1, stop=["\n"]))
    text = r.json()["choices"][0]["message"]["content"]
    assert len(text) == 1000
    assert text.count("\n") == 12
    fake.reset()
    assert fake.huge_chars == DEFAULT_HUGE_CHARS
    assert fake.mode is None


# --------------------------------------------------------------------------- invalid_utf8


def test_invalid_utf8_event(fake: FakeCodestral, client: httpx.Client) -> None:
    fake.set_mode("invalid_utf8", count=1)
    with client.stream("POST", FIM_PATH, json=body(stream=True)) as r:
        raw = r.read()
    events = raw.split(b"\n\n")
    assert events[-1] == b""
    assert events[-2] == b"data: [DONE]"
    bad = [i for i, e in enumerate(events[:-1]) if INVALID_UTF8 in e]
    assert bad == [2]
    with pytest.raises(UnicodeDecodeError):
        events[2].decode()
    assert b'"delta":{"content":"\xff\xfe"}' in events[2]
    good = [json.loads(e.removeprefix(b"data: ")) for i, e in enumerate(events[:-2]) if i != 2]
    assert "".join(content(c) for c in good) == TEXT
    again = client.post(FIM_PATH, json=body())  # count=1 used up
    assert again.content.decode() == again.text


def test_invalid_utf8_non_streaming(fake: FakeCodestral, client: httpx.Client) -> None:
    fake.set_mode("invalid_utf8")
    raw = client.post(FIM_PATH, json=body()).content
    assert b'"content":' + json.dumps(TEXT).encode()[:-1] + INVALID_UTF8 + b'"' in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode()


# --------------------------------------------------------------------------- open connections


def test_open_connections_rise_and_fall(fake: FakeCodestral) -> None:
    assert fake.open_connections == 0
    fake.hold_after(1)
    with (
        httpx.Client(base_url=fake.base_url, headers=AUTH, timeout=5, trust_env=False) as a,
        httpx.Client(base_url=fake.base_url, headers=AUTH, timeout=5, trust_env=False) as b,
        a.stream("POST", FIM_PATH, json=body(stream=True)),
        b.stream("POST", FIM_PATH, json=body(stream=True)),
    ):
        assert fake.wait_for_held(2)
        assert fake.open_connections == 2
        assert not fake.wait_for_open_connections(1, timeout=0.05)
        fake.reset()  # releases both; the count is live state, not a counter
        assert fake.open_connections == 2
    assert fake.wait_for_open_connections(0)
    assert fake.open_connections == 0


def test_open_connections_keep_alive_and_close(fake: FakeCodestral) -> None:
    with httpx.Client(base_url=fake.base_url, headers=AUTH, timeout=5, trust_env=False) as c:
        for _ in range(3):
            c.post(FIM_PATH, json=body())
        assert fake.open_connections == 1  # pooled, still open
    assert fake.wait_for_open_connections(0)
    assert fake.connections == 1


# --------------------------------------------------------------------------- TLS


@pytest.fixture
def tls_fake() -> Iterator[FakeCodestral]:
    with FakeCodestral(completion=TEXT, tls=True) as server:
        yield server


def test_tls_untrusted_certificate_is_refused(tls_fake: FakeCodestral) -> None:
    assert tls_fake.base_url.startswith("https://127.0.0.1:")
    with (
        httpx.Client(base_url=tls_fake.base_url, headers=AUTH, timeout=5, trust_env=False) as c,
        pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        c.post(FIM_PATH, json=body())
    assert not tls_fake.requests
    assert tls_fake.open_connections == 0


def test_tls_trusted_ca_works(tls_fake: FakeCodestral) -> None:
    verify = ssl.create_default_context(cafile=tls_fake.ca_file)
    with httpx.Client(
        base_url=tls_fake.base_url, headers=AUTH, timeout=5, trust_env=False, verify=verify
    ) as c:
        assert stream_data(c)[-1] == DONE
        r = c.post(FIM_PATH, json=body())
        assert r.json()["choices"][0]["message"]["content"] == TEXT
        assert tls_fake.open_connections == 1
    assert tls_fake.wait_for_open_connections(0)
    assert tls_fake.connections == 1


def test_tls_localhost_name_matches(tls_fake: FakeCodestral) -> None:
    verify = ssl.create_default_context(cafile=tls_fake.ca_file)
    url = f"https://localhost:{tls_fake.port}"
    with httpx.Client(base_url=url, headers=AUTH, timeout=5, trust_env=False, verify=verify) as c:
        assert c.post(FIM_PATH, json=body()).status_code == 200


def test_tls_ssl_cert_file_is_honoured_with_trust_env(
    tls_fake: FakeCodestral, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", tls_fake.ca_file)
    for name in ("SSL_CERT_DIR", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "*")
    with httpx.Client(base_url=tls_fake.base_url, headers=AUTH, timeout=5, trust_env=True) as c:
        assert c.post(FIM_PATH, json=body()).status_code == 200
    with (
        httpx.Client(base_url=tls_fake.base_url, headers=AUTH, timeout=5, trust_env=False) as c,
        pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        c.post(FIM_PATH, json=body())


def test_tls_faults_and_stop_with_an_idle_connection(tls_fake: FakeCodestral) -> None:
    fake = tls_fake
    ca_file = fake.ca_file
    verify = ssl.create_default_context(cafile=ca_file)
    with httpx.Client(
        base_url=fake.base_url, headers=AUTH, timeout=5, trust_env=False, verify=verify
    ) as c:
        fake.set_mode("reset", count=1)
        # Python's ssl reports the RST as a TLS EOF (SSLEOFError), which httpx suppresses as a
        # ragged EOF: over TLS the client sees the stream end early, not a reset.
        with (
            pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)),
            c.stream("POST", FIM_PATH, json=body(stream=True)) as r,
        ):
            list(r.iter_lines())
        assert c.post(FIM_PATH, json=body()).status_code == 200
        assert fake.open_connections == 1  # idle in the pool
        started = time.monotonic()
        fake.stop()
        assert time.monotonic() - started < 2
    assert not os.path.exists(ca_file)


def test_ca_file_needs_tls(fake: FakeCodestral) -> None:
    assert fake.base_url.startswith("http://")
    with pytest.raises(RuntimeError, match="tls=True"):
        _ = fake.ca_file
