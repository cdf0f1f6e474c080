"""The item pipeline and store.ingest on a real SQLite file, fed the way Scrapy feeds them:
one `Answer` per request, for the run's spider serving two sources."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler

from config.clock import now
from config.models import Settings, SourceConfig
from spiders.base import Answer
from spiders.greenhouse import GreenhouseSpider
from spiders.pipelines import PostingPipeline
from spiders.run_spider import RunSpider
from spiders.settings import scrapy_settings
from store.db import open_db
from store.models import Posting, Unchanged
from store.writer import write_batch
from tests.alertkit import posting


def on(source: str, n: int, title: str = "Data Science Intern") -> Posting:
    return posting(n, title=title, id=f"{source}:{n}", source=source)


def pipeline(tmp_path: Path) -> tuple[PostingPipeline, RunSpider]:
    db_path = str(tmp_path / "p.db")
    open_db(db_path).close()
    crawler = Crawler(RunSpider, scrapy_settings(Settings(), db_path=db_path, run_id="r1",
                                                 verbose=False))
    handlers = [GreenhouseSpider(source=SourceConfig(name=name, type="greenhouse", options={"board": name}))
                for name in ("a", "b")]
    for handler in handlers:  # each has one request out, answered by the Answers below
        handler.request(f"http://127.0.0.1/{handler.source.name}", handler.parse)
    spider = RunSpider(handlers)
    pipe = PostingPipeline(crawler)
    pipe.open_spider(spider)
    return pipe, spider


def answer(spider: RunSpider, source: str, *items: Any) -> Answer:
    [handler] = [h for h in spider.handlers if h.source.name == source]
    [token] = handler.open_requests
    return Answer(source, token, list(items))


def stored(tmp_path: Path) -> tuple[list[str], dict[str, tuple[str, str | None]]]:
    db = open_db(tmp_path / "p.db")
    ids = sorted(row[0] for row in db.execute("SELECT id FROM postings"))
    runs = {row[0]: (row[1], row[2]) for row in db.execute("SELECT source, status, error FROM crawl_runs")}
    db.close()
    return ids, runs


def test_a_source_is_stored_when_its_last_request_is_answered(tmp_path: Path, caplog: Any) -> None:
    pipe, spider = pipeline(tmp_path)
    with caplog.at_level(logging.WARNING, logger="spiders.pipelines"):
        pipe.process_item(answer(spider, "a", on("a", 1), on("a", 2), on("a", 1)))
        pipe.stores[-1].result()  # stored in the store's thread
        ids, runs = stored(tmp_path)
        assert ids == ["a:1", "a:2"] and runs == {"a": ("ok", None)}  # b still being read
        pipe.process_item(answer(spider, "b", on("b", 7), "not a posting"))
    pipe.close_spider()
    ids, runs = stored(tmp_path)
    assert ids == ["a:1", "a:2", "b:7"]
    assert runs == {"a": ("ok", None), "b": ("ok", None)}
    assert [r.getMessage() for r in caplog.records] == [
        "Dropped: duplicate id in one crawl: a:1", "Dropped: not a Posting: str"]
    db = open_db(tmp_path / "p.db")
    # each new posting's cluster was decided (by de-duplication) in its source's transaction
    assert db.execute("SELECT count(*) FROM postings WHERE cluster_id IS NULL").fetchone()[0] == 0
    db.close()


def test_a_source_still_open_when_the_crawl_ends_fails_and_stores_nothing(tmp_path: Path) -> None:
    pipe, spider = pipeline(tmp_path)
    pipe.process_item(answer(spider, "a", on("a", 1)))
    pipe.close_spider()  # b's request was never answered
    ids, runs = stored(tmp_path)
    assert ids == ["a:1"]
    assert runs["b"] == ("failed", "no answer received: the crawl stopped before this source was read")


def test_an_error_on_one_posting_fails_its_source_only(tmp_path: Path, monkeypatch: Any) -> None:
    import spiders.pipelines

    real = spiders.pipelines.enrich

    def enrich(item: Posting, *args: Any, **kwargs: Any) -> Posting:
        if item.title == "Boom Intern":  # stands for a bug that one posting's text sets off
            raise ValueError("cannot read this")
        return real(item, *args, **kwargs)

    monkeypatch.setattr(spiders.pipelines, "enrich", enrich)
    pipe, spider = pipeline(tmp_path)
    pipe.process_item(answer(spider, "a", on("a", 1), on("a", 2, "Boom Intern"), on("a", 3)))
    pipe.process_item(answer(spider, "b", on("b", 1)))
    pipe.close_spider()
    ids, runs = stored(tmp_path)
    # a's other postings are not stored either: a board stored without one of its postings
    # would count that posting as missing, and close it after two such runs
    assert ids == ["b:1"]
    assert runs["a"] == ("failed", "could not process posting 'a:2': ValueError: cannot read this")
    assert runs["b"] == ("ok", None)


def test_unchanged_ids_are_marked_seen(tmp_path: Path) -> None:
    pipe, spider = pipeline(tmp_path)
    pipe.process_item(answer(spider, "a", on("a", 1)))
    pipe.close_spider()
    pipe, spider = pipeline(tmp_path)
    pipe.process_item(answer(spider, "a", Unchanged("a:1")))
    pipe.close_spider()
    db = open_db(tmp_path / "p.db")
    assert [tuple(r) for r in db.execute(
        "SELECT new, updated, count FROM crawl_runs WHERE source = 'a' ORDER BY id")] == [
        (1, 0, 1), (0, 0, 1)]
    db.close()


def test_a_source_that_fails_to_store_is_rolled_back_alone(tmp_path: Path, monkeypatch: Any) -> None:
    import store.ingest

    real = store.ingest.assess_count

    def assess_count(db: Any, name: str, count: int) -> Any:
        if name == "a":  # stands for a bug or a constraint hit while storing source a
            write_batch(db, "a", [(on("a", 99), "h")], [], now(), complete=False)
            raise RuntimeError("disk says no")
        return real(db, name, count)

    monkeypatch.setattr(store.ingest, "assess_count", assess_count)
    pipe, spider = pipeline(tmp_path)
    pipe.process_item(answer(spider, "a", on("a", 1)))
    pipe.process_item(answer(spider, "b", on("b", 1)))
    pipe.close_spider()
    ids, runs = stored(tmp_path)
    assert ids == ["b:1"]  # nothing of a, not even what it wrote before failing
    assert runs == {"a": ("failed", "storing failed: RuntimeError: disk says no"), "b": ("ok", None)}
