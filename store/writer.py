"""Writing one source's batch: upserts, first/last seen, closing and reopening (SPEC §6).

Everything for one source happens in one transaction, so a crash leaves either the whole
batch or none of it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from config.clock import iso
from store.db import JSON_COLUMNS, chunks
from store.models import Posting

MISSING_RUNS_TO_CLOSE = 2
STALE_DAYS_UNLISTED = 60


@dataclass
class BatchResult:
    count: int = 0
    new_ids: list[str] = field(default_factory=list)
    updated_ids: list[str] = field(default_factory=list)
    unchanged: int = 0
    reopened: int = 0
    closed: int = 0


def load_hashes(db: sqlite_utils.Database, source: str) -> dict[str, str]:
    """id -> content hash of every posting stored for this source (open or closed)."""
    rows = db.execute(
        "SELECT id, content_hash FROM postings WHERE source = ?", [source]
    ).fetchall()
    return {row[0]: row[1] for row in rows if row[1] is not None}


def posting_row(posting: Posting, content_hash: str) -> dict[str, Any]:
    row = posting.export()
    for key in JSON_COLUMNS:
        row[key] = json.dumps(row[key], ensure_ascii=False) if row[key] is not None else None
    row["is_internship"] = 1 if posting.is_internship else 0
    row["content_hash"] = content_hash
    row["missing_count"] = 0
    del row["cluster_id"]  # decided by de-duplication alone (store.dedup.assign_clusters)
    return row


def row_to_posting(row: dict[str, Any]) -> Posting:
    """A `postings` row back into the model (JSON columns decoded, bookkeeping dropped)."""
    data = {k: v for k, v in row.items() if k in Posting.model_fields or k == "graduation"}
    for key in JSON_COLUMNS:
        value = data.get(key)
        if isinstance(value, str):
            data[key] = json.loads(value)
    data["is_internship"] = bool(data.get("is_internship"))
    for key in ("locations", "seasons", "degrees", "categories", "raw_locations"):
        if data.get(key) is None:
            data[key] = []
    if data.get("description") is None:
        data["description"] = ""
    return Posting.model_validate(data)


def write_batch(
    db: sqlite_utils.Database,
    source: str,
    changed: Sequence[tuple[Posting, str]],
    unchanged_ids: Sequence[str],
    now: datetime,
    *,
    complete: bool,
) -> BatchResult:
    """Store one source's crawl in one transaction.

    `changed` are (enriched posting, content hash) pairs whose hash differs from the stored one
    (or that are new); `unchanged_ids` were seen with the same hash. With `complete` (the
    board was read in full and the crawl succeeded) postings of this source that were not
    seen count one more missing run and close after two; an incomplete or failed crawl
    never closes anything. `cluster_id` is not written here: the caller has
    `store.dedup.assign_clusters` decide it for the new and updated ids, in the same
    transaction (store/ingest.py).
    """
    stamp = iso(now)
    result = BatchResult(count=len(changed) + len(unchanged_ids), unchanged=len(unchanged_ids))
    with db.atomic():
        ids = [p.id for p, _ in changed]
        existing: dict[str, dict[str, Any]] = {}
        for chunk in chunks(ids):
            marks = ",".join("?" * len(chunk))
            for row in db.execute(
                f"SELECT id, first_seen, closed_at FROM postings WHERE id IN ({marks})",
                list(chunk),
            ).fetchall():
                existing[row[0]] = {"first_seen": row[1], "closed_at": row[2]}
        rows = []
        for posting, content_hash in changed:
            row = posting_row(posting, content_hash)
            old = existing.get(posting.id)
            if old is None:
                row["first_seen"] = stamp
                result.new_ids.append(posting.id)
            else:
                row["first_seen"] = old["first_seen"]
                result.updated_ids.append(posting.id)
                if old["closed_at"]:
                    result.reopened += 1
            row["last_seen"] = stamp
            row["closed_at"] = None
            rows.append(row)
        if rows:
            _upsert(db, rows)
        for chunk in chunks(list(unchanged_ids)):
            marks = ",".join("?" * len(chunk))
            reopened = db.execute(
                f"SELECT count(*) FROM postings WHERE closed_at IS NOT NULL AND id IN ({marks})",
                list(chunk),
            ).fetchone()[0]
            result.reopened += reopened
            db.execute(
                f"UPDATE postings SET last_seen = ?, missing_count = 0, closed_at = NULL"
                f" WHERE id IN ({marks})",
                [stamp, *chunk],
            )
        if complete:
            result.closed = _mark_missing(db, source, [*ids, *unchanged_ids], stamp)
    return result


def _upsert(db: sqlite_utils.Database, rows: list[dict[str, Any]]) -> None:
    """Insert or update whole rows (every row has the same keys): plain SQL, because
    sqlite-utils' upsert_all reads the table's schema on every call, once per source."""
    columns = list(rows[0])
    names = ", ".join(f'"{c}"' for c in columns)
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c != "id")
    db.conn.executemany(
        f"INSERT INTO postings ({names}) VALUES ({', '.join('?' * len(columns))})"
        f" ON CONFLICT(id) DO UPDATE SET {updates}",
        [[row[c] for c in columns] for row in rows],
    )


def _mark_missing(db: sqlite_utils.Database, source: str, seen: Sequence[str], stamp: str) -> int:
    """Count a missing run for open postings of `source` not in `seen`; close those missing twice."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS seen_ids (id TEXT PRIMARY KEY)")
    db.execute("DELETE FROM seen_ids")
    db.conn.executemany("INSERT OR IGNORE INTO seen_ids VALUES (?)", [(i,) for i in seen])
    db.execute(
        "UPDATE postings SET missing_count = missing_count + 1"
        " WHERE source = ? AND closed_at IS NULL AND id NOT IN (SELECT id FROM seen_ids)",
        [source],
    )
    closed = db.execute(
        "UPDATE postings SET closed_at = ? WHERE source = ? AND closed_at IS NULL"
        " AND missing_count >= ?",
        [stamp, source, MISSING_RUNS_TO_CLOSE],
    ).rowcount
    db.execute("DELETE FROM seen_ids")
    return int(closed)


