"""The `fim-lsp` command: the language server (stdio or TCP), `complete` to try a provider, `check` to diagnose."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import os
import sys
import time
from pathlib import Path
from typing import TextIO

from fim_lsp import __version__, config
from fim_lsp.context.languages import path_comment
from fim_lsp.core import cursor
from fim_lsp.core.documents import Document
from fim_lsp.core.prompting import build_request, read_stream
from fim_lsp.privacy.scrub import SCRUBBER, ScrubbingFilter
from fim_lsp.providers import ProviderError
from fim_lsp.providers.catalog import KEY_REQUIRED, KEY_VARIABLES, key_values
from fim_lsp.service import redacted
from fim_lsp.usage import stats, stats_store
from fim_lsp.usage.adaptation import judged

log = logging.getLogger("fim_lsp")


class Failure(Exception):
    """A one-line reason to exit non-zero."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fim-lsp",
        description="Fill-in-the-middle AI completions as ghost text, over LSP.",
    )
    parser.add_argument("--version", action="version", version=f"fim-lsp {__version__}")
    parser.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (default)")
    parser.add_argument("--tcp", metavar="HOST:PORT", help="talk LSP over TCP instead")
    parser.add_argument("--log-file", metavar="PATH", help="write the log here, not to stderr")
    parser.add_argument(
        "--log-level",
        default=os.environ.get("FIM_LSP_LOG_LEVEL", "INFO"),
        choices=("DEBUG", "INFO", "WARNING", "ERROR"),
        help="how much to log (default INFO; never source code or keys)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    complete = commands.add_parser(
        "complete",
        help="print the completion at FILE:LINE:COL (1-based), a line at a time as it streams",
    )
    complete.add_argument("where", metavar="FILE:LINE:COL")
    commands.add_parser("check", help="validate settings and key, and reach the provider")
    commands.add_parser("stats", help="print the local usage statistics (never sent anywhere)")
    return parser


def _setup_logging(level: str, log_file: str | None) -> None:
    handler: logging.Handler = (
        logging.FileHandler(log_file, encoding="utf-8", errors="backslashreplace")
        if log_file
        else logging.StreamHandler()
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(ScrubbingFilter())
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # pygls logs every message body at INFO, which would put source code in the log.
    for noisy in ("pygls", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _settings() -> config.Settings:
    settings, problems = config.resolve(os.environ)
    for problem in problems:
        _say(f"fim-lsp: warning: {problem}", file=sys.stderr)
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


async def _complete(where: str) -> None:
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
    header = ""
    if settings.file_header:
        file = path.resolve()
        inside = file.is_relative_to(Path.cwd())
        header = path_comment(
            _language_of(file), str(file.relative_to(Path.cwd())) if inside else file.name
        )
    http = HttpClients(settings.connect_timeout_ms)
    try:
        provider = create_provider(settings, os.environ, http)
        request = build_request(settings, snapshot, header)
        out = _ScrubbedStream()
        if settings.redact_secrets:
            request, _ = redacted(request, key_values(os.environ))
        try:
            await read_stream(provider, request, settings, out.write)
        except ProviderError as error:
            raise Failure(error.message) from None
    finally:
        await http.aclose()
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
            _say(f"provider: none ({settings.provider}: no key set and no local Ollama found)")
            raise Failure(error.message) from None
        _say(f"provider: {choice.provider} ({choice.reason})")
        if choice.provider == "llamacpp":
            _say("model:    the one llama-server was started with")
        else:
            _say(f"model:    {choice.model or settings.model}")
        variable = KEY_VARIABLES[choice.provider]
        is_set = bool(os.environ.get(variable, "").strip())
        optional = "" if choice.provider in KEY_REQUIRED else " (optional)"
        _say(f"key:      {variable} is {'set' if is_set else 'NOT set'}{optional}")
        for problem in problems:
            _say(f"setting:  {problem}")
        provider = build(choice, settings, os.environ, http)
        _say(f"address:  {provider.host}")
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
    _say(f"answer:   {answer!r} in {elapsed:.0f} ms")
    if problems:
        raise Failure("the provider answered, but some settings are invalid (see above)")
    _say("verdict:  ready")


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


def _say(*parts: object, file: TextIO | None = None) -> None:
    """Print for people: never a key or URL credentials."""
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


def _serve(address: str | None) -> int:
    from fim_lsp.lsp.protocol import serve_stdio, serve_tcp
    from fim_lsp.lsp.server import create_server  # pygls is only needed to serve

    server = create_server()
    if address is None:
        return serve_stdio(server)
    host, _, port = address.rpartition(":")
    if not port.isdigit():
        raise Failure(f"expected --tcp HOST:PORT, got {address!r}")
    return serve_tcp(server, host or "127.0.0.1", int(port))


def _stats() -> None:
    path = stats_store.stats_path(os.environ)
    kept = stats_store.load(path)
    adapting = ""
    if config.resolve(os.environ)[0].adapt_to_usage:  # as a server started here would
        adapting = judged(kept).reason
    _say(stats.report(kept.summary(stats_store.today()), stats_store.where(path), adapting))


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    arguments = _parser().parse_args(argv)
    SCRUBBER.hold(key_values(os.environ))
    _setup_logging(arguments.log_level, arguments.log_file)
    try:
        if arguments.command == "complete":
            asyncio.run(_complete(arguments.where))
        elif arguments.command == "check":
            asyncio.run(_check())
        elif arguments.command == "stats":
            _stats()
        else:
            return _serve(arguments.tcp)
    except Failure as failure:
        _say(f"fim-lsp: {failure}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
