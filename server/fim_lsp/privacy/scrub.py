"""The one way out for text: the keys the server holds and URL credentials never reach a message or log."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

PLACEHOLDER = "[REDACTED]"
MIN_SECRET_CHARS = 6  # shorter values would scrub ordinary words; no real key is this short
# user:password@ (or user@) in a URL; the user part alone can be a token (https://TOKEN@host)
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^\s/@'\"<>]+@")
# user:password@host without a scheme, as a URL's address part is often shown
_ADDRESS_CREDENTIALS = re.compile(r"(?<![\w/@:.-])[^\s/@:'\"<>]+:[^\s/@'\"<>]+@(?=[\w.\[-])")
# an Authorization header's value, as an error body may echo it
_AUTHORIZATION = re.compile(
    r"(?i)\b(authorization[\"']?\s*[:=]\s*[\"']?(?:bearer|basic)\s+)[^\s\"',}]+"
)
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}")


class Scrubber:
    """Removes the keys it holds, URL credentials and Authorization values from text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self.hold(secrets)

    def hold(self, secrets: Iterable[str]) -> None:
        """Scrub these values too, from now on (keys from the environment or a secret store)."""
        added = {s.strip() for s in secrets if len(s.strip()) >= MIN_SECRET_CHARS}
        if added - self._secrets:
            self._secrets |= added
            longest_first = sorted(self._secrets, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(s) for s in longest_first))

    @property
    def longest(self) -> int:
        """The length of the longest secret held (a stream keeps this much back)."""
        return max(map(len, self._secrets), default=0)

    def holds_a_secret(self, text: str) -> bool:
        """Whether `text` contains a key held."""
        return self._pattern is not None and self._pattern.search(text) is not None

    def __call__(self, text: str) -> str:
        """`text` without the keys held, URL credentials or Authorization values."""
        if self._pattern is not None:
            text = self._pattern.sub(PLACEHOLDER, text)
        text = _URL_CREDENTIALS.sub(rf"\1{PLACEHOLDER}@", text)
        text = _ADDRESS_CREDENTIALS.sub(f"{PLACEHOLDER}@", text)
        text = _AUTHORIZATION.sub(rf"\1{PLACEHOLDER}", text)
        return _BEARER.sub(rf"\1{PLACEHOLDER}", text)

    def value(self, value: object) -> object:
        """A JSON-like value with every string in it scrubbed (command results)."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, dict):
            return {key: self.value(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(item) for item in value]
        return value


SCRUBBER = Scrubber()  # the process's one scrubber: every channel out uses it


class ScrubbingFilter(logging.Filter):
    """A log handler's filter that scrubs each record's message and traceback before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = SCRUBBER(record.getMessage())
        record.args = None
        if record.exc_info is not None:
            record.exc_text = SCRUBBER(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = SCRUBBER(record.stack_info)
        return True
