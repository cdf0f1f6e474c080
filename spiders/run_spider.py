"""The one spider of a run's one crawler: every source's spider is one of its handlers.

One crawler for the whole run means one downloader, so Scrapy's download slots (one per
host and port, `spiders.base.slot_key`) hold `concurrent_per_host` across every source on
a host, which crawlers of their own could not (each has its own downloader). A handler
builds the requests, parses the answers and records failures exactly as if it ran alone.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import AsyncIterator, Sequence
from typing import Any

import scrapy
from scrapy.http import Request
from scrapy.utils.request import RequestFingerprinter

from spiders.base import BaseSpider, slot_key


class RunSpider(scrapy.Spider):
    name = "internwatch-run"  # not a source type: spider_types() lists BaseSpider subclasses

    def __init__(self, handlers: Sequence[BaseSpider], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.handlers = list(handlers)

    async def start(self) -> AsyncIterator[Request]:
        """Each source's first requests, taking hosts in turn.

        Scrapy reads start requests only while fewer than CONCURRENT_REQUESTS are in its
        downloader; in config order, a long run of one host's sources would fill it with
        requests waiting for that host's slot while other hosts sit idle.
        """
        by_host: dict[str, deque[BaseSpider]] = {}
        for handler in self.handlers:
            by_host.setdefault(_host_of(handler), deque()).append(handler)
        while by_host:
            for host in list(by_host):
                async for request in by_host[host].popleft().start():
                    yield request
                if not by_host[host]:
                    del by_host[host]


def _host_of(handler: BaseSpider) -> str:
    try:
        return slot_key(handler.start_url())
    except (KeyError, IndexError, ValueError):  # reported by the handler's own start()
        return ""


class SourceFingerprinter(RequestFingerprinter):
    """Scrapy's request fingerprint with the source's name in it, so the duplicate filter
    tells the same URL of two sources apart."""

    def fingerprint(self, request: Request) -> bytes:
        base = super().fingerprint(request)
        source = request.meta.get("source")
        if not source:
            return base
        return hashlib.sha1(source.encode("utf-8") + b"|" + base, usedforsecurity=False).digest()
