"""SECURITY.md names the test behind each promise: every test it names exists."""

import re
from pathlib import Path

ROOT = Path(__file__).parents[2]
PAGE = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
# `file.py`, `file.py::test_name` or `path/to/file.py`, in the brackets after a promise
REFERENCE = re.compile(r"`((?:[\w./-]+/)?(test_\w+\.(?:py|mjs)))(?:::(\w+))?`")


def _find(name: str, path: str) -> Path:
    if "/" in path:
        return ROOT / path
    found = [p for p in (ROOT / "tests").rglob(name) if p.is_file()]
    assert len(found) == 1, f"SECURITY.md names {name}: found {found}"
    return found[0]


def test_every_test_the_security_page_names_exists() -> None:
    references = REFERENCE.findall(PAGE)
    assert len(references) > 20  # the page names its tests
    for path, name, function in references:
        file = _find(name, path)
        assert file.is_file(), f"SECURITY.md names {path}, which does not exist"
        if function:
            source = file.read_text(encoding="utf-8")
            assert re.search(rf"def {function}\b", source), f"{name} has no {function}"


def test_every_section_with_a_promise_names_a_test() -> None:
    sections = re.split(r"\n## ", PAGE)[1:]
    for section in sections:
        title = section.splitlines()[0]
        if title.startswith("Reporting") or title.startswith("What is logged"):
            continue
        assert REFERENCE.search(section), f"the section {title!r} names no test"
