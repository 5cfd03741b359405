"""The scrubber: keys held, URL credentials and Authorization values never pass; other text does."""

import logging

import pytest

from fim_lsp.privacy.scrub import PLACEHOLDER, SCRUBBER, Scrubber, ScrubbingFilter

KEY = "sk-test-Hq27vNc94xZ"


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        (f"the key {KEY} was rejected", KEY),
        (f"Authorization: Bearer {KEY}", KEY),
        ('{"authorization": "Bearer abc.def-ghi_jkl"}', "abc.def-ghi_jkl"),
        ("Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
        ("http://user:pw-secret@127.0.0.1:8080/v1 failed", "pw-secret"),
        ("https://TOKEN123@host.example/x", "TOKEN123"),
        ("user:pw-secret@127.0.0.1:8080 answered 500", "pw-secret"),
        ("bearer abcdefghijklmnop", "abcdefghijklmnop"),
    ],
)
def test_secrets_are_scrubbed(text: str, gone: str) -> None:
    scrubbed = Scrubber([KEY])(text)
    assert gone not in scrubbed and PLACEHOLDER in scrubbed


@pytest.mark.parametrize(
    "text",
    [
        "127.0.0.1:8080 answered 500; it may be down or overloaded.",
        "https://codestral.mistral.ai/v1/fim/completions",
        "mail me at someone@example.com",
        "the model returned x = a:b",
        "set MISTRAL_API_KEY in the environment",
    ],
)
def test_ordinary_text_passes_unchanged(text: str) -> None:
    assert Scrubber([KEY])(text) == text


def test_short_values_are_not_held() -> None:
    assert Scrubber(["abc"])("abc def") == "abc def"


def test_values_in_json_results_are_scrubbed() -> None:
    scrub = Scrubber([KEY])
    assert scrub.value({"a": [f"x{KEY}", 1, {"b": KEY}]}) == {
        "a": [f"x{PLACEHOLDER}", 1, {"b": PLACEHOLDER}]
    }


def test_the_log_filter_scrubs_messages_arguments_and_tracebacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    SCRUBBER.hold([KEY])
    log = logging.getLogger("test_scrub")
    caplog.handler.addFilter(ScrubbingFilter())
    with caplog.at_level(logging.INFO, logger="test_scrub"):
        log.info("failed with %s", KEY)
        try:
            raise RuntimeError(f"boom {KEY}")
        except RuntimeError:
            log.exception("and then")
    assert KEY not in caplog.text and "failed with" in caplog.text and "boom" in caplog.text
