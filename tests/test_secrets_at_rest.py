"""No secret in clear in the database file, its WAL, or any output (SPEC §5; issue 14 item 4).

A real run: secrets come from `${ENV}` in subscriptions.yaml and sources.yaml and literally
from `subscriptions add`; every byte of the database file, its -wal and -shm, and every line
printed is searched for each of them.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from urllib.parse import quote

import apprise

from config.secrets import REDACTOR, mask_url
from demo.servers import BoardServer, Reply, SmtpSink, WebhookSink
from store.db import open_db
from tests.conftest import ROOT, run_cli, write_config

SECRETS = {
    "HOOK_PASS": "hookPassw0rd-7731",
    "HOOK_TOKEN": "hookToken5521abcd",
    "SMTP_PASS": "smtpPassw0rd-8812",
    "SOURCE_KEY": "srcApiKey-99331xyz",
}
LITERAL = "literalDiscordToken_4477QQ"  # typed on the command line, no ${VAR}


def secret_forms() -> set[str]:
    values = set(SECRETS.values()) | {LITERAL}
    return values | {quote(v, safe="") for v in values}


def database_files(db: Path) -> list[Path]:
    return [p for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists()]


def assert_no_secret_in(files: list[Path]) -> None:
    for path in files:
        data = path.read_bytes()
        for secret in secret_forms():
            assert secret.encode() not in data, f"{secret} in {path.name}"


def test_no_secret_in_the_database_file_or_any_output(tmp_path: Path) -> None:
    env = {**os.environ, **SECRETS}
    db = tmp_path / "iw.db"
    jobs = (ROOT / "demo" / "data" / "greenhouse" / "duolingo.json").read_bytes()
    with WebhookSink() as hook, SmtpSink() as smtp, BoardServer({"/ok": Reply(jobs)}) as board:
        subs = [{
            "name": "s",
            "filter": {"internships_only": False},  # the demo board's roles are full-time
            "notify": [
                f"json://user:${{HOOK_PASS}}@127.0.0.1:{hook.port}/hook?token=${{HOOK_TOKEN}}",
                f"mailto://student:${{SMTP_PASS}}@127.0.0.1:{smtp.port}?smtp=127.0.0.1&secure=no"
                "&from=internwatch@example.org&to=a@example.edu",
            ],
        }]
        sources = [{"name": "keyed", "type": "greenhouse", "company": "Acme", "board": "acme",
                    "url": board.url("/v1/boards/acme/jobs?api_key=${SOURCE_KEY}")},  # 404: FAILED
                   {"name": "ok", "type": "greenhouse", "company": "Duolingo", "board": "duolingo",
                    "url": board.url("/ok")}]
        config = write_config(tmp_path / "config", sources, subs)
        base = ["--config", str(config), "--db", str(db)]
        added = run_cli("subscriptions", "add", "--name", "chat", "--notify",
                        f"discord://1234567890/{LITERAL}", *base, env=env)
        assert added.code == 0, added
        run = run_cli("run", "-v", *base, env=env)
        check = run_cli("sources", "check", *base, env=env)
        assert "api_key=****" in check.out, check  # the failure is shown, its key is not
        listing = run_cli("subscriptions", "list", *base, env=env)
        dry = run_cli("alerts", "--dry-run", *base, env=env)
    for output in (added, run, check, listing, dry):
        for secret in secret_forms():
            assert secret not in output.out and secret not in output.err, (secret, output)
    assert_no_secret_in(database_files(db))
    rows = open_db(db).execute("SELECT error FROM crawl_runs WHERE source = 'keyed'").fetchall()
    assert rows and all("api_key=****" in str(r) for r in rows)
    assert len(hook.received) == 1 and len(smtp.messages) == 1  # the secrets still work


def test_the_database_and_its_key_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    from config.secrets import vault_for

    db_path = tmp_path / "fresh.db"
    db = open_db(db_path)
    vault = vault_for(str(db_path))
    sealed = vault.seal("json://user:pw-secret-1@hooks.example.org/x")
    db.execute("CREATE TABLE IF NOT EXISTS t (v TEXT)")
    db.execute("INSERT INTO t VALUES (?)", [sealed])
    db.conn.commit()
    files = database_files(db_path) + [Path(f"{db_path}.key")]
    assert Path(f"{db_path}-wal") in files  # WAL mode: written while the connection is open
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert_no_secret_in(database_files(db_path))
    assert b"pw-secret-1" not in b"".join(p.read_bytes() for p in database_files(db_path))
    assert vault.open(sealed) == "json://user:pw-secret-1@hooks.example.org/x"


def test_a_key_from_internwatch_secret_opens_what_the_key_file_sealed(tmp_path: Path) -> None:
    from config.secrets import vault_for

    db_path = str(tmp_path / "k.db")
    os.environ.pop("INTERNWATCH_SECRET", None)
    sealed = vault_for(db_path).seal("mailto://u:p4ss-word@smtp.example.org")
    os.environ["INTERNWATCH_SECRET"] = "site-secret-for-links"
    try:
        both = vault_for(db_path)  # the site was configured later: old rows still open
        assert both.open(sealed) == "mailto://u:p4ss-word@smtp.example.org"
        again = both.seal("x")
        assert both.open("plain") == "plain"  # rows written before sealing are read as is
        assert both.open(again) == "x"
    finally:
        os.environ.pop("INTERNWATCH_SECRET", None)


def test_apprise_privacy_masks_show_no_part_of_a_secret() -> None:
    """Apprise shows a token's first and last character ("S...9"); we show none."""
    url = "pover://SECRETUSERKEY99@ANOTHERTOKEN77"
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    handler = Keep(level=logging.DEBUG)
    handler.addFilter(REDACTOR)
    logger = logging.getLogger("apprise")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        apprise.Apprise.instantiate(url, suppress_exceptions=True)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    shown = " ".join(records) + " " + mask_url(url)
    assert "pover://" in shown
    for partial in ("S...9", "A...7", "SECRETUSERKEY99", "ANOTHERTOKEN77"):
        assert partial not in shown, shown


def test_a_notify_url_stored_in_clear_by_an_older_version_is_sealed_on_open(tmp_path: Path) -> None:
    """A database written before notify URLs were encrypted: the next open seals them, and
    no byte of the file (after a checkpoint) still holds the secret."""
    path = tmp_path / "old.db"
    db = open_db(str(path))
    url = f"json://user:{LITERAL}@hooks.example.org/x"
    db.table("subscriptions").insert({"name": "old", "notify": f'["{url}"]', "frequency": "daily",
                                      "filter": "{}", "paused": 0, "origin": "file"})
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm007_seal_clear_notify_urls'")
    db.conn.commit()
    db.close()
    db = open_db(str(path))  # the migration runs as it would on an upgraded install
    stored = db.execute("SELECT notify FROM subscriptions WHERE name = 'old'").fetchone()[0]
    assert stored.startswith("iw1:") and LITERAL not in stored
    from alerts.subscriptions import load_subscriptions
    assert load_subscriptions(db)[0].notify == [url]  # still readable with the key file
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    for file in database_files(path):
        assert LITERAL.encode() not in file.read_bytes(), file.name
