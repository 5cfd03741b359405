"""Settings: layering, validation and the messages that name each problem."""

import dataclasses
import typing

import pytest

from fim_lsp import config
from fim_lsp.config import Settings


def test_defaults_without_any_source() -> None:
    settings, problems = config.resolve({})
    assert settings == Settings()
    assert problems == []
    assert (settings.prefix_tokens, settings.suffix_tokens) == (1800, 600)


@pytest.mark.parametrize(
    ("layer", "expected"),
    [
        ({"model": "codestral-2508"}, {"model": "codestral-2508"}),
        ({"maxTokens": 64, "temperature": 0.2}, {"max_tokens": 64, "temperature": 0.2}),
        ({"maxTokens": 64.0}, {"max_tokens": 64}),
        ({"temperature": None, "topP": 0.9}, {"temperature": None, "top_p": 0.9}),
        ({"stop": "\n\n"}, {"stop": ("\n\n",)}),
        ({"stop": ["a", "b"]}, {"stop": ("a", "b")}),
        ({"baseUrl": "http://127.0.0.1:8080/"}, {"base_url": "http://127.0.0.1:8080"}),
        ({"provider": "codestral"}, {"provider": "codestral"}),
        ({"disabledLanguages": ["markdown"]}, {"disabled_languages": ("markdown",)}),
        ({"enable": False}, {"enable": False}),
        # keys of other tools in the same section are not ours and not an error
        ({"server": {"command": "fim-lsp"}, "trace": "off"}, {}),
    ],
)
def test_valid_values(layer: dict[str, object], expected: dict[str, object]) -> None:
    settings, problems = config.resolve({}, [layer])
    assert problems == []
    assert settings == dataclasses.replace(Settings(), **expected)


@pytest.mark.parametrize(
    ("layer", "named", "why"),
    [
        ({"maxTokens": "abc"}, "fimLsp.maxTokens", "whole number"),
        ({"maxTokens": 0}, "fimLsp.maxTokens", "whole number from 1"),
        ({"maxTokens": True}, "fimLsp.maxTokens", "whole number"),
        ({"temperature": "hot"}, "fimLsp.temperature", "number"),
        ({"prefixTokens": 1.5}, "fimLsp.prefixTokens", "whole number from 10"),
        ({"provider": "openai-ish"}, "fimLsp.provider", "one of mistral, codestral"),
        ({"model": ""}, "fimLsp.model", "non-empty"),
        ({"baseUrl": "ftp://x"}, "fimLsp.baseUrl", "http"),
        ({"stop": [1, 2]}, "fimLsp.stop", "list of strings"),
        ({"enable": "yes"}, "fimLsp.enable", "true or false"),
    ],
)
def test_invalid_values_keep_the_default_and_name_the_setting(
    layer: dict[str, object], named: str, why: str
) -> None:
    settings, problems = config.resolve({}, [layer])
    assert settings == Settings()
    assert len(problems) == 1
    assert named in problems[0]
    assert why in problems[0]
    assert "using" in problems[0]


def test_one_bad_value_does_not_spoil_the_others() -> None:
    settings, problems = config.resolve({}, [{"maxTokens": -1, "model": "m"}])
    assert settings.model == "m"
    assert settings.max_tokens == Settings().max_tokens
    assert len(problems) == 1


def test_later_layers_win_and_environment_is_lowest() -> None:
    environ = {"FIM_LSP_MODEL": "from-env", "FIM_LSP_MAX_TOKENS": "32"}
    settings, problems = config.resolve(environ, [{"model": "from-init"}, {"maxTokens": 16}])
    assert problems == []
    assert (settings.model, settings.max_tokens) == ("from-init", 16)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"FIM_LSP_DEBOUNCE_MS": "0"}, {"debounce_ms": 0}),
        ({"FIM_LSP_ENABLE": "false"}, {"enable": False}),
        ({"FIM_LSP_BASE_URL": "http://127.0.0.1:1"}, {"base_url": "http://127.0.0.1:1"}),
        ({"FIM_LSP_STOP": "\n\n,;;"}, {"stop": ("\n\n", ";;")}),
        ({"FIM_LSP_MODEL": "codestral-2508"}, {"model": "codestral-2508"}),
    ],
)
def test_environment_variables(environ: dict[str, str], expected: dict[str, object]) -> None:
    settings, problems = config.resolve(environ)
    assert problems == []
    assert settings == dataclasses.replace(Settings(), **expected)


def test_bad_environment_value_names_the_variable() -> None:
    _, problems = config.resolve({"FIM_LSP_TIMEOUT_MS": "soon"})
    assert len(problems) == 1
    assert "FIM_LSP_TIMEOUT_MS" in problems[0]


def test_long_values_are_shortened_in_messages() -> None:
    _, problems = config.resolve({}, [{"model": 7, "provider": "x" * 500}])
    assert all(len(problem) < 200 for problem in problems)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"fimLsp": {"model": "a"}}, {"model": "a"}),
        ({"model": "a"}, {"model": "a"}),
        (None, {}),
        ("junk", {}),
        ({"fimLsp": "junk", "model": "a"}, {"fimLsp": "junk", "model": "a"}),
    ],
)
def test_section_of(options: object, expected: dict[str, object]) -> None:
    assert dict(config.section_of(options)) == expected


def test_every_setting_has_a_title_a_doc_and_a_wire_name() -> None:
    for field in dataclasses.fields(Settings):
        spec = config.SPECS[field.name]
        assert spec.title and spec.title[0].isupper()
        assert spec.doc.endswith(".")
        assert config.wire_name(field.name)[0].islower()
        assert "_" not in config.wire_name(field.name)


PYTHON_TYPES = {
    "boolean": bool,
    "integer": int,
    "number": float,
    "text": str,
    "url": str,
    "choice": str,
    "strings": tuple[str, ...],
}


def test_each_kind_agrees_with_the_field_type_and_default() -> None:
    hints = typing.get_type_hints(Settings)
    for name, spec in config.SPECS.items():
        expected: object = PYTHON_TYPES[spec.kind]
        if spec.optional:
            expected = expected | None  # type: ignore[operator]
        assert hints[name] == expected, name
        default = config.DEFAULTS[name]
        assert config.check(spec, default) == default, name


@pytest.mark.parametrize("name", ["provider", "model", "base_url", "allow_http"])
def test_where_the_key_and_the_code_go_is_read_from_user_settings_only(name: str) -> None:
    assert config.SPECS[name].scope == "application"
