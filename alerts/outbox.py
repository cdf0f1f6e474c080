"""The outbox: one delivery row per (subscription, cluster, channel) with its state.

`collect` decides the matches and writes the pending rows in the same transaction that moves
each subscription's watermark, so a crash never loses a match nor decides it twice. A row is
marked sent only after apprise reported success for that channel; failures wait with
backoff (5 minutes, doubling, at most 6 hours) and are given up after 48 hours (SPEC §5).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from alerts.matcher import FilterIndex
from alerts.subscriptions import Subscription, load_subscriptions, target_key
from config.clock import iso, parse_instant
from config.secrets import REDACTOR, mask_url
from store.db import chunks
from store.models import Location, Posting
from store.writer import row_to_posting

FIRST_RETRY = timedelta(minutes=5)
MAX_RETRY = timedelta(hours=6)
GIVE_UP_AFTER = timedelta(hours=48)
PERIODS = {"instant": timedelta(0), "daily": timedelta(days=1), "weekly": timedelta(days=7)}


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after `attempts` failures: 5 min, 10, 20, ... at most 6 h."""
    wait = FIRST_RETRY * (2 ** max(attempts - 1, 0))
    return min(wait, MAX_RETRY)


# -- matching ---------------------------------------------------------------------------------


def _candidates(db: sqlite_utils.Database, since: str | None) -> list[Posting]:
    where = "kind = 'posting' AND closed_at IS NULL"
    params: list[Any] = []
    if since is not None:
        where += " AND first_seen > ?"
        params.append(since)
    return [row_to_posting(r) for r in db.query(f"SELECT * FROM postings WHERE {where}", params)]


def collect(
    db: sqlite_utils.Database,
    now: datetime,
    subscriptions: Sequence[Subscription] | None = None,
    *,
    dry_run: bool = False,
) -> dict[str, list[Posting]]:
    """Match postings new to each active subscription; write pending deliveries (unless dry run).

    `subscriptions` is the run's list (from `sync_subscriptions`); without it they are read
    from the database. A new subscription (no watermark) gets every open match; afterwards
    only postings first seen after its watermark. Returns the new matches per subscription.
    """
    if subscriptions is None:
        subscriptions = load_subscriptions(db)
    subs = [s for s in subscriptions if not s.paused]
    if not subs:
        return {}
    watermarks = [s.watermark for s in subs]
    since = None if any(w is None for w in watermarks) else min(w for w in watermarks if w)
    postings = _candidates(db, since)
    by_id = {p.id: p for p in postings}
    index = FilterIndex({s.name: s.filter for s in subs})
    result = index.match(postings, now)
    stamp = iso(now)
    newest = max((p.first_seen or "" for p in postings), default="") or None
    found: dict[str, list[Posting]] = {}
    for sub in subs:
        matched = [by_id[i] for i in result.matches.get(sub.name, [])]
        if sub.watermark is not None:
            matched = [p for p in matched if (p.first_seen or "") > sub.watermark]
        found[sub.name] = matched
    if dry_run:
        return found
    with db.conn:
        for sub in subs:
            rows = []
            for posting in found[sub.name]:
                for url in sub.notify:
                    rows.append(
                        (
                            sub.name,
                            posting.cluster_id or posting.id,
                            posting.id,
                            target_key(url),
                            mask_url(url),
                            "pending",
                            0,
                            stamp,
                        )
                    )
            db.conn.executemany(
                "INSERT OR IGNORE INTO deliveries (subscription, cluster_id, posting_id, target,"
                " target_label, status, attempts, created_at) VALUES (?,?,?,?,?,?,?,?)",
                rows,
            )
            marks = [m for m in (sub.watermark, newest) if m]
            if marks:
                db.execute(
                    "UPDATE subscriptions SET watermark = ? WHERE name = ?", [max(marks), sub.name]
                )
    return found


# -- delivery state ---------------------------------------------------------------------------


@dataclass
class Batch:
    """The pending rows of one subscription for one channel: one message."""

    subscription: Subscription
    url: str
    target: str
    label: str
    delivery_ids: list[int]
    postings: list[Posting]


