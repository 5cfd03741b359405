"""The fake Codestral server speaks the real Mistral FIM protocol (checked with the official SDK)."""

from __future__ import annotations

import contextlib
import json
import math
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import httpx_sse
import pytest
from mistralai.client import Mistral, errors

from bench.fakes.codestral import DEFAULT_KEY, FIM_PATH, FakeCodestral

REPO = Path(__file__).resolve().parents[3]
AUTH = {"Authorization": f"Bearer {DEFAULT_KEY}"}
TEXT = "    return a + b\n\n\ndef sub(a, b):\n    return a - b\n"
LAST_PIECE = TEXT[(len(TEXT) - 1) // 4 * 4 :]


@pytest.fixture
def fake() -> Iterator[FakeCodestral]:
    with FakeCodestral(completion=TEXT) as server:
        yield server


@pytest.fixture
def client(fake: FakeCodestral) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=fake.base_url, headers=AUTH, timeout=5, trust_env=False) as c:
        yield c


def body(**extra: Any) -> dict[str, Any]:
    return {"model": "codestral-latest", "prompt": "def add(a, b):\n", "suffix": "\n", **extra}


def sse_events(client: httpx.Client, payload: dict[str, Any]) -> list[str]:
    with httpx_sse.connect_sse(client, "POST", FIM_PATH, json=payload) as source:
        assert source.response.status_code == 200
        assert source.response.headers["content-type"] == "text/event-stream"
        assert source.response.headers["transfer-encoding"] == "chunked"
        return [sse.data for sse in source.iter_sse()]


def chunks(events: list[str]) -> list[dict[str, Any]]:
    assert events[-1] == "[DONE]"
    return [json.loads(e) for e in events[:-1]]


# --------------------------------------------------------------------------- official SDK


def sdk(fake: FakeCodestral, key: str = DEFAULT_KEY) -> Mistral:
    return Mistral(api_key=key, server_url=fake.base_url)


def test_sdk_stream_reads_the_fake(fake: FakeCodestral) -> None:
    with sdk(fake) as mistral:
        stream = mistral.fim.stream(
            model="codestral-latest", prompt="def add(a, b):\n", suffix="\n", temperature=0.0
        )
        with stream as events:
            chunks = [event.data for event in events]
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text == TEXT
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[0].choices[0].delta.content == ""
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].choices[0].delta.content == LAST_PIECE
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens == len(chunks) - 1
    assert all(c.usage is None for c in chunks[:-1])
    sent = fake.requests[-1]
    assert sent.header("Accept") == "text/event-stream"
    assert sent.body == {
        "model": "codestral-latest",
        "prompt": "def add(a, b):\n",
        "suffix": "\n",
        "temperature": 0.0,
        "stream": True,
    }


async def test_sdk_stream_async_reads_the_fake(fake: FakeCodestral) -> None:
    fake.chunk_delay = 0.001
    async with sdk(fake) as mistral:
        stream = await mistral.fim.stream_async(
            model="codestral-2508", prompt="x = ", suffix="", max_tokens=3, stop=["\n"]
        )
        parts: list[str] = []
        finish = None
        async with stream as events:
            async for event in events:
                choice = event.data.choices[0]
                parts.append(choice.delta.content or "")
                finish = choice.finish_reason
    assert "".join(parts) == TEXT[:12]
    assert finish == "length"


def test_sdk_complete_non_streaming(fake: FakeCodestral) -> None:
    with sdk(fake) as mistral:
        res = mistral.fim.complete(
            model="codestral-latest", prompt="def add(a, b):\n", suffix="\n", stop="\n\n"
        )
    assert res.object == "chat.completion"
    assert res.choices[0].message is not None
    assert res.choices[0].message.content == "    return a + b"
    assert res.choices[0].finish_reason == "stop"
    assert res.usage.total_tokens == res.usage.prompt_tokens + res.usage.completion_tokens
    assert fake.requests[-1].header("accept") == "application/json"


def test_sdk_turns_422_into_http_validation_error(fake: FakeCodestral) -> None:
    with sdk(fake) as mistral, pytest.raises(errors.HTTPValidationError) as info:
        mistral.fim.complete(model="codestral-latest", prompt="x", top_p=1.5)
    assert info.value.status_code == 422
    assert info.value.data.detail is not None
    detail = info.value.data.detail[0]
    assert detail.loc == ["body", "top_p"]
    assert detail.type == "less_than_equal"


