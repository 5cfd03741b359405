"""Settings: one definition of each (type, default, bounds, title, scope), parsing and checks."""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from fim_lsp.providers.catalog import AUTO_KEYS, NAMES

CHARS_PER_TOKEN = 3.5  # code runs 3 to 4 characters a token; the lower end keeps budgets honest
PROVIDERS = NAMES  # every provider the catalog knows, and auto
SECTION = "fimLsp"
ENV_PREFIX = "FIM_LSP_"
AUTOMATIC, MANUAL = "automatic", "manual"
TRIGGER_MODES = (AUTOMATIC, MANUAL)
MAX_SUGGESTIONS = 5
# the top of Mistral's recommended range (0 to 0.7): different answers that still make sense
ALTERNATIVE_TEMPERATURE = 0.7

Kind = Literal["boolean", "integer", "number", "text", "url", "choice", "strings"]
# VS Code configuration scopes: `application` settings are read from the user's own settings only
# (never a workspace's, a remote machine's or a dev container's); `window` ones from any of them.
Scope = Literal["application", "window"]


@dataclass(frozen=True, slots=True)
class Spec:
    """What a setting is besides its Python type and default: its kind, bounds or choices, a title
    and a description for people, and where VS Code may read it from."""

    kind: Kind
    title: str
    doc: str
    scope: Scope = "window"
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    optional: bool = False  # null is allowed, and means "not sent"


# Settings that decide where the key and the code go: no repository may choose them.
WHERE_IT_GOES: Scope = "application"
AUTO_DOC = (
    ", else ".join(f"`{name}` if `{variable}` is set" for variable, name in AUTO_KEYS)
    + ", else a local Ollama that answers"
)


def _flag(title: str, doc: str, **more: Any) -> dict[str, Spec]:
    return {"spec": Spec("boolean", title, doc, **more)}


def _whole(title: str, low: int, high: int, doc: str, **more: Any) -> dict[str, Spec]:
    return {"spec": Spec("integer", title, doc, low=low, high=high, **more)}


def _real(title: str, low: float, high: float, doc: str, **more: Any) -> dict[str, Spec]:
    return {"spec": Spec("number", title, doc, low=low, high=high, **more)}


