"""`internwatch subscriptions ...` and `alerts --dry-run` through `cli.main` in this process
(only the crawl that fills the database runs in a child)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from config.secrets import vault_for
from demo.servers import BoardServer, Reply, WebhookSink
from tests.clikit import call
from tests.conftest import run_cli, write_config

FIX = Path(__file__).parent / "fixtures"


def test_add_list_pause_resume_remove_import(tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "config",
        subscriptions=[{"name": "from-file", "notify": ["json://127.0.0.1:9/hook?token=FILETOKEN1234"]}],
    )
    base = ["--config", str(config), "--db", str(tmp_path / "iw.db")]
    added = call(
        "subscriptions",
        "add",
        "--name",
        "ml",
        "--notify",
        "json://127.0.0.1:9/x?token=SECRETTOKEN99",
        "--frequency",
        "daily",
        "--filter",
        '{"keywords": ["machine learning"], "locations": ["GB"]}',
        *base,
    )
    assert added.code == 0 and "ml: added" in added.out
    listing = call("subscriptions", "list", *base)
    assert listing.code == 0
    assert "from-file" in listing.out and "ml " in listing.out and "daily" in listing.out
    assert "SECRETTOKEN99" not in listing.text and "FILETOKEN1234" not in listing.text
    assert call("subscriptions", "pause", "ml", *base).code == 0
    assert "paused" in call("subscriptions", "list", *base).out.split("ml ", 1)[1].splitlines()[0]
    assert call("subscriptions", "resume", "ml", *base).code == 0
    takeover = call(
        "subscriptions", "add", "--name", "from-file", "--notify", "json://127.0.0.1:9/y", *base
    )
    assert takeover.code == 2 and "defined in subscriptions.yaml" in takeover.err
    bad = call(
        "subscriptions",
        "add",
        "--name",
        "x",
        "--notify",
        "json://127.0.0.1:9/y",
        "--filter",
        '{"keyword": ["a"]}',
        *base,
    )
    assert bad.code == 2 and "keyword" in bad.err and "keywords" in bad.err
    lines = tmp_path / "import.jsonl"
    lines.write_text(
        "\n".join(
            json.dumps(
                {"name": f"imp-{i}", "notify": ["json://127.0.0.1:9/z"], "filter": {"categories": ["data"]}}
            )
            for i in range(3)
        )
        + "\n"
    )
    imported = call("subscriptions", "import", str(lines), *base)
    assert imported.code == 0 and "imported 3" in imported.out
    yaml_file = tmp_path / "more.yaml"
    yaml_file.write_text(
        "subscriptions:\n"
        "  - {name: yml-1, notify: ['json://127.0.0.1:9/z'], filter: {seasons: ['Summer 2027']}}\n"
    )
    assert call("subscriptions", "import", str(yaml_file), *base).code == 0
    assert call("subscriptions", "remove", "ml", *base).code == 0
    gone = call("subscriptions", "remove", "ml", *base)
    assert gone.code == 2 and "no subscription named 'ml'" in gone.err
    with sqlite3.connect(tmp_path / "iw.db") as conn:
        names = sorted(r[0] for r in conn.execute("SELECT name FROM subscriptions"))
    assert names == ["from-file", "imp-0", "imp-1", "imp-2", "yml-1"]


def test_dry_run_shows_and_changes_nothing(tmp_path: Path) -> None:
    with (
        BoardServer({"/gh": Reply((FIX / "greenhouse" / "acme_interns.json").read_bytes())}) as boards,
        WebhookSink() as hook,
    ):
        config = write_config(
            tmp_path / "config",
            [{"name": "acme", "type": "greenhouse", "board": "acme", "url": boards.url("/gh")}],
            [
                {
                    "name": "interns",
                    "notify": [f"json://127.0.0.1:{hook.port}/hook"],
                    "filter": {"keywords": ["intern"]},
                }
            ],
        )
        base = ["--config", str(config), "--db", str(tmp_path / "iw.db")]
        assert run_cli("crawl", *base).code == 0
        db = tmp_path / "iw.db"
        dry = call("alerts", "--dry-run", *base)
        assert dry.code == 0
        assert "dry run: interns ->" in dry.out and "Data Science Intern (Summer 2027)" in dry.out
        assert hook.received == []
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT count(*) FROM deliveries").fetchone()[0] == 0
            assert conn.execute("SELECT count(*) FROM subscriptions").fetchone()[0] == 0
        real = call("alerts", *base)
        assert real.code == 0 and len(hook.received) == 1


def test_add_refuses_a_taken_name_and_update_changes_it(tmp_path: Path) -> None:
    base = ["--config", str(write_config(tmp_path / "config")), "--db", str(tmp_path / "iw.db")]
    add = ["subscriptions", "add", "--name", "ml", "--notify", "json://127.0.0.1:9/a"]
    assert call(*add, "--filter", '{"keywords": ["ml"]}', *base).code == 0
    again = call(*add, "--filter", '{"keywords": ["other"]}', *base)
    assert again.code == 2 and "already exists" in again.err and "subscriptions update" in again.err
    assert "added" not in again.out
    updated = call(
        "subscriptions", "update", "--name", "ml", "--frequency", "weekly",
        "--filter", '{"companies": ["Stripe"]}', *base,
    )  # fmt: skip
    assert updated.code == 0 and "ml: updated" in updated.out
    with sqlite3.connect(tmp_path / "iw.db") as conn:
        row = conn.execute("SELECT notify, frequency, filter FROM subscriptions").fetchone()
    assert json.loads(vault_for(str(tmp_path / "iw.db")).open(row[0])) == ["json://127.0.0.1:9/a"]  # kept
    assert row[1] == "weekly" and json.loads(row[2]) == {"companies": ["Stripe"]}
    bad = call("subscriptions", "update", "--name", "ml", "--filter", '{"keywrds": []}', *base)
    assert bad.code == 2 and "keywords" in bad.err
    nothing = call("subscriptions", "update", "--name", "ml", *base)
    assert nothing.code == 2 and "nothing to change" in nothing.err
    missing = call("subscriptions", "update", "--name", "nope", "--frequency", "daily", *base)
    assert missing.code == 2 and "no subscription named 'nope'" in missing.err


def test_import_refuses_taken_names_and_writes_nothing(tmp_path: Path) -> None:
    base = ["--config", str(write_config(tmp_path / "config")), "--db", str(tmp_path / "iw.db")]
    assert call("subscriptions", "add", "--name", "b", "--notify", "json://127.0.0.1:9/a", *base).code == 0
    lines = tmp_path / "import.jsonl"
    lines.write_text(
        "\n".join(json.dumps({"name": n, "notify": ["json://127.0.0.1:9/z"]}) for n in "ab") + "\n"
    )
    refused = call("subscriptions", "import", str(lines), *base)
    assert refused.code == 2 and "'b' already exists" in refused.err
    with sqlite3.connect(tmp_path / "iw.db") as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM subscriptions")] == ["b"]


def test_one_subscription_imports_as_one_subscription(tmp_path: Path) -> None:
    base = ["--config", str(write_config(tmp_path / "config")), "--db", str(tmp_path / "iw.db")]
    lines = tmp_path / "one.jsonl"
    lines.write_text(json.dumps({"name": "solo", "notify": ["json://127.0.0.1:9/z"]}) + "\n")
    done = call("subscriptions", "import", str(lines), *base)
    assert "imported 1 subscription from" in done.out


def test_subscriptions_parsed_once_per_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """subscriptions.yaml is read once and each stored subscription built once, however
    many steps (sync, match, send) use them."""
    import alerts.subscriptions
    import config.loader

    reads: list[str] = []
    built: list[str] = []
    real_read, real_row = config.loader.read_yaml, alerts.subscriptions.Subscription.from_row
    monkeypatch.setattr(
        config.loader, "read_yaml", lambda path, key: reads.append(path.name) or real_read(path, key)
    )
    monkeypatch.setattr(
        alerts.subscriptions.Subscription,
        "from_row",
        classmethod(lambda cls, row, vault: built.append(row["name"]) or real_row(row, vault)),
    )
    config = write_config(
        tmp_path / "config",
        subscriptions=[{"name": n, "notify": ["json://127.0.0.1:9/x"]} for n in ("a", "b")],
    )
    base = ["--config", str(config), "--db", str(tmp_path / "iw.db")]
    assert call("subscriptions", "add", "--name", "c", "--notify", "json://127.0.0.1:9/y", *base).code == 0
    reads.clear()
    built.clear()
    run = call("run", *base)  # no sources: nothing crawled, then the alerts step
    assert run.code == 0 and "no enabled sources" in run.out
    assert reads.count("subscriptions.yaml") == 1
    assert sorted(built) == ["a", "b", "c"]
