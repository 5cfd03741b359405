"""Secret-looking strings in a prompt are replaced by a placeholder before the prompt leaves the machine."""

# What is caught, and the trade-offs:
# - Provider formats (AWS key ids, GitHub, GitLab, Slack, Stripe, OpenAI/Anthropic, Google keys,
#   JWTs, bearer/basic credentials, passwords in URLs, private key blocks) are caught wherever
#   they appear, whatever the surrounding name.
# - Anything else counts only as the value of a name that suggests a secret (password, token,
#   apiKey, SECRET_KEY, ...) and only if the value looks random: a chunk with symbols, with two
#   or more runs of digits, with scrambled case or with too few vowels. Shannon entropy is not
#   used: on strings this short it cannot tell "sha256WithRSAEncryption" from a key.
# - So a UUID, a git SHA or base64 image data under an ordinary name stays, and under `token =`
#   it goes. A secret made only of words ("correcthorsebattery"), or one glued together in code
#   ("abc" + "def"), stays. Redacting a harmless string costs the model a little context;
#   leaking a key costs the user the key, so where the two are close the checks lean towards
#   redacting.
# - A value may hold any printable characters. Quoted, it runs to its closing quote (escaped or
#   doubled quotes inside). Bare, it may hold `#` and `$` (a comment needs a space before it,
#   and `$VAR` or `#` starting the value reads as a variable or a comment); and a bare value
#   that ends the line, before a comment, may hold any printable characters but quotes, if it
#   has letters and digits and does not read as code (`f(x)`, `a[i]`, `Map<K,V>`, `a||b`, a
#   trailing `,`). In a URL the password runs to the last `@` and may hold `#` and `$`.
#   tests/unit/privacy/test_redaction.py keeps the table of what is caught and what is not.
# - Only the value is replaced, so the code the model sees keeps its shape.
# - Every pattern starts with a literal, which re finds with a fast scan, and none backtracks
#   (possessive quantifiers, bounded names), so ordinary code costs a few quick scans.

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from typing import NamedTuple

from fim_lsp.privacy.scrub import PLACEHOLDER  # one placeholder for prompts and messages

MIN_KNOWN = 8  # shorter known values would redact ordinary words
MAX_PASSES = 3  # a redaction can expose another match only in contrived text

Span = tuple[int, int]

_PLACEHOLDER_TEXT = re.compile(
    r"(?i)x{5}|\*{3}|\.{3}|<[^<>]*>|\{[^}]*\}|%\(|\[redacted\]|change_?(?:me|it)|your[_-]|example|"
    r"placeholder|dummy|replace[_-]?(?:me|with)"
)
_PLACEHOLDER_VALUES = frozenset(
    {"password", "passwd", "pass", "secret", "token", "changeme", "changeit", "none", "null"}
)
_SEPARATORS = re.compile(r"[_\-./:]+")
_DIGIT_RUN = re.compile(r"\d+")
_SCRAMBLED = re.compile(r"(?<=[A-Z])[a-z](?=[A-Z])")


def _is_placeholder(value: str) -> bool:
    return (
        not value
        or value[0] in "${"  # $VAR, ${VAR}, {name}
        or value[0] == value[-1] == "%"  # %VAR%
        or value.lower() in _PLACEHOLDER_VALUES
        or _PLACEHOLDER_TEXT.search(value) is not None
    )


def _random_chunk(chunk: str) -> bool:
    if len(chunk) < 4:
        return False
    if not chunk.isalnum() or len(_DIGIT_RUN.findall(chunk)) >= 2:
        return True  # P@ss!, s3cr3t, a1b2c3
    if len(_SCRAMBLED.findall(chunk)) >= 2:
        return True  # qWeRtY: camelCase words have no one-letter words between capitals
    letters = [c for c in chunk.lower() if c.isalpha()]
    vowels = sum(c in "aeiou" for c in letters)
    return len(letters) >= 16 and vowels < len(letters) / 4  # words have a vowel in three letters


def looks_random(value: str) -> bool:
    """True if `value` could be a generated secret rather than a word, a path, a URL or a template."""
    if len(value) < 8 or not value.isprintable() or " " in value:
        return False
    if _is_placeholder(value) or "://" in value:
        return False
    return any(_random_chunk(chunk) for chunk in _SEPARATORS.split(value))


