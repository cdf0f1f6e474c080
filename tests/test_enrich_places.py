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
        ("The role is based in our Paris office.", [("Paris", "Ile-de-France", "FR")]),
        ("Location: USA or Canada only.", [(None, None, "US"), (None, None, "CA")]),
        ("Our global headquarters are in Los Angeles and Singapore, with offices in London, "
         "Dublin, Paris and Tokyo.", []),
        ("Stripe has offices in San Francisco, Seattle and Dublin.", []),
    ],
)
def test_locations_from_text(text: str, want: list[T]) -> None:
    assert _tuples(locations_from_text(text)) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        # a board's line that is only a capital ISO code is that country; "CA" and "GA" (also
        # US states) and "NA" (n/a) stay unknown
        ("IN", [(None, None, "IN")]),
        ("GB", [(None, None, "GB")]),
        ("DE", [(None, None, "DE")]),
        ("CA", []),
        ("GA", []),
        ("NA", []),
        # towns the 15,000+ table lacks, when the board's own line names them
        ("Dietmannsried", [("Dietmannsried", "Bayern", "DE")]),
        ("South Brisbane", [("South Brisbane", "Queensland", "AU")]),
        ("Brisbane CBD", [("Brisbane", "Queensland", "AU")]),
        ("Greater London", [("London", "England", "GB")]),
        # local names are shown as English writes them
        ("München", [("Munich", "Bayern", "DE")]),
        ("Den Haag", [("The Hague", "Zuid-Holland", "NL")]),
        ("Köln, Germany", [("Cologne", "Nordrhein-Westfalen", "DE")]),
        ("Gurugram", [("Gurugram", "Haryana", "IN")]),
        ("Remote - India", [(None, None, "IN")]),
        ("Bhubaneswar, India", [("Bhubaneswar", "Odisha", "IN")]),
        ("Paris, France", [("Paris", "Ile-de-France", "FR")]),
        ("Chicago, IL (3 days on-site)", [("Chicago", "Illinois", "US")]),
    ],
)
def test_board_lines_of_real_boards(raw: str, want: list[T]) -> None:
    assert _tuples(locations_from_raw([raw])) == want


def test_a_small_town_is_read_only_from_a_board_line_or_with_its_country() -> None:
    assert parse_location("Dietmannsried") == []
    assert _tuples(parse_location("Dietmannsried, Germany")) == [("Dietmannsried", "Bayern", "DE")]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Lieu : Paris dans le 18ème (en présentiel)", [("Paris", "Ile-de-France", "FR")]),
        ("Standort: München", [("Munich", "Bayern", "DE")]),
        ("Locatie: Amsterdam", [("Amsterdam", "Noord-Holland", "NL")]),
        ("Hybrid: Chicago, IL (3 days on-site)", [("Chicago", "Illinois", "US")]),
        ("Positions are located in Austin, TX at our main campus.", [("Austin", "Texas", "US")]),
        ("### Locations\n\nIn this role you can work from Remote, United States\n\n### Overview",
         [(None, None, "US")]),
    ],
)
def test_location_lines_in_the_languages_of_our_sources(text: str, want: list[T]) -> None:
    assert _tuples(locations_from_text(text)) == want


def test_a_country_only_board_line_gives_way_to_the_texts_cities_in_that_country() -> None:
    from spiders.enrich.locations import locations

    text = "Location: Chennai, Coimbatore"
    assert _tuples(locations(["IN"], text)) == [("Chennai", "Tamil Nadu", "IN"),
                                                ("Coimbatore", "Tamil Nadu", "IN")]
    assert _tuples(locations(["GB"], text)) == [(None, None, "GB")]
