"""Semantics of saved filters (SPEC §2 ``filter:``), key by key, strict on and off."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from alerts.filters import Filter, tokenize
from alerts.pay import comparable_pay, convert
from store.models import Location, Pay, Posting
from store.names import company_key
from store.places import UnknownPlaceError, location_keys, resolve_place

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def posting(**fields: Any) -> Posting:
    base: dict[str, Any] = {
        "id": "src:1",
        "source": "src",
        "company": "Acme",
        "title": "Software Engineering Intern",
        "url": "https://example.com/1",
        "is_internship": True,
    }
    base.update(fields)
    return Posting.model_validate(base)


LONDON = [{"city": "London", "region": "England", "country": "GB"}]
SF = [{"city": "San Francisco", "region": "California", "country": "US"}]
SG = [{"city": "Singapore", "country": "SG"}]
ONTARIO = [{"city": "London", "region": "Ontario", "country": "CA"}]

# (filter, posting fields, expected with strict false, expected with strict true)
CASES: list[tuple[str, dict[str, Any], dict[str, Any], bool, bool]] = [
    ("empty filter", {}, {}, True, True),
    # keywords: whole words or phrases, case-insensitive, title or description
    ("kw word in title", {"keywords": ["software"]}, {}, True, True),
    ("kw case", {"keywords": ["SOFTWARE"]}, {}, True, True),
    ("kw in description", {"keywords": ["python"]}, {"description": "We use Python."}, True, True),
    ("kw not substring", {"keywords": ["ml"]}, {"description": "HTML and CSS"}, False, False),
    ("kw absent", {"keywords": ["rust"]}, {"description": "Go and Java"}, False, False),
    ("kw any-of", {"keywords": ["rust", "java"]}, {"description": "Go and Java"}, True, True),
    (
        "kw phrase",
        {"keywords": ["data science"]},
        {"description": "Join our data science team"},
        True,
        True,
    ),
    (
        "kw phrase words apart",
        {"keywords": ["data science"]},
        {"description": "science of data"},
        False,
        False,
    ),
    (
        "kw quoted phrase",
        {"keywords": ['"data science"']},
        {"title": "Data Science Intern"},
        True,
        True,
    ),
    (
        "kw phrase not across title and description",
        {"keywords": ["intern data"]},
        {"title": "Intern", "description": "data pipelines"},
        False,
        False,
    ),
    ("kw c++", {"keywords": ["C++"]}, {"description": "C++ and C#"}, True, True),
    ("kw c not c++", {"keywords": ["c"]}, {"description": "C++ and C#"}, False, False),
    ("kw hyphen", {"keywords": ["full-stack"]}, {"description": "a full stack role"}, True, True),
    # exclude: none of these, strict irrelevant
    ("exclude hit", {"exclude": ["senior"]}, {"title": "Senior Engineer"}, False, False),
    ("exclude miss", {"exclude": ["senior"]}, {"title": "Engineer"}, True, True),
    (
        "exclude phrase",
        {"exclude": ["full time"]},
        {"description": "This is a full-time role"},
        False,
        False,
    ),
    ("exclude word inside word", {"exclude": ["lead"]}, {"description": "leadership"}, True, True),
    # companies
    ("company case", {"companies": ["ACME"]}, {}, True, True),
    ("company suffix", {"companies": ["Acme, Inc."]}, {"company": "acme"}, True, True),
    ("company other", {"companies": ["Stripe"]}, {}, False, False),
    # locations
    ("country name", {"locations": ["United Kingdom"]}, {"locations": LONDON}, True, True),
    ("country alias UK", {"locations": ["UK"]}, {"locations": LONDON}, True, True),
    ("iso code", {"locations": ["GB"]}, {"locations": LONDON}, True, True),
    ("alpha3 code", {"locations": ["USA"]}, {"locations": SF}, True, True),
    ("region", {"locations": ["California"]}, {"locations": SF}, True, True),
    ("region england", {"locations": ["England"]}, {"locations": LONDON}, True, True),
    ("city", {"locations": ["London"]}, {"locations": LONDON}, True, True),
    ("city other country", {"locations": ["London"]}, {"locations": ONTARIO}, True, True),
    ("city nyc alias", {"locations": ["NYC"]}, {"locations": [{"city": "New York"}]}, True, True),
    ("country mismatch", {"locations": ["Singapore"]}, {"locations": LONDON}, False, False),
    ("any-of places", {"locations": ["Singapore", "GB"]}, {"locations": LONDON}, True, True),
    ("no locations", {"locations": ["Singapore"]}, {}, True, False),
    (
        "region without country",
        {"locations": ["California"]},
        {"locations": [{"region": "California"}]},
        True,
        True,
    ),
    ("remote", {"locations": ["remote"]}, {"remote": "remote"}, True, True),
    ("hybrid is not remote", {"locations": ["remote"]}, {"remote": "hybrid"}, False, False),
    ("remote unknown, place stated", {"locations": ["remote"]}, {"locations": LONDON}, False, False),
    ("remote and place unknown", {"locations": ["remote"]}, {}, True, False),
    ("onsite", {"locations": ["remote"]}, {"remote": "onsite", "locations": SG}, False, False),
    (
        "remote or place",
        {"locations": ["remote", "Singapore"]},
        {"remote": "onsite", "locations": SG},
        True,
        True,
    ),
    # categories
    ("category", {"categories": ["data"]}, {"categories": ["data", "software"]}, True, True),
    ("category other", {"categories": ["data"]}, {"categories": ["software"]}, False, False),
    ("category unknown", {"categories": ["data"]}, {}, True, False),
    # seasons
    ("season", {"seasons": ["summer 2027"]}, {"seasons": ["Summer 2027"]}, True, True),
    ("season autumn", {"seasons": ["Autumn 2027"]}, {"seasons": ["Fall 2027"]}, True, True),
    ("season other year", {"seasons": ["Summer 2027"]}, {"seasons": ["Summer 2026"]}, False, False),
    ("season unknown", {"seasons": ["Summer 2027"]}, {}, True, False),
    # graduation
    (
        "grad inside",
        {"graduation": "2027-06"},
        {"graduation": {"from": "2026-12", "to": "2027-08"}},
        True,
        True,
    ),
    ("grad edge", {"graduation": "2027-08"}, {"graduation": {"from": "2027-08"}}, True, True),
    ("grad after", {"graduation": "2027-09"}, {"graduation": {"to": "2027-08"}}, False, False),
    ("grad before", {"graduation": "2026-01"}, {"graduation": {"from": "2026-12"}}, False, False),
    ("grad unknown", {"graduation": "2027-06"}, {}, True, False),
    ("grad empty window", {"graduation": "2027-06"}, {"graduation": {}}, True, False),
    # min_pay
    (
        "pay hour vs year",
        {"min_pay": {"amount": 30, "per": "hour"}},
        {"pay": {"min": 60000, "max": 70000, "currency": "USD", "per": "year", "source": "text"}},
        True,
        True,
    ),
    (
        "pay too low",
        {"min_pay": {"amount": 40, "per": "hour"}},
        {"pay": {"min": 60000, "max": 70000, "currency": "USD", "per": "year", "source": "text"}},
        False,
        False,
    ),
    (
        "pay min only",
        {"min_pay": {"amount": 5000, "per": "month"}},
        {"pay": {"min": 30, "currency": "USD", "per": "hour", "source": "structured"}},
        True,
        True,
    ),
    (
        "pay other currency is unknown",
        {"min_pay": {"amount": 1, "per": "hour"}},
        {"pay": {"min": 90, "currency": "GBP", "per": "hour", "source": "text"}},
        True,
        False,
    ),
    (
        "pay same currency given",
        {"min_pay": {"amount": 20, "per": "hour", "currency": "gbp"}},
        {"pay": {"min": 25, "currency": "GBP", "per": "hour", "source": "text"}},
        True,
        True,
    ),
    ("pay unknown", {"min_pay": {"amount": 20, "per": "hour"}}, {}, True, False),
    (
        "pay without period",
        {"min_pay": {"amount": 20, "per": "hour"}},
        {"pay": {"min": 25, "currency": "USD", "source": "text"}},
        True,
        False,
    ),
    # posted_within_days
    ("posted recent", {"posted_within_days": 7}, {"posted_at": "2027-02-25T00:00:00Z"}, True, True),
    ("posted old", {"posted_within_days": 7}, {"posted_at": "2027-01-01T00:00:00Z"}, False, False),
    (
        "first_seen fallback",
        {"posted_within_days": 7},
        {"first_seen": "2027-02-28T00:00:00"},
        True,
        True,
    ),
    ("posted unknown", {"posted_within_days": 7}, {}, True, False),
    # all-of across keys
    (
        "all-of fails on one key",
        {"keywords": ["software"], "companies": ["Stripe"]},
        {},
        False,
        False,
    ),
    (
        "all-of",
        {"keywords": ["software"], "locations": ["GB"], "categories": ["software"]},
        {"locations": LONDON, "categories": ["software"]},
        True,
        True,
    ),
    # internships_only (default true): only is_internship postings, whatever else matches
    ("full-time job", {"categories": ["software"]},
     {"title": "Senior ABAP Developer", "is_internship": False, "categories": ["software"]},
     False, False),
    ("internships_only off", {"internships_only": False},
     {"title": "Senior ABAP Developer", "is_internship": False}, True, True),
    ("internship", {"internships_only": True}, {}, True, True),
    # needs_sponsorship: drops "no" and "citizens only"; unstated passes unless strict
    ("sponsors", {"needs_sponsorship": True}, {"sponsorship": "yes"}, True, True),
    ("no sponsorship", {"needs_sponsorship": True}, {"sponsorship": "no"}, False, False),
    ("citizens only", {"needs_sponsorship": True}, {"sponsorship": "citizens_only"}, False, False),
    ("sponsorship unstated", {"needs_sponsorship": True}, {}, True, False),
    ("sponsorship not needed", {"needs_sponsorship": False}, {"sponsorship": "no"}, True, True),
    # exclude_companies: none of these, by the one company rule; ignores strict
    ("exclude company", {"exclude_companies": ["Palantir"]},
     {"company": "Palantir Technologies Inc."}, False, False),
    ("exclude other company", {"exclude_companies": ["Palantir", "Two Sigma"]},
     {"company": "Jane Street"}, True, True),
]


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize(
    ("flt", "fields", "lenient", "strict_expected"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_filter_key_semantics(
    flt: dict[str, Any], fields: dict[str, Any], lenient: bool, strict_expected: bool, strict: bool
) -> None:
    f = Filter.model_validate({**flt, "strict": strict})
    assert f.matches(posting(**fields), NOW) is (strict_expected if strict else lenient)


@pytest.mark.parametrize(
    "fields",
    [{"kind": "article"}, {"closed_at": "2027-02-01T00:00:00Z"}],
    ids=["article", "closed"],
)
def test_only_open_postings_match(fields: dict[str, Any]) -> None:
    assert not Filter().matches(posting(**fields), NOW)
    assert Filter().matches(posting(), NOW)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("United Kingdom", "c:GB"),
        ("UK", "c:GB"),
        ("gb", "c:GB"),
        ("USA", "c:US"),
        ("United States", "c:US"),
        ("UAE", "c:AE"),
        ("SG", "c:SG"),
        ("Deutschland", None),
        ("Germany", "c:DE"),
        ("California", "r:US:california"),
        ("US-CA", "r:US:california"),
        ("England", "r:GB:england"),
        ("London", "city:london"),
        ("New York", "city:new york"),
        ("New York", "r:US:new york"),
        ("Georgia", "c:GE"),
        ("Georgia", "r:US:georgia"),
        ("Zürich", "city:zurich"),
        ("remote", "remote"),
    ],
)
def test_place_resolution(name: str, key: str | None) -> None:
    if key is None:
        with pytest.raises(UnknownPlaceError, match=name):
            resolve_place(name)
    else:
        assert key in resolve_place(name)


def test_two_letter_entry_is_only_an_iso_code() -> None:
    assert resolve_place("CA") == frozenset({"c:CA"})  # Canada, not California
    with pytest.raises(UnknownPlaceError, match="'NY'"):
        resolve_place("NY")


@pytest.mark.parametrize(
    ("loc", "key"),
    [
        ({"city": "London", "region": "England", "country": "gb"}, "c:GB"),
        ({"city": "London", "region": "England", "country": "GB"}, "r:GB:england"),
        ({"region": "California"}, "r:*:california"),
        ({"city": "New York City", "country": "US"}, "city:new york"),
    ],
)
def test_location_keys(loc: dict[str, str], key: str) -> None:
    assert key in location_keys(Location(**loc))


@pytest.mark.parametrize(
    ("amount", "frm", "to", "expected"),
    [
        (30, "hour", "year", 62_400),
        (62_400, "year", "hour", 30),
        (240, "day", "hour", 30),
        (1_200, "week", "day", 240),
        (5_200, "month", "year", 62_400),
        (1, "year", "month", 1 / 12),
        (1_000, "week", "week", 1_000),
    ],
)
def test_pay_conversion(amount: float, frm: str, to: str, expected: float) -> None:
    assert convert(amount, frm, to) == pytest.approx(expected)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("pay", "expected"),
    [
        (Pay(min=20, max=25, currency="USD", per="hour", source="text"), 25 * 2080),
        (Pay(min=20, currency="USD", per="hour", source="text"), 20 * 2080),
        (Pay(min=20, currency="EUR", per="hour", source="text"), None),
        (Pay(currency="USD", per="hour", source="text"), None),
        (Pay(min=20, max=25, per="hour", source="text"), None),
        (None, None),
    ],
)
def test_comparable_pay(pay: Pay | None, expected: float | None) -> None:
    got = comparable_pay(pay, "USD", "year")
    assert got == (pytest.approx(expected) if expected is not None else None)


def test_pay_boundary_survives_float_rounding() -> None:
    f = Filter(min_pay={"amount": 30, "per": "hour"})  # type: ignore[arg-type]
    p = posting(pay={"min": 5200, "currency": "USD", "per": "month", "source": "text"})
    assert f.matches(p, NOW)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"keywordz": ["x"]}, "unknown filter key 'keywordz' (did you mean 'keywords'?)"),
        ({"location": ["UK"]}, "did you mean 'locations'"),
        ({"locations": ["Narnia"]}, "unknown place 'Narnia'"),
        ({"locations": ["London, UK"]}, "one place per entry"),
        ({"seasons": ["Sumer 2027"]}, "season 'Sumer 2027'"),
        ({"graduation": "2027-13"}, "graduation"),
        ({"keywords": ["!!!"]}, "keywords entry '!!!' has no words"),
        ({"companies": ["..."]}, "companies entry '...' has no name"),
        ({"min_pay": {"amount": 30, "per": "hour", "currencyy": "USD"}}, "currencyy"),
        ({"min_pay": {"amount": 30, "per": "fortnight"}}, "per"),
        ({"posted_within_days": -1}, "posted_within_days"),
        ({"categories": ["astrology"]}, "categories"),
    ],
)
def test_invalid_filters_are_rejected(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as err:
        Filter.model_validate(data)
    assert message in str(err.value)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Stripe, Inc.", "stripe"), ("Jane Street", "JaneStreet"), ("AT&T", "AT and T"),
     ("Nestlé S.A.", "nestle"), ("The Trade Desk", "Trade Desk")],
)
def test_company_key(a: str, b: str) -> None:
    assert company_key(a) == company_key(b)


@pytest.mark.parametrize(
    ("keyword", "text", "found"),
    [("internship", "Two internships at Northwind", True), ("analyst", "Data Analysts wanted", True),
     ("company", "companies we partner with", True), ("class", "first class", True),
     ("campus", "on campus", True), ("ml", "HTML templates", False), ("node.js", "Node.js services", True)],
)
def test_keywords_fold_plurals_on_both_sides(keyword: str, text: str, found: bool) -> None:
    assert Filter(keywords=[keyword]).matches(posting(title=text), NOW) is found


def test_tokenize() -> None:
    # the one folding (store.names.fold): accents go, "&" is "and"
    assert tokenize("ML/AI in HTML, C++ & node.js; don't. Zürich R&D") == [
        "ml", "ai", "in", "html", "c++", "and", "node.js", "don't", "zurich", "r", "and", "d"
    ]


def test_filter_is_immutable() -> None:
    f = Filter(keywords=["python"])
    with pytest.raises(ValidationError):
        f.keywords = ["rust"]  # type: ignore[misc]
