"""Run a crawl of several sources in one Scrapy process and report each source's outcome.

Each source has its own spider object, batch, savepoint and failure record, so one source
failing never stops another; up to `GROUP_SIZE` sources of one type on one host share one
Scrapy crawler (spiders/group.py), whose set-up cost more than reading an unchanged board.
Crawlers of one host (every Greenhouse board is on boards-api.greenhouse.io) run at most
`HOST_LANES` at a time, each with its share of `concurrent_per_host`, so the per-host limit
holds for the whole run and not only within one crawler.

Parsing, enrichment and de-duplication are CPU work, so a run with many sources is split
over several crawl processes (one per core by default, `crawl_processes` in settings.yaml),
forked from this one; `plan_shards` keeps the per-host limit across them, and a process
done early takes over crawler groups another has not started (`Work`).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
import sys
import tempfile
import uuid
from collections import Counter
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings as ScrapySettings
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.reactor import install_reactor

from config.clock import iso, now
from config.models import Settings, SourceConfig, TypeSpec
from config.secrets import install_log_redaction
from config.wording import plural
from spiders.base import BaseSpider
from spiders.group import GROUP_SIZE, SourceGroupSpider
from spiders.settings import scrapy_settings
from store.db import open_db, write_transaction
from store.health import record_run

HOST_LANES = 4
GC_THRESHOLD = 10_000  # allocations between young-generation collections while crawling
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SourceOutcome:
    name: str
    status: str  # ok | failed
    count: int
    new: int
    updated: int
    closed: int
    duration_s: float
    error: str | None
    healthy: bool
    health_reason: str | None

    def line(self) -> str:
        if self.status != "ok":
            return f"{self.name}: FAILED: {self.error}"
        text = (
            f"{self.name}: {plural(self.count, 'posting')} ({self.new} new, {self.updated} updated,"
            f" {self.closed} closed) in {self.duration_s:.1f}s"
        )
        if not self.healthy:
            text += f"; UNHEALTHY: {self.health_reason}"
        return text


@cache
def spider_types() -> dict[str, type[BaseSpider]]:
    """Every source type, found by Scrapy's own spider loader (SPIDER_MODULES)."""
    loader = SpiderLoader.from_settings(ScrapySettings({"SPIDER_MODULES": ["spiders"]}))
    found: dict[str, type[BaseSpider]] = {}
    for name in loader.list():
        cls = loader.load(name)
        if isinstance(cls, type) and issubclass(cls, BaseSpider):
            found[name] = cls
    return found


def type_specs() -> dict[str, TypeSpec]:
    return {name: cls.spec for name, cls in spider_types().items()}


def source_host(source: SourceConfig) -> str:
    cls = spider_types()[source.type]
    try:
        url = source.url or (cls.default_url or "").format(**source.options)
    except (KeyError, IndexError):
        return source.name
    return urlsplit(url).hostname or source.name


@dataclass
class Shard:
    """The sources one crawl process runs; per host, how many crawlers may run at once
    (`lanes`) and how many requests each may have open (`requests`)."""

    sources: list[SourceConfig]
    lanes: dict[str, int]
    requests: dict[str, int]


def process_count(settings: Settings, sources: int) -> int:
    """Crawl processes for this run: `crawl_processes`, or one per core (at most 4)."""
    wanted = settings.crawl_processes or min(os.cpu_count() or 1, 4)
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1  # no fork (Windows): one process
    return max(1, min(wanted, sources))


