"""Two runs never overlap: the second exits 75 with a clear message while the first holds the lock."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from demo.servers import BoardServer, Reply
from tests.conftest import ROOT, run_cli, write_config

FIX = Path(__file__).parent / "fixtures"


def test_second_run_exits_while_first_holds_the_lock(tmp_path: Path) -> None:
    body = (FIX / "greenhouse" / "duolingo.json").read_bytes()
    with BoardServer({"/slow": Reply(body, delay=6)}) as boards:
        config = write_config(
            tmp_path / "config",
            [{"name": "slow", "type": "greenhouse", "board": "x", "url": boards.url("/slow")}],
        )
        db = tmp_path / "iw.db"
        first = subprocess.Popen(
            [sys.executable, "-m", "cli", "crawl", "--config", str(config), "--db", str(db)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 20
        while not boards.requests and time.monotonic() < deadline:  # the first run is mid-crawl
            time.sleep(0.1)
        assert boards.requests, "first run never reached the board"
        second = run_cli("run", "--config", str(config), "--db", str(db))
        out, err = first.communicate(timeout=60)
        assert first.returncode == 0, err
        assert "slow: 2 postings" in out
    assert second.code == 75  # SPEC §1: not a failure, cron may simply try again
    assert "another internwatch run holds the lock" in second.err and "nothing was done" in second.err
    assert "slow:" not in second.out  # it crawled nothing
