"""Compiled filter keys (clauses) and the per-posting view they are checked against.

:class:`alerts.filters.Filter` compiles each key of a saved filter into one
:class:`Clause`; :func:`check_clauses` is the reference semantics and
:class:`alerts.matcher.FilterIndex` plans its index from the same clauses:

- indexable clauses (``kind`` set) can only hold when the posting has one of their keys;
- veto clauses (``veto_kind`` set) fail exactly when the posting has one of their keys:
  single-word ``exclude``, ``exclude_companies``, ``internships_only`` and
  ``needs_sponsorship`` (their posting keys are words, company keys and :data:`FLAGS`);
- every other clause is checked on the candidates.

Each clause can also say in a few words why a posting passed it (:meth:`Clause.why`), for
the "matched: ..." line of a message (SPEC §5).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from alerts.pay import at_least, comparable_pay
from store.models import Per, Posting
from store.names import company_key, fold, norm
from store.places import REMOTE_KEY, place_keys

# A word: letters/digits, joined by inner dots or apostrophes ("node.js", "don't"),
# with trailing + or # kept ("c++", "c#"). Hyphens and slashes separate words.
_WORD = re.compile(r"\w+(?:['.]\w+)*[+#]*")

NO_LOCATION = "loc:none"
NO_REMOTE = "remote:none"
NONE = "~none"  # marker key for an unstated categories/seasons list

# Posting flags (kind "flag"): what internships_only and needs_sponsorship veto on.
NOT_INTERN = "not_intern"
NO_SPONSORSHIP = "no_sponsorship"  # states no sponsorship, or citizens only
SPONSORSHIP_UNSTATED = "sponsorship_unstated"
FLAGS = (NOT_INTERN, NO_SPONSORSHIP, SPONSORSHIP_UNSTATED)
MAX_REASONS = 4


def singular(word: str) -> str:
    """A light plural folding applied to both sides, so "internship" finds "internships"
    and "analyst" finds "analysts" ("ies" -> "y"; a final "s" after a consonant or vowel,
    but not in "ss", "us", "is" or words of 3 letters or fewer)."""
    if not word.isalpha():  # node.js, c++, don't stay as they are
        return word
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    """Lower-case, plural-folded words of ``text`` in order (the unit of keyword matching)."""
    return [singular(w) for w in _WORD.findall(fold(text))]


def season_key(season: str) -> str:
    return norm(season).replace("autumn", "fall")


def parse_when(value: str | None) -> datetime | None:
    """An ISO datetime (or date) as aware UTC, or None when absent or unparseable."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


@dataclass(slots=True)
class PostingView:
    """What matching needs from one posting, computed once per posting.

    Key sets (``places``, ``categories``, ``seasons``) carry a marker for "not stated",
    so that a non-strict filter's keys include the marker and the inverted index and the
    reference check stay one rule.
    """

    eligible: bool
    title: list[str]  # tokens
    description: list[str]
    words: frozenset[str]
    company: str
    places: frozenset[str]
    categories: frozenset[str]
    seasons: frozenset[str]
    graduation: tuple[str | None, str | None] | None
    posting: Posting
    when: datetime | None
    flags: frozenset[str]
    _terms: frozenset[str] | None = None
    _texts: tuple[str, str] | None = None

    @classmethod
    def of(cls, posting: Posting) -> PostingView:
        title = tokenize(posting.title)
        desc = tokenize(posting.description)
        places = set(place_keys(posting.locations, posting.remote))  # as search reads them
        # remote unknown counts as unstated only when no place is stated either: a
        # posting that names its city and says nothing of remote work is not remote
        if not places - {REMOTE_KEY}:
            places.add(NO_LOCATION)
            if posting.remote is None:
                places.add(NO_REMOTE)
        grad = posting.graduation
        window = None
        if grad is not None and (grad.from_ is not None or grad.to is not None):
            window = (grad.from_, grad.to)
        flags = {NOT_INTERN} if not posting.is_internship else set()
        if posting.sponsorship in ("no", "citizens_only", None):
            flags.add(NO_SPONSORSHIP if posting.sponsorship else SPONSORSHIP_UNSTATED)
        return cls(
            eligible=posting.kind == "posting" and posting.closed_at is None,
            title=title,
            description=desc,
            words=frozenset(title).union(desc),
            company=company_key(posting.company),
            places=frozenset(places),
            categories=frozenset(posting.categories) or frozenset({NONE}),
            seasons=frozenset(season_key(s) for s in posting.seasons) or frozenset({NONE}),
            graduation=window,
            posting=posting,
            when=parse_when(posting.posted_at) or parse_when(posting.first_seen),
            flags=frozenset(flags),
        )

    @property
    def texts(self) -> tuple[str, str]:
        """Title and description as " w1 w2 ... " for phrase search (built on first use)."""
        if self._texts is None:
            self._texts = (
                " " + " ".join(self.title) + " ",
                " " + " ".join(self.description) + " ",
            )
        return self._texts

    @property
    def terms(self) -> frozenset[str]:
        """Words plus "w1 w2" bigrams of adjacent words (within title, within description)."""
        if self._terms is None:
            self._terms = self.words.union(self.bigrams())
        return self._terms

    def bigrams(self, starts: Set[str] | None = None) -> set[str]:
        """Adjacent word pairs, optionally only those whose first word is in ``starts``."""
        out: set[str] = set()
        for tokens in (self.title, self.description):
            for first, second in zip(tokens, tokens[1:], strict=False):
                if starts is None or first in starts:
                    out.add(first + " " + second)
        return out

    def keys(self, kind: str) -> frozenset[str]:
        """The posting's index keys for a clause kind (see :attr:`Clause.kind`)."""
        if kind == "w":
            return self.terms
        if kind == "co":
            return frozenset((self.company,))
        if kind == "loc":
            return self.places
        if kind == "cat":
            return self.categories
        if kind == "season":
            return self.seasons
        if kind == "flag":
            return self.flags
        raise KeyError(kind)