def test_sdk_stream_422_and_401(fake: FakeCodestral) -> None:
    with sdk(fake) as mistral, pytest.raises(errors.HTTPValidationError):
        mistral.fim.stream(model="codestral-latest", prompt="x", max_tokens=-1)
    with sdk(fake, key="wrong") as mistral, pytest.raises(errors.SDKError) as info:
        mistral.fim.stream(model="codestral-latest", prompt="x")
    assert info.value.status_code == 401
    assert json.loads(info.value.body)["message"] == "Unauthorized"


def test_sdk_sees_401_and_injected_429(fake: FakeCodestral) -> None:
    with sdk(fake, key="sk-wrong") as mistral, pytest.raises(errors.SDKError) as info:
        mistral.fim.complete(model="codestral-latest", prompt="x")
    assert info.value.status_code == 401
    fake.fail_next(429, headers={"Retry-After": "1"})
    with sdk(fake) as mistral, pytest.raises(errors.SDKError) as info:
        mistral.fim.complete(model="codestral-latest", prompt="x")
    assert info.value.status_code == 429
    assert info.value.headers["retry-after"] == "1"
    assert json.loads(info.value.body)["type"] == "rate_limited"


def test_sdk_rejects_json_instead_of_sse(fake: FakeCodestral) -> None:
    fake.set_mode("json_instead_of_sse")
    with sdk(fake) as mistral, pytest.raises(errors.SDKError) as info:
        mistral.fim.stream(model="codestral-latest", prompt="x")
    assert info.value.status_code == 200
    assert "Unexpected response received" in str(info.value)


# --------------------------------------------------------------------------- raw protocol


