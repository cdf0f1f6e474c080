"""Malformed answers, for every source type at once (SPEC §6).

A malformed page fails its source in one line, and nothing of it is stored. One malformed
posting in an otherwise good board is skipped and reported in one line, and the rest of
the board is stored: the skip lives in the shared path (`BaseSpider.each` and the
pipeline), so each case below is a real recorded board with one job corrupted, crawled
the way production crawls it.
"""

from __future__ import annotations

import copy
import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import TextResponse

from config.models import SourceConfig
from demo.servers import BoardServer, Reply
from spiders.ashby import AshbySpider
from spiders.base import BaseSpider, MalformedResponse
from spiders.simplify import SimplifySpider
from spiders.smartrecruiters import SmartRecruitersSpider
from spiders.tiktok import TikTokSpider
from spiders.workday import WorkdaySpider
from tests.crawlkit import FIXTURES, run_spider

JSON = "application/json"


def _ashby() -> BaseSpider:
    return AshbySpider(source=SourceConfig(name="madeup", type="ashby", company="MadeUp",
                                           options={"board": "madeup"}))


def _simplify() -> BaseSpider:
    return SimplifySpider(source=SourceConfig(name="s", type="simplify", url="https://a.example/l"))


def _tiktok() -> BaseSpider:
    return TikTokSpider(source=SourceConfig(name="tiktok", type="tiktok"))


def _workday() -> BaseSpider:
    return WorkdaySpider(source=SourceConfig(
        name="bega", type="workday", company="Bega",
        url="https://bega.wd3.myworkdayjobs.com/Bega_Careers"))


PAGES: list[tuple[Callable[[], BaseSpider], dict[str, Any], bytes, str, str]] = [
    (_ashby, {}, b'{"success": true, "results": []}', JSON, "no 'jobs' list"),
    (_ashby, {}, b'{"jobs": {}}', JSON, "no 'jobs' list"),
    (_simplify, {}, b'{"listings": []}', JSON, "expected a JSON list of listings, got dict"),
    (_tiktok, {"offset": 0}, b"<!doctype html><p>blocked</p>", "text/html",
     "expected JSON, got text/html"),
    (_tiktok, {"offset": 0}, b"[]", JSON, "expected a JSON object"),
    (_tiktok, {"offset": 0}, b'{"code": 0, "data": {"count": 1}}', JSON, "no 'data.job_post_list'"),
    (_tiktok, {"offset": 0}, b'{"code": 0, "data": {"job_post_list": []}}', JSON, "no 'data.count'"),
    (_workday, {}, b"<html><body>Maintenance</body></html>", "text/html",
     "expected JSON, got text/html"),
    (_workday, {}, b'{"total": 3}', JSON, "no 'jobPostings' list"),
    (_workday, {}, b'{"jobPostings": []}', JSON, "no 'total' number on the first page"),
]


@pytest.mark.parametrize(("spider", "kwargs", "body", "ctype", "expected"), PAGES)
def test_a_malformed_page_raises_a_one_line_reason(
    spider: Callable[[], BaseSpider], kwargs: dict[str, Any], body: bytes, ctype: str,
    expected: str,
) -> None:
    response = TextResponse("https://example.org/x", body=body, encoding="utf-8",
                            headers={"Content-Type": ctype})
    with pytest.raises(MalformedResponse, match=re.escape(expected)) as raised:
        list(spider().parse(response, **kwargs))
    assert "\n" not in str(raised.value)


HTML = Reply(b"<html><body>Board not found</body></html>", content_type="text/html")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ({"type": "ashby", "board": "b", "company": "B"}, "expected JSON, got text/html"),
        ({"type": "simplify"}, "expected JSON, got text/html"),
        ({"type": "greenhouse", "board": "b"}, "expected JSON, got text/html"),
        ({"type": "lever", "site": "b", "company": "B"}, "expected JSON, got text/html"),
    ],
    ids=lambda v: v["type"] if isinstance(v, dict) else "",
)
def test_a_malformed_answer_fails_its_source_in_one_line(source: dict[str, Any], expected: str) -> None:
    with BoardServer({"/b": HTML}) as server:
        result = run_spider({"name": "b", **source, "url": server.url("/b")})
    assert result.items == []
    assert len(result.failures) == 1 and "\n" not in result.failures[0]
    assert expected in result.failures[0]


def _location_a_string(jobs: list[Any]) -> None:
    jobs[0]["location"] = "London"  # Greenhouse gives an object: {"name": ...}


def _no_id(jobs: list[Any]) -> None:
    del jobs[0]["id"]


def _not_an_object(jobs: list[Any]) -> None:
    jobs[0] = "a string"


def _no_company(jobs: list[Any]) -> None:
    for entry in jobs:  # the one listing that is active and visible
        if entry["active"] and entry.get("is_visible") is not False:
            del entry["company_name"]
            return


def _jobs(data: Any) -> list[Any]:
    return data["jobs"] if isinstance(data, dict) else data


