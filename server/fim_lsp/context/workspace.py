"""The workspace's definitions and imports: indexed on a thread, bounded, patched as files change."""

from __future__ import annotations

import dataclasses
import logging
import os
import subprocess
import threading
import time
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from fim_lsp.context import symbols

log = logging.getLogger(__name__)

MAX_FILES = 5_000  # indexed per workspace; the rest are left out (logged)
MAX_FILE_BYTES = 400_000  # a larger file is generated or data, not code to learn names from
MAX_DEFINITIONS_PER_FILE = 2_000
MAX_DEFINITIONS = 150_000  # in all: about 70 MiB, whatever the files hold
REFRESH_SECONDS = 30.0  # a request after this long lists the workspace again, on the thread
WATCHED_REFRESH_SECONDS = 600.0  # ... when the editor reports changed files
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
    """One consistent state of the index, swapped whole when a build or a patch finishes."""

    entries: dict[str, Entry]  # absolute path -> entry
    by_name: dict[str, list[tuple[str, symbols.Definition]]]  # name -> (absolute path, def)
    names: list[str]  # sorted, for completing a partly typed name
    paths: dict[str, symbols.Paths]  # root -> its paths
    vetted: bool  # built with git's ignore check
    built: float  # monotonic time of the last full listing
    files_seen: int  # before the cap
    definitions: int
    resolved: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)  # imports
    ignores: int = 0  # the ignore rules' generation this snapshot was vetted against


EMPTY = Snapshot({}, {}, [], {}, False, 0.0, 0, 0)


@dataclass(slots=True)
class Buffer:
    """An open document's own text, read for definitions instead of the file on disk."""

    revision: int  # Document.revision of the text read
    entry: Entry


