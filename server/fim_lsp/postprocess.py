"""Turn raw model text into text that can be inserted at the cursor."""

from __future__ import annotations


def finish(raw: str, *, eol: str) -> str | None:
    """Trim trailing whitespace, drop whitespace-only answers, and use the document's line ending."""
    text = raw.rstrip()
    if not text.strip():
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if eol == "\n" else text.replace("\n", eol)
