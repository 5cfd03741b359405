"""The workspace's definitions and imports: indexed on a thread, bounded, kept fresh by mtimes."""

from __future__ import annotations

import logging
import os
import subprocess
import threading
import time
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from fim_lsp.context import symbols

log = logging.getLogger(__name__)

MAX_FILES = 5_000  # indexed per workspace; the rest are left out (logged)
MAX_FILE_BYTES = 400_000  # a larger file is generated or data, not code to learn names from
MAX_DEFINITIONS_PER_FILE = 2_000
REFRESH_SECONDS = 30.0  # a request after this long lists the workspace again, on the thread
MAX_RESOLVED = 4_096  # imports resolved, remembered until the next build
SKIPPED_FOLDERS = frozenset(
    {"node_modules", "__pycache__", "venv", "target", "dist", "build", "out", "vendor"}
)
GIT_SECONDS = 10.0

# ignored(root, relative paths) -> those git ignores, or None when it cannot say
IgnoreCheck = Callable[[str, list[str]], set[str] | None]


@dataclass(frozen=True, slots=True)
class Entry:
    """One indexed file: where it is, when it changed, and what it imports and defines."""

    root: str
    path: str  # relative to root, `/`-separated
    mtime_ns: int
    family: str
    imports: tuple[str, ...]
    definitions: tuple[symbols.Definition, ...]

    @property
    def absolute(self) -> str:
        return os.path.join(self.root, *self.path.split("/"))


@dataclass(slots=True)
class Snapshot:
    """One consistent state of the index, swapped whole when a build finishes."""

    entries: dict[str, Entry]  # absolute path -> entry
    by_name: dict[str, list[tuple[str, symbols.Definition]]]  # name -> (absolute path, def)
    names: list[str]  # sorted, for completing a partly typed name
    paths: dict[str, symbols.Paths]  # root -> its paths
    vetted: bool  # built with git's ignore check
    built: float  # monotonic time
    files_seen: int  # before the cap
    definitions: int
    resolved: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)  # imports


EMPTY = Snapshot({}, {}, [], {}, False, 0.0, 0, 0)


