"""Settings: defaults, layered parsing from environment and editor, and validation that names each problem."""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fim_lsp.providers.catalog import NAMES

CHARS_PER_TOKEN = 3.5  # code runs 3 to 4 characters a token; the lower end keeps budgets honest
PROVIDERS = NAMES  # every provider the catalog knows, and auto
SECTION = "fimLsp"
ENV_PREFIX = "FIM_LSP_"


def _doc(text: str) -> dict[str, str]:
    return {"doc": text}


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the server can be told; field names are snake_case, wire names camelCase."""

    enable: bool = field(default=True, metadata=_doc("Turn suggestions on or off."))
    provider: str = field(
        default="auto",
        metadata=_doc(
            "`auto` (`mistral` if `MISTRAL_API_KEY` is set, else `codestral` if "
            "`CODESTRAL_API_KEY` is, else a local Ollama that answers), `mistral`, `codestral`, "
            "`ollama`, `llamacpp` or `openai`: see [docs/providers.md](docs/providers.md)."
        ),
    )
    model: str = field(
        default="codestral-latest", metadata=_doc("Model name sent to the provider.")
    )
    base_url: str = field(
        default="",
        metadata=_doc("Provider address; empty means the provider's own (e.g. a proxy or region)."),
    )
    max_tokens: int = field(default=128, metadata=_doc("Most tokens one suggestion may have."))
    min_tokens: int | None = field(default=None, metadata=_doc("Fewest tokens; unset: not sent."))
    temperature: float | None = field(
        default=0.0, metadata=_doc("Sampling temperature (0 gives repeatable suggestions).")
    )
    top_p: float | None = field(default=None, metadata=_doc("Nucleus sampling; unset: not sent."))
    stop: tuple[str, ...] = field(
        default=(), metadata=_doc("Extra stop strings sent with every request.")
    )
    random_seed: int | None = field(default=None, metadata=_doc("Seed; unset: not sent."))
    file_header: bool = field(
        default=True,
        metadata=_doc(
            "Start the prompt with a comment naming the file (its path in the workspace), "
            "as Codestral's users do."
        ),
    )
    extra_context_tokens: int = field(
        default=300,
        metadata=_doc(
            "Tokens of related code from other open files and recent edits sent with the prompt "
            "(as comments before it; to llama.cpp as `input_extra`); 0 turns it off."
        ),
    )
    max_lines: int = field(
        default=12, metadata=_doc("Most lines of a multi-line suggestion (a block ends sooner).")
    )
    cache_size: int = field(
        default=256, metadata=_doc("How many recent suggestions are kept for instant reuse.")
    )
    prefix_tokens: int = field(
        default=1800,
        metadata=_doc(
            "Tokens of the document before the cursor sent as the prompt (counted as 3.5 "
            "characters a token; whole lines; room the suffix leaves is lent to it)."
        ),
    )
    suffix_tokens: int = field(
        default=600,
        metadata=_doc("Tokens of the document after the cursor sent as the suffix (same rules)."),
    )
    debounce_ms: int = field(
        default=150,
        metadata=_doc("Wait after a keystroke before calling the provider (automatic triggers)."),
    )
    adaptive_debounce: bool = field(
        default=True,
        metadata=_doc(
            "Fit the debounce to the typing rhythm: a bit over the usual gap between keys, "
            "from a third to three times `debounceMs`."
        ),
    )
    timeout_ms: int = field(
        default=10000, metadata=_doc("Give up on a provider request after this long in all.")
    )
    connect_timeout_ms: int = field(
        default=3000,
        metadata=_doc("Give up connecting to the provider (DNS, TCP and TLS) after this long."),
    )
    first_token_timeout_ms: int = field(
        default=6000,
        metadata=_doc("Give up on a request whose first text has not come after this long."),
    )
    allow_http: bool = field(
        default=False,
        metadata=_doc(
            "Allow a plain `http://` `baseUrl` to a host other than this machine (loopback "
            "addresses always may use http); without it such an address is refused."
        ),
    )
    redact_secrets: bool = field(
        default=True,
        metadata=_doc(
            "Replace secret-looking strings (API keys, tokens, passwords, private key blocks) "
            "in what is sent with `[REDACTED]`."
        ),
    )
    respect_gitignore: bool = field(
        default=False,
        metadata=_doc("Never send files git ignores (asks `git check-ignore`)."),
    )
    prefetch: bool = field(
        default=True,
        metadata=_doc(
            "After a suggestion is accepted whole, fetch the next one at once (at most one at a "
            "time, stopped by any edit), so it is often ready when asked for."
        ),
    )
    adapt_to_usage: bool = field(
        default=True,
        metadata=_doc(
            "Learn from what is accepted: one-line automatic suggestions when mostly only first "
            "lines are kept, and a longer wait before asking when none are accepted (needs an "
            "editor that reports shown and accepted suggestions, as ours do)."
        ),
    )
    exclude: tuple[str, ...] = field(
        default=(),
        metadata=_doc(
            "Glob patterns of files never sent, on top of the built-in ones for secrets "
            "(`.env*`, `*.pem`, `*.key`, `id_rsa*`, ...); a pattern with `/` matches the path."
        ),
    )
    disabled_languages: tuple[str, ...] = field(
        default=(), metadata=_doc("Language ids (e.g. `markdown`) that get no suggestions.")
    )


def chars(tokens: int) -> int:
    """The characters a token budget stands for."""
    return int(tokens * CHARS_PER_TOKEN)


def tokens(characters: int) -> int:
    """The tokens some characters stand for, estimated (providers do not all report them)."""
    return math.ceil(characters / CHARS_PER_TOKEN) if characters > 0 else 0


def wire_name(name: str) -> str:
    """Turn a snake_case field name into its camelCase wire name."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def env_name(name: str) -> str:
    """The environment variable that sets a field, e.g. FIM_LSP_MAX_TOKENS."""
    return ENV_PREFIX + name.upper()


