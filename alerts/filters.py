"""Saved filters (SPEC §2 ``filter:``) and their exact matching semantics.

A :class:`Filter` is validated at load: unknown keys, unknown places, unusable keywords,
malformed seasons or months are errors that name the offending value, never ignored.

Semantics of :meth:`Filter.matches` (the reference the indexed matcher must agree with):

- Only open postings match: ``kind == "posting"`` and ``closed_at is None``.
- Lists are any-of, different keys all-of; an empty filter matches every open posting.
- ``strict: false`` (default): a posting that does not state a field passes on it;
  ``strict: true``: it fails. "Not stated": no locations (place entries) or ``remote`` null
  (the ``remote`` entry); no categories; no seasons; no graduation window (or one with
  neither end); pay unknown (see :mod:`alerts.pay`); neither a parseable ``posted_at`` nor
  ``first_seen``. Title and company are always stated, so ``keywords`` and ``companies``
  never pass by default; ``exclude`` ignores ``strict``.
- ``keywords``/``exclude``: each entry is a word or a phrase (surrounding quotes optional),
  matched case-insensitively as whole words (see :func:`tokenize`) in the title or in the
  description; a phrase must appear as consecutive words in one of them. "ml" does not
  match "html"; "full-stack" matches "full stack".
- ``companies``: equal after :func:`company_key` ("Stripe, Inc." == "stripe").
- ``locations``: see :mod:`alerts.places`; an entry with several readings keeps them all.
  A posting that states a place but not ``remote`` is taken as not remote: ``[London,
  remote]`` does not pass a Paris posting whose ``remote`` is null; with no place and no
  ``remote`` stated, the location is unstated and passes when ``strict`` is false.
- ``seasons``: equal after :func:`season_key` ("summer 2027" == "Summer 2027";
  "Autumn" == "Fall").
- ``graduation``: the month lies in the posting's ``[from, to]`` window (open ends allowed).
- ``min_pay``: the posting's max (else min) converted to the filter's period is at least
  ``amount``; only in the filter's currency (see :mod:`alerts.pay`).
- ``posted_within_days``: ``posted_at`` (else ``first_seen``) at most N days before ``now``;
  naive datetimes are UTC. Unparseable dates count as not stated.
- ``exclude_companies``: none of these (by :func:`company_key`); ignores ``strict``.
- ``needs_sponsorship``: the posting's ``sponsorship`` is ``yes`` (``no`` and
  ``citizens_only`` fail; unstated passes unless ``strict``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Set
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from alerts.pay import at_least, comparable_pay
from alerts.places import REMOTE_KEY, location_keys, norm, resolve_place
from store.models import Category, Per, Posting

# A word: letters/digits, joined by inner dots or apostrophes ("node.js", "don't"),
# with trailing + or # kept ("c++", "c#"). Hyphens and slashes separate words.
_WORD = re.compile(r"\w+(?:['.]\w+)*[+#]*")

NO_LOCATION = "loc:none"
NO_REMOTE = "remote:none"
NONE = "~none"  # marker key for an unstated categories/seasons list

_LEGAL_SUFFIXES = frozenset({
    "inc", "incorporated", "llc", "ltd", "limited", "corp", "corporation", "co", "company",
    "gmbh", "plc", "sa", "ag", "bv", "nv", "pty", "llp", "lp", "se", "sarl", "srl", "spa",
    "ab", "oy", "kk", "pte", "pvt",
})
_SEASON = re.compile(r"^(spring|summer|fall|winter) \d{4}$")


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
    return [singular(w) for w in _WORD.findall(text.lower())]


def company_key(name: str) -> str:
    """Case-, accent-, punctuation- and legal-suffix-insensitive company identity."""
    words = norm(name.replace("&", " and ").replace(".", "")).split()
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    if len(words) > 1 and words[0] == "the":
        words.pop(0)
    return "".join(words)


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
    _terms: frozenset[str] | None = None
    _texts: tuple[str, str] | None = None

    @classmethod
    def of(cls, posting: Posting) -> PostingView:
        title = tokenize(posting.title)
        desc = tokenize(posting.description)
        places: set[str] = set()
        for loc in posting.locations:
            places |= location_keys(loc)
        # remote unknown counts as unstated only when no place is stated either: a
        # posting that names its city and says nothing of remote work is not remote
        if not places:
            places.add(NO_LOCATION)
            if posting.remote is None:
                places.add(NO_REMOTE)
        if posting.remote == "remote":
            places.add(REMOTE_KEY)
        grad = posting.graduation
        window = None
        if grad is not None and (grad.from_ is not None or grad.to is not None):
            window = (grad.from_, grad.to)
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
        raise KeyError(kind)


class Clause:
    """One filter key, compiled. ``check`` is the semantics.

    Indexable clauses set ``kind`` (which posting key set they look at) and ``groups``:
    the clause can only hold when, for some group, every key of the group is among the
    posting's keys of that kind. ``exact`` means the converse holds too (all groups are
    single keys), so an index hit needs no further check.
    """

    kind: str | None = None
    groups: tuple[tuple[str, ...], ...] = ()
    exact: bool = False

    def check(self, view: PostingView, now: datetime) -> bool:
        raise NotImplementedError


class KeySetClause(Clause):
    """Any-of over a key set: companies, locations, categories, seasons."""

    __slots__ = ("keys", "kind", "groups")

    kind: str
    exact = True

    def __init__(self, kind: str, keys: Iterable[str]) -> None:
        self.kind = kind
        self.keys = frozenset(keys)
        self.groups = tuple((k,) for k in sorted(self.keys))

    def check(self, view: PostingView, now: datetime) -> bool:
        return not self.keys.isdisjoint(view.keys(self.kind))


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
    __slots__ = ("words", "phrases", "groups", "exact")

    kind = "w"

    def __init__(self, entries: Iterable[str]) -> None:
        self.words, self.phrases = _compile_terms(entries)
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


class ExcludeClause(Clause):
    __slots__ = ("words", "phrases")

    def __init__(self, entries: Iterable[str]) -> None:
        self.words, self.phrases = _compile_terms(entries)

    def check(self, view: PostingView, now: datetime) -> bool:
        if not self.words.isdisjoint(view.words):
            return False
        return not (self.phrases and _has_phrase(view, self.phrases))


class GraduationClause(Clause):
    __slots__ = ("month", "strict")

    def __init__(self, month: str, strict: bool) -> None:
        self.month, self.strict = month, strict

    def check(self, view: PostingView, now: datetime) -> bool:
        if view.graduation is None:
            return not self.strict
        lo, hi = view.graduation
        return (lo is None or lo <= self.month) and (hi is None or self.month <= hi)


class MinPayClause(Clause):
    __slots__ = ("amount", "per", "currency", "strict")

    def __init__(self, amount: float, per: Per, currency: str, strict: bool) -> None:
        self.amount, self.per, self.currency, self.strict = amount, per, currency, strict

    def check(self, view: PostingView, now: datetime) -> bool:
        value = comparable_pay(view.posting.pay, self.currency, self.per)
        if value is None:
            return not self.strict
        return at_least(value, self.amount)


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


class ExcludeCompaniesClause(Clause):
    """None of these companies (by :func:`company_key`)."""

    __slots__ = ("keys",)

    def __init__(self, names: Iterable[str]) -> None:
        self.keys = frozenset(company_key(n) for n in names)

    def check(self, view: PostingView, now: datetime) -> bool:
        return view.company not in self.keys


class SponsorshipClause(Clause):
    """``needs_sponsorship``: drop postings that state no sponsorship or citizens only."""

    __slots__ = ("strict",)

    def __init__(self, strict: bool) -> None:
        self.strict = strict

    def check(self, view: PostingView, now: datetime) -> bool:
        stated = view.posting.sponsorship
        if stated is None:
            return not self.strict
        return stated == "yes"


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


class MinPay(BaseModel):
    """Lowest acceptable pay: ``amount`` ``currency`` per ``per``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    amount: float = Field(ge=0)
    per: Literal["hour", "day", "week", "month", "year"]
    currency: str = Field(default="USD", pattern=r"^[A-Za-z]{3}$")

    @field_validator("currency")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()