def plan_shards(sources: Sequence[SourceConfig], processes: int, per_host: int = 4) -> list[Shard]:
    """Split the sources over `processes` crawl processes, keeping the per-host limit.

    A host gets `min(HOST_LANES, per_host, its sources)` lanes in the whole run: crawlers of
    its sources running at once, each allowed `per_host // lanes` open requests, so the host
    never has more than `per_host` (`concurrent_per_host`) requests open from this run. Its
    sources go to at most that many processes, whose lanes add up to the host's. Hosts with
    the most sources are placed first, each on the least-loaded processes; within a process
    the config order is kept.
    """
    by_host: dict[str, list[tuple[int, SourceConfig]]] = {}
    for position, source in enumerate(sources):
        by_host.setdefault(source_host(source), []).append((position, source))
    picked: list[list[tuple[int, SourceConfig]]] = [[] for _ in range(processes)]
    lanes: list[dict[str, int]] = [{} for _ in range(processes)]
    requests: list[dict[str, int]] = [{} for _ in range(processes)]
    for host, group in sorted(by_host.items(), key=lambda kv: -len(kv[1])):
        total = max(1, min(HOST_LANES, per_host, len(group)))
        k = min(processes, total)
        targets = sorted(range(processes), key=lambda i: len(picked[i]))[:k]
        for n, shard in enumerate(targets):
            lanes[shard][host] = total // k + (1 if n < total % k else 0)
            requests[shard][host] = max(1, per_host // total)
        for n, item in enumerate(group):
            picked[targets[n % k]].append(item)
    return [
        Shard([source for _, source in sorted(items, key=lambda item: item[0])], lane, opened)
        for items, lane, opened in zip(picked, lanes, requests, strict=True)
        if items
    ]


def crawler_groups(
    sources: Sequence[SourceConfig], lanes: dict[str, int] | None = None
) -> list[list[SourceConfig]]:
    """Sources of one type on one host, in order of first appearance: one Scrapy crawler
    each (spiders/group.py). At most `GROUP_SIZE` a group, and small enough that each of
    the host's `lanes` gets at least two: a process done early then has whole groups of a
    slower one's to take over (`Work`)."""
    per_key = Counter((source.type, source_host(source)) for source in sources)
    groups: list[list[SourceConfig]] = []
    filling: dict[tuple[str, str], list[SourceConfig]] = {}
    for source in sources:
        key = (source.type, source_host(source))
        size = min(GROUP_SIZE, -(-per_key[key] // (2 * (lanes or {}).get(key[1], 1))))
        group = filling.get(key)
        if group is None or len(group) >= size:
            group = filling[key] = []
            groups.append(group)
        group.append(source)
    return groups


class Work:
    """Every crawler group of a run, each run by exactly one crawl process.

    A process runs its own shard's groups first, in order, then takes over groups another
    process has not started yet (of hosts it has lanes for, last first): the shards no
    longer end far apart when one is slower. The groups a process starts at once (one per
    lane) are never taken over, so which process crawls which source is fixed until one is
    done. Claims live in shared memory made before the fork; each holds the claiming
    shard's number plus one.
    """

    def __init__(self, shards: Sequence[Shard], shared: bool) -> None:
        self.groups: list[list[SourceConfig]] = []
        self.owner: list[int] = []
        self.host: list[str] = []
        self.first: list[bool] = []  # started at once by its owner: never taken over
        for index, shard in enumerate(shards):
            started: Counter[str] = Counter()
            for group in crawler_groups(shard.sources, shard.lanes):
                host = source_host(group[0])
                started[host] += 1
                self.groups.append(group)
                self.owner.append(index)
                self.host.append(host)
                self.first.append(started[host] <= shard.lanes.get(host, 1))
        self.claims: Any = bytearray(len(self.groups))
        self._lock: Any = nullcontext()
        if shared:
            self.claims = multiprocessing.get_context("fork").Array("b", len(self.groups))
            self._lock = self.claims.get_lock()

    def _claim(self, i: int, shard: int) -> bool:
        with self._lock:
            if self.claims[i]:
                return False
            self.claims[i] = shard + 1
            return True

    def next_group(self, shard: int, host: str) -> list[SourceConfig] | None:
        """The next group of `host` for this shard's process to run; None when none is left."""
        order = range(len(self.groups))
        for i in [*(i for i in order if self.owner[i] == shard),
                  *(i for i in reversed(order) if self.owner[i] != shard and not self.first[i])]:
            if self.host[i] == host and not self.claims[i] and self._claim(i, shard):
                return self.groups[i]
        return None

    def lost_to(self, shard: int) -> list[SourceConfig]:
        """The sources a dead process took with it: its claimed groups, and its own
        groups no other process could take (no lanes for their host)."""
        return [source for i, group in enumerate(self.groups)
                if self.claims[i] == shard + 1 or (not self.claims[i] and self.owner[i] == shard)
                for source in group]


def crawl(
    sources: Sequence[SourceConfig], settings: Settings, db_path: str, *, verbose: bool = False
) -> list[SourceOutcome]:
    """Crawl the sources into the database; returns one outcome per source, in order.

    With more than one crawl process (see `process_count`), this process runs the first
    shard and forked children the others; they share the SQLite file, each crawler writing
    its sources in one locked transaction.
    """
    _import_early()
    run_id = uuid.uuid4().hex[:12]
    started_at = iso(now())
    config = scrapy_settings(settings, db_path=db_path, run_id=run_id, verbose=verbose)
    shards = plan_shards(sources, process_count(settings, len(sources)), settings.concurrent_per_host)
    if not shards:
        return []
    lost: dict[str, str] = {}
    children = []
    lock_path = None
    work = Work(shards, shared=len(shards) > 1)
    if len(shards) > 1:
        open_db(db_path).close()  # migrations once, before the processes race to apply them
        # the processes queue for the write lock here, not in SQLite's busy handler (store.db)
        handle, lock_path = tempfile.mkstemp(prefix="internwatch-write-", suffix=".lock")
        os.close(handle)
        config = {**config, "INTERNWATCH_WRITE_LOCK": lock_path}
        context = multiprocessing.get_context("fork")
        sys.stdout.flush()
        sys.stderr.flush()  # a child must not print the parent's buffered output again
        # what is loaded now stays shared with the children: their garbage collector would
        # otherwise write to (and so copy) every page holding an object it scans
        gc.freeze()
        for index in range(1, len(shards)):  # this process runs the first shard itself
            child = context.Process(
                target=_child,
                args=(index, shards, work, config, db_path, run_id, started_at, os.getpid()),
                name="internwatch-crawl",
            )
            child.start()
            children.append((child, index))
    try:
        _run_shard(0, shards, work, config, db_path, run_id, started_at)
    finally:
        for child, index in children:
            child.join()
            if child.exitcode != 0:
                reason = f"crawl process exited with {_exit_text(child.exitcode)}"
                lost.update((source.name, reason) for source in work.lost_to(index))
        if lock_path is not None:
            os.unlink(lock_path)
    return _outcomes(sources, db_path, run_id, started_at, lost)


def _import_early() -> None:
    """Import now what every crawler's set-up would import, before the crawl processes fork.

    Scrapy's TLS modules build deprecated aliases with `inspect.stack()`, which reads the
    source of every frame: imported by the first crawler, 50-100 frames deep in the reactor,
    that cost each crawl process ~0.15 s; here, a few frames deep and once, ~0.09 s.
    Imported before the fork, the modules are also shared by the crawl processes.
    """
    import scrapy.core.downloader.contextfactory  # noqa: F401
    import scrapy.core.downloader.handlers.http11  # noqa: F401
    import scrapy.core.downloader.tls  # noqa: F401
    import scrapy.robotstxt  # noqa: F401


def _exit_text(code: int | None) -> str:
    if code is not None and code < 0:
        return f"signal {signal.Signals(-code).name}"
    return f"code {code}"


def _child(index: int, shards: list[Shard], work: Work, config: dict[str, Any], db_path: str,
           run_id: str, started_at: str, parent: int) -> None:
    """A forked crawl process: dies with its parent (so a killed run leaves no crawler behind)."""
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
    _run_shard(index, shards, work, config, db_path, run_id, started_at)


def _die_with_parent() -> None:
    """Linux: SIGKILL this process when its parent exits (prctl PR_SET_PDEATHSIG)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: a killed parent's child finishes its shard and exits


def _run_shard(
    index: int, shards: list[Shard], work: Work, config: dict[str, Any], db_path: str,
    run_id: str, started_at: str,
) -> None:
    """Run shard `index`'s crawlers in this process, then any of the others' it can take
    over (`Work`), until none is left."""
    shard = shards[index]
    # Install the reactor Scrapy will use before anything imports twisted's default one.
    install_reactor(config["TWISTED_REACTOR"])
    process = CrawlerProcess(config)
    # Scrapy sets the root logger to NOTSET; our handler filters by level, but every DEBUG
    # line (one "Scraped from" per item) would still build a log record first
    logging.getLogger().setLevel(config["LOG_LEVEL"])
    install_log_redaction()
    from twisted.internet import defer, reactor

    # A crawl allocates millions of short-lived objects, nearly all freed by reference
    # counting; at Python's default (a collection per 700 net allocations) the collector
    # ran ~850 times per crawl process and 6 full passes over the loaded place tables,
    # 0.4-0.5 s of CPU in all. At 10,000: 0.15-0.2 s.
    thresholds = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, *thresholds[1:])
    # one connection for every source of this process: opening (and, for the last
    # connection, checkpointing) the file per source cost more than some boards' parsing
    db = open_db(db_path)
    crashes: dict[str, tuple[SourceConfig, str]] = {}
    pending: list[Any] = []
    types = spider_types()

    def lane(host: str) -> Any:
        """Run `host`'s groups one after another until none is left for this process."""
        group = work.next_group(index, host)
        if group is None:
            return defer.succeed(None)
        opened = shard.requests.get(host, 1)
        own = ScrapySettings(config)
        # above the process's own values, which CrawlerProcess merges into each crawler
        own.set("CONCURRENT_REQUESTS_PER_DOMAIN", opened, priority="spider")
        own.set("AUTOTHROTTLE_TARGET_CONCURRENCY", float(opened), priority="spider")
        crawler = Crawler(SourceGroupSpider, own)
        handlers = [types[source.type](source=source, db=db) for source in group]

        def _crashed(failure: Any) -> None:
            error = f"crawler crashed: {type(failure.value).__name__}: {failure.value}"
            for source in group:
                crashes[source.name] = (source, error)

        d = defer.maybeDeferred(process.crawl, crawler, handlers=handlers)
        d.addErrback(_crashed)
        d.addCallback(lambda _: lane(host))
        return d

    try:
        for host, count in shard.lanes.items():
            pending.extend(lane(host) for _ in range(count))
        if pending:
            everything = defer.DeferredList(pending, consumeErrors=True)

            # callLater: also correct when every crawl failed before the reactor started
            def _stop(_: object) -> None:
                reactor.callLater(0, reactor.stop)  # type: ignore[attr-defined,arg-type,misc]

            everything.addBoth(_stop)
            process.start(stop_after_crawl=False)
        _record_unrun(db, run_id, started_at, list(crashes.values()))
    finally:
        db.close()
        gc.set_threshold(*thresholds)


def _record_unrun(
    db: Any, run_id: str, started_at: str, failed: Sequence[tuple[SourceConfig, str]]
) -> None:
    """A failed run record, with its error, for each source that has none in this run."""
    recorded = {row[0] for row in db.execute(
        "SELECT source FROM crawl_runs WHERE run_id = ?", [run_id]).fetchall()}
    for source, error in failed:
        if source.name not in recorded:
            with write_transaction(db):
                record_run(db, run_id=run_id, source=source, started_at=started_at,
                           duration_s=0.0, status="failed", count=0, error=error, errors=1,
                           now=now())


def _outcomes(
    sources: Sequence[SourceConfig],
    db_path: str,
    run_id: str,
    started_at: str,
    lost: dict[str, str],
) -> list[SourceOutcome]:
    db = open_db(db_path)
    try:
        _record_unrun(db, run_id, started_at, [
            (source, lost.get(source.name, "did not run (crawler did not start)"))
            for source in sources
        ])
        rows = {
            row["source"]: row
            for row in db.query("SELECT * FROM crawl_runs WHERE run_id = ?", [run_id])
        }
        health = {row["name"]: row for row in db.query("SELECT * FROM sources")}
        outcomes = []
        for source in sources:
            row = rows[source.name]
            info = health.get(source.name, {})
            outcomes.append(
                SourceOutcome(
                    name=source.name,
                    status=row["status"],
                    count=row["count"] or 0,
                    new=row["new"] or 0,
                    updated=row["updated"] or 0,
                    closed=row["closed"] or 0,
                    duration_s=row["duration_s"] or 0.0,
                    error=row["error"],
                    healthy=bool(info.get("healthy", row["status"] == "ok")),
                    health_reason=info.get("health_reason"),
                )
            )
        return outcomes
    finally:
        db.close()
