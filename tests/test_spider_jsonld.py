"""The jsonld spider: real crawls of a careers site on 127.0.0.1 (tests/fixtures/jsonld)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from demo.servers import BoardServer, Reply
from tests.crawlkit import FIXTURES, fixture_server, normalised, run_spider

FOLDER = FIXTURES / "jsonld"
JOBS = "/careers/jobs/"


@pytest.fixture
def served() -> Iterator[tuple[BoardServer, dict[str, Any]]]:
    server, source = fixture_server("jsonld")
    try:
        yield server, source
    finally:
        server.stop()


def _paths(server: BoardServer) -> list[str]:
    return [r.path for r in server.requests]


def test_listing_with_pages_of_every_kind(served: tuple[BoardServer, dict[str, Any]]) -> None:
    server, source = served
    result = run_spider(source)
    assert result.failures == [] and result.complete
    items = normalised(result.items, server.base)
    assert items == json.loads((FOLDER / "expected.json").read_text(encoding="utf-8"))
    by_path = {i["id"].split(":", 1)[1]: i for i in items}
    assert sorted(by_path) == sorted(JOBS + p for p in (
        "software-engineering-intern-summer-2027", "data-analyst-intern", "marketing-co-op-winter-2027",
        "firmware-intern-remote", "field-robotics-intern"))  # page 2 (rel=next) read too
    # JSON-LD in @graph: structured pay, locations with ISO-2 countries, deadline as a date
    swe = by_path[JOBS + "software-engineering-intern-summer-2027"]
    assert swe["is_internship"] and swe["deadline"] == "2026-12-15"
    assert swe["pay"] == {"min": 38.0, "max": 46.0, "currency": "USD", "per": "hour", "source": "structured"}
    assert {(loc["city"], loc["country"]) for loc in swe["locations"]} == {
        ("Boulder", "US"), ("Fresno", "US")}
    assert swe["url"] == "{{BASE}}" + JOBS + "software-engineering-intern-summer-2027"  # no utm_source
    # microdata
    analyst = by_path[JOBS + "data-analyst-intern"]
    assert analyst["locations"] == [{"city": "Lyon", "region": "Auvergne-Rhône-Alpes", "country": "FR"}]
    assert analyst["pay"]["per"] == "month" and analyst["is_internship"]
    # @type list, employmentType list, TELECOMMUTE
    firmware = by_path[JOBS + "firmware-intern-remote"]
    assert firmware["remote"] == "remote" and firmware["employment_type"] == "INTERN, PART_TIME"
    # no structured data: main text only
    coop = by_path[JOBS + "marketing-co-op-winter-2027"]
    assert coop["title"] == "Marketing Co-op, Winter 2027" and "To apply" in coop["description"]
    assert coop["pay"] is None and coop["locations"] == []  # text fields are enrichment's job
    # navigation and footer links are not followed; /careers/ pages that are not openings are read
    # but yield nothing
    assert "/jobs/search" not in _paths(server) and JOBS + "archive" not in _paths(server)
    assert "/careers/benefits" in _paths(server)


def test_one_job_page_as_url_and_config_company_wins(served: tuple[BoardServer, dict[str, Any]]) -> None:
    server, source = served
    url = server.url(JOBS + "firmware-intern-remote")
    result = run_spider(dict(source, url=url, company="Northwind Robotics Inc."))
    assert result.failures == []
    assert [(i["title"], i["company"]) for i in result.items] == [
        ("Firmware Intern (Remote, US)", "Northwind Robotics Inc.")]
    assert not any(p.startswith("/careers/?") for p in _paths(server))


def test_page_without_structured_data_as_url(served: tuple[BoardServer, dict[str, Any]]) -> None:
    server, source = served
    result = run_spider(dict(source, url=server.url(JOBS + "marketing-co-op-winter-2027")))
    assert result.failures == []
    [item] = result.items
    assert item["title"] == "Marketing Co-op, Winter 2027"
    assert item["company"] == "Northwind Robotics"  # og:site_name
    text = item["description"]
    assert text.startswith("Our growth team in Toronto is looking for a marketing co-op student")
    for boilerplate in ("HUBSPOT-SCRIPT-TEXT", "Accept all cookies", "internal note", "Share this job",
                        "equal opportunity", "Products", "font-size"):
        assert boilerplate not in text, boilerplate


def test_gone_job_pages_and_robots_txt(served: tuple[BoardServer, dict[str, Any]]) -> None:
    server, source = served
    server.routes["/robots.txt"] = Reply("User-agent: *\nDisallow: /careers/jobs/firmware\n",
                                         content_type="text/plain")
    server.routes[JOBS + "data-analyst-intern"] = Reply(b"gone", status=410, content_type="text/plain")
    result = run_spider(source)
    assert result.failures == []
    assert result.gone_ids == ["northwind-robotics:/careers/jobs/data-analyst-intern"]
    assert not any(p.startswith(JOBS + "firmware") for p in _paths(server))
    titles = {i["title"] for i in result.items}
    assert "Firmware Intern (Remote, US)" not in titles
    assert "Data Analyst Intern (Autonomy Metrics)" not in titles
    assert len(titles) == 3


def test_page_bound_marks_the_listing_incomplete(served: tuple[BoardServer, dict[str, Any]]) -> None:
    server, source = served
    result = run_spider(dict(source, max_pages=3))
    assert result.failures == []
    assert result.complete is False
    pages = [p for p in _paths(server) if p != "/robots.txt"]
    assert len(pages) == 3
    assert len(result.items) <= 2


def test_links_that_do_not_look_like_jobs_are_probed_for_job_postings() -> None:
    job = (FOLDER / "job-field-robotics.html").read_bytes()
    other = (FOLDER / "benefits.html").read_bytes()
    listing = (b'<html><body><nav><a href="/about">About</a></nav><main>'
               b'<a href="/o/2041">Field Robotics Intern</a> <a href="/o/perks">Perks</a>'
               b'<a href="https://elsewhere.example.com/o/9">Partner job</a></main></body></html>')
    html = "text/html; charset=utf-8"
    with BoardServer({"/hiring": Reply(listing, content_type=html), "/o/2041": Reply(job, content_type=html),
                      "/o/perks": Reply(other, content_type=html)}) as server:
        result = run_spider({"name": "probe", "type": "jsonld", "url": server.url("/hiring")})
        paths = _paths(server)
    assert result.failures == []
    assert [(i["id"], i["title"]) for i in result.items] == [("probe:/o/2041", "Field Robotics Intern")]
    assert "/about" not in paths  # navigation is not probed
