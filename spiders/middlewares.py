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
- `LinkGuardMiddleware` and `PublicOnlyResolver` (SPEC §6, no SSRF): a request (a link found
  in a response, a redirect, a robots.txt) goes to a loopback, private, link-local or reserved
  address only when its host name is the source's own `url` host. The resolver checks the
  address it hands to the connection (no DNS-rebinding window); the middleware checks IP
  literals, which no resolver sees, and host names another source of the process owns.
"""

from __future__ import annotations

import ipaddress
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy.exceptions
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.resolver import CachingThreadedResolver
from scrapy.utils.asyncio import sleep
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError
from w3lib.url import safe_url_string

from config.hosts import BlockedAddress, check_host, host_key, is_public

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
        if isinstance(exception, DNS_ERRORS):
            refused = REFUSED.get(host_key(urlsplit(request.url).hostname or ""))
            if refused:
                raise InternalAddress(refused)  # not a DNS failure: never retried
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


# -- no requests to internal addresses (SPEC §6) ----------------------------------------------

#: host names of the sources' own `url`s in this process: the only names that may resolve to
#: an internal address (filled by LinkGuardMiddleware as each crawler starts)
OWN_HOSTS: set[str] = set()


class InternalAddress(IgnoreRequest):
    """A request to a loopback, private, link-local or reserved address the source does not own.

    An IgnoreRequest: never retried, and the source's errback reports it in one line.
    """


def _refusal(host: str, detail: str) -> str:
    return (
        f"refused a request to {host}: {detail}, an internal address, and {host} is not the"
        " host of the source's own url"
    )


#: host name -> why the resolver refused it; read back where the lookup error surfaces
REFUSED: dict[str, str] = {}
#: what a failed lookup arrives as: Scrapy >= 2.19 wraps Twisted's DNSLookupError
DNS_ERRORS: tuple[type[Exception], ...] = tuple(
    {DNSLookupError, getattr(scrapy.exceptions, "CannotResolveHostError", DNSLookupError)}
)


class RefusedLookup(DNSLookupError):
    """The resolver's refusal. A DNSLookupError, as Twisted expects of a resolver (anything
    else is logged with a traceback); `BackoffRetryMiddleware` turns it into `InternalAddress`
    with the reason, instead of retrying it as a DNS failure."""


class PublicOnlyResolver(CachingThreadedResolver):
    """Scrapy's resolver, refusing internal answers for names no source owns.

    The address checked is the one returned to Twisted for the connection, so a name that
    resolves to a public address for the check and to 127.0.0.1 for the connection cannot
    slip through.
    """

    def getHostByName(self, name: str, timeout: Any = ()) -> Deferred[str]:  # noqa: N802
        resolved = super().getHostByName(name, timeout)
        if host_key(name) in OWN_HOSTS:
            return resolved

        def _check(address: str) -> str:
            if not is_public(address):
                REFUSED[host_key(name)] = _refusal(name, f"it resolves to {address}")
                raise RefusedLookup(REFUSED[host_key(name)])
            return address

        resolved.addCallback(_check)
        return resolved


class LinkGuardMiddleware:
    """Refuse requests to internal IP literals, and to another source's internal host."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._checked: dict[str, str | None] = {}  # host -> refusal reason (None: public)
        self._own: dict[str, str] | None = None  # built once: the run's sources do not change

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LinkGuardMiddleware:
        return cls(crawler)

    def _own_hosts(self) -> dict[str, str]:
        """Source name -> its own host, for the sources this crawler serves.

        Built on the first request and kept: rebuilt per request, it walked every source
        for every request (2,000 sources: a third of the run's CPU).
        """
        if self._own is not None:
            return self._own
        own: dict[str, str] = {}
        for handler in getattr(self.crawler.spider, "handlers", ()):  # spiders/run_spider.py
            try:
                host = urlsplit(handler.start_url()).hostname
            except (KeyError, ValueError):
                continue
            if host:
                own[handler.source.name] = host_key(host)
        OWN_HOSTS.update(own.values())
        self._own = own
        return own

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        host = host_key(urlsplit(request.url).hostname or "")
        if not host:
            return None
        own = self._own_hosts()
        source = request.meta.get("source")
        mine = {own[source]} if source in own else set(own.values())  # robots.txt: any of them
        if host in mine:
            return None
        reason = self._check(host)
        if reason is None and host not in OWN_HOSTS:
            reason = await self._resolve(host)
        if not reason:
            return None
        if source is None and urlsplit(request.url).path == "/robots.txt":
            # Scrapy's robots.txt middleware logs any failure but a plain IgnoreRequest; the
            # page's own request is refused next, and reported once
            raise IgnoreRequest(reason)
        raise InternalAddress(reason)

    async def _resolve(self, host: str) -> str | None:
        """Ask the crawl's resolver now (cached for the connection), for a refusal with its
        reason before any request (robots.txt included) leaves for that host."""
        try:
            ipaddress.ip_address(host)
            return None  # a literal is judged by `_check`
        except ValueError:
            pass
        from twisted.internet import reactor

        resolver = getattr(reactor, "resolver", None)
        if not isinstance(resolver, PublicOnlyResolver):
            return None  # another DNS_RESOLVER: no answer to wait for here
        try:
            await maybe_deferred_to_future(resolver.getHostByName(host))
        except RefusedLookup:
            return REFUSED.get(host)
        except Exception:  # noqa: BLE001 - a lookup that fails is reported by the request itself
            return None
        return None

    def _check(self, host: str) -> str | None:
        """Why a request to `host` (not the source's own) is refused, or None.

        A name no source owns is left to `PublicOnlyResolver`, which checks it as it connects.
        """
        try:
            literal: Any = ipaddress.ip_address(host)
        except ValueError:
            literal = None
        if literal is None and host not in OWN_HOSTS:
            return None
        if host not in self._checked:
            if literal is not None:
                self._checked[host] = None if is_public(literal) else _refusal(host, "it is")
            else:  # another source's host: it may be internal, so it is checked here
                try:
                    check_host(host)
                    self._checked[host] = None
                except BlockedAddress as exc:
                    self._checked[host] = _refusal(host, str(exc).split(",", 1)[0])
        return self._checked[host]


DOWNLOADER_MIDDLEWARES: dict[str, Any] = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    # before RobotsTxtMiddleware (100): not even robots.txt is fetched from an internal host
    "spiders.middlewares.LinkGuardMiddleware": 50,
    "spiders.middlewares.BackoffRetryMiddleware": 550,  # in place of Scrapy's RetryMiddleware
    # process_response runs from high to low: the guard sees a 3xx before RedirectMiddleware (600)
    "spiders.middlewares.RedirectGuardMiddleware": 610,
}
