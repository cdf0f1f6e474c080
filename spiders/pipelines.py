"""The item pipeline: validate -> enrich -> hand each source's batch to the store.

The run's one crawler serves every source (spiders/run_spider.py). A source's items are
collected in its `Batch`; when its last request has been answered (none of its tokens is
open, spiders/base.py) the batch is enriched and goes to `store.ingest.save_source`, one
transaction. So a source is stored as soon as it has been read, its postings do not wait
in memory for the rest of the run, and a crash or kill loses only the sources not stored
yet (the rerun reads them again). Whatever is still open when the crawl ends is stored
then, failed if its requests never ran.

Enriching and storing run in one thread of their own, which alone holds the connection:
on the reactor's thread their CPU time held back reading answers that had arrived, and
under load the download timeout fired on answers already there.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request
from scrapy.spiders import Spider

from config.clock import iso, now
from spiders.base import Answer, BaseSpider, describe_error
from spiders.enrich import enrich
from spiders.run_spider import RunSpider
from store.db import open_db
from store.ingest import Batch, Stored, save_source
from store.models import Posting, Unchanged

log = logging.getLogger(__name__)


class PostingPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.db_path: str = crawler.settings["INTERNWATCH_DB"]
        self.run_id: str = crawler.settings["INTERNWATCH_RUN_ID"]
        crawler.signals.connect(self._request_dropped, signal=signals.request_dropped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PostingPipeline:
        return cls(crawler)

    def open_spider(self, spider: Spider | None = None) -> None:
        spider = spider or self.crawler.spider
        if not isinstance(spider, RunSpider):
            raise TypeError(f"not the run's spider (spiders.run_spider.RunSpider): {spider!r}")
        self.started = time.monotonic()
        self.now = now()
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="internwatch-store")
        self.db = self.writer.submit(open_db, self.db_path).result()  # the thread's own
        self.stores: list[Future[None]] = []
        self.handlers: dict[str, BaseSpider] = {h.source.name: h for h in spider.handlers}
        # Load what enriching and clustering need now, before any request is out: imported
        # or built mid-crawl in the store's thread, they held the GIL and the import lock
        # for seconds on a loaded machine, and answers timed out unread (loaded lazily on a
        # re-crawl's first change, tests/test_health.py failed so again at load 5)
        self.writer.submit(_load_enrichment).result()
        self.batches = {name: Batch(h.source, self.run_id, iso(self.now),
                                    lists_everything=h.listing_complete)
                        for name, h in self.handlers.items()}
        self.seen: dict[str, set[str]] = {name: set() for name in self.handlers}

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if not isinstance(item, Answer):
            log.warning("Dropped: not an Answer of a source: %s", type(item).__name__)
            return item
        handler = self.handlers[item.source]
        if item.source in self.batches:
            for one in item.items:
                self._take(handler, one)
        handler.open_requests.discard(item.token)
        self._store_when_done(handler)
        return item

    def _request_dropped(self, request: Request, spider: Spider | None = None) -> None:
        """A request Scrapy dropped (a duplicate) is answered too."""
        handler = self.handlers.get(request.meta.get("source", ""))
        if handler is not None:
            handler.open_requests.discard(request.meta.get("token", 0))
            self._store_when_done(handler)

    def _take(self, handler: BaseSpider, item: Any) -> None:
        batch, seen = self.batches[handler.source.name], self.seen[handler.source.name]
        if isinstance(item, Unchanged):
            if item.id not in seen:
                seen.add(item.id)
                batch.unchanged.append(item.id)
            return
        if not isinstance(item, Posting):
            log.warning("Dropped: not a Posting: %s", type(item).__name__)
            return
        prefix = f"{handler.source.name}:"
        if not item.id.startswith(prefix) or not item.title or not item.url:
            handler.skip(f"posting {item.id!r}", f"needs an id '{prefix}...', a title and a url")
            return
        if item.id in seen:
            log.warning("Dropped: duplicate id in one crawl: %s", item.id)
            return
        seen.add(item.id)
        digest = item.content_hash()
        if handler.stored.unchanged(item.id, digest):
            batch.unchanged.append(item.id)
            return
        batch.changed.append((item, digest))  # enriched in the store's thread

    def _store_when_done(self, handler: BaseSpider) -> None:
        if not handler.open_requests and handler.source.name in self.batches:
            self._store(handler)

    def _store(self, handler: BaseSpider) -> None:
        batch = self.batches.pop(handler.source.name)
        self.seen.pop(handler.source.name)
        # a source's time: from the crawl's start to its own latest answer
        batch.duration_s = (handler.last_response or time.monotonic()) - self.started
        batch.failures, batch.skipped = handler.failures, handler.skipped
        batch.gone_ids, batch.complete = handler.gone_ids, handler.complete
        batch.not_modified = handler.not_modified
        # validators say "the whole board is as it was" only when one request read it all
        batch.validators = handler.validators if handler.requests_built == 1 else None
        if batch.validators and handler.skipped:  # read again, so each run reports them
            batch.validators = {**batch.validators, "body_hash": None}
        handler.stored = Stored()  # the hashes are not needed any more
        self.stores.append(self.writer.submit(self._enrich_and_save, batch))

    def _enrich_and_save(self, batch: Batch) -> None:
        """In the store's thread: enrich the new and changed postings, then store."""
        enriched = []
        for posting, digest in [] if batch.failures else batch.changed:
            try:
                # an article is a story, not an opening: no fields to read out of it
                if posting.kind == "posting":
                    posting = enrich(posting, self.now, copy=False)
            except Exception as exc:  # noqa: BLE001 - a bug of ours fails this source, loudly
                batch.failures = [f"could not process posting {posting.id!r}: {describe_error(exc)}"]
                break
            enriched.append((posting, digest))
        batch.changed = enriched
        save_source(self.db, batch, self.now)

    def close_spider(self, spider: Spider | None = None) -> None:
        try:
            for name in list(self.batches):
                handler = self.handlers[name]
                if handler.open_requests or not (handler.requests_built or handler.failures):
                    handler.fail("no answer received: the crawl stopped before this source was read")
                self._store(handler)
        finally:
            self.writer.submit(self.db.close)
            self.writer.shutdown(wait=True)  # the crawl is over: nothing else waits on the reactor
            for done in self.stores:
                error = done.exception()
                if error is not None:  # save_source records its own failures: this is a bug
                    log.error("storing a source failed: %s", describe_error(error))



def _load_enrichment() -> None:
    from store.dedup import prepare  # noqa: F401 - datasketch, scipy
    from store.places import table

    table()
