"""The `internwatch` command: parse arguments, call the rooms, map errors to exit codes.

Exit codes (SPEC §1): 0 everything worked; 1 the run finished but a source or a delivery
failed (one line each says which); 2 bad usage or invalid config (nothing crawled or sent).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from config.clock import ClockError, now
from config.errors import ConfigError
from config.loader import load_settings, load_sources, load_subscriptions, parse_subscription
from config.models import Settings, SourceConfig
from config.secrets import REDACTOR, install_log_redaction, mask_url

OK, FAILED, BAD_CONFIG = 0, 1, 2


class Usage(Exception):
    """Bad usage: exit 2 with the message."""


# -- argument parsing ---------------------------------------------------------------------------


def _global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--config",
        metavar="DIR",
        default=default,
        help="config folder (default ./config or $INTERNWATCH_CONFIG)",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=default,
        help="database file (default ./internwatch.db or $INTERNWATCH_DB)",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", default=False if top else argparse.SUPPRESS
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", default=False if top else argparse.SUPPRESS
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="internwatch",
        description="Crawl internship postings, store them in SQLite, alert students once.",
    )
    _global_options(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        _global_options(p, top=False)
        return p

    p = add("run", "crawl every enabled source, store, then send due alerts (the cron job)")
    p.add_argument("--source", action="append", default=[], metavar="NAME")
    p = add("crawl", "crawl only")
    p.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="NAME",
        help="crawl only this source (repeatable; may name a disabled source)",
    )
    p = add("alerts", "match and send due alerts only")
    p.add_argument(
        "--dry-run", action="store_true", help="print what would be sent; change nothing"
    )
    add("demo", "offline demo: local boards, a crawl, two subscriptions, local deliveries")
    p = add("search", "full-text search over stored postings")
    p.add_argument("query")
    p.add_argument("--json", action="store_true")
    p.add_argument("--all", action="store_true", help="include closed postings and articles")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--company", action="append", default=[])
    p.add_argument("--location", action="append", default=[])
    p.add_argument("--category", action="append", default=[])
    p.add_argument("--internships-only", action="store_true")
    p = add("export", "write postings (SPEC §4 fields) to stdout")
    p.add_argument("--format", choices=["json", "csv", "md", "rss"], default="json")
    p.add_argument("--filter", metavar="NAME", help="only postings matching this subscription")
    p.add_argument("--all", action="store_true", help="include closed postings and articles")
    p = add("sources", "list sources with their health, or check the config")
    p.add_argument("action", nargs="?", choices=["list", "check"], default="list")
    p = add("subscriptions", "manage saved filters kept in the database")
    p.add_argument(
        "action",
        nargs="?",
        default="list",
        choices=["list", "add", "remove", "pause", "resume", "import"],
    )
    p.add_argument("target", nargs="?", help="NAME (remove/pause/resume) or FILE (import)")
    p.add_argument("--name")
    p.add_argument("--notify", action="append", default=[], metavar="URL")
    p.add_argument("--frequency", choices=["instant", "daily", "weekly"], default="instant")
    p.add_argument(
        "--filter",
        dest="filter_json",
        metavar="JSON",
        default="{}",
        help='the filter as JSON, e.g. \'{"keywords": ["data"]}\'',
    )
    return parser


# -- helpers -----------------------------------------------------------------------------------


class Context:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.config_dir = Path(args.config or os.environ.get("INTERNWATCH_CONFIG") or "config")
        self.db_path = str(args.db or os.environ.get("INTERNWATCH_DB") or "internwatch.db")
        self.verbose: bool = args.verbose
        self.quiet: bool = args.quiet
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config_dir)
        return self._settings

    def sources(self) -> list[SourceConfig]:
        from spiders.runner import type_specs

        return load_sources(self.config_dir / "sources.yaml", type_specs())

    def subscriptions(self) -> list[Any]:
        from alerts.deliver import check_subscriptions
        from alerts.filters import Filter

        subs = load_subscriptions(self.config_dir / "subscriptions.yaml", Filter)
        check_subscriptions(subs, self.settings)  # no notify URL to an internal host (SPEC §5)
        return subs

    def db(self) -> Any:
        from store.db import open_db

        return open_db(self.db_path)

    def say(self, line: str) -> None:
        if not self.quiet:
            print(REDACTOR.redact(line), flush=True)

    def warn(self, line: str) -> None:
        print(REDACTOR.redact(line), file=sys.stderr, flush=True)


def _lock(ctx: Context) -> Any:
    from filelock import FileLock, Timeout

    lock = FileLock(ctx.db_path + ".lock")
    try:
        lock.acquire(timeout=ctx.settings.lock_wait_seconds)
    except Timeout:
        raise RunLocked(
            f"another internwatch run is using {ctx.db_path} (lock {ctx.db_path}.lock);"
            " not starting a second one"
        ) from None
    return lock


class RunLocked(Exception):
    pass


class _SaidElsewhere(logging.Filter):
    """Drops Scrapy's tracebacks and warnings for failures that our one line per source
    already reports (`-v` shows them all)."""

    _DROP = (
        ("scrapy.core.scraper", "Spider error processing"),
        ("scrapy.core.scraper", "Error downloading"),
        ("scrapy.downloadermiddlewares.retry", "Gave up retrying"),
        ("scrapy.core.downloader.handlers.http11", "larger than download max size"),
        ("scrapy.core.downloader.handlers.http11", "Got data loss in"),
        ("scrapy.downloadermiddlewares.httpcompression", "exceeded DOWNLOAD_MAXSIZE"),
    )

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        return not any(record.name == name and text in message for name, text in self._DROP)


# -- commands ----------------------------------------------------------------------------------


def cmd_crawl(ctx: Context, only: Sequence[str]) -> int:
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
    for outcome in outcomes:
        (ctx.say if outcome.status == "ok" else ctx.warn)(outcome.line())
    from alerts.operator import alert_unhealthy_sources

    reported, failed = alert_unhealthy_sources(ctx.db(), ctx.settings, now())
    if ctx.verbose:  # the source's own line already said FAILED or UNHEALTHY
        for line in reported:
            ctx.warn(f"operator alert: {line}")
    for line in failed:
        ctx.warn(line)
    return OK if all(o.status == "ok" for o in outcomes) else FAILED


def cmd_alerts(ctx: Context, dry_run: bool) -> int:
    from alerts.deliver import deliver
    from alerts.operator import report_given_up
    from alerts.outbox import collect, sync_subscriptions

    subs = ctx.subscriptions()
    db = ctx.db()
    moment = now()
    if dry_run:
        return _dry_run(ctx, db, subs, moment)
    sync_subscriptions(db, subs, moment)
    collect(db, moment)
    outcomes = deliver(db, ctx.settings, moment)
    for outcome in outcomes:
        (ctx.say if outcome.ok else ctx.warn)(outcome.line())
    for line in report_given_up(db, ctx.settings, moment):
        ctx.warn(line)
    if not outcomes:
        ctx.say("alerts: nothing due")
    return OK if all(o.ok for o in outcomes) else FAILED


def _dry_run(ctx: Context, db: Any, subs: list[Any], moment: Any) -> int:
    """Match and render on an in-memory copy of the database: the file is never written."""
    import sqlite_utils

    from alerts.deliver import build_digest
    from alerts.outbox import collect, due_batches, sync_subscriptions

    scratch = sqlite_utils.Database(memory=True)
    db.conn.backup(scratch.conn)
    sync_subscriptions(scratch, subs, moment)
    collect(scratch, moment)
    batches = due_batches(scratch, moment)
    if not batches:
        ctx.say("dry run: nothing to send")
    for batch in batches:
        digest = build_digest(batch, ctx.settings)
        ctx.say(f"dry run: {batch.subscription.name} -> {batch.label}: {len(batch.postings)} postings")
        for line in digest.text().splitlines():
            ctx.say("    " + line)
    return OK


def cmd_run(ctx: Context, only: Sequence[str]) -> int:
    ctx.subscriptions()  # validate everything before crawling anything
    crawled = cmd_crawl(ctx, only)
    sent = cmd_alerts(ctx, dry_run=False)
    return max(crawled, sent)


def cmd_export(ctx: Context, fmt: str, name: str | None, include_all: bool) -> int:
    from store.export import render_export

    postings = _selected(ctx, name, include_all)
    sys.stdout.write(render_export(postings, fmt))
    return OK


def _selected(ctx: Context, name: str | None, include_all: bool) -> list[Any]:
    """Stored postings, optionally only those matching a subscription (file or database)."""
    from alerts.filters import Filter
    from alerts.outbox import load_subscriptions as db_subscriptions
    from store.export import load_postings

    db = ctx.db()
    postings = load_postings(db, include_all=include_all)
    if not name:
        return postings
    filters = {sub.name: Filter.model_validate(sub.filter) for sub in ctx.subscriptions()}
    for stored in db_subscriptions(db):
        filters.setdefault(stored.name, stored.filter)
    if name not in filters:
        raise Usage(f"no subscription named '{name}'")
    moment = now()
    return [p for p in postings if filters[name].matches(p, moment)]


def cmd_search(ctx: Context, args: argparse.Namespace) -> int:
    from store.search import search

    hits = search(
        ctx.db(),
        args.query,
        limit=args.limit,
        include_all=args.all,
        companies=args.company,
        locations=args.location,
        categories=args.category,
        internships_only=args.internships_only,
    )
    if args.json:
        from store.export import export_record  # scraped text made harmless (SPEC §5)

        print(json.dumps([export_record(p) for p in hits], ensure_ascii=False, indent=2))
        return OK
    if not hits:
        ctx.say("no postings match")
    from alerts.render import Line

    for posting in hits:
        line = Line.of(posting)
        ctx.say(f"{line.title} | {line.company} | {line.facts()} | {line.url or ''}")
    return OK


def cmd_sources(ctx: Context, action: str) -> int:
    sources = ctx.sources()
    db = ctx.db()
    health = {row["name"]: row for row in db.query("SELECT * FROM sources")}
    if action == "check":
        ctx.say(f"{ctx.config_dir / 'sources.yaml'}: {len(sources)} sources, valid")
        subs_file = ctx.config_dir / "subscriptions.yaml"
        if subs_file.exists():
            ctx.say(f"{subs_file}: {len(ctx.subscriptions())} subscriptions, valid")
        else:
            ctx.say(f"{subs_file}: not present (subscriptions live in the database only)")
    for source in sources:
        row = health.get(source.name)
        state = "never crawled"
        if row:
            state = "healthy" if row["healthy"] else f"UNHEALTHY ({row['health_reason']})"
            state += f", last run {row['last_run_at']}: {row['last_status']}, {row['last_count']} postings"
        enabled = "enabled " if source.enabled else "disabled"
        ctx.say(f"{source.name:28} {source.type:15} {enabled} {state}")
        if action == "check":
            for run in db.query(
                "SELECT * FROM crawl_runs WHERE source = ? ORDER BY id DESC LIMIT 5", [source.name]
            ):
                err = f" {run['error']}" if run["error"] else ""
                ctx.say(
                    f"    {run['started_at']} {run['status']:6} {run['count']:5} postings"
                    f" {run['duration_s']:.1f}s{err}"
                )
    return OK


def cmd_subscriptions(ctx: Context, args: argparse.Namespace) -> int:
    from alerts import outbox
    from alerts.deliver import check_subscriptions
    from alerts.filters import Filter

    db = ctx.db()
    moment = now()
    action = args.action
    if action == "list":
        outbox.sync_subscriptions(db, ctx.subscriptions(), moment)
        for sub in outbox.load_subscriptions(db):
            state = "paused" if sub.paused else "active"
            channels = ", ".join(mask_url(u) for u in sub.notify)
            flt = json.dumps(sub.filter.model_dump(exclude_defaults=True), ensure_ascii=False)
            ctx.say(f"{sub.name:20} {state:7} {sub.frequency:8} {sub.origin:5} {flt} -> {channels}")
        return OK
    if action in ("remove", "pause", "resume"):
        if not args.target:
            raise Usage(f"subscriptions {action} needs a NAME")
        if action == "remove":
            done = outbox.remove_subscription(db, args.target)
        else:
            done = outbox.set_paused(db, args.target, action == "pause", moment)
        if not done:
            raise Usage(f"no subscription named '{args.target}'")
        ctx.say(f"{args.target}: {action}d" if action != "pause" else f"{args.target}: paused")
        return OK
    if action == "add":
        try:
            flt = json.loads(args.filter_json)
        except json.JSONDecodeError as exc:
            raise Usage(f"--filter is not JSON: {exc.msg}") from exc
        raw = {"name": args.name, "notify": args.notify, "frequency": args.frequency, "filter": flt}
        new = parse_subscription(raw, "subscriptions add", Filter)
        check_subscriptions([new], ctx.settings)
        if not outbox.add_subscription(db, new, moment):
            raise Usage(f"'{new.name}' is defined in subscriptions.yaml; edit it there")
        ctx.say(f"{new.name}: added")
        return OK
    if action == "import":
        if not args.target:
            raise Usage("subscriptions import needs a FILE (YAML or JSON lines)")
        subs = _read_import(Path(args.target), Filter)
        check_subscriptions(subs, ctx.settings)
        for sub in subs:
            if not outbox.add_subscription(db, sub, moment):
                raise Usage(f"'{sub.name}' is defined in subscriptions.yaml; edit it there")
        ctx.say(f"imported {len(subs)} subscriptions from {args.target}")
        return OK
    raise Usage(f"unknown action {action}")


def _read_import(path: Path, filter_model: Any) -> list[Any]:
    if not path.exists():
        raise ConfigError(f"{path}: file not found")
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".jsonl", ".ndjson", ".json"):
        subs = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{path}: line {number}: not JSON ({exc.msg})") from exc
            subs.append(parse_subscription(raw, f"{path}: line {number}", filter_model))
        return subs
    return load_subscriptions(path, filter_model)


def cmd_demo(ctx: Context) -> int:
    from demo.run import run_demo

    return run_demo(verbose=ctx.verbose)


# -- entry point -------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(list(argv) if argv is not None else None)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    level = logging.DEBUG if args.verbose else logging.WARNING
    for handler in logging.getLogger().handlers:
        handler.setLevel(level)  # Scrapy lowers the root logger's level; the handler decides
        if not args.verbose:
            handler.addFilter(_SaidElsewhere())
    install_log_redaction()
    ctx = Context(args)
    lock = None
    try:
        now()  # a bad INTERNWATCH_NOW is a usage error before anything runs
        if args.command in ("run", "crawl", "alerts") and not getattr(args, "dry_run", False):
            lock = _lock(ctx)
        if args.command == "run":
            return cmd_run(ctx, args.source)
        if args.command == "crawl":
            return cmd_crawl(ctx, args.source)
        if args.command == "alerts":
            return cmd_alerts(ctx, args.dry_run)
        if args.command == "export":
            return cmd_export(ctx, args.format, args.filter, args.all)
        if args.command == "search":
            return cmd_search(ctx, args)
        if args.command == "sources":
            return cmd_sources(ctx, args.action)
        if args.command == "subscriptions":
            return cmd_subscriptions(ctx, args)
        if args.command == "demo":
            return cmd_demo(ctx)
        raise Usage(f"unknown command {args.command}")
    except ConfigError as exc:
        ctx.warn(f"config error: {exc}")
        return BAD_CONFIG
    except (Usage, ClockError) as exc:
        ctx.warn(f"internwatch: {exc}")
        return BAD_CONFIG
    except RunLocked as exc:
        ctx.warn(f"internwatch: {exc}")
        return FAILED
    finally:
        if lock is not None:
            lock.release()


if __name__ == "__main__":
    sys.exit(main())
