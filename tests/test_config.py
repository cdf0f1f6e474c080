"""Config loading: unknown keys, keys written twice and bad templates rejected at load with
file, entry and key; exit 2 through `cli.main` (in process: nothing is crawled)."""

from __future__ import annotations

from pathlib import Path

import pytest

from alerts.filters import Filter
from config.errors import ConfigError
from config.loader import load_settings, load_sources, load_subscriptions
from spiders.runner import type_specs
from tests.clikit import call
from tests.conftest import write_config


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
    result = call("run", "--config", str(config), "--db", str(tmp_path / "x.db"))
    assert result.code == 2
    assert (
        "sources.yaml: sources[0] (name: acme): unknown key 'bord' (did you mean 'board'?)"
        in result.err
    )
    assert "Traceback" not in result.text
    assert not (tmp_path / "x.db").exists()  # nothing was crawled or stored


def test_cli_bad_clock_is_usage_error(tmp_path: Path) -> None:
    config = write_config(tmp_path / "config")
    result = call(
        "crawl",
        "--config",
        str(config),
        "--db",
        str(tmp_path / "x.db"),
        env={"INTERNWATCH_NOW": "yesterday-ish"},
    )
    assert result.code == 2 and "not an ISO datetime" in result.err


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "sources.yaml",
            "sources:\n  - name: acme\n    type: greenhouse\n    board: a\n    board: b\n",
            "sources.yaml: sources[0] (name: acme): key 'board' written twice (lines 4 and 5)",
        ),
        (
            "subscriptions.yaml",
            "subscriptions:\n  - name: ds\n    notify: ['json://127.0.0.1:9/x']\n"
            "    filter: {keywords: [data], keywords: [ml]}\n",
            "subscriptions.yaml: subscriptions[0] (name: ds): key 'keywords' written twice",
        ),
        (
            "settings.yaml",
            "max_digest: 5\nretry_times: 1\nmax_digest: 9\n",
            "settings.yaml: key 'max_digest' written twice (lines 1 and 3)",
        ),
    ],
)
def test_a_key_written_twice_is_an_error(tmp_path: Path, name: str, text: str, expected: str) -> None:
    config = write_config(tmp_path / "config")
    (config / name).write_text(text)
    for command in (("sources", "check"), ("run",)):
        result = call(*command, "--config", str(config), "--db", str(tmp_path / "x.db"))
        assert result.code == 2, result.text
        assert expected in result.err and "Traceback" not in result.text
    assert not (tmp_path / "x.db").exists()


def test_sources_check_validates_settings_exactly_as_run(tmp_path: Path) -> None:
    config = write_config(tmp_path / "config", settings={"concurent_per_host": 2})
    for command in (("sources", "check"), ("run",)):
        result = call(*command, "--config", str(config), "--db", str(tmp_path / "x.db"))
        assert result.code == 2
        assert "unknown key 'concurent_per_host' (did you mean 'concurrent_per_host'?)" in result.err
    good = write_config(tmp_path / "good", settings={"concurrent_per_host": 2})
    result = call("sources", "check", "--config", str(good), "--db", str(tmp_path / "x.db"))
    assert result.code == 0 and "settings.yaml: valid" in result.out
    assert not (tmp_path / "x.db").exists()  # checking never creates a database


@pytest.mark.parametrize(
    ("hint", "bad"), [("reply STOP {nme}", "{nme}"), ("stop: {}", "{}"), ("{name.upper}", "{name.upper}")]
)
def test_message_templates_are_checked_at_load(tmp_path: Path, hint: str, bad: str) -> None:
    config = write_config(tmp_path / "config", settings={"unsubscribe_hint": hint})
    result = call("run", "--config", str(config), "--db", str(tmp_path / "x.db"))
    assert result.code == 2 and "Traceback" not in result.text
    assert "settings.yaml: unsubscribe_hint:" in result.err
    assert f"unknown placeholder {bad}" in result.err and "allowed placeholders: {name}" in result.err
    ok = write_config(tmp_path / "ok", settings={"unsubscribe_hint": "reply STOP {name} {{now}}"})
    assert load_settings(ok).unsubscribe_hint.format(name="ds") == "reply STOP ds {now}"
