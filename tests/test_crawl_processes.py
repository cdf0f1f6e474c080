"""A run split over several crawl processes (spiders/runner.py): same results, same limits.

`plan_shards` keeps the per-host limit across processes. Real CLI runs with
`crawl_processes: 2` show that one opening served to two processes at the same moment ends in
one cluster (each source's write holds SQLite's write lock from the start), that a crawl
process killed mid-run fails only its own sources, with one line each and exit 1, and (in
tests/test_crash.py) that killing the run kills its crawl processes too.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bench.boards import board_body
from config.models import Settings, SourceConfig
from demo.servers import BoardServer, Reply
from spiders.runner import HOST_LANES, Work, crawler_groups, plan_shards, process_count, source_host
from tests.conftest import ROOT, child_pids, run_cli, write_config


def _source(name: str, url: str) -> SourceConfig:
    return SourceConfig(name=name, type="greenhouse", url=url, options={"board": name})


@pytest.mark.parametrize("processes", [1, 2, 3, 4])
def test_shards_cover_every_source_once_and_keep_the_host_limit(processes: int) -> None:
    sources = (
        [_source(f"api{n}", f"https://boards-api.greenhouse.io/v1/boards/api{n}/jobs") for n in range(9)]
        + [_source(f"own{n}", f"https://careers{n}.example.com/jobs.json") for n in range(5)]
        + [_source("lever", "https://api.lever.co/v0/postings/x")]
    )
    shards = plan_shards(sources, processes)
    assert 1 <= len(shards) <= processes
    placed = [s.name for shard in shards for s in shard.sources]
    assert Counter(placed) == Counter(s.name for s in sources)  # each exactly once
    for shard in shards:  # config order kept inside a process
        order = [sources.index(s) for s in shard.sources]
        assert order == sorted(order)
    lanes: Counter[str] = Counter()
    for shard in shards:
        hosts = {source_host(s) for s in shard.sources}
        assert set(shard.lanes) == hosts
        assert all(n >= 1 for n in shard.lanes.values())
        lanes.update(shard.lanes)
    # one host's lanes over all processes: HOST_LANES (or fewer when it has fewer sources)
    assert lanes["boards-api.greenhouse.io"] == HOST_LANES
    assert all(n <= HOST_LANES for n in lanes.values())
    sizes = [len(shard.sources) for shard in shards]
    assert max(sizes) - min(sizes) <= 2  # balanced


def test_process_count_follows_the_setting_and_never_exceeds_the_sources() -> None:
    assert process_count(Settings(crawl_processes=3), 10) == 3
    assert process_count(Settings(crawl_processes=3), 2) == 2
    assert process_count(Settings(crawl_processes=1), 10) == 1
    assert 1 <= process_count(Settings(), 10) <= 4  # auto: one per core, at most 4


def test_groups_leave_each_lane_two_at_least() -> None:
    many = [_source(f"b{n}", f"https://boards-api.greenhouse.io/v1/boards/b{n}/jobs") for n in range(100)]
    few = many[:4]
    host = "boards-api.greenhouse.io"
    assert [len(g) for g in crawler_groups(many, {host: 2})] == [10] * 10  # GROUP_SIZE
    assert [len(g) for g in crawler_groups(few, {host: 2})] == [1, 1, 1, 1]
    assert [len(g) for g in crawler_groups(few)] == [2, 2]  # one lane


def _claim_all(work: Work, shard: int, host: str, out: Any) -> None:
    while (group := work.next_group(shard, host)) is not None:
        out.put([s.name for s in group])
        time.sleep(0.01)  # "crawling" it


def test_a_process_done_early_takes_over_groups_another_has_not_started() -> None:
    api = [_source(f"b{n}", f"https://boards-api.greenhouse.io/v1/boards/b{n}/jobs") for n in range(40)]
    host = "boards-api.greenhouse.io"
    work = Work(plan_shards(api, 2), shared=True)
    own = [g for g, owner in zip(work.groups, work.owner, strict=True) if owner == 0]
    others = [g for g, owner in zip(work.groups, work.owner, strict=True) if owner == 1]
    assert [work.next_group(0, host) for _ in own] == own  # its own groups first, in order
    # then the other process's (forked, claiming its own from the front), last first
    context = multiprocessing.get_context("fork")
    out = context.SimpleQueue()
    other = context.Process(target=_claim_all, args=(work, 1, host, out))
    other.start()
    taken = []
    while (group := work.next_group(0, host)) is not None:
        taken.append([s.name for s in group])
        time.sleep(0.01)
    other.join(10)
    theirs = []
    while not out.empty():
        theirs.append(out.get())
    assert taken and theirs  # both ran some of the second shard's groups
    assert taken[0] == [s.name for s in others[-1]]
    # the groups the other process starts at once (one per lane) stay with it
    lanes = plan_shards(api, 2)[1].lanes[host]
    assert all([s.name for s in group] in theirs for group in others[:lanes])
    names = [s.name for g in own for s in g] + [n for g in taken + theirs for n in g]
    assert sorted(names) == sorted(s.name for s in api)  # every source exactly once


PAIRS = 8
JOBS = 30


def test_one_opening_crawled_by_two_processes_at_once_is_one_cluster(tmp_path: Path) -> None:
    # board j is served twice, to "a<j>" and "b<j>": same jobs, same URLs, other source ids;
    # the two sources of a pair sit next to each other, so they run in different processes
    routes = {f"/v1/boards/{side}{j}/jobs": Reply(board_body(j, JOBS))
              for j in range(PAIRS) for side in "ab"}
    with BoardServer(routes) as server:
        sources = [
            {"name": f"{side}{j}", "type": "greenhouse", "board": f"{side}{j}", "company": f"Co {j}",
             "url": server.url(f"/v1/boards/{side}{j}/jobs")}
            for j in range(PAIRS) for side in "ab"
        ]
        config = write_config(tmp_path / "config", sources, settings={"crawl_processes": 2})
        db = tmp_path / "iw.db"
        result = run_cli("crawl", "--config", str(config), "--db", str(db))
    assert result.code == 0, result.text
    shards = plan_shards([SourceConfig(name=s["name"], type="greenhouse", url=s["url"],
                                       options={"board": s["board"]}) for s in sources], 2)
    assert len(shards) == 2 and {s.name for s in shards[0].sources} == {f"a{j}" for j in range(PAIRS)}
    con = sqlite3.connect(db)
    cluster = dict(con.execute("SELECT id, cluster_id FROM postings"))
    con.close()
    assert len(cluster) == 2 * PAIRS * JOBS
    for posting_id, cluster_id in cluster.items():
        if posting_id.startswith("a"):
            mirror = "b" + posting_id[1:]
            assert cluster[mirror] == cluster_id, (posting_id, mirror)


def test_a_crawl_process_killed_mid_run_fails_only_its_sources(tmp_path: Path) -> None:
    body = board_body(0, 5)
    routes = {f"/v1/boards/s{n}/jobs": Reply(body, delay=60.0 if n == 1 else 0.0) for n in range(4)}
    with BoardServer(routes) as server:
        sources = [{"name": f"s{n}", "type": "greenhouse", "board": f"s{n}",
                    "url": server.url(f"/v1/boards/s{n}/jobs")} for n in range(4)]
        config = write_config(tmp_path / "config", sources, settings={"crawl_processes": 2})
        db = tmp_path / "iw.db"
        proc = subprocess.Popen(
            [sys.executable, "-m", "cli", "crawl", "--config", str(config), "--db", str(db)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            # s0 and s2 are one process's, s1 (slow) and s3 the other's, each source in a
            # crawler of its own, started at once (so never taken over): wait for all but s1,
            # then kill the process still crawling it
            deadline = time.monotonic() + 40
            while True:
                assert proc.poll() is None and time.monotonic() < deadline, "run ended early"
                kids = child_pids(proc.pid)
                done = _runs(db)
                if {"s0", "s2", "s3"} <= set(done) and len(kids) == 1:
                    break
                time.sleep(0.05)
            (survivor,) = kids
            os.kill(survivor, signal.SIGKILL)
            out, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 1, out + err
    # only what the killed process had in hand is lost: s3, done and stored, is kept
    assert err.strip() == "s1: FAILED: crawl process exited with signal SIGKILL"
    assert "s0: 5 postings" in out and "s2: 5 postings" in out and "s3: 5 postings" in out
    runs = _runs(db)
    assert runs == {"s0": "ok", "s1": "failed", "s2": "ok", "s3": "ok"}
    con = sqlite3.connect(db)
    assert dict(con.execute("SELECT source, count(*) FROM postings GROUP BY source")) == {
        "s0": 5, "s2": 5, "s3": 5}
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def _runs(db: Path) -> dict[str, str]:
    if not db.exists():
        return {}
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return dict(con.execute("SELECT source, status FROM crawl_runs"))
        finally:
            con.close()
    except sqlite3.OperationalError:
        return {}
