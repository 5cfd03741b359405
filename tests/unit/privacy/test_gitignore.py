"""Files git ignores are found by asking real git, once per path per while, failing closed."""

import asyncio
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from fim_lsp.privacy.gitignore import GitIgnore

GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(GIT is None, reason="git is not installed")


@pytest.fixture(autouse=True)
def _own_git_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A global git config of our own, so the user's excludesFile cannot change the answers."""
    config = tmp_path / "gitconfig"
    config.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    return config


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "sub").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / ".gitignore").write_text("*.log\n!keep.log\nbuild/\n.env\n")
    (root / "sub" / ".gitignore").write_text("secret*\n")
    (root / ".git" / "info" / "exclude").write_text("private.txt\n")
    for name in ("main.py", "debug.log", "keep.log", ".env", "private.txt", "sub/secret.txt"):
        (root / name).write_text("x\n")
    (root / "sub" / "public.txt").write_text("x\n")
    return root


def _counting_git(tmp_path: Path, before: str = "") -> tuple[str, Path]:
    """A git that logs each run to a file, after running `before` (shell)."""
    log = tmp_path / "runs.log"
    script = tmp_path / "counting-git"
    script.write_text(f'#!/bin/sh\necho run >> "{log}"\n{before}\nexec "{GIT}" "$@"\n')
    script.chmod(0o755)
    log.write_text("")
    return str(script), log


def _runs(log: Path) -> int:
    return len(log.read_text().splitlines())


@pytest.mark.parametrize(
    ("name", "ignored"),
    [
        ("debug.log", True),  # root .gitignore
        ("main.py", False),
        ("keep.log", False),  # negated pattern
        (".env", True),
        ("sub/secret.txt", True),  # nested .gitignore
        ("sub/public.txt", False),
        ("private.txt", True),  # .git/info/exclude
        ("build/deep/er/new.py", True),  # unsaved, in an ignored directory that does not exist
        ("notyet/new.log", True),  # unsaved, in a directory that does not exist
        ("notyet/new.py", False),
        ("sub/secret-draft.py", True),  # unsaved, nested pattern
        (".git/config", True),  # git's own files are never sent
    ],
)
async def test_answers_match_git(repo: Path, name: str, ignored: bool) -> None:
    gitignore = GitIgnore()
    assert await gitignore.is_ignored(str(repo / name)) is ignored
    assert gitignore.problem is None


@pytest.fixture
def global_excludes(tmp_path: Path, _own_git_config: Path) -> None:
    excludes = tmp_path / "global-ignore"
    excludes.write_text("*.secret\n")
    _own_git_config.write_text(f"[core]\n\texcludesFile = {excludes}\n")


@pytest.mark.usefixtures("global_excludes")
async def test_core_excludes_file_counts(repo: Path) -> None:
    assert await GitIgnore().is_ignored(str(repo / "api.secret")) is True
    assert await GitIgnore().is_ignored(str(repo / "api.py")) is False


@pytest.fixture
def tracked_log(repo: Path) -> Path:
    subprocess.run(["git", "-C", str(repo), "add", "-f", "debug.log"], check=True)
    return repo / "debug.log"


async def test_a_tracked_file_matching_a_pattern_stays_private(tracked_log: Path) -> None:
    assert await GitIgnore().is_ignored(str(tracked_log)) is True


async def test_a_file_outside_any_repository_is_not_ignored(tmp_path: Path) -> None:
    gitignore = GitIgnore()
    (tmp_path / "loose").mkdir()
    assert await gitignore.is_ignored(str(tmp_path / "loose" / "debug.log")) is False
    assert await gitignore.is_ignored(str(tmp_path / "nowhere" / "x.py")) is False
    assert gitignore.problem is None


