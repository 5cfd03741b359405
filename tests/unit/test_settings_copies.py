"""Every copy of the settings definition (VS Code manifest and forwarded keys, README tables, the
Neovim provider list) is what `python -m fim_lsp.settings_copies` makes from it."""

import json
from pathlib import Path

import pytest

from fim_lsp import config, settings_copies
from fim_lsp.providers.catalog import CATALOG, NAMES

ROOT = Path(__file__).parents[2]
REGENERATE = ".venv/bin/python -m fim_lsp.settings_copies"


@pytest.mark.parametrize("path", list(settings_copies.COPIES))
def test_copy_matches_the_definition(path: str) -> None:
    file = ROOT / path
    now = file.read_text(encoding="utf-8") if file.exists() else ""
    made = settings_copies.COPIES[path](now)
    assert made == now, f"{path} differs from the settings definition: run `{REGENERATE}`"


def _properties() -> dict[str, dict[str, object]]:
    manifest = json.loads((ROOT / settings_copies.MANIFEST).read_text(encoding="utf-8"))
    properties: dict[str, dict[str, object]] = {}
    for category in manifest["contributes"]["configuration"]:
        assert category["title"] and category["properties"], category
        assert not properties.keys() & category["properties"].keys()
        properties |= category["properties"]
    return properties


def test_the_manifest_has_every_server_setting_and_the_client_only_ones() -> None:
    keys = {key.removeprefix("fimLsp.") for key in _properties()}
    server = {config.wire_name(name) for name in config.FIELDS}
    client = {item.key for item in settings_copies.CLIENT_ONLY}
    assert len(server) == 31
    assert keys == server | client
    assert not server & client


def test_settings_that_choose_where_code_and_key_go_are_user_only() -> None:
    properties = _properties()
    for key in ("provider", "model", "baseUrl", "allowHttp", "server.command", "server.args"):
        assert properties[f"fimLsp.{key}"]["scope"] == "application", key
    assert properties["fimLsp.debounceMs"]["scope"] == "window"


def test_the_settings_editor_groups_drop_the_fim_lsp_prefix() -> None:
    # VS Code's Settings editor leaves "Fim Lsp:" off a setting's label (seen in code-server 1.139)
    # only when its category's id begins with the settings' section
    manifest = json.loads((ROOT / settings_copies.MANIFEST).read_text(encoding="utf-8"))
    categories = manifest["contributes"]["configuration"]
    assert [c["title"] for c in categories] == ["Suggestions", "Provider", "What is sent", "Server"]
    assert all(c["id"].startswith(f"{config.SECTION}.") for c in categories), categories


def test_the_settings_editor_shows_units_the_keys_only_abbreviate() -> None:
    properties = _properties()
    assert str(properties["fimLsp.debounceMs"]["markdownDescription"]).endswith("In milliseconds.")
    assert "In tokens" in str(properties["fimLsp.prefixTokens"]["markdownDescription"])


def test_the_forwarded_keys_are_every_server_setting() -> None:
    module = (ROOT / settings_copies.TS_MODULE).read_text(encoding="utf-8")
    for name in config.FIELDS:
        assert f'  "{config.wire_name(name)}",\n' in module, name


def test_the_neovim_health_check_knows_every_provider_and_the_default() -> None:
    lua = (ROOT / settings_copies.LUA_PROVIDERS).read_text(encoding="utf-8")
    assert f"default = '{config.Settings().provider}'" in lua
    for name in NAMES:
        assert f"'{name}'" in lua
    for entry in CATALOG.values():
        assert f"{entry.name} = '{entry.key_variable}'" in lua
    health = (ROOT / "clients/neovim/lua/fim_lsp/health.lua").read_text(encoding="utf-8")
    assert "require('fim_lsp.providers')" in health
    assert "MISTRAL_API_KEY" not in health  # what the health check knows comes from the copy


def test_a_changed_copy_is_found_and_rewritten(tmp_path: Path) -> None:
    for path in settings_copies.COPIES:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text((ROOT / path).read_text(encoding="utf-8"), encoding="utf-8")
    assert settings_copies.stale(tmp_path) == []
    readme = tmp_path / settings_copies.README
    readme.write_text(readme.read_text().replace("`128`", "`64`"), encoding="utf-8")
    (tmp_path / settings_copies.LUA_PROVIDERS).unlink()
    assert settings_copies.main(["--check", "--root", str(tmp_path)]) == 1
    assert settings_copies.write(tmp_path) == [
        settings_copies.README,
        settings_copies.LUA_PROVIDERS,
    ]
    assert settings_copies.stale(tmp_path) == []
