"""Phrasing families met in real postings (issue 12), each on a short phrase of our own."""

from __future__ import annotations

import pytest

from spiders.enrich.internship import internship_text, is_internship
from spiders.enrich.locations import locations, locations_from_raw, locations_from_text
from store.models import Location


@pytest.mark.parametrize(
    ("title", "employment_type", "want"),
    [
        ("Stage Marketing Support", None, True),
        ("Stage développeur back-end", None, True),
        ("Afstudeerstage Data Analytics", "Fulltime", True),
        ("Student Trainee (Engineering)", None, True),
        ("Quality Analyst", "Full Time, Internship", True),
        ("Quality Analyst", "Full Time / Permanent", False),
        ("Stage Manager", None, False),
        ("Stage Technician - Lighting", None, False),
        ("Multistage Pump Engineer", None, False),
    ],
)
def test_internship_title_families(title: str, employment_type: str | None, want: bool) -> None:
    assert is_internship(title, employment_type) is want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("As a Backend Developer Intern, you will build APIs.", True),
        ("Responsibilities of the Intern:\nWrite tests", True),
        ("This is a 10-week internship during summer 2026.", True),
        ("We are seeking a few motivated Summer Interns to join our data team.", True),
        ("Join us for a paid 12 week internship in our lab.", True),
        ("You will support entry-level engineers and interns with code reviews.", False),
        ("Internship experience does not count towards the five years required.", False),
        ("As an intern mentor you will coach our students.", False),
    ],
)
def test_internship_text(text: str, want: bool) -> None:
    assert internship_text(text) is want


def _places(found: list[Location]) -> list[tuple[str | None, str | None, str]]:
    return [(loc.city, loc.region, loc.country) for loc in found]


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        (["United States-Texas-Austin"], [("Austin", "Texas", "US")]),
        (["USA - Oregon - Portland (Pearl District Site)"], [("Portland", "Oregon", "US")]),
        (["Canada : Ontario : Toronto"], [("Toronto", "Ontario", "CA")]),
        (["Banglore, India"], [("Bengaluru", "Karnataka", "IN")]),
        (["Bangalore, India"], [("Bangalore", "Karnataka", "IN")]),
    ],
)
def test_raw_location_formats(raw: list[str], want: list[tuple]) -> None:
    assert _places(locations_from_raw(raw)) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("**Location**\nBoston, Chicago\n\n**Team**\nData", [("Boston", "Massachusetts", "US"),
                                                        ("Chicago", "Illinois", "US")]),
        ("Possible internship locations: Tampa, FL. Denver, CO.",
         [("Tampa", "Florida", "US"), ("Denver", "Colorado", "US")]),
        ("Locations for this internship:\nOur offices are spread across the country, and we try"
         " to place every intern near the team they will work with most of the summer.\n"
         "- TX (Austin, Dallas)\n- OR (Portland)\n\nWhat you will do",
         [("Austin", "Texas", "US"), ("Dallas", "Texas", "US"), ("Portland", "Oregon", "US")]),
        ("Data Intern\n\n**[Denver, CO](https://x.example/?l=1) •** **[Boston, MA](https://x"
         ".example/?l=2)**\n\nAbout the role", [("Denver", "Colorado", "US"),
                                                ("Boston", "Massachusetts", "US")]),
        ("**Location**\nWe meet weekly.\n", []),
    ],
)
def test_location_lists_in_text(text: str, want: list[tuple]) -> None:
    assert _places(locations_from_text(text)) == want


def test_text_list_wins_when_it_holds_the_raw_place_and_more() -> None:
    text = "You may work out of one of the following locations:\nAustin, TX | Denver, CO\n"
    assert _places(locations(["Denver, CO"], text)) == [("Austin", "Texas", "US"),
                                                        ("Denver", "Colorado", "US")]
    # a text list that leaves the raw place out does not replace it
    assert _places(locations(["Boston, MA"], text)) == [("Boston", "Massachusetts", "US")]
