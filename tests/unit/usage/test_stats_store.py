"""The statistics file, shared by every editor's server: any content is survived, no save is lost."""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from fim_lsp.usage import stats_store
from fim_lsp.usage.stats import Stats, parse

D = "2026-11-26"
GOOD = {"days": {"2026-01-02": {"requests": 7}}}
POISONED = '{"days":{"2026-01-01":{"requests":1e999},"2026-01-02":{"requests":7}}}'


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_poisoned_file_is_read_with_one_warning_and_saved_clean(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "stats.json"
    path.write_text(POISONED, encoding="utf-8")
    stats = stats_store.load(path)  # the server's start: reads it
    stats.count(D, requests=1)
    stats_store.save(stats, path)  # the first save reads it again
    [warning] = _warnings(caplog)
    assert "2026-01-01.requests: inf is not a count" in warning and "kept the rest" in warning
    on_disk, dropped = parse(path.read_text(encoding="utf-8"))
    assert not dropped and on_disk.days["2026-01-02"].requests == 7
    assert on_disk.days["2026-01-01"].requests == 0 and on_disk.days[D].requests == 1


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\xff\xfe garbage \x89PNG\r\n",
        b'{"days": {"2026-01-02": {"requests": 7',  # cut off mid-write
        b"[1, 2, 3]",
        b"[" * 200_000,
    ],
)
def test_a_file_that_is_no_statistics_file_is_set_aside_and_started_afresh(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, content: bytes
) -> None:
    path = tmp_path / "stats.json"
    path.write_bytes(content)
    assert stats_store.load(path).days == {}
    stats = Stats()
    stats.count(D, requests=2)
    stats_store.save(stats, path)
    assert stats_store.load(path).days[D].requests == 2 and not stats.changed
    assert stats_store.set_aside_path(path).read_bytes() == content  # nothing thrown away
    assert len(_warnings(caplog)) == 2  # read: no statistics file; saved: where it went


def test_a_file_too_big_to_read_on_the_event_loop_is_set_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stats_store, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "stats.json"
    path.write_text(json.dumps({"days": {"2026-01-02": {"requests": 7, "x": "y" * 1000}}}))
    assert stats_store.load(path).days == {}
    stats = Stats()
    stats.count(D, requests=1)
    stats_store.save(stats, path)
    assert stats_store.load(path).days[D].requests == 1


def test_a_directory_in_its_place_is_survived_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "stats.json"
    path.mkdir()
    assert stats_store.load(path).days == {}
    stats = Stats()
    stats.count(D, requests=1)
    stats_store.save(stats, path)
    assert path.is_dir() and stats.changed  # kept for a later save


def test_a_fifo_in_its_place_does_not_hang_the_server(tmp_path: Path) -> None:
    path = tmp_path / "stats.json"
    os.mkfifo(path)
    stats = Stats()
    stats.count(D, requests=1)
    done: list[Stats] = []

    def load_and_save() -> None:
        done.append(stats_store.load(path))
        stats_store.save(stats, path)

    worker = threading.Thread(target=load_and_save, daemon=True)
    worker.start()
    worker.join(timeout=30)
    if worker.is_alive():  # unblock it: a writer lets the open for reading return
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("reading a FIFO blocked")
    assert done[0].days == {} and stats.changed and path.is_fifo()


def test_a_file_that_cannot_be_read_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "stats.json"
    path.write_text(json.dumps(GOOD), encoding="utf-8")
    real_open = os.open

    def refused(file: str | os.PathLike[str], flags: int, *args: int) -> int:
        if Path(file) == path:  # as without permission, which root (these tests' user) ignores
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, flags, *args)

    monkeypatch.setattr(os, "open", refused)
    assert stats_store.load(path).days == {}
    stats = Stats()
    stats.count(D, requests=1)
    for _ in range(3):  # once a minute
        stats_store.save(stats, path)
    assert stats.changed and json.loads(path.read_text(encoding="utf-8")) == GOOD
    assert len(_warnings(caplog)) == 2  # cannot read; cannot write: each said once
    monkeypatch.setattr(os, "open", real_open)
    stats_store.save(stats, path)
    assert stats_store.load(path).days[D].requests == 1


def test_a_save_waits_only_so_long_for_a_stuck_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stats_store, "LOCK_WAIT_SECONDS", 0.05)
    path = tmp_path / "stats.json"
    stats = Stats()
    stats.count(D, requests=1)
    held = os.open(stats_store.lock_path(path), os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)  # another server, stopped while saving
        stats_store.save(stats, path)
        assert stats.changed and not path.exists()  # given up, kept for the next minute
    finally:
        os.close(held)
    stats_store.save(stats, path)
    assert not stats.changed and stats_store.load(path).days[D].requests == 1


def test_a_file_system_without_locks_still_gets_the_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    path = tmp_path / "stats.json"
    stats = Stats()
    for _ in range(2):
        stats.count(D, requests=1)
        stats_store.save(stats, path)
    assert not stats.changed and stats_store.load(path).days[D].requests == 2
    [warning] = _warnings(caplog)
    assert "saving without a lock" in warning


def test_a_failed_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(source: str, target: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    stats = Stats()
    stats.count(D, requests=1)
    stats_store.save(stats, tmp_path / "stats.json")
    assert stats.changed and sorted(p.name for p in tmp_path.iterdir()) == ["stats.json.lock"]


SAVER = """
import sys
from pathlib import Path
from fim_lsp.usage import stats_store
from fim_lsp.usage.stats import Stats

path, go, saves = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
stats = stats_store.load(path)
while not go.exists():  # all start together
    pass
for n in range(saves):
    stats.count("2026-11-26", requests=1)
    stats.latency("2026-11-26", 10.0)
    stats_store.save(stats, path)
while stats.changed:  # a save that found the lock taken for too long left its count for later
    stats_store.save(stats, path)
"""


def test_servers_saving_at_the_same_moment_lose_nothing(tmp_path: Path) -> None:
    path, go = tmp_path / "stats.json", tmp_path / "go"
    path.write_text(json.dumps(GOOD), encoding="utf-8")
    processes, saves = 4, 50
    savers = [
        subprocess.Popen([sys.executable, "-c", SAVER, str(path), str(go), str(saves)])
        for _ in range(processes)
    ]
    go.touch()
    assert [saver.wait(timeout=120) for saver in savers] == [0] * processes
    on_disk, dropped = parse(path.read_text(encoding="utf-8"))
    assert not dropped and on_disk.days["2026-01-02"].requests == 7
    today = on_disk.days[D]
    assert today.requests == processes * saves
    assert sum(today.latency_buckets.values()) == processes * saves
    assert sorted(p.name for p in tmp_path.iterdir()) == ["go", "stats.json", "stats.json.lock"]
