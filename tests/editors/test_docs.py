"""docs/editors.md stays true: every configuration it marks as tested is one a test runs, every
test file it names exists, and the README links it."""

from __future__ import annotations

import re

from tests.editors.shared import DOCS, REPO, snippet, snippet_names

TEXT = DOCS.read_text(encoding="utf-8")


def test_every_tested_snippet_is_loaded_by_a_test() -> None:
    names = snippet_names()
    assert sorted(names) == ["emacs-eglot", "emacs-lsp-mode", "helix", "vim-ale"]
    sources = "\n".join(path.read_text() for path in (REPO / "tests" / "editors").rglob("*.py"))
    for name in names:
        assert snippet(name).strip()
        assert f'snippet("{name}")' in sources or f'.run("{name}"' in sources, name


def test_every_section_marked_tested_has_a_snippet_and_names_its_test() -> None:
    sections = re.split(r"^##+ ", TEXT, flags=re.M)
    tested = [s for s in sections if s.split("\n", 1)[0].endswith("— tested")]
    assert len(tested) == 4  # eglot, lsp-mode, Helix, Vim with ALE
    for section in tested:
        assert "<!-- snippet: " in section, section.split("\n", 1)[0]
        assert re.search(r"`tests/editors/[a-z]+/test_[a-z]+\.py", section), section[:60]


def test_named_test_files_exist() -> None:
    for path in set(re.findall(r"`(tests/editors/[a-z/_]+\.py)", TEXT)):
        assert (REPO / path).is_file(), path
    for path in set(re.findall(r"`(tools/[a-z-]+\.sh)`", TEXT)):
        assert (REPO / path).is_file(), path
        assert f"bash {path}" in (REPO / "tools" / "test.sh").read_text(), path


def test_the_readme_links_the_page() -> None:
    assert "[docs/editors.md](docs/editors.md)" in (REPO / "README.md").read_text()