def test_stream_shape(fake: FakeCodestral, client: httpx.Client) -> None:
    events = sse_events(client, body(stream=True))
    parsed = chunks(events)
    first, last = parsed[0], parsed[-1]
    assert first["object"] == "chat.completion.chunk"
    assert first["choices"] == [
        {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
    ]
    assert "usage" not in first
    assert {c["id"] for c in parsed} == {first["id"]}
    assert all(c["model"] == "codestral-latest" for c in parsed)
    middle = parsed[1:-1]
    assert all(c["choices"][0]["finish_reason"] is None for c in middle)
    assert all("role" not in c["choices"][0]["delta"] for c in parsed[1:])
    assert last["choices"][0]["finish_reason"] == "stop"
    assert last["choices"][0]["delta"]["content"] == LAST_PIECE
    assert set(last["usage"]) == {"prompt_tokens", "completion_tokens", "total_tokens"}
    assert "".join(c["choices"][0]["delta"]["content"] for c in parsed) == TEXT


def test_raw_stream_bytes_are_data_only_sse(fake: FakeCodestral, client: httpx.Client) -> None:
    with client.stream("POST", FIM_PATH, json=body(stream=True)) as response:
        raw = response.read().decode()
    blocks = raw.split("\n\n")
    assert blocks[-1] == ""
    assert blocks[-2] == "data: [DONE]"
    assert all(b.startswith("data: {") and "\n" not in b for b in blocks[:-2])


def test_non_streaming_shape(client: httpx.Client) -> None:
    response = client.post(FIM_PATH, json=body())
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    data = response.json()
    assert data["object"] == "chat.completion"
    assert data["choices"] == [
        {"index": 0, "message": {"role": "assistant", "content": TEXT}, "finish_reason": "stop"}
    ]
    assert data["usage"]["completion_tokens"] == len(TEXT) // 4 + (len(TEXT) % 4 > 0)


@pytest.mark.parametrize(
    ("extra", "text", "finish"),
    [
        ({"stop": "\n\n"}, "    return a + b", "stop"),
        ({"stop": ["sub", "+"]}, "    return a ", "stop"),
        ({"stop": []}, TEXT, "stop"),
        ({"max_tokens": 2}, TEXT[:8], "length"),
        ({"max_tokens": 2, "stop": "re"}, "    ", "stop"),
        ({"max_tokens": 1000}, TEXT, "stop"),
    ],
)
def test_stop_and_max_tokens(
    client: httpx.Client, extra: dict[str, Any], text: str, finish: str
) -> None:
    parsed = chunks(sse_events(client, body(stream=True, **extra)))
    assert "".join(c["choices"][0]["delta"]["content"] for c in parsed) == text
    assert parsed[-1]["choices"][0]["finish_reason"] == finish
    data = client.post(FIM_PATH, json=body(**extra)).json()
    assert data["choices"][0]["message"]["content"] == text
    assert data["choices"][0]["finish_reason"] == finish


def test_completion_callable_and_chunk_chars(fake: FakeCodestral, client: httpx.Client) -> None:
    fake.completion = lambda prompt, suffix: f"<{prompt}|{suffix}>"
    fake.chunk_chars = 2
    parsed = chunks(sse_events(client, {"model": "codestral-2501", "prompt": "ab", "stream": True}))
    contents = [c["choices"][0]["delta"]["content"] for c in parsed]
    assert contents == ["", "<a", "b|", ">"]
    fake.reset()
    assert client.post(FIM_PATH, json=body()).json()["choices"][0]["message"]["content"] == TEXT


@pytest.mark.parametrize(
    ("extra", "text"),
    [
        ({"temperature": 0.7, "random_seed": 1}, "b"),
        ({"temperature": 0.7, "random_seed": 2}, "a"),
        ({"temperature": 0.0, "random_seed": 1}, TEXT),  # greedy: the seed changes nothing
        ({"temperature": 0.7}, TEXT),  # no seed: the usual answer
    ],
    ids=["seed 1", "seed 2", "temperature 0", "no seed"],
)
def test_samples_answer_a_warm_request_by_its_seed(
    fake: FakeCodestral, client: httpx.Client, extra: dict[str, Any], text: str
) -> None:
    fake.samples = ("a", "b")
    parsed = chunks(sse_events(client, body(stream=True, **extra)))
    assert "".join(c["choices"][0]["delta"]["content"] for c in parsed) == text
    fake.reset()
    assert fake.samples == ()


def test_empty_completion_still_has_a_final_event(
    fake: FakeCodestral, client: httpx.Client
) -> None:
    fake.completion = ""
    parsed = chunks(sse_events(client, body(stream=True)))
    assert len(parsed) == 2
    assert parsed[1]["choices"][0] == {
        "index": 0,
        "delta": {"content": ""},
        "finish_reason": "stop",
    }
    assert parsed[1]["usage"]["completion_tokens"] == 0


def test_unknown_field_is_422_extra_forbidden(client: httpx.Client) -> None:
    response = client.post(FIM_PATH, json=body(n=1, stream_options={"include_usage": True}))
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "extra_forbidden",
                "loc": ["body", "n"],
                "msg": "Extra inputs are not permitted",
                "input": 1,
            },
            {
                "type": "extra_forbidden",
                "loc": ["body", "stream_options"],
                "msg": "Extra inputs are not permitted",
                "input": {"include_usage": True},
            },
        ]
    }


def test_all_documented_fields_are_accepted(client: httpx.Client) -> None:
    payload = body(
        temperature=0.2,
        top_p=1,
        max_tokens=64,
        min_tokens=0,
        stream=False,
        stop=["\n\n"],
        random_seed=7,
        metadata={"a": 1},
        prompt_cache_key="k",
    )
    assert client.post(FIM_PATH, json=payload).status_code == 200
    nulls = body(**{k: None for k in ("suffix", "temperature", "max_tokens", "stop", "metadata")})
    assert client.post(FIM_PATH, json=nulls).status_code == 200


def test_missing_prompt_is_422_missing(client: httpx.Client) -> None:
    payload = {"model": "codestral-latest"}
    response = client.post(FIM_PATH, json=payload)
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "type": "missing",
                "loc": ["body", "prompt"],
                "msg": "Field required",
                "input": payload,
            }
        ]
    }


@pytest.mark.parametrize(
    ("field", "value", "kind"),
    [
        ("max_tokens", "many", "int_parsing"),
        ("max_tokens", 1.5, "int_from_float"),
        ("max_tokens", True, "int_type"),
        ("temperature", "hot", "float_parsing"),
        ("temperature", -0.1, "greater_than_equal"),
        ("prompt", 3, "string_type"),
        ("stream", "yes", "bool_type"),
        ("metadata", [1], "dict_type"),
    ],
)
def test_wrong_types_are_422(client: httpx.Client, field: str, value: Any, kind: str) -> None:
    response = client.post(FIM_PATH, json=body(**{field: value}))
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["type"] == kind
    assert detail["loc"] == ["body", field]
    assert detail["input"] == value


