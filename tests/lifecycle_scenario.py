"""One five-run scenario of real `internwatch run` processes, shared by the lifecycle and health
tests (each run costs seconds of Scrapy start-up, so the rules are driven side by side).

Every source is a Greenhouse-format board (built from the recorded Duolingo answer) served by
one local `BoardServer` whose answer for each source follows that source's SCRIPT: one step per
run. After each run the scenario keeps a snapshot of `postings`, `sources` and `crawl_runs`,
what the webhook sinks received, and the requests each board got.

Steps: "full" (jobs A-D), "-D" (D missing), "edited" (A-D with D's title changed),
"A" (only A: under half the usual count), "none" (an empty board), an int (that HTTP status),
"slow" (answers after the download timeout), "bad" (HTML instead of JSON); the `etag` and
`lastmod` boards answer 304 when the request's validator matches the board's version. The
`sr-*` sources are SmartRecruiters boards (the recorded Ubisoft list of two postings, each with
its own detail page): DETAIL_SCRIPTS gives the status of posting GONE_ID's detail page per run.
"""

from __future__ import annotations

import atexit
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import sqlite_utils

from demo.servers import BoardServer, Reply, Request, WebhookSink

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = json.loads((ROOT / "tests/fixtures/greenhouse/duolingo.json").read_text())["jobs"][0]
RUNS = 5
#: settings.yaml download_timeout; the "slow" step answers after SLOW_S. Not shorter: on a
#: 2-core machine at load 6 a run's reactor was seen held up for over a second
TIMEOUT_S = 3.0
SLOW_S = 4.5

ROLES = {
    "A": ("Software Engineering Intern", "build the lesson delivery service in Python"),
    "B": ("Data Science Intern", "model learner retention with experiments and SQL"),
    "C": ("Product Design Intern", "prototype onboarding flows in Figma with researchers"),
    "D": ("Marketing Intern", "plan social campaigns for our Japanese market launch"),
}
BROKEN = ("http-403", "http-429", "http-500", "http-503", "timeout", "malformed")
SCRIPTS: dict[str, list[str | int]] = {
    "steady": ["full"] * RUNS,
    "missing-twice": ["full", "-D", "-D", "full", "full"],
    "missing-once": ["full", "-D", "full", "full", "full"],
    "reopen-edited": ["full", "-D", "-D", "edited", "edited"],
    **{name: ["full", step, step, "full", step] for name, step in zip(
        BROKEN, (403, 429, 500, 503, "slow", "bad"), strict=True)},
    "empty": ["full", "none", "none", "full", "none"],
    "shrunk": ["full", "A", "A", "full", "A"],
}
#: boards with validators: the version each run serves (v2 drops D)
VERSIONED = {"etag": ["v1", "v1", "v1", "v2", "v2"], "lastmod": ["v1", "v1", "v1", "v2", "v2"]}
LAST_MODIFIED = {"v1": "Mon, 02 Mar 2026 08:00:00 GMT", "v2": "Thu, 05 Mar 2026 08:00:00 GMT"}
#: SmartRecruiters boards: the status of GONE_ID's own (detail) page in each run
DETAIL_SCRIPTS = {
    "sr-404": [200, 404, 200, 200, 200],
    "sr-410": [200, 410, 200, 200, 200],
    "sr-403": [200, 403, 403, 200, 403],
    "sr-500": [200, 500, 500, 200, 500],
}
SR_FIXTURES = ROOT / "tests/fixtures/smartrecruiters"
SR_LIST = "/v1/companies/Ubisoft2/postings"
GONE_ID, KEPT_ID = "744000151872065", "744000151912444"
ALL_SOURCES = [*SCRIPTS, *VERSIONED, *DETAIL_SCRIPTS]
#: bad in runs 2, 3 and 5 (failed, empty or far smaller), fine in runs 1 and 4
TROUBLED = {*BROKEN, "empty", "shrunk", "sr-403", "sr-500"}


def company_of(source: str) -> str:
    """Each board is its own company, so no two boards' postings are one opening."""
    return "Acme " + source.replace("-", " ").title()


def job(source: str, letter: str, *, edited: bool = False) -> dict[str, Any]:
    title, task = ROLES[letter]
    number = 9_000_000 + 1000 * ALL_SOURCES.index(source) + ord(letter)
    data = copy.deepcopy(TEMPLATE)
    data.update(
        id=number,
        internal_job_id=number,
        title=title + (" (Summer 2027)" if edited else ""),
        company_name=company_of(source),
        absolute_url=f"https://boards.greenhouse.io/{source}/jobs/{number}",
        content=(
            f"&lt;p&gt;{company_of(source)} is hiring a {title} for Summer 2027."
            f" You will {task}.&lt;/p&gt;"
        ),
    )
    return data