class Clause:
    """One filter key, compiled. ``check`` is the semantics.

    Indexable clauses set ``kind`` (which posting key set they look at) and ``groups``:
    the clause can only hold when, for some group, every key of the group is among the
    posting's keys of that kind. ``exact`` means the converse holds too (all groups are
    single keys), so an index hit needs no further check. Veto clauses set ``veto_kind``
    and ``veto_keys``: they hold exactly when the posting has none of those keys.
    """

    kind: str | None = None
    groups: tuple[tuple[str, ...], ...] = ()
    exact: bool = False
    veto_kind: str | None = None
    veto_keys: frozenset[str] = frozenset()

    def check(self, view: PostingView, now: datetime) -> bool:
        raise NotImplementedError

    def why(self, view: PostingView) -> str | None:
        """A few words on why a passing posting passed, or None when not worth saying."""
        return None


class KeySetClause(Clause):
    """Any-of over a key set: companies, locations, categories, seasons.

    ``labels`` maps a key to the student's own words for it (``why`` names those);
    ``unstated`` is the marker key a posting has when it does not state the field.
    """

    __slots__ = ("keys", "kind", "groups", "labels", "field", "unstated")

    kind: str
    exact = True

    def __init__(self, kind: str, keys: Iterable[str], labels: Mapping[str, str],
                 field: str, unstated: frozenset[str] = frozenset()) -> None:
        self.kind = kind
        self.keys = frozenset(keys)
        self.groups = tuple((k,) for k in sorted(self.keys))
        self.labels, self.field, self.unstated = labels, field, unstated

    def check(self, view: PostingView, now: datetime) -> bool:
        return not self.keys.isdisjoint(view.keys(self.kind))

    def why(self, view: PostingView) -> str | None:
        found = self.keys.intersection(view.keys(self.kind))
        named = dict.fromkeys(self.labels[k] for k in sorted(found) if k in self.labels)
        if named:
            return ", ".join(named)
        return f"{self.field} not stated" if found & self.unstated else None


def _compile_terms(entries: Iterable[str]) -> tuple[frozenset[str], tuple[tuple[str, ...], ...]]:
    words: set[str] = set()
    phrases: list[tuple[str, ...]] = []
    for entry in entries:
        toks = tuple(tokenize(entry))
        if len(toks) == 1:
            words.add(toks[0])
        else:
            phrases.append(toks)
    return frozenset(words), tuple(phrases)


def _has_phrase(view: PostingView, phrases: tuple[tuple[str, ...], ...]) -> bool:
    for toks in phrases:
        if view.words.issuperset(toks):
            needle = " " + " ".join(toks) + " "
            title, description = view.texts
            if needle in title or needle in description:
                return True
    return False


class KeywordsClause(Clause):
    __slots__ = ("words", "phrases", "groups", "exact", "entries")

    kind = "w"

    def __init__(self, entries: Iterable[str]) -> None:
        self.entries = tuple(entries)
        self.words, self.phrases = _compile_terms(self.entries)
        # A phrase needs every one of its adjacent pairs: any one is a usable index key, and
        # for a two-word phrase the pair *is* the phrase (an exact key).
        self.groups = tuple((w,) for w in sorted(self.words)) + tuple(
            tuple(" ".join(pair) for pair in zip(p, p[1:], strict=False))
            for p in self.phrases
        )
        self.exact = all(len(group) == 1 for group in self.groups)

    def check(self, view: PostingView, now: datetime) -> bool:
        if not self.words.isdisjoint(view.words):
            return True
        return bool(self.phrases) and _has_phrase(view, self.phrases)

    def why(self, view: PostingView) -> str | None:
        found = []
        for entry in self.entries:
            toks = tuple(tokenize(entry))
            if toks[0] in view.words if len(toks) == 1 else _has_phrase(view, (toks,)):
                found.append(entry.strip().strip("\"'"))
        return ", ".join(dict.fromkeys(found)) or None


