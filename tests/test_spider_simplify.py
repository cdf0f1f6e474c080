"""SimplifyJobs listings.json spider: real Scrapy crawls against a local server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from demo.servers import BoardServer, Reply
from spiders.simplify import epoch_s_to_iso, simplify_sponsorship
from tests.crawlkit import run_spider

FIXTURES = Path(__file__).parent / "fixtures" / "simplify"
SOURCE = {"name": "simplify-test", "type": "simplify"}


def test_expected_output_is_the_open_recorded_entries() -> None:
    """The crawl itself is compared with expected.json by tests/test_spider_contract.py."""
    recorded = json.loads((FIXTURES / "listings.json").read_text())
    expected = json.loads((FIXTURES / "expected.json").read_text())
    # 8 recorded entries: 5 inactive, 2 active but invisible, 1 open (Apple)
    open_ids = sorted(f"simplify-summer:{e['id']}" for e in recorded if e["active"] and e["is_visible"])
    assert [item["id"] for item in expected] == open_ids == [
        "simplify-summer:e0717e6f-9d4b-4827-8f7d-4af8d3613a22"]
    assert expected[0]["sponsorship"] == "yes" and expected[0]["seasons"] == ["Summer 2025"]


def test_made_up_listings_fields() -> None:
    body = (FIXTURES / "made_up_listings.json").read_bytes()
    with BoardServer({"/listings.json": Reply(body)}) as server:
        result = run_spider(dict(SOURCE, url=server.url("/listings.json")))
        assert len(server.requests) == 1  # one file, no paging
    assert result.failures == [] and result.complete
    by_company = {item["company"]: item for item in result.items}
    assert set(by_company) == {"Acme Robotics", "Defense Co", "Quiet Inc"}  # inactive left out
    acme = by_company["Acme Robotics"]
    assert acme["id"] == "simplify-test:00000000-made-up0-0000-000000000001"
    assert acme["url"] == "https://boards.greenhouse.io/acme/jobs/7000001"  # tracking removed
    assert acme["apply_url"].endswith("?utm_source=Simplify&ref=Simplify")
    assert acme["seasons"] == ["Summer 2027", "Fall 2027"]
    assert acme["raw_locations"] == ["Austin, TX", "Remote in USA"]
    assert acme["locations"] == [] and acme["remote"] is None  # left to enrichment
    assert acme["sponsorship"] == "no"
    assert acme["posted_at"] == "2026-09-10T00:26:40+00:00"
    assert all(item["is_internship"] for item in result.items)
    assert by_company["Defense Co"]["sponsorship"] == "citizens_only"
    assert by_company["Quiet Inc"]["sponsorship"] is None
    assert by_company["Quiet Inc"]["posted_at"] is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Offers Sponsorship", "yes"), ("Does Not Offer Sponsorship", "no"),
     ("U.S. Citizenship is Required", "citizens_only"), ("Other", None), (None, None)],
)
def test_sponsorship(value: object, expected: str | None) -> None:
    assert simplify_sponsorship(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1717805215, "2024-06-08T00:06:55+00:00"), (0, None), (None, None), ("1717805215", None),
     (True, None)],
)
def test_epoch_seconds(value: object, expected: str | None) -> None:
    assert epoch_s_to_iso(value) == expected
