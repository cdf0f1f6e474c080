"""`internwatch demo` runs offline end to end and ends by itself."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_demo_delivers_and_ends_within_a_minute(tmp_path: Path) -> None:
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "demo"], cwd=tmp_path, capture_output=True, text=True,
        timeout=90, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert elapsed < 60
    out = tmp_path / "demo-output"
    assert "demo: database at" in proc.stdout
    assert (out / "email-1.eml").exists() and (out / "webhook-1.json").exists()
    assert "demo-password" not in proc.stdout + proc.stderr
    html = (out / "email-1.html").read_text()
    assert "Data Science Intern (Summer 2027)" in html and "<img" not in html
    hook = json.loads((out / "webhook-1.json").read_text())
    titles = [p["title"] for p in json.loads(hook["message"])["postings"]]
    assert "Data Science Intern (Summer 2027)" in titles
    # the closing hint is runnable exactly as printed, from the same shell (internwatch is
    # not on this PATH: the hint must say where it is)
    [hint] = [ln for ln in proc.stdout.splitlines() if ln.startswith("demo: browse it with `")]
    command = hint.split("`")[1]
    browse = subprocess.run(
        command, shell=True, cwd=tmp_path, capture_output=True, text=True, timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert browse.returncode == 0 and "Data Science Intern" in browse.stdout, (command, browse.stderr)
    with sqlite3.connect(out / "demo.db") as conn:
        assert conn.execute("SELECT count(*) FROM postings").fetchone()[0] >= 8
        assert conn.execute("SELECT count(DISTINCT status) FROM deliveries").fetchone()[0] == 1
