"""Phrasing families met in real postings (issue 12), each on a short phrase of our own."""

from __future__ import annotations

from datetime import datetime

import pytest

from spiders.enrich.categories import categories
from spiders.enrich.deadline import deadline
from spiders.enrich.degrees import degrees
from spiders.enrich.duration import duration_months
from spiders.enrich.graduation import graduation
from spiders.enrich.internship import internship_text, is_internship
from spiders.enrich.locations import locations, locations_from_raw, locations_from_text
from spiders.enrich.pay import pay_from_text
from spiders.enrich.remote import remote_from_text
from spiders.enrich.seasons import seasons
from spiders.enrich.sponsorship import sponsorship
from spiders.enrich.stipend import lakh_pay, local_pay, pay_from_field
from store.models import Location, Pay


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
        ("데이터 분석 인턴십 모집", None, True),  # Korean: "data analysis internship, hiring"
        ("[회사] 체험형 인턴사원 채용", None, True),  # "experiential intern staff"
        ("마케팅 매니저 채용", None, False),  # "marketing manager, hiring"
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


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        (["Noida Uttar Pradesh"], [("Noida", "Uttar Pradesh", "IN")]),
        (["PAN India"], [(None, None, "IN")]),
    ],
)
def test_raw_location_without_commas(raw: list[str], want: list[tuple]) -> None:
    assert _places(locations_from_raw(raw)) == want


def _pay(found: Pay | None) -> tuple | None:
    return None if found is None else (found.min, found.max, found.currency, found.per,
                                       found.source)


@pytest.mark.parametrize(
    ("value", "countries", "stipend", "want"),
    [
        ("4.5 LPA - 6 LPA", set(), False, (450000.0, 600000.0, "INR", "year", "structured")),
        ("₹1.8L – ₹2L", set(), False, (180000.0, 200000.0, "INR", "year", "structured")),
        ("20K - 30K per month", {"IN"}, True, (20000.0, 30000.0, "INR", "month", "structured")),
        ("12000", {"IN"}, True, (12000.0, 12000.0, "INR", "month", "structured")),
        ("350,000.00 per Annum", {"IN"}, True, (350000.0, 350000.0, "INR", "year", "structured")),
        ("12000", set(), True, None),  # no currency, no country: unknown
        ("12000", {"IN"}, False, None),  # a salary figure without a period
        ("Not disclosed", {"IN"}, True, None),
        ("10k and up to 6 LPA", {"IN"}, True, None),  # two kinds of figure: unsure
    ],
)
def test_pay_from_field(value: str, countries: set[str], stipend: bool, want: tuple | None) -> None:
    assert _pay(pay_from_field(value, countries, stipend=stipend)) == want


@pytest.mark.parametrize(
    ("text", "countries", "want"),
    [
        ("Pay Range:\n\n$42—$42 USD\n\nAbout us", set(), (42.0, 42.0, "USD", "hour", "text")),
        ("The combined range for this position is 28-40 USD.", set(),
         (28.0, 40.0, "USD", "hour", "text")),
        ("The pay is USD $20.50 - USD $31.00 /Hr.", set(), (20.5, 31.0, "USD", "hour", "text")),
        ("US\\$ 6,100-8,000/month + benefits", set(), (6100.0, 8000.0, "USD", "month", "text")),
        ("Hiring in the US and Canada. The US base salary range is $90,000-$110,000.", {"CA"},
         (90000.0, 110000.0, "USD", "year", "text")),
        ("The pay range is $900 for the whole summer.", set(), None),  # not an hourly figure
    ],
)
def test_pay_text_families(text: str, countries: set[str], want: tuple | None) -> None:
    assert _pay(pay_from_text(text, countries)) == want


def test_indian_text_pay() -> None:
    assert _pay(lakh_pay("CTC: 6 - 8 LPA after the internship")) == (
        600000.0, 800000.0, "INR", "year", "text")
    assert _pay(lakh_pay("Stipend of ₹1.5 lakh per month")) == (
        150000.0, 150000.0, "INR", "month", "text")
    assert _pay(local_pay("Stipend - 12k per month", {"IN"})) == (
        12000.0, 12000.0, "INR", "month", "text")
    assert local_pay("Stipend - 12k per month", set()) is None


