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
# Reached on the tune part (239 records with c.jsonl, 2026-12-06, branch enrich2;
# docs/benchmarks.md): the floors sit a little under each figure, so a regression fails but
# relabelling one or two items does not. When the corpus grows, re-measure with
# bench/bench_enrich.py --split tune and move them.
KIND_FLOOR = 0.95  # reached 0.975
PRECISION_FLOOR = {  # reached: 0.90 0.93 0.99 0.94 0.94 0.95 0.90 0.94 0.98 1.00 0.95 0.96 0.85
    "company": 0.86, "title": 0.90, "is_internship": 0.96, "locations": 0.85, "remote": 0.88,
    "pay": 0.90, "seasons": 0.84, "graduation": 0.85, "degrees": 0.95, "sponsorship": 0.93,
    "duration_months": 0.91, "deadline": 0.92, "categories": 0.79,
}
RECALL_FLOOR = {  # reached: 0.82 0.93 0.92 0.79 0.83 0.89 0.81 0.77 0.89 0.86 0.82 0.77 0.77
    "company": 0.78, "title": 0.90, "is_internship": 0.86, "locations": 0.71, "remote": 0.64,
    "pay": 0.71, "seasons": 0.76, "graduation": 0.68, "degrees": 0.83, "sponsorship": 0.80,
    "duration_months": 0.74, "deadline": 0.59, "categories": 0.69,
}
# Re-measured 2026-12-06 after d.jsonl joined (321 tune records; bench/bench_enrich.py --split tune):
# P 0.92 0.94 0.99 0.86 0.95 0.90 0.88 0.95 0.99 1.00 0.95 0.96 0.81,
# R 0.82 0.94 0.89 0.71 0.66 0.72 0.78 0.78 0.86 0.88 0.77 0.61 0.72. Only the floors the larger
# corpus fell below were moved (is_internship, locations, remote, pay, degrees, duration_months,
# deadline, categories recall; locations and categories precision): d adds Korean postings the
# enrichment does not read, Recruitee records whose hybrid work mode is only in the structured
# work_mode field and whose pay is written "810 € gross Monthly Allowance" / "Salary range:
# 70,000 to 80,000 euros gross per year" and French stages paid "Entre 1000 € et 1200 € brut / mois",
# and French/German stages, so these are harder items, not a code regression.


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
