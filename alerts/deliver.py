"""Sending digests through apprise: one apprise object per channel, a bounded pool of sends.

Database writes stay on the calling thread; the pool only talks to the network.

- Where a message may go (SPEC §5): `check_notify_url` refuses a notify URL whose server
  (the JSON/form/XML host, the SMTP server of mailto://, a self-hosted ntfy or Mattermost...)
  is a loopback, private, link-local or reserved address, unless `allow_private_hosts` names
  it. It runs when a subscription is saved (YAML, CLI, site) and again before each send, and
  the sends themselves run inside `config.hosts.public_only_resolution`, so the address
  apprise connects to is the address that was checked.
- Format and length come from the apprise plugin of each URL (`notify_format`,
  `body_maxlen`), not from a table of ours: markdown where the service takes it (a chat
  renders it), HTML where its own default is HTML (email), else plain text; JSON webhooks get
  a structured body.
- A JSON message carries `digest_id`, the same on every retry of the same rows, and each
  posting its `id`; apprise's 4 s read timeout is raised to `READ_TIMEOUT` (a slow receiver
  that answers in time is not sent the digest again).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import apprise
import sqlite_utils

from alerts.outbox import (
    Batch,
    due_batches,
    mark_failed,
    mark_sending,
    mark_sent,
    recover_interrupted,
)
from alerts.render import Digest, Line
from alerts.site import record_digest, site_digest
from alerts.subscriptions import Subscription
from config.errors import ConfigError
from config.hosts import BlockedAddress, Unresolvable, check_host, public_only_resolution
from config.models import Settings, SubscriptionConfig
from config.secrets import REDACTOR, mask_url
from config.wording import plural
from store.models import Posting
from store.names import company_key

log = logging.getLogger(__name__)

#: our choice of content, not a service's limit: JSON webhooks get the structured digest
JSON_SCHEMES = ("json", "jsons")
#: seconds apprise waits for a receiver's answer (apprise's own default is 4 s, shorter than
#: many real webhooks take); a URL's own `rto=` still wins
READ_TIMEOUT = 30.0
#: "and N more" without the student site: what a message leaves out stays due (SPEC §5)
NEXT_MESSAGE = "they come in the next message"


def notify_hosts(url: str) -> list[str]:
    """The network hosts a notify URL makes apprise connect to that its user chose.

    A hosted service (discord://, slack://, tgram://) reaches its fixed public API: the URL's
    host part there is an id or a token, not a server, so there is nothing to check.
    """
    plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    if plugin is None:
        return []
    smtp = getattr(plugin, "smtp_host", None)
    if smtp:
        return [str(smtp)]
    host = getattr(plugin, "host", None)
    if host and "host" in getattr(plugin, "template_tokens", {}):
        return [str(host)]
    return []


def check_notify_url(url: str, settings: Settings, *, sending: bool = False) -> None:
    """Raise `ConfigError` (exit 2) if the URL's server is an internal address (SPEC §5).

    When saving, a name that does not resolve now is accepted (there is no address to judge,
    and DNS may be down); when `sending`, it is refused like an internal one.
    """
    for host in notify_hosts(url):
        try:
            check_host(host, settings.allow_private_hosts)
        except Unresolvable:
            if sending:
                raise ConfigError(f"{mask_url(url)}: its host does not resolve") from None
        except BlockedAddress as exc:
            raise ConfigError(f"{mask_url(url)}: refused: {exc}") from None


def check_subscriptions(subs: Iterable[SubscriptionConfig], settings: Settings) -> None:
    """Every notify URL of every subscription reaches a public host (or an allowed one)."""
    for sub in subs:
        for index, url in enumerate(sub.notify):
            try:
                check_notify_url(url, settings)
            except ConfigError as exc:
                raise ConfigError(f"subscription '{sub.name}': notify[{index}]: {exc}") from None


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


def digest_id(batch: Batch) -> str:
    """Stable for the same rows to the same channel: every retry of a message carries it."""
    rows = ",".join(str(i) for i in sorted(batch.delivery_ids))
    key = f"{batch.subscription.name}\n{batch.target}\n{rows}".encode()
    return hashlib.blake2b(key, digest_size=16).hexdigest()


def build_digest(batch: Batch, settings: Settings) -> Digest:
    limit = settings.max_digest
    listed = _cap_per_company(batch.postings, batch.subscription.filter.companies, limit)
    return Digest(
        subscription=batch.subscription.name,
        lines=[Line.of(p, batch.subscription.filter.reasons(p)) for p in listed],
        more=len(batch.postings) - len(listed),
        stop_hint=settings.unsubscribe_hint.format(name=batch.subscription.name),
        more_hint=NEXT_MESSAGE,
        digest_id=digest_id(batch),
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


def render_for(url: str, digest: Digest) -> tuple[str, str, str]:
    """(title, body, apprise body format) for the channel, within its plugin's length limit."""
    return fitted(url, digest)[1:]


def fitted(url: str, digest: Digest) -> tuple[Digest, str, str, str]:
    """The digest as the channel takes it, with its title, body and apprise body format.

    A longer digest lists fewer postings and says "and N more" rather than being cut
    mid-line by the service (one posting is always listed).
    """
    plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    scheme = url.split("://", 1)[0].lower()
    fmt = _format_for(scheme, plugin)
    limit = int(plugin.body_maxlen) if plugin is not None and plugin.body_maxlen else None
    while True:
        title, body = _render(fmt, scheme, digest)
        if limit is None or len(body) + len(title) + 2 <= limit or len(digest.lines) <= 1:
            return digest, title, body, fmt
        digest = replace(digest, lines=digest.lines[:-1], more=digest.more + 1)


def compose(
    db: sqlite_utils.Database, settings: Settings, batch: Batch, now: datetime
) -> tuple[Batch, str, str, str, str]:
    """One batch's message: (the batch it delivers, title, body, format, URL to send through).

    Every posting the batch delivers is listed or linked (SPEC §5). With `web.public_url`,
    "and N more" opens this digest's matches page, which lists them all. Without it there is
    no page to link: the postings the message leaves out (the digest limit, the per-company
    cap, a channel's length limit) leave the batch and stay pending for the next message.
    """
    digest = build_digest(batch, settings)
    url, listing = batch.url, None
    if settings.web.public_url:  # links to the student site (alerts/site.py)
        digest, url, listing = site_digest(db, settings.web.public_url, batch, digest, now)
    digest, title, body, fmt = fitted(batch.url, digest)
    if digest.more and listing is not None:
        record_digest(db, batch.subscription.name, [p.id for p in batch.postings], now, listing)
    elif digest.more:
        listed = {line.id for line in digest.lines}
        keep = [i for i, p in enumerate(batch.postings) if p.id in listed]
        batch = replace(
            batch,
            delivery_ids=[batch.delivery_ids[i] for i in keep],
            postings=[batch.postings[i] for i in keep],
        )
        digest = replace(digest, digest_id=digest_id(batch))  # the same length: it still fits
        title, body, fmt = render_for(batch.url, digest)
    return batch, title, body, fmt, url


def _format_for(scheme: str, plugin: Any) -> str:
    if scheme in JSON_SCHEMES or plugin is None:
        return apprise.NotifyFormat.TEXT
    declared = plugin.notify_format
    listed = declared if isinstance(declared, list | tuple) else [declared]
    formats = [apprise.NotifyFormat(f) for f in listed]
    if apprise.NotifyFormat.MARKDOWN in formats:
        return apprise.NotifyFormat.MARKDOWN
    if formats and formats[0] == apprise.NotifyFormat.HTML:
        return apprise.NotifyFormat.HTML
    return apprise.NotifyFormat.TEXT


def _render(fmt: str, scheme: str, digest: Digest) -> tuple[str, str]:
    if scheme in JSON_SCHEMES:
        return digest.title, json.dumps(digest.structured(), ensure_ascii=False)
    if fmt == apprise.NotifyFormat.MARKDOWN:
        return digest.title, digest.markdown()
    if fmt == apprise.NotifyFormat.HTML:
        return digest.title, digest.html()
    return digest.title, digest.text()


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
    if "rto=" not in url:
        plugin.socket_read_timeout = READ_TIMEOUT
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
    for whole in batches:
        batch, title, body, fmt, url = compose(db, settings, whole, now)
        mark_sending(db, batch)
        work.append((batch, title, body, fmt, url))

    def _send(batch: Batch, title: str, body: str, fmt: str, url: str) -> tuple[bool, str | None]:
        try:
            check_notify_url(batch.url, settings, sending=True)  # DNS may have changed
        except ConfigError as exc:
            return False, str(exc)
        return sender(url, title, body, fmt)  # url: batch.url, with the site's mail headers

    workers = min(settings.send_workers, len(work))
    with public_only_resolution(settings.allow_private_hosts), ThreadPoolExecutor(workers) as pool:
        futures = {pool.submit(_send, *job): job[0] for job in work}
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
