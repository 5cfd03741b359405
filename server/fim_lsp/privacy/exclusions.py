"""Which files are never sent to a provider: ones that look like secrets, and the user's own patterns."""

from __future__ import annotations

from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import PurePosixPath

SECRET_PATTERNS = (
    ".env",
    ".env.*",
    "*.env",
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    "*.jks",
    "*.keystore",
    "*.kdbx",
    "id_rsa*",
    "id_dsa*",
    "id_ecdsa*",
    "id_ed25519*",
    "credentials",
    "credentials.*",
    ".git-credentials",
    ".netrc",
    ".npmrc",
    ".pypirc",
    ".pgpass",
    "secrets.*",
    "*.secret",
    "*.secrets",
)


@lru_cache(maxsize=1024)
def is_excluded(path: str, patterns: tuple[str, ...] = ()) -> bool:
    """True if `path` matches a secret pattern or one of `patterns` (a name, or a path with '/')."""
    file = PurePosixPath(path)
    for pattern in (*SECRET_PATTERNS, *patterns):
        if "/" in pattern:
            if file.match(pattern.lstrip("/")) or fnmatchcase(path, pattern):
                return True
        elif fnmatchcase(file.name, pattern) or fnmatchcase(file.name.lower(), pattern):
            return True
    return False
