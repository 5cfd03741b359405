"""Files that look like secrets, and the user's patterns, are never sent."""

import pytest

from fim_lsp.privacy.exclusions import is_excluded


@pytest.mark.parametrize(
    ("path", "patterns", "excluded"),
    [
        ("/p/.env", (), True),
        ("/p/.env.local", (), True),
        ("/p/prod.env", (), True),
        ("/p/certs/server.pem", (), True),
        ("/p/tls.key", (), True),
        ("/home/u/.ssh/id_rsa", (), True),
        ("/home/u/.ssh/id_ed25519.pub", (), True),
        ("/home/u/.aws/credentials", (), True),
        ("/p/store.P12", (), True),  # case does not hide it
        ("/p/.npmrc", (), True),
        ("/p/secrets.yaml", (), True),
        ("/p/app.py", (), False),
        ("/p/environment.py", (), False),
        ("/p/keys.py", (), False),
        ("/p/monkey.py", (), False),
        ("/p/internal/notes.md", ("internal/*",), True),
        ("/p/src/gen/a.py", ("gen/*.py",), True),
        ("/p/src/a.py", ("gen/*.py",), False),
        ("/p/build.log", ("*.log",), True),
    ],
)
def test_is_excluded(path: str, patterns: tuple[str, ...], excluded: bool) -> None:
    assert is_excluded(path, patterns) is excluded
