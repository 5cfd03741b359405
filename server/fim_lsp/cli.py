"""The `fim-lsp` command: the language server (stdio or TCP), `complete` to try a provider, `check` to diagnose."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from fim_lsp import __version__
from fim_lsp.privacy.scrub import SCRUBBER, ScrubbingFilter
from fim_lsp.providers.catalog import key_values

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
        metavar="LEVEL",
        help="how much to log: debug, info (the default), warning or error, in any case; also "
        "FIM_LSP_LOG_LEVEL (never source code or keys)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    complete = commands.add_parser(
        "complete",
        help="print the suggestion an editor would show at FILE:LINE:COL (1-based)",
        description="Ask the provider for the completion at FILE:LINE:COL (1-based; the column "
        "counts characters) and print the suggestion an editor would show there: the model's "
        "answer cut where the suggestion is complete (the stream is closed then) and fitted to "
        "the code around the cursor. When nothing of the answer is left to show, one line on "
        "stderr says so.",
        epilog="exit status: 0 when the provider answered (even with nothing to show), 1 when "
        "the input is bad or the provider could not be asked or failed, 2 for bad arguments.",
    )
    complete.add_argument(
        "--raw",
        action="store_true",
        help="print the model's text unchanged instead, a line at a time as it streams",
    )
    complete.add_argument("where", metavar="FILE:LINE:COL")
    commands.add_parser("check", help="validate settings and key, and reach the provider")
    commands.add_parser("stats", help="print the local usage statistics (never sent anywhere)")
    return parser


LOG_LEVELS = {
    "DEBUG": "DEBUG",
    "INFO": "INFO",
    "WARNING": "WARNING",
    "WARN": "WARNING",
    "ERROR": "ERROR",
}


def _log_level(given: str | None) -> tuple[str, str | None]:
    """The log level from --log-level or FIM_LSP_LOG_LEVEL, in any case, and the problem with an
    unknown one (then INFO)."""
    source, value = "--log-level", given
    if value is None:
        source, value = "FIM_LSP_LOG_LEVEL", os.environ.get("FIM_LSP_LOG_LEVEL")
    if value is None or not value.strip():
        return "INFO", None
    level = LOG_LEVELS.get(value.strip().upper())
    if level is None:
        return "INFO", (
            f"{source} {value!r} is no log level (debug, info, warning or error); using info."
        )
    return level, None


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
    logging.getLogger("pygls.protocol.json_rpc").addFilter(_late_cancels_at_debug)


def _late_cancels_at_debug(record: logging.LogRecord) -> bool:
    """pygls warns of each $/cancelRequest for a request already answered; editors send them on
    every key (VS Code cancels the previous request), so they belong at the debug level."""
    if record.levelno == logging.WARNING and str(record.msg).startswith(
        "Cancel notification for unknown message id"
    ):
        log.debug("$/cancelRequest for a request already answered: %s", record.args)
        return False
    return True


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


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    arguments = _parser().parse_args(argv)
    SCRUBBER.hold(key_values(os.environ))
    level, problem = _log_level(arguments.log_level)
    _setup_logging(level, arguments.log_file)
    if problem is not None:
        log.warning("%s", problem)
    try:
        if arguments.command is None:
            return _serve(arguments.tcp)
        from fim_lsp import cli_commands  # what only the other commands need loads here

        cli_commands.run(
            arguments.command,
            getattr(arguments, "where", None),
            raw=getattr(arguments, "raw", False),
        )
    except Failure as failure:
        print(SCRUBBER(f"fim-lsp: {failure}"), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
