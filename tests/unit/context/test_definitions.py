"""Which definitions the code at the cursor gets: a partly typed name, names used near it, and
the files it imports, looked up in an index of a real folder."""

import os
import time
from pathlib import Path

import pytest

from fim_lsp.context.definitions import (
    Wanted,
    chunks,
    near_names,
    partial_word,
    qualified_uses,
    wanted,
)
from fim_lsp.context.symbols import family_of_path
from fim_lsp.context.workspace import WorkspaceIndex

UTILS = "def make_default_short_help(help, max_length=45):\n    return help\n"
OTHER = "def make_default_short_help(text):\n    pass\n\ndef unrelated_helper():\n    pass\n"
CORE = "from .utils import make_default_short_help\n\nclass Command:\n    pass\n"


def _wanted_in(
    root: Path, files: dict[str, str], current: str, before: str, after: str
) -> list[Wanted]:
    """`wanted` for a cursor in `current` after `before` (the whole head of the file), in a
    folder of `files` (a name with `{k}` is written DECOYS times)."""
    for pattern, text in files.items():
        for k in range(DECOYS if "{k}" in pattern else 1):
            path = root / pattern.format(k=k)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    family = family_of_path(current)
    assert family is not None, current
    return wanted(built(root), str(root / current), family, before, before, after)


def built(root: Path) -> WorkspaceIndex:
    index = WorkspaceIndex([str(root)])
    index.start()
    deadline = time.monotonic() + 30
    while not index.snapshot.built:
        assert time.monotonic() < deadline, "the index was not built within 30 s"
        time.sleep(0.01)
    return index


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "click").mkdir()
    (tmp_path / "click" / "utils.py").write_text(UTILS)
    (tmp_path / "click" / "core.py").write_text(CORE)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "help.py").write_text(OTHER)
    return tmp_path


def test_partial_word_and_near_names() -> None:
    assert partial_word("x = make_de") == "make_de"
    assert partial_word("x = (") == ""
    assert partial_word("x = 3") == ""
    # closest first; text after the cursor counts at twice its distance
    before, after = "alpha_one = beta_two(", ")\n\nfor item in gamma_three:"
    assert near_names(before, after) == ["beta_two", "item", "alpha_one", "gamma_three"]


def test_the_imported_definition_comes_first(workspace: Path) -> None:
    index = built(workspace)
    core = str(workspace / "click" / "core.py")
    found = wanted(index, core, "python", CORE, CORE + "\n    text = make_de", "")
    assert found, "a partly typed name that two files define found nothing"
    first = found[0]
    assert first.path == str(workspace / "click" / "utils.py")  # imported, not the other one
    assert first.definition.name == "make_default_short_help"
    assert "completes 'make_de'" in first.why and "imported" in first.why


def test_names_defined_where_the_cursor_is_are_not_looked_up(workspace: Path) -> None:
    index = built(workspace)
    here = "def unrelated_helper():\n    return unrelated_helper("
    found = wanted(index, str(workspace / "x.py"), "python", "", here, "")
    assert [item.definition.name for item in found] == []


def test_a_changed_file_is_not_used_until_indexed_again(workspace: Path) -> None:
    index = built(workspace)
    core = str(workspace / "click" / "core.py")
    found = wanted(index, core, "python", CORE, "make_de", "")
    path = lambda uri: uri.rpartition("/")[2]  # noqa: E731
    assert chunks(found, 1000, path, lambda uri: True, index.fresh)
    utils = workspace / "click" / "utils.py"
    utils.write_text("def make_default_long_help():\n    pass\n")
    os.utime(utils, ns=(time.time_ns(), time.time_ns() + 10_000_000))
    made = chunks(found, 1000, path, lambda uri: True, index.fresh)
    assert all("utils.py" not in chunk.path for chunk, _ in made)
    deadline = time.monotonic() + 30
    while not index.lookup("make_default_long_help"):
        assert time.monotonic() < deadline, "the changed file was not indexed again"
        time.sleep(0.01)
    assert index.snapshot.built > 0


def test_files_not_allowed_give_nothing(workspace: Path) -> None:
    index = built(workspace)
    found = wanted(index, str(workspace / "click" / "core.py"), "python", CORE, "make_de", "")
    assert any("utils" in chunk.uri for chunk, _ in chunks(found, 1000, str, _all, index.fresh))
    made = chunks(found, 1000, str, lambda uri: "utils" not in uri, index.fresh)
    assert made and all("utils" not in chunk.uri for chunk, _ in made)


def _all(uri: str) -> bool:
    return True


# A member name defined in more files than CROWDED: looked up by name alone it tells nothing,
# so only the module its qualifier names can find it.
DECOYS = 30


