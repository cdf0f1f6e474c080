"""The item pipeline on a real SQLite file, fed the way Scrapy feeds it: one `ResponseItems`
per response (spiders.middlewares.GroupItems), for a crawler serving two sources."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest
from scrapy.crawler import Crawler

from config.clock import now
from config.models import Settings, SourceConfig
from spiders.greenhouse import GreenhouseSpider
from spiders.group import SourceGroupSpider
from spiders.middlewares import GroupItems
from spiders.pipelines import PostingPipeline
from spiders.settings import scrapy_settings
from store.db import open_db
from store.models import Posting, ResponseItems, Unchanged
from store.writer import write_batch
from tests.alertkit import posting


def on(source: str, n: int, title: str = "Data Science Intern") -> Posting:
    return posting(n, title=title, id=f"{source}:{n}", source=source)


def pipeline(tmp_path: Path) -> tuple[PostingPipeline, SourceGroupSpider]:
    db_path = str(tmp_path / "p.db")
    open_db(db_path).close()
    crawler = Crawler(SourceGroupSpider, scrapy_settings(Settings(), db_path=db_path, run_id="r1",
                                                        verbose=False))
    handlers = [GreenhouseSpider(source=SourceConfig(name=name, type="greenhouse", options={"board": name}))
                for name in ("a", "b")]
    spider = SourceGroupSpider(handlers)
    pipe = PostingPipeline(crawler)
    pipe.open_spider(spider)
    return pipe, spider


def stored(tmp_path: Path) -> tuple[list[str], dict[str, tuple[str, str | None]]]:
    db = open_db(tmp_path / "p.db")
    ids = sorted(row[0] for row in db.execute("SELECT id FROM postings"))
    runs = {row[0]: (row[1], row[2]) for row in db.execute("SELECT source, status, error FROM crawl_runs")}
    db.close()
    return ids, runs


def test_group_items_keeps_requests_moving_and_sends_items_once() -> None:
    from scrapy import Request

    first, second = on("a", 1), on("a", 2)
    out = list(GroupItems().process_spider_output(
        None, [first, Request("http://127.0.0.1/x"), Unchanged("a:3"), second]))  # type: ignore[arg-type]
    assert isinstance(out[0], Request)
    assert out[1] == ResponseItems((first, second), ("a:3",))
    assert len(out) == 2


def test_one_response_of_postings_is_stored_per_source(tmp_path: Path, caplog: Any) -> None:
    pipe, _ = pipeline(tmp_path)
    with caplog.at_level(logging.WARNING, logger="spiders.pipelines"):
        pipe.process_item(ResponseItems((on("a", 1), on("a", 2), on("a", 1)), ()))
        pipe.process_item(ResponseItems((on("b", 7), "not a posting"), ()))
    asyncio.run(pipe.close_spider())
    ids, runs = stored(tmp_path)
    assert ids == ["a:1", "a:2", "b:7"]
    assert runs == {"a": ("ok", None), "b": ("ok", None)}
    # dropped one by one, each with the line Scrapy logs for a dropped item
    assert [r.getMessage() for r in caplog.records] == [
        "Dropped: duplicate id in one crawl: a:1", "Dropped: not a Posting: str"]


def test_an_error_on_one_posting_fails_its_source_only(tmp_path: Path, monkeypatch: Any) -> None:
    import spiders.pipelines

    real = spiders.pipelines.enrich

    def enrich(item: Posting, *args: Any, **kwargs: Any) -> Posting:
        if item.title == "Boom Intern":  # stands for a bug that one posting's text sets off
            raise ValueError("cannot read this")
        return real(item, *args, **kwargs)

    monkeypatch.setattr(spiders.pipelines, "enrich", enrich)
    pipe, _ = pipeline(tmp_path)
    pipe.process_item(ResponseItems((on("a", 1), on("a", 2, "Boom Intern"), on("a", 3)), ()))
    pipe.process_item(ResponseItems((on("b", 1),), ()))
    asyncio.run(pipe.close_spider())
    ids, runs = stored(tmp_path)
    # a's other postings are not stored either: a board stored without one of its postings
    # would count that posting as missing, and close it after two such runs
    assert ids == ["b:1"]
    assert runs["a"] == ("failed", "could not process posting 'a:2': ValueError: cannot read this")
    assert runs["b"] == ("ok", None)


@pytest.mark.parametrize("grouped", [True, False])
def test_unchanged_ids_are_marked_seen(tmp_path: Path, grouped: bool) -> None:
    pipe, _ = pipeline(tmp_path)
    pipe.process_item(ResponseItems((on("a", 1),), ()))
    asyncio.run(pipe.close_spider())
    pipe, _ = pipeline(tmp_path)
    if grouped:
        pipe.process_item(ResponseItems((), ("a:1",)))
    else:
        pipe.process_item(Unchanged("a:1"))
    assert pipe.batches["a"].unchanged == ["a:1"]


def test_a_source_that_fails_to_store_is_rolled_back_alone(tmp_path: Path, monkeypatch: Any) -> None:
    # a crawler's sources share one transaction, each in its own savepoint
    import spiders.pipelines

    real = spiders.pipelines.assess_count

    def assess_count(db: Any, name: str, count: int) -> Any:
        if name == "a":  # stands for a bug or a constraint hit while storing source a
            write_batch(db, "a", [(on("a", 99), "h")], [], now(), complete=False)
            raise RuntimeError("disk says no")
        return real(db, name, count)

    monkeypatch.setattr(spiders.pipelines, "assess_count", assess_count)
    pipe, _ = pipeline(tmp_path)
    pipe.process_item(ResponseItems((on("a", 1),), ()))
    pipe.process_item(ResponseItems((on("b", 1),), ()))
    asyncio.run(pipe.close_spider())
    ids, runs = stored(tmp_path)
    assert ids == ["b:1"]  # nothing of a, not even what it wrote before failing
    assert runs == {"a": ("failed", "storing failed: RuntimeError: disk says no"), "b": ("ok", None)}
