"""Source health (SPEC §6): per-run records in `crawl_runs`, a health verdict in `sources`.

A source is unhealthy when its run failed, when it returns nothing while it has open
postings, or when it returns fewer than half the median of its recent successful runs.
An unhealthy board never closes postings: it is far likelier that the board broke than
that every opening vanished at once.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from config.clock import iso
from config.models import SourceConfig

RECENT_RUNS = 10
#: what tells a source's next crawl that its board is unchanged: the HTTP validators, sent
#: with the first request, and the hash of the body last read in full with the ids it
#: listed (JSON), read by store.ingest.Stored.board_unchanged
VALIDATORS = ("etag", "last_modified", "body_hash", "body_ids")


@dataclass(frozen=True)
class Verdict:
    healthy: bool
    reason: str | None = None


def assess_count(db: sqlite_utils.Database, source: str, count: int) -> Verdict:
    """Judge a successful crawl's count against this source's history."""
    recent = [
        row[0]
        for row in db.execute(
            "SELECT count FROM crawl_runs WHERE source = ? AND status = 'ok'"
            " ORDER BY id DESC LIMIT ?",
            [source, RECENT_RUNS],
        ).fetchall()
        if row[0] is not None
    ]
    open_now = db.execute(
        "SELECT count(*) FROM postings WHERE source = ? AND closed_at IS NULL", [source]
    ).fetchone()[0]
    if count == 0 and (open_now > 0 or any(recent)):
        return Verdict(False, f"returned nothing (had {open_now} open postings)")
    if recent:
        median = statistics.median(recent)
        if median > 0 and count < median / 2:
            return Verdict(False, f"returned {count}, under half its median of {median:g}")
    return Verdict(True)


def record_run(
    db: sqlite_utils.Database,
    *,
    run_id: str,
    source: SourceConfig,
    started_at: str,
    duration_s: float,
    status: str,
    count: int,
    now: datetime,
    new: int = 0,
    updated: int = 0,
    closed: int = 0,
    errors: int = 0,
    error: str | None = None,
    verdict: Verdict | None = None,
) -> None:
    """Append the run to `crawl_runs` and update the source's health in `sources`."""
    if verdict is None:
        verdict = Verdict(False, error) if status != "ok" else Verdict(True)
    with db.atomic():
        # plain SQL: sqlite-utils' insert/upsert read the table's schema on every call,
        # which a run of 2,000 sources paid 2,000 times
        db.execute(
            "INSERT INTO crawl_runs (run_id, source, started_at, finished_at, duration_s, status,"
            " count, new, updated, closed, errors, error) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [run_id, source.name, started_at, iso(now), round(duration_s, 3), status, count,
             new, updated, closed, errors, error],
        )
        # unhealthy_alerted_at is cleared when healthy again, so the next failure alerts once more
        db.execute(
            "INSERT INTO sources (name, type, company, enabled, healthy, health_reason,"
            " last_status, last_run_at, last_count, unhealthy_alerted_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,NULL) ON CONFLICT(name) DO UPDATE SET"
            " type = excluded.type, company = excluded.company, enabled = excluded.enabled,"
            " healthy = excluded.healthy, health_reason = excluded.health_reason,"
            " last_status = excluded.last_status, last_run_at = excluded.last_run_at,"
            " last_count = excluded.last_count,"
            " unhealthy_alerted_at = CASE WHEN excluded.healthy THEN NULL"
            " ELSE sources.unhealthy_alerted_at END",
            [source.name, source.type, source.company, int(source.enabled), int(verdict.healthy),
             verdict.reason, status, iso(now), count],
        )


def load_validators(db: sqlite_utils.Database, source: str) -> dict[str, str]:
    """What is stored of a source's board (`VALIDATORS`, the ones present)."""
    row = db.execute(f"SELECT {', '.join(VALIDATORS)} FROM sources WHERE name = ?",
                     [source]).fetchone()
    if row is None:
        return {}
    return {key: value for key, value in zip(VALIDATORS, row, strict=True) if value}


def save_validators(
    db: sqlite_utils.Database, source: str, validators: dict[str, str | None] | None
) -> None:
    """Store (or, with None, forget) the validators to send on the source's next crawl."""
    validators = validators or {}
    with db.atomic():
        db.execute(
            f"UPDATE sources SET {', '.join(f'{key} = ?' for key in VALIDATORS)} WHERE name = ?",
            [*(validators.get(key) for key in VALIDATORS), source],
        )


def unalerted_unhealthy(db: sqlite_utils.Database) -> list[dict[str, object]]:
    """Sources that turned unhealthy and whose operator alert has not been sent yet."""
    return list(
        db.query(
            "SELECT name, health_reason, last_status FROM sources"
            " WHERE healthy = 0 AND unhealthy_alerted_at IS NULL ORDER BY name"
        )
    )


def mark_alerted(db: sqlite_utils.Database, names: list[str], now: datetime) -> None:
    with db.atomic():
        for name in names:
            db.execute(
                "UPDATE sources SET unhealthy_alerted_at = ? WHERE name = ?", [iso(now), name]
            )