class ExcludeClause(Clause):
    """None of the words or phrases; without phrases, a veto on words."""

    __slots__ = ("words", "phrases", "veto_kind", "veto_keys")

    def __init__(self, entries: Iterable[str]) -> None:
        self.words, self.phrases = _compile_terms(entries)
        self.veto_kind = None if self.phrases else "w"
        self.veto_keys = self.words

    def check(self, view: PostingView, now: datetime) -> bool:
        if not self.words.isdisjoint(view.words):
            return False
        return not (self.phrases and _has_phrase(view, self.phrases))


class VetoClause(Clause):
    """Fails when the posting has one of ``veto_keys`` among its ``veto_kind`` keys:
    ``exclude_companies`` (company keys), ``internships_only`` and ``needs_sponsorship``
    (posting flags). ``said`` maps a posting flag to the words for a passing posting that
    has it, and None to the words for one that has none of them.
    """

    __slots__ = ("veto_kind", "veto_keys", "said")

    veto_kind: str

    def __init__(self, kind: str, keys: Iterable[str],
                 said: Mapping[str | None, str] | None = None) -> None:
        self.veto_kind, self.veto_keys, self.said = kind, frozenset(keys), said or {}

    def check(self, view: PostingView, now: datetime) -> bool:
        return self.veto_keys.isdisjoint(view.keys(self.veto_kind))

    def why(self, view: PostingView) -> str | None:
        for flag in view.flags:
            if flag in self.said:
                return self.said[flag]
        return self.said.get(None)


class GraduationClause(Clause):
    __slots__ = ("month", "strict")

    def __init__(self, month: str, strict: bool) -> None:
        self.month, self.strict = month, strict

    def check(self, view: PostingView, now: datetime) -> bool:
        if view.graduation is None:
            return not self.strict
        lo, hi = view.graduation
        return (lo is None or lo <= self.month) and (hi is None or self.month <= hi)

    def why(self, view: PostingView) -> str:
        return f"graduating {self.month}" if view.graduation else "graduation not stated"


class MinPayClause(Clause):
    __slots__ = ("amount", "per", "currency", "strict")

    def __init__(self, amount: float, per: Per, currency: str, strict: bool) -> None:
        self.amount, self.per, self.currency, self.strict = amount, per, currency, strict

    def check(self, view: PostingView, now: datetime) -> bool:
        value = comparable_pay(view.posting.pay, self.currency, self.per)
        if value is None:
            return not self.strict
        return at_least(value, self.amount)

    def why(self, view: PostingView) -> str:
        if comparable_pay(view.posting.pay, self.currency, self.per) is None:
            return "pay not stated"
        return f"pay {self.amount:g}+ {self.currency}/{self.per}"


class PostedWithinClause(Clause):
    __slots__ = ("days", "strict")

    def __init__(self, days: int, strict: bool) -> None:
        self.days, self.strict = timedelta(days=days), strict

    def check(self, view: PostingView, now: datetime) -> bool:
        if view.when is None:
            return not self.strict
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        return now - view.when <= self.days


def check_clauses(clauses: tuple[Clause, ...], view: PostingView, now: datetime) -> bool:
    """All-of over a filter's compiled clauses, for open postings only.

    A free function so bulk callers can hold the clause tuple (reading a pydantic private
    attribute per call costs more than the check itself).
    """
    if not view.eligible:
        return False
    for clause in clauses:  # noqa: SIM110 (a plain loop is faster than all())
        if not clause.check(view, now):
            return False
    return True


def let_through(flags: frozenset[str], others: Sequence[frozenset[str]]) -> set[int] | None:
    """Positions of ``others`` sharing no flag with ``flags`` (None: all of them). A filter
    sees a posting only when the filter's gate and the posting's flags are disjoint."""
    out = {i for i, other in enumerate(others) if flags.isdisjoint(other)}
    return None if len(out) == len(others) else out


def reasons(clauses: tuple[Clause, ...], view: PostingView) -> list[str]:
    """Why a matching posting matched, in a few words per key (at most MAX_REASONS)."""
    found = [why for why in (c.why(view) for c in clauses) if why]
    return found[:MAX_REASONS]