def board(source: str, letters: str, *, edited: bool = False) -> bytes:
    return json.dumps({"jobs": [job(source, x, edited=edited) for x in letters]}).encode()


def instant(run: int) -> str:
    """INTERNWATCH_NOW of run 1..RUNS: one day apart."""
    return f"2026-03-0{run}T06:00:00Z"


@dataclass
class Snapshot:
    rc: int
    stdout: str
    stderr: str
    postings: dict[str, dict[str, Any]]
    sources: dict[str, dict[str, Any]]
    runs: list[dict[str, Any]]  # crawl_runs rows of this run
    deliveries: list[dict[str, Any]]
    messages: int  # webhook messages received so far
    operator: list[dict[str, Any]]  # operator messages received in this run


@dataclass
class Scenario:
    folder: Path
    snapshots: list[Snapshot] = field(default_factory=list)
    requests: dict[str, list[list[Request]]] = field(default_factory=dict)  # source -> per run
    #: the first list page's requests of the `sr-*` boards, per run
    listing_requests: dict[str, list[list[Request]]] = field(default_factory=dict)
    messages: list[dict[str, Any]] = field(default_factory=list)
    sources_output: str = ""

    def after(self, run: int) -> Snapshot:
        return self.snapshots[run - 1]

    def posting(self, run: int, source: str, letter: str) -> dict[str, Any]:
        """The row of board `source`'s job `letter` (A-D) after `run`; for the `sr-*` boards,
        `letter` is the native posting id."""
        native = letter if source in DETAIL_SCRIPTS else job(source, letter)["id"]
        return self.after(run).postings[f"{source}:{native}"]


class _Boards:
    """The server's answers: one step per source and run, switched by `run`."""

    def __init__(self) -> None:
        self.run = 1
        self.server = BoardServer()
        self.log: dict[str, list[list[Request]]] = {s: [[] for _ in range(RUNS)] for s in ALL_SOURCES}
        self.list_log: dict[str, list[list[Request]]] = {
            s: [[] for _ in range(RUNS)] for s in DETAIL_SCRIPTS
        }
        for source in SCRIPTS:
            self.server.routes[f"/{source}"] = lambda r, s=source: self.scripted(s, r)
        for source in VERSIONED:
            self.server.routes[f"/{source}"] = lambda r, s=source: self.versioned(s, r)
        for source in DETAIL_SCRIPTS:
            self.smartrecruiters(source)

    def smartrecruiters(self, source: str) -> None:
        prefix = f"/{source}{SR_LIST}"
        listing = (SR_FIXTURES / "ubisoft2_list.json").read_bytes()
        listing = listing.replace(b"{{BASE}}/v1/", f"{self.server.base}/{source}/v1/".encode())
        routes = self.server.routes
        # the list sends an ETag, but a crawl of several requests must not store it (a 304 on
        # page 1 would not say that the other pages and the details are unchanged)
        first = Reply(listing, headers={"ETag": '"sr-list"'})
        routes[prefix + "?limit=100&offset=0"] = lambda r, s=source: self.listing(s, r, first)
        routes[prefix + "?limit=100&offset=2"] = Reply(
            (SR_FIXTURES / "made_up_list_offset2_empty.json").read_bytes()
        )
        for native in (GONE_ID, KEPT_ID):
            detail = (SR_FIXTURES / f"made_up_detail_{native}.json").read_bytes()
            routes[f"{prefix}/{native}"] = lambda r, s=source, n=native, d=detail: self.detail(
                s, n, d, r
            )

    def listing(self, source: str, request: Request, reply: Reply) -> Reply:
        self.list_log[source][self.run - 1].append(request)
        return reply

    def detail(self, source: str, native: str, body: bytes, request: Request) -> Reply:
        self.log[source][self.run - 1].append(request)
        status = DETAIL_SCRIPTS[source][self.run - 1] if native == GONE_ID else 200
        return Reply(body if status == 200 else b'{"message": "no"}', status=status)

    def scripted(self, source: str, request: Request) -> Reply:
        self.log[source][self.run - 1].append(request)
        step = SCRIPTS[source][self.run - 1]
        if isinstance(step, int):
            return Reply(b'{"error": "no"}', status=step)
        if step == "slow":
            return Reply(board(source, "ABCD"), delay=SLOW_S)
        if step == "bad":
            return Reply(b"<html><body>Maintenance</body></html>", content_type="text/html")
        letters = {"full": "ABCD", "-D": "ABC", "edited": "ABCD", "A": "A", "none": ""}[str(step)]
        return Reply(board(source, letters, edited=step == "edited"))

    def versioned(self, source: str, request: Request) -> Reply:
        self.log[source][self.run - 1].append(request)
        version = VERSIONED[source][self.run - 1]
        headers = {k.lower(): v for k, v in request.headers.items()}
        if source == "etag":
            validator = {"ETag": f'"{version}"'}
            unchanged = headers.get("if-none-match") == f'"{version}"'
        else:
            validator = {"Last-Modified": LAST_MODIFIED[version]}
            unchanged = headers.get("if-modified-since") == LAST_MODIFIED[version]
        if unchanged:
            return Reply(b"", status=304, headers=validator)
        return Reply(board(source, "ABCD" if version == "v1" else "ABC"), headers=validator)


