"""Scrapy's downloader with its per-host concurrency kept (`concurrent_per_host`).

Scrapy 2.19's `Downloader._process_queue` hands queued requests to download coroutines while
`slot.free_transfer_slots() > 0`, but a request only counts as transferring once its
coroutine starts, after that loop: when several requests for one host are queued at once
(a board's detail pages, a group's boards), all of them leave together. Measured against a
local server: 5 requests open at once with CONCURRENT_REQUESTS_PER_DOMAIN = 1.
`tests/test_host_lanes.py` measures the limit at the server.
"""

from __future__ import annotations

from time import monotonic
from typing import Any

from scrapy.core.downloader import Downloader, Slot
from scrapy.utils import defer as scrapy_defer
from scrapy.utils.asyncio import call_later

#: Scrapy versions whose queue starts downloads as coroutines (the ones with the flaw);
#: older ones count a request as transferring synchronously and keep their own handling
_schedule_coro: Any = getattr(scrapy_defer, "_schedule_coro", None)
_COROUTINE_QUEUE = _schedule_coro is not None and hasattr(Downloader, "_wait_for_download")


class PoliteDownloader(Downloader):
    def _process_queue(self, slot: Slot) -> None:
        if not _COROUTINE_QUEUE:  # pragma: no cover - depends on the Scrapy version
            super()._process_queue(slot)
            return
        if slot.latercall:
            return  # processing is blocked until the slot's delay has passed
        now = monotonic()
        delay = slot.download_delay()
        if delay:
            penalty = delay - now + slot.lastseen
            if penalty > 0:
                slot.latercall = call_later(penalty, self._latercall, slot)
                return
        while slot.queue and slot.free_transfer_slots() > 0:
            slot.lastseen = now
            request, queue_dfd = slot.queue.popleft()
            # counted now, not when the coroutine starts (it removes the request when done)
            slot.transferring.add(request)
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))
            if delay:
                self._process_queue(slot)
                break

