"""The alerts side of the student site (SPEC §5, §7): site subscriptions kept in the
`subscriptions` table, the signed links put in messages, and each digest's postings for the
page its "and N more" link opens. The site (web/) writes subscriptions only through here.

A site subscription is created `pending` *and paused*: matching and sending skip paused
subscriptions, so it gets nothing before it is confirmed, and its watermark stays empty,
so its first digest after confirmation lists the current matches.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import quote

import sqlite_utils

from alerts import outbox, subscriptions
from alerts.filters import Filter
from alerts.links import Links, with_headers
from alerts.render import Digest
from config.clock import iso
from config.models import SubscriptionConfig
from store.db import chunks
from store.models import Posting
from store.writer import row_to_posting

MAILS_PER_DAY = 3


# -- site subscriptions --------------------------------------------------------------------------


def email_key(email: str) -> str:
    return email.strip().lower()


def site_name(email: str) -> str:
    """One site subscription per address; its name does not show the address."""
    return "site-" + hashlib.blake2b(email_key(email).encode(), digest_size=6).hexdigest()


def mail_url(mail: str, email: str) -> str:
    """The operator's `web.mail` URL with the student as the recipient."""
    return f"{mail}{'&' if '?' in mail else '?'}to={quote(email_key(email), safe='@')}"


@dataclass(frozen=True)
class SiteSubscription:
    name: str
    email: str | None
    status: str  # pending | active
    paused: bool
    origin: str  # file | cli | site
    frequency: str
    filter: Filter
    notify: list[str]
    nonce: str
    version: str = ""  # changes whenever anything the manage page shows changes (see `state`)

    @property
    def chat(self) -> list[str]:
        """Notify URLs other than the site's own email."""
        return [u for u in self.notify if not u.startswith(("mailto://", "mailtos://"))]


def get(db: sqlite_utils.Database, name: str) -> SiteSubscription | None:
    row = next(db.query("SELECT * FROM subscriptions WHERE name = ?", [name]), None)
    if row is None:
        return None
    sub = subscriptions.Subscription.from_row(row, subscriptions.notify_vault(db))
    return SiteSubscription(
        name=sub.name,
        email=row["email"],
        status=row["status"] or "active",
        paused=sub.paused,
        origin=sub.origin,
        frequency=sub.frequency,
        filter=sub.filter,
        notify=sub.notify,
        nonce=row["nonce"] or "",
        version=_version([row[c] for c in _SHOWN]),
    )


def ensure_nonce(db: sqlite_utils.Database, name: str) -> str:
    """The nonce signed into a subscription's links (made on first use for file/CLI ones)."""
    with db.conn:
        row = db.execute("SELECT nonce FROM subscriptions WHERE name = ?", [name]).fetchone()
        if row is None:
            raise KeyError(name)
        if row[0]:
            return str(row[0])
        nonce = secrets.token_urlsafe(6)
        db.execute("UPDATE subscriptions SET nonce = ? WHERE name = ?", [nonce, name])
    return nonce


def sign_up(
    db: sqlite_utils.Database,
    email: str,
    notify: list[str],
    frequency: str,
    flt: Filter,
    now: datetime,
) -> tuple[SiteSubscription, bool]:
    """Save a pending subscription for `email`, or update a pending one's filters.

    Returns (subscription, confirmed already). An active subscription is left as it is:
    its owner changes it from the manage page.
    """
    name = site_name(email)
    old = get(db, name)
    if old is not None and old.status == "active":
        return old, True
    config = SubscriptionConfig(
        name=name,
        notify=notify,
        frequency=frequency,  # type: ignore[arg-type]
        filter=flt.model_dump(exclude_defaults=True),
        paused=True,
    )
    row = subscriptions.subscription_row(config, "site", now, subscriptions.notify_vault(db))
    row.update(email=email_key(email), status="pending", nonce=old.nonce if old else secrets.token_urlsafe(6))
    with db.conn:
        db.table("subscriptions").upsert(row, pk="name")
    new = get(db, name)
    assert new is not None
    return new, False


def confirm(db: sqlite_utils.Database, name: str, nonce: str, now: datetime) -> str:
    """'confirmed', 'already' (an active subscription) or 'gone' (removed or replaced)."""
    with db.conn:
        changed = db.execute(
            "UPDATE subscriptions SET status = 'active', paused = 0, confirmed_at = ?,"
            " watermark = NULL WHERE name = ? AND nonce = ? AND status = 'pending'",
            [iso(now), name, nonce],
        ).rowcount
    if changed:
        return "confirmed"
    sub = get(db, name)
    return "already" if sub is not None and sub.nonce == nonce else "gone"


def update(
    db: sqlite_utils.Database,
    name: str,
    notify: list[str],
    frequency: str,
    flt: Filter,
    now: datetime,
) -> None:
    """New filters, frequency and channels; the watermark stays (no flood of old matches)."""
    config = SubscriptionConfig(
        name=name,
        notify=notify,
        frequency=frequency,  # type: ignore[arg-type]
        filter=flt.model_dump(exclude_defaults=True),
    )
    row = subscriptions.subscription_row(config, "site", now, subscriptions.notify_vault(db))
    with db.conn:
        db.execute(
            "UPDATE subscriptions SET notify = ?, frequency = ?, filter = ? WHERE name = ?",
            [row["notify"], row["frequency"], row["filter"], name],
        )


