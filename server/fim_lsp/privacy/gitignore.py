"""Whether git ignores a file, asked of git itself and remembered for a while."""

# git is the source of truth: nested .gitignore files, .git/info/exclude and core.excludesFile
# all count, with git's own precedence. `--no-index` asks about the patterns only, so a file
# that matches them stays private even if it was committed by mistake. Any doubt (no git, a
# failure, a hang) counts as ignored: this mode exists for privacy.

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Callable

from cachetools import TTLCache

log = logging.getLogger(__name__)

MAX_PATHS = 2048
TIMEOUT_SECONDS = 2.0
# settings that would point git at another repository than the one around the file
_FOREIGN_ENV = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR")


def _git_env() -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in _FOREIGN_ENV}
    env["LC_ALL"] = "C"  # the messages are read below
    return env


def _normal(path: str) -> str:
    """`path` made absolute and normal: pure string work for the absolute paths URIs give."""
    return os.path.normpath(path) if os.path.isabs(path) else os.path.abspath(path)


def _nearest_directory(path: str) -> tuple[str, str]:
    """The nearest existing directory above `path`, and `path` relative to it.

    git check-ignore answers for files that do not exist yet (unsaved buffers), but `git -C`
    needs an existing directory; a relative path also keeps git happy when that directory is
    reached through a symbolic link.
    """
    directory = os.path.dirname(path)
    while not os.path.isdir(directory) and os.path.dirname(directory) != directory:
        directory = os.path.dirname(directory)
    return directory, os.path.relpath(path, directory)


class GitIgnore:
    """Asks git whether files are ignored, remembering answers for a while."""

    def __init__(
        self,
        ttl_seconds: float = 30.0,
        git: str = "git",
        clock: Callable[[], float] = time.monotonic,
        timeout_seconds: float = TIMEOUT_SECONDS,
    ) -> None:
        self._git = git
        self._timeout = timeout_seconds
        self._answers: TTLCache[str, bool] = TTLCache(MAX_PATHS, ttl_seconds, timer=clock)
        self._pending: dict[str, asyncio.Task[bool]] = {}
        self.problem: str | None = None  # why git cannot answer, and what to do about it

    def known(self, path: str) -> bool | None:
        """The remembered answer for `path`, or None if there is none (never runs git)."""
        return self._answers.get(_normal(path))

    async def is_ignored(self, path: str) -> bool:
        """True if git ignores `path`, or if git cannot say; concurrent calls share one git run."""
        path = _normal(path)
        answer = self._answers.get(path)
        if answer is not None:
            return answer
        task = self._pending.get(path)
        if task is None:
            task = asyncio.ensure_future(self._remember(path))
            self._pending[path] = task
            task.add_done_callback(lambda done: self._forget(path, done))
        # a cancelled caller must not cancel the run that other callers wait for
        return await asyncio.shield(task)

    def _forget(self, path: str, task: asyncio.Task[bool]) -> None:
        if self._pending.get(path) is task:
            del self._pending[path]

    def clear(self) -> None:
        """Forget every answer, say after a .gitignore file changed."""
        self._answers.clear()

    async def _remember(self, path: str) -> bool:
        try:
            answer = await self._ask(path)
        except Exception:
            log.exception("asking git whether a file is ignored failed")
            answer = self._fail("the check failed unexpectedly (see the log)", "it works")
        self._answers[path] = answer
        return answer

    async def _ask(self, path: str) -> bool:
        if ".git" in path.split(os.sep):
            return True  # git's own files (config may hold credentials) are never sent
        directory, relative = await asyncio.to_thread(_nearest_directory, path)  # stat can block
        command = (self._git, "-C", directory, "check-ignore", "-q", "--no-index", "--", relative)
        try:
            process = await asyncio.create_subprocess_exec(
                *command,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
                env=_git_env(),
            )
        except FileNotFoundError:
            where = f"at {self._git}" if os.sep in self._git else "on PATH"
            return self._fail(f"git was not found {where}", "git is installed")
        except OSError as error:
            return self._fail(f"git could not be started ({error.strerror})", "it can")
        try:
            async with asyncio.timeout(self._timeout):
                _, stderr = await process.communicate()
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            return self._fail(f"git check-ignore took over {self._timeout:g} s", "it answers")
        except BaseException:
            with contextlib.suppress(ProcessLookupError):
                process.kill()  # cancelled (the server is shutting down): leave no git behind
            raise
        message = stderr.decode(errors="replace").strip()
        code = process.returncode
        if code == 0 or _nothing_ignored(code, message):
            self.problem = None
            return code == 0
        detail = message.splitlines()[0] if message else f"exit status {code}"
        return self._fail(f"git check-ignore failed ({detail})", "it works")

    def _fail(self, what: str, until: str) -> bool:
        problem = (
            f"respectGitignore is on but {what}; "
            f"files are not sent until {until} or the setting is off"
        )
        if problem != self.problem:
            log.warning("%s", problem)
        self.problem = problem
        return True


def _nothing_ignored(code: int | None, message: str) -> bool:
    """What `git check-ignore` exiting with `code` says: 1, none of the paths is ignored; 128
    outside any repository, nothing to respect."""
    return code == 1 or (code == 128 and "not a git repository" in message)


def ignored_among(directory: str, paths: list[str], git: str = "git") -> set[str] | None:
    """Which of `paths` (relative to `directory`) git ignores, asked in one run (for indexing a
    workspace on a thread); None when git cannot say, which counts as all of them."""
    import subprocess

    command = [git, "-C", directory, "check-ignore", "--no-index", "--stdin", "-z"]
    try:
        done = subprocess.run(
            command,
            input="\0".join(paths).encode() + b"\0",
            capture_output=True,
            timeout=TIMEOUT_SECONDS * 5,
            env=_git_env(),
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as error:
        log.warning("git check-ignore could not run: %s", error)
        return None
    message = done.stderr.decode(errors="replace")
    if _nothing_ignored(done.returncode, message):
        return set()
    if done.returncode != 0:
        log.warning("git check-ignore failed: %s", message.strip()[:200])
        return None
    return {path for path in done.stdout.decode("utf-8", "replace").split("\0") if path}
