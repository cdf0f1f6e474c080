"""`internwatch subscriptions ...` and `alerts --dry-run` through the real CLI."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from demo.servers import BoardServer, Reply, WebhookSink
from tests.conftest import run_cli, write_config

FIX = Path(__file__).parent / "fixtures"


def test_add_list_pause_resume_remove_import(tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "config",
        subscriptions=[{"name": "from-file", "notify": ["json://127.0.0.1:9/hook?token=FILETOKEN1234"]}],
    )
    base = ["--config", str(config), "--db", str(tmp_path / "iw.db")]
    added = run_cli(
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
    listing = run_cli("subscriptions", "list", *base)
    assert listing.code == 0
    assert "from-file" in listing.out and "ml " in listing.out and "daily" in listing.out
    assert "SECRETTOKEN99" not in listing.text and "FILETOKEN1234" not in listing.text
    assert run_cli("subscriptions", "pause", "ml", *base).code == 0
    assert "paused" in run_cli("subscriptions", "list", *base).out.split("ml ", 1)[1].splitlines()[0]
    assert run_cli("subscriptions", "resume", "ml", *base).code == 0
    takeover = run_cli(
        "subscriptions", "add", "--name", "from-file", "--notify", "json://127.0.0.1:9/y", *base
    )
    assert takeover.code == 2 and "defined in subscriptions.yaml" in takeover.err
    bad = run_cli(
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
    imported = run_cli("subscriptions", "import", str(lines), *base)
    assert imported.code == 0 and "imported 3" in imported.out
    yaml_file = tmp_path / "more.yaml"
    yaml_file.write_text(
        "subscriptions:\n"
        "  - {name: yml-1, notify: ['json://127.0.0.1:9/z'], filter: {seasons: ['Summer 2027']}}\n"
    )
    assert run_cli("subscriptions", "import", str(yaml_file), *base).code == 0
    assert run_cli("subscriptions", "remove", "ml", *base).code == 0
    gone = run_cli("subscriptions", "remove", "ml", *base)
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
        dry = run_cli("alerts", "--dry-run", *base)
        assert dry.code == 0
        assert "dry run: interns ->" in dry.out and "Data Science Intern (Summer 2027)" in dry.out
        assert hook.received == []
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT count(*) FROM deliveries").fetchone()[0] == 0
            assert conn.execute("SELECT count(*) FROM subscriptions").fetchone()[0] == 0
        real = run_cli("alerts", *base)
        assert real.code == 0 and len(hook.received) == 1
