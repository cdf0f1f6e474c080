"""Saved filters (SPEC §2 ``filter:``) and their exact matching semantics.

A :class:`Filter` is validated at load: unknown keys, unknown places, unusable keywords,
malformed seasons or months are errors that name the offending value, never ignored.

Semantics of :meth:`Filter.matches` (the reference the indexed matcher must agree with):

- Only open postings match: ``kind == "posting"`` and ``closed_at is None``; and, unless
  ``internships_only: false``, only internships (``is_internship``).
- Lists are any-of, different keys all-of; an empty filter matches every open internship.
- ``strict: false`` (default): a posting that does not state a field passes on it;
  ``strict: true``: it fails. "Not stated": no locations (place entries) or ``remote`` null
  (the ``remote`` entry); no categories; no seasons; no graduation window (or one with
  neither end); pay unknown (see :mod:`alerts.pay`); neither a parseable ``posted_at`` nor
  ``first_seen``; ``sponsorship`` null (for ``needs_sponsorship``). Title and company are
  always stated, so ``keywords`` and ``companies`` never pass by default; ``exclude`` and
  ``exclude_companies`` ignore ``strict``.
- ``keywords``/``exclude``: each entry is a word or a phrase (surrounding quotes optional),
  matched case-insensitively as whole words (see :func:`tokenize`) in the title or in the
  description; a phrase must appear as consecutive words in one of them. "ml" does not
  match "html"; "full-stack" matches "full stack".
- ``companies``: equal after :func:`store.names.company_key`, the rule search and
  de-duplication use too ("Palantir Technologies Inc." == "palantir").
- ``locations``: resolved by the one place table (:func:`store.places.resolve_place`,
  as search does); an entry with several readings keeps them all.
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
- ``exclude_companies``: the company is none of these, by the same company rule.
- ``needs_sponsorship: true``: drops postings whose ``sponsorship`` is ``no`` or
  ``citizens_only`` (and, with ``strict``, those that do not state it).
- ``internships_only`` (default true): drops postings whose ``is_internship`` is false.

:meth:`Filter.reasons` says why a matching posting matched (SPEC §5), from the same
clauses: the student's own entries it met ("data science", "Singapore"), or "location not
stated" where it passed a key by not stating the field. The clauses themselves live in
:mod:`alerts.clauses`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from alerts.clauses import (
    NO_LOCATION,
    NO_REMOTE,
    NO_SPONSORSHIP,
    NONE,
    NOT_INTERN,
    SPONSORSHIP_UNSTATED,
    Clause,
    ExcludeClause,
    GraduationClause,
    KeySetClause,
    KeywordsClause,
    MinPayClause,
    PostedWithinClause,
    PostingView,
    VetoClause,
    check_clauses,
    reasons,
    season_key,
    tokenize,
)
from store.models import Category, Posting
from store.names import company_key
from store.places import REMOTE_KEY, resolve_place

_SEASON = re.compile(r"^(spring|summer|fall|winter) \d{4}$")


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


def _labelled(values: Iterable[str], keys_of: Any) -> tuple[set[str], dict[str, str]]:
    """Every key of the entries, and for each key the first entry (as written) giving it."""
    keys: set[str] = set()
    labels: dict[str, str] = {}
    for value in values:
        for key in keys_of(value):
            keys.add(key)
            labels.setdefault(key, value)
    return keys, labels


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
    internships_only: bool = True
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
    def _companies(cls, values: list[str], info: Any) -> list[str]:
        for value in values:
            if not company_key(value):
                raise ValueError(f"{info.field_name} entry {value!r} has no name to match")
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
        if self.exclude_companies:
            yield VetoClause("co", (company_key(c) for c in self.exclude_companies))
        if self.internships_only:
            yield VetoClause("flag", (NOT_INTERN,))
        if self.needs_sponsorship:
            vetoed = {NO_SPONSORSHIP, SPONSORSHIP_UNSTATED} if self.strict else {NO_SPONSORSHIP}
            said = {SPONSORSHIP_UNSTATED: "sponsorship not stated", None: "visa sponsorship"}
            yield VetoClause("flag", vetoed, said)
        if self.companies:
            yield KeySetClause("co", *_labelled(self.companies, lambda c: {company_key(c)}), "company")
        if self.locations:
            keys, labels = _labelled(self.locations, resolve_place)
            markers = set()
            if not self.strict:
                if keys - {REMOTE_KEY}:
                    markers.add(NO_LOCATION)
                if REMOTE_KEY in keys:
                    markers.add(NO_REMOTE)
            yield KeySetClause("loc", keys | markers, labels, "location", frozenset(markers))
        for kind, field, values in (("cat", "category", self.categories),
                                    ("season", "season", self.seasons)):
            if values:
                key_of = season_key if kind == "season" else str
                keys, labels = _labelled(values, lambda v, k=key_of: {k(v)})
                unstated = frozenset() if self.strict else frozenset({NONE})
                yield KeySetClause(kind, keys | unstated, labels, field, unstated)
        if self.graduation is not None:
            yield GraduationClause(self.graduation, self.strict)
        if self.min_pay is not None:
            yield MinPayClause(
                self.min_pay.amount, self.min_pay.per, self.min_pay.currency, self.strict
            )
        if self.posted_within_days is not None:
            yield PostedWithinClause(self.posted_within_days, self.strict)

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

    def reasons(self, posting: Posting) -> list[str]:
        """Why ``posting`` matched, in a few words per key, for the message line (SPEC §5):
        ``["data science", "Singapore"]``. A key the posting passed without stating it
        says so ("location not stated"); a filter with no such key gives
        ``["every new internship"]`` (or "posting" when ``internships_only`` is false)."""
        found = reasons(self._clauses, PostingView.of(posting))
        if found:
            return found
        return ["every new internship" if self.internships_only else "every new posting"]