def _write_config(folder: Path, boards: BoardServer, hook: WebhookSink, operator: WebhookSink) -> None:
    lines = ["sources:"]
    for source in [*SCRIPTS, *VERSIONED]:
        lines.append(
            f"  - {{name: {source}, type: greenhouse, board: {source},"
            f" company: {company_of(source)}, url: \"{boards.url('/' + source)}\"}}"
        )
    for source in DETAIL_SCRIPTS:
        start = boards.url(f"/{source}{SR_LIST}?limit=100&offset=0")
        lines.append(
            f"  - {{name: {source}, type: smartrecruiters, company_id: Ubisoft2,"
            f" company: {company_of(source)}, url: \"{start}\"}}"
        )
    (folder / "sources.yaml").write_text("\n".join(lines) + "\n")
    (folder / "settings.yaml").write_text(
        f"retry_times: 0\nautothrottle: false\ndownload_timeout: {TIMEOUT_S}\n"
        "allow_private_hosts: [\"127.0.0.1\"]\n"
        f"operator_notify: [\"json://127.0.0.1:{operator.port}/hook\"]\n"
    )
    (folder / "subscriptions.yaml").write_text(
        "subscriptions:\n"
        "  - name: everything\n"
        f"    notify: [\"json://127.0.0.1:{hook.port}/hook\"]\n"
        "    frequency: instant\n"
    )


def cli(folder: Path, *args: str, now: str) -> subprocess.CompletedProcess[str]:
    """`internwatch ARGS --config folder --db folder/iw.db` in a child process at `now`."""
    return subprocess.run(
        [sys.executable, "-m", "cli", *args, "--config", str(folder), "--db", str(folder / "iw.db")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT), "INTERNWATCH_NOW": now},
    )


def _snapshot(folder: Path, proc: subprocess.CompletedProcess[str], messages: int,
              operator: list[dict[str, Any]], run: int) -> Snapshot:
    db = sqlite_utils.Database(folder / "iw.db")
    try:
        stamp = instant(run)
        run_ids = [r[0] for r in db.execute(
            "SELECT DISTINCT run_id FROM crawl_runs WHERE finished_at >= ?", [stamp[:19]]
        ).fetchall()]
        return Snapshot(
            rc=proc.returncode,
            stdout=proc.stdout,
            stderr=proc.stderr,
            postings={r["id"]: r for r in db.query("SELECT * FROM postings")},
            sources={r["name"]: r for r in db.query("SELECT * FROM sources")},
            runs=[r for r in db.query("SELECT * FROM crawl_runs ORDER BY id") if r["run_id"] in run_ids],
            deliveries=list(db.query("SELECT * FROM deliveries ORDER BY id")),
            messages=messages,
            operator=operator,
        )
    finally:
        db.close()


@cache
def scenario() -> Scenario:
    """Run the five `internwatch run`s once per test session."""
    folder = Path(tempfile.mkdtemp(prefix="internwatch-lifecycle-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    boards = _Boards()
    with boards.server, WebhookSink() as hook, WebhookSink() as operator:
        _write_config(folder, boards.server, hook, operator)
        result = Scenario(folder)
        for run in range(1, RUNS + 1):
            boards.run = run
            before = len(operator.received)
            proc = cli(folder, "run", now=instant(run))
            result.snapshots.append(
                _snapshot(folder, proc, len(hook.received), operator.received[before:], run)
            )
        result.sources_output = cli(folder, "sources", now=instant(RUNS)).stdout
        result.requests = boards.log
        result.listing_requests = boards.list_log
        result.messages = list(hook.received)
    return result
