"""The SQLite file: opening it (WAL), and its schema as sqlite-utils migrations.

Tables a user can browse with Datasette: `postings` (the SPEC §4 record, lists and objects
as JSON text), `sources` and `crawl_runs` (health), `subscriptions`, `deliveries` (the outbox).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import sqlite_utils
from sqlite_utils import Migrations

T = TypeVar("T")
migrations = Migrations("internwatch")

POSTING_COLUMNS: dict[str, type] = {
    "id": str,
    "source": str,
    "kind": str,
    "company": str,
    "title": str,
    "url": str,
    "apply_url": str,
    "is_internship": int,
    "locations": str,
    "remote": str,
    "pay": str,
    "seasons": str,
    "graduation": str,
    "degrees": str,
    "sponsorship": str,
    "duration_months": float,
    "deadline": str,
    "categories": str,
    "description": str,
    "posted_at": str,
    "first_seen": str,
    "last_seen": str,
    "closed_at": str,
    "cluster_id": str,
    "raw_locations": str,
    "team": str,
    "employment_type": str,
    # bookkeeping, not part of the record
    "content_hash": str,
    "missing_count": int,
}

JSON_COLUMNS = frozenset(
    {"locations", "pay", "seasons", "graduation", "degrees", "categories", "raw_locations"}
)
BOOKKEEPING_COLUMNS = frozenset({"content_hash", "missing_count"})


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db.table("postings").create(
        POSTING_COLUMNS,
        pk="id",
        not_null={"source", "kind", "company", "title", "url"},
        defaults={"missing_count": 0, "kind": "posting", "is_internship": 0},
    )
    db.table("postings").create_index(["source", "closed_at"])
    db.table("postings").create_index(["cluster_id"])
    db.table("postings").create_index(["first_seen"])
    db.table("postings").create_index(["url"])
    db.table("postings").enable_fts(
        ["title", "company", "description"], create_triggers=True, tokenize="unicode61 remove_diacritics 2"
    )
    db.table("sources").create(
        {
            "name": str,
            "type": str,
            "company": str,
            "enabled": int,
            "healthy": int,
            "health_reason": str,
            "last_status": str,
            "last_run_at": str,
            "last_count": int,
            "unhealthy_alerted_at": str,
            "etag": str,
            "last_modified": str,
        },
        pk="name",
    )
    db.table("crawl_runs").create(
        {
            "id": int,
            "run_id": str,
            "source": str,
            "started_at": str,
            "finished_at": str,
            "duration_s": float,
            "status": str,  # ok | failed
            "count": int,
            "new": int,
            "updated": int,
            "closed": int,
            "errors": int,
            "error": str,
        },
        pk="id",
    )
    db.table("crawl_runs").create_index(["source", "started_at"])
    db.table("subscriptions").create(
        {
            "name": str,
            "notify": str,  # JSON list of apprise URLs (secrets: never printed)
            "frequency": str,
            "filter": str,  # JSON
            "paused": int,
            "origin": str,  # file | cli
            "created_at": str,
            "watermark": str,  # postings first seen after this are new for it
            "last_sent_at": str,
        },
        pk="name",
        defaults={"paused": 0, "frequency": "instant"},
    )
    db.table("deliveries").create(
        {
            "id": int,
            "subscription": str,
            "cluster_id": str,
            "posting_id": str,
            "target": str,  # hash of the notify URL: one outbox row per channel
            "target_label": str,  # the masked URL, safe to show
            "status": str,  # pending | sending | sent | failed (given up)
            "attempts": int,
            "created_at": str,
            "first_failed_at": str,
            "next_attempt_at": str,
            "last_error": str,
            "sent_at": str,
        },
        pk="id",
        defaults={"attempts": 0, "status": "pending"},
    )
    db.table("deliveries").create_index(["subscription", "cluster_id", "target"], unique=True)
    db.table("deliveries").create_index(["status", "next_attempt_at"])


#: SQLite's default limit on bound variables is 999; batched IN (...) queries stay below it.
SQL_BATCH = 900


def chunks(items: Sequence[T], size: int = SQL_BATCH) -> Iterator[Sequence[T]]:
    """`items` in slices of at most `size`, for `IN (...)` queries."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One transaction that holds SQLite's write lock from its start (BEGIN IMMEDIATE).

    A source's postings, their clusters and its health are read and written under one lock,
    so de-duplication never decides on a store that another writer (a `subscriptions add`,
    the student site) changes before the decision is written. Inside an open transaction
    this is a no-op (the outer one commits); the store functions nest with `db.atomic()`.
    """
    if db.conn.in_transaction:
        yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
        db.conn.commit()
    except BaseException:  # the commit too: a transaction it could not finish is rolled back
        if db.conn.in_transaction:
            db.conn.rollback()
        raise


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) the database, in WAL mode, with every migration applied.

    A new file is created readable by its owner only (SPEC §5); SQLite gives its -wal and -shm
    files the database file's permissions.
    """
    if str(path) not in ("", ":memory:") and not os.path.exists(path):
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA busy_timeout = 30000")
    db.enable_wal()
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    migrations.apply(db)
    return db