def git_listing(root: str) -> list[str] | None:
    """The files git knows or would add under `root` (ignored ones left out), or None."""
    try:
        done = subprocess.run(
            ["git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True,
            timeout=GIT_SECONDS,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return [path for path in done.stdout.decode("utf-8", "replace").split("\0") if path]


def walk_listing(root: str, limit: int) -> list[str]:
    """The files under `root`, hidden and build folders left out, at most `limit` of them."""
    found: list[str] = []
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(
            name for name in folders if not name.startswith(".") and name not in SKIPPED_FOLDERS
        )
        relative = os.path.relpath(folder, root).replace(os.sep, "/")
        for name in sorted(files):
            found.append(name if relative == "." else f"{relative}/{name}")
            if len(found) >= limit:
                return found
    return found


class WorkspaceIndex:
    """Definitions and imports of the code files under the workspace roots.

    Built on a thread that never holds the event loop; requests read the last whole snapshot.
    """

    def __init__(
        self,
        roots: list[str],
        *,
        ignored: IgnoreCheck | None = None,
        max_files: int = MAX_FILES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.roots = [os.path.normpath(root) for root in roots]
        self._ignored = ignored
        self._max_files = max_files
        self._clock = clock
        self.snapshot = EMPTY
        self._building = threading.Lock()
        self.build_seconds = 0.0

    @property
    def vetted(self) -> bool:
        """Whether git's ignore check was asked of every file (needed when respectGitignore is on)."""
        return self._ignored is not None

    def start(self) -> None:
        """Build (or rebuild) the index on a thread, unless a build is running."""
        if not self._building.acquire(blocking=False):
            return
        thread = threading.Thread(target=self._build, name="fim-lsp-index", daemon=True)
        thread.start()

    def refresh_if_old(self) -> None:
        """List the workspace again (on the thread) when the last build is REFRESH_SECONDS old."""
        if self.snapshot.built and self._clock() - self.snapshot.built > REFRESH_SECONDS:
            self.start()

    def _build(self) -> None:
        try:
            started = time.perf_counter()
            self.snapshot = self._scan(self.snapshot)
            self.build_seconds = time.perf_counter() - started
            snap = self.snapshot
            log.info(
                "workspace index: %d files (of %d), %d definitions in %.2f s",
                len(snap.entries),
                snap.files_seen,
                snap.definitions,
                self.build_seconds,
            )
        except Exception:
            log.exception("indexing the workspace failed; definitions from it are left out")
        finally:
            self._building.release()

    def _listing(self, root: str) -> list[str]:
        listed = git_listing(root)
        if not listed:  # no git, no repository, or one that ignores this whole folder
            listed = walk_listing(root, self._max_files * 4)
        code = [path for path in listed if symbols.family_of_path(path) is not None]
        code = [p for p in code if not any(part.startswith(".") for part in p.split("/")[:-1])]
        if self._ignored is not None and code:
            ignored = self._ignored(root, code)
            if ignored is None:
                log.warning("git could not say which files it ignores: none are indexed")
                return []
            code = [path for path in code if path not in ignored]
        return code

    def _scan(self, before: Snapshot) -> Snapshot:
        entries: dict[str, Entry] = {}
        paths: dict[str, symbols.Paths] = {}
        seen = 0
        for root in self.roots:
            if not os.path.isdir(root):
                continue
            listed = self._listing(root)
            seen += len(listed)
            # nearer the top first: a cap keeps the project's own code before deep test data
            listed.sort(key=lambda path: (path.count("/"), path))
            kept: list[str] = []
            for path in listed:
                if len(entries) >= self._max_files:
                    break
                absolute = os.path.join(root, *path.split("/"))
                entry = self._entry(root, path, absolute, before.entries.get(absolute))
                if entry is not None:
                    entries[absolute] = entry
                    kept.append(path)
                time.sleep(0)  # let the event loop's thread have the interpreter
            paths[root] = symbols.Paths(kept)
        return _snapshot(entries, paths, self.vetted, self._clock(), seen)

    def _entry(self, root: str, path: str, absolute: str, old: Entry | None) -> Entry | None:
        try:
            status = os.stat(absolute)
        except OSError:
            return None
        if old is not None and old.mtime_ns == status.st_mtime_ns:
            return old
        if status.st_size > MAX_FILE_BYTES:
            return None
        text = _read(absolute)
        if text is None:
            return None
        return _make_entry(root, path, status.st_mtime_ns, text)

    # ---------------------------------------------------------------- what requests ask

    def root_of(self, absolute: str) -> tuple[str, str] | None:
        """(root, path relative to it) of an absolute path inside a root, else None."""
        for root in self.roots:
            base = root.rstrip(os.sep) + os.sep
            if absolute.startswith(base):
                return root, absolute[len(base) :].replace(os.sep, "/")
        return None

    def resolve(self, spec: str, absolute: str, family: str) -> list[str]:
        """The absolute paths of the indexed files the import `spec` in `absolute` brings in."""
        snapshot = self.snapshot
        key = (spec, absolute, family)
        if (known := snapshot.resolved.get(key)) is not None:
            return known
        place = self.root_of(absolute)
        paths = snapshot.paths.get(place[0]) if place is not None else None
        found = []
        if place is not None and paths is not None:
            root, importer = place
            found = [
                os.path.join(root, *path.split("/"))
                for path in symbols.resolve(spec, importer, family, paths)
            ]
        if len(snapshot.resolved) >= MAX_RESOLVED:
            snapshot.resolved.clear()
        snapshot.resolved[key] = found
        return found

    def lookup(self, name: str) -> list[tuple[str, symbols.Definition]]:
        """(absolute path, definition) of each definition of `name`."""
        return self.snapshot.by_name.get(name, [])

    def completing(self, partial: str, limit: int) -> list[str]:
        """Up to `limit` defined names that start with `partial`, shortest first."""
        names = self.snapshot.names
        at = bisect_left(names, partial)
        found: list[str] = []
        while at < len(names) and names[at].startswith(partial) and len(found) < limit * 4:
            found.append(names[at])
            at += 1
        found.sort(key=len)
        return found[:limit]

    def fresh(self, absolute: str) -> bool:
        """Whether an indexed file is as it was indexed; a changed one is indexed again (on the
        thread) and its old definitions are not used."""
        entry = self.snapshot.entries.get(absolute)
        try:
            mtime = os.stat(absolute).st_mtime_ns
        except OSError:
            return False
        if entry is None or mtime != entry.mtime_ns:
            self.start()
            return False
        return True

    def definitions_in(self, absolute: str) -> tuple[symbols.Definition, ...]:
        """The definitions indexed for `absolute` (none if it is not indexed)."""
        entry = self.snapshot.entries.get(absolute)
        return entry.definitions if entry is not None else ()


def _read(absolute: str) -> str | None:
    try:
        with open(absolute, "rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_FILE_BYTES or b"\0" in data[:4096]:
        return None
    return data.decode("utf-8", "replace").replace("\r\n", "\n")


def _make_entry(root: str, path: str, mtime_ns: int, text: str) -> Entry:
    family = symbols.family_of_path(path) or ""
    found = symbols.definitions(text, family)[:MAX_DEFINITIONS_PER_FILE]
    return Entry(root, path, mtime_ns, family, tuple(symbols.imports(text, family)), tuple(found))


def _snapshot(
    entries: dict[str, Entry],
    paths: dict[str, symbols.Paths],
    vetted: bool,
    built: float,
    seen: int,
) -> Snapshot:
    by_name: dict[str, list[tuple[str, symbols.Definition]]] = defaultdict(list)
    count = 0
    for absolute, entry in entries.items():
        for definition in entry.definitions:
            by_name[definition.name].append((absolute, definition))
            count += 1
    return Snapshot(entries, dict(by_name), sorted(by_name), paths, vetted, built, seen, count)
