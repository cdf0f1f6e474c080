"""The feed spider: real crawls of RSS/Atom fixtures on 127.0.0.1 (tests/fixtures/feed)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import TextResponse

from config.models import SourceConfig
from demo.servers import BoardServer, Reply
from spiders.base import MalformedResponse
from spiders.feed import FeedSpider, declares_entities
from tests.crawlkit import FIXTURES, fixture_server, normalised, run_spider

FOLDER = FIXTURES / "feed"
ATOM = "/blog/atom.xml"


@pytest.fixture
def served() -> Iterator[tuple[BoardServer, dict[str, Any]]]:
    server, source = fixture_server("feed")
    try:
        yield server, source
    finally:
        server.stop()


def _atom_source(server: BoardServer, source: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return dict(source, name="brightpath", company="Brightpath", url=server.url(ATOM), **extra)


def _expected(name: str) -> list[dict[str, Any]]:
    return json.loads((FOLDER / name).read_text(encoding="utf-8"))


def test_real_weworkremotely_feed(served: tuple[BoardServer, dict[str, Any]]) -> None:
    server, source = served
    result = run_spider(source)
    assert result.failures == []
    assert normalised(result.items, server.base) == _expected("expected.json")
    # "Company: Role" titles: the company is the hiring one, not the board
    assert {i["company"] for i in result.items} == {"Fin", "Toptal"}


def test_atom_feed_with_excerpts_postings_and_articles(served: tuple[BoardServer, dict[str, Any]]) -> None:
    server, source = served
    result = run_spider(_atom_source(server, source))
    assert result.failures == []
    items = normalised(result.items, server.base)
    assert items == _expected("expected_atom.json")
    kinds = {i["title"]: i["kind"] for i in items}
    assert kinds["Meet our 2026 summer interns"] == "article"  # ends with "applications are open now"
    assert kinds["How I spent my summer as a design intern"] == "article"
    assert kinds["Data Science Internship, Lisbon (6 months)"] == "posting"
    by_title = {i["title"]: i for i in items}
    assert by_title["Partner spotlight: two internships at Northwind Energy"]["company"] == "Northwind Energy"
    # the excerpt-only entries were read from their pages: main text only
    fetched = [r.path for r in server.requests]
    assert any(p.startswith("/blog/data-science-internship-lisbon") for p in fetched)
    page_text = by_title["Data Science Internship, Lisbon (6 months)"]["description"]
    assert "To apply, send your CV" in page_text
    everything = json.dumps(items)
    for boilerplate in ("dev_reader_42", "crypto course", "Accept all cookies", "G-TRACKING-SCRIPT",
                        "TODO(rui)", "Related posts", "Subscribe", "Pricing", "Imprint", "dataLayer"):
        assert boilerplate not in everything, boilerplate


def _bomb(tmp_path: Path) -> dict[str, tuple[bytes, str]]:
    secret = tmp_path / "secret.txt"
    marker = "LOCAL-FILE-CONTENT-7f3a9"
    secret.write_text(marker)
    laughs = "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    return {
        "billion laughs": (
            ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">' + laughs + "]>"
             '<rss version="2.0"><channel><title>t</title><item><title>&lol9;</title>'
             "<link>http://x/1</link></item></channel></rss>").encode(), marker),
        "external entities": (
            (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">'
             f'<!ENTITY % ext SYSTEM "file://{secret}"> %ext;]>'
             '<rss version="2.0"><channel><title>t</title><item><title>Intern &xxe;</title>'
             "<description>&xxe;</description><link>http://x/1</link></item></channel></rss>").encode(),
            marker),
    }


def test_a_feed_with_external_entities_is_refused_without_reading_local_files(tmp_path: Path) -> None:
    body, marker = _bomb(tmp_path)["external entities"]
    with BoardServer({"/feed.xml": Reply(body, content_type="application/rss+xml")}) as server:
        result = run_spider({"name": "evil", "type": "feed", "url": server.url("/feed.xml")})
    assert result.items == []
    assert len(result.failures) == 1 and "refused" in result.failures[0]
    assert "\n" not in result.failures[0]
    assert marker not in json.dumps(result.failures) + result.log


@pytest.mark.parametrize("case", ["billion laughs", "external entities"])
def test_entity_declarations_are_refused_quickly(case: str, tmp_path: Path) -> None:
    """Timed in-process (a crawl's child start-up would dominate); a generous bound: the point
    is that the body is refused, not parsed."""
    body, marker = _bomb(tmp_path)[case]
    spider = FeedSpider(source=SourceConfig(name="evil", type="feed", url="http://127.0.0.1/f"))
    response = TextResponse("http://127.0.0.1/f", body=body, encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(MalformedResponse, match="refused") as refused:
        spider.entries(response)
    assert time.monotonic() - started < 5
    assert marker not in str(refused.value) and "\n" not in str(refused.value)


def test_entry_pages_refused_by_robots_or_gone_keep_the_excerpt(
    served: tuple[BoardServer, dict[str, Any]],
) -> None:
    server, source = served
    server.routes["/robots.txt"] = Reply(
        "User-agent: *\nDisallow: /blog/summer-as-a-design-intern\n", content_type="text/plain"
    )
    server.routes["/blog/data-science-internship-lisbon"] = Reply(b"gone", status=404,
                                                                  content_type="text/plain")
    result = run_spider(_atom_source(server, source))
    assert result.failures == []  # an entry page is not the source
    assert len(result.items) == 5
    paths = [r.path for r in server.requests]
    assert "/robots.txt" in paths
    assert not any(p.startswith("/blog/summer-as-a-design-intern") for p in paths)
    by_title = {i["title"]: i for i in result.items}
    design = by_title["How I spent my summer as a design intern"]
    assert design["description"].endswith("[…]")  # the feed's excerpt, not the page
    assert design["kind"] == "article"
    assert any(p.startswith("/blog/data-science-internship-lisbon") for p in paths)
    ds = by_title["Data Science Internship, Lisbon (6 months)"]
    assert ds["description"].startswith("Our analytics team in Lisbon is looking for")
    assert "To apply" not in ds["description"]


def test_entry_pages_fetched_are_bounded_by_max_pages(served: tuple[BoardServer, dict[str, Any]]) -> None:
    server, source = served
    result = run_spider(_atom_source(server, source, max_pages=1))
    assert result.failures == []
    assert len(result.items) == 5  # every entry kept; only one page read
    pages = [r.path for r in server.requests if r.path.startswith("/blog/") and r.path != ATOM]
    assert len(pages) == 1


def test_not_a_feed_fails_the_source_with_one_line() -> None:
    body = b"<html><body><h1>Blog</h1><p>Nothing to see.</p></body></html>"
    with BoardServer({"/feed": Reply(body, content_type="text/html")}) as server:
        result = run_spider({"name": "blog", "type": "feed", "url": server.url("/feed")})
    assert result.items == []
    assert len(result.failures) == 1 and "\n" not in result.failures[0]
    assert "malformed response" in result.failures[0]


@pytest.mark.parametrize(
    ("body", "refused"),
    [
        (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "b">]><r/>', True),
        (b'<!DOCTYPE r [\n  <!entity  a SYSTEM "file:///etc/passwd">]><r/>', True),
        # a post about XXE quoting the declaration in CDATA is only text
        (b"<rss><channel><item><description><![CDATA[Use <!ENTITY x SYSTEM> with care]]>"
         b"</description></item></channel></rss>", False),
        (b"<rss><channel><item><description>&lt;!ENTITY x&gt;</description></item></channel></rss>", False),
        ((FOLDER / "weworkremotely.rss").read_bytes(), False),
    ],
)
def test_entity_declaration_check(body: bytes, refused: bool) -> None:
    assert declares_entities(body) is refused
