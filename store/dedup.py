"""De-duplication: every posting gets a ``cluster_id`` shared by all copies of one opening.

A new posting joins the cluster of the stored (or earlier in the batch) posting that
:func:`store.dedup_match.same_opening` accepts with the strongest evidence (job id > URL
> title > description), else founds its own cluster (``cluster_id`` = its own posting
id). A cluster where it contradicts some copy (another season, an unrelated long
description) is not joined. A posting already seen (same id) keeps its cluster.

Merging: when a new posting is the same opening as two clusters that earlier copies
founded apart (a misspelt mirror seen before the board), the younger cluster's members
are moved to the cluster chosen (``postings.cluster_id`` updated too), unless copies of
the two contradict each other. So a posting's cluster id can change once after it was
alerted; the old id then simply has no members.

Candidates come from indexed SQL lookups, never from scanning the store, so adding N
postings costs O(N) whatever the store size. Each posting writes a few 64-bit keys to
``dedup_keys``:

* ``n``: the job id in its URL or apply URL (:func:`store.urls.native_key`);
* ``u``: its canonical URL and apply URL;
* ``t``: company key + order-free title key (same role, any location/requisition/source);
* ``r``: company key + title words cut to 3 letters (typo-tolerant role key);
* ``b``: 16 MinHash LSH bands (2 rows each, datasketch MinHash, 32 permutations) over the
  title and the *distinctive* description, company-scoped, only for postings with a
  substantial description.

"Distinctive" means: sentences that recur in postings of at least
:data:`store.dedup_features.BOILERPLATE_MIN` different roles (role keys) of the same company are boilerplate
(about us, benefits, EEO) and are left out; ``dedup_lines`` keeps those counts. They are
counted before a batch is decided, so a company's first crawl already knows its
boilerplate; a posting's signature is not recomputed when the counts grow later.

What is read from one posting (keys, title features, MinHash signature) is
:mod:`store.dedup_features`; this module holds the tables, candidates and decisions.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import sqlite_utils

from store.db import chunks, write_transaction
from store.dedup_features import (
    Item,
    features_from_row,
    finish_features,
    prepare_row,
)
from store.dedup_match import Features, Via, incompatible, same_opening
from store.models import Posting
from store.names import company_key

# Candidates looked at per posting and per kind of key (newest first beyond that).
MAX_CANDIDATES = 60
# Postings read and decided together (whole companies at a time).
CHUNK = 5000


def create_tables(db: sqlite_utils.Database) -> None:
    """Create the tables and indexes de-duplication needs; safe to call again."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS dedup_postings (
            rid INTEGER PRIMARY KEY,
            posting_id TEXT NOT NULL UNIQUE,
            cluster_id TEXT NOT NULL,
            company TEXT NOT NULL,
            title_tokens TEXT NOT NULL,
            intern INTEGER NOT NULL,
            seasons TEXT NOT NULL,
            terms TEXT NOT NULL,
            years TEXT NOT NULL,
            signature BLOB NOT NULL,
            desc_shingles INTEGER NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS dedup_keys (
            key INTEGER NOT NULL,
            rid INTEGER NOT NULL,
            PRIMARY KEY (key, rid)
        ) WITHOUT ROWID"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS dedup_keys_rid ON dedup_keys (rid)")
    db.execute(
        "CREATE INDEX IF NOT EXISTS dedup_postings_cluster ON dedup_postings (cluster_id)"
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS dedup_lines (
            company TEXT NOT NULL,
            h INTEGER NOT NULL,
            n INTEGER NOT NULL,
            PRIMARY KEY (company, h)
        ) WITHOUT ROWID"""
    )


def _marks(n: int) -> str:
    return ",".join("?" * n)


def _update_lines(
    db: sqlite_utils.Database, items: list[Item], known_roles: set[int]
) -> dict[tuple[str, int], int]:
    """Count each sentence once per new (company, role); return the counts for ``items``."""
    increments: dict[tuple[str, int], int] = defaultdict(int)
    seen = set(known_roles)
    for item in items:
        if item.role_key in seen:
            continue
        seen.add(item.role_key)
        for h in item.sentence_hashes:
            increments[(item.features.company, h)] += 1
    by_company: dict[str, set[int]] = defaultdict(set)
    for item in items:
        by_company[item.features.company].update(item.sentence_hashes)
    counts: dict[tuple[str, int], int] = {}
    for company, hashes in by_company.items():
        for part in chunks(sorted(hashes)):
            sql = f"SELECT h, n FROM dedup_lines WHERE company = ? AND h IN ({_marks(len(part))})"
            for h, n in db.execute(sql, [company, *part]).fetchall():
                counts[(company, h)] = n
    for key, inc in increments.items():
        counts[key] = counts.get(key, 0) + inc
    db.conn.executemany(
        "INSERT INTO dedup_lines (company, h, n) VALUES (?, ?, ?) "
        "ON CONFLICT (company, h) DO UPDATE SET n = n + excluded.n",
        [(c, h, n) for (c, h), n in increments.items()],
    )
    return counts


def _stored_candidates(
    db: sqlite_utils.Database, items: list[Item]
) -> tuple[dict[int, list[int]], dict[int, tuple[str, Features]]]:
    """Existing rids per key of ``items`` (newest first, capped) and their features."""
    all_keys = sorted({k for item in items for k in item.keys})
    by_key: dict[int, list[int]] = defaultdict(list)
    for part in chunks(all_keys):
        sql = f"SELECT key, rid FROM dedup_keys WHERE key IN ({_marks(len(part))})"
        for key, rid in db.execute(sql, list(part)).fetchall():
            by_key[key].append(rid)
    rids: set[int] = set()
    for key, found in by_key.items():
        found.sort(reverse=True)
        del found[MAX_CANDIDATES:]
        found.reverse()
        rids.update(found)
        by_key[key] = found
    features: dict[int, tuple[str, Features]] = {}
    cols = "rid, cluster_id, company, title_tokens, intern, seasons, terms, years, signature, " \
        "desc_shingles"
    ordered = sorted(rids)
    for part in chunks(ordered):
        sql = f"SELECT {cols} FROM dedup_postings WHERE rid IN ({_marks(len(part))})"
        for row in db.execute(sql, list(part)).fetchall():
            features[row[0]] = (row[1], features_from_row(row[2:]))
    return by_key, features


def _decide(
    item: Item,
    stored_keys: dict[int, list[int]],
    stored: dict[int, tuple[str, Features]],
    batch_keys: dict[int, list[int]],
    batch: list[Item],
    renamed: dict[str, str],
) -> list[str]:
    """Clusters this posting belongs to, strongest evidence first (empty: a new opening).

    More than one means this posting bridges clusters that earlier copies founded apart
    (e.g. a misspelt mirror seen before the board posting); the caller merges them.
    """
    candidates: dict[tuple[str, int], Via] = {}
    for key, via in item.keys.items():
        refs = [("s", rid) for rid in stored_keys.get(key, ())]
        refs.extend(("b", idx) for idx in batch_keys.get(key, ()))
        for ref in refs:
            if via < candidates.get(ref, Via.LSH + 1):
                candidates[ref] = via
    order = sorted(candidates.items(), key=lambda kv: (kv[1], kv[0][0] == "b", kv[0][1]))
    resolved: list[tuple[str, Features, Via]] = []
    for (where, num), via in order:
        if where == "s":
            if num in stored:
                cluster, features = stored[num]
                resolved.append((_resolve(cluster, renamed), features, via))
        else:
            peer = batch[num]
            resolved.append((_resolve(peer.cluster_id, renamed), peer.features, via))
    # A cluster holding a copy for another season (or with an unrelated long description)
    # is another opening, even when some season-less copy (a blog post) in it looks alike.
    vetoed = {c for c, other, _ in resolved if incompatible(item.features, other)}
    # Accepted clusters: strongest evidence first, then the one with most matching copies
    # (a season-less blog copy belongs to the opening most copies agree on).
    best: dict[str, tuple[Via, int, int]] = {}
    for pos, (cluster, other, via) in enumerate(resolved):
        if cluster in vetoed or not same_opening(item.features, other, via):
            continue
        prev = best.get(cluster)
        if prev is None:
            best[cluster] = (via, -1, pos)
        else:
            best[cluster] = (min(prev[0], via), prev[1] - 1, prev[2])
    found = sorted(best, key=lambda c: best[c])
    if len(found) < 2:
        return found
    # Merge only clusters whose known members do not contradict each other (a season-less
    # blog copy fits both the summer and the fall opening; those stay apart).
    members: dict[str, list[Features]] = defaultdict(list)
    for cluster, other, _ in resolved:
        members[cluster].append(other)
    kept = [found[0]]
    for cluster in found[1:]:
        if not any(
            incompatible(a, b)
            for a in members[cluster]
            for keep in kept
            for b in members[keep]
        ):
            kept.append(cluster)
    return kept


def _resolve(cluster: str, renamed: dict[str, str]) -> str:
    while cluster in renamed:
        cluster = renamed[cluster]
    return cluster


def prepare(postings: Iterable[Posting]) -> dict[str, Item]:
    """The part of de-duplication that reads no stored state (titles, keys, sentences):
    half of its CPU, which a crawl process does before taking the write lock, for
    ``assign_clusters(..., prepared=)``. Each posting as it will be stored (its export)."""
    return {posting.id: prepare_row(posting.export()) for posting in postings}


def _assign_chunk(db: sqlite_utils.Database, items: list[Item]) -> dict[str, str]:
    ids = [item.posting_id for item in items]
    existing: dict[str, tuple[int, str]] = {}
    for part in chunks(ids):
        sql = f"SELECT posting_id, rid, cluster_id FROM dedup_postings " \
            f"WHERE posting_id IN ({_marks(len(part))})"
        for pid, rid, cluster in db.execute(sql, list(part)).fetchall():
            existing[pid] = (rid, cluster)
    role_keys = sorted({item.role_key for item in items})
    known_roles: set[int] = set()
    for keys in chunks(role_keys):
        sql = f"SELECT DISTINCT key FROM dedup_keys WHERE key IN ({_marks(len(keys))})"
        known_roles.update(k for (k,) in db.execute(sql, list(keys)).fetchall())
    fresh = [item for item in items if item.posting_id not in existing]
    counts = _update_lines(db, fresh, known_roles)
    for item in items:
        finish_features(item, counts)
    # Re-read postings: drop their old keys first so they cannot match themselves.
    old_rids = [rid for rid, _ in existing.values()]
    for rids in chunks(old_rids):
        db.execute(f"DELETE FROM dedup_keys WHERE rid IN ({_marks(len(rids))})", list(rids))
    stored_keys, stored = _stored_candidates(db, items)
    next_rid = (db.execute("SELECT max(rid) FROM dedup_postings").fetchone()[0] or 0) + 1
    batch_keys: dict[int, list[int]] = {}
    renamed: dict[str, str] = {}
    for idx, item in enumerate(items):
        if item.posting_id in existing:
            item.rid, item.cluster_id = existing[item.posting_id]
        else:
            item.rid, next_rid = next_rid, next_rid + 1
            found = _decide(item, stored_keys, stored, batch_keys, items, renamed)
            item.cluster_id = found[0] if found else item.posting_id
            for other in found[1:]:
                renamed[other] = item.cluster_id
        for key in item.keys:
            bucket = batch_keys.setdefault(key, [])
            if len(bucket) < MAX_CANDIDATES:
                bucket.append(idx)
    for item in items:
        item.cluster_id = _resolve(item.cluster_id, renamed)
    _write(db, items)
    _merge(db, {old: _resolve(old, renamed) for old in renamed})
    return {item.posting_id: item.cluster_id for item in items}


def _merge(db: sqlite_utils.Database, renamed: dict[str, str]) -> None:
    """Move every stored member of each merged-away cluster to the surviving cluster."""
    for old, new in renamed.items():
        members = [
            pid
            for (pid,) in db.execute(
                "SELECT posting_id FROM dedup_postings WHERE cluster_id = ?", [old]
            ).fetchall()
        ]
        db.execute("UPDATE dedup_postings SET cluster_id = ? WHERE cluster_id = ?", [new, old])
        db.conn.executemany(
            "UPDATE postings SET cluster_id = ? WHERE id = ?", [(new, pid) for pid in members]
        )


def _write(db: sqlite_utils.Database, items: list[Item]) -> None:
    conn = db.conn
    conn.executemany(
        "INSERT OR REPLACE INTO dedup_postings (rid, posting_id, cluster_id, company, "
        "title_tokens, intern, seasons, terms, years, signature, desc_shingles) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                it.rid, it.posting_id, it.cluster_id, it.features.company,
                " ".join(it.features.title_tokens), int(it.features.intern),
                "|".join(sorted(it.features.seasons)), "|".join(sorted(it.features.terms)),
                "|".join(sorted(it.features.years)), it.features.signature.tobytes(),
                it.features.desc_shingles,
            )
            for it in items
        ],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO dedup_keys (key, rid) VALUES (?, ?)",
        [(key, it.rid) for it in items for key in it.keys],
    )
    conn.executemany(
        "UPDATE postings SET cluster_id = ? WHERE id = ?",
        [(it.cluster_id, it.posting_id) for it in items],
    )


_COLUMNS = ("id", "kind", "company", "title", "url", "apply_url", "locations",
            "raw_locations", "seasons", "description")


def _read_rows(db: sqlite_utils.Database, ids: Sequence[str]) -> list[dict[str, Any]]:
    if not ids:  # a crawl prepares every posting itself: no need to read the table's columns
        return []
    have = {c.name for c in db["postings"].columns}
    cols = [c for c in _COLUMNS if c in have]
    rows: list[dict[str, Any]] = []
    for part in chunks(list(ids)):
        sql = f"SELECT {', '.join(cols)} FROM postings WHERE id IN ({_marks(len(part))})"
        cur = db.execute(sql, list(part))
        names = [d[0] for d in cur.description]
        rows.extend(dict(zip(names, r, strict=True)) for r in cur.fetchall())
    return rows


def assign_clusters(
    db: sqlite_utils.Database,
    posting_ids: Sequence[str],
    prepared: dict[str, Item] | None = None,
) -> dict[str, str]:
    """Give each posting (already in ``postings``) a cluster id; return {posting_id: cluster_id}.

    Reuses the cluster of an existing posting of the same opening; sets
    ``postings.cluster_id``. Postings are handled company by company in chunks of about
    :data:`CHUNK`, inside one transaction. Raises ``KeyError`` naming ids not in ``postings``.
    ``prepared`` (from :func:`prepare`, consumed here) saves reading those postings' text
    again; the others are prepared from their stored rows. The database is one
    :func:`store.db.open_db` opened (its migrations create de-duplication's tables) or one
    given :func:`create_tables`: checking them here cost every source's transaction five
    statements.
    """
    prepared = {} if prepared is None else prepared
    unique = list(dict.fromkeys(posting_ids))
    heads: dict[str, str] = {}
    for part in chunks(unique):
        sql = f"SELECT id, company FROM postings WHERE id IN ({_marks(len(part))})"
        heads.update(db.execute(sql, list(part)).fetchall())
    missing = [pid for pid in unique if pid not in heads]
    if missing:
        raise KeyError(f"not in postings: {missing[:5]}{' ...' if len(missing) > 5 else ''}")
    groups: dict[str, list[str]] = defaultdict(list)
    for pid in unique:
        groups[company_key(heads[pid] or "")].append(pid)
    result: dict[str, str] = {}
    batches: list[list[str]] = [[]]
    for members in groups.values():
        if len(batches[-1]) >= CHUNK:
            batches.append([])
        batches[-1].extend(members)
    # Inside the caller's transaction when there is one; else our own, committed here.
    with write_transaction(db):
        for pending in batches:
            if pending:
                # stored rows are read only for postings not prepared by the caller
                rows = {row["id"]: row for row in
                        _read_rows(db, [pid for pid in pending if pid not in prepared])}
                items = [prepared.pop(pid) if pid in prepared else prepare_row(rows[pid])
                         for pid in pending]
                result.update(_assign_chunk(db, items))
    return {pid: result[pid] for pid in unique}