class _Invalid(ValueError):
    pass


def _boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    raise _Invalid("expected true or false")


def _integer(low: int, high: int) -> Callable[[object], int]:
    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise _Invalid(f"expected a whole number from {low} to {high}")
        if not low <= value <= high:
            raise _Invalid(f"expected a whole number from {low} to {high}")
        return value

    return check


def _number(low: float, high: float) -> Callable[[object], float]:
    def check(value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Invalid(f"expected a number from {low} to {high}")
        if not low <= value <= high:
            raise _Invalid(f"expected a number from {low} to {high}")
        return float(value)

    return check


def _optional(check: Callable[[object], Any]) -> Callable[[object], Any]:
    return lambda value: None if value is None else check(value)


def _choice(options: tuple[str, ...]) -> Callable[[object], str]:
    def check(value: object) -> str:
        if value not in options:
            raise _Invalid("expected one of " + ", ".join(options))
        return str(value)

    return check


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid("expected a non-empty string")
    return value.strip()


def _url(value: object) -> str:
    if not isinstance(value, str):
        raise _Invalid("expected an http:// or https:// address")
    value = value.strip().rstrip("/")
    if value and not re.match(r"https?://[^/\s]+", value):
        raise _Invalid("expected an http:// or https:// address")
    return value


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise _Invalid("expected a list of strings")


_CHECKS: dict[str, Callable[[object], Any]] = {
    "enable": _boolean,
    "provider": _choice(PROVIDERS),
    "model": _text,
    "base_url": _url,
    "max_tokens": _integer(1, 8192),
    "min_tokens": _optional(_integer(0, 8192)),
    "temperature": _optional(_number(0.0, 2.0)),
    "top_p": _optional(_number(0.0, 1.0)),
    "stop": _strings,
    "random_seed": _optional(_integer(0, 2**63 - 1)),
    "file_header": _boolean,
    "extra_context_tokens": _integer(0, 100_000),
    "max_lines": _integer(1, 200),
    "cache_size": _integer(1, 100_000),
    "prefix_tokens": _integer(10, 250_000),
    "suffix_tokens": _integer(0, 250_000),
    "debounce_ms": _integer(0, 10_000),
    "adaptive_debounce": _boolean,
    "timeout_ms": _integer(100, 600_000),
    "connect_timeout_ms": _integer(100, 600_000),
    "first_token_timeout_ms": _integer(100, 600_000),
    "allow_http": _boolean,
    "redact_secrets": _boolean,
    "respect_gitignore": _boolean,
    "prefetch": _boolean,
    "adapt_to_usage": _boolean,
    "exclude": _strings,
    "disabled_languages": _strings,
}
FIELDS = tuple(f.name for f in dataclasses.fields(Settings))
_BY_WIRE = {wire_name(name): name for name in FIELDS}


def _shown(value: object) -> str:
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def editor_label(key: str) -> str:
    """How a problem names an editor setting."""
    return f"setting {SECTION}.{key}"


def env_label(key: str) -> str:
    """How a problem names an environment variable."""
    return f"environment variable {env_name(_BY_WIRE[key])}"


def apply_layer(
    settings: Settings, layer: Mapping[str, object], label: Callable[[str], str] = editor_label
) -> tuple[Settings, list[str]]:
    """Apply one source of camelCase settings; bad values keep what `settings` had and name the problem."""
    changes: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in layer.items():
        name = _BY_WIRE.get(key)
        if name is None:
            continue  # editors send their own keys in the same section (e.g. client-only settings)
        try:
            changes[name] = _CHECKS[name](value)
        except _Invalid as error:
            problems.append(
                f"{label(key)} = {_shown(value)} is not valid ({error}); "
                f"using {_shown(getattr(settings, name))}."
            )
    return dataclasses.replace(settings, **changes), problems


def env_layer(environ: Mapping[str, str]) -> dict[str, object]:
    """Read FIM_LSP_* variables into a camelCase layer; values are JSON or plain strings."""
    layer: dict[str, object] = {}
    for name in FIELDS:
        raw = environ.get(env_name(name))
        if raw is None:
            continue
        value: object
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw
        if name in ("stop", "exclude", "disabled_languages") and isinstance(value, str):
            value = [item for item in value.split(",") if item]
        layer[wire_name(name)] = value
    return layer


def section_of(options: object) -> Mapping[str, object]:
    """Find our settings in initializationOptions or didChangeConfiguration settings."""
    if not isinstance(options, Mapping):
        return {}
    nested = options.get(SECTION)
    if isinstance(nested, Mapping):
        return nested
    return options


def resolve(
    environ: Mapping[str, str], editor_layers: Iterable[Mapping[str, object]] = ()
) -> tuple[Settings, list[str]]:
    """Defaults, then FIM_LSP_* variables, then each editor layer in order; returns all problems."""
    settings, problems = apply_layer(Settings(), env_layer(environ), env_label)
    for layer in editor_layers:
        settings, more = apply_layer(settings, layer)
        problems += more
    return settings, problems