@pytest.mark.parametrize(
    ("text", "internship", "want"),
    [
        ("Beschikbaar voor een periode van minimaal 2,5 maanden.", True, 2.5),
        ("This internship has a minimum ten (10) week duration.", True, 2.5),
        ("Interns work full-time for 12 consecutive weeks from June.", True, 3.0),
        ("This is a 4-month (May 4th–August 28th, 2026) paid co-op experience.", True, 4.0),
        ("Join a 10-week, paid, in-person internship in our lab.", True, 2.5),
        ("The internship will be of 6 to 8 weeks.", True, 1.5),
        ("The internship duration is one year.", True, 12.0),
        ("Staff need a minimum of twelve (12) months of service to apply.", True, None),
        ("At least 2 years of software experience.", True, None),
    ],
)
def test_duration_families(text: str, internship: bool, want: float | None) -> None:
    assert duration_months(text, internship=internship) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Applicants must be a U.S. citizen or a permanent resident.", "no"),
        ("Obtain a security clearance (U.S. citizenship is a pre-requisite).", "citizens_only"),
        ("This position is open only for Indian Citizens.", "citizens_only"),
        ("This internship is for U.S. citizens who study engineering.", "citizens_only"),
        ("All internships are paid and we will help with visa applications.", "yes"),
        ("- Visa Sponsorship: J1 Visa", "yes"),
        ("Will you now or in the future require visa sponsorship?", None),
    ],
)
def test_sponsorship_families(text: str, want: str | None) -> None:
    assert sponsorship(text) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Degree conferral date after December 2025", ("2026-01", None)),
        ("graduating in or after December 2025", ("2025-12", None)),
        ("(grad date between May 2027 and May 2028)", ("2027-05", "2028-05")),
        ("Have an expected graduate date between October 2026 - June 2027",
         ("2026-10", "2027-06")),
        ("Year of Graduation: 2026, 2027", ("2026-01", "2027-12")),
        ("Eligibility: 2027 graduating students", ("2027-01", "2027-12")),
        ("Registration is open for 2027 batch students.", ("2027-01", "2027-12")),
        ("Our graduate programme started in 2019.", None),
    ],
)
def test_graduation_families(text: str, want: tuple | None) -> None:
    found = graduation(text)
    assert (None if found is None else (found.from_, found.to)) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Join us as a 2027 Summer Intern. Candidates must be returning to school in the Fall "
         "of 2027.", ["Summer 2027"]),
        ("You must be enrolled full time in Fall 2027. Work 10 weeks during summer 2027.",
         ["Summer 2027"]),
        ("This is a Summer 2027 program. Spring and Fall 2027 internships are not available.",
         ["Summer 2027"]),
        ("Our internships are for 12 consecutive weeks during summer.", ["Summer 2027"]),
        ("Be available to work full time during the summer.", []),
    ],
)
def test_season_families(text: str, want: list[str]) -> None:
    assert seasons("Intern", text, datetime(2027, 2, 1)) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Currently enrolled in a Bachelor's degree program or higher in Physics.",
         ["bachelor", "master", "phd"]),
        ("Students pursuing B.Tech / B.E / MCA in CS", ["bachelor", "master"]),
        ("Qualification:\nBE - B. Tech (IT)", ["bachelor"]),
        ("enrolled in an undergraduate or in a graduate program of study", ["bachelor", "master"]),
        ("Good knowledge of MS Word and Excel", []),
    ],
)
def test_degree_families(text: str, want: list[str]) -> None:
    assert degrees(text) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Flexible Work Arrangements: Remote", "remote"),
        ("This is a remote summer internship. Our U.S. hybrid policy: 3 days in the office.",
         "remote"),
        ("This internship will be a fully in-person experience in our Chicago office.", "onsite"),
        ("You are available 5 days a week (full-time) for three months.", None),
        ("You will work in the office 5 days a week.", "onsite"),
    ],
)
def test_remote_families(text: str, want: str | None) -> None:
    assert remote_from_text(text) == want


def test_category_from_the_description_when_the_title_names_no_family() -> None:
    text = ("As a software developer intern you will write backend services, review code with "
            "our developers and ship software to production.")
    assert categories("Acme", None, text) == ["software"]
    # no family clearly leads: the role stays "other"
    assert categories("Acme", None, "You will support our data team and our sales team.") == [
        "other"]
    # a title that names a family is not overruled by the text
    assert categories("Marketing Intern", None, text) == ["marketing"]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Last date of application submission for the internship is 21st October'2027",
         "2027-10-21"),
        ("- @applicationDue 31 Oct 2027", "2027-10-31"),
        ("Our last date of joining is 21 October 2027", None),
    ],
)
def test_deadline_families(text: str, want: str | None) -> None:
    assert deadline(text, datetime(2027, 9, 1), us_style=False) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        (["St. Petersburg, FL"], [("St. Petersburg", "Florida", "US")]),
        (["Bad Oeynhausen"], [("Bad Oeynhausen", "Nordrhein-Westfalen", "DE")]),
        (["Location: Plot 4, Hinjewadi Road, Pune – 411057"], [("Pune", "Maharashtra", "IN")]),
        (["Cambridge"], []),  # several cities share the name: unknown
    ],
)
def test_board_location_lines(raw: list[str], want: list[tuple]) -> None:
    assert _places(locations_from_raw(raw)) == want


def test_dutch_office_line() -> None:
    assert _places(locations_from_text("* Kantoor in Amsterdam\n* Dagelijkse lunch")) == [
        ("Amsterdam", "Noord-Holland", "NL")]
