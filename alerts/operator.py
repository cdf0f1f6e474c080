"""Messages to the operator (settings `operator_notify`): a source turned unhealthy, a
delivery was given up after 48 hours. Each event is reported once, not every run."""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from config.clock import iso
from config.models import Settings
from config.wording import plural
from store.health import mark_alerted, unalerted_unhealthy


def notify_operator(settings: Settings, title: str, lines: list[str]) -> list[str]:
    """Send to every operator channel; returns one line per channel that failed."""
    from alerts.deliver import check_notify_url, send_one  # apprise: only when something is sent
    from config.errors import ConfigError
    from config.hosts import public_only_resolution

    failures = []
    with public_only_resolution(settings.allow_private_hosts):
        for url in settings.operator_notify:
            try:  # the operator's channel too reaches a public host or an allowed one (SPEC §5)
                check_notify_url(url, settings, sending=True)
            except ConfigError as exc:
                failures.append(f"operator alert could not be sent: {exc}")
                continue
            ok, error = send_one(url, title, "\n".join(lines), "text")
            if not ok:
                failures.append(f"operator alert could not be sent: {error}")
    return failures


def alert_unhealthy_sources(
    db: sqlite_utils.Database, settings: Settings, now: datetime
) -> tuple[list[str], list[str]]:
    """Alert the operator once about sources that turned unhealthy since the last alert.

    Returns (what was reported, one line per operator channel that failed)."""
    rows = unalerted_unhealthy(db)
    if not rows:
        return [], []
    lines = [
        f"source {r['name']} is unhealthy: {r['health_reason'] or r['last_status']}" for r in rows
    ]
    failures = notify_operator(settings, f"internwatch: {plural(len(rows), 'source')} unhealthy", lines)
    if not failures:
        mark_alerted(db, [str(r["name"]) for r in rows], now)
    return lines, failures


def report_given_up(db: sqlite_utils.Database, settings: Settings, now: datetime) -> list[str]:
    """Report deliveries given up (status failed) that were not reported yet."""
    rows = list(
        db.query(
            "SELECT subscription, target_label, count(*) AS n, max(last_error) AS err"
            " FROM deliveries WHERE status = 'failed' AND sent_at IS NULL"
            " GROUP BY subscription, target_label"
        )
    )
    if not rows:
        return []
    lines = [
        f"gave up delivering {plural(r['n'], 'posting')} to {r['subscription']} via {r['target_label']}"
        f" after 48 h: {r['err']}"
        for r in rows
    ]
    failures = notify_operator(settings, "internwatch: deliveries given up", lines)
    if not failures:
        with db.conn:
            # sent_at on a failed row records when the give-up was reported
            db.execute(
                "UPDATE deliveries SET sent_at = ? WHERE status = 'failed' AND sent_at IS NULL",
                [iso(now)],
            )
    return lines + failures
