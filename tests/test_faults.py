"""Every kind of bad answer fails only its own source (issue 7, SPEC §6).

One real `python -m cli crawl` runs a config holding healthy sources, sources that recover
(429 / 503 with Retry-After, then 200) and one source per fault, all against a misbehaving
local server (tests/faultserver.py). Each fault must show as: status failed in `crawl_runs`
with its reason, exactly one FAILED line on stderr, exit code 1, nothing stored for it;
while the healthy and recovering sources store their postings. A second run of only the
healthy sources gives the baseline peak memory that the 100 MB body and the gzip bomb must
not raise much.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from spiders.middlewares import (
    BACKOFF_BASE,
    BACKOFF_MAX,
    MAX_RETRY_AFTER,
    backoff_seconds,
    retry_after_seconds,
)
from tests.faultserver import (
    FaultServer,
    drop,
    gzip_bomb,
    in_turn,
    redirect,
    reply,
    served_bytes,
    slow,
    stream,
    truncated,
)

ROOT = Path(__file__).resolve().parents[1]
BOARD = (ROOT / "tests" / "fixtures" / "greenhouse" / "duolingo.json").read_bytes()
BOARD_JOBS = len(json.loads(BOARD)["jobs"])
MB = 1024 * 1024
MAXSIZE = 8 * MB
HUGE = 100 * MB
TIMEOUT_S = 1.0

SETTINGS_YAML = f"""\
download_timeout: {TIMEOUT_S}
download_maxsize: {MAXSIZE}
retry_times: 1
autothrottle: false
obey_robots: false
concurrent_per_host: 4
"""

# source name -> (route, behaviour)
HEALTHY: dict[str, Any] = {
    "good-a": reply(BOARD),
    "good-b": reply(BOARD),
}
RECOVERING: dict[str, Any] = {
    "after-429": in_turn([reply(b"slow down", status=429, content_type="text/plain",
                                headers={"Retry-After": "1"}), reply(BOARD)]),
    "after-503": in_turn([reply(b"busy", status=503, content_type="text/html",
                                headers={"Retry-After": "1"}), reply(BOARD)]),
}
_LOL = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
ENTITY_BOMB = (  # "billion laughs": 10^9 copies of "lol" if expanded
    '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">' + _LOL + ']>'
    '<rss version="2.0"><channel><title>Jobs</title><item><title>&lol9;</title>'
    '<link>https://example.org/a</link></item></channel></rss>'
).encode()
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<rss version="2.0"><channel><title>Jobs</title><item><title>Intern &xxe;</title>'
    b'<link>https://example.org/b</link><description>&xxe;</description></item></channel></rss>'
)

# source name -> (behaviour, words the recorded error must contain; "a|b": either).
# The wording comes from spiders/base.py describe_error; the alternatives also accept the
# Scrapy 2.19 exception names it does not translate yet (ResponseDataLossError,
# DownloadCancelledError).
FAULTS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "slower-than-timeout": (slow(TIMEOUT_S * 3, reply(BOARD)), ("timed out",)),
    "dropped-connection": (drop(), ("connection|download failed",)),
    "truncated-body": (truncated(BOARD[:300], len(BOARD)), ("mid-response|data loss|dataloss",)),
    "redirect-loop": (redirect("/faults/redirect-loop-b"), ("redirect loop",)),
    "redirect-to-file": (redirect("file:///etc/passwd"), ("non-HTTP", "file:///etc/passwd")),
    "redirect-to-ftp": (redirect("ftp://127.0.0.1/jobs.json", status=301), ("non-HTTP", "ftp://")),
    "huge-body": (stream(HUGE), ("maxsize|max size|DownloadCancelled",)),
    "gzip-bomb": (gzip_bomb(200 * MB), ("DOWNLOAD_MAXSIZE", "decompress")),
    "invalid-utf8": (reply(b'{"jobs": [{"id": 1, "title": "Intern \xff\xfe"}]}'), ("invalid UTF-8",)),
    "html-not-json": (reply(b"<!doctype html><html><body>Jobs</body></html>",
                            content_type="text/html; charset=utf-8"),
                      ("expected JSON", "text/html")),
    "retry-after-an-hour": (reply(b"come back later", status=429, content_type="text/plain",
                                  headers={"Retry-After": "3600"}), ("HTTP 429",)),
    "feed-entity-bomb": (reply(ENTITY_BOMB, content_type="application/rss+xml"), ("XML entities",)),
    "feed-external-entity": (reply(EXTERNAL_ENTITY, content_type="application/rss+xml"),
                             ("XML entities",)),
}
FEEDS = {"feed-entity-bomb", "feed-external-entity"}  # type feed (spiders/feed.py); others greenhouse


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    maxrss_mb: float
    runs: dict[str, dict[str, Any]]
    stored: dict[str, int]
    server: FaultServer
    db: Path


def _route(name: str) -> str:
    return f"/faults/{name}"


def _crawl(workdir: Path, server: FaultServer, names: list[str]) -> Run:
    config = workdir / "config"
    config.mkdir()
    (config / "settings.yaml").write_text(SETTINGS_YAML)
    sources = [
        {"name": n, "type": "feed", "url": server.url(_route(n))} if n in FEEDS else
        {"name": n, "type": "greenhouse", "board": n, "url": server.url(_route(n))}
        for n in names
    ]
    (config / "sources.yaml").write_text(json.dumps({"sources": sources}))  # JSON is YAML
    db = workdir / "iw.db"
    out, err = workdir / "out.txt", workdir / "err.txt"
    with out.open("w") as fo, err.open("w") as fe:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cli", "crawl", "--config", str(config), "--db", str(db)],
            cwd=ROOT, stdout=fo, stderr=fe, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        # wait4: this child's own resource usage (its peak RSS), not every child's so far
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    runs = {r["source"]: dict(r) for r in con.execute("SELECT * FROM crawl_runs")}
    stored = dict(con.execute("SELECT source, count(*) FROM postings GROUP BY source").fetchall())
    con.close()
    return Run(proc.returncode, out.read_text(), err.read_text(), usage.ru_maxrss / 1024, runs,
               stored, server, db)


@pytest.fixture(scope="module")
def fault_run() -> Any:
    routes = {_route(n): b for n, b in {**HEALTHY, **RECOVERING}.items()}
    routes.update({_route(n): b for n, (b, _) in FAULTS.items()})
    routes["/faults/redirect-loop-b"] = redirect(_route("redirect-loop"))
    with FaultServer(routes) as server, tempfile.TemporaryDirectory() as tmp:
        yield _crawl(Path(tmp), server, [*HEALTHY, *RECOVERING, *FAULTS])


@pytest.fixture(scope="module")
def baseline_run() -> Any:
    with FaultServer({_route(n): b for n, b in HEALTHY.items()}) as server, \
            tempfile.TemporaryDirectory() as tmp:
        yield _crawl(Path(tmp), server, list(HEALTHY))


def test_a_fault_shows_in_the_exit_code(fault_run: Run, baseline_run: Run) -> None:
    assert baseline_run.code == 0, baseline_run.stderr
    assert fault_run.code == 1, fault_run.stderr


@pytest.mark.parametrize("name", [*HEALTHY, *RECOVERING])
def test_other_sources_complete(fault_run: Run, name: str) -> None:
    run = fault_run.runs[name]
    assert (run["status"], run["error"], run["count"]) == ("ok", None, BOARD_JOBS)
    assert fault_run.stored.get(name) == BOARD_JOBS
    assert f"{name}: {BOARD_JOBS} postings" in fault_run.stdout


@pytest.mark.parametrize("name", list(RECOVERING))
def test_retry_after_is_honoured(fault_run: Run, name: str) -> None:
    times = [r.at for r in fault_run.server.requests if r.path == _route(name)]
    assert len(times) == 2
    assert times[1] - times[0] >= 0.95  # Retry-After: 1


@pytest.mark.parametrize("name", list(FAULTS))
def test_fault_fails_only_its_source(fault_run: Run, name: str) -> None:
    run = fault_run.runs[name]
    assert run["status"] == "failed"
    error = (run["error"] or "").lower()
    for words in FAULTS[name][1]:
        assert any(w.lower() in error for w in words.split("|")), run["error"]
    assert name not in fault_run.stored
    lines = [ln for ln in fault_run.stderr.splitlines() if ln.startswith(f"{name}: ")]
    assert lines == [f"{name}: FAILED: {run['error']}"]
    assert name not in fault_run.stdout


def test_one_line_per_source_and_no_traceback(fault_run: Run) -> None:
    assert "Traceback" not in fault_run.stderr
    names = [*HEALTHY, *RECOVERING, *FAULTS]
    assert sorted(fault_run.runs) == sorted(names)
    said = [ln.split(":", 1)[0] for ln in (fault_run.stdout + fault_run.stderr).splitlines()]
    assert sorted(n for n in said if n in names) == sorted(names)


def test_huge_body_aborted_and_memory_bounded(fault_run: Run, baseline_run: Run) -> None:
    # the client hung up long before 100 MB were sent
    assert served_bytes[_route("huge-body")] < HUGE / 2
    # neither the 100 MB stream nor the 200 MB bomb was held in memory
    assert fault_run.maxrss_mb < baseline_run.maxrss_mb + 40, (fault_run.maxrss_mb, baseline_run.maxrss_mb)


def test_dropped_and_slow_sources_were_retried(fault_run: Run) -> None:
    # retry_times: 1 -> two tries each; a refused redirect is not retried
    assert fault_run.server.hits(_route("dropped-connection")) == 2
    assert fault_run.server.hits(_route("slower-than-timeout")) == 2
    assert fault_run.server.hits(_route("redirect-to-file")) == 1
    # a Retry-After beyond MAX_RETRY_AFTER is not waited for: the source fails at once
    assert fault_run.server.hits(_route("retry-after-an-hour")) == 1
    assert fault_run.runs["retry-after-an-hour"]["duration_s"] < MAX_RETRY_AFTER


NOW = datetime(2026, 11, 24, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(("header", "seconds"), [
    (b"7", 7.0),
    ("  120 ", 120.0),
    ("Tue, 24 Nov 2026 12:00:30 GMT", 30.0),
    ("Tue, 24 Nov 2026 11:00:00 GMT", 0.0),  # a date in the past: no wait
    ("soon", None),
    ("-5", None),
    ("", None),
    (None, None),
])
def test_retry_after_header(header: bytes | str | None, seconds: float | None) -> None:
    assert retry_after_seconds(header, now=NOW) == seconds


def test_backoff_doubles_up_to_its_cap() -> None:
    waits = [backoff_seconds(n) for n in range(8)]
    assert waits[:3] == [BACKOFF_BASE, 2 * BACKOFF_BASE, 4 * BACKOFF_BASE]
    assert max(waits) == BACKOFF_MAX
    assert waits == sorted(waits)


def test_xml_entities_refused_quickly_without_reading_files(fault_run: Run) -> None:
    for name in FEEDS:
        run = fault_run.runs[name]
        assert run["duration_s"] < 5, run  # refused before parsing: no expansion happened
        assert "root:" not in (run["error"] or "")
    con = sqlite3.connect(fault_run.db)
    assert con.execute("SELECT count(*) FROM postings WHERE description LIKE '%root:%'"
                       " OR title LIKE '%root:%'").fetchone()[0] == 0
    con.close()
