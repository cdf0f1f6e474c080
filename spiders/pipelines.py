"""The item pipeline: validate -> (skip if unchanged) -> enrich -> store, one batch per source.

Items are collected per spider and written in one transaction when the spider closes, so a
source that failed this run (download error, malformed answer) changes nothing stored.
That transaction (postings, clusters, health) holds SQLite's write lock from its start
(`store.db.write_transaction`), so crawl processes running side by side never de-duplicate
against a store another one is changing. An unchanged posting (same content hash as stored)
skips enrichment and is only marked seen.
"""

from __future__ import annotations

import time
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.spiders import Spider

from config.clock import iso, now
from spiders.base import BaseSpider, describe_error
from spiders.enrich import enrich
from store.db import open_db, write_transaction
from store.health import Verdict, assess_count, record_run, save_validators
from store.models import Posting, Unchanged, UnchangedMany
from store.writer import STALE_DAYS_UNLISTED, close_expired, close_gone, load_hashes, present_ids, write_batch


class PostingPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.db_path: str = crawler.settings["INTERNWATCH_DB"]
        self.run_id: str = crawler.settings["INTERNWATCH_RUN_ID"]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PostingPipeline:
        return cls(crawler)

    def _spider(self, spider: Spider | None) -> BaseSpider:
        spider = spider or self.crawler.spider
        if not isinstance(spider, BaseSpider):
            raise TypeError(f"PostingPipeline works with internwatch spiders, not {spider!r}")
        return spider

    def open_spider(self, spider: Spider | None = None) -> None:
        spider = self._spider(spider)
        self.started = time.monotonic()
        self.started_at = iso(now())
        self.now = now()
        # the crawl process's shared connection when the runner gave one, else our own
        self.own_db = spider.db is None
        self.db = open_db(self.db_path) if spider.db is None else spider.db
        self.hashes = load_hashes(self.db, spider.source.name)
        spider.stored_hashes = self.hashes
        self.changed: list[tuple[Posting, str]] = []
        self.unchanged: list[str] = []
        self.seen: set[str] = set()
        self.invalid = 0

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        spider = self._spider(spider)
        if isinstance(item, Unchanged | UnchangedMany):
            for posting_id in item.ids if isinstance(item, UnchangedMany) else (item.id,):
                if posting_id not in self.seen:
                    self.seen.add(posting_id)
                    self.unchanged.append(posting_id)
            return item
        if not isinstance(item, Posting):
            raise DropItem(f"not a Posting: {type(item).__name__}")
        prefix = f"{spider.source.name}:"
        if not item.id.startswith(prefix) or not item.title or not item.url:
            self.invalid += 1
            spider.fail(f"invalid posting {item.id!r}: needs an id '{prefix}...', a title and a url")
            raise DropItem("invalid posting")
        if item.id in self.seen:
            raise DropItem(f"duplicate id in one crawl: {item.id}")
        self.seen.add(item.id)
        digest = item.content_hash()
        if self.hashes.get(item.id) == digest:
            self.unchanged.append(item.id)
            return item
        # an article is a story, not an opening: no fields to read out of it
        enriched = enrich(item, self.now) if item.kind == "posting" else item
        self.changed.append((enriched, digest))
        return enriched

    def close_spider(self, spider: Spider | None = None) -> None:
        spider = self._spider(spider)
        duration = time.monotonic() - self.started
        try:
            with write_transaction(self.db):
                self._store(spider, duration)
        except Exception as exc:  # noqa: BLE001 - any bug here must fail this source only
            # rolled back: nothing of this source is stored; say so in its run record
            with write_transaction(self.db):
                record_run(
                    self.db, run_id=self.run_id, source=spider.source, started_at=self.started_at,
                    duration_s=duration, status="failed", count=len(self.seen),
                    error=f"storing failed: {describe_error(exc)}", errors=1, now=now(),
                )
        finally:
            if self.own_db:
                self.db.close()

    def _store(self, spider: BaseSpider, duration: float) -> None:
        name = spider.source.name
        if spider.failures:
            # a posting's own 404/410 is definite even when another request failed
            gone = close_gone(self.db, spider.gone_ids, self.now) if spider.gone_ids else 0
            record_run(
                self.db, run_id=self.run_id, source=spider.source, started_at=self.started_at,
                duration_s=duration, status="failed", count=len(self.seen), closed=gone,
                error=spider.failures[0], errors=len(spider.failures), now=now(),
            )
            return
        if spider.not_modified:
            # 304: the board is as it was at the crawl whose validators were stored, so
            # what was on it then counts as seen again; nothing is counted missing or closed
            self.unchanged = present_ids(self.db, name)
            verdict = Verdict(True)
        else:
            verdict = assess_count(self.db, name, len(self.changed) + len(self.unchanged))
        # an unhealthy board (suddenly empty or far smaller) never closes postings
        result = write_batch(
            self.db, name, self.changed, self.unchanged, self.now,
            complete=spider.complete
            and spider.listing_complete
            and verdict.healthy
            and not spider.not_modified,
        )
        closed = result.closed + close_expired(
            self.db, name, self.now,
            stale_days=None if spider.listing_complete else STALE_DAYS_UNLISTED,
        )
        if spider.gone_ids:
            closed += close_gone(self.db, spider.gone_ids, self.now)
        touched = result.new_ids + result.updated_ids
        if touched:
            # imported here: datasketch/scipy cost ~0.8 s, which an unchanged run never needs
            from store.dedup import assign_clusters

            assign_clusters(self.db, touched)
        record_run(
            self.db, run_id=self.run_id, source=spider.source, started_at=self.started_at,
            duration_s=time.monotonic() - self.started, status="ok", count=result.count,
            new=len(result.new_ids), updated=len(result.updated_ids), closed=closed,
            errors=0, error=None, now=now(), verdict=verdict,
        )
        if not spider.not_modified:
            # keep validators only when one request read the whole board, and it was healthy
            whole = spider.requests_built == 1 and spider.complete and verdict.healthy
            save_validators(self.db, name, spider.validators if whole else None)

