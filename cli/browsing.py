"""Reading what is stored: `search`, `export`, `sources`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from cli.context import OK, Context, Usage
from config.clock import now
from config.wording import plural


def search_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "query", help='words (all must match); "word*" for a prefix; OR, AND, NOT between words'
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--all", action="store_true", help="include closed postings and articles")
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--company", action="append", default=[])
    parser.add_argument("--location", action="append", default=[])
    parser.add_argument("--category", action="append", default=[])
    parser.add_argument("--internships-only", action="store_true")


def export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["json", "csv", "md", "rss"], default="json")
    parser.add_argument("--filter", metavar="NAME", help="only postings matching this subscription")
    parser.add_argument("--all", action="store_true", help="include closed postings and articles")


def sources_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", choices=["list", "check"], default="list")


def cmd_search(ctx: Context) -> int:
    from alerts.render import Line
    from store.search import search

    args = ctx.args
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
    for posting in hits:
        line = Line.of(posting)
        ctx.say(f"{line.title} | {line.company} | {line.facts()} | {line.url or ''}")
    return OK


def cmd_export(ctx: Context) -> int:
    from store.export import render_export

    postings = _selected(ctx, ctx.args.filter, ctx.args.all)
    sys.stdout.write(render_export(postings, ctx.args.format))
    return OK


def _selected(ctx: Context, name: str | None, include_all: bool) -> list[Any]:
    """Stored postings, optionally only those matching a subscription (file or database)."""
    from alerts.filters import Filter
    from alerts.subscriptions import load_subscriptions
    from store.export import load_postings

    db = ctx.db()
    postings = load_postings(db, include_all=include_all)
    if not name:
        return postings
    filters = {sub.name: Filter.model_validate(sub.filter) for sub in ctx.subscriptions()}
    for stored in load_subscriptions(db):
        filters.setdefault(stored.name, stored.filter)
    if name not in filters:
        raise Usage(f"no subscription named '{name}'")
    moment = now()
    return [p for p in postings if filters[name].matches(p, moment)]


def cmd_sources(ctx: Context) -> int:
    """List sources with their health; `check` first validates every config file exactly
    as `run` loads it. Works before the first run: a missing database is not created."""
    check = ctx.args.action == "check"
    if check:
        ctx.settings  # noqa: B018 - loading validates settings.yaml as `run` does
    sources = ctx.sources()
    subs_file = ctx.config_dir / "subscriptions.yaml"
    subs = ctx.subscriptions() if check else []
    if check:
        settings_file = ctx.config_dir / "settings.yaml"
        present = "valid" if settings_file.exists() else "not present (defaults apply)"
        ctx.say(f"{settings_file}: {present}")
        ctx.say(f"{ctx.config_dir / 'sources.yaml'}: {plural(len(sources), 'source')}, valid")
        if subs_file.exists():
            ctx.say(f"{subs_file}: {plural(len(subs), 'subscription')}, valid")
        else:
            ctx.say(f"{subs_file}: not present (subscriptions live in the database only)")
    db = ctx.db() if ctx.db_exists() else None
    if db is None:
        ctx.say(f"no database yet at {ctx.db_path} (the first `internwatch run` creates it)")
    health = {row["name"]: row for row in db.query("SELECT * FROM sources")} if db else {}
    for source in sources:
        row = health.get(source.name)
        state = "never crawled"
        if row:
            state = "healthy" if row["healthy"] else f"UNHEALTHY ({row['health_reason']})"
            count = plural(row["last_count"] or 0, "posting")
            state += f", last run {row['last_run_at']}: {row['last_status']}, {count}"
        enabled = "enabled " if source.enabled else "disabled"
        ctx.say(f"{source.name:28} {source.type:15} {enabled} {state}")
        if check and db is not None:
            for run in db.query(
                "SELECT * FROM crawl_runs WHERE source = ? ORDER BY id DESC LIMIT 5", [source.name]
            ):
                err = f" {run['error']}" if run["error"] else ""
                ctx.say(
                    f"    {run['started_at']} {run['status']:6} {plural(run['count'], 'posting'):>14}"
                    f" {run['duration_s']:.1f}s{err}"
                )
    return OK
