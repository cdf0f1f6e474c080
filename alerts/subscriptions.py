"""Saved filters in the database: syncing subscriptions.yaml into it, and the changes the
CLI (and the student site) make: add, update, remove, pause, resume.

A run reads the file once, syncs it, and gets back the active subscriptions, each parsed
once; matching (`outbox.collect`) and sending (`outbox.due_batches`) take that list.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import sqlite_utils

from alerts.filters import Filter
from config.clock import iso
from config.models import SubscriptionConfig
from config.secrets import REDACTOR, SEALED_PREFIX, Vault, vault_for


def target_key(url: str) -> str:
    """A notify URL's key in the outbox (the URL itself, which may hold secrets, is not stored)."""
    return hashlib.blake2b(url.encode("utf-8"), digest_size=8).hexdigest()


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
    #: active, or pending: made on the student site and not confirmed yet (gets nothing)
    status: str = "active"

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
            status=row.get("status") or "active",
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
) -> list[Subscription]:
    """Make the file's subscriptions the database's `origin = file` ones; return them all.

    A changed filter keeps the watermark (no flood of old matches); a subscription removed
    from the file is removed with its pending deliveries. Pausing from the CLI survives a
    sync. Those added with the CLI or on the site are never touched.
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
            if old["notify"].startswith(SEALED_PREFIX) and vault.open(old["notify"]) == json.dumps(
                sub.notify
            ):
                row["notify"] = old["notify"]  # unchanged: not sealed again on every run
            db.execute(
                "UPDATE subscriptions SET notify = ?, frequency = ?, filter = ?,"
                " paused = max(paused, ?), origin = 'file' WHERE name = ?",
                [row["notify"], row["frequency"], row["filter"], row["paused"], sub.name],
            )
        for name, old in existing.items():
            if old["origin"] == "file" and name not in names:
                _delete(db, name)
    return load_subscriptions(db)


Added = Literal["added", "exists", "in-file"]


def add_subscription(db: sqlite_utils.Database, sub: SubscriptionConfig, now: datetime) -> Added:
    """Add a new CLI subscription; a taken name is refused, never overwritten."""
    with db.conn:
        old = db.execute("SELECT origin FROM subscriptions WHERE name = ?", [sub.name]).fetchone()
        if old:
            return "in-file" if old[0] == "file" else "exists"
        db.table("subscriptions").insert(subscription_row(sub, "cli", now, notify_vault(db)))
    return "added"


def stored_config(db: sqlite_utils.Database, name: str) -> tuple[str, dict[str, Any]] | None:
    """(origin, the subscription as subscriptions.yaml would write it), or None: what
    `update` changes and validates again."""
    rows = list(db.query("SELECT * FROM subscriptions WHERE name = ?", [name]))
    if not rows:
        return None
    row = rows[0]
    raw = {
        "name": row["name"],
        "notify": json.loads(notify_vault(db).open(row["notify"])),
        "frequency": row["frequency"],
        "filter": json.loads(row["filter"] or "{}"),
        "paused": bool(row["paused"]),
    }
    return str(row["origin"]), raw


def update_subscription(db: sqlite_utils.Database, sub: SubscriptionConfig) -> None:
    """Replace notify, frequency and filter of an existing subscription. The watermark
    stays (a changed filter does not resend old matches); rows still due for a channel
    no longer listed are dropped (nothing would ever send them)."""
    kept = [target_key(url) for url in sub.notify]
    with db.conn:
        db.execute(
            "UPDATE subscriptions SET notify = ?, frequency = ?, filter = ? WHERE name = ?",
            [notify_vault(db).seal(json.dumps(sub.notify)), sub.frequency,
             json.dumps(sub.filter, sort_keys=True), sub.name],
        )
        db.execute(
            "DELETE FROM deliveries WHERE subscription = ? AND status = 'pending'"
            f" AND target NOT IN ({','.join('?' * len(kept))})",
            [sub.name, *kept],
        )


def remove_subscription(db: sqlite_utils.Database, name: str) -> bool:
    with db.conn:
        return _delete(db, name)


def _delete(db: sqlite_utils.Database, name: str) -> bool:
    gone = db.execute("DELETE FROM subscriptions WHERE name = ?", [name]).rowcount
    db.execute("DELETE FROM deliveries WHERE subscription = ? AND status != 'sent'", [name])
    db.execute("DELETE FROM site_digests WHERE subscription = ?", [name])
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
        else:  # a pending one starts only when its student confirms it (SPEC §7)
            changed = db.execute(
                "UPDATE subscriptions SET paused = 0,"
                " watermark = CASE WHEN watermark IS NULL THEN NULL ELSE ? END"
                " WHERE name = ? AND coalesce(status, 'active') != 'pending'",
                [iso(now), name],
            ).rowcount
    return bool(changed)


def load_subscriptions(db: sqlite_utils.Database) -> list[Subscription]:
    vault = notify_vault(db)
    rows = db.query("SELECT * FROM subscriptions ORDER BY name")
    return [Subscription.from_row(r, vault) for r in rows]
