"""TikTok careers search spider: POST paging with the portal headers, on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy.http import TextResponse

from config.models import SourceConfig
from demo.servers import BoardServer, Reply, Request
from spiders.tiktok import TikTokSpider, snowflake_time, tiktok_location, tiktok_pay
from store.models import Location, Pay
from tests.crawlkit import crawl_fixture, expected, run_spider

FIXTURES = Path(__file__).parent / "fixtures" / "tiktok"
API = "/api/v1/public/supplier/search/job/posts"
SOURCE = {"name": "tiktok", "type": "tiktok"}


def _body(request: Request) -> dict[str, object]:
    return json.loads(request.body)  # type: ignore[no-any-return]


def test_recorded_search_matches_expected() -> None:
    result, server, items = crawl_fixture("tiktok")
    assert result.failures == [] and result.complete
    assert items == expected("tiktok")
    first, second = server.requests  # count 4276 asks for page 2; the same page again stops it
    assert first.method == "POST"
    headers = {key.lower(): value for key, value in first.headers.items()}  # case-insensitive
    for key, value in {"website-path": "tiktok", "portal-channel": "tiktok", "portal-platform": "pc",
                       "env": "prod", "accept-language": "en-US",
                       "Referer": "https://lifeattiktok.com/"}.items():
        assert headers[key.lower()] == value
    assert _body(first)["recruitment_id_list"] == ["202"]
    assert (_body(first)["offset"], _body(first)["limit"]) == (0, 100)
    assert _body(second)["offset"] == 3  # advanced by the items received
    # 3 recorded items, 1 of them an intern (recruit_type 202)
    assert [i["id"] for i in result.items] == ["tiktok:7686350939411253509"]


def test_pages_are_read_to_the_count_whatever_their_order() -> None:
    page1 = json.loads((FIXTURES / "search_page1.json").read_text())
    page1["data"]["count"] = 6
    pages = [Reply(json.dumps(page1)), Reply((FIXTURES / "made_up_search_page2.json").read_bytes())]
    with BoardServer({API: pages}) as server:
        result = run_spider(dict(SOURCE, url=server.url(API), company="TikTok Shop"))
        offsets = [_body(r)["offset"] for r in server.requests]
    assert result.failures == [] and result.complete
    assert offsets == [0, 3]  # 3 + 3 = count 6: done
    by_id = {item["id"]: item for item in result.items}
    # page 2 is older than page 1 (not newest first): still read in full, regular job left out
    assert sorted(by_id) == ["tiktok:7590000000000000001", "tiktok:7591000000000000002",
                             "tiktok:7686350939411253509"]
    singapore = by_id["tiktok:7590000000000000001"]
    assert singapore["company"] == "TikTok Shop"
    assert singapore["posted_at"] == "2025-12-31T12:36:25+00:00"
    assert singapore["locations"] == [{"city": "Singapore", "region": None, "country": "SG"}]
    assert singapore["pay"] == {"min": 4000.0, "max": 5500.0, "currency": "SGD", "per": None,
                                "source": "structured"}
    assert singapore["url"] == "https://lifeattiktok.com/search/7590000000000000001"
    assert singapore["team"] == "Backend"
    assert singapore["description"] == (
        "TikTok Live connects creators and viewers in real time.\n\nMinimum Qualifications\n"
        "- Currently pursuing a BS or MS in Computer Science."
    )
    assert by_id["tiktok:7591000000000000002"]["locations"] == [
        {"city": "London", "region": None, "country": "GB"}]


def _spider(max_pages: int = 50) -> TikTokSpider:
    return TikTokSpider(source=SourceConfig(name="tiktok", type="tiktok", max_pages=max_pages))


def _response(body: bytes, ctype: str = "application/json") -> TextResponse:
    return TextResponse(f"https://api.lifeattiktok.com{API}", body=body, encoding="utf-8",
                        headers={"Content-Type": ctype})


def test_page_bound_marks_the_listing_incomplete() -> None:
    spider = _spider(max_pages=1)
    out = list(spider.parse(_response((FIXTURES / "search_page1.json").read_bytes()), offset=0))
    assert [type(x).__name__ for x in out] == ["Posting"]  # no request for page 2
    assert spider.complete is False


def test_error_code_fails_the_crawl_in_one_line() -> None:
    reply = Reply(b'{"code": 10002, "message": "portal header missing", "data": null}')
    with BoardServer({API: reply}) as server:
        result = run_spider(dict(SOURCE, url=server.url(API)))
    assert result.items == []
    assert len(result.failures) == 1 and "\n" not in result.failures[0]
    assert "TikTok API error code 10002: portal header missing" in result.failures[0]


@pytest.mark.parametrize(
    ("native", "expected"),
    [("7686714309884578101", "2026-09-18T03:37:20+00:00"),
     ("12345", None),  # not a snowflake: 1970
     ("99999999999999999999", None),  # far future
     ("abc", None)],
)
def test_snowflake_time(native: str, expected: str | None) -> None:
    assert snowflake_time(native) == expected


def test_location_chain_and_raw_text() -> None:
    recorded = json.loads((FIXTURES / "search_page1.json").read_text())["data"]["job_post_list"]
    assert tiktok_location(recorded[0]["city_info"]) == (
        Location(city="San Jose", region="California", country="US"),
        "San Jose, California, United States of America",
    )
    assert tiktok_location(recorded[2]["city_info"])[0] == Location(
        city="Istanbul", region="İstanbul", country="TR")
    assert tiktok_location(None) == (None, None)


@pytest.mark.parametrize(
    ("info", "expected"),
    [({"min_salary": None, "max_salary": None, "currency": None}, None),
     ({"min_salary": 83600, "max_salary": "192,500", "currency": "usd"},
      Pay(min=83600, max=192500, currency="USD", per=None, source="structured")),
     ({"min_salary": "0", "max_salary": "", "currency": "USD"}, None),
     (None, None)],
)
def test_pay(info: object, expected: Pay | None) -> None:
    assert tiktok_pay(info) == expected
