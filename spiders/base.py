"""The base spider every source type subclasses.

A subclass declares its `name` (the source type, which is also how Scrapy's spider loader
finds it), its `default_url` (a template over its own config keys), the keys it needs
(`spec`), and parses responses into `Posting` items. The base builds the spider from a
config source, honours `url`, and records failures so the store can mark the source
failed for this run without touching what is stored.

One crawler serves every source of a run (spiders/runner.py), each source's spider acting
as a handler of the run's spider. So that the pipeline can store a source as soon as its
crawl is over, and not only when the whole run ends, every request a source builds carries
a token, and its callback or errback always ends with one `Answer` naming that token: the
source is done when none of its tokens is open (redirects and retries copy the token;
a request Scrapy drops is reported by its `request_dropped` signal).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Request, Response, TextResponse
from twisted.python.failure import Failure

from config.clock import ClockError, iso, parse_instant
from config.models import SourceConfig, TypeSpec
from config.secrets import REDACTOR
from store.ingest import Stored
from store.models import PARSER_VERSION, Posting, Unchanged, source_hash

_tokens = itertools.count(1)


class MalformedResponse(ValueError):
    """The answer is not what this source type expects (wrong format, changed layout)."""


@dataclass
class Answer:
    """The end of one request of one source: what its callback yielded (no Requests)."""

    source: str
    token: int
    items: list[Any] = field(default_factory=list, repr=False)  # Scrapy logs each Answer


def slot_key(url: str) -> str:
    """Scrapy's download slot of a URL: host name AND port (SPEC §6), where Scrapy's own
    key is the host name alone."""
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme, 0)
    return f"{parts.hostname or ''}:{port}"


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

    def __init__(self, source: SourceConfig, stored: Stored | None = None, **kwargs: Any) -> None:
        super().__init__(name=source.name, **kwargs)
        self.source = source
        self.stored = stored or Stored()  # read by the runner before the crawl
        self.failures: list[str] = []
        self.skipped: list[str] = []  # malformed postings left out (SPEC §6), one line each
        self.complete = True  # False when the listing was cut short (page bound)
        self.pages = 0
        self.gone_ids: list[str] = []  # postings whose own page answered 404/410
        self.open_requests: set[int] = set()  # tokens of requests not answered yet
        # Conditional requests (ETag / Last-Modified): the stored validators are sent on
        # the first request; a 304 sets `not_modified` (the board is unchanged).
        # `validators` are the first response's, stored only when that one request was the
        # whole crawl (`requests_built == 1`), so a 304 always means "the whole board is
        # as it was", never "page 1 is as it was".
        self.not_modified = False
        self.validators: dict[str, str | None] | None = None
        self.requests_built = 0
        self.last_response: float | None = None  # time.monotonic() of the latest answer

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
        """A request of this source: its token, its host's download slot, robots policy."""
        meta = kwargs.pop("meta", {})
        meta.setdefault("source", self.source.name)  # tells the same URL of two sources apart
        meta["token"] = token = next(_tokens)
        meta.setdefault("download_slot", slot_key(url))
        self.requests_built += 1
        self.open_requests.add(token)
        if self.api:
            meta.setdefault("dont_obey_robotstxt", True)
        # the type's own failure handler, else `on_error`; `_failed` calls it
        meta["on_error"] = kwargs.pop("errback", None) or self.on_error
        cb_kwargs = {**kwargs.pop("cb_kwargs", {}), "parse": callback}
        return Request(url, callback=self._answer, errback=self._failed, meta=meta,
                       cb_kwargs=cb_kwargs, **kwargs)

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
        """Mark the first request, and make it conditional when HTTP validators are stored
        (only a GET can be)."""
        request.meta["first_request"] = True
        stored = self.stored.validators
        if request.method != "GET" or not (stored.get("etag") or stored.get("last_modified")):
            return request
        request.meta["conditional"] = True
        if stored.get("etag"):
            request.headers["If-None-Match"] = stored["etag"]
        if stored.get("last_modified"):
            request.headers["If-Modified-Since"] = stored["last_modified"]
        return request

    def _answer(self, response: Response, parse: Callable[..., Any], **kwargs: Any) -> Iterator[Any]:
        """Every callback of this source: its requests go on at once, its items leave as one
        `Answer` after the last (one pipeline call per page, not per posting). A callback
        that raises fails the source, and its items so far are dropped with it."""
        self.last_response = time.monotonic()
        if response.meta.get("first_request") and response.status == 200:
            listed = self.stored.board_unchanged(self._keep_validators(response))
            if listed is not None:  # the body last read in full: each posting is unchanged
                yield Answer(self.source.name, response.meta["token"],
                             [Unchanged(posting_id) for posting_id in listed])
                return
        items: list[Any] = []
        try:
            for out in parse(response, **kwargs) or ():
                if isinstance(out, Request):
                    yield out
                else:
                    items.append(out)
        except Exception as exc:  # noqa: BLE001 - a parse error fails this source only
            self.fail(f"{describe_error(exc)} parsing {response.url}")
            items = []
        yield Answer(self.source.name, response.meta["token"], items)

    def _keep_validators(self, response: Response) -> str:
        """Keep the first answer's ETag, Last-Modified and body hash; returns the hash. It
        covers the parser version, the source's config and the URL answered too: they change
        what a body yields."""
        etag = response.headers.get(b"ETag")
        modified = response.headers.get(b"Last-Modified")
        digest = hashlib.blake2b(PARSER_VERSION.encode("utf-8"), digest_size=16)
        for part in (self.source.model_dump_json(), "\n", response.url, "\n"):
            digest.update(part.encode("utf-8"))
        digest.update(response.body)
        self.validators = {
            "etag": etag.decode("latin-1") if etag else None,
            "last_modified": modified.decode("latin-1") if modified else None,
            "body_hash": digest.hexdigest(),
        }
        return digest.hexdigest()

    # -- failures ------------------------------------------------------------------------

    def fail(self, reason: str) -> None:
        """Record that this source failed for this run (one line, no traceback)."""
        line = REDACTOR.redact(" ".join(reason.split()))  # a secret in a source URL (SPEC §5)
        if len(line) > 300:
            line = line[:297] + "..."
        self.failures.append(line)
        self.logger.info("%s", line)

    def _failed(self, failure: Failure) -> list[Any]:
        """Every errback of this source: its handler, then the request's `Answer`."""
        request = failure.request  # type: ignore[attr-defined]
        if getattr(failure.value, "response", None) is not None:
            self.last_response = time.monotonic()
        try:
            out = list(request.meta["on_error"](failure) or ())  # a handler may yield postings
        except Exception as exc:  # noqa: BLE001 - the handler's bug fails this source only
            self.fail(f"{describe_error(exc)} handling the failure of {request.url}")
            out = []
        items = [x for x in out if not isinstance(x, Request)]
        return [*(x for x in out if isinstance(x, Request)),
                Answer(self.source.name, request.meta["token"], items)]

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

    def each(self, records: Iterable[Any], build: Callable[[Any], Any]) -> Iterator[Any]:
        """`build(record)` for each raw record of a board, skipping the malformed ones.

        One posting that cannot be read (a field of the wrong type, no id) is left out and
        reported in one line; the rest of the board is stored (SPEC §6). `build` returns a
        Posting, an Unchanged, a Request, or None for a record to leave out on purpose.
        """
        for index, record in enumerate(records):
            try:
                out = build(record)
            except Exception as exc:  # noqa: BLE001 - one record's problem, not the board's
                native = record.get("id") if isinstance(record, dict) else None
                self.skip(f"record #{index}" + (f" (id {native})" if native else ""),
                          describe_error(exc))
                if native:  # still on the board: a stored version is not counted missing
                    yield Unchanged(self.posting_id(native))
                continue
            if out is not None:
                yield out

    def skip(self, what: str, reason: str) -> None:
        line = " ".join(f"{what}: {reason}".split())[:300]
        self.skipped.append(line)
        self.logger.warning("%s: skipped malformed posting %s", self.source.name, line)

    def from_raw(
        self, native_id: object, raw: object, build: Callable[[], Posting]
    ) -> Posting | Unchanged:
        """The posting for one raw API record, skipping all the work when it is unchanged
        (its raw hash equals the stored content hash: `Stored.unchanged`), so description
        parsing and enrichment are not redone on every crawl."""
        if native_id is None or native_id == "":
            raise MalformedResponse("no id")
        posting_id = self.posting_id(native_id)
        digest = source_hash(raw)
        if self.stored.unchanged(posting_id, digest):
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
