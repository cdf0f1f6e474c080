"""One host never has more than `concurrent_per_host` requests open from a run (SPEC §6).

Measured at local servers that count the requests they are answering at once (each takes
0.6 s): many boards on one host, one SmartRecruiters company whose list asks for 8 detail
pages at once, and two servers on one host name but different ports (two hosts: each gets
its own limit). Under the asyncio reactor Scrapy 2.19 lets every queued request of a host
leave together (spiders/settings.py: REACTOR); these tests fail if that comes back.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from demo.servers import BoardServer, Reply, Request
from tests.conftest import run_cli, write_config

FIX = Path(__file__).parent / "fixtures"


class Counter:
    """Requests being answered at once, and the most seen."""

    def __init__(self, total: Counter | None = None) -> None:
        self.lock = threading.Lock()
        self.now = 0
        self.peak = 0
        self.total = total  # also counts into this one (several servers together)

    def slow(self, body: bytes, seconds: float = 0.6) -> Any:
        def answer(request: Request) -> Reply:
            self.enter(1)
            time.sleep(seconds)
            self.enter(-1)
            return Reply(body)

        return answer

    def enter(self, step: int) -> None:
        with self.lock:
            self.now += step
            self.peak = max(self.peak, self.now)
        if self.total is not None:
            self.total.enter(step)


@pytest.mark.parametrize("per_host", [2, 3])
def test_boards_on_one_host_never_exceed_concurrent_per_host(tmp_path: Path, per_host: int) -> None:
    body = (FIX / "greenhouse" / "duolingo.json").read_bytes()
    counter = Counter()
    boards = BoardServer()
    for n in range(8):
        boards.routes[f"/v1/boards/b{n}/jobs"] = counter.slow(body)
    with boards:
        sources = [{"name": f"b{n}", "type": "greenhouse", "board": f"b{n}",
                    "url": boards.url(f"/v1/boards/b{n}/jobs")} for n in range(8)]
        config = write_config(tmp_path / "config", sources,
                              settings={"concurrent_per_host": per_host})
        result = run_cli("crawl", "--config", str(config), "--db", str(tmp_path / "iw.db"))
    assert result.code == 0, result.text
    assert result.out.count("2 postings") == 8
    assert 1 < counter.peak <= per_host


def test_one_source_with_many_detail_pages_keeps_the_limit(tmp_path: Path) -> None:
    listing = json.loads((FIX / "smartrecruiters" / "ubisoft2_list.json").read_text())
    detail = json.loads((FIX / "smartrecruiters" / "made_up_detail_744000151912444.json").read_text())
    template = listing["content"][0]
    jobs = []
    for n in range(8):
        job = copy.deepcopy(template)
        job["id"] = str(900000000000000 + n)
        job["name"] = f"{template['name']} {n}"
        jobs.append(job)
    counter = Counter()
    server = BoardServer()
    base = "/v1/companies/Acme/postings"
    with server:
        for job in jobs:
            job["ref"] = server.url(f"{base}/{job['id']}")
            page = {**detail, "id": job["id"], "name": job["name"]}
            server.routes[f"{base}/{job['id']}"] = counter.slow(json.dumps(page).encode())
        listing.update(content=jobs, totalFound=len(jobs), offset=0, limit=100)
        server.routes[f"{base}?limit=100&offset=0"] = Reply(json.dumps(listing))
        source = {"name": "acme", "type": "smartrecruiters", "company_id": "Acme",
                  "url": server.url(f"{base}?limit=100&offset=0")}
        config = write_config(tmp_path / "config", [source], settings={"concurrent_per_host": 3})
        result = run_cli("crawl", "--config", str(config), "--db", str(tmp_path / "iw.db"))
    assert result.code == 0, result.text
    assert "acme: 8 postings" in result.out
    assert 1 < counter.peak <= 3


def test_two_ports_of_one_host_name_are_two_hosts(tmp_path: Path) -> None:
    body = (FIX / "greenhouse" / "duolingo.json").read_bytes()
    both = Counter()
    counters = [Counter(both), Counter(both)]
    servers = [BoardServer(), BoardServer()]
    sources = []
    for k, (server, counter) in enumerate(zip(servers, counters, strict=True)):
        for n in range(4):
            server.routes[f"/v1/boards/b{n}/jobs"] = counter.slow(body)
            sources.append({"name": f"s{k}b{n}", "type": "greenhouse", "board": f"b{n}",
                            "url": server.url(f"/v1/boards/b{n}/jobs")})
    with servers[0], servers[1]:
        config = write_config(tmp_path / "config", sources, settings={"concurrent_per_host": 2})
        result = run_cli("crawl", "--config", str(config), "--db", str(tmp_path / "iw.db"))
    assert result.code == 0, result.text
    assert [c.peak for c in counters] == [2, 2]  # each port its own limit, reached
    assert both.peak > 2  # and the two at once
