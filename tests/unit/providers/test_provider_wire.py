"""The local providers' wire helpers and the auto choice, as tables: bodies sent, lines read, errors worded."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from fim_lsp.providers import auto, llamacpp, ollama, openai
from fim_lsp.providers.base import ErrorKind, FimRequest, ProviderError
from fim_lsp.providers.catalog import KEY_VARIABLES, choose_from_environment
from fim_lsp.providers.http_errors import error_text, field_named, status_error

FULL = FimRequest("def f():\n    ret", "\n", "m", 10, 1, 0.2, 0.9, ("\n\n",), 7)
BARE = FimRequest("p", "s", "m")

# ----------------------------------------------------------------------------- ollama


def test_ollama_body() -> None:
    assert ollama.request_body(BARE, 4096) == {
        "model": "m",
        "prompt": "p",
        "suffix": "s",
        "stream": True,
        "think": False,
        "options": {"num_ctx": 4096},
    }
    assert ollama.request_body(FULL, 2048)["options"] == {
        "num_ctx": 2048,
        "num_predict": 10,
        "temperature": 0.2,
        "top_p": 0.9,
        "stop": ["\n\n"],
        "seed": 7,
    }


@pytest.mark.parametrize(
    ("variable", "base"),
    [
        (None, "http://127.0.0.1:11434"),
        ("", "http://127.0.0.1:11434"),
        ("0.0.0.0", "http://127.0.0.1:11434"),
        ("0.0.0.0:8080", "http://127.0.0.1:8080"),
        ("gpu-box", "http://gpu-box:11434"),
        ("gpu-box:1234", "http://gpu-box:1234"),
        ("http://gpu-box", "http://gpu-box:80"),
        ("https://ollama.example.com", "https://ollama.example.com:443"),
        ("https://ollama.example.com/proxy/", "https://ollama.example.com:443/proxy"),
        ("[::1]:11434", "http://[::1]:11434"),
    ],
)
def test_ollama_host_is_read_like_ollamas_clients(variable: str | None, base: str) -> None:
    environ = {} if variable is None else {"OLLAMA_HOST": variable}
    assert ollama.base_url_from(environ) == base


@pytest.mark.parametrize(
    ("context", "answer", "num_ctx"),
    [(2400, 128, 4096), (100, 16, 2048), (2400, 2048, 8192), (300_000, 8192, 524288)],
)
def test_ollama_context_fits_prompt_and_answer(context: int, answer: int, num_ctx: int) -> None:
    assert ollama.context_tokens(context, answer) == num_ctx


@pytest.mark.parametrize(
    ("line", "read"),
    [
        ('{"model":"m","response":"ab","done":false}', ("ab", False)),
        ('{"model":"m","response":"","done":true,"done_reason":"stop"}', ("", True)),
        ('{"model":"m","response":"x","done":true,"done_reason":"length"}', ("x", True)),
        ('{"model":"m","done":false}', ("", False)),
    ],
)
def test_ollama_lines(line: str, read: tuple[str, bool]) -> None:
    assert ollama.read_line(line, "h") == read


@pytest.mark.parametrize(
    ("line", "kind", "says"),
    [
        ('{"error":"unexpected EOF"}', ErrorKind.UNAVAILABLE, "stopped with an error: unexpected"),
        ("not json", ErrorKind.PROTOCOL, "cannot read"),
        ("[1, 2]", ErrorKind.PROTOCOL, "cannot read"),
    ],
)
def test_ollama_bad_lines(line: str, kind: ErrorKind, says: str) -> None:
    with pytest.raises(ProviderError) as caught:
        ollama.read_line(line, "h")
    assert caught.value.kind is kind and says in caught.value.message


# ----------------------------------------------------------------------------- llama.cpp


def test_llamacpp_body_keeps_whole_lines_in_the_prefix() -> None:
    request = dataclasses.replace(FULL, extra=(("util.py", "def g(): ...\n"),))
    assert llamacpp.request_body(request) == {
        "input_prefix": "def f():\n",
        "prompt": "    ret",
        "input_suffix": "\n",
        "input_extra": [{"filename": "util.py", "text": "def g(): ...\n"}],
        "stream": True,
        "cache_prompt": True,
        "t_max_predict_ms": llamacpp.T_MAX_PREDICT_MS,
        "n_predict": 10,
        "temperature": 0.2,
        "top_p": 0.9,
        "stop": ["\n\n"],
        "seed": 7,
    }
    body = llamacpp.request_body(BARE)
    assert (body["input_prefix"], body["prompt"], body["input_extra"]) == ("", "p", [])
    body = llamacpp.request_body(dataclasses.replace(BARE, prompt="a\nb\n"))
    assert (body["input_prefix"], body["prompt"]) == ("a\nb\n", "")


@pytest.mark.parametrize(
    ("data", "read"),
    [
        ('{"index":0,"content":"ab","tokens":[1],"stop":false}', ("ab", False)),
        ('{"content":"","stop":true,"stop_type":"eos","timings":{}}', ("", True)),
        ('{"content":"z","stop":true,"stop_type":"limit"}', ("z", True)),
    ],
)
def test_llamacpp_events(data: str, read: tuple[str, bool]) -> None:
    assert llamacpp.read_event(data, "h") == read


def test_llamacpp_error_event() -> None:
    with pytest.raises(ProviderError) as caught:
        llamacpp.read_event('{"error":{"code":500,"message":"slot crashed"}}', "h")
    assert caught.value.kind is ErrorKind.UNAVAILABLE and "slot crashed" in caught.value.message


# ----------------------------------------------------------------------------- openai


@pytest.mark.parametrize(
    ("base", "url"),
    [
        ("", "http://127.0.0.1:11434/v1/completions"),
        ("http://127.0.0.1:11434", "http://127.0.0.1:11434/v1/completions"),
        ("http://127.0.0.1:11434/v1", "http://127.0.0.1:11434/v1/completions"),
        ("http://localhost:8000/v1/", "http://localhost:8000/v1/completions"),
        ("https://api.deepseek.com/beta", "https://api.deepseek.com/beta/completions"),
    ],
)
def test_openai_url(base: str, url: str) -> None:
    assert openai.completions_url(base) == url


def test_openai_body() -> None:
    assert openai.request_body(BARE) == {"model": "m", "prompt": "p", "suffix": "s", "stream": True}
    assert openai.request_body(FULL) == {
        "model": "m",
        "prompt": "def f():\n    ret",
        "suffix": "\n",
        "stream": True,
        "max_tokens": 10,
        "temperature": 0.2,
        "top_p": 0.9,
        "stop": ["\n\n"],
        "seed": 7,
    }


@pytest.mark.parametrize(
    ("data", "read"),
    [
        (
            '{"object":"text_completion","choices":[{"text":"ab","finish_reason":null}]}',
            ("ab", False),
        ),
        ('{"choices":[{"text":"c","index":0,"finish_reason":"stop"}]}', ("c", True)),
        ('{"choices":[{"text":"","finish_reason":"length"}]}', ("", True)),
    ],
)
def test_openai_events(data: str, read: tuple[str, bool]) -> None:
    assert openai.read_event(data, "h") == read


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        ('{"error":{"message":"boom"}}', ErrorKind.UNAVAILABLE),
        ('{"choices":[{"text":"","finish_reason":"error"}]}', ErrorKind.UNAVAILABLE),
        ('{"choices":[]}', ErrorKind.PROTOCOL),
        ("nope", ErrorKind.PROTOCOL),
    ],
)
def test_openai_bad_events(data: str, kind: ErrorKind) -> None:
    with pytest.raises(ProviderError) as caught:
        openai.read_event(data, "h")
    assert caught.value.kind is kind


# ----------------------------------------------------------------------------- shared errors


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ({"error": 'model "x" not found, try pulling it first'}, 'model "x" not found'),
        ({"error": {"code": 501, "message": "Infill is not supported", "type": "x"}}, "Infill"),
        ({"error": {"message": "Incorrect API key", "type": "invalid_request_error"}}, "Incorrect"),
    ],
)
def test_error_text_of_local_servers(body: object, text: str) -> None:
    assert error_text(body).startswith(text)


def test_field_named_reads_openai_param() -> None:
    assert field_named({"error": {"message": "bad", "param": "max_tokens"}}) == "max_tokens"


def _response(status: int, body: object, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


ADVICE = {
    "auth": "the key was rejected by h",
    "auth_advice": "Fix it.",
    "unknown_model": "has no model 'm'",
    "model_advice": "Pick one.",
}


@pytest.mark.parametrize(
    ("status", "body", "headers", "kind", "says"),
    [
        (401, {"error": "unauthorized"}, {}, ErrorKind.AUTH, "the key was rejected by h (401). Fix it."),
        (403, {}, {}, ErrorKind.AUTH, "(403)"),
        (429, {"error": "slow down"}, {"retry-after": "7"}, ErrorKind.RATE_LIMITED, "limiting requests (slow down)."),
        (404, {"error": "model not found"}, {}, ErrorKind.BAD_REQUEST, "no model 'm' (model not found). Pick one."),
        (400, {"error": {"message": "bad", "param": "top_p"}}, {}, ErrorKind.BAD_REQUEST, "fimLsp.topP"),
        (400, {"error": "num_predict: bad"}, {}, ErrorKind.BAD_REQUEST, "rejected the request (400)"),
        (500, {"error": "boom"}, {}, ErrorKind.UNAVAILABLE, "answered 500 (boom)"),
        (503, {"error": {"message": "Loading model"}}, {}, ErrorKind.UNAVAILABLE, "Loading model"),
    ],
)  # fmt: skip
def test_status_errors(
    status: int, body: object, headers: dict[str, str], kind: ErrorKind, says: str
) -> None:
    error = status_error(_response(status, body, headers), host="h", **ADVICE)
    assert error.kind is kind and error.status == status
    assert says in error.message
    if status == 429:
        assert error.retry_after == 7


# ----------------------------------------------------------------------------- auto


@pytest.mark.parametrize(
    ("provider", "environ", "chosen"),
    [
        ("auto", {"MISTRAL_API_KEY": "k"}, "mistral"),
        ("auto", {"CODESTRAL_API_KEY": "k"}, "codestral"),
        ("auto", {"MISTRAL_API_KEY": "k", "CODESTRAL_API_KEY": "k"}, "mistral"),
        ("auto", {"MISTRAL_API_KEY": "  "}, None),
        ("auto", {}, None),
        ("ollama", {"MISTRAL_API_KEY": "k"}, "ollama"),
        ("codestral", {"MISTRAL_API_KEY": "k"}, "codestral"),
        ("llamacpp", {}, "llamacpp"),
    ],
)
def test_choice_without_network(provider: str, environ: dict[str, str], chosen: str | None) -> None:
    choice = choose_from_environment(provider, environ)
    assert (choice.provider if choice is not None else None) == chosen
    if choice is not None:
        assert choice.reason


@pytest.mark.parametrize(
    ("installed", "model"),
    [
        (["llama3.2:1b", "qwen2.5-coder:1.5b"], "qwen2.5-coder:1.5b"),
        (["starcoder2:3b", "deepseek-coder-v2:16b"], "deepseek-coder-v2:16b"),
        (["codestral:latest", "llama3.2:1b"], "codestral:latest"),
        (["hf.co/someone/qwen2.5-coder-7b-gguf:Q4", "x"], "hf.co/someone/qwen2.5-coder-7b-gguf:Q4"),
        (["llama3.2:1b"], None),
        ([], None),
    ],
)
def test_fim_model_found_among_installed(installed: list[str], model: str | None) -> None:
    assert auto.fim_model(installed) == model


@pytest.mark.parametrize("answered", [False, True])
def test_setup_message_says_every_way(answered: bool) -> None:
    message = auto.setup_message("http://127.0.0.1:11434", answered)
    for part in ("MISTRAL_API_KEY", "console.mistral.ai", "ollama pull", "fimLsp.provider"):
        assert part in message
    assert ("has no FIM model" in message) is answered


def test_every_provider_has_a_key_variable() -> None:
    from fim_lsp.config import PROVIDERS

    assert set(KEY_VARIABLES) == set(PROVIDERS) - {"auto"}
