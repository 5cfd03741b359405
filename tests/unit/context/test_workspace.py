"""The workspace index on a real folder: patched file by file as files change, bounded in
definitions, re-vetted when ignore rules change, and open documents' text read before disk."""

import os
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from fim_lsp.context import workspace
from fim_lsp.context.workspace import WorkspaceIndex

TAX = "def compute_vat(amount):\n    return amount\n\nRATE_TABLE = {}\n"
UTILS = "def make_help(text):\n    return text\n"


def settled(index: WorkspaceIndex) -> WorkspaceIndex:
    """`index` once its worker has nothing left to do."""
    deadline = time.monotonic() + 30
    while not index.idle():
        assert time.monotonic() < deadline, "the index was still busy after 30 s"
        time.sleep(0.01)
    return index


def built(root: Path, **options: object) -> WorkspaceIndex:
    index = WorkspaceIndex([str(root)], **options)  # type: ignore[arg-type]
    index.start()
    return settled(index)


def touch_later(path: Path) -> None:
    """Give `path` a modification time no earlier write could have."""
    later = time.time_ns() + 10_000_000_000
    os.utime(path, ns=(later, later))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "billing").mkdir()
    (tmp_path / "billing" / "tax.py").write_text(TAX)
    (tmp_path / "utils.py").write_text(UTILS)
    return tmp_path


@pytest.fixture
def listings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The roots the index listed (each a full walk of the workspace)."""
    listed: list[str] = []
    real = workspace.git_listing

    def counted(root: str, only: list[str] | None = None) -> list[str] | None:
        if only is None:
            listed.append(root)
        return real(root, only)

    monkeypatch.setattr(workspace, "git_listing", counted)
    return listed


def names(index: WorkspaceIndex) -> list[str]:
    return sorted(index.snapshot.by_name)


def test_a_changed_file_is_patched_in_without_listing_the_workspace(
    folder: Path, listings: list[str]
) -> None:
    index = built(folder)
    assert listings == [str(folder)]
    tax = folder / "billing" / "tax.py"
    tax.write_text("def compute_gst(amount):\n    return amount\n")
    touch_later(tax)
    settled_before = index.snapshot.built
    index.changed([str(tax)])
    settled(index)
    assert listings == [str(folder)], "a change of one file listed the whole workspace"
    assert index.snapshot.built == settled_before
    assert index.lookup("compute_gst") and not index.lookup("compute_vat")
    assert not index.lookup("RATE_TABLE")
    assert index.snapshot.names == names(index) == ["compute_gst", "make_help"]
    assert index.snapshot.definitions == 2
    assert index.completing("compute_", 8) == ["compute_gst"]


def test_created_and_deleted_files_come_and_go(folder: Path, listings: list[str]) -> None:
    index = built(folder)
    new = folder / "billing" / "rates.py"
    new.write_text("def lookup_rate(country):\n    pass\n")
    (folder / "utils.py").unlink()
    index.changed([str(new), str(folder / "utils.py"), str(folder / "notes.txt")])
    settled(index)
    assert len(listings) == 1
    assert [path for path, _ in index.lookup("lookup_rate")] == [str(new)]
    assert not index.lookup("make_help")
    assert index.snapshot.definitions == 3
    assert index.resolve(".rates", str(folder / "billing" / "tax.py"), "python") == [str(new)]
    assert str(folder / "utils.py") not in index.snapshot.entries


def test_a_created_file_a_listing_would_leave_out_stays_out(folder: Path) -> None:
    subprocess.run(["git", "-C", str(folder), "init", "-q"], check=True, capture_output=True)
    (folder / ".gitignore").write_text("generated/\n")
    index = built(folder)  # respectGitignore off: git's own listing still leaves them out
    made = [folder / "generated" / "parser.py", folder / "node_modules" / "x" / "index.js"]
    for path in made:
        path.parent.mkdir(parents=True)
        path.write_text("def generated_parse():\n    pass\n")
    index.changed([str(path) for path in made])
    settled(index)
    assert not index.lookup("generated_parse")
    shutil.rmtree(folder / ".git")
    index.changed([str(path) for path in made])  # outside a repository: build folders stay out
    settled(index)
    assert [path for path, _ in index.lookup("generated_parse")] == [str(made[0])]


def test_a_changed_file_git_ignores_is_dropped(folder: Path) -> None:
    ignoring: set[str] = set()
    index = built(folder, ignored=lambda root, paths: {p for p in paths if p in ignoring})
    ignoring.add("utils.py")
    index.changed([str(folder / "utils.py")])
    settled(index)
    assert not index.lookup("make_help")


def test_the_definitions_in_all_are_capped(folder: Path) -> None:
    for number in range(5):
        (folder / f"module_{number}.py").write_text(
            "".join(f"def function_{number}_{k}():\n    pass\n" for k in range(4))
        )
    index = built(folder, max_definitions=9)
    assert index.snapshot.definitions == sum(map(len, index.snapshot.by_name.values())) == 9
    grown = folder / "utils.py"
    grown.write_text(UTILS + "".join(f"def extra_{k}():\n    pass\n" for k in range(5)))
    touch_later(grown)
    index.changed([str(grown)])
    settled(index)
    assert index.snapshot.definitions == sum(map(len, index.snapshot.by_name.values())) == 9


def test_a_changed_ignore_rule_is_not_trusted_until_the_workspace_is_listed_again(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ignoring: set[str] = set()
    index = built(folder, ignored=lambda root, paths: {p for p in paths if p in ignoring})
    tax = str(folder / "billing" / "tax.py")
    assert index.trusted and index.listed(tax)
    listed = threading_gate(monkeypatch)
    ignoring.add("billing/tax.py")
    index.ignores_changed()
    assert not index.trusted, "the index was trusted while its listing under new rules ran"
    assert not index.listed(tax)
    listed()
    settled(index)
    assert index.trusted
    assert not index.lookup("compute_vat")


def threading_gate(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Hold the next listing until the returned function is called."""
    import threading

    gate = threading.Event()
    real = workspace.git_listing

    def held(root: str, only: list[str] | None = None) -> list[str] | None:
        gate.wait(30)
        return real(root, only)

    monkeypatch.setattr(workspace, "git_listing", held)
    return gate.set


