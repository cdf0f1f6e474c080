"""The `internwatch` command: parse arguments, call the rooms, map errors to exit codes.

One table (`COMMANDS`) names every command: its help, its arguments, the function that runs
it, how it uses the database file and whether it takes the run lock. Adding a command is
one entry. The bodies live beside this file: `crawling` (run, crawl, alerts, demo),
`browsing` (search, export, sources), `subscribing` (subscriptions).

Exit codes (SPEC §1): 0 everything worked; 1 the run finished but a source or a delivery
failed, or a source is unhealthy (one line each says which, also under -q); 2 bad usage or
invalid config (nothing crawled or sent); 75 another run holds the database's lock.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cli.browsing import (
    cmd_export,
    cmd_search,
    cmd_sources,
    export_arguments,
    search_arguments,
    sources_arguments,
)
from cli.context import (
    BAD_CONFIG,
    LOCKED,
    Context,
    DbUse,
    RunLocked,
    Usage,
    configure_logging,
)
from cli.crawling import (
    alerts_arguments,
    cmd_alerts,
    cmd_crawl,
    cmd_demo,
    cmd_run,
    source_arguments,
)
from cli.subscribing import cmd_subscriptions, db_use, subscriptions_arguments
from config.clock import ClockError, now
from config.errors import ConfigError
from config.secrets import install_log_redaction
from store.places import UnknownPlaceError


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    del parser


def serve_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")


def cmd_serve(ctx: Context) -> int:
    from web.serve import serve  # Starlette and uvicorn only for this command

    return serve(ctx.db_path, ctx.settings, ctx.args.host, ctx.args.port, ctx.warn)


@dataclass(frozen=True)
class Command:
    help: str
    run: Callable[[Context], int]
    arguments: Callable[[argparse.ArgumentParser], None] = _no_arguments
    #: how the command uses the database file (see `DbUse`), or a function of its arguments
    db: DbUse | Callable[[argparse.Namespace], DbUse] = "existing"
    #: holds the run lock (another run holding it: exit 75)
    lock: Callable[[argparse.Namespace], bool] = lambda args: False


COMMANDS: dict[str, Command] = {
    "run": Command(
        "crawl every enabled source, store, then send due alerts (the cron job)",
        cmd_run,
        source_arguments,
        db="create",
        lock=lambda args: True,
    ),
    "crawl": Command("crawl only", cmd_crawl, source_arguments, db="create", lock=lambda args: True),
    "alerts": Command(
        "match and send due alerts only",
        cmd_alerts,
        alerts_arguments,
        lock=lambda args: not args.dry_run,
    ),
    "demo": Command(
        "offline demo: local boards, a crawl, two subscriptions, local deliveries",
        cmd_demo,
        db="none",
    ),
    "search": Command("full-text search over stored postings", cmd_search, search_arguments),
    "export": Command("write postings (SPEC §4 fields) to stdout", cmd_export, export_arguments),
    "sources": Command(
        "list sources with their health, or check the config",
        cmd_sources,
        sources_arguments,
        db="optional",
    ),
    "subscriptions": Command(
        "manage saved filters kept in the database",
        cmd_subscriptions,
        subscriptions_arguments,
        db=db_use,
    ),
    "serve": Command(
        "the student site (SPEC §7): sign up, confirm, manage, unsubscribe",
        cmd_serve,
        serve_arguments,
        db="create",
    ),
}


def _global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """Global options, accepted before or after the command (`--db X run` = `run --db X`)."""
    default = None if top else argparse.SUPPRESS
    flag = False if top else argparse.SUPPRESS
    parser.add_argument(
        "--config", metavar="DIR", default=default,
        help="config folder (default ./config or $INTERNWATCH_CONFIG)",
    )  # fmt: skip
    parser.add_argument(
        "--db", metavar="PATH", default=default,
        help="database file (default ./internwatch.db or $INTERNWATCH_DB)",
    )  # fmt: skip
    parser.add_argument("-v", "--verbose", action="store_true", default=flag)
    parser.add_argument("-q", "--quiet", action="store_true", default=flag)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="internwatch",
        description="Crawl internship postings, store them in SQLite, alert students once.",
    )
    _global_options(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, command in COMMANDS.items():
        p = sub.add_parser(name, help=command.help, description=command.help)
        _global_options(p, top=False)
        command.arguments(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:  # argparse printed the usage error (2) or --help (0)
        return exc.code if isinstance(exc.code, int) else BAD_CONFIG
    configure_logging(args.verbose)
    install_log_redaction()
    command = COMMANDS[args.command]
    ctx = Context(args)
    lock = None
    try:
        now()  # a bad INTERNWATCH_NOW is a usage error before anything runs
        ctx.check_db(command.db(args) if callable(command.db) else command.db)
        if command.lock(args):
            lock = ctx.lock()
        return command.run(ctx)
    except ConfigError as exc:
        ctx.warn(f"config error: {exc}")
        return BAD_CONFIG
    except (Usage, ClockError, UnknownPlaceError) as exc:
        ctx.warn(f"internwatch: {exc}")
        return BAD_CONFIG
    except RunLocked as exc:
        ctx.warn(f"internwatch: {exc}")
        return LOCKED
    finally:
        ctx.close()
        if lock is not None:
            lock.release()
