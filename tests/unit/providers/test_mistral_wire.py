"""The Mistral wire helpers: the body sent, Retry-After parsing, and reading error bodies."""

import pytest

from fim_lsp.core.notices import Notices
from fim_lsp.providers.base import FimRequest
from fim_lsp.providers.mistral import _error_text, _field_named, request_body, retry_after_seconds


def test_body_has_only_the_documented_fields_and_omits_unset_ones() -> None:
    body = request_body(FimRequest(prompt="p", suffix="s", model="m"))
    assert body == {"model": "m", "prompt": "p", "suffix": "s", "stream": True}
    full = request_body(
        FimRequest("p", "s", "m", 10, 1, 0.2, 0.9, ("\n\n",), 7),
    )
    assert full == {
        "model": "m",
        "prompt": "p",
        "suffix": "s",
        "stream": True,
        "max_tokens": 10,
        "min_tokens": 1,
        "temperature": 0.2,
        "top_p": 0.9,
        "stop": ["\n\n"],
        "random_seed": 7,
    }


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({}, None),
        ({"retry-after": "12"}, 12.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after": "-3"}, 0.0),
        ({"retry-after": "soon"}, None),
        (
            {
                "retry-after": "Wed, 25 Nov 2026 18:00:30 GMT",
                "date": "Wed, 25 Nov 2026 18:00:00 GMT",
            },
            30.0,
        ),
    ],
)
def test_retry_after(headers: dict[str, str], seconds: float | None) -> None:
    assert retry_after_seconds(headers) == seconds


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ({"message": "Unauthorized", "request_id": "x"}, "Unauthorized"),
        ({"detail": "Unauthorized"}, "Unauthorized"),
        (
            {"object": "error", "message": "Rate limit exceeded", "type": "rate_limited"},
            "Rate limit exceeded",
        ),
        (
            {"detail": [{"type": "extra_forbidden", "loc": ["body", "n"], "msg": "Extra inputs"}]},
            "n: Extra inputs",
        ),
        (
            {"object": "error", "message": {"detail": [{"loc": ["body", "x"], "msg": "bad"}]}},
            "x: bad",
        ),
        ("upstream connect error\n", "upstream connect error"),
        (None, ""),
    ],
)
def test_error_text(body: object, text: str) -> None:
    assert _error_text(body) == text


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"detail": [{"loc": ["body", "max_tokens"], "msg": "x"}]}, "max_tokens"),
        ({"message": {"detail": [{"loc": ["body", "top_p"]}]}}, "top_p"),
        ({"message": "nothing here"}, None),
        ("text", None),
    ],
)
def test_field_named(body: object, named: str | None) -> None:
    assert _field_named(body) == named


def test_notices_are_quiet_for_a_while_per_kind() -> None:
    notices = Notices(quiet_seconds=300)
    assert notices.should_show("auth", now=0)
    assert not notices.should_show("auth", now=299)
    assert notices.should_show("timeout", now=299)
    assert notices.should_show("auth", now=301)
    notices.clear("auth")
    assert notices.should_show("auth", now=302)