def test_invalid_json_and_non_object(client: httpx.Client) -> None:
    response = client.post(FIM_PATH, content=b"{nope", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"
    response = client.post(FIM_PATH, json=[1])
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "model_attributes_type"


def test_unknown_model(client: httpx.Client) -> None:
    response = client.post(FIM_PATH, json=body(model="mistral-large-latest"))
    assert response.status_code == 400
    assert response.json() == {
        "object": "error",
        "message": "Invalid model: mistral-large-latest",
        "type": "invalid_model",
        "param": None,
        "code": "1500",
    }


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": DEFAULT_KEY}]
)
def test_wrong_or_missing_key_is_401(fake: FakeCodestral, headers: dict[str, str]) -> None:
    with httpx.Client(base_url=fake.base_url, trust_env=False) as c:
        response = c.post(FIM_PATH, json=body(), headers=headers)
    assert response.status_code == 401
    data = response.json()
    assert data["message"] == "Unauthorized"
    int(data["request_id"], 16)


def test_unknown_route_and_method(client: httpx.Client) -> None:
    response = client.get("/v1/models")
    assert response.status_code == 404
    assert response.json()["message"] == "no Route matched with those values"
    assert client.get(FIM_PATH).status_code == 405


def test_recording(fake: FakeCodestral, client: httpx.Client) -> None:
    client.post(FIM_PATH + "?x=1", json=body(max_tokens=5), headers={"X-Trace": "t"})
    assert fake.wait_for_requests(1, timeout=1)
    (rec,) = fake.requests
    assert (rec.method, rec.path, rec.query) == ("POST", FIM_PATH, "x=1")
    assert rec.header("x-trace") == "t"
    assert rec.headers["content-type"] == "application/json"
    assert fake.last_body() == body(max_tokens=5)
    assert DEFAULT_KEY not in repr(rec)
    assert not fake.wait_for_requests(2, timeout=0.05)


def test_keep_alive_reuses_one_connection(fake: FakeCodestral, client: httpx.Client) -> None:
    assert client.post(FIM_PATH, json=body()).status_code == 200
    sse_events(client, body(stream=True))
    assert client.post(FIM_PATH, json=body(extra=1)).status_code == 422
    assert client.get("/nope").status_code == 404
    assert client.post(FIM_PATH, json=body()).status_code == 200
    assert fake.connections == 1
    assert len(fake.requests) == 5


# --------------------------------------------------------------------------- faults


def test_fail_next_json_text_and_count(fake: FakeCodestral, client: httpx.Client) -> None:
    fake.fail_next(429, headers={"Retry-After": "2", "retry-after-ms": "2000"})
    fake.fail_next(503, "upstream connect error", count=2)
    fake.fail_next(500, {"object": "error", "message": "boom"})
    r = client.post(FIM_PATH, json=body(stream=True))
    assert r.status_code == 429
    assert r.headers["retry-after"] == "2"
    assert r.headers["retry-after-ms"] == "2000"
    assert r.json()["message"] == "Rate limit exceeded"
    for _ in range(2):
        r = client.post(FIM_PATH, json=body())
        assert r.status_code == 503
        assert r.headers["content-type"] == "text/plain"
        assert r.text == "upstream connect error"
    r = client.post(FIM_PATH, json=body())
    assert (r.status_code, r.json()["message"]) == (500, "boom")
    assert client.post(FIM_PATH, json=body()).status_code == 200
    assert fake.connections == 1


def test_fail_next_beats_auth(fake: FakeCodestral) -> None:
    fake.fail_next(403, {"message": "Forbidden"})
    with httpx.Client(base_url=fake.base_url, trust_env=False) as c:
        assert c.post(FIM_PATH, json=body()).status_code == 403
        assert c.post(FIM_PATH, json=body()).status_code == 401


