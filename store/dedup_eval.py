"""Measuring de-duplication on labelled pairs (used by the bench and the regression test).

All labelled postings go into one fresh SQLite store in a given order, are clustered
with :func:`store.dedup.assign_clusters` in batches (as crawls would add them), and a
pair is predicted "same opening" when both postings got the same ``cluster_id``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from store.dedup import assign_clusters, create_tables
from store.models import Posting


@dataclass
class PairScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load_store(path: Path | str, postings: Sequence[Posting]) -> sqlite_utils.Database:
    """A store at ``path`` whose ``postings`` table holds ``postings`` (lists as JSON)."""
    db = sqlite_utils.Database(path)
    db.table("postings").insert_all(
        [p.model_dump(mode="json", by_alias=True) for p in postings], pk="id", replace=True
    )
    create_tables(db)
    return db


def score_pairs(
    db_path: Path | str,
    postings: Sequence[Posting],
    pairs: Sequence[dict[str, Any]],
    seed: int = 0,
    batch: int = 50,
) -> PairScore:
    """Cluster ``postings`` (shuffled by ``seed``, in batches of ``batch``) and score ``pairs``."""
    order = list(postings)
    random.Random(seed).shuffle(order)
    db = load_store(db_path, order)
    clusters: dict[str, str] = {}
    for start in range(0, len(order), batch):
        clusters.update(assign_clusters(db, [p.id for p in order[start : start + batch]]))
    score = PairScore()
    for pair in pairs:
        predicted = clusters[pair["a"]] == clusters[pair["b"]]
        if pair["same"] and predicted:
            score.tp += 1
        elif pair["same"]:
            score.fn += 1
            score.errors.append(pair)
        elif predicted:
            score.fp += 1
            score.errors.append(pair)
        else:
            score.tn += 1
    db.close()
    return score
