"""A blog or newsletter RSS/Atom feed: each entry becomes a `posting` or an `article`.

The downloaded body is parsed by feedparser from memory (feedparser never fetches a URL or
opens a file itself). XML safety: a body that declares entities (`<!ENTITY`, the vehicle of
"billion laughs" bombs and of external entities that read local files) is refused at once
with a one-line reason, before any XML parser sees it.

Each entry: title, link (`url`, canonical), published/updated (`posted_at`), content
(content:encoded, Atom content) or summary (`description`). When the feed carries only an
excerpt (no full content, and a short summary or one ending in "Read more", "[…]",
"Continue reading"), the entry's own page is fetched (robots.txt obeyed) and its main text
taken (spiders/maintext.py: not navigation, footer, scripts or comments); if that page
cannot be read the excerpt is kept. An entry link to an internal address on another host
than the feed's own is never fetched (spiders/middlewares.py); a warning line says so.
At most `max_pages` entry pages are fetched per crawl.
Then spiders/classify.py decides `kind` and the hiring company (the entry's, else the
source's `company`, else the feed's publisher; "" when none: never the feed's own name).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar

import feedparser
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from config.clock import iso
from config.models import TypeSpec
from spiders.base import BaseSpider, MalformedResponse
from spiders.classify import classify_entry
from spiders.company import entry_company
from spiders.maintext import main_text
from spiders.middlewares import InternalAddress
from spiders.text import html_to_text
from store.models import Posting
from store.urls import canonical_url

#: a summary shorter than this (characters of text) without full content is an excerpt
EXCERPT_CHARS = 600
_EXCERPT_END = re.compile(
    r"(?:read\s+more|continue\s+reading|keep\s+reading|read\s+the\s+full\s+(?:post|article|story)|"
    r"\[(?:…|\.\.\.|&hellip;)\]|…|\.\.\.)\s*(?:»|→|&raquo;)?\s*$",
    re.IGNORECASE,
)
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_CDATA = re.compile(rb"<!\[CDATA\[.*?\]\]>", re.DOTALL)


def declares_entities(body: bytes) -> bool:
    """True when the XML declares entities (outside CDATA, where "<!ENTITY" is only text).

    Entity declarations are how "billion laughs" bombs and external entities (local files,
    URLs) get in; a real feed never needs them, so such a body is refused unparsed.
    """
    if not _ENTITY_DECL.search(body):
        return False
    return _ENTITY_DECL.search(_CDATA.sub(b"", body)) is not None


class FeedSpider(BaseSpider):
    name = "feed"
    default_url = None
    spec: ClassVar[TypeSpec] = TypeSpec(needs_company=False, needs_url=True)
    api = False
    listing_complete = False  # a feed shows only its latest entries

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        self.pages += 1
        entries = self.entries(response)
        fetches = 0
        for entry in entries:
            if entry["_excerpt"] and fetches < self.source.max_pages:
                fetches += 1
                # an entry page that fails keeps the excerpt; only the feed fails the source
                yield self.request(entry["_link"], self.parse_page, cb_kwargs={"entry": entry},
                                   dont_filter=True, errback=self.page_failed)
                continue
            yield self.posting(entry)

    # -- the feed --------------------------------------------------------------------------

    def entries(self, response: Response) -> list[dict[str, Any]]:
        body = response.body
        if not body.strip():
            raise MalformedResponse(f"empty body from {response.url}")
        if declares_entities(body):
            raise MalformedResponse(
                f"refused: the feed declares XML entities (<!ENTITY>: entity bomb or external "
                f"entity risk) at {response.url}"
            )
        ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        parsed = feedparser.parse(
            io.BytesIO(body), response_headers={"content-type": ctype} if ctype else None,
            resolve_relative_uris=True, sanitize_html=False,
        )
        version = parsed.get("version") or ""
        if not version and not parsed.entries:
            reason = str(parsed.get("bozo_exception") or "not RSS or Atom").splitlines()[0]
            raise MalformedResponse(f"expected an RSS/Atom feed ({reason}) from {response.url}")
        self.feed_title = str(parsed.feed.get("title") or "")
        out: list[dict[str, Any]] = []
        for raw in parsed.entries:
            out.append(self.read_entry(raw, response.url))
        return out

    def read_entry(self, entry: Any, feed_url: str) -> dict[str, Any]:
        """The fields of one feedparser entry, with `_excerpt` when only a teaser is given."""
        contents = [c.get("value", "") for c in entry.get("content") or [] if c.get("value")]
        summary = entry.get("summary") or ""
        full = max(contents, key=len) if contents else ""
        text = html_to_text(full or summary)
        excerpt_only = not full and (len(text) < EXCERPT_CHARS or bool(_EXCERPT_END.search(text)))
        link = str(entry.get("link") or "").strip()
        region = entry.get("region")
        return {
            "title": " ".join(str(entry.get("title") or "").split()),
            "_link": link,
            "id": str(entry.get("id") or link).strip(),
            "text": text,
            "posted_at": _struct_iso(entry.get("published_parsed") or entry.get("updated_parsed")),
            "author": entry.get("author"),
            "region": str(region).strip() if region else None,
            "_excerpt": excerpt_only and bool(link),
        }

    def posting(self, entry: dict[str, Any], text: str | None = None) -> Posting:
        body = text if text else entry["text"]
        title = entry["title"]
        kind = classify_entry(entry["title"], body, located=bool(entry["region"]))
        company = entry_company(kind, title, body, self.company, self.feed_title)
        head, colon, role = title.partition(":")
        if colon and role.strip() and head.strip() == company:
            title = role.strip()  # "Fin: Solutions Architect": the role is after the company
        return Posting(
            id=self.posting_id(entry["id"]),
            source=self.source.name,
            kind=kind,
            company=company,
            title=title,
            url=canonical_url(entry["_link"]) if entry["_link"] else "",
            raw_locations=[entry["region"]] if entry["region"] else [],
            description=body,
            posted_at=entry["posted_at"],
        )

    # -- an entry's own page (excerpt-only feeds) ----------------------------------------------

    def parse_page(self, response: Response, entry: dict[str, Any]) -> Iterator[Posting]:
        """The entry with its page's main text, or with the excerpt when the page says less."""
        self.pages += 1
        text = main_text(response.text, response.url) if isinstance(response, TextResponse) else ""
        first, _, rest = text.partition("\n")
        if " ".join(first.split()) == entry["title"]:
            text = rest.strip()  # the page's <h1> repeats the title
        yield self.posting(entry, text if len(text) > len(entry["text"]) else None)

    def page_failed(self, failure: Failure) -> Iterator[Posting]:
        """The entry's page could not be read (404, robots.txt, timeout): keep the excerpt."""
        request = getattr(failure, "request", None)
        entry = request.cb_kwargs.get("entry") if request is not None else None
        if failure.check(InternalAddress):  # SPEC §6: said, in one line, not silently skipped
            self.logger.warning("%s: %s; keeping the excerpt", self.source.name, failure.value)
        else:
            self.logger.info("entry page failed (%s): keeping the excerpt", failure.value)
        if isinstance(entry, dict):
            yield self.posting(entry)


def _struct_iso(value: Any) -> str | None:
    """feedparser's UTC time.struct_time as an ISO datetime."""
    if not value:
        return None
    try:
        year, month, day, hour, minute, second = (int(v) for v in value[:6])
        return iso(datetime(year, month, day, hour, minute, second, tzinfo=UTC))
    except (TypeError, ValueError):
        return None