def _any(value: str) -> bool:
    return not _is_placeholder(value)


def _mixed(value: str) -> bool:
    has_digit = any(c.isdigit() for c in value)
    return has_digit and any(c.isalpha() for c in value) and not _is_placeholder(value)


class Rule(NamedTuple):
    """A format of secret: where it is, which part of it to hide, and a last check on that part."""

    # a leading \b, lookbehind or character class would make re try every position, ~10x slower
    pattern: re.Pattern[str]
    check: Callable[[str], bool]
    group: int | str = 0
    word_start: bool = True  # the match must not continue a word
    back: int = 0  # characters before the match that belong to it (checked by a lookbehind)


RULES: tuple[Rule, ...] = (
    Rule(re.compile(r"(?:AKIA|ASIA)[A-Z0-9]{16}\b"), _any),
    Rule(re.compile(r"(?:gh[pousr]_[A-Za-z0-9]{30,251}|github_pat_[A-Za-z0-9_]{22,251})\b"), _any),
    Rule(re.compile(r"glpat-[A-Za-z0-9_.-]{20,250}+"), _any),
    Rule(re.compile(r"(?:xox[abprs]|xapp)-[A-Za-z0-9-]{10,250}+"), _mixed),
    Rule(re.compile(r"k_(?<=[rs]k_)(?:live|test)_[A-Za-z0-9]{16,247}\b"), _any, back=1),
    Rule(re.compile(r"sk-[A-Za-z0-9_-]{20,300}+"), looks_random),
    Rule(re.compile(r"AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])"), _any),
    Rule(re.compile(r"eyJ[A-Za-z0-9_-]{8,}+\.eyJ[A-Za-z0-9_-]{8,}+\.[A-Za-z0-9_-]*+"), _any),
    # the password runs to the last @ before the host: `#`, `$` and `@` are often left unescaped
    Rule(re.compile(r"://[^\s:/?#@\[\]\"'`<>]*+:(?P<v>[^\s/?\"'`<>]+)@"), _any, "v", False),
)


def _folded(pattern: str, flags: int = 0) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """`pattern` (lowercase) for the lowercased text, and caseless for text that lowercasing lengthens."""
    return re.compile(pattern, flags), re.compile(pattern, flags | re.IGNORECASE)


_TOKEN = r"[ \t]+(?P<v>[a-z0-9._~+/-]{16,2048}+=*+)"
_HEADER_RULES = tuple(
    (Rule(folded, _mixed, "v"), Rule(caseless, _mixed, "v"))
    for folded, caseless in (
        _folded("bearer" + _TOKEN),
        _folded(r"authorization\W{0,3}[:=]\W{0,3}(?:basic|token|bearer)?" + _TOKEN),
    )
)

