"""The indexed matcher agrees exactly with brute force, and evaluates only candidates."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from alerts.filters import Filter
from alerts.matcher import Engine, FilterIndex, brute_force, key_frequencies
from store.models import CATEGORIES, Posting

NOW = datetime(2027, 3, 1, tzinfo=UTC)

WORDS = [
    "data", "science", "machine", "learning", "python", "java", "rust", "ml", "html", "css",
    "software", "engineer", "intern", "senior", "staff", "research", "quant", "trading",
    "design", "product", "analytics", "cloud", "security", "c++", "go",
]
COMPANIES = ["Stripe", "Stripe, Inc.", "TikTok", "Jane Street", "Acme Corp", "Nestlé S.A."]
PLACES = [
    "United Kingdom", "UK", "GB", "USA", "SG", "Singapore", "California", "England",
    "London", "New York", "NYC", "Georgia", "Ontario", "remote", "Germany", "Berlin",
]
LOCATIONS: list[dict[str, str | None]] = [
    {"city": "London", "region": "England", "country": "GB"},
    {"city": "London", "region": "Ontario", "country": "CA"},
    {"city": "San Francisco", "region": "California", "country": "US"},
    {"city": "New York City", "region": "New York", "country": "US"},
    {"city": "Atlanta", "region": "Georgia", "country": "US"},
    {"city": "Tbilisi", "region": None, "country": "GE"},
    {"city": "Singapore", "region": None, "country": "SG"},
    {"city": "Berlin", "region": "Berlin", "country": "DE"},
    {"city": None, "region": "California", "country": None},
    {"city": None, "region": None, "country": "GB"},
]
SEASONS = ["Summer 2027", "summer 2027", "Fall 2027", "Autumn 2027", "Spring 2028"]
MONTHS = ["2026-12", "2027-03", "2027-06", "2027-09", "2028-01"]
PERS = ["hour", "day", "week", "month", "year"]


def _some(rng: random.Random, pool: list[Any], most: int = 3) -> list[Any]:
    return rng.sample(pool, rng.randint(1, most))


def random_filter(rng: random.Random) -> Filter:
    data: dict[str, Any] = {"strict": rng.random() < 0.5}
    if rng.random() < 0.6:
        data["keywords"] = [
            " ".join(rng.sample(WORDS, rng.choice([2, 2, 3]))) if rng.random() < 0.3
            else rng.choice(WORDS)
            for _ in range(rng.randint(1, 3))
        ]
    if rng.random() < 0.15:
        data["exclude"] = _some(rng, WORDS + ["full time"], 2)
    if rng.random() < 0.2:
        data["companies"] = _some(rng, COMPANIES)
    if rng.random() < 0.35:
        data["locations"] = _some(rng, PLACES)
    if rng.random() < 0.3:
        data["categories"] = _some(rng, list(CATEGORIES))
    if rng.random() < 0.2:
        data["seasons"] = _some(rng, SEASONS, 2)
    if rng.random() < 0.15:
        data["graduation"] = rng.choice(MONTHS)
    if rng.random() < 0.15:
        data["min_pay"] = {
            "amount": rng.choice([15, 30, 4000, 60000]),
            "per": rng.choice(PERS),
            "currency": rng.choice(["USD", "USD", "GBP"]),
        }
    if rng.random() < 0.15:
        data["posted_within_days"] = rng.choice([0, 3, 30])
    if rng.random() < 0.15:
        data["exclude_companies"] = _some(rng, COMPANIES, 2)
    if rng.random() < 0.2:
        data["needs_sponsorship"] = True
    if rng.random() < 0.2:
        data["internships_only"] = False
    return Filter.model_validate(data)


def _maybe(rng: random.Random, p: float, value: Any) -> Any:
    return value if rng.random() < p else None


def random_posting(rng: random.Random, i: int) -> Posting:
    grad = _maybe(rng, 0.4, {"from": _maybe(rng, 0.7, rng.choice(MONTHS)),
                             "to": _maybe(rng, 0.7, rng.choice(MONTHS))})
    pay = _maybe(rng, 0.5, {
        "min": _maybe(rng, 0.8, rng.choice([12, 25, 40, 3000, 5500, 50000, 90000])),
        "max": _maybe(rng, 0.5, rng.choice([30, 45, 6000, 100000])),
        "currency": _maybe(rng, 0.9, rng.choice(["USD", "USD", "GBP", "EUR"])),
        "per": _maybe(rng, 0.9, rng.choice(PERS)),
        "source": "text",
    })
    when = (NOW - timedelta(days=rng.choice([0, 1, 5, 20, 90]))).isoformat()
    return Posting.model_validate({
        "id": f"src:{i}",
        "source": "src",
        "url": f"https://example.com/{i}",
        "kind": "article" if rng.random() < 0.05 else "posting",
        "closed_at": "2027-01-01T00:00:00Z" if rng.random() < 0.05 else None,
        "company": rng.choice(COMPANIES + ["Other Co"]),
        "title": " ".join(rng.choices(WORDS, k=rng.randint(1, 4))).title(),
        "description": " ".join(rng.choices(WORDS, k=rng.randint(0, 25))),
        "locations": rng.sample(LOCATIONS, rng.choice([0, 0, 1, 1, 2])),
        "remote": rng.choice([None, "remote", "hybrid", "onsite"]),
        "categories": rng.sample(list(CATEGORIES), rng.choice([0, 1, 1, 2])),
        "seasons": rng.sample(SEASONS, rng.choice([0, 1, 1, 2])),
        "graduation": grad,
        "pay": pay if pay is None or pay["min"] is not None or pay["max"] is not None else None,
        "posted_at": _maybe(rng, 0.6, when),
        "first_seen": _maybe(rng, 0.7, when),
        "is_internship": rng.random() < 0.8,
        "sponsorship": rng.choice([None, None, "yes", "no", "citizens_only"]),
    })


Case = tuple[dict[str, Filter], list[Posting], dict[str, list[str]], list[Posting]]


@pytest.fixture(scope="module")
def random_case() -> Case:
    """1,000 random filters x 1,000 random postings, with the brute-force answer."""
    rng = random.Random(6)
    filters = {f"sub-{i}": random_filter(rng) for i in range(1000)}
    postings = [random_posting(rng, i) for i in range(1000)]
    sample = [random_posting(rng, -i) for i in range(200)]
    return filters, postings, brute_force(filters, postings, NOW), sample


@pytest.mark.parametrize("engine", ["per_posting", "per_filter"])
@pytest.mark.parametrize(
    ("use_freq", "verify_all"),
    [(False, False), (True, False), (True, True)],
    ids=["default-freq", "sampled-freq", "verify-all"],
)
def test_index_agrees_with_brute_force(
    random_case: Case, use_freq: bool, verify_all: bool, engine: Engine
) -> None:
    filters, postings, expected, sample = random_case
    freq = key_frequencies(sample) if use_freq else None
    index = FilterIndex(filters, key_freq=freq, verify_all=verify_all)
    got = index.match(postings, NOW, engine=engine)
    assert got.matches == expected
    total = sum(len(v) for v in expected.values())
    assert total > 10_000  # the data exercise matching, not only misses
    # The index must skip most pairs; verified hits plus evaluations bound the work.
    assert got.evaluations + got.verified < 0.5 * len(filters) * len(postings)
    assert got.verified <= total
    assert (got.verified == 0) is verify_all


@pytest.mark.parametrize("engine", ["per_posting", "per_filter", "auto"])
def test_match_keeps_input_order_and_lists_every_subscription(engine: Engine) -> None:
    rng = random.Random(1)
    postings = [random_posting(rng, i) for i in range(100)]
    filters = {"all": Filter(internships_only=False), "none": Filter(companies=["Nobody Ltd"]),
               "interns": Filter()}
    got = FilterIndex(filters).match(postings, NOW, engine=engine).matches
    open_ids = [p.id for p in postings if p.kind == "posting" and p.closed_at is None]
    interns = [p.id for p in postings if p.id in open_ids and p.is_internship]
    assert got == {"all": open_ids, "none": [], "interns": interns}
    assert 0 < len(interns) < len(open_ids)


@pytest.mark.parametrize(
    ("flt", "needs_check"),
    [
        ({"keywords": ["python", "rust"]}, False),
        ({"keywords": ["python"], "locations": ["GB"]}, False),
        ({"keywords": ["data science"]}, False),  # a two-word phrase is one bigram key
        ({"keywords": ["data science python"]}, True),  # longer: the index needs a check
        ({"keywords": ["python"], "exclude": ["senior"]}, False),  # a veto in the index
        ({"keywords": ["python"], "exclude_companies": ["Stripe"]}, False),  # a veto too
        ({"keywords": ["python"], "needs_sponsorship": True}, False),  # a gate
        ({"keywords": ["python"], "internships_only": False}, False),
        ({"keywords": ["python"], "exclude": ["full time"]}, True),
        ({"keywords": ["python"], "locations": ["GB"], "categories": ["data"]}, True),
        ({"min_pay": {"amount": 30, "per": "hour"}}, True),
    ],
)
@pytest.mark.parametrize("engine", ["per_posting", "per_filter"])
def test_evaluations_only_where_index_is_not_exact(
    flt: dict[str, Any], needs_check: bool, engine: Engine
) -> None:
    rng = random.Random(2)
    postings = [random_posting(rng, i) for i in range(300)]
    result = FilterIndex({"s": Filter.model_validate(flt)}).match(postings, NOW, engine=engine)
    assert (result.evaluations > 0) is needs_check
    assert result.matches == brute_force({"s": Filter.model_validate(flt)}, postings, NOW)
