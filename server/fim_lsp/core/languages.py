"""How each language writes a line comment, for file-path headers and the fitting rules."""

from __future__ import annotations

_HASH = ("#", "")
_SLASHES = ("//", "")
_DASHES = ("--", "")
_COMMENTS: dict[str, tuple[str, str]] = {
    **dict.fromkeys(
        (
            "python",
            "ruby",
            "perl",
            "shellscript",
            "sh",
            "bash",
            "zsh",
            "fish",
            "r",
            "yaml",
            "toml",
            "dockerfile",
            "makefile",
            "cmake",
            "elixir",
            "julia",
            "nim",
            "powershell",
            "coffeescript",
            "graphql",
            "terraform",
            "hcl",
            "nix",
            "crystal",
            "tcl",
            "ini",
            "properties",
            "gitignore",
            "awk",
            "starlark",
        ),
        _HASH,
    ),
    **dict.fromkeys(
        (
            "c",
            "cpp",
            "csharp",
            "java",
            "javascript",
            "javascriptreact",
            "typescript",
            "typescriptreact",
            "go",
            "rust",
            "swift",
            "kotlin",
            "scala",
            "dart",
            "php",
            "groovy",
            "objective-c",
            "objective-cpp",
            "zig",
            "d",
            "jsonc",
            "proto",
            "solidity",
            "glsl",
            "hlsl",
            "wgsl",
            "verilog",
            "systemverilog",
            "v",
            "odin",
            "gleam",
            "typst",
            "less",
            "scss",
            "fsharp",
        ),
        _SLASHES,
    ),
    **dict.fromkeys(("lua", "sql", "haskell", "elm", "ada", "vhdl", "purescript", "agda"), _DASHES),
    **dict.fromkeys(("lisp", "clojure", "scheme", "racket", "fennel", "asm", "nasm"), (";", "")),
    **dict.fromkeys(("erlang", "tex", "latex", "bibtex", "matlab", "prolog"), ("%", "")),
    **dict.fromkeys(("html", "xml", "markdown", "svelte", "vue", "xsl", "svg"), ("<!--", " -->")),
    **dict.fromkeys(("css",), ("/*", " */")),
    **dict.fromkeys(("ocaml", "reason"), ("(*", " *)")),
    **dict.fromkeys(("vim", "viml"), ('"', "")),
    **dict.fromkeys(("fortran", "fortran-modern"), ("!", "")),
    **dict.fromkeys(("bat", "batch"), ("REM", "")),
}


def line_comment(language_id: str) -> str | None:
    """The marker that starts a comment running to the end of the line, if the language has one."""
    opening, closing = _COMMENTS.get(language_id.lower(), ("", ""))
    return opening if opening and not closing else None


def path_comment(language_id: str, path: str) -> str:
    """A comment line naming the file, e.g. `# path: src/app.py`; empty for unknown languages."""
    opening, closing = _COMMENTS.get(language_id.lower(), ("", ""))
    if not opening or not path:
        return ""
    return f"{opening} path: {path}{closing}\n"
