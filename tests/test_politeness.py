"""Politeness (SPEC §6): conditional requests with the stored ETag / Last-Modified, a 304 read as
"the board is unchanged", through the shared five-run scenario (tests/lifecycle_scenario.py).

The `etag` board sends an ETag, the `lastmod` board a Last-Modified; each serves version v1 in
runs 1-3 and v2 (posting D gone) in runs 4-5, answering 304 when the request's validator
matches the version it serves.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from config.clock import iso, parse_instant
from tests.lifecycle_scenario import LAST_MODIFIED, RUNS, Scenario, instant, scenario

HEADER = {"etag": "If-None-Match", "lastmod": "If-Modified-Since"}
VALUE = {
    "etag": {"v1": '"v1"', "v2": '"v2"'},
    "lastmod": LAST_MODIFIED,
}
#: validator version sent in each run (None: none stored yet) and whether the board said 304
SENT = [None, "v1", "v1", "v1", "v2"]
NOT_MODIFIED = [False, True, True, False, True]


@pytest.fixture(scope="module")
def world() -> Scenario:
    return scenario()


def at(run: int) -> str:
    return iso(parse_instant(instant(run)))


def header(request: object, name: str) -> str | None:
    headers = {k.lower(): v for k, v in request.headers.items()}  # type: ignore[attr-defined]
    return headers.get(name.lower())


@pytest.mark.parametrize("source", ["etag", "lastmod"])
def test_stored_validator_is_sent(world: Scenario, source: str) -> None:
    other = HEADER["lastmod" if source == "etag" else "etag"]
    for run in range(1, RUNS + 1):
        [request] = world.requests[source][run - 1]
        version = SENT[run - 1]
        assert header(request, HEADER[source]) == (VALUE[source][version] if version else None), run
        assert header(request, other) is None  # only what the server gave


def test_no_validators_no_conditional_request(world: Scenario) -> None:
    for run in range(RUNS):
        [request] = world.requests["steady"][run]
        assert header(request, "If-None-Match") is None
        assert header(request, "If-Modified-Since") is None


@pytest.mark.parametrize("source", ["etag", "lastmod"])
def test_not_modified_board_is_unchanged_and_healthy(world: Scenario, source: str) -> None:
    for run in range(1, RUNS + 1):
        snap = world.after(run)
        row = next(r for r in snap.runs if r["source"] == source)
        assert (row["status"], row["closed"]) == ("ok", 0)
        assert snap.sources[source]["healthy"] == 1
        if NOT_MODIFIED[run - 1]:
            # what the board listed last time is seen again, at this run's time
            listed = "ABCD" if run < 4 else "ABC"
            for letter in listed:
                posting = world.posting(run, source, letter)
                assert (posting["last_seen"], posting["missing_count"]) == (at(run), 0)
            assert row["count"] == len(listed)
    # D left the board in v2 (run 4: missing once); the 304 of run 5 neither closes it nor
    # counts it missing again, nor pretends it was seen
    d4, d5 = world.posting(4, source, "D"), world.posting(5, source, "D")
    assert (d4["missing_count"], d4["closed_at"]) == (1, None)
    assert (d5["missing_count"], d5["closed_at"], d5["last_seen"]) == (1, None, at(3))


@pytest.mark.parametrize(("source", "column"), [("etag", "etag"), ("lastmod", "last_modified")])
def test_validators_are_stored_per_source(world: Scenario, source: str, column: str) -> None:
    assert world.after(1).sources[source][column] == VALUE[source]["v1"]
    assert world.after(4).sources[source][column] == VALUE[source]["v2"]
    assert world.after(4).sources["steady"][column] is None


def test_validators_of_a_crawl_of_several_requests_are_not_kept(world: Scenario) -> None:
    """The SmartRecruiters list sends an ETag, but its crawl is a list and detail pages: a 304
    on the list would not vouch for the details, so no validator is stored or sent."""
    for source in ("sr-404", "sr-410"):
        for run in range(1, RUNS + 1):
            assert world.after(run).sources[source]["etag"] is None
            [request] = world.listing_requests[source][run - 1]
            assert header(request, "If-None-Match") is None


# -- robots.txt: obeyed for pages and feeds, not consulted for JSON APIs -----------------------

ROBOTS = "User-agent: *\nDisallow: /private/\n"


def rss(base: str, path: str) -> str:
    """A small feed with full content (so no entry page is fetched)."""
    body = "We are hiring a Data Science Intern for Summer 2027 in Lisbon. Apply by 1 May. " * 12
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Acme blog</title>'
        f"<link>{base}/</link><description>jobs</description><item><title>Data Science Intern"
        f"</title><link>{base}{path}/ds-intern</link><guid>{base}{path}/ds-intern</guid>"
        "<pubDate>Mon, 02 Mar 2026 08:00:00 GMT</pubDate>"
        f"<description>{body}</description></item></channel></rss>"
    )


def test_robots_obeyed_for_feeds_not_for_apis(tmp_path: Path) -> None:
    from demo.servers import BoardServer, Reply
    from tests.lifecycle_scenario import board, cli

    with BoardServer() as site, BoardServer() as api:
        for server in (site, api):
            server.routes["/robots.txt"] = Reply(ROBOTS, content_type="text/plain")
        for path in ("/blog", "/private"):
            site.routes[f"{path}/feed.xml"] = Reply(
                rss(site.base, path), content_type="application/rss+xml"
            )
        api.routes["/private/board"] = Reply(board("steady", "AB"))
        (tmp_path / "sources.yaml").write_text(
            "sources:\n"
            f"  - {{name: blog, type: feed, company: Acme, url: \"{site.url('/blog/feed.xml')}\"}}\n"
            f"  - {{name: hidden, type: feed, company: Acme, url: \"{site.url('/private/feed.xml')}\"}}\n"
            f"  - {{name: board, type: greenhouse, board: acme, url: \"{api.url('/private/board')}\"}}\n"
        )
        (tmp_path / "settings.yaml").write_text("retry_times: 0\nautothrottle: false\n")
        proc = cli(tmp_path, "crawl", now="2026-03-02T06:00:00Z")
        site_paths = [r.path for r in site.requests]
        api_paths = [r.path for r in api.requests]
    assert "/robots.txt" in site_paths
    assert "/blog/feed.xml" in site_paths  # allowed
    assert "/private/feed.xml" not in site_paths  # disallowed: never fetched
    assert "hidden: FAILED" in proc.stderr and "robots.txt" in proc.stderr
    assert "blog: 1 posting (" in proc.stdout
    # the JSON API is read even under a Disallow, and its robots.txt is never asked for
    assert api_paths == ["/private/board"]
    assert "board: 2 postings" in proc.stdout
