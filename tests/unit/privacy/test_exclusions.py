"""Files that look like secrets, and the user's patterns, are never sent."""

import re
from pathlib import Path

import pytest

from fim_lsp.privacy.exclusions import SECRET_PATTERNS, is_excluded, path_of

BUILT_IN = [
    ("/p/.env", True),
    ("/p/.env.local", True),
    ("/p/.env-prod", True),
    ("/p/.env_staging", True),
    ("/p/.env copy", True),  # what a file manager names a duplicate
    ("/p/.env~", True),
    ("/p/prod.env", True),
    ("/p/prod.env.bak", True),
    ("/p/prod.env.old", True),
    ("/p/prod.env~", True),
    ("/p/.env.local.bak", True),
    ("/p/.envrc", True),
    ("/p/certs/server.pem", True),
    ("/p/tls.key", True),
    ("/p/putty.ppk", True),
    ("/home/u/.ssh/id_rsa", True),
    ("/home/u/.ssh/id_ed25519.pub", True),
    ("/home/u/.aws/credentials", True),
    ("/p/store.P12", True),  # case does not hide it
    ("/p/.npmrc", True),
    ("/p/secrets.yaml", True),
    ("/home/u/.kube/config", True),
    ("/p/deploy/prod.kubeconfig", True),
    ("/home/u/.docker/config.json", True),
    ("/p/infra/terraform.tfvars", True),
    ("/p/infra/prod.auto.tfvars", True),
    ("/p/infra/prod.tfvars.json", True),
    ("/p/infra/terraform.tfstate", True),
    ("/p/infra/terraform.tfstate.backup", True),
    ("/p/service-account.json", True),
    ("/p/ci-service-account-prod.json", True),
    ("/p/service_account.json", True),
    ("/p/serviceAccountKey.json", True),  # Firebase's name for it
    ("/home/u/.config/gcloud/application_default_credentials.json", True),
    ("/p/client_secret_1234-abc.apps.googleusercontent.com.json", True),
    ("/home/u/.bash_history", True),
    ("/home/u/.zsh_history", True),
    ("/home/u/.python_history", True),
    ("/home/u/.psql_history", True),
    ("/home/u/.local/share/fish/fish_history", True),
    ("/u/AppData/Roaming/Microsoft/Windows/PowerShell/PSReadLine/ConsoleHost_history.txt", True),
    ("/p/.htpasswd", True),
    ("/home/u/.vault-token", True),
    # ordinary files with names close to those
    ("/p/app.py", False),
    ("/p/environment.py", False),
    ("/p/.envoy.yaml", False),
    ("/p/jest.env.js", False),
    ("/p/src/vite-env.d.ts", False),
    ("/p/env.example.md", False),
    ("/p/keys.py", False),
    ("/p/monkey.py", False),
    ("/p/kube/config.go", False),
    ("/p/pkg/kubeconfig.go", False),
    ("/p/.docker/daemon.json", False),
    ("/p/docker/config.json", False),  # only the one in .docker holds registry logins
    ("/p/locales/ar-SA.json", False),  # why `*-sa.json` is not in the list
    ("/p/history.py", False),
    ("/p/src/history/index.ts", False),
    ("/p/variables.tf", False),
    ("/p/service-account.yaml", False),
    ("/p/secret_santa.py", False),
]


@pytest.mark.parametrize(("path", "excluded"), BUILT_IN)
def test_built_in_patterns(path: str, excluded: bool) -> None:
    assert is_excluded(path) is excluded


