"""Run one real crawl of one source against a local server, the way production runs it
(spiders.runner: the run's spider, settings, pipeline and store), and return what the
source's spider yielded before enrichment, its failures and skipped postings, and whether
it read the board in full.

Scrapy's reactor cannot restart within a process, so each crawl runs in a child process
(`python -m tests.crawlkit`), which is also how cron runs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class CrawlResult:
    items: list[dict[str, Any]]
    failures: list[str]
    complete: bool
    gone_ids: list[str] = field(default_factory=list)
    log: str = ""
    skipped: list[str] = field(default_factory=list)
    db: str = ""  # the crawl's database (gone once run_spider returns, unless `keep_db`)


def run_spider(
    source: dict[str, Any], settings: dict[str, Any] | None = None, timeout: float = 60,
    db: str | None = None,
) -> CrawlResult:
    """Crawl `source` (a sources.yaml entry as a dict) in a child process, into `db`
    (default: a temporary database)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        db_path = db or str(Path(tmp) / "crawl.db")
        args = json.dumps({"source": source, "settings": settings or {}, "out": str(out),
                           "db": db_path})
        proc = subprocess.run(
            [sys.executable, "-m", "tests.crawlkit", args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        if not out.exists():
            raise RuntimeError(
                f"crawl child failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}"
            )
        data = json.loads(out.read_text())
    return CrawlResult(data["items"], data["failures"], data["complete"], data["gone_ids"],
                       proc.stderr, data["skipped"], db_path)


class Tap:
    """An item pipeline before production's: keeps what the spider yielded (the Posting
    model's JSON, before enrichment changes it in place)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.items: list[dict[str, Any]] = []

    @classmethod
    def from_crawler(cls, crawler: Any) -> Tap:
        return cls(crawler)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        self.items.extend(one.export() for one in item.items if hasattr(one, "export"))
        return item

    def close_spider(self, spider: Any = None) -> None:
        [handler] = self.crawler.spider.handlers
        Path(self.crawler.settings["CRAWLKIT_OUT"]).write_text(json.dumps({
            "items": self.items,
            "failures": handler.failures,
            "skipped": handler.skipped,
            "complete": handler.complete,
            "gone_ids": handler.gone_ids,
        }))


def _child(raw: str) -> None:
    from config.loader import _parse_source
    from config.models import Settings
    from spiders.runner import handlers, run_crawl, type_specs
    from spiders.settings import scrapy_settings

    args = json.loads(raw)
    source = _parse_source(args["source"], "test source", type_specs())
    config = scrapy_settings(Settings(), db_path=args["db"], run_id="test", verbose=False)
    config.update(
        {
            "ITEM_PIPELINES": {"tests.crawlkit.Tap": 100, **config["ITEM_PIPELINES"]},
            "CRAWLKIT_OUT": args["out"],
            "AUTOTHROTTLE_ENABLED": False,
            "RETRY_TIMES": 1,
            "DOWNLOAD_TIMEOUT": 10,
        }
    )
    config.update(args["settings"])
    run_crawl(handlers([source], args["db"]), config)


if __name__ == "__main__":
    _child(sys.argv[1])


FIXTURES = ROOT / "tests" / "fixtures"


def fixture_server(type_name: str) -> tuple[Any, dict[str, Any]]:
    """A started BoardServer serving `tests/fixtures/<type>/routes.json`, and the source to crawl.

    In served files, `{{BASE}}` becomes the server's `http://127.0.0.1:PORT`. Stop the server
    with `.stop()` (or use it as a context manager).
    """
    from demo.servers import serve_routes

    return serve_routes(FIXTURES / type_name)


def normalised(items: list[dict[str, Any]], base: str) -> list[dict[str, Any]]:
    """Items sorted by id with the server's address put back as {{BASE}}, for comparing."""
    text = json.dumps(sorted(items, key=lambda i: i["id"]), ensure_ascii=False)
    return json.loads(text.replace(base, "{{BASE}}"))


def crawl_fixture(type_name: str) -> tuple[CrawlResult, Any, list[dict[str, Any]]]:
    """Crawl `tests/fixtures/<type>/` as recorded: (result, the stopped server with its request
    log, the items normalised for comparing with `expected.json`)."""
    server, source = fixture_server(type_name)
    try:
        result = run_spider(source)
    finally:
        server.stop()
    return result, server, normalised(result.items, server.base)


def expected(type_name: str, name: str = "expected.json") -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((FIXTURES / type_name / name).read_text(encoding="utf-8"))
    return data
