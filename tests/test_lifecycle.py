"""SPEC §6 lifecycle, driven through the real CLI (`internwatch run`, five runs a day apart)
against local boards whose answers change between runs (see tests/lifecycle_scenario.py).

Rules: missing on 2 consecutive successful crawls -> closed; missing once -> open; 403, 429,
5xx, timeouts and failed crawls close nothing; an empty or far smaller board is unhealthy and
closes nothing; a board answering 304 is unchanged and closes nothing; a closed posting that
reappears is reopened (closed_at cleared) and not alerted again.

The 404/410 rule runs through SmartRecruiters boards (a list, then one detail page per
posting): a detail page answering 404/410 closes its posting in that very run; 403/500 on it
closes nothing.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from config.clock import iso, parse_instant
from store.db import open_db
from store.models import Posting
from store.writer import close_gone, write_batch
from tests.lifecycle_scenario import (
    BROKEN,
    DETAIL_SCRIPTS,
    GONE_ID,
    KEPT_ID,
    RUNS,
    SCRIPTS,
    VERSIONED,
    Scenario,
    instant,
    job,
    scenario,
)


@pytest.fixture(scope="module")
def world() -> Scenario:
    return scenario()


def at(run: int) -> str:
    return iso(parse_instant(instant(run)))


#: after which run each posting is closed, per run 1..5 (None: open); every posting not
#: listed stays open after every run, whatever its board answered
CLOSED_AT_RUN: dict[tuple[str, str], list[int | None]] = {
    # missing in runs 2 and 3 (two successful crawls): closed by run 3, back in run 4
    ("missing-twice", "D"): [None, None, 3, None, None],
    ("reopen-edited", "D"): [None, None, 3, None, None],
}


@pytest.mark.parametrize("source", [*SCRIPTS, *VERSIONED])
def test_closed_only_after_two_successful_misses(world: Scenario, source: str) -> None:
    for run in range(1, RUNS + 1):
        for letter in "ABCD":
            expected = CLOSED_AT_RUN.get((source, letter), [None] * RUNS)[run - 1]
            row = world.posting(run, source, letter)
            assert row["closed_at"] == (at(expected) if expected else None), (source, letter, run)


def test_missing_once_counts_but_stays_open(world: Scenario) -> None:
    after_miss = world.posting(2, "missing-once", "D")
    assert after_miss["closed_at"] is None
    assert after_miss["missing_count"] == 1
    assert after_miss["last_seen"] == at(1)
    back = world.posting(3, "missing-once", "D")
    assert back["missing_count"] == 0
    assert back["last_seen"] == at(3)


@pytest.mark.parametrize("source", [*BROKEN, "empty", "shrunk"])
def test_failed_or_unhealthy_crawls_count_no_miss(world: Scenario, source: str) -> None:
    """Two bad runs in a row (2 and 3) leave every posting as run 1 left it: open, not missing."""
    for letter in "ABCD":
        row = world.posting(3, source, letter)
        assert (row["closed_at"], row["missing_count"], row["first_seen"]) == (None, 0, at(1))
    failed = [r for r in world.after(3).runs if r["source"] == source]
    assert len(failed) == 1 and failed[0]["closed"] == 0


@pytest.mark.parametrize("source", ["missing-twice", "reopen-edited"])
def test_reopened_posting_keeps_its_history(world: Scenario, source: str) -> None:
    closed = world.posting(3, source, "D")
    reopened = world.posting(4, source, "D")
    assert closed["closed_at"] == at(3)
    assert reopened["closed_at"] is None
    assert reopened["missing_count"] == 0
    assert reopened["first_seen"] == at(1)  # not new: no alert, same place in every listing
    assert reopened["last_seen"] == at(4)
    assert reopened["cluster_id"] == closed["cluster_id"]


def test_reopened_posting_with_new_content_is_updated(world: Scenario) -> None:
    assert world.posting(3, "reopen-edited", "D")["title"] == "Marketing Intern"
    assert world.posting(4, "reopen-edited", "D")["title"] == "Marketing Intern (Summer 2027)"


def test_reopened_posting_is_not_alerted_again(world: Scenario) -> None:
    first = world.after(1)
    assert first.messages == 1, "the new subscription's first message lists the open postings"
    # what the first message left out (digest limit, 3 per company) comes in the next ones,
    # without the student site (SPEC §5); nothing comes twice
    sent = [p["id"] for m in world.messages for p in json.loads(m["message"])["postings"]]
    assert len(sent) == len(set(sent)) == len(first.deliveries)
    for source in ("missing-twice", "reopen-edited"):
        assert sent.count(world.posting(1, source, "D")["id"]) == 1
    for run in range(2, RUNS + 1):
        later = world.after(run)
        assert [d["id"] for d in later.deliveries] == [d["id"] for d in first.deliveries], run
    assert {d["status"] for d in world.after(RUNS).deliveries} == {"sent"}


def test_unchanged_board_changes_nothing(world: Scenario) -> None:
    """`steady` answers the same board every run: only last_seen moves."""
    for letter in "ABCD":
        first = world.posting(1, "steady", letter)
        for run in range(2, RUNS + 1):
            row = world.posting(run, "steady", letter)
            assert row["last_seen"] == at(run)
            assert {k: v for k, v in row.items() if k != "last_seen"} == {
                k: v for k, v in first.items() if k != "last_seen"
            }


@pytest.mark.parametrize(
    ("source", "run", "closed"),
    [("missing-twice", 3, 1), ("reopen-edited", 3, 1), ("missing-once", 3, 0), ("steady", 3, 0)],
)
def test_run_reports_closed_count(world: Scenario, source: str, run: int, closed: int) -> None:
    row = next(r for r in world.after(run).runs if r["source"] == source)
    assert row["closed"] == closed
    assert f"{source}: " in world.after(run).stdout
    assert f"{closed} closed)" in next(
        line for line in world.after(run).stdout.splitlines() if line.startswith(f"{source}: ")
    )


# -- a posting's own page answers 404/410 ------------------------------------------------------

#: after which run GONE_ID is closed, per run (None: open)
GONE_CLOSED_AT_RUN: dict[str, list[int | None]] = {
    "sr-404": [None, 2, None, None, None],  # closed at once in run 2, listed again in run 3
    "sr-410": [None, 2, None, None, None],
    "sr-403": [None] * RUNS,
    "sr-500": [None] * RUNS,
}


@pytest.mark.parametrize("source", list(DETAIL_SCRIPTS))
def test_own_page_gone_closes_at_once(world: Scenario, source: str) -> None:
    for run in range(1, RUNS + 1):
        expected = GONE_CLOSED_AT_RUN[source][run - 1]
        gone = world.posting(run, source, GONE_ID)
        assert gone["closed_at"] == (at(expected) if expected else None), (source, run)
        assert world.posting(run, source, KEPT_ID)["closed_at"] is None
        assert gone["first_seen"] == at(1)
    # the detail pages really were asked for, in every run
    assert all(len(world.requests[source][run]) == 2 for run in range(RUNS))



def _posting(native: int) -> Posting:
    data = job("steady", "ABCD"[native % 4])
    return Posting(
        id=f"gone:{native}", source="gone", company="Acme", title=data["title"],
        url=f"https://example.org/jobs/{native}", description="An internship.",
    )


@pytest.mark.parametrize(
    ("status", "gone"), [(404, True), (410, True), (403, False), (429, False), (500, False)]
)
def test_detail_status_files_gone_or_failure(status: int, gone: bool) -> None:
    """A detail request (meta posting_id) answering 404/410 files the id as gone (closed at
    once by the pipeline); any other error status fails the source and closes nothing."""
    from scrapy.http import Request, Response
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.python.failure import Failure

    from config.models import SourceConfig
    from spiders.greenhouse import GreenhouseSpider

    spider = GreenhouseSpider(source=SourceConfig(name="acme", type="greenhouse",
                                                  options={"board": "acme"}))
    request = Request("http://127.0.0.1:9/jobs/7", meta={"posting_id": "acme:7"})
    failure = Failure(HttpError(Response(request.url, status=status, request=request)))
    failure.request = request  # type: ignore[attr-defined]  # as Scrapy's errback sets it
    spider.on_error(failure)
    assert spider.gone_ids == (["acme:7"] if gone else [])
    assert bool(spider.failures) is not gone


def test_close_gone_on_sqlite(tmp_path: Path) -> None:
    """close_gone is what the pipeline calls with the spider's `gone_ids`: one call closes them,
    no second miss needed; closed_at keeps its first date; a later listing reopens it."""
    db = open_db(tmp_path / "iw.db")
    day1, day2, day3 = (datetime.fromisoformat(f"2026-03-0{d}T06:00:00+00:00") for d in (1, 2, 3))
    postings = [_posting(n) for n in range(3)]
    write_batch(db, "gone", [(p, p.content_hash()) for p in postings], [], day1, complete=True)
    assert close_gone(db, ["gone:1"], day2) == 1
    rows = {r["id"]: r for r in db.query("SELECT id, closed_at FROM postings")}
    assert rows["gone:1"]["closed_at"] == iso(day2)
    assert rows["gone:0"]["closed_at"] is None and rows["gone:2"]["closed_at"] is None
    assert close_gone(db, ["gone:1"], day3) == 0
    assert db.execute("SELECT closed_at FROM postings WHERE id = 'gone:1'").fetchone()[0] == iso(day2)
    write_batch(db, "gone", [], ["gone:0", "gone:1", "gone:2"], day3, complete=True)
    assert db.execute("SELECT closed_at FROM postings WHERE id = 'gone:1'").fetchone()[0] is None
    db.close()
