"""A board whose body is the one last read in full is not parsed again
(store.ingest.Stored.board_unchanged), and the store then does exactly what a parse would
have led to: each listed posting seen, the others counted missing and closed after two."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import Request, TextResponse

from config.models import SourceConfig
from demo.servers import BoardServer, Reply
from spiders.base import Answer
from spiders.greenhouse import GreenhouseSpider
from store.ingest import Stored
from store.models import Unchanged
from tests.crawlkit import FIXTURES, run_spider

RECORDED = json.loads((FIXTURES / "greenhouse" / "duolingo.json").read_text())["jobs"]
JOBS = [*RECORDED, {**RECORDED[0], "id": 1, "title": "Software Engineer Intern"}]


def _answer(spider: GreenhouseSpider, body: bytes, parse: Any) -> list[Any]:
    request = Request("http://127.0.0.1:1/board", meta={"first_request": True, "token": 1})
    response = TextResponse(request.url, body=body, encoding="utf-8", request=request)
    return list(spider._answer(response, parse=parse))


def test_same_body_is_not_parsed_and_lists_the_stored_ids() -> None:
    source = SourceConfig(name="gh", type="greenhouse", url="http://127.0.0.1:1/board",
                          options={"board": "gh"})
    body = json.dumps({"jobs": JOBS}).encode()
    first = GreenhouseSpider(source=source)
    [answer] = _answer(first, body, first.parse)
    assert first.validators is not None
    digest = first.validators["body_hash"]
    ids = [item.id for item in answer.items]
    assert len(ids) == 3

    def explode(response: Any) -> Any:
        raise AssertionError("parsed a body that was read in full before")

    stored = Stored(validators={"body_hash": digest, "body_ids": json.dumps(ids)})
    again = GreenhouseSpider(source=source, stored=stored)
    [answer] = _answer(again, body, explode)
    assert isinstance(answer, Answer) and not again.failures
    assert answer.items == [Unchanged(i) for i in ids]
    # another body, or the same body under another config, is parsed
    other = GreenhouseSpider(source=source, stored=stored)
    [answer] = _answer(other, json.dumps({"jobs": JOBS[:2]}).encode(), other.parse)
    assert len(answer.items) == 2 and not isinstance(answer.items[0], Unchanged)
    renamed = source.model_copy(update={"company": "Someone Else"})
    moved = GreenhouseSpider(source=renamed, stored=stored)
    [answer] = _answer(moved, body, moved.parse)
    assert answer.items and not isinstance(answer.items[0], Unchanged)


@pytest.fixture
def board(tmp_path: Path) -> Iterator[tuple[BoardServer, dict[str, Any], str]]:
    """A local board server, the source reading its `/board`, and the crawls' database."""
    server = BoardServer()
    server.start()
    try:
        yield (server, {"name": "gh", "type": "greenhouse", "board": "gh",
                        "url": server.url("/board")}, str(tmp_path / "crawl.db"))
    finally:
        server.stop()


def test_same_body_closes_what_is_missing_as_a_parse_would(
    board: tuple[BoardServer, dict[str, Any], str],
) -> None:
    server, source, db = board
    gone = f"gh:{JOBS[2]['id']}"
    # runs 1: all three; 2, 3, 4: the third is gone (runs 3 and 4: the same body again)
    for run, jobs in enumerate([JOBS, JOBS[:2], JOBS[:2], JOBS[:2]], start=1):
        server.routes["/board"] = Reply(json.dumps({"jobs": jobs}))
        result = run_spider(source, db=db)
        assert not result.failures, result.log[-2000:]
        con = sqlite3.connect(db)
        body_hash, body_ids = con.execute(
            "SELECT body_hash, body_ids FROM sources WHERE name = 'gh'").fetchone()
        count, new = con.execute(
            "SELECT count, new FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
        missing, closed_at = con.execute(
            "SELECT missing_count, closed_at FROM postings WHERE id = ?", [gone]).fetchone()
        con.close()
        assert body_hash and json.loads(body_ids) == [f"gh:{job['id']}" for job in jobs]
        assert (count, new) == (len(jobs), 3 if run == 1 else 0)
        # missing in runs 2 and 3 (the same body as run 2): closed at run 3, as parsed
        assert missing == {1: 0, 2: 1, 3: 2, 4: 2}[run], run
        assert (closed_at is not None) == (run >= 3), run


def test_a_board_with_malformed_postings_is_read_again(
    board: tuple[BoardServer, dict[str, Any], str],
) -> None:
    """Its skipped postings are reported on every run, so its body hash is not kept."""
    server, source, db = board
    server.routes["/board"] = Reply(json.dumps({"jobs": [*JOBS[:2], {"title": "no id"}]}))
    for _ in range(2):
        result = run_spider(source, db=db)
        assert len(result.skipped) == 1
    con = sqlite3.connect(db)
    assert con.execute("SELECT body_hash FROM sources WHERE name = 'gh'").fetchone() == (None,)
    con.close()
