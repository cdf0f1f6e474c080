"""Batch writes on a real SQLite file: first/last seen, deadlines, feeds that scroll."""

from __future__ import annotations

from pathlib import Path

from store.db import open_db
from store.writer import close_expired, write_batch
from tests.alertkit import at, posting


def test_first_seen_kept_last_seen_moves(tmp_path: Path) -> None:
    db = open_db(tmp_path / "w.db")
    p = posting(1)
    write_batch(db, "src", [(p, "h1")], [], at("2026-11-01T00:00:00Z"), complete=True)
    edited = p.model_copy(update={"title": "Data Science Intern (edited)"})
    result = write_batch(db, "src", [(edited, "h2")], [], at("2026-11-02T00:00:00Z"), complete=True)
    assert result.updated_ids == ["src:1"] and result.new_ids == []
    row = db.execute("SELECT first_seen, last_seen, title FROM postings").fetchone()
    assert row == ("2026-11-01T00:00:00+00:00", "2026-11-02T00:00:00+00:00", "Data Science Intern (edited)")


def test_passed_deadline_closes_rolling_does_not(tmp_path: Path) -> None:
    db = open_db(tmp_path / "w.db")
    items = [
        posting(1, deadline="2026-11-30"),
        posting(2, deadline="rolling"),
        posting(3, deadline="2026-12-15"),
    ]
    write_batch(db, "src", [(p, p.id) for p in items], [], at("2026-11-01T00:00:00Z"), complete=True)
    assert close_expired(db, "src", at("2026-12-01T08:00:00Z"), stale_days=None) == 1
    open_ids = [r[0] for r in db.execute("SELECT id FROM postings WHERE closed_at IS NULL ORDER BY id")]
    assert open_ids == ["src:2", "src:3"]


def test_unlisted_sources_expire_after_stale_days(tmp_path: Path) -> None:
    db = open_db(tmp_path / "w.db")
    write_batch(
        db,
        "feed",
        [(posting(1, source="feed", id="feed:1"), "h")],
        [],
        at("2026-09-01T00:00:00Z"),
        complete=False,
    )
    write_batch(
        db,
        "feed",
        [(posting(2, source="feed", id="feed:2"), "h")],
        [],
        at("2026-10-25T00:00:00Z"),
        complete=False,
    )
    assert close_expired(db, "feed", at("2026-11-01T00:00:00Z"), stale_days=60) == 1
    assert db.execute("SELECT id FROM postings WHERE closed_at IS NOT NULL").fetchall() == [("feed:1",)]
