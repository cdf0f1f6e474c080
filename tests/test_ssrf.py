"""No request to an internal address the source does not own (SPEC §6; issue 14 item 2).

Real crawls: the source's feed is served on 127.0.0.1, an "internal" server with a secret
on another port is reached by another host name (localhost) or another internal address.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from demo.servers import BoardServer, Reply
from tests.crawlkit import run_spider

SECRET = "INTERNAL-ADMIN-TOKEN-5e1f"
LOGGED = {"LOG_INSTALL_ROOT_HANDLER": True}  # the child's warnings on its stderr (result.log)


def feed(link: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Careers blog</title><link>http://127.0.0.1/</link>
<description>x</description>
<item><title>Software Engineering Intern, Summer 2027</title><link>{link}</link>
<guid>post-1</guid><description>We are hiring interns. Read more</description></item>
</channel></rss>"""


@pytest.fixture
def internal() -> Iterator[BoardServer]:
    page = f"<html><body><main><h1>Admin</h1><p>Secret token {SECRET} for staff.</p></main></body></html>"
    with BoardServer({"/internal/admin.html": Reply(page, content_type="text/html"),
                      "/robots.txt": Reply("", content_type="text/plain")}) as server:
        yield server


def crawl_feed(body: str, extra_routes: dict[str, Reply] | None = None):  # type: ignore[no-untyped-def]
    routes = {"/feed.xml": Reply(body, content_type="application/rss+xml"), **(extra_routes or {})}
    with BoardServer(routes) as blog:
        result = run_spider(
            {"name": "blog", "type": "feed", "company": "Acme", "url": blog.url("/feed.xml")}, LOGGED
        )
    return result


def test_a_feed_link_to_another_internal_host_is_not_fetched(internal: BoardServer) -> None:
    link = f"http://localhost:{internal.port}/internal/admin.html"  # 127.0.0.1 by another name
    result = crawl_feed(feed(link))
    assert internal.requests == []  # not even robots.txt
    assert len(result.items) == 1 and result.failures == []  # the excerpt is kept
    assert SECRET not in result.items[0]["description"]
    refusals = [line for line in result.log.splitlines() if "refused a request to localhost" in line]
    assert len(refusals) == 1 and "127.0.0.1" in refusals[0], result.log[-2000:]


@pytest.mark.parametrize("host", ["10.0.0.1", "169.254.169.254", "[::1]", "127.0.0.2"])
def test_a_feed_link_to_an_internal_ip_literal_is_refused(host: str) -> None:
    result = crawl_feed(feed(f"http://{host}:9/internal/admin.html"))
    assert len(result.items) == 1 and result.failures == []
    shown = host.strip("[]")
    assert f"refused a request to {shown}" in result.log, result.log[-2000:]


def test_a_redirect_to_an_internal_host_fails_the_source_in_one_line(internal: BoardServer) -> None:
    target = f"http://localhost:{internal.port}/internal/admin.html"
    with BoardServer({"/feed.xml": Reply(b"", status=302, headers={"Location": target})}) as blog:
        result = run_spider({"name": "blog", "type": "feed", "company": "Acme", "url": blog.url("/feed.xml")})
    assert internal.requests == []
    assert result.items == []
    assert len(result.failures) == 1 and "\n" not in result.failures[0]
    assert "refused a request to localhost" in result.failures[0]


def test_the_sources_own_host_may_be_internal(internal: BoardServer) -> None:
    """The operator's own `url` on localhost is crawled, and its links on that host followed."""
    link = f"http://localhost:{internal.port}/internal/admin.html"
    internal.routes["/feed.xml"] = Reply(feed(link), content_type="application/rss+xml")
    result = run_spider({"name": "own", "type": "feed", "company": "Acme",
                         "url": f"http://localhost:{internal.port}/feed.xml"})
    assert result.failures == []
    assert SECRET in result.items[0]["description"]  # same host name as the source: allowed
