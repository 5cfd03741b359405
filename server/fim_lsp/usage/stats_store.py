"""Where the local statistics live on disk, read and written without ever failing the server."""

from __future__ import annotations

import errno
import logging
import os
import stat
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

from fim_lsp.usage.stats import Stats, Unreadable, parse

if sys.platform == "win32":
    import msvcrt
else:
    import fcntl

log = logging.getLogger(__name__)
FILE_VARIABLE = "FIM_LSP_STATS_FILE"  # a path, or empty to keep statistics in memory only
# a file of 90 busy days is about 130 KiB; reading more than this would hold up the editor
MAX_FILE_BYTES = 4 * 1024 * 1024
# the longest a save waits for another server's save (which takes a few ms) on the event loop;
# then it leaves the counts for the next save, a minute later
LOCK_WAIT_SECONDS = 0.25
# file systems without locks: saving unlocked beats never saving
NO_LOCKS = {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS}


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


def lock_path(path: Path) -> Path:
    """The lock file next to the statistics: the file itself is replaced by every save."""
    return path.with_name(path.name + ".lock")


def set_aside_path(path: Path) -> Path:
    """Where a file that is no statistics file goes before a save starts afresh."""
    return path.with_name(path.name + ".unreadable")


class _Told:
    """Warnings about the file, each said once: the server reads the file again every minute."""

    def __init__(self) -> None:
        self.last = ""

    def __call__(self, message: str, *args: object) -> None:
        text = message % args
        log.log(logging.DEBUG if text == self.last else logging.WARNING, "%s", text)
        self.last = text


_warn = _Told()


def load(path: Path | None) -> Stats:
    """The statistics in `path`; none there, or unreadable, starts afresh; values that make no
    sense are left out with one warning."""
    if path is None:
        return Stats()
    try:
        return _read(path)
    except OSError as error:
        _warn("cannot read the statistics in %s (%s); starting afresh", path, _reason(error))
    except Unreadable as error:
        _warn("%s is no statistics file (%s); starting afresh", path, error)
    return Stats()


def save(stats: Stats, path: Path | None) -> None:
    """Add what `stats` counted since the last save to the file, under its lock, atomically; a
    failure is logged, never raised, and leaves the counts for the next save. Servers of other
    editors writing the same file keep their counts too."""
    if path is None or not stats.changed:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(path):
            try:
                on_disk = _read(path)
            except Unreadable as error:  # nothing to keep in it: keep the file itself
                os.replace(path, set_aside_path(path))
                _warn(
                    "%s was no statistics file (%s); moved it to %s and started afresh",
                    path,
                    error,
                    set_aside_path(path).name,
                )
                on_disk = Stats()
            stats.add_unsaved_to(on_disk)
            _write(path, on_disk.to_json())
        stats.saved_as(on_disk)
    except _Busy:
        _warn(
            "another fim-lsp server held the statistics file %s for over %.2f s; saving later",
            path,
            LOCK_WAIT_SECONDS,
        )
    except OSError as error:
        _warn("cannot write the statistics to %s (%s)", path, _reason(error))


def where(path: Path | None) -> str:
    """Where the statistics are kept, for people."""
    return str(path) if path is not None else "memory only (FIM_LSP_STATS_FILE is empty)"


def _read(path: Path) -> Stats:
    """The statistics in `path` (none if it does not exist), with a warning naming what was left
    out; OSError if it cannot be read, Unreadable if it is no statistics file."""
    try:
        # non-blocking: a FIFO put in its place would otherwise hang the server at the open
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return Stats()
    with open(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise Unreadable(f"more than {MAX_FILE_BYTES:,} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Unreadable("not UTF-8 text") from None
    stats, dropped = parse(text)
    if dropped:
        _warn(
            "the statistics in %s held %s that made no sense, left out or clamped (%s); "
            "kept the rest",
            path,
            "1 value" if len(dropped) == 1 else f"{len(dropped):,} values",
            "; ".join(dropped[:3]) + ("; ..." if len(dropped) > 3 else ""),
        )
    return stats


def _write(path: Path, text: str) -> None:
    """Replace `path` by a file holding `text`: readers see the old file or the new, never half."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=".stats-")
    try:
        with open(fd, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(name, path)
    except BaseException:  # a full disk, say: leave no half-written file behind
        Path(name).unlink(missing_ok=True)
        raise


class _Busy(Exception):
    """Another server held the lock for longer than LOCK_WAIT_SECONDS."""


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold the lock on `path`'s lock file: one server at a time reads, adds and writes. The OS
    releases the lock of a process that dies, so only a live, stuck server can hold it long."""
    fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        deadline, pause = time.monotonic() + LOCK_WAIT_SECONDS, 0.001
        while not _try_lock(fd, path):
            if time.monotonic() >= deadline:
                raise _Busy
            time.sleep(pause)
            pause = min(2 * pause, 0.005)
        yield  # closing the file releases the lock
    finally:
        if sys.platform == "win32":  # Windows wants the region unlocked before the file is closed
            with suppress(OSError):
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        os.close(fd)


def _try_lock(fd: int, path: Path) -> bool:
    """Take the lock without waiting; False if another process holds it."""
    try:
        if sys.platform == "win32":
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as error:
        if sys.platform == "win32" and error.errno in (errno.EACCES, errno.EDEADLOCK):
            return False
        if error.errno not in NO_LOCKS:
            raise
        _warn("the file system cannot lock %s (%s); saving without a lock", path, _reason(error))
    return True


def _reason(error: OSError) -> str:
    return error.strerror or str(error)
