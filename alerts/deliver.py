"""Sending digests through apprise: one apprise object per channel, a bounded pool of sends.

Database writes stay on the calling thread; the pool only talks to the network.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from datetime import datetime

import apprise
import sqlite_utils

from alerts.filters import company_key
from alerts.outbox import (
    Batch,
    due_batches,
    mark_failed,
    mark_sending,
    mark_sent,
    recover_interrupted,
)
from alerts.render import Digest, Line
from alerts.site import site_digest
from alerts.subscriptions import Subscription
from config.models import Settings
from config.secrets import REDACTOR
from config.wording import plural
from store.models import Posting

log = logging.getLogger(__name__)

HTML_SCHEMES = ("mailto", "mailtos", "email")
MARKDOWN_SCHEMES = ("slack", "discord", "tgram", "telegram", "mmost", "mmosts", "matrix", "msteams")
JSON_SCHEMES = ("json", "jsons")


@dataclass(frozen=True)
class SendOutcome:
    subscription: str
    channel: str  # masked
    ok: bool
    postings: int
    error: str | None = None
    given_up: bool = False

    def line(self) -> str:
        if self.ok:
            return f"{self.subscription}: sent {plural(self.postings, 'posting')} to {self.channel}"
        state = "GIVEN UP after 48 h" if self.given_up else "will retry"
        return f"{self.subscription}: FAILED to send to {self.channel} ({state}): {self.error}"


def build_digest(batch: Batch, settings: Settings) -> Digest:
    limit = settings.max_digest
    listed = _cap_per_company(batch.postings, batch.subscription.filter.companies, limit)
    return Digest(
        subscription=batch.subscription.name,
        lines=[Line.of(p, batch.subscription.filter.reasons(p)) for p in listed],
        more=len(batch.postings) - len(listed),
        stop_hint=settings.unsubscribe_hint.format(name=batch.subscription.name),
        more_hint=f"internwatch export --format md --filter {batch.subscription.name}",
    )


def _cap_per_company(
    postings: list[Posting], named: list[str], limit: int, per_company: int = 3
) -> list[Posting]:
    """At most `per_company` from one company unless the filter names it; at most `limit`.

    Companies are compared with the filter's own `company_key`, so a filter naming "stripe"
    lifts the cap for postings of "Stripe, Inc." exactly as it matches them.
    """
    named_keys = {company_key(n) for n in named}
    counts: dict[str, int] = {}
    out: list[Posting] = []
    for posting in postings:
        key = company_key(posting.company)
        if key not in named_keys and counts.get(key, 0) >= per_company:
            continue
        counts[key] = counts.get(key, 0) + 1
        out.append(posting)
        if len(out) >= limit:
            break
    return out


# Message length limits of chat services (characters of the body); longer digests list
# fewer postings and say "and N more" rather than being cut mid-line by the service.
LENGTH_LIMITS = {"discord": 2000, "tgram": 4096, "telegram": 4096, "slack": 39000, "msteams": 28000}


def render_for(url: str, digest: Digest) -> tuple[str, str, str]:
    """(title, body, apprise body format) for the channel's scheme, within its length limit."""
    scheme = url.split("://", 1)[0].lower()
    limit = LENGTH_LIMITS.get(scheme)
    while True:
        title, body, fmt = _render(scheme, digest)
        if limit is None or len(body) + len(title) + 2 <= limit or not digest.lines:
            return title, body, fmt
        digest = replace(digest, lines=digest.lines[:-1], more=digest.more + 1)


def _render(scheme: str, digest: Digest) -> tuple[str, str, str]:
    if scheme in HTML_SCHEMES:
        return digest.title, digest.html(), apprise.NotifyFormat.HTML
    if scheme in JSON_SCHEMES:
        body = json.dumps(digest.structured(), ensure_ascii=False)
        return digest.title, body, apprise.NotifyFormat.TEXT
    if scheme in MARKDOWN_SCHEMES:
        return digest.title, digest.markdown(), apprise.NotifyFormat.MARKDOWN
    return digest.title, digest.text(), apprise.NotifyFormat.TEXT


class _ThreadErrors(logging.Handler):
    """Keeps apprise's last warning per thread, so each parallel send reports its own error."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.last: dict[int, str] = {}

    def emit(self, record: logging.LogRecord) -> None:
        self.last[record.thread or 0] = record.getMessage()


_ERRORS = _ThreadErrors()
logging.getLogger("apprise").addHandler(_ERRORS)


def send_one(url: str, title: str, body: str, body_format: str) -> tuple[bool, str | None]:
    """Send through the apprise plugin for `url`; (success, masked error).

    The plugin object is called directly in this thread: `Apprise.notify` would queue every
    send on apprise's process-wide pool of cpu+4 threads, capping parallel deliveries there.
    """
    plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    if plugin is None:
        return False, "apprise cannot use this URL"
    thread = threading.get_ident()
    _ERRORS.last.pop(thread, None)
    ok = plugin.notify(body=body, title=title, body_format=body_format)
    if ok:
        return True, None
    reason = _ERRORS.last.pop(thread, None) or "the service did not accept the message"
    return False, REDACTOR.redact(" ".join(reason.split()))


Sender = Callable[[str, str, str, str], tuple[bool, str | None]]


def deliver(
    db: sqlite_utils.Database,
    settings: Settings,
    now: datetime,
    *,
    sender: Sender = send_one,
    subscriptions: Sequence[Subscription] | None = None,
) -> list[SendOutcome]:
    """Send every due batch; record each result as it arrives."""
    recover_interrupted(db)
    batches = due_batches(db, now, subscriptions)
    if not batches:
        return []
    outcomes: list[SendOutcome] = []
    work = []
    for batch in batches:
        digest = build_digest(batch, settings)
        url = batch.url
        if settings.web.public_url:  # links to the student site (alerts/site.py)
            digest, url = site_digest(db, settings.web.public_url, batch, digest, now)
        title, body, fmt = render_for(batch.url, digest)
        mark_sending(db, batch)
        work.append((batch, title, body, fmt, url))
    with ThreadPoolExecutor(max_workers=min(settings.send_workers, len(work))) as pool:
        futures = {
            pool.submit(sender, url, title, body, fmt): batch
            for batch, title, body, fmt, url in work
        }
        for future in as_completed(futures):
            batch = futures[future]
            try:
                ok, error = future.result()
            except Exception as exc:  # noqa: BLE001 - a plugin crash is one failed channel
                ok, error = False, REDACTOR.redact(f"{type(exc).__name__}: {exc}")
            if ok:
                mark_sent(db, batch, now)
                outcomes.append(
                    SendOutcome(batch.subscription.name, batch.label, True, len(batch.postings))
                )
            else:
                given_up = mark_failed(db, batch, error or "unknown error", now)
                outcomes.append(
                    SendOutcome(
                        batch.subscription.name,
                        batch.label,
                        False,
                        len(batch.postings),
                        error,
                        given_up,
                    )
                )
    outcomes.sort(key=lambda o: (o.subscription, o.channel))
    return outcomes
