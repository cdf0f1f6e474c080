"""Run a crawl: every source in one Scrapy crawler, and each source's outcome.

One `CrawlerProcess` with one crawler: its download slots (one per host and port) keep
`concurrent_per_host` across the whole run, and Scrapy's own scheduler decides what runs
when. Each source is a handler of the run's spider (spiders/run_spider.py) with its own
failures, and is stored by the pipeline in its own transaction as soon as it has been read
(store.ingest), so one source failing never touches another. The store is read once before
the crawl (hashes and validators for each source); spiders never open it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings as ScrapySettings
from scrapy.spiderloader import SpiderLoader

from config.clock import now
from config.models import Settings, SourceConfig, TypeSpec
from config.secrets import install_log_redaction
from config.wording import plural
from spiders.base import BaseSpider
from spiders.run_spider import RunSpider
from spiders.settings import scrapy_settings
from store.db import open_db
from store.ingest import load_stored, record_not_run


@dataclass(frozen=True)
class SourceOutcome:
    name: str
    status: str  # ok | failed
    count: int
    new: int
    updated: int
    closed: int
    duration_s: float
    error: str | None  # the failure; on an ok run, the malformed postings skipped
    healthy: bool
    health_reason: str | None

    def line(self) -> str:
        if self.status != "ok":
            return f"{self.name}: FAILED: {self.error}"
        text = (
            f"{self.name}: {plural(self.count, 'posting')} ({self.new} new, {self.updated} updated,"
            f" {self.closed} closed) in {self.duration_s:.1f}s"
        )
        if self.error:
            text += f"; {self.error}"
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


def crawl(
    sources: Sequence[SourceConfig], settings: Settings, db_path: str, *, verbose: bool = False
) -> list[SourceOutcome]:
    """Crawl the sources into the database; returns one outcome per source, in order."""
    if not sources:
        return []
    run_id = uuid.uuid4().hex[:12]
    config = scrapy_settings(settings, db_path=db_path, run_id=run_id, verbose=verbose)
    run_crawl(handlers(sources, db_path), config)
    return outcomes(sources, db_path, run_id)


def handlers(sources: Sequence[SourceConfig], db_path: str) -> list[BaseSpider]:
    """One spider per source, each given what the store holds for it."""
    db = open_db(db_path)
    try:
        types = spider_types()
        return [types[s.type](source=s, stored=load_stored(db, s.name)) for s in sources]
    finally:
        db.close()


def run_crawl(sources: list[BaseSpider], config: dict[str, Any]) -> None:
    """One Scrapy crawl of every source (blocks until it is over)."""
    process = CrawlerProcess(config)
    # Scrapy sets the root logger to NOTSET; our handler filters by level, but every DEBUG
    # line (one "Scraped from" per page) would still build a log record first
    logging.getLogger().setLevel(config["LOG_LEVEL"])
    install_log_redaction()
    process.crawl(RunSpider, handlers=sources)
    process.start()


def outcomes(sources: Sequence[SourceConfig], db_path: str, run_id: str) -> list[SourceOutcome]:
    """Each source's run record; a source without one (the crawler died before storing
    it) gets a failed record now, so the next run's health and the exit code say so."""
    db = open_db(db_path)
    try:
        recorded = {row["source"] for row in db.query(
            "SELECT source FROM crawl_runs WHERE run_id = ?", [run_id])}
        for source in sources:
            if source.name not in recorded:
                record_not_run(db, source, run_id, "did not run (the crawler stopped first)", now())
        rows = {row["source"]: row for row in db.query(
            "SELECT * FROM crawl_runs WHERE run_id = ?", [run_id])}
        health = {row["name"]: row for row in db.query("SELECT * FROM sources")}
        result = []
        for source in sources:
            row, info = rows[source.name], health.get(source.name, {})
            result.append(SourceOutcome(
                name=source.name, status=row["status"], count=row["count"] or 0,
                new=row["new"] or 0, updated=row["updated"] or 0, closed=row["closed"] or 0,
                duration_s=row["duration_s"] or 0.0, error=row["error"],
                healthy=bool(info.get("healthy", row["status"] == "ok")),
                health_reason=info.get("health_reason"),
            ))
        return result
    finally:
        db.close()
