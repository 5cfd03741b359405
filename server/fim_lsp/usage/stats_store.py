"""Where the local statistics live on disk, read and written without ever failing the server."""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from fim_lsp.usage.stats import Stats

log = logging.getLogger(__name__)
FILE_VARIABLE = "FIM_LSP_STATS_FILE"  # a path, or empty to keep statistics in memory only


def today() -> str:
    """The local date the statistics file counts under."""
    return time.strftime("%Y-%m-%d")


def stats_path(environ: Mapping[str, str]) -> Path | None:
    """FIM_LSP_STATS_FILE, else $XDG_STATE_HOME/fim-lsp/stats.json (~/.local/state by default)."""
    if FILE_VARIABLE in environ:
        chosen = environ[FILE_VARIABLE].strip()
        return Path(chosen).expanduser() if chosen else None
    state = environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "fim-lsp" / "stats.json"


def load(path: Path | None) -> Stats:
    """The statistics in `path`; none there (or unreadable) starts afresh."""
    if path is None:
        return Stats()
    try:
        return Stats.from_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Stats()
    except OSError as error:
        log.warning("cannot read the statistics in %s (%s); starting afresh", path, error)
        return Stats()


def save(stats: Stats, path: Path | None) -> None:
    """Add what `stats` counted since the last save to the file, atomically; a failure is logged,
    never raised. Servers of other editors writing the same file keep their counts too."""
    if path is None or not stats.changed:
        return
    try:
        try:
            on_disk = Stats.from_json(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            on_disk = Stats()
        stats.add_unsaved_to(on_disk)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, prefix=".stats-", delete=False
        ) as file:
            file.write(on_disk.to_json())
        os.replace(file.name, path)
        stats.saved_as(on_disk)
    except OSError as error:
        log.warning("cannot write the statistics to %s (%s)", path, error)


def where(path: Path | None) -> str:
    """Where the statistics are kept, for people."""
    return str(path) if path is not None else "memory only (FIM_LSP_STATS_FILE is empty)"
