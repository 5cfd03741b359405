"""The fake Ollama, llama.cpp and OpenAI-style servers speak their protocols byte for byte, and fail on cue."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from bench.fakes.llamacpp import FakeLlamaCpp
from bench.fakes.ollama import FakeOllama
from bench.fakes.openai import FakeOpenAI

TEXT = "    return a + b\n"


@pytest.fixture
def ollama() -> Iterator[FakeOllama]:
    with FakeOllama(completion=TEXT) as fake:
        yield fake


@pytest.fixture
def llama() -> Iterator[FakeLlamaCpp]:
    with FakeLlamaCpp(completion=TEXT) as fake:
        yield fake


@pytest.fixture
def oai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(completion=TEXT) as fake:
        yield fake


def post(url: str, body: Any, **headers: str) -> httpx.Response:
    with httpx.Client(timeout=5, trust_env=False) as client:
        return client.post(url, content=json.dumps(body), headers=headers)


# ----------------------------------------------------------------------------- ollama


def test_ollama_streams_ndjson_ending_with_done(ollama: FakeOllama) -> None:
    body = {"model": "qwen2.5-coder:1.5b", "prompt": "def f():\n", "suffix": "\n"}
    response = post(ollama.base_url + "/api/generate", body)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert "".join(line["response"] for line in lines) == TEXT
    assert [line["done"] for line in lines] == [False] * (len(lines) - 1) + [True]
    assert lines[-1]["done_reason"] == "stop" and lines[-1]["response"] == ""
    # the fake counts a stream as completed just after its last byte: wait, do not race it
    assert ollama.wait_for_completed(1, timeout=5) and ollama.completed == 1
    assert ollama.last_body() == body


def test_ollama_options_limit_and_stop(ollama: FakeOllama) -> None:
    body = {"model": "qwen2.5-coder:1.5b", "prompt": "p", "options": {"num_predict": 2}}
    lines = post(ollama.base_url + "/api/generate", body).text.splitlines()
    assert json.loads(lines[-1])["done_reason"] == "length" and len(lines) == 3
    body["options"] = {"stop": ["+"]}
    text = post(ollama.base_url + "/api/generate", body).text.splitlines()
    assert "".join(json.loads(line)["response"] for line in text) == "    return a "


def test_ollama_non_streaming(ollama: FakeOllama) -> None:
    body = {"model": "qwen2.5-coder:1.5b", "prompt": "p", "stream": False}
    answer = post(ollama.base_url + "/api/generate", body).json()
    assert answer["response"] == TEXT and answer["done"] is True


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"model": "nope", "prompt": "p"}, 404, 'model "nope" not found, try pulling it first'),
        ({"model": "llama3.2:1b", "prompt": "p", "suffix": "s"}, 400, "does not support insert"),
        ({"prompt": "p"}, 400, "model is required"),
        ({"model": "qwen2.5-coder:1.5b", "prompt": "p", "n_predict": 3}, 400, "unknown field"),
        ({"model": "qwen2.5-coder:1.5b", "options": {"max_tokens": 3}}, 400, "unknown option"),
    ],
)
def test_ollama_errors(ollama: FakeOllama, body: Any, status: int, error: str) -> None:
    response = post(ollama.base_url + "/api/generate", body)
    assert response.status_code == status and error in response.json()["error"]


def test_ollama_lists_models_and_checks_keys() -> None:
    with FakeOllama(api_key="k") as fake:
        tags = httpx.get(fake.base_url + "/api/tags", timeout=5).json()["models"]
        assert {tag["name"] for tag in tags} == set(fake.known_models)
        body = {"model": "qwen2.5-coder:1.5b", "prompt": "p"}
        assert post(fake.base_url + "/api/generate", body).status_code == 401
        assert post(fake.base_url + "/api/generate", body, authorization="Bearer k").is_success
        assert httpx.get(fake.base_url + "/nope", timeout=5).text == "404 page not found"


def test_ollama_error_line_arrives_with_200(ollama: FakeOllama) -> None:
    ollama.set_mode("error_line")
    response = post(ollama.base_url + "/api/generate", {"model": "qwen2.5-coder:1.5b"})
    assert response.status_code == 200
    last = json.loads(response.text.splitlines()[-1])
    assert set(last) == {"error"}


# ----------------------------------------------------------------------------- llama.cpp


def _sse(text: str) -> list[str]:
    return [block for block in text.split("\n\n") if block]


def test_llamacpp_streams_sse_without_done(llama: FakeLlamaCpp) -> None:
    body = {"input_prefix": "def f():\n", "prompt": "", "input_suffix": "\n", "stream": True}
    response = post(llama.base_url + "/infill", body)
    assert response.headers["content-type"] == "text/event-stream"
    blocks = _sse(response.text)
    assert blocks[0] == ": ping"
    events = [json.loads(block.removeprefix("data: ")) for block in blocks[1:]]
    assert "".join(event["content"] for event in events) == TEXT
    assert [event["stop"] for event in events] == [False] * (len(events) - 1) + [True]
    assert "[DONE]" not in response.text
    assert events[-1]["stop_type"] == "eos"


def test_llamacpp_completion_sees_prefix_and_prompt() -> None:
    seen: list[tuple[str, str]] = []

    def completion(prefix: str, suffix: str) -> str:
        seen.append((prefix, suffix))
        return "x"

    with FakeLlamaCpp(completion=completion) as fake:
        post(fake.base_url + "/infill", {"input_prefix": "a\n", "prompt": "b", "input_suffix": "c"})
    assert seen == [("a\nb", "c")]


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"input_extra": [{"name": "x"}]}, 400, "input_extra"),
        ({"input_prefix": 3}, 400, "must be a string"),
        ({"suffix": "x"}, 400, "unknown field"),
    ],
)
def test_llamacpp_errors(llama: FakeLlamaCpp, body: Any, status: int, says: str) -> None:
    response = post(llama.base_url + "/infill", body)
    assert response.status_code == status
    assert says in response.json()["error"]["message"]


def test_llamacpp_without_fim_tokens_is_501(llama: FakeLlamaCpp) -> None:
    llama.infill_supported = False
    response = post(llama.base_url + "/infill", {"input_prefix": "a"})
    assert response.status_code == 501
    assert response.json()["error"]["type"] == "not_supported_error"


# ----------------------------------------------------------------------------- openai


def test_openai_streams_text_chunks_then_done(oai: FakeOpenAI) -> None:
    body = {"model": "qwen2.5-coder:1.5b", "prompt": "p", "suffix": "s", "stream": True}
    response = post(oai.base_url + "/v1/completions", body)
    blocks = _sse(response.text)
    assert blocks[-1] == "data: [DONE]"
    chunks = [json.loads(block.removeprefix("data: ")) for block in blocks[:-1]]
    assert all(chunk["object"] == "text_completion" for chunk in chunks)
    assert "".join(chunk["choices"][0]["text"] for chunk in chunks) == TEXT
    reasons = [chunk["choices"][0]["finish_reason"] for chunk in chunks]
    assert reasons == [None] * (len(chunks) - 1) + ["stop"]


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"model": "nope", "prompt": "p"}, 404, "not found"),
        ({"model": "qwen2.5-coder:1.5b", "prompt": "p", "think": False}, 400, "Unrecognized"),
        ({"model": "qwen2.5-coder:1.5b"}, 400, "prompt is required"),
    ],
)
def test_openai_errors(oai: FakeOpenAI, body: Any, status: int, says: str) -> None:
    response = post(oai.base_url + "/v1/completions", body)
    assert response.status_code == status and says in response.json()["error"]["message"]


def test_openai_suffix_can_be_refused(oai: FakeOpenAI) -> None:
    oai.suffix_supported = False
    body = {"model": "qwen2.5-coder:1.5b", "prompt": "p", "suffix": "s"}
    response = post(oai.base_url + "/v1/completions", body)
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "suffix is not currently supported"


# ----------------------------------------------------------------------------- shared


@pytest.mark.parametrize("kind", [FakeOllama, FakeLlamaCpp, FakeOpenAI])
def test_stall_and_disconnect_are_seen(kind: type[FakeOllama | FakeLlamaCpp | FakeOpenAI]) -> None:
    path, body = {
        FakeOllama: ("/api/generate", {"model": "qwen2.5-coder:1.5b", "prompt": "p"}),
        FakeLlamaCpp: ("/infill", {"input_prefix": "p", "stream": True}),
        FakeOpenAI: ("/v1/completions", {"model": "qwen2.5-coder:1.5b", "prompt": "p", "stream": True}),
    }[kind]  # fmt: skip
    with kind() as fake:
        fake.set_mode("stall")
        with (
            httpx.Client(timeout=5, trust_env=False) as client,
            client.stream("POST", fake.base_url + path, json=body) as response,
        ):
            assert response.status_code == 200
        assert fake.wait_for_disconnect(5.0)
        fake.fail_next(503)
        assert post(fake.base_url + path, body).status_code == 503
        with pytest.raises(ValueError):
            fake.set_mode("finish_error_that_does_not_exist")
        fake.reset()
        assert fake.requests == [] and fake.disconnects == 0


@pytest.mark.parametrize(
    ("kind", "path", "warm"),
    [
        (FakeOllama, "/api/generate", {"options": {"temperature": 0.7, "seed": 3}}),
        (FakeOpenAI, "/v1/completions", {"temperature": 0.7, "seed": 3}),
        (FakeLlamaCpp, "/infill", {"temperature": 0.7, "seed": 3}),
    ],
    ids=["ollama", "openai", "llamacpp"],
)
def test_samples_answer_a_warm_request_with_a_seed(
    kind: type[FakeOllama | FakeLlamaCpp | FakeOpenAI], path: str, warm: dict[str, Any]
) -> None:
    with kind(completion=TEXT) as fake:
        fake.samples = ("even", "odd")
        body: dict[str, Any] = {"model": fake.MODEL, "prompt": "p", "stream": False, **warm}
        if kind is FakeLlamaCpp:
            body = {"input_prefix": "p", "input_suffix": "", **warm}
        answer = post(fake.base_url + path, body)
        assert answer.status_code == 200, answer.text
        assert "odd" in answer.text and TEXT.strip() not in answer.text
