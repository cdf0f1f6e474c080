"""The item pipeline: validate -> (skip if unchanged) -> enrich -> store, one batch per source.

Items are collected per source and written when the crawler closes: one transaction for
its sources, a savepoint each, so a source that failed this run (download error, malformed
answer, an error while storing) changes nothing stored and touches no other source.
That transaction (postings, clusters, health) holds SQLite's write lock from its start
(`store.db.write_transaction`), so crawl processes running side by side never de-duplicate
against a store another one is changing. They queue for it on the run's `ProcessLock`,
waiting in a thread, so a process goes on parsing for its other crawlers meanwhile.
An unchanged posting (same content hash as stored) skips enrichment and is only marked seen.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.spiders import Spider

from config.clock import iso, now
from spiders.base import BaseSpider, describe_error
from spiders.enrich import enrich
from spiders.group import handlers_of
from store.db import ProcessLock, open_db, write_transaction
from store.health import Verdict, assess_count, record_run, save_validators
from store.models import Posting, ResponseItems, Unchanged
from store.writer import STALE_DAYS_UNLISTED, close_expired, close_gone, load_hashes, present_ids, write_batch

log = logging.getLogger(__name__)


@dataclass
class _Batch:
    """What one source yielded in this crawl, waiting for its transaction."""

    spider: BaseSpider  # the source's handler
    hashes: dict[str, str]
    changed: list[tuple[Posting, str]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)


class PostingPipeline:
    """One per crawler; a crawler serves one source or a group of them (spiders/group.py)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.db_path: str = crawler.settings["INTERNWATCH_DB"]
        self.run_id: str = crawler.settings["INTERNWATCH_RUN_ID"]
        # set when several crawl processes share the file (spiders/runner.py)
        lock_path = crawler.settings.get("INTERNWATCH_WRITE_LOCK")
        self.write_lock: ProcessLock | None = ProcessLock(lock_path) if lock_path else None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PostingPipeline:
        return cls(crawler)

    def open_spider(self, spider: Spider | None = None) -> None:
        handlers = handlers_of(spider or self.crawler.spider)
        self.started = time.monotonic()
        self.started_at = iso(now())
        self.now = now()
        # the crawl process's shared connection when the runner gave one, else our own
        given = handlers[0].db
        self.own_db = given is None
        self.db = open_db(self.db_path) if given is None else given
        self.batches: dict[str, _Batch] = {}
        for handler in handlers:
            hashes = load_hashes(self.db, handler.source.name)
            handler.stored_hashes = hashes
            self.batches[handler.source.name] = _Batch(handler, hashes)

    def _batch(self, item: Any) -> _Batch:
        """The batch of the source an item belongs to (its `source`, or its id's prefix)."""
        if isinstance(item, Posting):
            name = item.source
        elif isinstance(item, Unchanged):
            name = item.id.split(":", 1)[0]
        else:
            raise DropItem(f"not a Posting: {type(item).__name__}")
        batch = self.batches.get(name)
        if batch is None:
            raise DropItem(f"item of a source this crawler does not serve: {name!r}")
        return batch

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        """Take one response's items (`ResponseItems`), or a lone item, into their batches.

        An item is dropped with a warning, as Scrapy drops one; an unexpected error on one
        posting fails its source, which then stores nothing (a lost posting would be closed).
        """
        grouped = isinstance(item, ResponseItems)
        for one in item.items if grouped else (item,):
            try:
                self._one(one)
            except DropItem as dropped:
                log.warning("Dropped: %s", dropped)
            except Exception as exc:  # noqa: BLE001 - one source's bug fails that source only
                batch = self.batches.get(getattr(one, "source", ""))
                if batch is None:
                    raise
                batch.spider.fail(
                    f"could not process posting {getattr(one, 'id', '?')!r}: {describe_error(exc)}")
        for posting_id in item.unchanged if grouped else ():
            self._one(Unchanged(posting_id))
        return item

    def _one(self, item: Any) -> Any:
        batch = self._batch(item)
        if isinstance(item, Unchanged):
            if item.id not in batch.seen:
                batch.seen.add(item.id)
                batch.unchanged.append(item.id)
            return item
        source = batch.spider
        prefix = f"{source.source.name}:"
        if not item.id.startswith(prefix) or not item.title or not item.url:
            source.fail(f"invalid posting {item.id!r}: needs an id '{prefix}...', a title and a url")
            raise DropItem("invalid posting")
        if item.id in batch.seen:
            raise DropItem(f"duplicate id in one crawl: {item.id}")
        batch.seen.add(item.id)
        digest = item.content_hash()
        if batch.hashes.get(item.id) == digest:
            batch.unchanged.append(item.id)
            return item
        # an article is a story, not an opening: no fields to read out of it
        enriched = enrich(item, self.now, copy=False) if item.kind == "posting" else item
        batch.changed.append((enriched, digest))
        return enriched

    async def close_spider(self, spider: Spider | None = None) -> None:
        """Store every source of this crawler: one transaction, one savepoint per source.

        A source whose storing fails is rolled back to its savepoint and recorded as failed;
        the others are kept. One commit per crawler, not per source: each commit flushes a
        segment of the full-text index, ~5 ms.
        """
        try:
            batches = list(self.batches.values())  # in config order
            # a source's time: from the crawler's start to its own latest answer
            durations = [(b.spider.last_response or time.monotonic()) - self.started for b in batches]
            # outside the write lock, which the other crawl processes are waiting for
            prepared = [self._prepare(batch) for batch in batches]
            await self._lock()
            try:
                try:
                    with write_transaction(self.db):
                        for batch, duration, ready in zip(batches, durations, prepared, strict=True):
                            self._close_source(batch, duration, ready)
                except Exception as exc:  # noqa: BLE001 - the commit itself failed
                    for batch, duration in zip(batches, durations, strict=True):
                        with write_transaction(self.db):
                            self._failed(batch, duration, exc)
            finally:
                if self.write_lock is not None:
                    self.write_lock.release()
        finally:
            # Scrapy's crawler objects hold reference cycles, so this pipeline may live on
            # until a full garbage collection: let the postings go now
            for batch in self.batches.values():
                batch.spider.stored_hashes = {}
            self.batches.clear()
            if self.own_db:
                self.db.close()
            if self.write_lock is not None:
                self.write_lock.close()

    def _prepare(self, batch: _Batch) -> dict[str, Any] | None:
        if not batch.changed or batch.spider.failures:
            return None
        # imported here: datasketch/scipy cost ~0.3 s, which an unchanged run never needs
        from store.dedup import prepare

        return prepare(posting for posting, _ in batch.changed)

    def _close_source(self, batch: _Batch, duration: float, prepared: dict[str, Any] | None) -> None:
        try:
            with self.db.atomic():  # a savepoint in the crawler's transaction
                self._store(batch, duration, prepared)
        except Exception as exc:  # noqa: BLE001 - any bug here must fail this source only
            self._failed(batch, duration, exc)

    def _failed(self, batch: _Batch, duration: float, exc: Exception) -> None:
        """Nothing of this source is stored (rolled back); say so in its run record."""
        record_run(
            self.db, run_id=self.run_id, source=batch.spider.source, started_at=self.started_at,
            duration_s=duration, status="failed", count=len(batch.seen),
            error=f"storing failed: {describe_error(exc)}", errors=1, now=now(),
        )

    async def _lock(self) -> None:
        """Take the run's write lock (several crawl processes) without stopping this
        process: while another process holds it, a thread waits for it, and the reactor
        goes on downloading and parsing for this process's other crawlers."""
        lock = self.write_lock
        if lock is not None and not lock.acquire(blocking=False):
            await asyncio.to_thread(lock.acquire)

    def _store(self, batch: _Batch, duration: float, prepared: dict[str, Any] | None) -> None:
        spider = batch.spider
        name = spider.source.name
        if spider.requests_built and spider.last_response is None and not spider.failures:
            # no answer and no error: the crawl stopped before this source's requests ran
            spider.fail("no answer received: the crawl stopped before this source was read")
        if spider.failures:
            # a posting's own 404/410 is definite even when another request failed
            gone = close_gone(self.db, spider.gone_ids, self.now) if spider.gone_ids else 0
            record_run(
                self.db, run_id=self.run_id, source=spider.source, started_at=self.started_at,
                duration_s=duration, status="failed", count=len(batch.seen), closed=gone,
                error=spider.failures[0], errors=len(spider.failures), now=now(),
            )
            return
        unchanged = batch.unchanged
        if spider.not_modified:
            # 304: the board is as it was at the crawl whose validators were stored, so
            # what was on it then counts as seen again; nothing is counted missing or closed
            unchanged = present_ids(self.db, name)
            verdict = Verdict(True)
        else:
            verdict = assess_count(self.db, name, len(batch.changed) + len(unchanged))
        # an unhealthy board (suddenly empty or far smaller) never closes postings
        result = write_batch(
            self.db, name, batch.changed, unchanged, self.now,
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
            from store.dedup import assign_clusters

            assign_clusters(self.db, touched, prepared)
        record_run(
            self.db, run_id=self.run_id, source=spider.source, started_at=self.started_at,
            duration_s=duration, status="ok", count=result.count,
            new=len(result.new_ids), updated=len(result.updated_ids), closed=closed,
            errors=0, error=None, now=now(), verdict=verdict,
        )
        if not spider.not_modified:
            # keep validators only when one request read the whole board, and it was healthy
            whole = spider.requests_built == 1 and spider.complete and verdict.healthy
            save_validators(self.db, name, spider.validators if whole else None)
