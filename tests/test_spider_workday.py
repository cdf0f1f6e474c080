"""Workday spider: CXS list pages (POST) and job details (GET), real Scrapy crawls on 127.0.0.1."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from scrapy.http import Request as ScrapyRequest
from scrapy.http import TextResponse

from config.models import SourceConfig
from demo.servers import BoardServer, Reply, Request
from spiders.workday import WorkdaySpider, workday_native_id
from tests.crawlkit import crawl_fixture, expected, run_spider

FIXTURES = Path(__file__).parent / "fixtures" / "workday"
CXS = "/wday/cxs/begacheese/Bega_Careers"
SOURCE = {"name": "bega", "type": "workday", "tenant": "begacheese"}


def _body(request: Request) -> dict[str, object]:
    return json.loads(request.body)  # type: ignore[no-any-return]


def test_recorded_site_matches_expected() -> None:
    result, server, items = crawl_fixture("workday")
    assert result.failures == [] and result.complete
    assert items == expected("workday")
    lists = [r for r in server.requests if r.path == f"{CXS}/jobs"]
    assert [r.method for r in lists] == ["POST", "POST"]
    assert _body(lists[0]) == {"appliedFacets": {}, "limit": 20, "offset": 0, "searchText": ""}
    assert lists[0].headers["Content-Type"] == "application/json"
    # total 29 asks for a second page; the fixture server answers page 1 again: stop there
    assert _body(lists[1])["offset"] == 20
    details = [r.path for r in server.requests if r.method == "GET"]
    assert f"{CXS}/job/Hobart-TAS/Quality-Specialist---Environmental---Sanitation_JR-7309" in details
    real = next(i for i in result.items if i["id"] == "bega:JR-7309")
    assert real["posted_at"] == "2026-06-15T00:00:00+00:00"  # startDate, not "Posted 6 Days Ago"
    assert real["deadline"] == "2026-07-13"  # endDate
    assert real["company"] == "Bega Dairy and Drinks Services Pty Ltd"


def _detail_for(request: Request) -> Reply:
    """A made-up detail for the made-up page-2 jobs (path .../job/Bega/Made-up-Job-N_JR-90NN)."""
    tail = request.path.rsplit("/", 1)[1]
    info = {"title": tail.split("_")[0].replace("-", " "), "jobDescription": "<p>Made up.</p>",
            "location": "Bega", "startDate": "2026-06-20", "timeType": "Full time",
            "remoteType": "Hybrid",
            "externalUrl": f"https://begacheese.wd3.myworkdayjobs.com/Bega_Careers/job/Bega/{tail}"}
    return Reply(json.dumps({"jobPostingInfo": info, "hiringOrganization": {"name": "Bega"}}))


def test_second_page_is_read_with_the_first_pages_total() -> None:
    pages = [Reply((FIXTURES / name).read_bytes())
             for name in ("bega_jobs_page1.json", "made_up_jobs_page2.json")]
    routes = json.loads((FIXTURES / "routes.json").read_text())["routes"]
    with BoardServer({f"{CXS}/jobs": pages}) as server:
        for path, route in routes.items():
            if path != f"{CXS}/jobs":
                server.routes[path] = Reply((FIXTURES / route["file"]).read_bytes())
        for n in range(9):
            server.routes[f"{CXS}/job/Bega/Made-up-Job-{n}_JR-90{n:02d}"] = _detail_for
        result = run_spider(dict(SOURCE, url=server.url("/en-US/Bega_Careers"),
                                 company="Bega Cheese"))
        offsets = [_body(r)["offset"] for r in server.requests if r.path == f"{CXS}/jobs"]
    assert result.failures == [] and result.complete
    # page 2 says total 0; the first page's 29 is what counts, and 20 + 9 = 29 ends the paging
    assert offsets == [0, 20]
    assert len(result.items) == 29
    assert {i["company"] for i in result.items} == {"Bega Cheese"}  # config company wins
    made_up = next(i for i in result.items if i["id"] == "bega:JR-9003")
    assert made_up["remote"] == "hybrid" and made_up["locations"] == []


def _spider(**options: object) -> WorkdaySpider:
    url = str(options.pop("url", "https://begacheese.wd3.myworkdayjobs.com/Bega_Careers"))
    max_pages = int(options.pop("max_pages", 50))  # type: ignore[call-overload]
    return WorkdaySpider(source=SourceConfig(name="bega", type="workday", url=url,
                                             max_pages=max_pages, options=options))


@pytest.mark.parametrize(
    ("url", "options", "expected"),
    [
        ("https://begacheese.wd3.myworkdayjobs.com/Bega_Careers", {},
         "https://begacheese.wd3.myworkdayjobs.com/wday/cxs/begacheese/Bega_Careers"),
        ("https://cadence.wd1.myworkdayjobs.com/en-US/External_Careers/", {},
         "https://cadence.wd1.myworkdayjobs.com/wday/cxs/cadence/External_Careers"),
        ("https://nvidia.wd5.myworkdayjobs.com/fr-FR/NVIDIAExternalCareerSite/job/x_JR1", {},
         "https://nvidia.wd5.myworkdayjobs.com/wday/cxs/nvidia/NVIDIAExternalCareerSite"),
        ("https://acme.wd3.myworkdayjobs.com/wday/cxs/acme/Careers/jobs", {},
         "https://acme.wd3.myworkdayjobs.com/wday/cxs/acme/Careers"),
        ("http://127.0.0.1:8080/Bega_Careers", {"tenant": "begacheese"},
         "http://127.0.0.1:8080/wday/cxs/begacheese/Bega_Careers"),
        ("https://careers.example.com/", {"tenant": "ex", "site": "Jobs"},
         "https://careers.example.com/wday/cxs/ex/Jobs"),
    ],
    ids=["plain", "locale", "job-link", "cxs-url", "test-server", "keys"],
)
def test_cxs_address_from_the_career_site(url: str, options: dict[str, str], expected: str) -> None:
    assert _spider(url=url, **options).cxs_base() == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [("http://127.0.0.1:8080/Bega_Careers", "set the key 'tenant'"),
     ("https://acme.wd3.myworkdayjobs.com/en-US/", "set the key 'site'")],
)
def test_underivable_address_is_a_clear_config_problem(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        list(_spider(url=url).initial_requests())


def _list_response(body: bytes, ctype: str = "application/json") -> TextResponse:
    url = f"https://begacheese.wd3.myworkdayjobs.com{CXS}/jobs"
    return TextResponse(url, body=body, encoding="utf-8", headers={"Content-Type": ctype},
                        request=ScrapyRequest(url, method="POST"))


def test_page_bound_marks_the_listing_incomplete() -> None:
    spider = _spider(max_pages=1)
    out = list(spider.parse(_list_response((FIXTURES / "bega_jobs_page1.json").read_bytes())))
    assert len(out) == 20 and all(r.method == "GET" for r in out)  # details, no page 2
    assert spider.complete is False
    assert out[0].meta["posting_id"] == "bega:JR-7309"


def test_malformed_detail_fails_the_crawl_in_one_line() -> None:
    page = {"total": 1, "jobPostings": [{"title": "x", "externalPath": "/job/x_JR-1"}]}
    with BoardServer({f"{CXS}/jobs": Reply(json.dumps(page)),
                      f"{CXS}/job/x_JR-1": Reply(b'{"similarJobs": []}')}) as server:
        result = run_spider(dict(SOURCE, url=server.url("/Bega_Careers")))
    assert result.items == []
    assert len(result.failures) == 1 and "\n" not in result.failures[0]
    assert "no 'jobPostingInfo' in the Workday job" in result.failures[0]


@pytest.mark.parametrize(
    ("path", "native"),
    [("/job/Hobart-TAS/Quality-Specialist---Environmental---Sanitation_JR-7309", "JR-7309"),
     ("/job/SAN-JOSE/Software-Engineer-Intern---Undergrad_R40695-1", "R40695-1"),
     ("/job/Remote/Intern", "job/Remote/Intern")],
)
def test_native_id_is_the_requisition(path: str, native: str) -> None:
    assert workday_native_id(path) == native