def _no_blank_terms(values: list[str], key: str) -> list[str]:
    for value in values:
        if not tokenize(value):
            raise ValueError(f"{key} entry {value!r} has no words to match")
    return values


class Filter(BaseModel):
    """One subscription's ``filter:`` (SPEC §2). See the module docstring for semantics."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    keywords: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    companies: list[str] = Field(default_factory=list)
    locations: list[str] = Field(default_factory=list)
    categories: list[Category] = Field(default_factory=list)
    seasons: list[str] = Field(default_factory=list)
    graduation: str | None = Field(default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    min_pay: MinPay | None = None
    posted_within_days: int | None = Field(default=None, ge=0)
    exclude_companies: list[str] = Field(default_factory=list)
    needs_sponsorship: bool = False
    strict: bool = False

    _clauses: tuple[Clause, ...] = PrivateAttr(default=())

    @model_validator(mode="before")
    @classmethod
    def _name_unknown_keys(cls, data: Any) -> Any:
        """Say which key is unknown and what was probably meant (extra="forbid" backs it)."""
        if isinstance(data, dict):
            known = set(cls.model_fields)
            unknown = [k for k in data if k not in known]
            if unknown:
                hints = []
                for key in unknown:
                    close = difflib.get_close_matches(str(key), sorted(known), n=1)
                    hints.append(f"{key!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
                raise ValueError(
                    "unknown filter key " + ", ".join(hints) + "; known keys: "
                    + ", ".join(sorted(known))
                )
        return data

    @field_validator("keywords", "exclude")
    @classmethod
    def _terms(cls, values: list[str], info: Any) -> list[str]:
        return _no_blank_terms(values, info.field_name)

    @field_validator("companies", "exclude_companies")
    @classmethod
    def _companies(cls, values: list[str]) -> list[str]:
        for value in values:
            if not company_key(value):
                raise ValueError(f"companies entry {value!r} has no name to match")
        return values

    @field_validator("locations")
    @classmethod
    def _places(cls, values: list[str]) -> list[str]:
        for value in values:
            resolve_place(value)  # raises UnknownPlaceError (a ValueError) naming the value
        return values

    @field_validator("seasons")
    @classmethod
    def _seasons(cls, values: list[str]) -> list[str]:
        for value in values:
            if not _SEASON.match(season_key(value)):
                raise ValueError(
                    f"season {value!r} is not 'Spring|Summer|Fall|Autumn|Winter YYYY'"
                )
        return values

    def model_post_init(self, context: Any) -> None:
        self._clauses = tuple(self._compile())

    def _compile(self) -> Iterable[Clause]:
        if self.keywords:
            yield KeywordsClause(self.keywords)
        if self.exclude:
            yield ExcludeClause(self.exclude)
        if self.companies:
            yield KeySetClause("co", (company_key(c) for c in self.companies))
        if self.locations:
            keys: set[str] = set()
            for entry in self.locations:
                keys |= resolve_place(entry)
            if not self.strict:
                if keys - {REMOTE_KEY}:
                    keys.add(NO_LOCATION)
                if REMOTE_KEY in keys:
                    keys.add(NO_REMOTE)
            yield KeySetClause("loc", keys)
        for kind, values in (("cat", self.categories), ("season", self.seasons)):
            if values:
                keys = {season_key(v) for v in values} if kind == "season" else set(values)
                if not self.strict:
                    keys.add(NONE)
                yield KeySetClause(kind, keys)
        if self.graduation is not None:
            yield GraduationClause(self.graduation, self.strict)
        if self.min_pay is not None:
            yield MinPayClause(
                self.min_pay.amount, self.min_pay.per, self.min_pay.currency, self.strict
            )
        if self.posted_within_days is not None:
            yield PostedWithinClause(self.posted_within_days, self.strict)
        if self.exclude_companies:
            yield ExcludeCompaniesClause(self.exclude_companies)
        if self.needs_sponsorship:
            yield SponsorshipClause(self.strict)

    @property
    def clauses(self) -> tuple[Clause, ...]:
        """The compiled keys, for the index in :mod:`alerts.matcher`."""
        return self._clauses

    def matches_view(self, view: PostingView, now: datetime) -> bool:
        """:meth:`matches` on a precomputed view (the same semantics, cheaper in bulk)."""
        return check_clauses(self._clauses, view, now)

    def matches(self, posting: Posting, now: datetime) -> bool:
        """Whether this filter selects ``posting`` at time ``now`` (the reference)."""
        return self.matches_view(PostingView.of(posting), now)