def _spec(kind: Kind, title: str, doc: str, **more: Any) -> dict[str, Spec]:
    return {"spec": Spec(kind, title, doc, **more)}


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the server can be told; field names are snake_case, wire names camelCase.

    Each field's metadata holds its `Spec`: this class is the one definition the checks below, the
    VS Code manifest, the README tables and the Neovim health check are made from
    (`python -m fim_lsp.copies` rewrites the copies).
    """

    enable: bool = field(
        default=True,
        metadata=_flag(
            "Enable",
            "Turn suggestions on or off: off, none come, not even when asked for (see "
            "`triggerMode` for suggestions only on request).",
        ),
    )
    trigger_mode: str = field(
        default=AUTOMATIC,
        metadata=_spec(
            "choice",
            "Trigger mode",
            "`automatic`: suggestions come as you type; `manual`: only when you ask for one "
            "(the editor's trigger key, e.g. `Alt+\\` in VS Code), and typing sends nothing to "
            "the provider (nor is the next suggestion fetched ahead), though a suggestion you "
            "asked for stays as you type it.",
            choices=TRIGGER_MODES,
        ),
    )
    suggestions: int = field(
        default=1,
        metadata=_whole(
            "Suggestions",
            1,
            MAX_SUGGESTIONS,
            "How many different suggestions a request you make yourself may get, to go through "
            "with the editor's next and previous keys (in VS Code `Alt+]` and `Alt+[`); "
            "automatic requests get one. Each one beyond the first is one more provider request "
            f"(sampled at a temperature of at least {ALTERNATIVE_TEMPERATURE}, each with its own "
            "seed, of at most `maxTokens`); the statistics count them apart.",
        ),
    )
    provider: str = field(
        default="auto",
        metadata=_spec(
            "choice",
            "Provider",
            f"Which provider serves suggestions: `auto` ({AUTO_DOC}), `mistral`, `codestral`, "
            "`ollama`, `llamacpp` or `openai` (docs/providers.md has them all).",
            choices=PROVIDERS,
            scope=WHERE_IT_GOES,
        ),
    )
    model: str = field(
        default="codestral-latest",
        metadata=_spec("text", "Model", "Model name sent to the provider.", scope=WHERE_IT_GOES),
    )
    base_url: str = field(
        default="",
        metadata=_spec(
            "url",
            "Base URL",
            "Provider address; empty means the provider's own (e.g. a proxy or region).",
            scope=WHERE_IT_GOES,
        ),
    )
    max_tokens: int = field(
        default=128, metadata=_whole("Max tokens", 1, 8192, "Most tokens one suggestion may have.")
    )
    min_tokens: int | None = field(
        default=None,
        metadata=_whole("Min tokens", 0, 8192, "Fewest tokens; unset: not sent.", optional=True),
    )
    temperature: float | None = field(
        default=0.0,
        metadata=_real(
            "Temperature",
            0.0,
            2.0,
            "Sampling temperature (0 gives repeatable suggestions).",
            optional=True,
        ),
    )
    top_p: float | None = field(
        default=None,
        metadata=_real("Top p", 0.0, 1.0, "Nucleus sampling; unset: not sent.", optional=True),
    )
    stop: tuple[str, ...] = field(
        default=(),
        metadata=_spec("strings", "Stop strings", "Extra stop strings sent with every request."),
    )
    random_seed: int | None = field(
        default=None,
        metadata=_whole("Random seed", 0, 2**63 - 1, "Seed; unset: not sent.", optional=True),
    )
    file_header: bool = field(
        default=True,
        metadata=_flag(
            "File header",
            "Start the prompt with a comment naming the file (its path in the workspace), "
            "as Codestral's users do.",
        ),
    )
    extra_context_tokens: int = field(
        default=300,
        metadata=_whole(
            "Extra context (tokens)",
            0,
            100_000,
            "Tokens of related code from other open files and recent edits sent with the prompt "
            "(as comments before it; to llama.cpp as `input_extra`); 0 turns it off.",
        ),
    )
    workspace_definitions: bool = field(
        default=True,
        metadata=_flag(
            "Definitions from the workspace",
            "Read the workspace's code files (on a thread, at most 5,000) so the extra context "
            "can hold the definitions of names used near the cursor and in the file's imports, "
            "also from files that are not open; excluded and ignored files are never sent.",
        ),
    )
    max_lines: int = field(
        default=12,
        metadata=_whole(
            "Max lines", 1, 200, "Most lines of a multi-line suggestion (a block ends sooner)."
        ),
    )
    cache_size: int = field(
        default=256,
        metadata=_whole(
            "Cache size", 1, 100_000, "How many recent suggestions are kept for instant reuse."
        ),
    )
    prefix_tokens: int = field(
        default=1800,
        metadata=_whole(
            "Prefix (tokens)",
            10,
            250_000,
            "Tokens of the document before the cursor sent as the prompt (counted as 3.5 "
            "characters a token; whole lines; room the suffix leaves is lent to it).",
        ),
    )
    suffix_tokens: int = field(
        default=600,
        metadata=_whole(
            "Suffix (tokens)",
            0,
            250_000,
            "Tokens of the document after the cursor sent as the suffix (same rules).",
        ),
    )
    debounce_ms: int = field(
        default=150,
        metadata=_whole(
            "Debounce (ms)",
            0,
            10_000,
            "Wait after a keystroke before calling the provider (automatic triggers).",
        ),
    )
    adaptive_debounce: bool = field(
        default=True,
        metadata=_flag(
            "Adaptive debounce",
            "Fit the debounce to the typing rhythm: a bit over the usual gap between keys, "
            "from a third to three times `debounceMs`.",
        ),
    )
    timeout_ms: int = field(
        default=10000,
        metadata=_whole(
            "Timeout (ms)", 100, 600_000, "Give up on a provider request after this long in all."
        ),
    )
    connect_timeout_ms: int = field(
        default=3000,
        metadata=_whole(
            "Connect timeout (ms)",
            100,
            600_000,
            "Give up connecting to the provider (DNS, TCP and TLS) after this long.",
        ),
    )
    first_token_timeout_ms: int = field(
        default=6000,
        metadata=_whole(
            "First token timeout (ms)",
            100,
            600_000,
            "Give up on a request whose first text has not come after this long.",
        ),
    )
    allow_http: bool = field(
        default=False,
        metadata=_flag(
            "Allow plain HTTP",
            "Allow a plain `http://` `baseUrl` to a host other than this machine (loopback "
            "addresses always may use http); without it such an address is refused.",
            scope=WHERE_IT_GOES,
        ),
    )
    redact_secrets: bool = field(
        default=True,
        metadata=_flag(
            "Redact secrets",
            "Replace secret-looking strings (API keys, tokens, passwords, private key blocks) "
            "in what is sent with `[REDACTED]`.",
        ),
    )
    respect_gitignore: bool = field(
        default=False,
        metadata=_flag(
            "Respect .gitignore", "Never send files git ignores (asks `git check-ignore`)."
        ),
    )
    prefetch: bool = field(
        default=True,
        metadata=_flag(
            "Prefetch",
            "After a suggestion is accepted whole, fetch the next one at once (at most one at a "
            "time, stopped by any edit), so it is often ready when asked for.",
        ),
    )
    adapt_to_usage: bool = field(
        default=True,
        metadata=_flag(
            "Adapt to usage",
            "Learn from what is accepted: one-line automatic suggestions when mostly only first "
            "lines are kept, and a longer wait before asking when none are accepted (needs an "
            "editor that reports shown and accepted suggestions, as ours do).",
        ),
    )
    exclude: tuple[str, ...] = field(
        default=(),
        metadata=_spec(
            "strings",
            "Exclude",
            "Glob patterns of files never sent, on top of the built-in ones for secrets "
            "(`.env*`, `*.pem`, `*.key`, `id_rsa*`, ...); a pattern with `/` matches the path.",
        ),
    )
    disabled_languages: tuple[str, ...] = field(
        default=(),
        metadata=_spec(
            "strings",
            "Disabled languages",
            "Language ids (e.g. `markdown`) that get no suggestions.",
        ),
    )


FIELDS = tuple(f.name for f in dataclasses.fields(Settings))
SPECS: dict[str, Spec] = {f.name: f.metadata["spec"] for f in dataclasses.fields(Settings)}
DEFAULTS: dict[str, Any] = {f.name: f.default for f in dataclasses.fields(Settings)}


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


def _range(spec: Spec) -> str:
    return f"from {spec.low} to {spec.high}"


def _boolean(spec: Spec, value: object) -> bool:
    if isinstance(value, bool):
        return value
    raise _Invalid("expected true or false")


def _integer(spec: Spec, value: object) -> int:
    wrong = _Invalid(f"expected a whole number {_range(spec)}")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise wrong
    if not _within(spec, value):
        raise wrong
    return value


def _number(spec: Spec, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not _within(spec, value):
        raise _Invalid(f"expected a number {_range(spec)}")
    return float(value)


def _within(spec: Spec, value: float) -> bool:
    return (spec.low is None or spec.low <= value) and (spec.high is None or value <= spec.high)


def _choice(spec: Spec, value: object) -> str:
    if value not in spec.choices:
        raise _Invalid("expected one of " + ", ".join(spec.choices))
    return str(value)


def _text(spec: Spec, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid("expected a non-empty string")
    return value.strip()


def _url(spec: Spec, value: object) -> str:
    if not isinstance(value, str):
        raise _Invalid("expected an http:// or https:// address")
    value = value.strip().rstrip("/")
    if value and not re.match(r"https?://[^/\s]+", value):
        raise _Invalid("expected an http:// or https:// address")
    return value


def _strings(spec: Spec, value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise _Invalid("expected a list of strings")


_BY_KIND: dict[Kind, Callable[[Spec, object], Any]] = {
    "boolean": _boolean,
    "integer": _integer,
    "number": _number,
    "text": _text,
    "url": _url,
    "choice": _choice,
    "strings": _strings,
}


def check(spec: Spec, value: object) -> Any:
    """The value a setting takes from `value`, or `_Invalid` saying what was expected."""
    if value is None and spec.optional:
        return None
    return _BY_KIND[spec.kind](spec, value)


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
            changes[name] = check(SPECS[name], value)
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
        if SPECS[name].kind == "strings" and isinstance(value, str):
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