def git_listing(root: str, only: list[str] | None = None) -> list[str] | None:
    """The files git knows or would add under `root` (ignored ones left out), or None; `only`:
    of these paths alone."""
    command = ["git", "--literal-pathspecs", "-C", root, "ls-files", "-z", "--cached", "--others"]
    command += ["--exclude-standard", "--", *only] if only is not None else ["--exclude-standard"]
    try:
        done = subprocess.run(
            command,
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
    """Definitions and imports of the code files under the workspace roots, and of the open
    documents whose text the editor holds.

    Built and patched on one worker thread that never holds the event loop; requests read the
    last whole snapshot. Open documents are read on the loop, when a request needs them.
    """

    def __init__(
        self,
        roots: list[str],
        *,
        ignored: IgnoreCheck | None = None,
        max_files: int = MAX_FILES,
        max_definitions: int = MAX_DEFINITIONS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.roots = [os.path.normpath(root) for root in roots]
        self._ignored = ignored
        self._max_files = max_files
        self._max_definitions = max_definitions
        self._clock = clock
        self.snapshot = EMPTY
        self._queue = threading.Lock()  # guards the three fields below
        self._rebuild = False
        self._changed: set[str] = set()
        self._worker: threading.Thread | None = None
        self._ignores = 0  # bumped when the ignore rules change
        self._buffers: dict[str, Buffer] = {}  # absolute path -> open document
        self._buffer_names: dict[str, list[tuple[str, symbols.Definition]]] = {}
        self._reused: dict[str, Entry] = {}
        self.refresh_seconds = REFRESH_SECONDS
        self.build_seconds = 0.0
        self.patch_seconds = 0.0

    @property
    def vetted(self) -> bool:
        """Whether git's ignore check was asked of every file (needed when respectGitignore is on)."""
        return self._ignored is not None

    @property
    def trusted(self) -> bool:
        """Whether the snapshot was vetted against the ignore rules as they are now (not, from
        a change of a .gitignore until the listing that follows it)."""
        return self.snapshot.ignores == self._ignores

    def reuse(self, other: WorkspaceIndex) -> None:
        """Take the entries of `other` (the index of other roots) for the first listing's
        modification-time checks; requests see none of them until that listing ends."""
        self._reused = other.snapshot.entries

    def start(self) -> None:
        """List the workspace again and index what changed, on the worker thread."""
        with self._queue:
            self._rebuild = True
            self._wake()

    def changed(self, absolutes: Iterable[str]) -> None:
        """Index these files again (created, changed or deleted), on the worker thread: a patch
        of the snapshot, not a listing of the workspace."""
        places = {path: self.root_of(path) for path in absolutes}
        wanted = [path for path, place in places.items() if place and _indexable(place[1])]
        if wanted:
            with self._queue:
                self._changed.update(wanted)
                self._wake()

    def ignores_changed(self) -> None:
        """A .gitignore (or git's exclude file) changed: no longer trust the snapshot's vetting,
        and list the workspace again under the new rules."""
        self._ignores += 1
        self.start()

    def idle(self) -> bool:
        """Whether nothing is queued or being indexed."""
        with self._queue:
            return self._worker is None

    def _wake(self) -> None:
        if self._worker is None:  # the caller holds the queue's lock
            self._worker = threading.Thread(target=self._work, name="fim-lsp-index", daemon=True)
            self._worker.start()

    def _work(self) -> None:
        while True:
            with self._queue:
                rebuild, changed = self._rebuild, self._changed
                self._rebuild, self._changed = False, set()
                if not rebuild and not changed:
                    self._worker = None
                    return
            try:
                if rebuild:  # a listing reads every changed file again as well
                    self._build()
                else:
                    self._patch(changed)
            except Exception:
                log.exception("indexing the workspace failed; definitions from it are left out")

    def refresh_if_old(self) -> None:
        """List the workspace again (on the thread) when the last build is `refresh_seconds` old:
        for what no editor reports (a branch switched, files made by a build)."""
        if self.snapshot.built and self._clock() - self.snapshot.built > self.refresh_seconds:
            self.start()

    def _build(self) -> None:
        started = time.perf_counter()
        before = self.snapshot
        if self._reused:
            before, self._reused = dataclasses.replace(EMPTY, entries=self._reused), {}
        self.snapshot = self._scan(before, self._ignores)
        self.build_seconds = time.perf_counter() - started
        snap = self.snapshot
        log.info(
            "workspace index: %d files (of %d), %d definitions in %.2f s",
            len(snap.entries),
            snap.files_seen,
            snap.definitions,
            self.build_seconds,
        )

    def _listing(self, root: str) -> list[str]:
        listed = git_listing(root)
        if not listed:  # no git, no repository, or one that ignores this whole folder
            listed = walk_listing(root, self._max_files * 4)
        code = [path for path in listed if _indexable(path)]
        if self._ignored is not None and code:
            ignored = self._ignored(root, code)
            if ignored is None:
                log.warning("git could not say which files it ignores: none are indexed")
                return []
            code = [path for path in code if path not in ignored]
        return code

    def _scan(self, before: Snapshot, ignores: int) -> Snapshot:
        entries: dict[str, Entry] = {}
        paths: dict[str, symbols.Paths] = {}
        seen = 0
        room = self._max_definitions
        for root in self.roots:
            if not os.path.isdir(root):
                continue
            listed = self._listing(root)
            seen += len(listed)
            # nearer the top first: a cap keeps the project's own code before deep test data
            listed.sort(key=lambda path: (path.count("/"), path))
            kept: list[str] = []
            for path in listed:
                if len(entries) >= self._max_files or room <= 0:
                    break
                absolute = os.path.join(root, *path.split("/"))
                entry = self._entry(root, path, absolute, before.entries.get(absolute))
                if entry is not None:
                    entry = _within(entry, room)
                    room -= len(entry.definitions)
                    entries[absolute] = entry
                    kept.append(path)
                time.sleep(0)  # let the event loop's thread have the interpreter
            paths[root] = symbols.Paths(kept)
        if room <= 0:
            log.warning(
                "workspace index: %d definitions at most; later files left out",
                self._max_definitions,
            )
        snapshot = _snapshot(entries, paths, self.vetted, self._clock(), seen)
        snapshot.ignores = ignores
        return snapshot

    def _patch(self, changed: set[str]) -> None:
        """Index `changed` files again into a copy of the snapshot, then swap it in."""
        started = time.perf_counter()
        before = self.snapshot
        entries = dict(before.entries)
        by_root: dict[str, list[str]] = defaultdict(list)
        for absolute in sorted(changed):
            place = self.root_of(absolute)
            if place is not None and _indexable(place[1]):
                by_root[place[0]].append(place[1])
        replaced: dict[str, tuple[Entry | None, Entry | None]] = {}  # absolute -> (old, new)
        room = self._max_definitions - before.definitions
        for root, relatives in by_root.items():
            ignored = self._left_out(root, relatives)
            for path in relatives:
                absolute = os.path.join(root, *path.split("/"))
                old = entries.pop(absolute, None)
                room += len(old.definitions) if old is not None else 0
                new = None
                if path not in ignored and len(entries) < self._max_files:
                    new = self._entry(root, path, absolute, None)
                if new is not None:
                    new = _within(new, room)
                    room -= len(new.definitions)
                    entries[absolute] = new
                if old is not None or new is not None:
                    replaced[absolute] = (old, new)
        if replaced:
            self.snapshot = _patched(before, entries, replaced)
        self.patch_seconds = time.perf_counter() - started
        log.info(
            "workspace index: %d of %d changed files indexed again in %.2f ms",
            len(replaced),
            len(changed),
            self.patch_seconds * 1000,
        )

    def _left_out(self, root: str, paths: list[str]) -> set[str]:
        """Which of `paths` a listing would leave out: those git does not list (or, outside a
        repository, those in build folders), and those its ignore check names."""
        listed = git_listing(root, paths)
        if listed is None:
            out = {path for path in paths if SKIPPED_FOLDERS.intersection(path.split("/")[:-1])}
        else:
            out = set(paths).difference(listed)
        if self._ignored is not None:
            ignored = self._ignored(root, paths)
            out.update(paths if ignored is None else ignored)  # no answer: none of them
        return out

    def _entry(self, root: str, path: str, absolute: str, old: Entry | None) -> Entry | None:
        try:
            status = os.stat(absolute)
        except OSError:
            return None
        if old is not None and (old.mtime_ns, old.root) == (status.st_mtime_ns, root):
            return old
        if status.st_size > MAX_FILE_BYTES:
            return None
        text = _read(absolute)
        if text is None:
            return None
        return _make_entry(root, path, status.st_mtime_ns, text)

    # ---------------------------------------------------------------- open documents

    def use_buffers(self, buffers: Iterable[tuple[str, int, Callable[[], str]]]) -> None:
        """Read the open documents inside the roots, (absolute path, revision, text), instead of
        their files: their unsaved text wins. A document is read again only when its revision
        (`Document.revision`) changed; one no longer given is forgotten. On the event loop's
        thread only."""
        kept: dict[str, Buffer] = {}
        for absolute, revision, text in buffers:
            place = self.root_of(absolute)
            if place is None or not _indexable(place[1]):
                continue
            known = self._buffers.get(absolute)
            if known is None or known.revision != revision:
                source = text()
                if len(source) > MAX_FILE_BYTES:
                    continue
                known = Buffer(revision, _make_entry(*place, -1, source.replace("\r\n", "\n")))
            kept[absolute] = known
        if kept.keys() != self._buffers.keys() or any(
            kept[path] is not self._buffers[path] for path in kept
        ):
            self._buffers = kept
            names: dict[str, list[tuple[str, symbols.Definition]]] = defaultdict(list)
            for absolute, buffer in kept.items():
                for definition in buffer.entry.definitions:
                    names[definition.name].append((absolute, definition))
            self._buffer_names = dict(names)

    def listed(self, absolute: str) -> bool:
        """Whether the file at `absolute` is indexed under the ignore rules as they are now."""
        return self.trusted and absolute in self.snapshot.entries

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
        place = self.root_of(absolute)
        # the same answer for every file of a root, when the importer does not matter
        root = place[0] if place is not None else ""
        key = (spec, absolute if symbols.importer_matters(spec, family) else root, family)
        if (known := snapshot.resolved.get(key)) is not None:
            return known
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
        found = self.snapshot.by_name.get(name, [])
        if not self._buffers:
            return found
        own = self._buffer_names.get(name, [])
        return [place for place in found if place[0] not in self._buffers] + own

    def completing(self, partial: str, limit: int) -> list[str]:
        """Up to `limit` defined names that start with `partial`, shortest first."""
        names = self.snapshot.names
        at = bisect_left(names, partial)
        found: list[str] = []
        while at < len(names) and names[at].startswith(partial) and len(found) < limit * 4:
            found.append(names[at])
            at += 1
        if self._buffers:  # a name only an open document's file defined may be gone from it
            found = [name for name in found if self.lookup(name)]
            found += [name for name in self._buffer_names if name.startswith(partial)]
        return sorted(dict.fromkeys(found), key=len)[:limit]

    def fresh(self, absolute: str) -> bool:
        """Whether an indexed file is as it was indexed (an open document always is); a changed
        one is indexed again (on the thread) and its old definitions are not used."""
        if absolute in self._buffers:
            return True
        entry = self.snapshot.entries.get(absolute)
        try:
            mtime = os.stat(absolute).st_mtime_ns
        except OSError:
            return False
        if entry is None or mtime != entry.mtime_ns:
            self.changed([absolute])
            return False
        return True

    def beside(self, absolute: str) -> list[str]:
        """The indexed files in the folder of `absolute` (a Go package)."""
        place = self.root_of(absolute)
        paths = self.snapshot.paths.get(place[0]) if place is not None else None
        if place is None or paths is None:
            return []
        root, path = place
        folder = path.rpartition("/")[0]
        return [os.path.join(root, *other.split("/")) for other in paths.in_folder(folder)]

    def definitions_in(self, absolute: str) -> tuple[symbols.Definition, ...]:
        """The definitions indexed for `absolute` (none if it is not indexed)."""
        entry = self._entry_of(absolute)
        return entry.definitions if entry is not None else ()

    def imports_of(self, absolute: str) -> tuple[str, ...]:
        """The imports indexed for `absolute`, as written (none if it is not indexed)."""
        entry = self._entry_of(absolute)
        return entry.imports if entry is not None else ()

    def _entry_of(self, absolute: str) -> Entry | None:
        buffer = self._buffers.get(absolute)
        return buffer.entry if buffer is not None else self.snapshot.entries.get(absolute)


def _indexable(path: str) -> bool:
    """Whether a path relative to a root is a code file outside hidden folders."""
    hidden = any(part.startswith(".") for part in path.split("/")[:-1])
    return not hidden and symbols.family_of_path(path) is not None


def _within(entry: Entry, room: int) -> Entry:
    """`entry` with at most `room` definitions (the index's cap in all)."""
    if len(entry.definitions) <= room:
        return entry
    return dataclasses.replace(entry, definitions=entry.definitions[: max(room, 0)])


def _patched(
    before: Snapshot,
    entries: dict[str, Entry],
    replaced: dict[str, tuple[Entry | None, Entry | None]],
) -> Snapshot:
    """`before` with the `replaced` files' (old, new) entries swapped: only the names they define
    are looked at again. Lists are copied, never changed in place: requests may be reading them."""
    by_name = dict(before.by_name)
    names = before.names
    count = before.definitions
    touched: set[str] = set()
    for old, new in replaced.values():
        for entry, sign in ((old, -1), (new, 1)):
            if entry is not None:
                touched.update(definition.name for definition in entry.definitions)
                count += sign * len(entry.definitions)
    for name in touched:
        places = [place for place in by_name.get(name, []) if place[0] not in replaced]
        for absolute, (_, new) in replaced.items():
            if new is not None:
                places += [(absolute, d) for d in new.definitions if d.name == name]
        if (name in by_name) != bool(places):  # a name comes or goes
            names = list(names) if names is before.names else names
            at = bisect_left(names, name)
            if places:
                names.insert(at, name)
            else:
                del names[at]
        if places:
            by_name[name] = places
        else:
            by_name.pop(name, None)
    paths, resolved = before.paths, before.resolved
    roots = {
        entry.root
        for pair in replaced.values()
        if (pair[0] is None) != (pair[1] is None)
        for entry in pair
        if entry is not None
    }
    if roots:  # a file came or went: imports may resolve otherwise
        paths, resolved = dict(paths), {}
        for root in roots:
            paths[root] = symbols.Paths(e.path for e in entries.values() if e.root == root)
    return Snapshot(
        entries,
        by_name,
        names,
        paths,
        before.vetted,
        before.built,
        before.files_seen,
        count,
        resolved,
        before.ignores,
    )


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
