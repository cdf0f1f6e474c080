"""Several sources of one type on one host, crawled by one Scrapy crawler.

Setting up and tearing down a Scrapy crawler costs about 13 ms of CPU, more than reading an
unchanged 50-posting board. The runner therefore gives each crawler a group of up to
`GROUP_SIZE` sources of one type on one host. Each source keeps its own spider object (its
*handler*: it builds the requests, parses the answers and records the failures, exactly as
when it runs alone), its own batch in the pipeline, and its own savepoint (in the crawler's
one transaction) and run record, so one source failing still never touches another.

Requests carry their source's name in `meta["source"]`; this spider routes Scrapy's signals
(a callback error, a response's validators) to that source's handler, and the duplicate
filter tells the same URL of two sources apart (`SourceFingerprinter`).
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from scrapy.utils.request import RequestFingerprinter
from twisted.python.failure import Failure

from spiders.base import BaseSpider

#: sources per crawler: set-up is shared, while items of at most this many sources wait in
#: memory for their source's transaction at the crawler's end
GROUP_SIZE = 10


class SourceGroupSpider(scrapy.Spider):
    """One crawler's spider: starts every handler's requests and routes signals to them."""

    name = "source-group"  # not a source type: spider_types() lists BaseSpider subclasses only

    def __init__(self, handlers: Sequence[BaseSpider], **kwargs: Any) -> None:
        names = [h.source.name for h in handlers]
        super().__init__(name=names[0] if len(names) == 1 else f"{names[0]}+{len(names) - 1}",
                         **kwargs)
        self.handlers: dict[str, BaseSpider] = {h.source.name: h for h in handlers}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SourceGroupSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._on_spider_error, signal=signals.spider_error)
        crawler.signals.connect(spider._on_response, signal=signals.response_received)
        return spider  # type: ignore[no-any-return]

    def handler_of(self, request: Request | None) -> BaseSpider | None:
        return self.handlers.get(request.meta.get("source", "")) if request is not None else None

    async def start(self) -> AsyncIterator[Request]:
        for handler in self.handlers.values():
            async for request in handler.start():
                yield request

    def _on_spider_error(self, failure: Failure, response: Response, spider: scrapy.Spider) -> None:
        handler = self.handler_of(response.request) if spider is self else None
        if handler is not None:
            handler._on_spider_error(failure, response, handler)

    def _on_response(self, response: Response, request: Request, spider: scrapy.Spider) -> None:
        handler = self.handler_of(request) if spider is self else None
        if handler is not None:
            handler._on_response(response, request, handler)


def handlers_of(spider: scrapy.Spider | None) -> list[BaseSpider]:
    """The sources a crawler's spider serves: a group's handlers, or a lone source spider."""
    if isinstance(spider, SourceGroupSpider):
        return list(spider.handlers.values())
    if isinstance(spider, BaseSpider):
        return [spider]
    raise TypeError(f"not an internwatch spider: {spider!r}")


class SourceFingerprinter(RequestFingerprinter):
    """Scrapy's request fingerprint with the source's name in it, so the duplicate filter
    tells the same URL of two sources in one crawler apart."""

    def fingerprint(self, request: Request) -> bytes:
        base = super().fingerprint(request)
        source = request.meta.get("source")
        if not source:
            return base
        return hashlib.sha1(source.encode("utf-8") + b"|" + base, usedforsecurity=False).digest()
