"""`internwatch subscriptions list|add|update|remove|pause|resume|import`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from cli.context import OK, Context, DbUse, Usage
from config.clock import now
from config.secrets import mask_url
from config.wording import plural

ACTIONS = ["list", "add", "update", "remove", "pause", "resume", "import"]


def subscriptions_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", default="list", choices=ACTIONS)
    parser.add_argument(
        "target", nargs="?", help="NAME (update/remove/pause/resume) or FILE (import)"
    )
    parser.add_argument("--name")
    parser.add_argument(
        "--notify", action="append", default=[], metavar="URL", help="repeatable; update replaces"
    )
    parser.add_argument(
        "--frequency", choices=["instant", "daily", "weekly"], help="add: default instant"
    )
    parser.add_argument(
        "--filter",
        dest="filter_json",
        metavar="JSON",
        help='the filter as JSON, e.g. \'{"keywords": ["data"]}\' (update replaces the whole filter)',
    )


def db_use(args: argparse.Namespace) -> DbUse:
    """Only adding creates a database; the rest need the one named by --db to exist."""
    return "create" if args.action in ("add", "import") else "existing"


def cmd_subscriptions(ctx: Context) -> int:
    action = ctx.args.action
    if action == "list":
        return _list(ctx)
    if action in ("add", "update"):
        return _add(ctx) if action == "add" else _update(ctx)
    if action == "import":
        return _import(ctx)
    return _remove_pause_resume(ctx, action)


def _list(ctx: Context) -> int:
    from alerts.subscriptions import sync_subscriptions

    for sub in sync_subscriptions(ctx.db(), ctx.subscriptions(), now()):
        state = "pending" if sub.status == "pending" else "paused" if sub.paused else "active"
        channels = ", ".join(mask_url(u) for u in sub.notify)
        flt = json.dumps(sub.filter.model_dump(exclude_defaults=True), ensure_ascii=False)
        ctx.say(f"{sub.name:20} {state:7} {sub.frequency:8} {sub.origin:5} {flt} -> {channels}")
    return OK


def _filter(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise Usage(f"--filter is not JSON: {exc.msg}") from exc


def _parse(ctx: Context, raw: dict[str, Any], where: str) -> Any:
    from alerts.deliver import check_subscriptions
    from alerts.filters import Filter
    from config.loader import parse_subscription

    sub = parse_subscription(raw, where, Filter)
    check_subscriptions([sub], ctx.settings)  # no notify URL to an internal host (SPEC §5)
    return sub


def _taken(name: str, origin: str) -> Usage:
    if origin == "file":
        return Usage(f"'{name}' is defined in subscriptions.yaml; edit it there")
    return Usage(
        f"a subscription named '{name}' already exists: change it with"
        f" `internwatch subscriptions update --name {name} ...`, or remove it first"
    )


def _add(ctx: Context) -> int:
    from alerts.subscriptions import add_subscription

    args = ctx.args
    raw = {
        "name": args.name,
        "notify": args.notify,
        "frequency": args.frequency or "instant",
        "filter": _filter(args.filter_json or "{}"),
    }
    new = _parse(ctx, raw, "subscriptions add")
    result = add_subscription(ctx.db(), new, now())
    if result != "added":
        raise _taken(new.name, "file" if result == "in-file" else "cli")
    ctx.say(f"{new.name}: added")
    return OK


def _update(ctx: Context) -> int:
    from alerts.subscriptions import stored_config, update_subscription

    args = ctx.args
    name = args.name or args.target
    if not name:
        raise Usage("subscriptions update needs --name NAME")
    if not (args.notify or args.frequency or args.filter_json is not None):
        raise Usage("nothing to change: give --notify, --frequency or --filter")
    db = ctx.db()
    stored = stored_config(db, name)
    if stored is None:
        raise Usage(f"no subscription named '{name}'")
    origin, raw = stored
    if origin == "file":
        raise _taken(name, origin)
    if args.notify:
        raw["notify"] = args.notify
    if args.frequency:
        raw["frequency"] = args.frequency
    if args.filter_json is not None:
        raw["filter"] = _filter(args.filter_json)
    update_subscription(db, _parse(ctx, raw, "subscriptions update"))
    ctx.say(f"{name}: updated")
    return OK


def _import(ctx: Context) -> int:
    from alerts.filters import Filter
    from alerts.subscriptions import add_subscription, stored_config
    from config.loader import read_subscriptions_file

    if not ctx.args.target:
        raise Usage("subscriptions import needs a FILE (YAML or JSON lines)")
    from alerts.deliver import check_subscriptions

    subs = read_subscriptions_file(Path(ctx.args.target), Filter)
    check_subscriptions(subs, ctx.settings)
    db = ctx.db()
    for sub in subs:  # refuse before writing anything
        stored = stored_config(db, sub.name)
        if stored is not None:
            raise _taken(sub.name, stored[0])
    moment = now()
    for sub in subs:
        add_subscription(db, sub, moment)
    ctx.say(f"imported {plural(len(subs), 'subscription')} from {ctx.args.target}")
    return OK


def _remove_pause_resume(ctx: Context, action: str) -> int:
    from alerts.subscriptions import remove_subscription, set_paused

    name = ctx.args.target or ctx.args.name
    if not name:
        raise Usage(f"subscriptions {action} needs a NAME")
    db = ctx.db()
    status = db.execute("SELECT status FROM subscriptions WHERE name = ?", [name]).fetchone()
    if action == "resume" and status is not None and status[0] == "pending":
        raise Usage(f"'{name}' is pending: it starts when its student confirms it from the email")
    if action == "remove":
        done = remove_subscription(db, name)
    else:
        done = set_paused(db, name, action == "pause", now())
    if not done:
        raise Usage(f"no subscription named '{name}'")
    ctx.say(f"{name}: " + {"remove": "removed", "pause": "paused", "resume": "resumed"}[action])
    return OK