def pause(db: sqlite_utils.Database, name: str, paused: bool, now: datetime) -> None:
    subscriptions.set_paused(db, name, paused, now)


def unsubscribe(db: sqlite_utils.Database, name: str, now: datetime) -> None:
    """Remove it; one defined in subscriptions.yaml is paused instead (a sync would re-add it)."""
    sub = get(db, name)
    if sub is None:
        return
    if sub.origin == "file":
        subscriptions.set_paused(db, name, True, now)
    else:
        subscriptions.remove_subscription(db, name)


# -- confirmation emails: at most MAILS_PER_DAY per address ------------------------------------


def mails_today(db: sqlite_utils.Database, email: str, now: datetime) -> int:
    since = iso(now - timedelta(days=1))
    row = db.execute(
        "SELECT count(*) FROM site_mails WHERE email_key = ? AND sent_at > ?",
        [_hashed(email), since],
    ).fetchone()
    return int(row[0])


def record_mail(db: sqlite_utils.Database, email: str, now: datetime) -> None:
    with db.conn:
        db.execute("INSERT INTO site_mails (email_key, sent_at) VALUES (?, ?)", [_hashed(email), iso(now)])
        db.execute("DELETE FROM site_mails WHERE sent_at < ?", [iso(now - timedelta(days=2))])


def _hashed(email: str) -> str:
    return hashlib.blake2b(email_key(email).encode(), digest_size=12).hexdigest()


# -- digests and matches ------------------------------------------------------------------------

#: days a digest's list is kept for its "and N more" page
DIGEST_KEEP_DAYS = 90


def record_digest(
    db: sqlite_utils.Database, name: str, posting_ids: Sequence[str], now: datetime, digest_id: str
) -> None:
    """Keep a digest's postings for its matches page (the "and N more" link), for
    DIGEST_KEEP_DAYS: an older link shows the subscription's current matches instead."""
    with db.conn:
        db.execute("DELETE FROM site_digests WHERE subscription = ? AND created_at < ?",
                   [name, iso(now - timedelta(days=DIGEST_KEEP_DAYS))])
        db.table("site_digests").insert(
            {
                "id": digest_id,
                "subscription": name,
                "created_at": iso(now),
                "posting_ids": json.dumps(list(posting_ids)),
            }
        )


def digest_postings(db: sqlite_utils.Database, name: str, digest_id: str) -> list[Posting] | None:
    """Every posting of one digest (closed ones too: the student was told about them)."""
    row = db.execute(
        "SELECT posting_ids FROM site_digests WHERE id = ? AND subscription = ?", [digest_id, name]
    ).fetchone()
    if row is None:
        return None
    ids: list[str] = json.loads(row[0])
    found: dict[str, Posting] = {}
    for chunk in chunks(ids):
        sql = f"SELECT * FROM postings WHERE id IN ({','.join('?' * len(chunk))})"
        for r in db.query(sql, list(chunk)):
            found[r["id"]] = row_to_posting(r)
    return [found[i] for i in ids if i in found]


def current_matches(
    db: sqlite_utils.Database, flt: Filter, now: datetime, *, limit: int = 50, scan: int = 5000
) -> list[Posting]:
    """The newest open postings that match `flt`, among the `scan` newest open postings."""
    rows = db.query(
        "SELECT * FROM postings WHERE kind = 'posting' AND closed_at IS NULL ORDER BY rowid DESC LIMIT ?",
        [scan],
    )
    out: list[Posting] = []
    for row in rows:
        posting = row_to_posting(row)
        if flt.matches(posting, now):
            out.append(posting)
            if len(out) >= limit:
                break
    return out


def site_digest(
    db: sqlite_utils.Database, public_url: str, batch: outbox.Batch, digest: Digest, now: datetime
) -> tuple[Digest, str, str]:
    """With `web.public_url`: the digest ends with the manage link, its "and N more" links to
    the matches page of this digest, and an email carries the RFC 8058 headers.

    Returns the digest, the URL to send it through and the matches page's digest id: the
    sender records the digest under it (`record_digest`) once it knows the message, fitted
    to its channel, leaves postings out; they then count as delivered.
    """
    name = batch.subscription.name
    links = Links.from_env(public_url)
    nonce = ensure_nonce(db, name)
    listing = secrets.token_urlsafe(9)
    digest = replace(
        digest,
        stop_hint=links.url("manage", name, nonce),
        more_hint=links.url("matches", name, nonce, listing),
    )
    url = batch.url
    if url.split("://", 1)[0].lower() in ("mailto", "mailtos"):
        url = with_headers(
            url,
            {
                "List-Unsubscribe": f"<{links.url('unsubscribe', name, nonce)}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
    return digest, url, listing


#: the columns the manage page shows
_SHOWN = ("notify", "frequency", "filter", "paused", "status", "email")


def _version(values: Sequence[object]) -> str:
    return hashlib.blake2b(repr(tuple(values)).encode(), digest_size=8).hexdigest()


def state(db: sqlite_utils.Database, name: str) -> tuple[str, str] | None:
    """(nonce, the subscription's `version`) in one indexed read, without parsing it: lets
    the site reuse a page rendered for this very state."""
    sql = f"SELECT nonce, {', '.join(_SHOWN)} FROM subscriptions WHERE name = ?"
    row = db.execute(sql, [name]).fetchone()
    if row is None:
        return None
    return str(row[0] or ""), _version(row[1:])
