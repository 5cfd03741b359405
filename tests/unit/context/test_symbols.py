"""Definitions and imports per language, read by the regular expressions, and imports resolved
to workspace files."""

import pytest

from fim_lsp.context.symbols import (
    Paths,
    aliases,
    definitions,
    imported_names,
    imports,
    resolve,
)


@pytest.mark.parametrize(
    ("family", "text", "expected"),
    [
        (
            "python",
            "import os\n\nMAX_WIDTH: int = 80\n\nclass Formatter(Base):\n"
            "    async def write_row(self, row):\n        x = 1\n\ndef make_str(value):\n",
            [("MAX_WIDTH", 2), ("Formatter", 4), ("write_row", 5), ("make_str", 8)],
        ),
        (
            "js",
            "const fs = require('fs')\nexport function parseArgs(argv) {\n"
            "export class Router {\n  async handle(req, res) {\n    if (x) {\n"
            "  describe('x', function () {\n}\nexport type Shape = {\n"
            "export interface Options {\nexports.urlencoded = function () {}\n"
            "app.listen = function listen() {\nexport const ZodString = make()\n",
            [
                ("parseArgs", 1),
                ("Router", 2),
                ("handle", 3),
                ("Shape", 7),
                ("Options", 8),
                ("urlencoded", 9),
                ("listen", 10),
                ("ZodString", 11),
            ],
        ),
        (
            "go",
            'package cli\n\nimport "fmt"\n\nfunc (c *Command) Run(ctx context.Context) error {\n'
            "type Flag interface {\nfunc suggestFlag(flags []Flag) string {\nvar ErrExit = x\n",
            [("Run", 4), ("Flag", 5), ("suggestFlag", 6), ("ErrExit", 7)],
        ),
        (
            "rust",
            "use crate::error::Error;\npub(crate) fn parse_number(s: &str) -> Number {\n"
            "pub struct Deserializer<R> {\nimpl Foo {\n    pub const fn from_parts() -> Self {\n"
            'macro_rules! tri {\npub const TOKEN: &str = "x";\npub enum Category {\n',
            [
                ("parse_number", 1),
                ("Deserializer", 2),
                ("from_parts", 4),
                ("tri", 5),
                ("TOKEN", 6),
                ("Category", 7),
            ],
        ),
        (
            "c",
            '#include "jv.h"\n#define MAX_DEPTH 256\nstatic int luaB_print (lua_State *L) {\n'
            "  return foo(L);\n}\njv jv_array_get(jv j, int idx);\nstatic jv\nf_keys(jq_state *jq) {\n"
            "typedef struct lexer_state {\n} LexState;\n",
            [
                ("MAX_DEPTH", 1),
                ("luaB_print", 2),
                ("jv_array_get", 5),
                ("f_keys", 7),
                ("lexer_state", 8),
                ("LexState", 9),
            ],
        ),
        (
            "lua",
            'local util = require("luarocks.util")\nlocal tools = {}\n'
            "function tools.execute_string(cmd)\nlocal function quote(arg)\n"
            "M.run_job = function(opts)\nfunction Path:absolute()\n",
            [("tools", 1), ("execute_string", 2), ("quote", 3), ("run_job", 4), ("absolute", 5)],
        ),
    ],
)
def test_definitions_per_language(family: str, text: str, expected: list[tuple[str, int]]) -> None:
    assert [(d.name, d.line) for d in definitions(text, family)] == expected


def test_a_signature_that_runs_over_lines_is_sent_whole() -> None:
    text = "def staggered_race(\n    factories,\n    delay):\n    pass\n"
    [found] = definitions(text, "python")
    assert found.signature == "def staggered_race("
    assert found.lines() == ["def staggered_race(", "    factories,", "    delay):"]


@pytest.mark.parametrize(
    ("family", "text", "expected"),
    [
        ("python", "from .core import Command\nimport os, sys\n", [".core", "os", "sys"]),
        ("js", "import { a } from './util'\nconst x = require('../lib/x')\n", ["./util", "../lib/x"]),
        ("go", 'import (\n\t"fmt"\n\tcli "github.com/urfave/cli/v3"\n)\n', ["fmt", "github.com/urfave/cli/v3"]),
        ("rust", "use crate::de::Deserializer;\nmod error;\n", ["crate::de::Deserializer", "error"]),
        ("c", '#include "lua.h"\n#include <stdio.h>\n', ["lua.h", "stdio.h"]),
        ("lua", 'local fs = require("luarocks.fs")\nlocal p = require "plenary.path"\n',
         ["luarocks.fs", "plenary.path"]),
    ],
)  # fmt: skip
def test_imports_per_language(family: str, text: str, expected: list[str]) -> None:
    assert imports(text, family) == expected


