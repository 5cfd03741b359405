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

from fim_lsp import __version__, config, cursor, stats, stats_store
from fim_lsp.adaptation import judged
from fim_lsp.documents import Document
from fim_lsp.languages import path_comment
from fim_lsp.prompting import build_request, read_stream, redacted
from fim_lsp.providers import (
    KEY_REQUIRED,
    KEY_VARIABLES,
    ProviderError,
    build,
    choose,
    create_http_client,
    create_provider,
    key_values,
)

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
        "complete", help="print the completion at FILE:LINE:COL (1-based), as it streams"
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
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # pygls logs every message body at INFO, which would put source code in the log.
    for noisy in ("pygls", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _settings() -> config.Settings:
    settings, problems = config.resolve(os.environ)
    for problem in problems:
        print(f"fim-lsp: warning: {problem}", file=sys.stderr)
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
    async with create_http_client(settings.connect_timeout_ms) as http:
        provider = create_provider(settings, os.environ, http)
        request = build_request(settings, snapshot, header)
        if settings.redact_secrets:
            request, _ = redacted(request, key_values(os.environ))
        try:
            await read_stream(provider, request, settings, _write)
        except ProviderError as error:
            raise Failure(error.message) from None
    sys.stdout.write("\n")


async def _check() -> None:
    settings, problems = config.resolve(os.environ)
    async with create_http_client(settings.connect_timeout_ms) as http:
        try:
            choice = await choose(settings, os.environ, http)
        except ProviderError as error:
            print(f"provider: none ({settings.provider}: no key set and no local Ollama found)")
            raise Failure(error.message) from None
        print(f"provider: {choice.provider} ({choice.reason})")
        if choice.provider == "llamacpp":
            print("model:    the one llama-server was started with")
        else:
            print(f"model:    {choice.model or settings.model}")
        variable = KEY_VARIABLES[choice.provider]
        is_set = bool(os.environ.get(variable, "").strip())
        optional = "" if choice.provider in KEY_REQUIRED else " (optional)"
        print(f"key:      {variable} is {'set' if is_set else 'NOT set'}{optional}")
        for problem in problems:
            print(f"setting:  {problem}")
        provider = build(choice, settings, os.environ, http)
        print(f"address:  {provider.host}")
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
    elapsed = (time.perf_counter() - started) * 1000
    print(f"answer:   {answer!r} in {elapsed:.0f} ms")
    if problems:
        raise Failure("the provider answered, but some settings are invalid (see above)")
    print("verdict:  ready")


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


def _write(delta: str) -> None:
    sys.stdout.write(delta)
    sys.stdout.flush()


def _probe_cut() -> cursor.Cut:
    probe = Document("untitled:check.py", "def add(a, b):\n    return \n", encoding="utf-32")
    return cursor.cut(probe, 1, 11, prefix_chars=150, suffix_chars=50)


def _serve(address: str | None) -> int:
    from fim_lsp.app import create_server  # pygls is only needed to serve
    from fim_lsp.lsp_wire import serve_stdio, serve_tcp

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
    print(stats.report(kept.summary(stats_store.today()), stats_store.where(path), adapting))


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    arguments = _parser().parse_args(argv)
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
        print(f"fim-lsp: {failure}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