@pytest.mark.parametrize(
    ("files", "current", "before", "expected"),
    [
        pytest.param(  # a package that re-exports: `click.echo` is defined in click/utils.py
            {
                "pkg/__init__.py": "from .utils import run\n",
                "pkg/utils.py": "def run(message, err=False):\n    pass\n",
                "decoys/d{k}.py": "def run():\n    pass\n",
            },
            "app.py",
            "import pkg\n\npkg.run(",
            ("pkg/utils.py", "def run(message, err=False):"),
            id="python-reexport",
        ),
        pytest.param(
            {
                "lib/format.js": "export function run(value, options) {\n}\n",
                "decoys/d{k}.js": "export function run() {\n}\n",
            },
            "src/app.js",
            'import * as fmt from "../lib/format"\n\nfmt.ru',
            ("lib/format.js", "export function run(value, options) {"),
            id="js-namespace-partly-typed",
        ),
        pytest.param(
            {
                "lua/mod/core.lua": "local M = {}\nfunction M.run(opts)\nend\nreturn M\n",
                "decoys/d{k}.lua": "function run()\nend\n",
            },
            "lua/mod/init.lua",
            'local core = require("mod.core")\n\ncore.run(',
            ("lua/mod/core.lua", "function M.run(opts)"),
            id="lua-module-table",
        ),
        pytest.param(
            {
                "strs/rev.go": "package strs\n\nfunc Run(s string) string {\n",
                "decoys/d{k}/d.go": "package d\n\nfunc Run() {\n",
            },
            "cmd/main.go",
            'package main\n\nimport "example.com/tool/strs"\n\nfunc main() {\n\tstrs.Run(',
            ("strs/rev.go", "func Run(s string) string {"),
            id="go-package",
        ),
        pytest.param(
            {
                "src/text.rs": "pub fn run(width: usize) -> String {\n",
                "src/decoys/d{k}.rs": "pub fn run() {\n",
            },
            "src/main.rs",
            "use crate::text;\n\nfn main() {\n    text::run(",
            ("src/text.rs", "pub fn run(width: usize) -> String {"),
            id="rust-path",
        ),
        pytest.param(  # nothing of the member typed yet: the module's own names
            {
                "lib/format.js": "export function pad(value, width) {\n}\n",
                "decoys/d{k}.js": "export function pad() {\n}\n",
            },
            "src/app.js",
            'import * as fmt from "../lib/format"\n\nfmt.',
            ("lib/format.js", "export function pad(value, width) {"),
            id="js-namespace-nothing-typed",
        ),
    ],
)
def test_a_qualified_name_finds_the_definition_in_the_module_it_names(
    tmp_path: Path,
    files: dict[str, str],
    current: str,
    before: str,
    expected: tuple[str, str],
) -> None:
    found = _wanted_in(tmp_path, files, current, before, ")\n")
    assert found, "nothing was found for the qualified name"
    first = found[0]
    assert (first.path, first.definition.signature) == (str(tmp_path / expected[0]), expected[1])


def test_qualified_uses_closest_first_the_one_at_the_cursor_leading() -> None:
    before, after = "x = click.echo(a)\n    y = utils.ma", ")\nfoo::bar::baz()"
    assert qualified_uses(before, after) == [
        ("utils", ".", "ma"),
        ("foo", "::", "bar"),
        ("foo::bar", "::", "baz"),
        ("click", ".", "echo"),
    ]
    assert qualified_uses("local p = M:run(", "") == [("M", ":", "run")]
    assert qualified_uses("x = 3.14 + y", "") == []


@pytest.mark.parametrize(
    ("files", "current", "before", "expected"),
    [
        pytest.param(  # a receiver's type: its methods in any file of the package
            {
                "cli/command.go": "package cli\n\ntype Command struct {\n}\n",
                "cli/flag_bool.go": "package cli\n\nfunc (cmd *Command) Bool(name string) bool {\n",
                "cli/other.go": "package cli\n\nfunc (f *Flag) Bool() bool {\n",
            },
            "cli/help.go",
            "package cli\n\nfunc (cmd *Command) help() {\n\tif cmd.Bo",
            ("cli/flag_bool.go", "func (cmd *Command) Bool(name string) bool {"),
            id="go-receiver",
        ),
        pytest.param(  # `this` in a class that extends one from another file
            {
                "src/base.ts": "export class Base {\n  protected render(view: View): string {\n"
                "  }\n}\nexport class Other {\n  render(): void {\n  }\n}\n",
            },
            "src/page.ts",
            'import { Base } from "./base"\n\nclass Page extends Base {\n  show() {\n    this.re',
            ("src/base.ts", "  protected render(view: View): string {"),
            id="ts-this-extends",
        ),
        pytest.param(  # a parameter's annotation
            {
                "app/models.py": "class Invoice:\n    def total_due(self, when):\n        pass\n"
                "\n\nclass Order:\n    def total_due(self):\n        pass\n",
            },
            "app/views.py",
            "from .models import Invoice\n\ndef show(invoice: Invoice):\n    return invoice.to",
            ("app/models.py", "    def total_due(self, when):"),
            id="python-annotation",
        ),
    ],
)
def test_a_variables_type_gives_the_methods_after_its_dot(
    tmp_path: Path,
    files: dict[str, str],
    current: str,
    before: str,
    expected: tuple[str, str],
) -> None:
    found = _wanted_in(tmp_path, files, current, before, "\n")
    assert found, "nothing was found after the dot"
    first = found[0]
    assert (first.path, first.definition.signature) == (str(tmp_path / expected[0]), expected[1])
    assert "method of" in first.why
