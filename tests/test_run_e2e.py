"""The walking skeleton end to end: a real crawl of recorded boards on 127.0.0.1 into a real
SQLite file, matching, and deliveries to a real SMTP server and a real webhook receiver."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from demo.servers import BoardServer, Reply, SmtpSink, WebhookSink
from tests.conftest import run_cli, write_config

FIX = Path(__file__).parent / "fixtures"
SECRET = "s3cretPassw0rd"
TOKEN = "tok3nABCDEF123456"


@pytest.fixture
def boards() -> Iterator[BoardServer]:
    server = BoardServer(
        {
            "/gh/duolingo": Reply((FIX / "greenhouse" / "duolingo.json").read_bytes()),
            "/gh/acme": Reply((FIX / "greenhouse" / "acme_interns.json").read_bytes()),
            "/lever/palantir": Reply((FIX / "lever" / "palantir.json").read_bytes()),
            "/gh/broken-json": Reply(b'{"jobs": [ {"id": 1, "title": '),
            "/gh/html": Reply(b"<html><body>Maintenance</body></html>", content_type="text/html"),
            "/gh/empty": Reply(b""),
            "/gh/500": Reply(b"oops", status=500),
            "/gh/slow": Reply(b'{"jobs": []}', delay=8),
        }
    )
    with server:
        yield server


def sources(boards: BoardServer, *extra: str) -> list[dict[str, object]]:
    entries: list[dict[str, object]] = [
        {
            "name": "duolingo",
            "type": "greenhouse",
            "board": "duolingo",
            "url": boards.url("/gh/duolingo"),
        },
        {"name": "acme", "type": "greenhouse", "board": "acme", "url": boards.url("/gh/acme")},
        {
            "name": "palantir",
            "type": "lever",
            "site": "palantir",
            "company": "Palantir",
            "url": boards.url("/lever/palantir"),
        },
    ]
    for path in extra:
        entries.append(
            {
                "name": path.strip("/").replace("/", "-"),
                "type": "greenhouse",
                "board": "x",
                "url": boards.url(path),
            }
        )
    return entries


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_crawl_store_alert_and_rerun_changes_nothing(tmp_path: Path, boards: BoardServer) -> None:
    db = tmp_path / "iw.db"
    with SmtpSink() as smtp, WebhookSink() as hook:
        subs = [
            {
                "name": "ds-email",
                "notify": [smtp.mailto(password=SECRET)],
                "filter": {"keywords": ["data science", "machine learning"], "exclude": ["senior"]},
            },
            {
                "name": "palantir-hook",
                "notify": [f"json://127.0.0.1:{hook.port}/hook?token={TOKEN}"],
                # Palantir's fixture roles are full-time jobs: asked for explicitly (SPEC §5)
                "filter": {"companies": ["palantir"], "internships_only": False},
            },
        ]
        config = write_config(tmp_path / "config", sources(boards), subs)
        env = {"INTERNWATCH_NOW": "2026-11-24T08:00:00Z"}
        first = run_cli("run", "--config", str(config), "--db", str(db), env=env)
        assert first.code == 0, first.text
        assert "acme: 4 postings (4 new" in first.out
        assert "duolingo: 2 postings (2 new" in first.out
        assert "palantir: 2 postings (2 new" in first.out

        assert len(smtp.messages) == 1
        mail = smtp.messages[0]
        html_part = mail.get_body(("html",)).get_content()
        text_part = mail.get_body(("plain",)).get_content()
        for part in (html_part, text_part):
            assert "Data Science Intern (Summer 2027)" in part
            assert "Machine Learning Engineering Intern" in part
            assert "Senior Data Scientist" not in part  # excluded
            assert "Business Development Manager" not in part  # no keyword
        # the title carried markup: it reaches the mail as text, never as a tag
        assert "Marketing Intern" in html_part  # its description mentions data science
        assert "<img" not in html_part and "<script" not in html_part and "track(" not in html_part
        assert "<img" not in text_part
        assert "internwatch subscriptions pause ds-email" in text_part

        assert len(hook.received) == 1
        payload = json.loads(hook.received[0]["message"])
        # Palantir posts one role in two cities: one opening, one cluster, one alert
        assert [p["title"] for p in payload["postings"]] == [
            "Administrative Business Partner - Security"
        ]
        assert payload["postings"][0]["company"] == "Palantir"
        where = payload["postings"][0]["locations"]
        assert "Palo Alto" in where and "New York" in where  # both cities of the one opening
        clusters = rows(db, "SELECT DISTINCT cluster_id FROM postings WHERE source = 'palantir'")
        assert len(clusters) == 1

        before = rows(db, "SELECT * FROM postings ORDER BY id")
        second = run_cli(
            "run",
            "--config",
            str(config),
            "--db",
            str(db),
            env={"INTERNWATCH_NOW": "2026-11-24T09:00:00Z"},
        )
        assert second.code == 0, second.text
        assert "acme: 4 postings (0 new, 0 updated, 0 closed)" in second.out
        after = rows(db, "SELECT * FROM postings ORDER BY id")
        with sqlite3.connect(db) as conn:
            names = [c[1] for c in conn.execute("PRAGMA table_info(postings)")]
        seen_at = names.index("last_seen")
        assert [r[:seen_at] + r[seen_at + 1 :] for r in before] == [
            r[:seen_at] + r[seen_at + 1 :] for r in after
        ]
        assert {r[seen_at] for r in after} == {"2026-11-24T09:00:00+00:00"}
        assert len(smtp.messages) == 1 and len(hook.received) == 1  # nothing sent again


def test_bad_boards_fail_only_themselves(tmp_path: Path, boards: BoardServer) -> None:
    db = tmp_path / "iw.db"
    bad = ["/gh/missing", "/gh/500", "/gh/broken-json", "/gh/html", "/gh/empty", "/gh/slow"]
    config = write_config(
        tmp_path / "config",
        sources(boards, *bad),
        settings={"download_timeout": 3, "retry_times": 0},
    )
    result = run_cli("crawl", "--config", str(config), "--db", str(db))
    assert result.code == 1
    assert "acme: 4 postings" in result.out and "palantir: 2 postings" in result.out
    expected = {
        "gh-missing": "HTTP 404",
        "gh-500": "HTTP 500",
        "gh-broken-json": "expected JSON",
        "gh-html": "expected JSON, got text/html",
        "gh-empty": "empty body",
        "gh-slow": "timed out",
    }
    for name, reason in expected.items():
        lines = [ln for ln in result.err.splitlines() if ln.startswith(f"{name}: FAILED")]
        assert len(lines) == 1 and reason in lines[0], (name, result.err)
    failed = dict(rows(db, "SELECT source, error FROM crawl_runs WHERE status = 'failed'"))
    assert set(failed) == set(expected)
    assert rows(db, "SELECT count(*) FROM postings")[0][0] == 8


def test_failed_source_changes_nothing_stored(tmp_path: Path, boards: BoardServer) -> None:
    db = tmp_path / "iw.db"
    config = write_config(tmp_path / "config", sources(boards))
    assert run_cli("crawl", "--config", str(config), "--db", str(db)).code == 0
    before = rows(db, "SELECT * FROM postings WHERE source = 'acme' ORDER BY id")
    boards.routes["/gh/acme"] = Reply(b"<html>down</html>", status=503)
    for hour in (10, 11, 12):  # three failed crawls never close anything
        result = run_cli(
            "crawl",
            "--config",
            str(config),
            "--db",
            str(db),
            env={"INTERNWATCH_NOW": f"2026-11-25T{hour}:00:00Z"},
        )
        assert result.code == 1 and "acme: FAILED: HTTP 503" in result.err
    assert rows(db, "SELECT * FROM postings WHERE source = 'acme' ORDER BY id") == before


def test_smtp_down_retries_with_backoff_then_sends_once(
    tmp_path: Path, boards: BoardServer
) -> None:
    db = tmp_path / "iw.db"
    smtp = SmtpSink()  # port reserved, server not started yet: the channel is down
    subs = [
        {"name": "ds", "notify": [smtp.mailto(password=SECRET)], "filter": {"keywords": ["intern"]}}
    ]
    config = write_config(tmp_path / "config", sources(boards), subs)

    def run(at: str, *extra: str) -> object:
        return run_cli(
            "run", "--config", str(config), "--db", str(db), *extra, env={"INTERNWATCH_NOW": at}
        )

    down = run("2026-11-24T08:00:00Z")
    assert down.code == 1
    assert "ds: FAILED to send" in down.err and "will retry" in down.err
    assert rows(db, "SELECT DISTINCT status FROM deliveries") == [("pending",)]
    smtp.start()
    try:
        early = run("2026-11-24T08:03:00Z")  # before the 5-minute backoff: not retried yet
        assert early.code == 0 and smtp.messages == []
        back = run("2026-11-24T08:06:00Z")
        assert back.code == 0, back.text
        assert len(smtp.messages) == 1
        assert rows(db, "SELECT DISTINCT status FROM deliveries") == [("sent",)]
        again = run("2026-11-24T09:00:00Z")
        assert again.code == 0 and len(smtp.messages) == 1
    finally:
        smtp.stop()
    verbose = run("2026-11-24T10:00:00Z", "-v")
    for output in (down.text, early.text, back.text, again.text, verbose.text):
        assert SECRET not in output
    stored = " ".join(str(r) for r in rows(db, "SELECT last_error, target_label FROM deliveries"))
    assert SECRET not in stored and "****" in stored


def test_token_in_webhook_url_never_printed(tmp_path: Path, boards: BoardServer) -> None:
    db = tmp_path / "iw.db"
    # nothing listens on this port: the failure message must not echo the token
    subs = [{"name": "hook", "notify": [f"json://user:{SECRET}@127.0.0.1:9/hook?token={TOKEN}"],
             "filter": {"internships_only": False}}]  # every posting: a send is attempted
    config = write_config(tmp_path / "config", sources(boards)[:1], subs)
    result = run_cli("run", "-v", "--config", str(config), "--db", str(db))
    assert result.code == 1
    listing = run_cli("subscriptions", "list", "--config", str(config), "--db", str(db))
    dry = run_cli("alerts", "--dry-run", "--config", str(config), "--db", str(db))
    for output in (result.text, listing.text, dry.text):
        assert SECRET not in output and TOKEN not in output
    stored = " ".join(str(r) for r in rows(db, "SELECT last_error, target_label FROM deliveries"))
    assert SECRET not in stored and TOKEN not in stored
