"""Regular expressions in the server avoid what some supported Pythons match wrongly."""

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).parents[2] / "server" / "fim_lsp"
# A possessive quantifier on a group, `(?:ab|c)*+`: CPython 3.11.0 to 3.11.4 (Debian 12 ships
# 3.11.2) match it wrongly when the group can backtrack (CPython issues 106052 and 100061):
# `(?:\.\w++|\([^()]*\))*+` fully matched `a(b`, and a password ending in `(x]y` went unredacted.
# `(?>(?:...)*)`, an atomic group, means the same and is matched rightly on all of them.
POSSESSIVE_GROUP = re.compile(r"(?<!\\)\)(?:[*+?]|\{\d*(?:,\d*)?\})\+")


def test_no_possessive_quantifier_on_a_group() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for match in POSSESSIVE_GROUP.finditer(node.value):
                    where = f"{path.relative_to(PACKAGE)}:{node.lineno}"
                    found.append(
                        f"{where}: ...{node.value[max(0, match.start() - 30) : match.end()]}"
                    )
    assert found == [], "write `(?>(?:...)*)` for `(?:...)*+`:\n" + "\n".join(found)


def test_the_rule_sees_the_forms_it_names() -> None:
    for pattern in [r"(?:a|b)*+", r"(ab)++", r"(?:a)?+", r"(?:ab){1,3}+", r"(?:ab){2}+"]:
        assert POSSESSIVE_GROUP.search(pattern), pattern
    for pattern in [r"[ab]*+", r"\w++", r"\)*+", r"(?>(?:a|b)*)", r"(a)*"]:
        assert not POSSESSIVE_GROUP.search(pattern), pattern