@migrations()
def m002_dedup(db: sqlite_utils.Database) -> None:
    from store.dedup import create_tables

    create_tables(db)


@migrations()
def m003_fts_update_only_on_text(db: sqlite_utils.Database) -> None:
    """Re-index a posting's text only when its text changes: the trigger sqlite-utils creates
    fires on every update, so marking 10,000 unchanged postings seen re-indexed them all."""
    db.execute("DROP TRIGGER IF EXISTS postings_au")
    db.execute(
        'CREATE TRIGGER "postings_au" AFTER UPDATE OF "title", "company", "description"'
        ' ON "postings" BEGIN'
        ' INSERT INTO "postings_fts" ("postings_fts", rowid, "title", "company", "description")'
        ' VALUES (\'delete\', old.rowid, old."title", old."company", old."description");'
        ' INSERT INTO "postings_fts" (rowid, "title", "company", "description")'
        ' VALUES (new.rowid, new."title", new."company", new."description");'
        " END"
    )


@migrations()
def m004_fts_merge_less_often(db: sqlite_utils.Database) -> None:
    """FTS5 merges index segments after 16 of a level, not 4: a crawl commits once per
    source, and merging at nearly every commit was a quarter of the cost of writing a
    posting. Searches stay ~1 ms on 100,000 postings (bench/bench_crawl.py)."""
    db.execute("INSERT INTO postings_fts (postings_fts, rank) VALUES ('automerge', 16)")


@migrations()
def m005_student_site(db: sqlite_utils.Database) -> None:
    """The student site (SPEC §7): a site subscription's address, whether it is confirmed
    (`pending` ones are also paused, so matching never sees them), and the nonce its signed
    links carry (a link of a removed subscription never works for a new one of the same
    address); the confirmation emails sent (3 per address per day); and each digest's
    postings, for the page its "and N more" link opens."""
    subs = db.table("subscriptions")
    subs.add_column("email", str)
    subs.add_column("status", str, not_null_default="active")
    subs.add_column("nonce", str)
    subs.add_column("confirmed_at", str)
    subs.create_index(["email"])
    db.table("site_mails").create({"id": int, "email_key": str, "sent_at": str}, pk="id")
    db.table("site_mails").create_index(["email_key", "sent_at"])
    db.table("site_digests").create(
        {"id": str, "subscription": str, "created_at": str, "posting_ids": str}, pk="id"
    )
    db.table("site_digests").create_index(["subscription"])


@migrations()
def m006_body_hash(db: sqlite_utils.Database) -> None:
    """The hash of a board's body last read in full (with the parser version and the
    source's config) and the ids it listed: the same body again is not parsed
    (store.ingest.Stored.board_unchanged)."""
    db.table("sources").add_column("body_hash", str)
    db.table("sources").add_column("body_ids", str)


@migrations()
def m007_seal_clear_notify_urls(db: sqlite_utils.Database) -> None:
    """Notify URLs saved before they were encrypted at rest are sealed now (SPEC §5: no
    secret in clear in the database file), with `secure_delete` so the pages that held
    them are overwritten, not only freed."""
    from config.secrets import SEALED_PREFIX, vault_for

    clear = [(name, notify) for name, notify in db.execute(
        "SELECT name, notify FROM subscriptions WHERE notify NOT LIKE ?", [SEALED_PREFIX + "%"])]
    if not clear:
        return
    row = db.execute("PRAGMA database_list").fetchone()
    vault = vault_for(str(row[2] or "") if row else "")
    db.execute("PRAGMA secure_delete = ON")
    for name, notify in clear:
        db.execute("UPDATE subscriptions SET notify = ? WHERE name = ?", [vault.seal(notify), name])