def test_mode_finish_error(fake: FakeCodestral, client: httpx.Client) -> None:
    fake.set_mode("finish_error")
    parsed = chunks(sse_events(client, body(stream=True)))
    assert parsed[-1]["choices"][0]["finish_reason"] == "error"
    assert "usage" in parsed[-1]
    text = "".join(c["choices"][0]["delta"]["content"] for c in parsed)
    assert TEXT.startswith(text)
    assert len(text) < len(TEXT)
    data = client.post(FIM_PATH, json=body()).json()
    assert data["choices"][0]["finish_reason"] == "error"


def test_mode_json_instead_of_sse(fake: FakeCodestral, client: httpx.Client) -> None:
    fake.set_mode("json_instead_of_sse")
    with (
        httpx_sse.connect_sse(client, "POST", FIM_PATH, json=body(stream=True)) as source,
        pytest.raises(httpx_sse.SSEError),
    ):
        list(source.iter_sse())
    r = client.post(FIM_PATH, json=body(stream=True))
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.json()["choices"][0]["message"]["content"] == TEXT


def test_mode_drop(fake: FakeCodestral, client: httpx.Client) -> None:
    fake.set_mode("drop", count=1)
    seen: list[str] = []
    with (
        pytest.raises(httpx.RemoteProtocolError),
        httpx_sse.connect_sse(client, "POST", FIM_PATH, json=body(stream=True)) as source,
    ):
        seen.extend(sse.data for sse in source.iter_sse())
    assert seen
    assert "[DONE]" not in seen
    assert fake.disconnects == 0
    assert fake.mode is None  # count=1 used up
    assert (
        chunks(sse_events(client, body(stream=True)))[-1]["choices"][0]["finish_reason"] == "stop"
    )
    fake.set_mode("drop")
    with pytest.raises(httpx.RemoteProtocolError):
        client.post(FIM_PATH, json=body())


