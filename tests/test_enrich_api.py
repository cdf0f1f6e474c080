"""The public contract of enrich(): fills unknowns, keeps structured values, pure."""

from __future__ import annotations

from datetime import datetime

import pytest

from spiders.enrich import enrich
from store.models import Location, Pay, Posting

NOW = datetime(2026, 11, 24)
TEXT = """Our offices are in London, Dublin and Paris.
Location: Singapore
This is a 12-week summer internship. Pay: SGD 3,000 monthly. We do not sponsor visas.
Pursuing a Bachelor's or Master's degree, expected graduation between December 2027 and June 2028.
Application Deadline: Rolling
Hybrid working: 3 days a week in the office."""


def _posting(**fields: object) -> Posting:
    base: dict[str, object] = {
        "id": "test:1", "source": "test", "company": "Acme", "url": "https://example.invalid/1",
        "title": "Software Engineer Intern", "description": TEXT,
        "posted_at": "2026-09-01T00:00:00Z",
    }
    base.update(fields)
    return Posting.model_validate(base)


def test_enrich_fills_every_field_from_text() -> None:
    got = enrich(_posting(), NOW).export()
    assert got["is_internship"] is True
    assert got["locations"] == [{"city": "Singapore", "region": None, "country": "SG"}]
    assert got["remote"] == "hybrid"
    assert got["pay"] == {"min": 3000.0, "max": 3000.0, "currency": "SGD", "per": "month",
                          "source": "text"}
    assert got["seasons"] == ["Summer 2027"]
    assert got["graduation"] == {"from": "2027-12", "to": "2028-06"}
    assert got["degrees"] == ["bachelor", "master"]
    assert got["sponsorship"] == "no"
    assert got["duration_months"] == 3
    assert got["deadline"] == "rolling"
    assert got["categories"] == ["software"]


def test_structured_values_are_never_overwritten() -> None:
    structured_pay = Pay(min=40, max=45, currency="USD", per="hour", source="structured")
    posting = _posting(
        remote="onsite", pay=structured_pay, deadline="2027-01-31",
        locations=[Location(city="Austin", region="Texas", country="US")],
        raw_locations=["Remote (Canada)"], is_internship=True, title="Analyst",
    )
    got = enrich(posting, NOW)
    assert got.remote == "onsite"
    assert got.pay == structured_pay
    assert got.deadline == "2027-01-31"
    assert got.locations == [Location(city="Austin", region="Texas", country="US")]
    assert got.is_internship is True


def test_input_posting_is_left_untouched() -> None:
    posting = _posting()
    before = posting.model_dump()
    enrich(posting, NOW)
    assert posting.model_dump() == before


def test_raw_locations_beat_location_lines_of_the_text() -> None:
    got = enrich(_posting(raw_locations=["Palo Alto, CA"]), NOW)
    assert [(loc.city, loc.country) for loc in got.locations] == [("Palo Alto", "US")]


def test_unstated_season_year_falls_back_to_now_without_posted_at() -> None:
    posting = _posting(title="Summer Intern", description="A summer internship.", posted_at=None)
    assert enrich(posting, datetime(2027, 2, 1)).seasons == ["Summer 2027"]
    assert enrich(posting, datetime(2027, 7, 1)).seasons == ["Summer 2028"]


def test_full_time_role_gets_no_season_and_is_not_an_internship() -> None:
    posting = _posting(title="Software Engineer, New Grad", employment_type="Full-time",
                       description="Start date: Summer 2027. Salary: $150,000 - $170,000.")
    got = enrich(posting, NOW)
    assert got.is_internship is False
    assert got.seasons == []
    assert got.pay is not None and (got.pay.min, got.pay.per) == (150000, "year")


def test_enrich_never_raises_on_cut_or_odd_text() -> None:
    """Every corpus description cut at many points (mid-word, mid-number) still enriches."""
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "bench" / "bench_enrich.py"
    spec = importlib.util.spec_from_file_location("bench_enrich", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_enrich", bench)
    spec.loader.exec_module(bench)
    odd = ["", "\n\n", "$", "£-£ per", "Deadline: 31/02/2027", "graduating 13/2027",
           "Summer '99 intern", "Sepember 3 2027 deadline", "İstanbul ₹ 1,00,00 per month"]
    for record in bench.load_written():
        posting = bench.written_posting(record)
        text = posting.description
        for cut in range(0, len(text), max(1, len(text) // 7)):
            posting.description = text[cut : cut + 300]
            enrich(posting, NOW)
    for text in odd:
        enrich(_posting(description=text, raw_locations=[text]), NOW)


@pytest.mark.parametrize(
    ("raw", "expected_city"),
    [(["Hobart (TAS)"], "Hobart"), (["Sydney, NSW"], "Sydney"), (["Paris"], None)],
)
def test_country_only_structured_locations_take_the_city_from_raw_when_they_agree(
    raw: list[str], expected_city: str | None
) -> None:
    from datetime import datetime

    from spiders.enrich import enrich
    from store.models import Location, Posting

    posting = Posting(
        id="w:1", source="w", company="Bega", title="Quality Specialist", url="https://x.example/1",
        raw_locations=raw, locations=[Location(country="AU")],
    )
    [location] = enrich(posting, datetime(2026, 11, 1)).locations
    assert location.country == "AU" and location.city == expected_city
