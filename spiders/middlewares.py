"""Downloader middlewares for answers that misbehave (SPEC §6: polite, and one bad source fails
alone).

- `BackoffRetryMiddleware` replaces Scrapy's RetryMiddleware: a 429 or 503 is retried after the
  server's `Retry-After` (seconds or an HTTP date), other retryable answers and network errors
  after an exponential backoff; a `Retry-After` longer than `MAX_RETRY_AFTER` is not waited for
  (the source fails this run with the status, and the next run tries again).
- `RedirectGuardMiddleware` sits before Scrapy's RedirectMiddleware and refuses a redirect to a
  non-HTTP scheme (file://, ftp://, data:, ...) and a redirect loop, each with a one-line
  reason, where Scrapy would pass the 3xx on as an HTTP error (non-HTTP target) or let the
  duplicate filter drop the looping request silently (the source would look empty, not failed).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.utils.asyncio import sleep
from w3lib.url import safe_url_string

log = logging.getLogger(__name__)

#: seconds: the longest Retry-After a crawl waits for (longer: fail now, retry next run)
MAX_RETRY_AFTER = 60.0
#: seconds: the first backoff without Retry-After; doubles per retry
BACKOFF_BASE = 0.5
#: seconds: the longest backoff without Retry-After
BACKOFF_MAX = 15.0
RETRY_AFTER_CODES = frozenset({429, 503})
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
HTTP_SCHEMES = frozenset({"http", "https"})


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or HTTP-date); None if absent
    or unreadable. A date in the past means 0."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_seconds(retries_done: int) -> float:
    """The wait before retry number `retries_done + 1` when the server named none."""
    return min(BACKOFF_BASE * (2**retries_done), BACKOFF_MAX)


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry policy (RETRY_TIMES, RETRY_HTTP_CODES, RETRY_EXCEPTIONS) with waits.

    The wait happens inside the middleware (Scrapy's reactor-neutral sleep), so the
    retried request is not re-sent before it; other sources keep crawling meanwhile.
    """

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retries = int(request.meta.get("retry_times", 0))
        wait = backoff_seconds(retries)
        if response.status in RETRY_AFTER_CODES:
            asked = retry_after_seconds(response.headers.get(b"Retry-After"))
            if asked is not None:
                if asked > MAX_RETRY_AFTER:
                    log.info("%s asks to retry after %.0fs: not waiting", request.url, asked)
                    return response
                wait = asked
        retry = self._retry(request, f"HTTP {response.status}")
        if retry is None:
            return response
        if wait > 0:
            await sleep(wait)
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> Request | Response | None:
        if request.meta.get("dont_retry", False) or not isinstance(exception, self.exceptions_to_retry):
            return None
        retries = int(request.meta.get("retry_times", 0))
        retry = self._retry(request, exception)
        if retry is None:
            return None
        await sleep(backoff_seconds(retries))
        return retry


class RedirectGuardMiddleware:
    """Refuse redirects to non-HTTP schemes and redirect loops (raises IgnoreRequest)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectGuardMiddleware:
        return cls(crawler)

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        if response.status not in REDIRECT_CODES or request.meta.get("dont_redirect"):
            return response
        location = response.headers.get(b"Location")
        if not location:
            return response
        raw = location.decode("latin-1").strip()
        target = urljoin(request.url, safe_url_string(raw))
        scheme = urlsplit(target).scheme.lower()
        if scheme not in HTTP_SCHEMES:
            shown = raw if len(raw) <= 80 else raw[:77] + "..."
            raise IgnoreRequest(f"refused redirect to non-HTTP URL {shown}")
        visited: list[str] = [*request.meta.get("redirect_urls", []), request.url]
        if _without_fragment(target) in {_without_fragment(u) for u in visited}:
            raise IgnoreRequest(f"redirect loop after {len(visited)} hops back to {target}")
        return response


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


DOWNLOADER_MIDDLEWARES: dict[str, Any] = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "spiders.middlewares.BackoffRetryMiddleware": 550,  # in place of Scrapy's RetryMiddleware
    # process_response runs from high to low: the guard sees a 3xx before RedirectMiddleware (600)
    "spiders.middlewares.RedirectGuardMiddleware": 610,
}
