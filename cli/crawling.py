"""The cron path: `run` = `crawl` then `alerts`; and the offline `demo`."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from cli.context import FAILED, OK, Context, Usage
from config.clock import now
from config.wording import plural


def source_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="NAME",
        help="crawl only this source (repeatable; may name a disabled source)",
    )


def alerts_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dry-run", action="store_true", help="print what would be sent; change nothing"
    )


def cmd_run(ctx: Context) -> int:
    ctx.subscriptions()  # validate everything before crawling anything (parsed once, kept)
    crawled = crawl_sources(ctx, ctx.args.source)
    sent = send_alerts(ctx)
    return max(crawled, sent)


def cmd_crawl(ctx: Context) -> int:
    return crawl_sources(ctx, ctx.args.source)


def crawl_sources(ctx: Context, only: Sequence[str]) -> int:
    """Crawl; one line per source. A failed or unhealthy source is printed even under -q
    and makes the exit code 1 (SPEC §1)."""
    from alerts.operator import alert_unhealthy_sources
    from spiders.runner import crawl

    sources = ctx.sources()
    if only:
        known = {s.name: s for s in sources}
        missing = [n for n in only if n not in known]
        if missing:
            raise Usage(f"unknown source '{missing[0]}' (see internwatch sources)")
        chosen = [known[n] for n in only]
    else:
        chosen = [s for s in sources if s.enabled]
    if not chosen:
        ctx.say("no enabled sources in " + str(ctx.config_dir / "sources.yaml"))
        return OK
    outcomes = crawl(chosen, ctx.settings, ctx.db_path, verbose=ctx.verbose)
    good = [o.status == "ok" and o.healthy for o in outcomes]
    for outcome, fine in zip(outcomes, good, strict=True):
        (ctx.say if fine else ctx.warn)(outcome.line())
    reported, failed = alert_unhealthy_sources(ctx.db(), ctx.settings, now())
    if ctx.verbose:  # the source's own line already said FAILED or UNHEALTHY
        for line in reported:
            ctx.warn(f"operator alert: {line}")
    for line in failed:
        ctx.warn(line)
    return OK if all(good) else FAILED


def cmd_alerts(ctx: Context) -> int:
    if ctx.args.dry_run:
        return _dry_run(ctx)
    return send_alerts(ctx)


def send_alerts(ctx: Context) -> int:
    """Sync the file's subscriptions, match, send what is due: one list of subscriptions,
    read once, for every step."""
    from alerts.deliver import deliver
    from alerts.operator import report_given_up
    from alerts.outbox import collect
    from alerts.subscriptions import sync_subscriptions

    db = ctx.db()
    moment = now()
    active = sync_subscriptions(db, ctx.subscriptions(), moment)
    collect(db, moment, active)
    outcomes = deliver(db, ctx.settings, moment, subscriptions=active)
    for outcome in outcomes:
        (ctx.say if outcome.ok else ctx.warn)(outcome.line())
    for line in report_given_up(db, ctx.settings, moment):
        ctx.warn(line)
    if not outcomes:
        ctx.say("alerts: nothing due")
    return OK if all(o.ok for o in outcomes) else FAILED


def _dry_run(ctx: Context) -> int:
    """Match and render on an in-memory copy of the database: the file is never written."""
    import sqlite_utils

    from alerts.deliver import build_digest
    from alerts.outbox import collect, due_batches
    from alerts.subscriptions import sync_subscriptions

    subs = ctx.subscriptions()
    scratch = sqlite_utils.Database(memory=True)
    ctx.db().conn.backup(scratch.conn)
    moment: datetime = now()
    active = sync_subscriptions(scratch, subs, moment)
    collect(scratch, moment, active)
    batches: list[Any] = due_batches(scratch, moment, active)
    if not batches:
        ctx.say("dry run: nothing to send")
    for batch in batches:
        digest = build_digest(batch, ctx.settings)
        count = plural(len(batch.postings), "posting")
        ctx.say(f"dry run: {batch.subscription.name} -> {batch.label}: {count}")
        for line in digest.text().splitlines():
            ctx.say("    " + line)
    return OK


def cmd_demo(ctx: Context) -> int:
    from demo.run import run_demo

    return run_demo(verbose=ctx.verbose)
