"""The commands beside serving: `complete` tries a provider, `check` diagnoses, `stats` prints."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import sys
import time
from pathlib import Path
from typing import TextIO

from fim_lsp import config
from fim_lsp.cli import Failure
from fim_lsp.core import cursor
from fim_lsp.core.documents import Document
from fim_lsp.core.engine import reader_for, shown
from fim_lsp.core.health import missing_now
from fim_lsp.core.languages import path_comment
from fim_lsp.core.prompting import around_of, ask, build_request, read_stream
from fim_lsp.privacy.scrub import SCRUBBER
from fim_lsp.providers import ProviderError
from fim_lsp.providers.catalog import KEY_REQUIRED, KEY_VARIABLES, key_values
from fim_lsp.service import redacted, unshowable
from fim_lsp.usage import stats, stats_store
from fim_lsp.usage.adaptation import judged


def run(command: str, where: str | None = None, *, raw: bool = False) -> None:
    """Run `command` (complete, check or stats); raises Failure with a one-line reason."""
    if command == "complete":
        assert where is not None
        asyncio.run(_complete(where, raw=raw))
    elif command == "check":
        asyncio.run(_check())
    else:
        _stats()


def _settings() -> config.Settings:
    settings, problems = config.resolve(os.environ)
    for problem in problems:
        say(f"fim-lsp: warning: {problem}", file=sys.stderr)
    return settings


def _parse_where(where: str) -> tuple[Path, int, int]:
    path, _, rest = where.rpartition(":")
    path, _, line = path.rpartition(":")
    try:
        line_number, column_number = int(line), int(rest)
    except ValueError:
        raise Failure(f"expected FILE:LINE:COL with numbers, got {where!r}") from None
    if not path or line_number < 1 or column_number < 1:
        raise Failure(f"expected FILE:LINE:COL (1-based), got {where!r}")
    return Path(path), line_number - 1, column_number - 1


async def _complete(where: str, *, raw: bool) -> None:
    """Print the suggestion the editor would show at `where`, or with `raw` the model's text as
    it streams."""
    from fim_lsp.providers.client import HttpClients  # httpx loads only for the commands that send
    from fim_lsp.providers.factory import create_provider

    path, line, column = _parse_where(where)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise Failure(f"cannot read {path}: {error.strerror}") from None
    document = Document(path.resolve().as_uri(), text, encoding="utf-32")
    if line >= document.line_count or column > len(document.line(line)):
        raise Failure(f"{path} has no line {line + 1} column {column + 1}")
    settings = _settings()
    snapshot = cursor.cut(
        document,
        line,
        column,
        prefix_chars=config.chars(settings.prefix_tokens),
        suffix_chars=config.chars(settings.suffix_tokens),
    )
    file = path.resolve()
    language_id = _language_of(file)
    header = ""
    if settings.file_header:
        inside = file.is_relative_to(Path.cwd())
        header = path_comment(
            language_id, str(file.relative_to(Path.cwd())) if inside else file.name
        )
    around = around_of(snapshot, language_id)
    out = _ScrubbedStream()
    http = HttpClients(settings.connect_timeout_ms)
    try:
        provider = create_provider(settings, os.environ, http)
        request, max_lines, _ = ask(settings, provider, snapshot, one_line=False)
        request = dataclasses.replace(request, prompt=header + request.prompt)
        if settings.redact_secrets:
            request, _ = redacted(request, key_values(os.environ))
        suggestion = reader_for(snapshot, around, max_lines=max_lines)
        try:
            await read_stream(provider, request, settings, out.write if raw else suggestion.feed)
        except ProviderError as error:
            raise Failure(error.message) from None
    finally:
        await http.aclose()
    if not raw:
        offered = shown(suggestion, around, eol=snapshot.eol)
        if offered is None or unshowable(offered):
            say(
                "fim-lsp: nothing to show: the editor would drop all of the model's answer here "
                "(--raw prints it)",
                file=sys.stderr,
            )
            return
        out.write(offered)
    out.close()


async def _check() -> None:
    from fim_lsp.providers.auto import choose  # httpx loads only for the commands that send
    from fim_lsp.providers.client import HttpClients
    from fim_lsp.providers.factory import build

    settings, problems = config.resolve(os.environ)
    http = HttpClients(settings.connect_timeout_ms)
    try:
        try:
            choice = await choose(settings, os.environ, http)
        except ProviderError as error:
            say(f"provider: none ({settings.provider}: no key set and no local Ollama found)")
            raise Failure(error.message) from None
        say(f"provider: {choice.provider} ({choice.reason})")
        if choice.provider == "llamacpp":
            say("model:    the one llama-server was started with")
        else:
            say(f"model:    {choice.model or settings.model}")
        variable = KEY_VARIABLES[choice.provider]
        is_set = bool(os.environ.get(variable, "").strip())
        optional = "" if choice.provider in KEY_REQUIRED else " (optional)"
        say(f"key:      {variable} is {'set' if is_set else 'NOT set'}{optional}")
        for problem in problems:
            say(f"setting:  {problem}")
        provider = build(choice, settings, os.environ, http)
        say(f"address:  {provider.host}")
        if (lacking := missing_now(provider)) is not None:  # what the server's status says
            raise Failure(lacking.message)
        request = dataclasses.replace(
            build_request(settings, _probe_cut()),
            max_tokens=8,
            model=choice.model or settings.model,
        )
        started = time.perf_counter()
        try:
            answer = await read_stream(provider, request, settings)
        except ProviderError as error:
            raise Failure(error.message) from None
    finally:
        await http.aclose()
    elapsed = (time.perf_counter() - started) * 1000
    say(f"answer:   {answer!r} in {elapsed:.0f} ms")
    if problems:
        raise Failure("the provider answered, but some settings are invalid (see above)")
    say("verdict:  ready")


def _language_of(path: Path) -> str:
    """The LSP language id for a file, from its extension (enough for the header)."""
    return _LANGUAGE_OF_SUFFIX.get(path.suffix.lower(), "")


_LANGUAGE_OF_SUFFIX = {
    ".py": "python",
    ".js": "javascript",
    ".ts": "typescript",
    ".tsx": "typescriptreact",
    ".jsx": "javascriptreact",
    ".go": "go",
    ".rs": "rust",
    ".c": "c",
    ".h": "c",
    ".cpp": "cpp",
    ".java": "java",
    ".kt": "kotlin",
    ".rb": "ruby",
    ".lua": "lua",
    ".sh": "shellscript",
    ".sql": "sql",
    ".html": "html",
    ".css": "css",
    ".php": "php",
    ".cs": "csharp",
    ".swift": "swift",
    ".scala": "scala",
    ".hs": "haskell",
    ".md": "markdown",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".toml": "toml",
}


def say(*parts: object, file: TextIO | None = None) -> None:
    """Print for people: never a key or URL credentials. These commands never serve LSP, so
    stdout is their output, not a protocol channel."""
    print(SCRUBBER(" ".join(map(str, parts))), file=file or sys.stdout)


class _ScrubbedStream:
    """Writes a stream's text line by line as it comes, each line scrubbed whole (a key or a header
    never spans lines, but it can span deltas)."""

    def __init__(self) -> None:
        self._line = ""

    def write(self, delta: str) -> None:
        done, newline, self._line = (self._line + delta).rpartition("\n")
        if newline:
            sys.stdout.write(SCRUBBER(done) + newline)
            sys.stdout.flush()

    def close(self) -> None:
        sys.stdout.write(SCRUBBER(self._line) + "\n")
        self._line = ""


def _probe_cut() -> cursor.Cut:
    probe = Document("untitled:check.py", "def add(a, b):\n    return \n", encoding="utf-32")
    return cursor.cut(probe, 1, 11, prefix_chars=150, suffix_chars=50)


def _stats() -> None:
    path = stats_store.stats_path(os.environ)
    kept = stats_store.load(path)
    adapting = ""
    if config.resolve(os.environ)[0].adapt_to_usage:  # as a server started here would
        adapting = judged(kept).reason
    say(stats.report(kept.summary(stats_store.today()), stats_store.where(path), adapting))
