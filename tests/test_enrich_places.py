"""Location strings -> {city, region, country}, and location lines of a description."""

from __future__ import annotations

import pytest

from spiders.enrich.locations import locations_from_raw, locations_from_text
from spiders.enrich.places import parse_location

T = tuple[str | None, str | None, str | None]


def _tuples(found: list) -> list[T]:
    return [(loc.city, loc.region, loc.country) for loc in found]


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("London, England", [("London", "England", "GB")]),
        ("London, UK", [("London", "England", "GB")]),
        ("Palo Alto, CA", [("Palo Alto", "California", "US")]),
        ("Hobart (TAS)", [("Hobart", "Tasmania", "AU")]),
        ("Perth (WA)", [("Perth", "Western Australia", "AU")]),
        ("Seattle, WA", [("Seattle", "Washington", "US")]),
        ("Remote (Canada)", [(None, None, "CA")]),
        ("Remote in USA", [(None, None, "US")]),
        ("US-Remote", [(None, None, "US")]),
        ("Montreal, QC, Canada", [("Montreal", "Quebec", "CA")]),
        ("Bengaluru, Karnataka, India", [("Bengaluru", "Karnataka", "IN")]),
        ("Bangalore", [("Bangalore", "Karnataka", "IN")]),
        ("Singapore", [("Singapore", None, "SG")]),
        ("NYC", [("New York", "New York", "US")]),
        ("US, CA, Santa Clara", [("Santa Clara", "California", "US")]),
        ("New York, NY (HQ)", [("New York", "New York", "US")]),
        ("Munich, Bavaria, Germany", [("Munich", "Bayern", "DE")]),
        ("Zürich, Switzerland", [("Zürich", None, "CH")]),
        ("New York, NY or San Francisco, CA",
         [("New York", "New York", "US"), ("San Francisco", "California", "US")]),
        ("Cambridge", []),  # GB, CA and US all have one: unknown
        ("Anywhere in the World", []),
        ("Multiple Locations", []),
        ("North America Only", []),
        ("Bega", []),  # a small town geonames does not know
    ],
)
def test_parse_location(raw: str, want: list[T]) -> None:
    assert _tuples(parse_location(raw)) == want


def test_country_only_entry_dropped_when_a_city_of_that_country_is_known() -> None:
    got = locations_from_raw(["Toronto, ON", "Remote in Canada"])
    assert _tuples(got) == [("Toronto", "Ontario", "CA")]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("About us\nLocation: Singapore\nWhat you'll do", [("Singapore", None, "SG")]),
        ("Location: London. This role is based in our King's Cross office.",
         [("London", "England", "GB")]),
        ("Based in London or remote (UK).", [("London", "England", "GB")]),
        ("The role is based in our Paris office.", [("Paris", None, "FR")]),
        ("Location: USA or Canada only.", [(None, None, "US"), (None, None, "CA")]),
        ("Our global headquarters are in Los Angeles and Singapore, with offices in London, "
         "Dublin, Paris and Tokyo.", []),
        ("Stripe has offices in San Francisco, Seattle and Dublin.", []),
    ],
)
def test_locations_from_text(text: str, want: list[T]) -> None:
    assert _tuples(locations_from_text(text)) == want
