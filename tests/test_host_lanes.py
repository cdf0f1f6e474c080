"""Sources on one host share its politeness limit: at most HOST_LANES of them crawl at once."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from demo.servers import BoardServer, Reply, Request
from spiders.runner import HOST_LANES
from tests.conftest import run_cli, write_config

FIX = Path(__file__).parent / "fixtures"


def test_boards_on_one_api_host_never_exceed_the_lanes(tmp_path: Path) -> None:
    body = (FIX / "greenhouse" / "duolingo.json").read_bytes()
    lock = threading.Lock()
    state = {"now": 0, "peak": 0}

    def slow_board(request: Request) -> Reply:
        with lock:
            state["now"] += 1
            state["peak"] = max(state["peak"], state["now"])
        time.sleep(0.6)
        with lock:
            state["now"] -= 1
        return Reply(body)

    boards = BoardServer()
    for n in range(6):
        boards.routes[f"/v1/boards/b{n}/jobs"] = slow_board
    with boards:
        sources = [
            {
                "name": f"b{n}",
                "type": "greenhouse",
                "board": f"b{n}",
                "url": boards.url(f"/v1/boards/b{n}/jobs"),
            }
            for n in range(6)
        ]
        config = write_config(tmp_path / "config", sources)
        result = run_cli("crawl", "--config", str(config), "--db", str(tmp_path / "iw.db"))
    assert result.code == 0, result.text
    assert result.out.count("2 postings") == 6
    assert 1 < state["peak"] <= HOST_LANES
