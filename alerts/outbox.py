"""The outbox: subscriptions in the database, and one delivery row per (subscription, cluster,
channel) with its state.

`collect` decides the matches and writes the pending rows in the same transaction that moves
each subscription's watermark, so a crash never loses a match nor decides it twice. A row is
marked sent only after apprise reported success for that channel; failures wait with
backoff (5 minutes, doubling, at most 6 hours) and are given up after 48 hours (SPEC §5).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from alerts.filters import Filter
from alerts.matcher import FilterIndex
from config.clock import iso, parse_instant
from config.models import SubscriptionConfig
from config.secrets import REDACTOR, Vault, mask_url, vault_for
from store.db import chunks
from store.models import Location, Posting
from store.writer import row_to_posting

FIRST_RETRY = timedelta(minutes=5)
MAX_RETRY = timedelta(hours=6)
GIVE_UP_AFTER = timedelta(hours=48)
PERIODS = {"instant": timedelta(0), "daily": timedelta(days=1), "weekly": timedelta(days=7)}


def target_key(url: str) -> str:
    return hashlib.blake2b(url.encode("utf-8"), digest_size=8).hexdigest()


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after `attempts` failures: 5 min, 10, 20, ... at most 6 h."""
    wait = FIRST_RETRY * (2 ** max(attempts - 1, 0))
    return min(wait, MAX_RETRY)


# -- subscriptions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Subscription:
    name: str
    notify: list[str]
    frequency: str
    filter: Filter
    paused: bool
    origin: str
    watermark: str | None
    last_sent_at: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any], vault: Vault) -> Subscription:
        notify = json.loads(vault.open(row["notify"]))
        for url in notify:
            REDACTOR.add_url(url)
        return cls(
            name=row["name"],
            notify=notify,
            frequency=row["frequency"],
            filter=Filter.model_validate(json.loads(row["filter"] or "{}")),
            paused=bool(row["paused"]),
            origin=row["origin"],
            watermark=row["watermark"],
            last_sent_at=row["last_sent_at"],
        )


def notify_vault(db: sqlite_utils.Database) -> Vault:
    """The vault sealing this database's notify URLs (config/secrets.py: never in clear)."""
    row = db.execute("PRAGMA database_list").fetchone()
    return vault_for(str(row[2] or "") if row else "")


def subscription_row(
    sub: SubscriptionConfig, origin: str, now: datetime, vault: Vault
) -> dict[str, Any]:
    return {
        "name": sub.name,
        "notify": vault.seal(json.dumps(sub.notify)),
        "frequency": sub.frequency,
        "filter": json.dumps(sub.filter, sort_keys=True),
        "paused": int(sub.paused),
        "origin": origin,
        "created_at": iso(now),
    }


def sync_subscriptions(
    db: sqlite_utils.Database, subs: Sequence[SubscriptionConfig], now: datetime
) -> None:
    """Make the file's subscriptions the database's `origin = file` ones.

    A changed filter keeps the watermark (no flood of old matches); a subscription removed
    from the file is removed with its pending deliveries. Pausing from the CLI survives a sync.
    """
    vault = notify_vault(db)
    with db.conn:
        existing = {row["name"]: row for row in db.query("SELECT * FROM subscriptions")}
        names = {sub.name for sub in subs}
        for sub in subs:
            row = subscription_row(sub, "file", now, vault)
            old = existing.get(sub.name)
            if old is None:
                db.table("subscriptions").insert(row)
                continue
            if vault.open(old["notify"]) == json.dumps(sub.notify):
                row["notify"] = old["notify"]  # unchanged: not sealed again on every run
            db.execute(
                "UPDATE subscriptions SET notify = ?, frequency = ?, filter = ?,"
                " paused = max(paused, ?), origin = 'file' WHERE name = ?",
                [row["notify"], row["frequency"], row["filter"], row["paused"], sub.name],
            )
        for name, old in existing.items():
            if old["origin"] == "file" and name not in names:
                remove_subscription(db, name)


def add_subscription(db: sqlite_utils.Database, sub: SubscriptionConfig, now: datetime) -> bool:
    """Add (or replace) a CLI subscription; returns False if the name was taken by the file."""
    with db.conn:
        old = db.execute("SELECT origin FROM subscriptions WHERE name = ?", [sub.name]).fetchone()
        if old and old[0] == "file":
            return False
        db.table("subscriptions").upsert(
            subscription_row(sub, "cli", now, notify_vault(db)), pk="name"
        )
    return True


def remove_subscription(db: sqlite_utils.Database, name: str) -> bool:
    with db.conn:
        gone = db.execute("DELETE FROM subscriptions WHERE name = ?", [name]).rowcount
        db.execute("DELETE FROM deliveries WHERE subscription = ? AND status != 'sent'", [name])
    return bool(gone)


def set_paused(db: sqlite_utils.Database, name: str, paused: bool, now: datetime) -> bool:
    """Pause or resume. Resuming moves the watermark to now: a pause builds no backlog."""
    with db.conn:
        if paused:
            changed = db.execute(
                "UPDATE subscriptions SET paused = 1 WHERE name = ?", [name]
            ).rowcount
            db.execute(
                "DELETE FROM deliveries WHERE subscription = ? AND status = 'pending'", [name]
            )
        else:
            changed = db.execute(
                "UPDATE subscriptions SET paused = 0,"
                " watermark = CASE WHEN watermark IS NULL THEN NULL ELSE ? END WHERE name = ?",
                [iso(now), name],
            ).rowcount
    return bool(changed)


def load_subscriptions(db: sqlite_utils.Database) -> list[Subscription]:
    vault = notify_vault(db)
    rows = db.query("SELECT * FROM subscriptions ORDER BY name")
    return [Subscription.from_row(r, vault) for r in rows]


# -- matching ---------------------------------------------------------------------------------


def _candidates(db: sqlite_utils.Database, since: str | None) -> list[Posting]:
    where = "kind = 'posting' AND closed_at IS NULL"
    params: list[Any] = []
    if since is not None:
        where += " AND first_seen > ?"
        params.append(since)
    return [row_to_posting(r) for r in db.query(f"SELECT * FROM postings WHERE {where}", params)]


def collect(
    db: sqlite_utils.Database, now: datetime, *, dry_run: bool = False
) -> dict[str, list[Posting]]:
    """Match postings new to each active subscription; write pending deliveries (unless dry run).

    A new subscription (no watermark) gets every open match; afterwards only postings first
    seen after its watermark. Returns the new matches per subscription.
    """
    subs = [s for s in load_subscriptions(db) if not s.paused]
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


def due_batches(db: sqlite_utils.Database, now: datetime) -> list[Batch]:
    """Pending deliveries whose retry time has come, grouped per subscription and channel,
    for subscriptions whose schedule (instant, daily, weekly) allows a message now."""
    subs = {s.name: s for s in load_subscriptions(db) if not s.paused}
    stamp = iso(now)
    rows = list(
        db.query(
            "SELECT d.id AS delivery_id, d.subscription AS delivery_subscription,"
            " d.target AS delivery_target, d.target_label AS delivery_label, p.* FROM deliveries d"
            " JOIN postings p ON p.id = d.posting_id"
            " WHERE d.status = 'pending' AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ?)"
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
        batch.postings = [_with_cluster_places(p, places) for p in batch.postings]
        batch.postings.sort(key=lambda p: p.posted_at or p.first_seen or "", reverse=True)
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
