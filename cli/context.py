"""What every command gets: the parsed arguments, the config (each file read once per
process), the database (opened as the command's table entry allows), output, the run lock."""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any, Literal

from config.models import Settings, SourceConfig, SubscriptionConfig
from config.secrets import REDACTOR

#: exit codes (SPEC §1)
OK, FAILED, BAD_CONFIG, LOCKED = 0, 1, 2, 75

#: how a command uses the database file: `create` it when missing; use only an `existing`
#: one (a mistyped --db is an error, not a new empty database); use it if present
#: (`optional`); or not at all (`none`)
DbUse = Literal["create", "existing", "optional", "none"]


class Usage(Exception):
    """Bad usage: exit 2 with the message."""


class RunLocked(Exception):
    """Another run holds the database's lock: exit 75, nothing done."""


class Context:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.config_dir = Path(args.config or os.environ.get("INTERNWATCH_CONFIG") or "config")
        self.db_path = str(args.db or os.environ.get("INTERNWATCH_DB") or "internwatch.db")
        self.verbose: bool = args.verbose
        self.quiet: bool = args.quiet
        self._settings: Settings | None = None
        self._subscriptions: list[SubscriptionConfig] | None = None
        self._db: Any = None

    # -- config: each file parsed once ------------------------------------------------------

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from config.loader import load_settings

            self._settings = load_settings(self.config_dir)
        return self._settings

    def sources(self) -> list[SourceConfig]:
        from config.loader import load_sources
        from spiders.runner import type_specs

        return load_sources(self.config_dir / "sources.yaml", type_specs())

    def subscriptions(self) -> list[SubscriptionConfig]:
        """subscriptions.yaml, parsed once however many steps of the run need it."""
        if self._subscriptions is None:
            from alerts.deliver import check_subscriptions
            from alerts.filters import Filter
            from config.loader import load_subscriptions

            subs = load_subscriptions(self.config_dir / "subscriptions.yaml", Filter)
            check_subscriptions(subs, self.settings)  # no notify URL to an internal host (SPEC §5)
            self._subscriptions = subs
        return self._subscriptions

    # -- the database -----------------------------------------------------------------------

    def check_db(self, use: DbUse) -> None:
        """Refuse, before anything runs, a database path the command cannot use."""
        path = Path(self.db_path)
        if use == "none":
            return
        if path.is_dir():
            raise Usage(f"--db {path} is a folder; give the database file's path")
        if path.exists() or use == "optional":
            return
        if use == "existing":
            raise Usage(
                f"no database at {path}: check --db or $INTERNWATCH_DB"
                " (`internwatch run`, `crawl` or `subscriptions add` create a new one)"
            )
        folder = path.parent
        if not folder.is_dir():
            raise Usage(
                f"cannot create the database {path}: the folder {folder} does not exist"
                " (create it first, or fix --db)"
            )

    def db_exists(self) -> bool:
        return Path(self.db_path).is_file()

    def db(self) -> Any:
        """The database, opened once; `check_db` already refused a path it may not create."""
        if self._db is None:
            from store.db import open_db

            try:
                self._db = open_db(self.db_path)
            except sqlite3.DatabaseError as exc:
                raise Usage(f"cannot open the database {self.db_path}: {exc}") from exc
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # -- output -----------------------------------------------------------------------------

    def say(self, line: str) -> None:
        if not self.quiet:
            print(REDACTOR.redact(line), flush=True)

    def warn(self, line: str) -> None:
        """A line that matters to cron: printed even under -q, on stderr."""
        print(REDACTOR.redact(line), file=sys.stderr, flush=True)

    # -- the run lock -----------------------------------------------------------------------

    def lock(self) -> Any:
        """Hold the database's run lock, or raise RunLocked (exit 75)."""
        from filelock import FileLock, Timeout

        lock = FileLock(self.db_path + ".lock")
        try:
            lock.acquire(timeout=self.settings.lock_wait_seconds)
        except Timeout:
            raise RunLocked(
                f"another internwatch run holds the lock on {self.db_path} ({self.db_path}.lock);"
                " nothing was done (cron may simply try again)"
            ) from None
        return lock


class SaidElsewhere(logging.Filter):
    """Drops log records for failures that our one line per source or channel already
    reports (`-v` shows them all): Scrapy's tracebacks, and apprise's own warning for a
    failed send (our line carries its reason), which would print every failure twice."""

    _DROP = (
        ("scrapy.core.scraper", "Spider error processing"),
        ("scrapy.core.scraper", "Error downloading"),
        ("scrapy.downloadermiddlewares.retry", "Gave up retrying"),
        ("scrapy.core.downloader.handlers.http11", "larger than download max size"),
        ("scrapy.core.downloader.handlers.http11", "Got data loss in"),
        ("scrapy.downloadermiddlewares.httpcompression", "exceeded DOWNLOAD_MAXSIZE"),
    )

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "apprise" or record.name.startswith("apprise."):
            return False
        message = str(record.msg)
        return not any(record.name == name and text in message for name, text in self._DROP)


def configure_logging(verbose: bool) -> None:
    """WARNING and up on stderr (everything with -v), without what our lines already say.
    Safe to call again in one process (tests call `main` many times)."""
    level = logging.DEBUG if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.setLevel(level)  # Scrapy lowers the root logger's level; the handler decides
        for old in [f for f in handler.filters if isinstance(f, SaidElsewhere)]:
            handler.removeFilter(old)
        if not verbose:
            handler.addFilter(SaidElsewhere())