def test_an_open_documents_text_wins_over_its_file(folder: Path) -> None:
    index = built(folder)
    tax = str(folder / "billing" / "tax.py")
    unsaved = "def compute_vat_unsaved(amount, country):\n    pass\n"
    index.use_buffers([(tax, 3, lambda: unsaved)])
    assert index.lookup("compute_vat") == []
    [(path, definition)] = index.lookup("compute_vat_unsaved")
    assert (path, definition.signature) == (tax, "def compute_vat_unsaved(amount, country):")
    assert index.completing("compute_vat", 8) == ["compute_vat_unsaved"]
    assert index.fresh(tax)
    # read again only when its version changes; forgotten once closed
    index.use_buffers([(tax, 3, lambda: pytest.fail("read although its revision is the same"))])
    index.use_buffers([])
    assert index.lookup("compute_vat") and not index.lookup("compute_vat_unsaved")
    # an open document outside the roots, or not code, is not read
    index.use_buffers([("/elsewhere/x.py", 1, lambda: unsaved), (str(folder / "a.txt"), 1, str)])
    assert not index.lookup("compute_vat_unsaved")


def test_the_workspace_is_listed_again_seldom_when_the_editor_reports_changes(
    folder: Path, listings: list[str]
) -> None:
    now = [1.0]
    index = built(folder, clock=lambda: now[0])
    now[0] += workspace.REFRESH_SECONDS + 1
    index.refresh_seconds = workspace.WATCHED_REFRESH_SECONDS  # the editor watches files
    index.refresh_if_old()
    settled(index)
    assert len(listings) == 1
    index.refresh_seconds = workspace.REFRESH_SECONDS
    index.refresh_if_old()
    settled(index)
    assert len(listings) == 2
