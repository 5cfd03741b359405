"""The file-path header in each language's comment syntax."""

import pytest

from fim_lsp.core.languages import path_comment


@pytest.mark.parametrize(
    ("language", "path", "header"),
    [
        ("python", "src/app.py", "# path: src/app.py\n"),
        ("typescript", "web/main.ts", "// path: web/main.ts\n"),
        ("lua", "init.lua", "-- path: init.lua\n"),
        ("html", "index.html", "<!-- path: index.html -->\n"),
        ("css", "a.css", "/* path: a.css */\n"),
        ("clojure", "core.clj", "; path: core.clj\n"),
        ("Python", "x.py", "# path: x.py\n"),
        ("plaintext", "notes.txt", ""),  # no comment syntax: no header
        ("json", "package.json", ""),  # JSON has no comments
        ("python", "", ""),
    ],
)
def test_path_comment(language: str, path: str, header: str) -> None:
    assert path_comment(language, path) == header
