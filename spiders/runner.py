"""Run a crawl of several sources in one Scrapy process and report each source's outcome.

Each source is its own crawler (its own spider instance, stats and failure record), so one
source failing never stops another. Sources on the same host (every Greenhouse board is on
boards-api.greenhouse.io) run at most `HOST_LANES` at a time, so the per-host limit holds
across sources and not only within one.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings as ScrapySettings
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.reactor import install_reactor

from config.clock import iso, now
from config.models import Settings, SourceConfig, TypeSpec
from config.secrets import install_log_redaction
from spiders.base import BaseSpider
from spiders.settings import scrapy_settings
from store.db import open_db
from store.health import record_run

HOST_LANES = 2
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SourceOutcome:
    name: str
    status: str  # ok | failed
    count: int
    new: int
    updated: int
    closed: int
    duration_s: float
    error: str | None
    healthy: bool
    health_reason: str | None

    def line(self) -> str:
        if self.status != "ok":
            return f"{self.name}: FAILED: {self.error}"
        text = (
            f"{self.name}: {self.count} postings ({self.new} new, {self.updated} updated,"
            f" {self.closed} closed) in {self.duration_s:.1f}s"
        )
        if not self.healthy:
            text += f"; UNHEALTHY: {self.health_reason}"
        return text


@cache
def spider_types() -> dict[str, type[BaseSpider]]:
    """Every source type, found by Scrapy's own spider loader (SPIDER_MODULES)."""
    loader = SpiderLoader.from_settings(ScrapySettings({"SPIDER_MODULES": ["spiders"]}))
    found: dict[str, type[BaseSpider]] = {}
    for name in loader.list():
        cls = loader.load(name)
        if isinstance(cls, type) and issubclass(cls, BaseSpider):
            found[name] = cls
    return found


def type_specs() -> dict[str, TypeSpec]:
    return {name: cls.spec for name, cls in spider_types().items()}


def source_host(source: SourceConfig) -> str:
    cls = spider_types()[source.type]
    try:
        url = source.url or (cls.default_url or "").format(**source.options)
    except (KeyError, IndexError):
        return source.name
    return urlsplit(url).hostname or source.name


def crawl(
    sources: Sequence[SourceConfig], settings: Settings, db_path: str, *, verbose: bool = False
) -> list[SourceOutcome]:
    """Crawl the sources into the database; returns one outcome per source, in order."""
    run_id = uuid.uuid4().hex[:12]
    started_at = iso(now())
    config = scrapy_settings(settings, db_path=db_path, run_id=run_id, verbose=verbose)
    # Install the reactor Scrapy will use before anything imports twisted's default one.
    install_reactor(config["TWISTED_REACTOR"])
    process = CrawlerProcess(config)
    install_log_redaction()
    from twisted.internet import defer, reactor

    lanes: dict[str, defer.DeferredSemaphore] = {}
    crashes: dict[str, str] = {}
    pending: list[Any] = []
    types = spider_types()
    for source in sources:
        lane = lanes.setdefault(source_host(source), defer.DeferredSemaphore(HOST_LANES))
        d = lane.run(process.crawl, types[source.type], source=source)

        def _crashed(failure: Any, name: str = source.name) -> None:
            crashes[name] = f"crawler crashed: {type(failure.value).__name__}: {failure.value}"

        d.addErrback(_crashed)
        pending.append(d)
    if pending:
        everything = defer.DeferredList(pending, consumeErrors=True)
        # callLater: also correct when every crawl failed before the reactor started
        def _stop(_: object) -> None:
            reactor.callLater(0, reactor.stop)  # type: ignore[attr-defined,arg-type,misc]

        everything.addBoth(_stop)
        process.start(stop_after_crawl=False)
    return _outcomes(sources, db_path, run_id, started_at, crashes)


def _outcomes(
    sources: Sequence[SourceConfig],
    db_path: str,
    run_id: str,
    started_at: str,
    crashes: dict[str, str],
) -> list[SourceOutcome]:
    db = open_db(db_path)
    try:
        rows = {
            row["source"]: row
            for row in db.query("SELECT * FROM crawl_runs WHERE run_id = ?", [run_id])
        }
        health = {row["name"]: row for row in db.query("SELECT * FROM sources")}
        outcomes = []
        for source in sources:
            row = rows.get(source.name)
            if row is None:
                error = crashes.get(source.name, "did not run (crawler did not start)")
                record_run(
                    db,
                    run_id=run_id,
                    source=source,
                    started_at=started_at,
                    duration_s=0.0,
                    status="failed",
                    count=0,
                    error=error,
                    errors=1,
                    now=now(),
                )
                row = {
                    "status": "failed",
                    "count": 0,
                    "new": 0,
                    "updated": 0,
                    "closed": 0,
                    "duration_s": 0.0,
                    "error": error,
                }
            info = health.get(source.name, {})
            outcomes.append(
                SourceOutcome(
                    name=source.name,
                    status=row["status"],
                    count=row["count"] or 0,
                    new=row["new"] or 0,
                    updated=row["updated"] or 0,
                    closed=row["closed"] or 0,
                    duration_s=row["duration_s"] or 0.0,
                    error=row["error"],
                    healthy=bool(info.get("healthy", row["status"] == "ok")),
                    health_reason=info.get("health_reason"),
                )
            )
        return outcomes
    finally:
        db.close()
