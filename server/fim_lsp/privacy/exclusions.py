"""Which files are never sent to a provider: ones that look like secrets, and the user's own patterns."""

# How a file is matched:
# - Patterns follow gitignore (git's wildmatch), through pathspec: `*` stays within a folder,
#   `**` crosses folders, `dir/` matches everything under a folder, `!` re-includes.
# - A pattern without `/` matches the file name anywhere. The user's patterns live in a setting,
#   not in a .gitignore, so there is no folder to anchor one with `/` to: every pattern matches at
#   any depth (`secrets/**` excludes `/any/where/secrets/deep/api.txt`, and a leading `/` changes
#   nothing). Excluding a folder of the same name elsewhere costs a few suggestions; anchoring at
#   the wrong folder would send the files the user meant to keep.
# - Case does not count (Windows and macOS file names ignore it).
# - `!` re-includes only what the user's own earlier patterns excluded: no setting, which a
#   workspace can bring, can re-include a built-in secret pattern.
# - A `\` in a pattern is read both as gitignore's escape and as a Windows folder separator,
#   and the file is excluded if either reading matches. A pattern that cannot be read either way
#   excludes every file, so that a typo never sends what it was meant to keep.
# - The URI is decoded first: %-escapes, Windows backslashes and drive letters
#   (`file:///C:%5Cproj%5C.env.local` is `c:/proj/.env.local`).
# Not in the list, on purpose: `*-sa.json` (also `ar-sa.json`, Arabic for Saudi Arabia, in every
# translated app) and a GCP key's default name `<project>-<12 hex>.json` (no pattern tells it from
# data); their `private_key` is redacted instead. `.env*` (also `.envoy.yaml`, `.environment.ts`)
# and `*.env.*` (also `jest.env.js`, `vite.env.ts`) are spelled out as the forms below instead.

from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

SECRET_PATTERNS = (
    # environment files, their variants and backups
    ".env",
    ".env.*",
    ".env-*",
    ".env_*",
    ".env~",
    ".env *",
    "*.env",
    "*.env.bak",
    "*.env.backup",
    "*.env.old",
    "*.env.orig",
    "*.env.save",
    "*.env.swp",
    "*.env.tmp",
    "*.env~",
    ".envrc",
    # keys and key stores
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    "*.jks",
    "*.keystore",
    "*.kdbx",
    "*.ppk",
    "id_rsa*",
    "id_dsa*",
    "id_ecdsa*",
    "id_ed25519*",
    # credentials of tools and clouds
    "credentials",
    "credentials.*",
    ".git-credentials",
    ".netrc",
    ".npmrc",
    ".pypirc",
    ".pgpass",
    ".my.cnf",
    ".htpasswd",
    ".vault-token",
    ".kube/config",
    "kubeconfig",
    "*.kubeconfig",
    ".docker/config.json",
    "*.tfvars",
    "*.tfvars.json",
    "*.tfstate",
    "*.tfstate.*",
    "*service-account*.json",
    "*service_account*.json",
    "*serviceaccount*.json",
    "application_default_credentials.json",
    "client_secret*.json",
    "secrets.*",
    "*.secret",
    "*.secrets",
    # shell and REPL histories
    ".*_history",
    ".history",
    ".zhistory",
    "fish_history",
    "consolehost_history.txt",
)

_WINDOWS_PATH = re.compile(r"[A-Za-z]:[\\/]")
_DRIVE = re.compile(r"/?([A-Za-z]):(?=/|$)")


def path_of(uri: str) -> str:
    """The file path a URI (or a plain path) names, with `/` between folders and no %-escapes."""
    # C:\proj is a path, not a URI with the scheme `c`
    path = uri if _WINDOWS_PATH.match(uri) else unquote(urlsplit(uri).path)
    path = path.replace("\\", "/")
    if (drive := _DRIVE.match(path)) is not None:  # /C:/proj -> c:/proj
        path = f"{drive[1].lower()}:{path[drive.end() :]}"
    return posixpath.normpath(path) if path else path


def _at_any_depth(pattern: str) -> str:
    """`pattern` made to match under any folder, as a pattern without `/` already does."""
    negated = pattern.startswith("!")
    body = pattern[1:] if negated else pattern
    if "/" in body.rstrip("/") and not body.startswith("**/"):
        body = "**/" + body.lstrip("/")
    return ("!" if negated else "") + body


def _gitignore() -> type[GitIgnoreSpec]:
    """pathspec's gitignore matcher, loaded on first use (after the answer to initialize)."""
    from pathspec import GitIgnoreSpec

    return GitIgnoreSpec


def _readable(pattern: str) -> bool:
    try:
        _gitignore().from_lines([pattern])
    except ValueError:
        return False
    return True


@lru_cache(maxsize=64)
def _spec(patterns: tuple[str, ...]) -> GitIgnoreSpec | None:
    """The patterns as one gitignore, each in its readings; None if one cannot be read at all."""
    lines: list[str] = []
    for pattern in patterns:
        readings = {_at_any_depth(p.lower()) for p in (pattern, pattern.replace("\\", "/"))}
        readable = sorted(r for r in readings if _readable(r))
        if not readable:
            return None
        lines += readable
    return _gitignore().from_lines(lines)


@lru_cache(maxsize=1024)
def is_excluded(uri: str, patterns: tuple[str, ...] = ()) -> bool:
    """True if the file `uri` names matches a secret pattern or one of `patterns` (gitignore's)."""
    path = path_of(uri).lower().lstrip("/")
    if not path or path == ".":
        return False
    specs = (_spec(SECRET_PATTERNS), _spec(patterns))
    return any(spec is None or spec.match_file(path) for spec in specs)