@pytest.mark.parametrize(
    ("path", "patterns", "excluded"),
    [
        ("/p/internal/notes.md", ("internal/*",), True),
        ("/p/src/gen/a.py", ("gen/*.py",), True),
        ("/p/src/a.py", ("gen/*.py",), False),
        ("/p/build.log", ("*.log",), True),
        ("/p/build.log", ("*.LOG",), True),  # case does not count
        # ** crosses folders, * does not
        ("/p/secrets/deep/api.txt", ("secrets/**",), True),
        ("/p/secrets/api.txt", ("secrets/**",), True),
        ("/p/deep/secrets/api.txt", ("secrets/**",), True),  # at any depth
        ("/p/secretsx/api.txt", ("secrets/**",), False),
        ("/p/secrets/deep/api.txt", ("secrets/*",), True),  # as in git: it matches the folder deep
        ("/p/src/deep/a.py", ("src/*.py",), False),
        ("/p/src/a/b/secret.txt", ("src/**/secret.txt",), True),
        ("/p/src/secret.txt", ("src/**/secret.txt",), True),
        ("/p/lib/secret.txt", ("src/**/secret.txt",), False),
        ("/p/a/private/b/c.md", ("private/",), True),
        ("/p/private.md", ("private/",), False),
        ("/p/notes/todo.md", ("**/notes/*.md",), True),
        ("/p/config/prod.yaml", ("/config/prod.yaml",), True),  # a leading / anchors nothing
        ("/home/me/work/private/a.py", ("/home/me/work/private/**",), True),
        ("/p/a1.py", ("a[0-9].py",), True),
        ("/p/ab.py", ("a[0-9].py",), False),
        # ! re-includes what an earlier pattern of the user's excluded, never a built-in secret
        ("/p/logs/keep.log", ("logs/", "!logs/keep.log"), False),
        ("/p/logs/other.log", ("logs/", "!logs/keep.log"), True),
        ("/p/.env.example", ("!.env.example",), True),
        ("/home/u/.ssh/id_rsa", ("!id_rsa",), True),
        # a \ is also read as a Windows folder separator
        ("/p/secrets/api.txt", ("secrets\\**",), True),
        ("/p/a*b.txt", ("a\\*b.txt",), True),
        ("/p/x.md", ("tmp\\",), False),
        # a pattern that cannot be read excludes everything rather than nothing
        ("/p/app.py", ("!",), True),
    ],
)
def test_user_patterns_follow_gitignore(
    path: str, patterns: tuple[str, ...], excluded: bool
) -> None:
    assert is_excluded(path, patterns) is excluded


@pytest.mark.parametrize(
    ("uri", "path"),
    [
        ("file:///home/u/p/app.py", "/home/u/p/app.py"),
        ("file:///home/u/my%20project/.env", "/home/u/my project/.env"),
        ("file:///C:%5Cproj%5C.env.local", "c:/proj/.env.local"),
        ("file:///c%3A/proj/app.py", "c:/proj/app.py"),  # how VS Code writes a Windows path
        ("file:///C:/proj/src/app.py", "c:/proj/src/app.py"),
        ("file://server/share/p/.env", "/share/p/.env"),
        ("C:\\proj\\.env", "c:/proj/.env"),
        ("/p/src/./gen/../a.py", "/p/src/a.py"),
        ("untitled:Untitled-1", "Untitled-1"),
    ],
)
def test_uris_are_decoded_before_matching(uri: str, path: str) -> None:
    assert path_of(uri) == path


@pytest.mark.parametrize(
    ("uri", "patterns"),
    [
        ("file:///C:%5Cproj%5C.env.local", ()),
        ("file:///c%3A/Users/u/.ssh/id_rsa", ()),
        ("file:///C:%5Cproj%5Csecrets%5Cdeep%5Capi.txt", ("secrets/**",)),
        ("file:///p/%2Eenv", ()),
        ("file:///p/my%20secrets/a.txt", ("my secrets/",)),
        ("file:///C:/Proj/.ENV", ()),
    ],
)
def test_encoded_and_windows_uris_are_excluded(uri: str, patterns: tuple[str, ...]) -> None:
    assert is_excluded(uri, patterns)


def test_security_md_lists_the_built_in_patterns() -> None:
    """The page users read and the code cannot drift apart."""
    page = (Path(__file__).parents[3] / "SECURITY.md").read_text(encoding="utf-8")
    section = re.search(r"\*\*Files that look like secrets\*\*(.*?)plus your own", page, re.S)
    assert section is not None
    assert tuple(re.findall(r"`([^`]+)`", section.group(1))) == SECRET_PATTERNS