# A quoted or bare value; the last group to match is the value's, whichever it is. A quote
# inside is escaped or doubled (YAML, SQL, C# verbatim). A bare value is a word that may hold
# `#` and `$` (a shell, YAML or .ini comment needs a space before it, and $VAR starts a value),
# or, when it ends the line (before a comment), any printable characters but quotes and spaces.
_VALUE = r"""
    (?:
        (?:[rRbBuUfF]{1,2}|@|\$)?
        (?: "(?P<v1>[^"\\\r\n]*+(?>(?:(?:\\.|"")[^"\\\r\n]*+)*))"
          | '(?P<v2>[^'\\\r\n]*+(?>(?:(?:\\.|'')[^'\\\r\n]*+)*))'
          | `(?P<v3>[^`\\\r\n]*+(?>(?:\\.[^`\\\r\n]*+)*))`
        )
      | (?P<v4>[\w+/.~!@%^&*-][\w+/.~!@%^&*\#$-]{7,1023}+=*+)(?=[\s,;)}\]]|$)
      | (?P<v6>[^\s"'`$\#{(\[<][^\s"'`]{7,255}+)(?=[ \t]*(?:[\r\n]|$)|[ \t]+(?:\#|;|//))
    )
"""
# A name that may suggest a secret, then what assigns to it and the value, or an XML element.
_ASSIGNMENT = (
    r"""
    (?P<name>{keyword}[\w.-]{0,64}+)                   # a word of the name, then the rest
    (?:
        >(?P<v5>[^<>\s]{8,1024}+)</                     # <password>value</password>
      | (?:["']\]?|\])?                                 # end of "a key": or ["subscript"] =
        [ \t]*
        (?:
            :[ \t]*[A-Za-z_][\w.\[\], |]{0,60}?[ \t]*=(?![=>~])  # annotated: token: str = ...
          | [!=]==? | :=(?!=) | [?|+]?=(?![=>~]) | => | :(?!:)
        )
        [ \t]*
"""
    + _VALUE
    + r"""
    )
"""
)
# The name and the value as two fields: Kubernetes env (name:, then value: on the next line),
# ECS task definitions ({"name": ..., "value": ...}), .NET appSettings (<add key= value=/>).
_PAIR = (
    r"""
    {keyword}["']?[ \t]*[:=][ \t]*["']?
    (?P<name>[\w.-]{1,64}+)["']?                        # the declared name
    [ \t]*,?[ \t]*(?:\r?\n[ \t]*)?                      # the value on the same line or the next
    ["']?value["']?[ \t]*[:=][ \t]*
"""
    + _VALUE
)
_ASSIGNMENTS = tuple(
    _folded(pattern.replace("{keyword}", keyword), re.VERBOSE)
    for pattern, keywords in (
        (_ASSIGNMENT, ("pass", "pwd", "secret", "token", "auth", "cred", "key")),
        (_PAIR, ("name", "key")),
    )
    for keyword in keywords
)
_NAME_CHARS = re.compile(r"[\w.-]{0,64}\Z")
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_SECRET_WORDS = frozenset(
    {"pass", "pwd", "auth", "cred", "creds", "credential", "credentials", "key", "secrets"}
)
_SECRET_ENDINGS = ("password", "passwd", "passphrase", "secret", "token", "apikey", "privatekey")
# a name ending in one of these holds something about a secret, not the secret itself
# fmt: off
_NOT_SECRET_LAST = frozenset({
    "url", "uri", "endpoint", "host", "path", "file", "filename", "dir", "name", "id", "arn",
    "type", "kind", "length", "len", "size", "count", "max", "min", "header", "field", "prompt",
    "label", "message", "msg", "hint", "env", "var", "regex", "pattern", "format", "expiry",
    "expires", "expiration", "ttl", "timeout", "enabled", "required", "mode", "policy", "provider",
    "method", "scheme", "prefix", "suffix", "version", "scope", "scopes", "algorithm", "alg",
    "store", "location",
})
# fmt: on

_KEY_BEGIN = re.compile(r"-----BEGIN (?P<kind>(?:[A-Z0-9]+ ){0,3})PRIVATE KEY(?: BLOCK)?-----")
_KEY_END = re.compile(r"-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----")
_KEY_BODY_REVERSED = re.compile(r"[A-Za-z0-9+/=\s\\:,-]*")
_BASE64_LINE = re.compile(r"[A-Za-z0-9+/=]{16}")


def _secret_name(name: str) -> bool:
    words = [word.lower() for word in _WORD.findall(name)]
    if not words or words[-1] in _NOT_SECRET_LAST:
        return False
    return any(word in _SECRET_WORDS or word.endswith(_SECRET_ENDINGS) for word in words)


_ARGS = r"\((?>(?:[^()]|\([^()]*\))*)\)|\[(?>(?:[^\[\]]|\[[^\[\]]*\])*)\]|<[^<>]*>"
_EXPRESSION = re.compile(rf"[!&*-]?[\w$]++(?>(?:\.[\w$]++|{_ARGS})*)")
_OPERATORS = ("=>", "->", "::", "&&", "||", "??", "==", "!=")


def _reads_as_code(value: str) -> bool:
    """A call, an index, a generic, an operator, or a line that goes on."""
    if not value or value[-1] in ",;({[\\" or any(op in value for op in _OPERATORS):
        return True
    return any(c in value for c in "([<") and _EXPRESSION.fullmatch(value) is not None


def _bare_secret(value: str) -> bool:
    """A bare value with any characters at the end of a line: letters and digits, and no code."""
    if not (any(c.isalpha() for c in value) and any(c.isdigit() for c in value)):
        return False
    code = value.partition("#")[0]  # a # glued to code starts a comment: `f(x)#note`
    return not (_reads_as_code(value) or (code != value and _reads_as_code(code)))


