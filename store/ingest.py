"""One source's crawl into the store: the only place that decides what a crawl changes.

The crawl side (spiders/) reads the store once before a run (`load_stored`: content hashes
and HTTP validators, handed to each source's spider) and gives back one `Batch` per source.
`save_source` then, in one transaction for that source: writes new and changed postings,
marks unchanged ones seen, counts missing ones and closes them (SPEC §6), lets
de-duplication give each new posting its `cluster_id` (store.dedup, decided once), and
records the run and the source's health. A failure anywhere rolls the whole source back
and is recorded as that source's failure; other sources are untouched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

import sqlite_utils

from config.clock import iso
from config.models import SourceConfig
from store.db import write_transaction
from store.health import Verdict, assess_count, load_validators, record_run, save_validators
from store.models import Posting
from store.writer import (
    STALE_DAYS_UNLISTED,
    close_expired,
    close_gone,
    load_hashes,
    present_ids,
    write_batch,
)


@dataclass
class Stored:
    """What the store holds for one source before its crawl (so spiders never open it)."""

    hashes: dict[str, str] = field(default_factory=dict)  # posting id -> content hash
    validators: dict[str, str] = field(default_factory=dict)  # etag / last_modified / body_hash

    def unchanged(self, posting_id: str, content_hash: str) -> bool:
        """The one rule for "unchanged": the same content hash as stored. A spider asks it
        before parsing a raw record (to skip the work), the pipeline for a parsed posting."""
        return self.hashes.get(posting_id) == content_hash

    def board_unchanged(self, body_hash: str) -> list[str] | None:
        """The ids the board listed when this very body was last read in full (one request,
        no posting skipped, same parser version and source config), else None. Parsing it
        again would find each of them unchanged and nothing else: a spider yields them as
        `Unchanged` instead, and the store counts missing and closes exactly as after a
        parse (a 304 says less: it counts nothing missing)."""
        if self.validators.get("body_hash") != body_hash:
            return None
        return list(json.loads(self.validators.get("body_ids", "[]")))


def load_stored(db: sqlite_utils.Database, source: str) -> Stored:
    return Stored(load_hashes(db, source), load_validators(db, source))


@dataclass
class Batch:
    """What one source's crawl found, as the pipeline collected it."""

    source: SourceConfig
    run_id: str
    started_at: str
    duration_s: float = 0.0
    changed: list[tuple[Posting, str]] = field(default_factory=list)  # enriched, content hash
    unchanged: list[str] = field(default_factory=list)  # ids seen with their stored hash
    failures: list[str] = field(default_factory=list)  # one line each; any fails the source
    skipped: list[str] = field(default_factory=list)  # malformed postings left out, one line each
    gone_ids: list[str] = field(default_factory=list)  # own page answered 404/410
    complete: bool = True  # the listing was read in full (no page bound hit)
    lists_everything: bool = True  # False: the source shows only its latest entries (feeds)
    not_modified: bool = False  # the board answered 304 to the stored validators
    #: the first response's validators, kept only when one request read the whole board
    validators: dict[str, str | None] | None = None


@dataclass(frozen=True)
class Saved:
    status: str  # ok | failed
    count: int
    new: int = 0
    updated: int = 0
    closed: int = 0
    error: str | None = None


def save_source(db: sqlite_utils.Database, batch: Batch, now: datetime) -> Saved:
    """Store one source's batch in one transaction; returns what its run record says."""
    try:
        with write_transaction(db):
            return _save(db, batch, now)
    except Exception as exc:  # noqa: BLE001 - any bug here must fail this source only
        error = f"storing failed: {type(exc).__name__}: {exc}".splitlines()[0]
        saved = Saved("failed", len(batch.changed) + len(batch.unchanged), error=error)
        with write_transaction(db):
            _record(db, batch, saved, now, errors=1)
        return saved


def _save(db: sqlite_utils.Database, batch: Batch, now: datetime) -> Saved:
    name = batch.source.name
    count = len(batch.changed) + len(batch.unchanged)
    if batch.failures:
        # a posting's own 404/410 is definite even when another request failed
        closed = close_gone(db, batch.gone_ids, now) if batch.gone_ids else 0
        saved = Saved("failed", count, closed=closed, error=batch.failures[0])
        _record(db, batch, saved, now, errors=len(batch.failures))
        return saved
    unchanged = batch.unchanged
    if batch.not_modified:
        # 304: the board is as it was when its validators were stored, so what was on it
        # then counts as seen again; nothing is counted missing
        unchanged = present_ids(db, name)
        verdict = Verdict(True)
    else:
        verdict = assess_count(db, name, count)
    # an unhealthy board (suddenly empty or far smaller) never closes postings
    closes_missing = (batch.complete and batch.lists_everything and verdict.healthy
                      and not batch.not_modified)
    result = write_batch(db, name, batch.changed, unchanged, now, complete=closes_missing)
    closed = result.closed + close_expired(
        db, name, now, stale_days=None if batch.lists_everything else STALE_DAYS_UNLISTED)
    if batch.gone_ids:
        closed += close_gone(db, batch.gone_ids, now)
    touched = result.new_ids + result.updated_ids
    if touched:
        from store.dedup import assign_clusters, prepare  # datasketch: only when needed

        assign_clusters(db, touched, prepare(posting for posting, _ in batch.changed))
    saved = Saved("ok", result.count, len(result.new_ids), len(result.updated_ids), closed)
    _record(db, batch, saved, now, verdict=verdict)
    if not batch.not_modified:
        keep = batch.validators if verdict.healthy and batch.complete else None
        if keep and keep.get("body_hash"):  # what Stored.board_unchanged gives back
            keep = {**keep, "body_ids": json.dumps([p.id for p, _ in batch.changed]
                                                   + batch.unchanged)}
        save_validators(db, name, keep)
    return saved


def _record(db: sqlite_utils.Database, batch: Batch, saved: Saved, now: datetime, *,
            errors: int = 0, verdict: Verdict | None = None) -> None:
    """The run record; skipped postings show in it (count and first line) on a good run."""
    error = saved.error
    if saved.status == "ok" and batch.skipped:
        errors = len(batch.skipped)
        error = f"skipped {errors} malformed posting{'s' if errors > 1 else ''}: {batch.skipped[0]}"
    record_run(db, run_id=batch.run_id, source=batch.source, started_at=batch.started_at,
               duration_s=batch.duration_s, status=saved.status, count=saved.count,
               new=saved.new, updated=saved.updated, closed=saved.closed, errors=errors,
               error=error, now=now, verdict=verdict)


def record_not_run(db: sqlite_utils.Database, source: SourceConfig, run_id: str, error: str,
                   now: datetime) -> None:
    """A failed run record for a source the crawl never stored (it stopped or crashed)."""
    batch = Batch(source, run_id, iso(now))
    with write_transaction(db):
        _record(db, batch, Saved("failed", 0, error=error), now, errors=1)