def present_ids(db: sqlite_utils.Database, source: str) -> list[str]:
    """Open postings of `source` that were on its board at its last complete crawl
    (not counted missing since): what an unchanged board (HTTP 304) still lists."""
    rows = db.execute(
        "SELECT id FROM postings WHERE source = ? AND closed_at IS NULL AND missing_count = 0",
        [source],
    ).fetchall()
    return [row[0] for row in rows]


def close_gone(db: sqlite_utils.Database, posting_ids: Sequence[str], now: datetime) -> int:
    """Close postings whose own page answered 404/410 (at once, SPEC §6)."""
    stamp = iso(now)
    closed = 0
    with db.atomic():
        for chunk in chunks(list(posting_ids)):
            marks = ",".join("?" * len(chunk))
            closed += db.execute(
                f"UPDATE postings SET closed_at = ? WHERE closed_at IS NULL AND id IN ({marks})",
                [stamp, *chunk],
            ).rowcount
    return closed


def close_expired(
    db: sqlite_utils.Database, source: str, now: datetime, *, stale_days: int | None
) -> int:
    """Close this source's open postings whose deadline has passed, and with `stale_days`
    (sources that list only their latest entries) those not seen for that many days."""
    today = iso(now)[:10]
    with db.atomic():
        closed = db.execute(
            "UPDATE postings SET closed_at = ? WHERE source = ? AND closed_at IS NULL"
            " AND deadline IS NOT NULL AND deadline != 'rolling' AND deadline < ?",
            [iso(now), source, today],
        ).rowcount
        if stale_days is not None:
            cutoff = iso(now - timedelta(days=stale_days))
            closed += db.execute(
                "UPDATE postings SET closed_at = ? WHERE source = ? AND closed_at IS NULL"
                " AND last_seen < ?",
                [iso(now), source, cutoff],
            ).rowcount
    return int(closed)
