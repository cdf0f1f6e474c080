"""Config loading: unknown keys rejected with file, entry, key and a suggestion; exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from alerts.filters import Filter
from config.errors import ConfigError
from config.loader import load_settings, load_sources, load_subscriptions
from spiders.runner import type_specs
from tests.conftest import run_cli, write_config


def _sources(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text)
    return path


def test_misspelt_source_key_names_file_entry_key_and_suggestion(tmp_path: Path) -> None:
    path = _sources(
        tmp_path,
        """
sources:
  - {name: a, type: greenhouse, board: a}
  - {name: b, type: greenhouse, board: b}
  - {name: c, type: greenhouse, board: c}
  - name: acme
    type: greenhouse
    bord: acme
""",
    )
    with pytest.raises(ConfigError) as err:
        load_sources(path, type_specs())
    message = str(err.value)
    assert f"{path}: sources[3] (name: acme): unknown key 'bord' (did you mean 'board'?)" in message


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            "{name: x, type: greenhose, board: x}",
            "unknown type 'greenhose' (did you mean 'greenhouse'?)",
        ),
        ("{name: x, type: lever, site: x}", "needs the key 'company'"),
        ("{name: x, type: greenhouse}", "needs the key 'board'"),
        ("{name: Bad Name, type: greenhouse, board: x}", "name: String should match pattern"),
        (
            "{name: x, type: greenhouse, board: x, url: 'file:///etc/passwd'}",
            "url: Value error, must be an http",
        ),
        (
            "{name: x, type: greenhouse, board: x, enabled: maybe}",
            "enabled: Input should be a valid boolean",
        ),
        ("[1, 2]", "expected a mapping of keys"),
    ],
)
def test_source_errors_say_what_was_expected(tmp_path: Path, entry: str, expected: str) -> None:
    path = _sources(tmp_path, f"sources:\n  - {entry}\n")
    with pytest.raises(ConfigError) as err:
        load_sources(path, type_specs())
    assert expected in str(err.value)
    assert str(path) in str(err.value)


def test_duplicate_names_and_invalid_yaml(tmp_path: Path) -> None:
    path = _sources(
        tmp_path,
        "sources:\n  - {name: x, type: greenhouse, board: a}\n  - {name: x, type: greenhouse, board: b}\n",
    )
    with pytest.raises(ConfigError, match="duplicate name 'x'"):
        load_sources(path, type_specs())
    path.write_text("sources:\n  - name: x\n   type: [\n")
    with pytest.raises(ConfigError, match=r"invalid YAML at line \d+"):
        load_sources(path, type_specs())
    path.write_text("source:\n  - {name: x, type: greenhouse, board: a}\n")
    with pytest.raises(
        ConfigError, match="unknown top-level key 'source' \\(did you mean 'sources'\\?\\)"
    ):
        load_sources(path, type_specs())


def test_env_substitution_and_missing_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOARD_TOKEN", "duolingo")
    path = _sources(
        tmp_path, "sources:\n  - {name: x, type: greenhouse, board: '${BOARD_TOKEN}'}\n"
    )
    assert load_sources(path, type_specs())[0].options["board"] == "duolingo"
    path.write_text("sources:\n  - {name: x, type: greenhouse, board: '${NOT_SET_ANYWHERE_42}'}\n")
    with pytest.raises(
        ConfigError, match=r"environment variable \$\{NOT_SET_ANYWHERE_42\} is not set"
    ):
        load_sources(path, type_specs())


def test_subscription_filter_key_typo_and_bad_notify_url(tmp_path: Path) -> None:
    path = tmp_path / "subscriptions.yaml"
    path.write_text("""
subscriptions:
  - name: ds
    notify: ["json://127.0.0.1:9/hook"]
    filter: {keywrds: [data]}
""")
    with pytest.raises(ConfigError) as err:
        load_subscriptions(path, Filter)
    assert str(path) in str(err.value) and "subscriptions[0] (name: ds)" in str(err.value)
    assert "keywrds" in str(err.value) and "keywords" in str(err.value)
    path.write_text("""
subscriptions:
  - name: ds
    notify: ["nosuchscheme://user:hunter2secret@example.org"]
""")
    with pytest.raises(ConfigError) as err:
        load_subscriptions(path, Filter)
    assert "apprise cannot use the URL" in str(err.value)
    assert "hunter2secret" not in str(err.value)


def test_settings_yaml_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "settings.yaml").write_text("max_digest: 5\n")
    assert load_settings(tmp_path).max_digest == 5
    monkeypatch.setenv("INTERNWATCH_MAX_DIGEST", "7")
    assert load_settings(tmp_path).max_digest == 7
    (tmp_path / "settings.yaml").write_text("max_digst: 5\n")
    with pytest.raises(
        ConfigError, match="unknown key 'max_digst' \\(did you mean 'max_digest'\\?\\)"
    ):
        load_settings(tmp_path)


def test_cli_exits_2_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "config", sources=[{"name": "acme", "type": "greenhouse", "bord": "acme"}]
    )
    result = run_cli("run", "--config", str(config), "--db", str(tmp_path / "x.db"))
    assert result.code == 2
    assert (
        "sources.yaml: sources[0] (name: acme): unknown key 'bord' (did you mean 'board'?)"
        in result.err
    )
    assert "Traceback" not in result.text
    assert not (tmp_path / "x.db").exists()  # nothing was crawled or stored


def test_cli_bad_clock_is_usage_error(tmp_path: Path) -> None:
    config = write_config(tmp_path / "config")
    result = run_cli(
        "crawl",
        "--config",
        str(config),
        "--db",
        str(tmp_path / "x.db"),
        env={"INTERNWATCH_NOW": "yesterday-ish"},
    )
    assert result.code == 2 and "not an ISO datetime" in result.err
