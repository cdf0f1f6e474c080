"""The real corpus (tests/fixtures/corpus/*.jsonl): well-formed, and its TUNE part scored no
worse than the level reached.

Only the tune part is guarded: the test part is never tuned on, so a floor on it would
invite tuning to it. bench/bench_enrich.py prints both parts.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from store.models import Posting

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import bench_enrich as BENCH  # noqa: E402

RECORDS = BENCH.load_corpus()
TUNE = [r for r in RECORDS if r["split"] == "tune"]
# The floors sit a little under each tune figure, so a regression fails but relabelling one or
# two items does not. When the corpus grows, re-measure with bench/bench_enrich.py --split tune
# and move them.
KIND_FLOOR = 0.97  # reached 0.991
PRECISION_FLOOR = {  # 0.02 under the tune figures below
    "company": 0.91, "title": 0.93, "is_internship": 0.97, "locations": 0.87, "remote": 0.91,
    "pay": 0.90, "seasons": 0.88, "graduation": 0.98, "degrees": 0.96, "sponsorship": 0.98,
    "duration_months": 0.93, "deadline": 0.98, "categories": 0.79,
}
RECALL_FLOOR = {  # 0.02 under the tune figures below
    "company": 0.83, "title": 0.93, "is_internship": 0.93, "locations": 0.76, "remote": 0.91,
    "pay": 0.85, "seasons": 0.79, "graduation": 0.89, "degrees": 0.90, "sponsorship": 0.98,
    "duration_months": 0.84, "deadline": 0.69, "categories": 0.70,
}
# Tune part after this round's rules and d.jsonl (bench/bench_enrich.py --split tune, 322 records):
# P 0.93 0.95 0.99 0.90 0.93 0.92 0.91 1.00 0.99 1.00 0.96 1.00 0.81
# R 0.86 0.95 0.91 0.78 0.93 0.87 0.82 0.91 0.93 1.00 0.86 0.71 0.73
# d.jsonl's tune items were never seen by the rule writers of this round: they are where the
# tune figures fell (Korean postings the enrichment does not read, structured work modes,
# French/German pay phrasings).


def test_corpus_is_real_split_and_labelled() -> None:
    assert len(TUNE) >= 50, "copy the labelled corpus to tests/fixtures/corpus/ (a.jsonl, b.jsonl)"
    assert {r["split"] for r in RECORDS} == {"tune", "test"}
    ids = [r["id"] for r in RECORDS]
    assert len(ids) == len(set(ids))
    for record in RECORDS:
        assert record["expected"]["kind"] in ("posting", "article"), record["id"]
        assert record["input"]["source_type"], record["id"]
    # a split is made per source group, never inside one
    splits: dict[str, set[str]] = {}
    for record in RECORDS:
        splits.setdefault(record["group"], set()).add(record["split"])
    assert all(len(s) == 1 for s in splits.values())


@pytest.mark.parametrize("record", TUNE, ids=[r["id"] for r in TUNE])
def test_tune_labels_are_valid_posting_values(record: dict) -> None:
    posting = BENCH.build(record)
    expected = {k: v for k, v in record["expected"].items() if k != "company" or v}
    Posting.model_validate(posting.model_dump(by_alias=True) | expected)


@pytest.fixture(scope="module")
def result() -> BENCH.Result:
    return BENCH.score(TUNE)


def test_kind_does_not_regress(result: BENCH.Result) -> None:
    assert result.articles_as_postings == 0, result.kind_misses
    assert result.kind_accuracy >= KIND_FLOOR, result.kind_misses


@pytest.mark.parametrize("field", ("company", "title", *BENCH.FIELDS))
def test_field_precision_does_not_regress(result: BENCH.Result, field: str) -> None:
    counts = result.counts[field]
    assert counts.precision >= PRECISION_FLOOR[field], counts.misses


@pytest.mark.parametrize("field", ("company", "title", *BENCH.FIELDS))
def test_field_recall_does_not_regress(result: BENCH.Result, field: str) -> None:
    counts = result.counts[field]
    assert counts.recall >= RECALL_FLOOR[field], counts.misses
