"""The base spider every source type subclasses.

A subclass declares its `name` (the source type, which is also how Scrapy's spider loader
finds it), its `default_url` (a template over its own config keys), the keys it needs
(`spec`), and parses responses into `Posting` items. The base builds the spider from a
config source, honours `url`, and records failures so the pipeline can mark the source
failed for this run without touching what is stored.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response, TextResponse
from twisted.python.failure import Failure

if TYPE_CHECKING:
    import sqlite_utils

from config.clock import ClockError, iso, parse_instant
from config.models import SourceConfig, TypeSpec
from config.secrets import REDACTOR
from store.models import Posting, Unchanged, source_hash


class MalformedResponse(ValueError):
    """The answer is not what this source type expects (wrong format, changed layout)."""


class BaseSpider(scrapy.Spider):
    # subclasses: `name` = the source type
    default_url: ClassVar[str | None] = None
    spec: ClassVar[TypeSpec] = TypeSpec()
    #: JSON APIs are not pages: robots.txt is obeyed for HTML and feeds (SPEC §6)
    api: ClassVar[bool] = True
    #: False where the source shows only its latest entries (feeds): absence then says
    #: nothing, so postings close by deadline or after STALE_DAYS_UNLISTED unseen instead
    listing_complete: ClassVar[bool] = True

    source: SourceConfig

    def __init__(
        self, source: SourceConfig, db: sqlite_utils.Database | None = None, **kwargs: Any
    ) -> None:
        super().__init__(name=source.name, **kwargs)
        self.source = source
        # the crawl process's one connection (spiders/runner.py); None: the pipeline opens one
        self.db = db
        self.failures: list[str] = []
        self.complete = True  # False when the listing was cut short (page bound)
        self.pages = 0
        self.gone_ids: list[str] = []  # postings whose own page answered 404/410
        self.stored_hashes: dict[str, str] = {}  # set by the pipeline when the spider opens
        # Conditional requests (ETag / Last-Modified): the validators stored for this source
        # are sent on the first request; a 304 sets `not_modified` (the board is unchanged).
        # `validators` are the first response's, kept by the pipeline only when that one
        # request was the whole crawl (`requests_built == 1`), so a 304 always means "the
        # whole board is as it was", never "page 1 is as it was".
        self.not_modified = False
        self.validators: dict[str, str | None] | None = None
        self.requests_built = 0
        self.last_response: float | None = None  # time.monotonic() of the latest answer

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> BaseSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._on_spider_error, signal=signals.spider_error)
        crawler.signals.connect(spider._on_response, signal=signals.response_received)
        return spider  # type: ignore[no-any-return]

    # -- building requests -------------------------------------------------------------

    @property
    def company(self) -> str | None:
        return self.source.company

    def start_url(self) -> str:
        """The config's `url`, else the type's default built from its keys."""
        if self.source.url:
            return self.source.url
        if self.default_url is None:
            raise MalformedResponse(f"type '{self.name}' needs a 'url'")
        return self.default_url.format(**self.source.options)

    def request(self, url: str, callback: Any, **kwargs: Any) -> Request:
        """A request with this source's error handling and robots policy."""
        meta = kwargs.pop("meta", {})
        meta.setdefault("source", self.source.name)  # routes signals in a group (spiders/group.py)
        self.requests_built += 1
        if self.api:
            meta.setdefault("dont_obey_robotstxt", True)
        return Request(url, callback=callback, errback=self.on_error, meta=meta, **kwargs)

    def initial_requests(self) -> Iterator[Request]:
        """The first requests; subclasses override this (POST APIs, several start pages)."""
        yield self.request(self.start_url(), self.parse)

    async def start(self) -> AsyncIterator[Request]:
        try:
            requests = list(self.initial_requests())
        except (KeyError, ValueError) as exc:
            self.fail(f"cannot build the first request: {describe_error(exc)}")
            return
        if requests:
            requests[0] = self._conditional(requests[0])
        for request in requests:
            yield request

    def _conditional(self, request: Request) -> Request:
        """Mark the first request, and make it conditional when validators are stored.

        Only a GET can be conditional; the stored validators come from the `sources` table
        (`etag`, `last_modified`), written by the pipeline after a crawl that was one request.
        """
        request.meta["first_request"] = True
        if request.method != "GET":
            return request
        from store.db import open_db
        from store.health import load_validators

        db = self.db or open_db(self.settings.get("INTERNWATCH_DB", ":memory:"))
        try:
            stored = load_validators(db, self.source.name)
        finally:
            if db is not self.db:
                db.close()
        headers = {}
        if stored.get("etag"):
            headers["If-None-Match"] = stored["etag"]
        if stored.get("last_modified"):
            headers["If-Modified-Since"] = stored["last_modified"]
        if not headers:
            return request
        request.meta["conditional"] = True
        for key, value in headers.items():
            request.headers[key] = value
        return request

    def _on_response(self, response: Response, request: Request, spider: scrapy.Spider) -> None:
        """Keep the first response's validators (the pipeline decides whether to store them)."""
        if spider is self:
            self.last_response = time.monotonic()
        if spider is not self or not request.meta.get("first_request") or response.status != 200:
            return
        etag = response.headers.get(b"ETag")
        modified = response.headers.get(b"Last-Modified")
        if etag or modified:
            self.validators = {
                "etag": etag.decode("latin-1") if etag else None,
                "last_modified": modified.decode("latin-1") if modified else None,
            }

    # -- failures ------------------------------------------------------------------------

    def fail(self, reason: str) -> None:
        """Record that this source failed for this run (one line, no traceback)."""
        line = REDACTOR.redact(" ".join(reason.split()))  # a secret in a source URL (SPEC §5)
        if len(line) > 300:
            line = line[:297] + "..."
        self.failures.append(line)
        self.logger.info("%s", line)

    def on_error(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        exc = failure.value
        response = getattr(exc, "response", None)
        if response is not None:
            status = response.status
            if status == 304 and request is not None and request.meta.get("conditional"):
                self.not_modified = True  # the board is unchanged since the stored validators
                return
            posting_id = request.meta.get("posting_id") if request is not None else None
            if posting_id and status in (404, 410):
                self.gone_ids.append(posting_id)
                return
            self.fail(f"HTTP {status} from {url}")
            return
        self.fail(f"{describe_error(exc) if exc else 'unknown error'} for {url}")

    def _on_spider_error(self, failure: Failure, response: Response, spider: scrapy.Spider) -> None:
        if spider is not self:
            return
        error = describe_error(failure.value) if failure.value else "unknown error"
        self.fail(f"{error} parsing {response.url}")

    # -- parsing helpers -------------------------------------------------------------------

    def json(self, response: Response) -> Any:
        """Decode a JSON body, or fail this source with what was received instead."""
        body = response.body
        if not body.strip():
            raise MalformedResponse(f"empty body from {response.url}")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedResponse(
                f"invalid UTF-8 at byte {exc.start} from {response.url}"
            ) from exc
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1") or "unknown"
            raise MalformedResponse(
                f"expected JSON, got {ctype} ({exc.msg} at line {exc.lineno}) from {response.url}"
            ) from exc

    def posting_id(self, native_id: object) -> str:
        return f"{self.source.name}:{native_id}"

    def from_raw(
        self, native_id: object, raw: object, build: Callable[[], Posting]
    ) -> Posting | Unchanged:
        """The posting for one raw API record, skipping all the work when it is unchanged.

        The record's hash is compared with the stored content hash (loaded by the pipeline
        into `stored_hashes`); an unchanged record yields a placeholder the pipeline only
        marks seen, so description parsing and enrichment are not redone on every crawl.
        """
        posting_id = self.posting_id(native_id)
        digest = source_hash(raw)
        if self.stored_hashes.get(posting_id) == digest:
            return Unchanged(posting_id)
        posting = build()
        posting._source_hash = digest
        return posting

    def text(self, response: Response) -> str:
        if not isinstance(response, TextResponse):
            raise MalformedResponse(f"expected text, got binary content from {response.url}")
        return response.text


def describe_error(exc: BaseException) -> str:
    """A one-line description of a download or parse error."""
    name = type(exc).__name__
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    known = {
        "TimeoutError": "timed out",
        "TCPTimedOutError": "timed out",
        "ConnectionRefusedError": "connection refused",
        "DownloadConnectionRefusedError": "connection refused",
        "DownloadTimeoutError": "timed out",
        "DownloadFailedError": "download failed",
        "ResponseDataLossError": "truncated body: data loss (closed before the declared length)",
        "DownloadCancelledError": "aborted: body larger than download_maxsize",
        "ConnectionLost": "connection lost",
        "ResponseNeverReceived": "connection dropped before a response",
        "ResponseFailed": "connection dropped mid-response",
        "DNSLookupError": "DNS lookup failed",
        "IgnoreRequest": "request refused",
    }
    if isinstance(exc, MalformedResponse):
        return f"malformed response: {message}"
    if name in known:
        return known[name] + (f" ({message})" if message and name == "IgnoreRequest" else "")
    return f"{name}: {message}" if message else name


def epoch_ms_to_iso(value: object) -> str | None:
    """Epoch milliseconds (Lever `createdAt`) as an ISO datetime."""
    if not isinstance(value, int | float):
        return None
    return iso(datetime.fromtimestamp(value / 1000, tz=UTC))


def parse_iso(value: object) -> str | None:
    """An ISO datetime string from an API, normalised to UTC seconds; None if absent or bad."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return iso(parse_instant(value))
    except ClockError:
        return None