def test_mode_stall_and_disconnect_detection(fake: FakeCodestral, client: httpx.Client) -> None:
    fake.set_mode("stall")
    with httpx_sse.connect_sse(client, "POST", FIM_PATH, json=body(stream=True)) as source:
        first = next(source.iter_sse())
        assert json.loads(first.data)["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert fake.wait_for_disconnect(2)
    assert fake.disconnects == 1


def test_disconnect_while_sleeping_between_chunks(
    fake: FakeCodestral, client: httpx.Client
) -> None:
    fake.chunk_delay = 0.5
    started = time.monotonic()
    with httpx_sse.connect_sse(client, "POST", FIM_PATH, json=body(stream=True)) as source:
        next(source.iter_sse())
    assert fake.wait_for_disconnect(2)
    assert time.monotonic() - started < 1.0
    fake.reset()
    assert fake.disconnects == 0
    assert not fake.wait_for_disconnect(0.05)


def test_disconnect_on_stalled_non_streaming_request(fake: FakeCodestral) -> None:
    fake.set_mode("stall")
    with (
        httpx.Client(base_url=fake.base_url, headers=AUTH, timeout=0.2, trust_env=False) as c,
        pytest.raises(httpx.ReadTimeout),
    ):
        c.post(FIM_PATH, json=body())
    assert fake.wait_for_disconnect(2)


def test_completed_stream_is_not_a_disconnect(fake: FakeCodestral, client: httpx.Client) -> None:
    sse_events(client, body(stream=True))
    client.close()
    time.sleep(0.05)
    assert fake.disconnects == 0


def test_mode_slow_headers(fake: FakeCodestral) -> None:
    fake.slow_headers_delay = 0.3
    fake.set_mode("slow_headers")
    with httpx.Client(base_url=fake.base_url, headers=AUTH, timeout=0.1, trust_env=False) as c:
        with pytest.raises(httpx.ReadTimeout):
            c.post(FIM_PATH, json=body(stream=True))
        assert fake.wait_for_disconnect(2)
        started = time.monotonic()
        r = c.post(FIM_PATH, json=body(), timeout=2)
    assert r.status_code == 200
    assert time.monotonic() - started >= 0.3


def test_set_mode_rejects_unknown() -> None:
    with pytest.raises(ValueError, match="unknown mode"):
        FakeCodestral().set_mode("explode")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- timing and gate

N_EVENTS = len(TEXT) // 4 + (len(TEXT) % 4 > 0)  # content events for TEXT at 4 chars a piece


def test_first_token_delay_comes_between_role_and_first_content(
    fake: FakeCodestral, client: httpx.Client
) -> None:
    fake.first_token_delay = 0.3
    with httpx_sse.connect_sse(client, "POST", FIM_PATH, json=body(stream=True)) as source:
        events = source.iter_sse()
        next(events)  # role
        after_role = time.monotonic()
        next(events)
        first_token = time.monotonic() - after_role
        rest = [sse.data for sse in events]
    assert 0.25 <= first_token < 1.0
    assert rest[-1] == "[DONE]"
    fake.reset()
    assert fake.first_token_delay == 0
    started = time.monotonic()
    sse_events(client, body(stream=True))
    assert time.monotonic() - started < 0.2


def test_first_token_delay_from_constructor_and_non_streaming() -> None:
    with (
        FakeCodestral(completion="x", first_token_delay=0.2) as fake,
        httpx.Client(base_url=fake.base_url, headers=AUTH, timeout=5, trust_env=False) as c,
    ):
        started = time.monotonic()
        assert c.post(FIM_PATH, json=body()).json()["choices"][0]["message"]["content"] == "x"
        assert time.monotonic() - started >= 0.2
        fake.first_token_delay = 0
        fake.reset()
        assert fake.first_token_delay == 0.2


def test_disconnect_during_first_token_delay(fake: FakeCodestral, client: httpx.Client) -> None:
    fake.first_token_delay = 5
    started = time.monotonic()
    with httpx_sse.connect_sse(client, "POST", FIM_PATH, json=body(stream=True)) as source:
        next(source.iter_sse())
    assert fake.wait_for_disconnect(2)
    assert time.monotonic() - started < 1.0
    assert (fake.chunks_sent, fake.chunks_aborted, fake.completed) == (0, 0, 0)


def test_tokens_per_second_is_chunk_delay_as_a_rate() -> None:
    fake = FakeCodestral(chunk_delay=0.5, tokens_per_second=50)
    assert fake.chunk_delay == pytest.approx(0.02)
    assert fake.tokens_per_second == pytest.approx(50)
    fake.tokens_per_second = 200
    assert fake.chunk_delay == pytest.approx(0.005)
    fake.reset()
    assert fake.chunk_delay == pytest.approx(0.02)
    fake.chunk_delay = 0
    assert fake.tokens_per_second == math.inf
    for bad in (0, -1.0, math.nan):
        with pytest.raises(ValueError, match="tokens_per_second"):
            fake.tokens_per_second = bad
    with pytest.raises(ValueError, match="tokens_per_second"):
        FakeCodestral(tokens_per_second=0)


def test_counters_for_a_completed_stream(fake: FakeCodestral, client: httpx.Client) -> None:
    parsed = chunks(sse_events(client, body(stream=True)))
    assert len(parsed) - 1 == N_EVENTS
    assert fake.wait_for_completed(1, timeout=1)
    assert (fake.chunks_sent, fake.chunks_aborted, fake.completed) == (N_EVENTS, 0, 1)
    client.post(FIM_PATH, json=body())  # non-streaming responses are not counted
    assert (fake.chunks_sent, fake.completed) == (N_EVENTS, 1)
    fake.reset()
    assert (fake.chunks_sent, fake.chunks_aborted, fake.completed) == (0, 0, 0)


def test_hold_after_waits_for_release(fake: FakeCodestral, client: httpx.Client) -> None:
    fake.hold_after(2)
    with httpx_sse.connect_sse(client, "POST", FIM_PATH, json=body(stream=True)) as source:
        events = source.iter_sse()
        seen = [next(events).data for _ in range(3)]  # role + 2 content events
        assert fake.wait_for_held(1, timeout=2)
        assert fake.wait_for_chunks(2, timeout=1)
        assert not fake.wait_for_chunks(3, timeout=0.2)
        assert fake.held == 1
        threading.Thread(target=fake.release).start()
        seen += [sse.data for sse in events]
    assert "".join(c["choices"][0]["delta"]["content"] for c in chunks(seen)) == TEXT
    assert fake.wait_for_completed(1, timeout=1)
    assert (fake.chunks_sent, fake.held, fake.disconnects) == (N_EVENTS, 0, 0)
    started = time.monotonic()  # released: the gate is disarmed for later streams
    sse_events(client, body(stream=True))
    assert time.monotonic() - started < 0.5


def test_hold_holds_every_stream_until_one_release(fake: FakeCodestral) -> None:
    fake.hold_after(0)
    with (
        httpx.Client(base_url=fake.base_url, headers=AUTH, timeout=5, trust_env=False) as c,
        contextlib.ExitStack() as stack,
    ):
        sources = [
            stack.enter_context(httpx_sse.connect_sse(c, "POST", FIM_PATH, json=body(stream=True)))
            for _ in range(3)
        ]
        assert fake.wait_for_held(3, timeout=2)
        assert fake.chunks_sent == 0
        fake.release()
        for source in sources:
            assert [sse.data for sse in source.iter_sse()][-1] == "[DONE]"
    assert fake.wait_for_completed(3, timeout=5) and fake.completed == 3
    assert fake.held == 0


def test_hold_past_the_last_event_holds_before_done(
    fake: FakeCodestral, client: httpx.Client
) -> None:
    fake.hold_after(1000)
    with httpx_sse.connect_sse(client, "POST", FIM_PATH, json=body(stream=True)) as source:
        events = source.iter_sse()
        seen = [next(events).data for _ in range(N_EVENTS + 1)]
        assert fake.wait_for_held(1, timeout=2)
        assert fake.chunks_sent == N_EVENTS
        assert fake.completed == 0
        fake.release()
        seen += [sse.data for sse in events]
    assert seen[-1] == "[DONE]"
    assert fake.wait_for_completed(1, timeout=1)


def test_disconnect_while_held(fake: FakeCodestral, client: httpx.Client) -> None:
    fake.hold_after(1)
    with httpx_sse.connect_sse(client, "POST", FIM_PATH, json=body(stream=True)) as source:
        events = source.iter_sse()
        next(events)
        next(events)
        assert fake.wait_for_held(1, timeout=2)
    assert fake.wait_for_disconnect(2)
    assert (fake.chunks_sent, fake.chunks_aborted, fake.completed) == (1, 1, 0)
    deadline = time.monotonic() + 2
    while fake.held and time.monotonic() < deadline:
        time.sleep(0.01)
    assert fake.held == 0
    fake.release()


def test_reset_releases_held_streams(fake: FakeCodestral, client: httpx.Client) -> None:
    fake.hold_after(0)
    with httpx_sse.connect_sse(client, "POST", FIM_PATH, json=body(stream=True)) as source:
        events = source.iter_sse()
        next(events)
        assert fake.wait_for_held(1, timeout=2)
        fake.reset()
        assert [sse.data for sse in events][-1] == "[DONE]"
    with pytest.raises(ValueError, match="n_chunks"):
        fake.hold_after(-1)


# --------------------------------------------------------------------------- transport


def test_chunked_request_body_and_http10(fake: FakeCodestral) -> None:
    payload = json.dumps(body()).encode()
    request = (
        f"POST {FIM_PATH} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {DEFAULT_KEY}\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    ).encode() + b"%x\r\n%s\r\n0\r\n\r\n" % (len(payload), payload)
    with socket.create_connection(("127.0.0.1", fake.port), timeout=2) as sock:
        sock.sendall(request)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    head, _, rest = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK")
    assert b"connection: close" in head
    assert json.loads(rest)["choices"][0]["message"]["content"] == TEXT
    with socket.create_connection(("127.0.0.1", fake.port), timeout=2) as sock:
        sock.sendall(b"garbage\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 400")


def test_stop_closes_open_streams() -> None:
    fake = FakeCodestral().start()
    fake.set_mode("stall")
    with (
        httpx.Client(base_url=fake.base_url, headers=AUTH, timeout=2, trust_env=False) as c,
        httpx_sse.connect_sse(c, "POST", FIM_PATH, json=body(stream=True)) as source,
    ):
        it = source.iter_sse()
        next(it)
        fake.stop()
        with pytest.raises(httpx.RemoteProtocolError):
            next(it)
    fake.stop()  # idempotent
    with pytest.raises(RuntimeError):
        _ = fake.base_url


def test_cli_prints_base_url_and_serves() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.fakes.codestral", "--key", "k-1", "--completion", "hi"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        with httpx.Client(base_url=url, trust_env=False, timeout=5) as c:
            r = c.post(FIM_PATH, json=body(), headers={"Authorization": "Bearer k-1"})
        assert r.json()["choices"][0]["message"]["content"] == "hi"
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=5)
    assert "k-1" not in err