@pytest.mark.parametrize(
    ("folder", "file", "spoil", "stored", "reason"),
    [
        ("greenhouse", "duolingo.json", _location_a_string, 1, "AttributeError"),
        ("greenhouse", "duolingo.json", _no_id, 1, "KeyError: 'id'"),
        ("lever", "palantir.json", _not_an_object, 1, "TypeError"),
        ("ashby", "wealthsimple.json", _no_id, 1, "KeyError: 'id'"),
        ("simplify", "listings.json", _no_company, 0, "no 'company_name'"),
    ],
    ids=["greenhouse-location-string", "greenhouse-no-id", "lever-not-object", "ashby-no-id",
         "simplify-no-company"],
)
def test_one_malformed_posting_is_skipped_and_the_rest_stored(
    tmp_path: Path, folder: str, file: str, spoil: Callable[[list[Any]], None], stored: int,
    reason: str,
) -> None:
    routes = json.loads((FIXTURES / folder / "routes.json").read_text())
    data = json.loads((FIXTURES / folder / file).read_text(encoding="utf-8"))
    spoiled = copy.deepcopy(data)
    spoil(_jobs(spoiled))
    db = tmp_path / "iw.db"
    with BoardServer({"/b": Reply(json.dumps(spoiled))}) as server:
        result = run_spider({**routes["source"], "url": server.url("/b")}, db=str(db))
    assert result.failures == []
    assert len(result.skipped) == 1 and "\n" not in result.skipped[0]
    assert reason in result.skipped[0]
    assert len(result.items) == stored
    con = sqlite3.connect(db)
    rows = con.execute("SELECT count(*) FROM postings").fetchone()[0]
    status, errors, error = con.execute("SELECT status, errors, error FROM crawl_runs").fetchone()
    con.close()
    assert rows == stored  # the rest of the board is stored
    assert (status, errors) == ("ok", 1)
    assert error.startswith("skipped 1 malformed posting: ") and reason in error


@pytest.mark.parametrize(
    ("spider", "body", "kwargs", "out"),
    [
        (lambda: _workday(), {"total": 2, "jobPostings": [
            {"title": "x"}, {"title": "y", "externalPath": "/job/y_JR-2"}]}, {}, ["Request"]),
        (lambda: SmartRecruitersSpider(source=SourceConfig(
            name="acme", type="smartrecruiters", company="Acme", options={"company_id": "Acme"})),
         {"totalFound": 2, "content": [{"id": "1"}, {"id": "2", "ref": "https://a.example/2"}]},
         # the entry's id is known: still on the board, a stored version stays open
         {"offset": 0}, ["Unchanged", "Request"]),
    ],
    ids=["workday-no-external-path", "smartrecruiters-no-ref"],
)
def test_a_list_entry_without_its_link_is_skipped_and_the_others_followed(
    spider: Callable[[], BaseSpider], body: dict[str, Any], kwargs: dict[str, Any],
    out: list[str],
) -> None:
    source = spider()
    response = TextResponse("https://example.org/list", body=json.dumps(body).encode(),
                            encoding="utf-8", headers={"Content-Type": JSON})
    assert [type(x).__name__ for x in source.parse(response, **kwargs)] == out
    assert len(source.skipped) == 1 and "record #0" in source.skipped[0]
    assert source.failures == []


def _site_routes(spoiled: dict[str, Reply]) -> dict[str, Reply]:
    """The recorded careers site (tests/fixtures/jsonld), with some pages replaced."""
    routes = json.loads((FIXTURES / "jsonld" / "routes.json").read_text())["routes"]
    served = {
        path: Reply((FIXTURES / "jsonld" / spec["file"]).read_bytes(),
                    content_type=spec["content_type"])
        for path, spec in routes.items()
    }
    return {"/robots.txt": Reply(b"", status=404, content_type="text/plain"), **served, **spoiled}


@pytest.mark.parametrize(
    ("spoiled", "reason"),
    [
        (Reply(b"<h1>Internal error</h1>", status=500, content_type="text/html"), "HTTP 500"),
        (Reply(b"\x89PNG\r\n\x1a\n\x00\x00", content_type="image/png"), "binary content"),
    ],
    ids=["job-page-500", "job-page-binary"],
)
def test_one_unreadable_job_page_is_skipped_and_the_rest_of_the_site_stored(
    tmp_path: Path, spoiled: Reply, reason: str
) -> None:
    job = "/careers/jobs/firmware-intern-remote"
    db = tmp_path / "iw.db"
    with BoardServer(_site_routes({})) as server:  # first crawl: every page answers
        whole = run_spider({"name": "nw", "type": "jsonld", "url": server.url("/careers/")},
                           settings={"allow_private_hosts": ["127.0.0.1"]}, db=str(db))
    assert whole.failures == [] and whole.skipped == []
    with BoardServer(_site_routes({job: spoiled})) as server:
        result = run_spider({"name": "nw", "type": "jsonld", "url": server.url("/careers/")},
                            settings={"allow_private_hosts": ["127.0.0.1"]}, db=str(db))
    assert result.failures == []
    assert len(result.skipped) == 1 and "\n" not in result.skipped[0]
    assert job in result.skipped[0] and reason in result.skipped[0]
    assert len(result.items) == len(whole.items) - 1  # every other job page is stored
    con = sqlite3.connect(db)
    open_rows = con.execute("SELECT count(*) FROM postings WHERE closed_at IS NULL").fetchone()[0]
    status, errors = con.execute(
        "SELECT status, errors FROM crawl_runs ORDER BY rowid DESC LIMIT 1").fetchone()
    con.close()
    assert open_rows == len(whole.items)  # the unreadable page's stored posting stays open
    assert (status, errors) == ("ok", 1)
