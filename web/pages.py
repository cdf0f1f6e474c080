"""What pages show: postings as safe plain values, cached facet counts, the RSS feed."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from email.utils import format_datetime
from typing import Any
from xml.sax.saxutils import escape

import sqlite_utils

from alerts.render import Line, plain, safe_url
from config.clock import parse_instant
from store.browse import FacetCounts, facet_counts
from store.models import Posting


def posting_view(posting: Posting, full: bool = False) -> dict[str, Any]:
    """A posting's fields made safe as plain text (Jinja escapes them again for HTML);
    the description only with `full` (the posting's own page)."""
    line = Line.of(posting)
    return {
        "id": posting.id,
        "title": line.title,
        "company": line.company,
        "where": line.where,
        "facts": line.facts(),
        "url": line.url,
        "categories": posting.categories,
        "seasons": posting.seasons,
        "sponsorship": posting.sponsorship,
        "posted": (posting.posted_at or posting.first_seen or "")[:10],
        "description": plain(posting.description, 1500) if full else "",
    }


class FacetCache:
    """Facet counts over all open postings, recomputed in the background at most every
    `ttl` seconds: a page never waits for a count over 100,000 rows after the first."""

    def __init__(self, open_db: Callable[[], sqlite_utils.Database], ttl: float = 120.0) -> None:
        self._open_db = open_db
        self.ttl = ttl
        self._value: FacetCounts | None = None
        self._at = 0.0
        self._lock = threading.Lock()
        self._refreshing = False

    def _refresh(self) -> None:
        try:
            value = facet_counts(self._open_db())
            with self._lock:
                self._value, self._at = value, time.monotonic()
        finally:
            self._refreshing = False

    def get(self) -> FacetCounts:
        with self._lock:
            value, stale = self._value, time.monotonic() - self._at > self.ttl
            start = stale and not self._refreshing and value is not None
            if start:
                self._refreshing = True
        if value is None:
            self._refreshing = True
            self._refresh()
            assert self._value is not None
            return self._value
        if start:
            threading.Thread(target=self._refresh, daemon=True).start()
        return value


class PageCache:
    """Rendered pages by key for `ttl` seconds, at most `size` of them (least recent out)."""

    def __init__(self, ttl: float, size: int = 512) -> None:
        self.ttl, self.size = ttl, size
        self._items: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            item = self._items.get(key)
            if item is None or time.monotonic() - item[0] > self.ttl:
                return None
            self._items.move_to_end(key)
            return item[1]

    def put(self, key: str, html: str) -> None:
        with self._lock:
            self._items[key] = (time.monotonic(), html)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def feed_xml(postings: Sequence[Posting], site_url: str) -> str:
    """RSS 2.0 of a subscription's matches; scraped text plain and escaped, http(s) links only."""
    items = []
    for p in postings:
        view = posting_view(p)
        when = p.posted_at or p.first_seen
        date = f"<pubDate>{format_datetime(parse_instant(when))}</pubDate>" if when else ""
        link = f"<link>{escape(view['url'])}</link>" if view["url"] else ""
        items.append(
            f"<item><title>{escape(view['title'])} at {escape(view['company'])}</title>{link}"
            f'<guid isPermaLink="false">{escape(p.id)}</guid>{date}'
            f"<description>{escape(view['facts'])}</description></item>"
        )
    home = safe_url(site_url) or ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>internwatch: your matches</title><link>{escape(home)}</link>"
        "<description>Internship postings matching your internwatch alerts</description>"
        + "".join(items)
        + "</channel></rss>\n"
    )