async def test_a_path_through_a_symbolic_link_is_answered(repo: Path, tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to(repo / "sub")
    gitignore = GitIgnore()
    assert await gitignore.is_ignored(str(tmp_path / "link" / "secret.txt")) is True
    assert await gitignore.is_ignored(str(tmp_path / "link" / "public.txt")) is False


async def test_missing_git_fails_closed_with_a_problem(repo: Path) -> None:
    gitignore = GitIgnore(git="/nonexistent/git")
    assert await gitignore.is_ignored(str(repo / "main.py")) is True
    assert gitignore.problem is not None
    assert "git was not found" in gitignore.problem
    assert "respectGitignore" in gitignore.problem


async def test_a_failing_git_fails_closed_and_says_why(repo: Path, tmp_path: Path) -> None:
    script = tmp_path / "broken-git"
    script.write_text("#!/bin/sh\necho 'fatal: something broke' >&2\nexit 2\n")
    script.chmod(0o755)
    gitignore = GitIgnore(git=str(script))
    assert await gitignore.is_ignored(str(repo / "main.py")) is True
    assert gitignore.problem is not None
    assert "fatal: something broke" in gitignore.problem


async def test_a_hung_git_is_killed_and_fails_closed(repo: Path, tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    script = tmp_path / "hung-git"
    script.write_text(f'#!/bin/sh\necho $$ > "{pid_file}"\nexec sleep 30\n')
    script.chmod(0o755)
    gitignore = GitIgnore(git=str(script), timeout_seconds=0.3)
    assert await gitignore.is_ignored(str(repo / "main.py")) is True
    assert gitignore.problem is not None
    assert "took over 0.3 s" in gitignore.problem
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)


async def test_the_problem_clears_when_git_answers_again(repo: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.write_text("")
    git, _ = _counting_git(tmp_path, before=f'[ -e "{broken}" ] && exit 3')
    gitignore = GitIgnore(git=git)
    assert await gitignore.is_ignored(str(repo / "main.py")) is True
    assert gitignore.problem is not None
    broken.unlink()
    assert await gitignore.is_ignored(str(repo / "other.py")) is False
    assert gitignore.problem is None


async def test_answers_are_remembered(repo: Path, tmp_path: Path) -> None:
    git, log = _counting_git(tmp_path)
    gitignore = GitIgnore(git=git)
    path = str(repo / "debug.log")
    assert gitignore.known(path) is None
    assert await gitignore.is_ignored(path) is True
    assert await gitignore.is_ignored(path) is True
    assert gitignore.known(path) is True
    assert _runs(log) == 1
    assert await gitignore.is_ignored(str(repo / "main.py")) is False
    assert gitignore.known(str(repo / "main.py")) is False
    assert _runs(log) == 2
    gitignore.clear()
    assert gitignore.known(path) is None


async def test_answers_expire(repo: Path, tmp_path: Path) -> None:
    git, log = _counting_git(tmp_path)
    now = [1000.0]
    gitignore = GitIgnore(ttl_seconds=30.0, git=git, clock=lambda: now[0])
    path = str(repo / "debug.log")
    assert await gitignore.is_ignored(path) is True
    now[0] += 29.0
    assert gitignore.known(path) is True
    now[0] += 2.0
    assert gitignore.known(path) is None
    assert await gitignore.is_ignored(path) is True
    assert _runs(log) == 2


async def test_concurrent_questions_share_one_git_run(repo: Path, tmp_path: Path) -> None:
    git, log = _counting_git(tmp_path, before="sleep 0.2")
    gitignore = GitIgnore(git=git)
    path = str(repo / "debug.log")
    answers = await asyncio.gather(*(gitignore.is_ignored(path) for _ in range(5)))
    assert answers == [True] * 5
    assert _runs(log) == 1


async def test_a_cancelled_caller_does_not_cancel_the_others(repo: Path, tmp_path: Path) -> None:
    git, log = _counting_git(tmp_path, before="sleep 0.3")
    gitignore = GitIgnore(git=git)
    path = str(repo / "debug.log")
    first = asyncio.ensure_future(gitignore.is_ignored(path))
    second = asyncio.ensure_future(gitignore.is_ignored(path))
    await asyncio.sleep(0.05)
    first.cancel()
    assert await second is True
    assert first.cancelled()
    assert _runs(log) == 1
