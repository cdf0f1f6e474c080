"""Source health (SPEC §6): per-run records in `crawl_runs`, unhealthy sources in `internwatch
sources`, one operator alert when a source turns unhealthy (again only after it recovered).

Driven by the shared five-run scenario (tests/lifecycle_scenario.py): the BROKEN sources and
the `empty`, `shrunk`, `sr-403` and `sr-500` boards (TROUBLED) are bad in runs 2, 3 and 5 and
fine in runs 1 and 4.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from config.models import SourceConfig
from store.db import open_db
from store.health import assess_count, record_run
from tests.lifecycle_scenario import (
    ALL_SOURCES,
    DETAIL_SCRIPTS,
    RUNS,
    SCRIPTS,
    TIMEOUT_S,
    TROUBLED,
    Scenario,
    scenario,
)

BAD_RUNS = (2, 3, 5)
#: postings each board lists in each run, from SCRIPTS (None: the crawl fails)
LISTED = {"full": 4, "-D": 3, "edited": 4, "A": 1, "none": 0}


@pytest.fixture(scope="module")
def world() -> Scenario:
    return scenario()


def expected_count(source: str, run: int) -> int | None:
    if source in SCRIPTS:
        return LISTED.get(str(SCRIPTS[source][run - 1]))
    if source in DETAIL_SCRIPTS:  # a 404/410 detail drops that posting; 403/500 fail the crawl
        return {200: 2, 404: 1, 410: 1}.get(DETAIL_SCRIPTS[source][run - 1])
    return {1: 4, 2: 4, 3: 4, 4: 3, 5: 3}[run]  # etag / lastmod: 304 keeps what was listed


@pytest.mark.parametrize("run", range(1, RUNS + 1))
def test_each_run_records_every_source(world: Scenario, run: int) -> None:
    rows = {r["source"]: r for r in world.after(run).runs}
    assert sorted(rows) == sorted(ALL_SOURCES)
    assert len(world.after(run).runs) == len(ALL_SOURCES)
    for source, row in rows.items():
        count = expected_count(source, run)
        if count is None:
            assert row["status"] == "failed", source
            assert row["errors"] >= 1 and row["error"], source
            assert "\n" not in row["error"]
        else:
            assert (row["status"], row["count"], row["errors"], row["error"]) == ("ok", count, 0, None)
        assert row["duration_s"] >= 0
        assert row["started_at"] <= row["finished_at"]


@pytest.mark.parametrize(
    ("source", "words"),
    [("http-403", "HTTP 403"), ("http-429", "HTTP 429"), ("http-500", "HTTP 500"),
     ("http-503", "HTTP 503"), ("timeout", "timed out"), ("malformed", "expected JSON"),
     ("sr-403", "HTTP 403"), ("sr-500", "HTTP 500")],
)
def test_failure_reason_is_recorded_and_printed(world: Scenario, source: str, words: str) -> None:
    for run in BAD_RUNS:
        row = next(r for r in world.after(run).runs if r["source"] == source)
        assert words in row["error"]
        assert f"{source}: FAILED: " in world.after(run).stderr
    slow = next(r for r in world.after(2).runs if r["source"] == "timeout")
    assert slow["duration_s"] >= TIMEOUT_S  # the duration is measured, not a placeholder


@pytest.mark.parametrize("run", range(1, RUNS + 1))
def test_unhealthy_flags_follow_the_runs(world: Scenario, run: int) -> None:
    sources = world.after(run).sources
    flagged = {name for name, row in sources.items() if not row["healthy"]}
    assert flagged == (TROUBLED if run in BAD_RUNS else set())


@pytest.mark.parametrize(
    ("source", "reason"),
    [("empty", "returned nothing"), ("shrunk", "under half its median"),
     ("http-500", "HTTP 500"), ("timeout", "timed out")],
)
def test_sources_command_shows_unhealthy(world: Scenario, source: str, reason: str) -> None:
    line = next(x for x in world.sources_output.splitlines() if x.startswith(source + " "))
    assert "UNHEALTHY" in line and reason in line
    healthy = next(x for x in world.sources_output.splitlines() if x.startswith("steady "))
    assert "healthy" in healthy and "UNHEALTHY" not in healthy


def test_exit_code_says_whether_a_source_failed(world: Scenario) -> None:
    assert [world.after(run).rc for run in range(1, RUNS + 1)] == [0, 1, 1, 0, 1]


def test_operator_alerted_once_per_turn_to_unhealthy(world: Scenario) -> None:
    """Run 2: one message naming every source that turned unhealthy; run 3 (still unhealthy):
    none; run 4 (recovered): none; run 5 (broken again): one message again."""
    counts = [len(world.after(run).operator) for run in range(1, RUNS + 1)]
    assert counts == [0, 1, 0, 0, 1]
    for run in (2, 5):
        body = json.dumps(world.after(run).operator[0])
        named = {name for name in ALL_SOURCES if f"source {name} is unhealthy" in body}
        assert named == TROUBLED
        assert world.after(run).sources["empty"]["unhealthy_alerted_at"] is not None
    assert world.after(4).sources["empty"]["unhealthy_alerted_at"] is None


# -- the verdict on a count, on a real SQLite file ---------------------------------------------


def _history(tmp_path: Path, counts: list[int], open_now: int) -> object:
    db = open_db(tmp_path / "iw.db")
    source = SourceConfig(name="acme", type="greenhouse", options={"board": "acme"})
    moment = datetime.fromisoformat("2026-03-01T06:00:00+00:00")
    for count in counts:
        record_run(db, run_id="r", source=source, started_at="2026-03-01T06:00:00+00:00",
                   duration_s=1.0, status="ok", count=count, now=moment)
    record_run(db, run_id="r", source=source, started_at="2026-03-01T06:00:00+00:00",
               duration_s=1.0, status="failed", count=0, error="HTTP 500", now=moment)
    for n in range(open_now):
        db["postings"].insert({"id": f"acme:{n}", "source": "acme", "kind": "posting",
                               "company": "Acme", "title": "Intern", "url": f"https://x/{n}"})
    return db


@pytest.mark.parametrize(
    ("history", "open_now", "count", "healthy"),
    [
        ([], 0, 0, True),  # a new, empty board: nothing to compare with
        ([], 0, 12, True),
        ([10, 10, 10], 10, 0, False),  # suddenly nothing
        ([0, 0], 0, 0, True),  # always empty
        ([10, 10, 10], 10, 5, True),  # half the median is not under half
        ([10, 10, 10], 10, 4, False),
        ([2, 10, 10], 10, 4, False),  # the median (10), not the mean (7.3)
        ([10, 10, 2], 10, 4, False),  # the median, not the last run (2)
        ([2, 2, 10], 10, 4, True),
        ([50] * 12 + [8] * 10, 10, 5, True),  # only the recent runs count
        ([20, 20, 10, 10, 10], 10, 4, False),
    ],
)
def test_assess_count(tmp_path: Path, history: list[int], open_now: int, count: int,
                      healthy: bool) -> None:
    db = _history(tmp_path, history, open_now)
    verdict = assess_count(db, "acme", count)  # type: ignore[arg-type]
    assert verdict.healthy is healthy
    assert (verdict.reason is None) is healthy