def _assignments(text: str, scanned: str, pattern: re.Pattern[str]) -> Iterator[Span]:
    for match in pattern.finditer(scanned):
        group = match.lastgroup or "name"
        if group == "name":
            continue
        value = text[match.start(group) : match.end(group)]
        if not looks_random(value) or (group == "v6" and not _bare_secret(value)):
            continue
        start, end = match.span("name")
        head = (
            _NAME_CHARS.search(text, max(0, start - 64), start) if start == match.start() else None
        )
        if _secret_name((head.group() if head else "") + text[start:end]):
            yield match.span(group)


def _formats(text: str, scanned: str, rules: Collection[Rule]) -> Iterator[Span]:
    for rule in rules:
        for match in rule.pattern.finditer(scanned):
            first = match.start() - rule.back
            before = text[first - 1 : first] if first else ""
            if rule.word_start and (before.isalnum() or before == "_"):
                continue
            start, end = match.span(rule.group)
            if rule.group == 0:
                start = first
            value = text[start:end]
            if value != PLACEHOLDER and rule.check(value):
                yield start, end


def _trimmed(text: str, start: int, end: int) -> Span | None:
    """The body between `start` and `end` without its outer whitespace, unless there is nothing to hide."""
    body = text[start:end]
    stripped = body.strip()
    if not stripped or stripped == PLACEHOLDER:
        return None
    lead = len(body) - len(body.lstrip())
    return start + lead, start + lead + len(stripped)


def _key_blocks(text: str) -> Iterator[Span]:
    pos = 0
    ends_found: list[int] = []
    while (begin := _KEY_BEGIN.search(text, pos)) is not None:
        end_line = f"-----END {begin['kind']}PRIVATE KEY"
        end = text.find(end_line, begin.end())
        stop = len(text) if end < 0 else end  # no END yet: the cursor may be inside the key
        if (span := _trimmed(text, begin.end(), stop)) is not None:
            yield span
        ends_found.append(stop)
        pos = len(text) if end < 0 else end + len(end_line)
    # an END without its BEGIN: the text after the cursor starts inside a key
    previous = 0
    for end_match in _KEY_END.finditer(text):
        end = end_match.start()
        if end not in ends_found and (span := _body_before(text, previous, end)) is not None:
            yield span
        previous = end_match.end()


def _body_before(text: str, start: int, end: int) -> Span | None:
    """The run of key-body characters that ends at `end` (no further back than `start`), if it has base64."""
    run = _KEY_BODY_REVERSED.match(text[start:end][::-1])
    start = end - (run.end() if run else 0)
    if _BASE64_LINE.search(text, start, end) is None:
        return None
    return _trimmed(text, start, end)


def _known(text: str, known: Collection[str]) -> Iterator[Span]:
    for value in known:
        if len(value) < MIN_KNOWN or PLACEHOLDER in value:
            continue
        start = text.find(value)
        while start >= 0:
            yield start, start + len(value)
            start = text.find(value, start + len(value))


def find(text: str, known: Collection[str] = ()) -> list[Span]:
    """The spans of `text` to hide, sorted and merged where they overlap."""
    spans = list(_known(text, known))
    if "-----" in text:
        spans.extend(_key_blocks(text))
    spans.extend(_formats(text, text, RULES))
    lowered = text.lower()
    if len(lowered) != len(text):  # only U+0130 (İ) lowercases to two characters
        lowered = text.replace("\u0130", "i").lower()
    aligned = len(lowered) == len(text)  # else fall back to the slower caseless patterns
    scanned = lowered if aligned else text
    which = 0 if aligned else 1
    spans.extend(_formats(text, scanned, [pair[which] for pair in _HEADER_RULES]))
    for pair in _ASSIGNMENTS:
        spans.extend(_assignments(text, scanned, pair[which]))
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = merged[-1][0], max(end, merged[-1][1])
        else:
            merged.append((start, end))
    return merged


def redact(text: str, known: Collection[str] = ()) -> tuple[str, int]:
    """`text` with secret-looking strings replaced by a placeholder, and how many were replaced."""
    count = 0
    for _ in range(MAX_PASSES):
        spans = find(text, known)
        if not spans:
            break
        parts: list[str] = []
        last = 0
        for start, end in spans:
            parts += (text[last:start], PLACEHOLDER)
            last = end
        parts.append(text[last:])
        text = "".join(parts)
        count += len(spans)
    return text, count