def test_names_imported_one_by_one() -> None:
    python = "from .utils import (\n    echo,\n    make_str as ms,\n)\n"
    assert imported_names(python, "python") == ["echo", "make_str"]
    js = "import { parse, type Shape } from './p'\n"
    assert imported_names(js, "js") == ["parse", "Shape"]
    assert imported_names("use crate::de::{from_str, Deserializer};\n", "rust") == [
        "from_str",
        "Deserializer",
    ]


FILES = Paths(
    [
        "src/click/core.py",
        "src/click/utils.py",
        "src/click/_compat/__init__.py",
        "lib/router/index.js",
        "lib/utils.ts",
        "cli/flag.go",
        "cli/command.go",
        "cli/command_test.go",
        "src/de.rs",
        "src/read/mod.rs",
        "src/lib.rs",
        "src/lparser.h",
        "include/jv.h",
        "src/luarocks/fs/tools.lua",
        "lua/plenary/path/init.lua",
    ]
)


@pytest.mark.parametrize(
    ("spec", "importer", "family", "expected"),
    [
        (".utils", "src/click/core.py", "python", ["src/click/utils.py"]),
        ("._compat", "src/click/core.py", "python", ["src/click/_compat/__init__.py"]),
        ("click.core", "tests/test_basic.py", "python", ["src/click/core.py"]),
        ("json", "src/click/core.py", "python", []),  # not in the workspace
        ("./router", "lib/app.js", "js", ["lib/router/index.js"]),
        ("./utils.js", "lib/app.ts", "js", ["lib/utils.ts"]),  # TypeScript's ESM spelling
        ("express", "lib/app.js", "js", []),  # a package, not a file
        ("github.com/urfave/cli/v3/cli", "main.go", "go", ["cli/command.go", "cli/flag.go"]),
        ("crate::de::Deserializer", "src/read/mod.rs", "rust", ["src/de.rs"]),
        ("read", "src/lib.rs", "rust", ["src/read/mod.rs"]),
        ("super::de", "src/read/mod.rs", "rust", ["src/de.rs"]),
        ("lparser.h", "src/lparser.c", "c", ["src/lparser.h"]),
        ("jv.h", "src/main.c", "c", ["include/jv.h"]),
        ("luarocks.fs.tools", "src/luarocks/cmd/x.lua", "lua", ["src/luarocks/fs/tools.lua"]),
        ("plenary.path", "tests/p_spec.lua", "lua", ["lua/plenary/path/init.lua"]),
    ],
)
def test_imports_resolve_to_workspace_files(
    spec: str, importer: str, family: str, expected: list[str]
) -> None:
    assert resolve(spec, importer, family, FILES) == expected


@pytest.mark.parametrize(
    ("family", "text", "expected"),
    [
        (
            "python",
            "import os.path as osp, sys\nimport a.b\nfrom . import utils\n"
            "from .core import (Command,\n    Group as G)\nfrom click import echo\n",
            {
                "osp": "os.path",
                "os.path": "os.path",
                "sys": "sys",
                "a": "a",
                "a.b": "a.b",
                "utils": ".utils",
                "Command": ".core.Command",
                "G": ".core.Group",
                "echo": "click.echo",
            },
        ),
        (
            "js",
            'import * as utils from "./utils"\nimport React, { useState } from "react"\n'
            'const fs = require("./fs")\nimport type T from "./t"\nimport { a } from "./a"\n',
            {"utils": "./utils", "React": "react", "fs": "./fs"},
        ),
        (
            "lua",
            'local M = require("plenary.path")\nlocal util = require "a.util"\nrequire("x")\n',
            {"M": "plenary.path", "util": "a.util"},
        ),
        (
            "go",
            'import (\n\t"fmt"\n\tcli "github.com/urfave/cli/v2"\n\t"github.com/x/go-yaml/v3"\n'
            '\t_ "embed"\n)\nimport "strings"\n',
            {
                "fmt": "fmt",
                "cli": "github.com/urfave/cli/v2",
                "yaml": "github.com/x/go-yaml/v3",
                "embed": "embed",
                "strings": "strings",
            },
        ),
        (
            "rust",
            "use crate::de::Deserializer;\nuse std::io;\nuse crate::error::{self, Error as E};\n"
            "mod read;\npub use super::value::Value as V;\n",
            {
                "Deserializer": "crate::de::Deserializer",
                "io": "std::io",
                "error": "crate::error",
                "E": "crate::error::Error",
                "V": "super::value::Value",
                "read": "read",
            },
        ),
        ("c", '#include "a.h"\n', {}),
    ],
)
def test_aliases_name_the_modules_a_file_imports(
    family: str, text: str, expected: dict[str, str]
) -> None:
    assert aliases(text, family) == expected
