"""Ashby spider: real Scrapy crawls against a local server serving recorded and made-up answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from demo.servers import BoardServer, Reply
from spiders.ashby import ashby_pay
from store.models import Pay
from store.places import country_code
from tests.crawlkit import run_spider

FIXTURES = Path(__file__).parent / "fixtures" / "ashby"
SOURCE = {"name": "madeup", "type": "ashby", "board": "madeup", "company": "MadeUp"}


def test_expected_output_covers_every_listed_recorded_job() -> None:
    """The crawl itself is compared with expected.json by tests/test_spider_contract.py."""
    recorded = json.loads((FIXTURES / "wealthsimple.json").read_text())["jobs"]
    expected = json.loads((FIXTURES / "expected.json").read_text())
    listed = sorted(f"wealthsimple:{job['id']}" for job in recorded if job["isListed"])
    assert [item["id"] for item in expected] == listed
    assert [item["pay"] for item in expected] == [
        {"min": 152000.0, "max": 190000.0, "currency": "CAD", "per": "year", "source": "structured"},
        None,  # no compensation tiers published
    ]


def test_made_up_board_intern_hidden_and_pay() -> None:
    body = (FIXTURES / "made_up_intern_board.json").read_bytes()
    with BoardServer({"/b": Reply(body)}) as server:
        result = run_spider(dict(SOURCE, url=server.url("/b")))
        assert len(server.requests) == 1  # the whole board in one answer: no paging
    assert result.failures == [] and result.complete
    by_title = {item["title"]: item for item in result.items}
    # the isListed: false job is dropped
    assert set(by_title) == {"Software Engineering Intern (Summer 2027)", "Data Analyst"}
    intern = by_title["Software Engineering Intern (Summer 2027)"]
    assert intern["is_internship"] is True
    assert intern["remote"] == "hybrid"
    assert intern["url"] == "https://jobs.ashbyhq.com/madeup/5f1c2a9e-0000-4b7a-9c11-000000000001"
    assert intern["raw_locations"] == ["Toronto", "Montreal"]
    assert intern["locations"] == [
        {"city": "Toronto", "region": "Ontario", "country": "CA"},
        {"city": "Montreal", "region": "Quebec", "country": "CA"},
    ]
    assert intern["pay"] == {"min": 28.0, "max": 38.0, "currency": "CAD", "per": "hour",
                             "source": "structured"}
    assert intern["description"] == "Join our platform team.\n\n- Python\n- Go"
    analyst = by_title["Data Analyst"]
    assert analyst["is_internship"] is False
    assert analyst["remote"] is None  # isRemote false alone does not say onsite or hybrid
    assert analyst["locations"] == [{"city": None, "region": None, "country": "GB"}]
    assert analyst["pay"]["per"] == "month" and analyst["pay"]["currency"] == "GBP"
    assert analyst["description"] == "Plain only."


@pytest.mark.parametrize(
    ("compensation", "expected"),
    [
        (None, None),
        ({"compensationTiers": [], "summaryComponents": []}, None),
        ({"compensationTiers": [{"components": [
            {"compensationType": "EquityCashValue", "interval": "1 YEAR", "currencyCode": "USD",
             "minValue": None, "maxValue": None}]}]}, None),
        ({"compensationTiers": [{"components": [
            {"compensationType": "Salary", "interval": "1 YEAR", "currencyCode": "USD",
             "minValue": 90000, "maxValue": 120000}]}, {"components": [
            {"compensationType": "Salary", "interval": "1 YEAR", "currencyCode": "EUR",
             "minValue": 10, "maxValue": 20}]}]},
         Pay(min=90000, max=120000, currency="USD", per="year", source="structured")),
        ({"summaryComponents": [{"compensationType": "Salary", "interval": "2 WEEKS",
                                 "currencyCode": "USD", "minValue": 5000, "maxValue": 5000}]},
         Pay(min=5000, max=5000, currency="USD", per=None, source="structured")),
    ],
    ids=["absent", "empty", "equity-only", "other-currency-tier-left-out", "unknown-interval"],
)
def test_ashby_pay(compensation: object, expected: Pay | None) -> None:
    assert ashby_pay(compensation) == expected


@pytest.mark.parametrize(
    ("name", "code"),
    [("Canada", "CA"), ("United States", "US"), ("South Korea", "KR"), ("UK", "GB"),
     ("fr", "FR"), ("Atlantis", None), ("", None)],
)
def test_country_names_as_apis_write_them(name: str, code: str | None) -> None:
    assert country_code(name) == code
