"""Matching many saved filters against new postings without testing every pair.

:class:`FilterIndex` works like Lucene's Monitor (Luwak) and the Elasticsearch percolator:
each filter is planned by the keys it *requires*, and a posting only meets the filters
whose required keys it has.

- Every indexable key of a filter (keywords, companies, locations, categories, seasons;
  see :class:`alerts.filters.Clause`) is a disjunction of posting keys: the filter cannot
  match a posting that has none of them. A keyword is its word; a phrase is one of its
  adjacent word pairs ("data science" is the bigram key ``"data science"``; for longer
  phrases the rarest pair). A non-strict location/category/season key also carries its
  "not stated" marker, so postings that do not state the field still reach the filter.
- A filter is planned under its two most selective keys at once (the posting must have a
  key of each), else its one indexable key, else it goes to a match-all list.
  Selectivity comes from ``key_freq`` (see :func:`key_frequencies`) or rough defaults.
- When the keys of the plan *are* the whole filter and each key decides its clause (a
  word, a company, a place, a two-word phrase), a hit is a match without evaluation (the
  percolator's "verified" matches); single-word ``exclude`` and ``exclude_companies`` veto
  in the index; ``internships_only`` and ``needs_sponsorship`` gate it (a filter sees only
  postings without the flags it vetoes). Other hits are candidates, checked in full with
  the clause code of :meth:`Filter.matches`; ``MatchResult.evaluations`` counts them.

Two engines run the same plans: ``per_posting`` (the Monitor loop: per posting, gather its
filters from inverted tables) and ``per_filter`` (index the batch of postings by the keys
the plans need, then run each plan as C-level set operations); ``match`` picks the latter
for batches of 64 postings or more, where per-match Python work would dominate.
Each posting is tokenised once (:class:`alerts.filters.PostingView`).
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence, Set
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from alerts.clauses import NO_LOCATION, NO_REMOTE, NONE, Clause, PostingView, check_clauses, let_through
from alerts.filters import Filter
from store.models import Posting

KeyFreq = Mapping[tuple[str, str], float]
Engine = Literal["auto", "per_posting", "per_filter"]

# Rough share of postings that carry a key, used when no key_freq is given.
_DEFAULT_FREQ: dict[str, float] = {"co": 0.005, "cat": 0.15, "season": 0.3, "w": 0.05}
_LOC_FREQ: dict[str, float] = {"c": 0.1, "r": 0.04, "city": 0.03, "remote": 0.15}
_UNSTATED_FREQ = 0.3
_MAX_PAIR_KEYS = 64  # cap on |keys of clause A| x |keys of clause B| per filter


@dataclass
class MatchResult:
    """Postings matched per subscription, in input order, and the cost of finding them."""

    matches: dict[str, list[str]]  # subscription name -> posting ids
    evaluations: int  # full Filter checks of candidates
    verified: int = 0  # matches accepted from the index alone (exact keys)


def key_frequencies(sample: Sequence[Posting]) -> dict[tuple[str, str], float]:
    """Share of ``sample`` postings carrying each (kind, key): selectivity for the index.

    Pass recent postings (e.g. the last weeks from the store); keys absent from the
    sample count as rare.
    """
    counts: Counter[tuple[str, str]] = Counter()
    for posting in sample:
        view = PostingView.of(posting)
        for kind in ("w", "co", "loc", "cat", "season"):
            counts.update((kind, key) for key in view.keys(kind))
    n = max(1, len(sample))
    return {k: c / n for k, c in counts.items()}


def _own(items: Set[int]) -> set[int]:
    """``items`` as a set this caller may change (a copy only of cached frozensets)."""
    return items if type(items) is set else set(items)


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic GC: building plans and matching allocate millions of small
    containers but no cycles, and each collection would rescan every filter (seconds)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _default_freq(kind: str, key: str) -> float:
    if key in (NO_LOCATION, NO_REMOTE, NONE):
        return _UNSTATED_FREQ
    if kind == "loc":
        return _LOC_FREQ[key.split(":", 1)[0]]
    if kind == "w":  # short words tend to be common, adjacent pairs rare
        if " " in key:
            return _DEFAULT_FREQ["w"] / 10
        return 0.2 if len(key) <= 3 else _DEFAULT_FREQ["w"]
    return _DEFAULT_FREQ[kind]


@dataclass
class _Plan:
    # (kind, [(key, key is decisive for its clause)]) for the 0, 1 or 2 clauses indexed
    clauses: list[tuple[str, list[tuple[str, bool]]]]
    rest_exact: bool  # no clause outside the index (other than a veto) needs checking
    veto: tuple[tuple[str, frozenset[str]], ...]  # (kind, keys): any in a posting rules it out
    gate: frozenset[str]  # posting flags (see alerts.clauses.FLAGS) that rule a posting out


class FilterIndex:
    """An inverted index of filters; ``match`` agrees exactly with :func:`brute_force`.

    ``key_freq``: share of postings carrying each (kind, key), from :func:`key_frequencies`
    on recent postings; it picks the most selective keys. ``verify_all``: check every
    candidate in full (plain Monitor behaviour), for comparison and testing.
    """

    def __init__(
        self,
        filters: Mapping[str, Filter],
        key_freq: KeyFreq | None = None,
        *,
        verify_all: bool = False,
    ) -> None:
        self._names = list(filters)
        self._clauses = [filters[name].clauses for name in self._names]
        self._freq = key_freq
        self._verify_all = verify_all
        # Per mode (True: a hit is a match, False: a hit is a candidate to check):
        self._all: dict[bool, list[int]] = {True: [], False: []}
        self._single: dict[bool, dict[str, dict[str, list[int]]]] = {True: {}, False: {}}
        self._pair: dict[bool, dict[tuple[str, str], dict[str, dict[str, list[int]]]]] = {
            True: {},
            False: {},
        }
        self._veto: dict[str, dict[str, list[int]]] = {}
        with _no_gc():
            self._plans = [self._plan(clauses) for clauses in self._clauses]
        # Every posting key some plan looks up, per kind (the batch engine indexes only these).
        self._wanted: dict[str, set[str]] = {}
        self._registered = False  # the per-posting tables are built on first use
        self._bigram_starts: set[str] = set()
        for plan in self._plans:
            for kind, keys in plan.clauses:
                self._wanted.setdefault(kind, set()).update(k for k, _ in keys)
            for veto_kind, veto_keys in plan.veto:
                self._wanted.setdefault(veto_kind, set()).update(veto_keys)
        self._gates = [plan.gate for plan in self._plans]
        self._open: dict[frozenset[str], set[int] | None] = {}
        self._bigram_starts = {k.split(" ", 1)[0] for k in self._wanted.get("w", ()) if " " in k}

    def _est(self, kind: str, key: str) -> float:
        if self._freq is None:
            return _default_freq(kind, key)
        return self._freq.get((kind, key), 0.0) + 1e-6

    def _keys(self, clause: Clause) -> tuple[list[tuple[str, bool]], float]:
        """One required key per group (the rarest), and the chance a posting has any."""
        assert clause.kind is not None
        kind = clause.kind
        keys: dict[str, bool] = {}
        for group in clause.groups:
            key = group[0] if len(group) == 1 else min(group, key=lambda k: self._est(kind, k))
            keys[key] = keys.get(key, False) or len(group) == 1
        return list(keys.items()), min(1.0, sum(self._est(kind, k) for k in keys))

    def _plan(self, clauses: tuple[Clause, ...]) -> _Plan:
        ranked: list[tuple[float, str, list[tuple[str, bool]]]] = []
        unindexed = 0
        veto: tuple[tuple[str, frozenset[str]], ...] = ()
        gate: frozenset[str] = frozenset()
        for clause in clauses:
            if clause.kind is not None:
                keys, cost = self._keys(clause)
                ranked.append((cost, clause.kind, keys))
            elif clause.veto_kind == "flag":
                gate |= clause.veto_keys
            elif clause.veto_kind is not None:
                veto += ((clause.veto_kind, clause.veto_keys),)
            else:
                unindexed += 1
        ranked.sort(key=lambda r: r[0])
        used = ranked[:2]
        if len(used) == 2 and len(used[0][2]) * len(used[1][2]) > _MAX_PAIR_KEYS:
            used = used[:1]
        rest_exact = unindexed == 0 and len(used) == len(ranked) and not self._verify_all
        if self._verify_all or not rest_exact:
            veto = ()  # candidates are checked in full anyway
        return _Plan([(r[1], r[2]) for r in used], rest_exact, veto, gate)

    def _register(self, fid: int, plan: _Plan) -> None:
        exact = plan.rest_exact
        for veto_kind, veto_keys in plan.veto:
            for veto_key in veto_keys:
                self._veto.setdefault(veto_kind, {}).setdefault(veto_key, []).append(fid)
        if not plan.clauses:
            self._all[exact].append(fid)
        elif len(plan.clauses) == 1:
            kind, keys = plan.clauses[0]
            table = self._single
            for key, key_exact in keys:
                table[exact and key_exact].setdefault(kind, {}).setdefault(key, []).append(fid)
        else:
            (kind_a, keys_a), (kind_b, keys_b) = sorted(plan.clauses)
            for key_a, exact_a in keys_a:
                for key_b, exact_b in keys_b:
                    mode = exact and exact_a and exact_b
                    outer = self._pair[mode].setdefault((kind_a, kind_b), {})
                    outer.setdefault(key_a, {}).setdefault(key_b, []).append(fid)

    def _hits(self, view: PostingView, mode: bool) -> set[int]:
        hits = set(self._all[mode])
        for kind, table in self._single[mode].items():
            for key in table.keys() & view.keys(kind):
                hits.update(table[key])
        for (kind_a, kind_b), outer in self._pair[mode].items():
            keys_b = view.keys(kind_b)
            for key_a in outer.keys() & view.keys(kind_a):
                inner = outer[key_a]
                for key_b in inner.keys() & keys_b:
                    hits.update(inner[key_b])
        return hits

    def match(
        self, postings: Sequence[Posting], now: datetime, *, engine: Engine = "auto"
    ) -> MatchResult:
        """Which filters each posting satisfies; ids per subscription in input order.

        Two engines give the same answer from the same plans. ``per_posting`` is the
        Monitor loop: for each posting, gather its filters from the index. ``per_filter``
        indexes the batch of postings by the keys the plans need and runs each filter's
        plan as set operations, which keeps the per-match work in C; ``auto`` takes it for
        batches of 64 postings or more.
        """
        if engine == "auto":
            engine = "per_filter" if len(postings) >= 64 else "per_posting"
        with _no_gc():
            if engine == "per_filter":
                return self._match_per_filter(postings, now)
            return self._match(postings, now)

    def _match_per_filter(self, postings: Sequence[Posting], now: datetime) -> MatchResult:
        views = [v for v in map(PostingView.of, postings) if v.eligible]
        ids = [v.posting.id for v in views]
        index: dict[str, dict[str, list[int]]] = {}
        for kind, wanted in self._wanted.items():
            table: dict[str, list[int]] = {}
            for pno, view in enumerate(views):
                if kind == "w":  # words, and only the bigrams some phrase key starts with
                    present = wanted.intersection(view.words)
                    if self._bigram_starts:
                        present.update(wanted.intersection(view.bigrams(self._bigram_starts)))
                else:
                    present = wanted.intersection(view.keys(kind))
                for key in present:
                    table.setdefault(key, []).append(pno)
            index[kind] = table
        empty: list[int] = []
        everything = range(len(views))
        # Unions over non-keyword keys (a country, a category...) repeat across thousands of
        # filters: build each once. Keyword unions are mostly unique: not cached.
        cache: dict[tuple[str, tuple[tuple[str, bool], ...], bool | None], frozenset[int]] = {}

        def union(kind: str, keys: list[tuple[str, bool]], want: bool | None) -> Set[int]:
            """Postings with any of ``keys`` (only exact keys if want is True, only
            inexact ones if False)."""
            table = index.get(kind, {})
            if kind != "w":
                ck = (kind, tuple(keys), want)
                got = cache.get(ck)
                if got is None:
                    got = cache[ck] = frozenset(
                        p for k, e in keys if want is None or e is want
                        for p in table.get(k, empty)
                    )
                return got
            out: set[int] = set()
            for key, key_exact in keys:
                if want is None or key_exact is want:
                    out.update(table.get(key, empty))
            return out

        found: dict[str, list[str]] = {}
        evaluations = verified = 0
        pick = ids.__getitem__
        gated: dict[frozenset[str], set[int] | None] = {}  # gate -> postings it lets through
        flag_sets = [view.flags for view in views]
        for name, plan, clauses in zip(self._names, self._plans, self._clauses, strict=True):
            sure: set[int]
            maybe: set[int]
            if plan.gate not in gated:
                gated[plan.gate] = let_through(plan.gate, flag_sets)
            allowed = gated[plan.gate]
            if not plan.clauses:
                sure = set(allowed or everything) if plan.rest_exact else set()
                maybe = set() if plan.rest_exact else set(allowed or everything)
            elif len(plan.clauses) == 1:
                kind, keys = plan.clauses[0]
                if len(keys) == 1 and keys[0][1] and plan.rest_exact and not plan.veto:
                    # One decisive key: its posting list is the answer, already in order.
                    hits = index.get(kind, {}).get(keys[0][0], empty)
                    if allowed is not None:
                        hits = [pno for pno in hits if pno in allowed]
                    verified += len(hits)
                    found[name] = list(map(pick, hits))
                    continue
                if not plan.rest_exact:
                    sure, maybe = set(), _own(union(kind, keys, None))
                elif all(e for _, e in keys):
                    sure, maybe = _own(union(kind, keys, True)), set()
                else:
                    sure = _own(union(kind, keys, True))
                    maybe = _own(union(kind, keys, False)) - sure
            else:
                (kind_a, keys_a), (kind_b, keys_b) = plan.clauses
                both = _own(union(kind_a, keys_a, None) & union(kind_b, keys_b, None))
                exact_a, exact_b = all(e for _, e in keys_a), all(e for _, e in keys_b)
                if not plan.rest_exact:
                    sure, maybe = set(), both
                elif exact_a and exact_b:
                    sure, maybe = both, set()
                else:
                    sure = both & union(kind_a, keys_a, True) & union(kind_b, keys_b, True)
                    maybe = both - sure
            for veto_kind, veto_keys in plan.veto:
                table = index.get(veto_kind, {})
                for veto_key in veto_keys:
                    vetoed = table.get(veto_key, empty)
                    sure.difference_update(vetoed)
                    maybe.difference_update(vetoed)
            if allowed is not None:
                sure &= allowed
                maybe &= allowed
            verified += len(sure)
            evaluations += len(maybe)
            for pno in maybe:
                if check_clauses(clauses, views[pno], now):
                    sure.add(pno)
            found[name] = list(map(pick, sorted(sure)))
        return MatchResult(matches=found, evaluations=evaluations, verified=verified)

    def _match(self, postings: Sequence[Posting], now: datetime) -> MatchResult:
        if not self._registered:
            for fid, plan in enumerate(self._plans):
                self._register(fid, plan)
            self._registered = True
        found: list[list[str]] = [[] for _ in self._names]
        add = [ids.append for ids in found]
        clauses = self._clauses
        veto_index = self._veto
        evaluations = verified = 0
        for posting in postings:
            view = PostingView.of(posting)
            if not view.eligible:
                continue
            pid = posting.id
            sure = self._hits(view, True)
            candidates = self._hits(view, False)
            candidates -= sure
            for kind, table in veto_index.items():
                for key in table.keys() & (view.words if kind == "w" else view.keys(kind)):
                    sure.difference_update(table[key])
                    candidates.difference_update(table[key])
            if view.flags not in self._open:
                self._open[view.flags] = let_through(view.flags, self._gates)
            allowed = self._open[view.flags]
            if allowed is not None:
                sure &= allowed
                candidates &= allowed
            verified += len(sure)
            for fid in sure:
                add[fid](pid)
            evaluations += len(candidates)
            for fid in candidates:
                if check_clauses(clauses[fid], view, now):
                    add[fid](pid)
        return MatchResult(
            matches=dict(zip(self._names, found, strict=True)),
            evaluations=evaluations,
            verified=verified,
        )


def brute_force(
    filters: Mapping[str, Filter], postings: Sequence[Posting], now: datetime
) -> dict[str, list[str]]:
    """Every filter against every posting: the reference for :class:`FilterIndex`."""
    views = [PostingView.of(p) for p in postings]
    return {
        name: [v.posting.id for v in views if flt.matches_view(v, now)]
        for name, flt in filters.items()
    }