def due_batches(
    db: sqlite_utils.Database, now: datetime, subscriptions: Sequence[Subscription] | None = None
) -> list[Batch]:
    """Pending deliveries whose retry time has come, grouped per subscription and channel,
    for subscriptions whose schedule (instant, daily, weekly) allows a message now; not
    those of postings closed since they matched."""
    if subscriptions is None:
        subscriptions = load_subscriptions(db)
    subs = {s.name: s for s in subscriptions if not s.paused}
    stamp = iso(now)
    rows = list(
        db.query(
            "SELECT d.id AS delivery_id, d.subscription AS delivery_subscription,"
            " d.target AS delivery_target, d.target_label AS delivery_label, p.* FROM deliveries d"
            " JOIN postings p ON p.id = d.posting_id"
            " WHERE d.status = 'pending' AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ?)"
            # an opening that closed while it waited (a daily/weekly digest, a retry, a message
            # that left it out) is not sent; its delivery waits, and goes if the posting reopens
            " AND p.closed_at IS NULL"
            " ORDER BY d.subscription, d.target",
            [stamp],
        )
    )
    batches: dict[tuple[str, str], Batch] = {}
    for row in rows:
        sub = subs.get(row["delivery_subscription"])
        if sub is None or not _schedule_allows(sub, now):
            continue
        url = next((u for u in sub.notify if target_key(u) == row["delivery_target"]), None)
        if url is None:  # the channel was removed from the subscription
            continue
        key = (sub.name, row["delivery_target"])
        batch = batches.get(key)
        if batch is None:
            batch = batches[key] = Batch(
                sub, url, row["delivery_target"], row["delivery_label"], [], []
            )
        batch.delivery_ids.append(row["delivery_id"])
        posting = {k: v for k, v in row.items() if not k.startswith("delivery_")}
        batch.postings.append(row_to_posting(posting))
    places = _cluster_places(db, {p.cluster_id for b in batches.values() for p in b.postings})
    for batch in batches.values():
        aligned = zip(batch.postings, batch.delivery_ids, strict=True)
        pairs = [(_with_cluster_places(p, places), d) for p, d in aligned]
        pairs.sort(key=lambda pair: pair[0].posted_at or pair[0].first_seen or "", reverse=True)
        batch.postings, batch.delivery_ids = [p for p, _ in pairs], [d for _, d in pairs]  # kept aligned
    return list(batches.values())


def _cluster_places(
    db: sqlite_utils.Database, clusters: set[str | None]
) -> dict[str, tuple[list[Location], list[str]]]:
    """Every open location of each cluster: one opening posted per city is one message line."""
    wanted = sorted(c for c in clusters if c)
    found: dict[str, tuple[list[Location], list[str]]] = {}
    for chunk in chunks(wanted):
        sql = (
            "SELECT cluster_id, locations, raw_locations FROM postings"
            f" WHERE closed_at IS NULL AND cluster_id IN ({','.join('?' * len(chunk))}) ORDER BY id"
        )
        for cluster, locations, raw in db.execute(sql, chunk).fetchall():
            locs, raws = found.setdefault(cluster, ([], []))
            for loc in json.loads(locations or "[]"):
                if Location(**loc) not in locs:
                    locs.append(Location(**loc))
            raws.extend(r for r in json.loads(raw or "[]") if r not in raws)
    return found


def _with_cluster_places(
    posting: Posting, places: dict[str, tuple[list[Location], list[str]]]
) -> Posting:
    locs, raws = places.get(posting.cluster_id or "", ([], []))
    merged = list(posting.locations) + [loc for loc in locs if loc not in posting.locations]
    merged_raw = list(posting.raw_locations) + [r for r in raws if r not in posting.raw_locations]
    return posting.model_copy(update={"locations": merged, "raw_locations": merged_raw})


def _schedule_allows(sub: Subscription, now: datetime) -> bool:
    period = PERIODS[sub.frequency]
    if not period or sub.last_sent_at is None:
        return True
    return now - parse_instant(sub.last_sent_at) >= period


def mark_sending(db: sqlite_utils.Database, batch: Batch) -> None:
    """Before the send: a crash between send and record shows as 'sending', never lost."""
    with db.conn:
        _set_status(
            db, batch.delivery_ids, "UPDATE deliveries SET status = 'sending' WHERE id IN ({})", []
        )


def mark_sent(db: sqlite_utils.Database, batch: Batch, now: datetime) -> None:
    with db.conn:
        _set_status(
            db,
            batch.delivery_ids,
            "UPDATE deliveries SET status = 'sent', sent_at = ?, attempts = attempts + 1,"
            " last_error = NULL WHERE id IN ({})",
            [iso(now)],
        )
        db.execute(
            "UPDATE subscriptions SET last_sent_at = ? WHERE name = ?",
            [iso(now), batch.subscription.name],
        )


def mark_failed(db: sqlite_utils.Database, batch: Batch, error: str, now: datetime) -> bool:
    """Record a failed try; returns True when the rows were given up (48 h of failures)."""
    error = REDACTOR.redact(error)[:500]
    given_up = False
    with db.conn:
        for delivery_id in batch.delivery_ids:
            row = db.execute(
                "SELECT attempts, first_failed_at FROM deliveries WHERE id = ?", [delivery_id]
            ).fetchone()
            attempts = row[0] + 1
            first_failed = row[1] or iso(now)
            if now - parse_instant(first_failed) >= GIVE_UP_AFTER:
                status, given_up = "failed", True
            else:
                status = "pending"
            db.execute(
                "UPDATE deliveries SET status = ?, attempts = ?, first_failed_at = ?,"
                " next_attempt_at = ?, last_error = ? WHERE id = ?",
                [status, attempts, first_failed, iso(now + backoff(attempts)), error, delivery_id],
            )
    return given_up


def recover_interrupted(db: sqlite_utils.Database) -> int:
    """Rows left 'sending' by a killed run go back to pending (they may be sent twice)."""
    with db.conn:
        return int(
            db.execute("UPDATE deliveries SET status = 'pending' WHERE status = 'sending'").rowcount
        )


def _set_status(db: sqlite_utils.Database, ids: list[int], sql: str, params: list[Any]) -> None:
    for chunk in chunks(ids):
        db.execute(sql.format(",".join("?" * len(chunk))), [*params, *chunk])
