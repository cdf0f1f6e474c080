"""SmartRecruiters spider: list paging plus detail pages, real Scrapy crawls on 127.0.0.1."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from scrapy.http import TextResponse

from config.models import SourceConfig
from demo.servers import BoardServer, Reply, Request
from spiders.base import MalformedResponse
from spiders.smartrecruiters import SmartRecruitersSpider, job_ad_text, smartrecruiters_remote
from tests.crawlkit import crawl_fixture, expected, run_spider

FIXTURES = Path(__file__).parent / "fixtures" / "smartrecruiters"
SOURCE = {"name": "acme-sr", "type": "smartrecruiters", "company_id": "Acme"}
LIST = "/v1/companies/Acme/postings"


def test_recorded_list_with_details_matches_expected() -> None:
    result, server, items = crawl_fixture("smartrecruiters")
    assert result.failures == [] and result.complete
    assert items == expected("smartrecruiters")
    paths = sorted(r.path for r in server.requests)
    assert paths == [
        "/v1/companies/Ubisoft2/postings/744000151872065",  # each item's `ref`, followed as given
        "/v1/companies/Ubisoft2/postings/744000151912444",
        "/v1/companies/Ubisoft2/postings?limit=100&offset=0",
        "/v1/companies/Ubisoft2/postings?limit=100&offset=2",  # next page: offset += items read
    ]


def _item(base: str, n: int) -> dict[str, object]:
    return {
        "id": str(1000 + n), "name": f"Intern {n}", "company": {"identifier": "Acme", "name": "Acme"},
        "releasedDate": "2026-10-01T00:00:00.000Z",
        "typeOfEmployment": {"id": "intern", "label": "Intern"},
        "location": {"city": "Berlin", "country": "de", "remote": False, "hybrid": True},
        "ref": f"{base}{LIST}/{1000 + n}",
    }


def _board(total: int, page_size: int, ignore_offset: bool = False) -> BoardServer:
    """A made-up company of `total` postings served `page_size` at a time, with details."""
    server = BoardServer()

    def listing(request: Request) -> Reply:
        query = parse_qs(urlsplit(request.path).query)
        offset = 0 if ignore_offset else int(query["offset"][0])
        items = [_item(server.base, n) for n in range(offset, min(offset + page_size, total))]
        return Reply(json.dumps({"offset": offset, "limit": page_size, "totalFound": total,
                                 "content": items}))

    def detail(request: Request) -> Reply:
        n = int(request.path.rsplit("/", 1)[1])
        if n == 1003:
            return Reply(b'{"message": "not found"}', status=404)  # taken down meanwhile
        body = {"id": str(n), "postingUrl": f"https://jobs.smartrecruiters.com/Acme/{n}-intern",
                "jobAd": {"sections": {"jobDescription": {"title": "Job", "text": f"<p>Job {n}</p>"}}}}
        return Reply(json.dumps(body))

    server.routes[LIST] = listing
    for n in range(total):
        server.routes[f"{LIST}/{1000 + n}"] = detail
    return server


def test_paging_reads_every_page_and_each_detail() -> None:
    with _board(total=5, page_size=2) as server:
        result = run_spider(dict(SOURCE, url=server.url(f"{LIST}?limit=2&offset=0")))
        listed = [r.path for r in server.requests if urlsplit(r.path).path == LIST]
    assert result.failures == [] and result.complete
    assert listed == [f"{LIST}?limit=2&offset={n}" for n in (0, 2, 4)]  # stops at totalFound 5
    assert sorted(i["id"] for i in result.items) == [f"acme-sr:{1000 + n}" for n in (0, 1, 2, 4)]
    assert result.gone_ids == ["acme-sr:1003"]  # a 404 on a detail closes that posting only
    first = next(i for i in result.items if i["id"] == "acme-sr:1000")
    assert first["is_internship"] and first["remote"] == "hybrid"
    assert first["locations"] == [{"city": "Berlin", "region": None, "country": "DE"}]
    assert first["url"] == "https://jobs.smartrecruiters.com/Acme/1000-intern"
    assert first["description"] == "Job\n\nJob 1000"


def _spider(max_pages: int = 50) -> SmartRecruitersSpider:
    return SmartRecruitersSpider(source=SourceConfig(
        name="acme-sr", type="smartrecruiters", max_pages=max_pages, options={"company_id": "Acme"}))


def _page(offset: int, total: int, ids: list[int]) -> TextResponse:
    url = f"https://api.smartrecruiters.com{LIST}?limit=2&offset={offset}"
    body = {"offset": offset, "limit": 2, "totalFound": total,
            "content": [_item("https://api.smartrecruiters.com", n) for n in ids]}
    return TextResponse(url, body=json.dumps(body).encode(), encoding="utf-8",
                        headers={"Content-Type": "application/json"})


def test_page_bound_marks_the_listing_incomplete() -> None:
    spider = _spider(max_pages=1)
    out = list(spider.parse(_page(0, 5, [0, 1]), offset=0, previous=None))
    assert [r.url.rsplit("/", 1)[1] for r in out] == ["1000", "1001"]  # details only, no next page
    assert spider.complete is False


def test_repeated_page_stops_paging() -> None:
    spider = _spider()
    first = list(spider.parse(_page(0, 5, [0, 1]), offset=0, previous=None))
    next_page = first[-1]
    assert next_page.url.endswith("offset=2")
    # the API ignored offset and sent page 1 again
    again = list(spider.parse(_page(2, 5, [0, 1]), **next_page.cb_kwargs))
    assert again == [] and spider.complete is True


def test_unknown_company_is_a_source_failure_not_an_empty_board() -> None:
    empty = Reply(b'{"offset": 0, "limit": 100, "totalFound": 0, "content": []}')
    with BoardServer({LIST: empty}) as server:
        result = run_spider(dict(SOURCE, url=server.url(f"{LIST}?limit=100&offset=0")))
    assert result.items == []
    assert len(result.failures) == 1
    assert result.failures[0].startswith("no postings: is company_id right?")


@pytest.mark.parametrize(
    ("callback", "body", "ctype", "expected"),
    [
        ("parse", b"<html>Service unavailable</html>", "text/html", "expected JSON, got text/html"),
        ("parse", b'{"offset": 0, "content": []}', "application/json", "no 'totalFound' number"),
        ("parse", b'{"totalFound": 3, "content": {}}', "application/json", "no 'content' list"),
        ("parse_detail", b'{"id": "1", "name": "No job ad"}', "application/json",
         "no 'jobAd' in the posting detail"),
    ],
    ids=["html-list", "no-total", "content-not-list", "detail-without-jobad"],
)
def test_malformed_answers_raise_a_one_line_reason(callback: str, body: bytes, ctype: str,
                                                   expected: str) -> None:
    response = TextResponse("https://api.smartrecruiters.com/x", body=body, encoding="utf-8",
                            headers={"Content-Type": ctype})
    kwargs = {"summary": {"id": "1"}} if callback == "parse_detail" else {"offset": 0}
    with pytest.raises(MalformedResponse, match=re.escape(expected)):
        list(getattr(_spider(), callback)(response, **kwargs))


def test_malformed_detail_fails_the_crawl_in_one_line() -> None:
    with BoardServer() as server:
        item = dict(_item(server.base, 0), ref=server.url("/d"))
        server.routes[LIST] = Reply(json.dumps({"offset": 0, "totalFound": 1, "content": [item]}))
        server.routes["/d"] = Reply(b"<html>maintenance</html>", content_type="text/html")
        result = run_spider(dict(SOURCE, url=server.url(f"{LIST}?limit=100&offset=0")))
    assert result.items == []
    assert len(result.failures) == 1 and "\n" not in result.failures[0]
    assert "expected JSON, got text/html" in result.failures[0]


@pytest.mark.parametrize(
    ("flags", "expected"),
    [({"remote": True, "hybrid": False}, "remote"), ({"remote": False, "hybrid": True}, "hybrid"),
     ({"remote": False, "hybrid": False}, "onsite"), ({"remote": False}, None), ({}, None)],
)
def test_remote_flags(flags: dict[str, bool], expected: str | None) -> None:
    assert smartrecruiters_remote(flags) == expected


def test_job_ad_sections_in_page_order_and_empty_ones_skipped() -> None:
    job_ad = {"sections": {
        "additionalInformation": {"title": "More", "text": "<p>Paid.</p>"},
        "jobDescription": {"title": "", "text": "<p>Do things.</p>"},
        "qualifications": {"title": "Qualifications", "text": ""},
        "companyDescription": {"title": "About", "text": "We &amp; you"},
    }}
    assert job_ad_text(job_ad) == "About\n\nWe & you\n\nDo things.\n\nMore\n\nPaid."
