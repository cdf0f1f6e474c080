"""Hard phrasings for each text field, one small pure function at a time."""

from __future__ import annotations

from datetime import datetime

import pytest

from spiders.enrich.categories import categories
from spiders.enrich.deadline import deadline
from spiders.enrich.degrees import degrees
from spiders.enrich.duration import duration_months
from spiders.enrich.graduation import graduation
from spiders.enrich.internship import is_internship
from spiders.enrich.pay import pay_from_text
from spiders.enrich.remote import remote_from_raw, remote_from_text, remote_mode
from spiders.enrich.seasons import seasons
from spiders.enrich.sponsorship import sponsorship

REF = datetime(2026, 10, 1)


@pytest.mark.parametrize(
    ("title", "employment_type", "want"),
    [
        ("Software Engineer Intern", None, True),
        ("Software Engineering Internship/Co-op", None, True),
        ("Industrial Placement - Mechanical Engineering", None, True),
        ("Design Apprentice", None, True),
        ("Werkstudent (m/w/d) Softwareentwicklung", None, True),
        ("Year in Industry - Data Science", None, True),
        ("2027 Summer Analyst - Investment Banking", None, True),
        ("Stage - Data Scientist (6 mois)", None, True),
        ("Student Researcher, PhD (2027)", None, True),
        ("CRM Webmarketing Assistant", "Intern", True),
        ("Analyst", "internship", True),
        ("Senior Software Engineer, Internal Tools", "Full-time", False),
        ("International Sales Manager", None, False),
        ("Internet Infrastructure Engineer", None, False),
        ("Intern Mentor - Engineering (Volunteer)", None, False),
        ("Intern Program Manager", "Full-Time", False),
        ("University Recruiter, Internships", None, False),
        ("Placement Coordinator", None, False),
        ("Stage Manager", None, False),
        ("Business Development Manager", "FullTime", False),
    ],
)
def test_is_internship(title: str, employment_type: str | None, want: bool) -> None:
    assert is_internship(title, employment_type) is want


@pytest.mark.parametrize(
    ("title", "text", "want"),
    [
        ("Software Engineer Intern (Summer 2027)", "", ["Summer 2027"]),
        ("Intern - Fall '26", "", ["Fall 2026"]),
        ("Co-op, Spring/Summer 2027", "", ["Spring 2027", "Summer 2027"]),
        ("2027 Summer Analyst", "", ["Summer 2027"]),
        ("Intern", "This is a 12-week summer internship.", ["Summer 2027"]),
        ("Intern", "Our autumn internship programme", ["Fall 2027"]),
        ("Intern (May - Aug 2027)", "", ["Summer 2027"]),
        ("Co-op", "Work term: January - April 2027", ["Winter 2027"]),
        ("Data Science Co-op, Fall 2027", "An 8-month term (Fall 2027 and Winter 2028).",
         ["Fall 2027", "Winter 2028"]),
        ("Intern", "Perks: summer Fridays and catered lunch.", []),
        ("Intern", "You are graduating in Spring 2027.", []),
        ("Intern", "From January to June 2027 (6 months).", []),
        ("Placement", "Our 12-month placements start in the summer of 2027.", []),
    ],
)
def test_seasons(title: str, text: str, want: list[str]) -> None:
    assert seasons(title, text, REF) == want


def test_season_year_comes_from_the_posting_date() -> None:
    """Unstated year: the next season that has not started by the reference date."""
    assert seasons("Summer Intern", "", datetime(2027, 3, 1)) == ["Summer 2027"]
    assert seasons("Summer Intern", "", datetime(2026, 8, 15)) == ["Summer 2027"]
    assert seasons("Fall Intern", "", datetime(2026, 7, 1)) == ["Fall 2026"]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Expected graduation between December 2026 and September 2027", ("2026-12", "2027-09")),
        ("graduating in 2027", ("2027-01", "2027-12")),
        ("Class of 2028", ("2028-01", "2028-12")),
        ("Class of 2027 and 2028 students", ("2027-01", "2028-12")),
        ("graduating in May 2027", ("2027-05", "2027-05")),
        ("You will graduate in Fall 2026 or Spring 2027.", ("2026-12", "2027-05")),
        ("graduation date of December 2026 or later", ("2026-12", None)),
        ("must be graduating no later than June 2027", (None, "2027-06")),
        ("with a conferral date between 10/2027 and 09/2028", ("2027-10", "2028-09")),
        ("graduation December 2027 - June 2029.", ("2027-12", "2029-06")),
        ("Open to 2027 graduates", ("2027-01", "2027-12")),
        ("Open to students who completed their degree in 2025 or 2026.", ("2025-01", "2026-12")),
        ("final-year students", None),
        ("Our graduate programme starts in September 2027.", None),
        ("we graduated 200 interns last year", None),
    ],
)
def test_graduation(text: str, want: tuple[str | None, str | None] | None) -> None:
    got = graduation(text)
    assert (None if got is None else (got.from_, got.to)) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Pursuing a Bachelor's or Master's degree in CS", ["bachelor", "master"]),
        ("BS/MS in Computer Science", ["bachelor", "master"]),
        ("pursuing BS, MS or PhD", ["bachelor", "master", "phd"]),
        ("Currently enrolled in a B.Tech or M.Tech program", ["bachelor", "master"]),
        ("Undergraduate students", ["bachelor"]),
        ("MBA candidates", ["master"]),
        ("studying for a BA (Hons) Digital Design", ["bachelor"]),
        ("enrolled student (Bachelor or Master)", ["bachelor", "master"]),
        ("étudiant(e) en Master 2 data science", ["master"]),
        ("Ph.D. candidate", ["phd"]),
        ("graduate students", []),
        ("Advanced MS Office skills", []),
        ("Master data management", []),
        ("No degree required.", []),
    ],
)
def test_degrees(text: str, want: list[str]) -> None:
    assert degrees(text) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("We do not sponsor visas.", "no"),
        ("We are unable to sponsor work authorization for this position.", "no"),
        ("Must be authorized to work in the US without requiring sponsorship now or in the "
         "future.", "no"),
        ("Visa sponsorship is not available for this position.", "no"),
        ("Must be a U.S. citizen.", "citizens_only"),
        ("U.S. Citizenship is Required", "citizens_only"),
        ("Only Singapore Citizens or PRs will be considered.", "citizens_only"),
        ("Applicants must be British citizens.", "citizens_only"),
        ("Visa sponsorship available.", "yes"),
        ("Offers Sponsorship", "yes"),
        ("We are happy to support visa applications.", "yes"),
        ("We do sponsor visas! However, we aren't able to sponsor every candidate.", "yes"),
        ("Limited immigration sponsorship may be available.", None),
        ("Applicants must be U.S. persons (citizens, permanent residents, refugees).", None),
        ("Candidates must be eligible to work in the UK.", None),
        ("Our company sponsors community events.", None),
    ],
)
def test_sponsorship(text: str, want: str | None) -> None:
    assert sponsorship(text) == want


@pytest.mark.parametrize(
    ("text", "countries", "want"),
    [
        ("$50-$50 hourly", set(), (50, 50, "USD", "hour")),
        ("Stipend: $7,000/month", set(), (7000, 7000, "USD", "month")),
        ("£25 per hour", {"GB"}, (25, 25, "GBP", "hour")),
        ("Allowance: SGD 3,000 monthly", {"SG"}, (3000, 3000, "SGD", "month")),
        ("3,000 - 3,500 SGD per month", set(), (3000, 3500, "SGD", "month")),
        ("The base salary range for this role is $120,000 - $150,000.", set(),
         (120000, 150000, "USD", "year")),
        ("CA$152K – CA$190K per year", {"CA"}, (152000, 190000, "CAD", "year")),
        ("Pay: $32 - $38 per hour.", {"CA"}, (32, 38, "CAD", "hour")),
        ("Stipend: ₹1,00,000 per month", set(), (100000, 100000, "INR", "month")),
        ("CTC: INR 12,00,000 - 15,00,000 per annum.", set(), (1200000, 1500000, "INR", "year")),
        ("Your remuneration: 1.800 € brutto/Monat", set(), (1800, 1800, "EUR", "month")),
        ("Gratification: 1 400 € par mois.", set(), (1400, 1400, "EUR", "month")),
        ("The U.S. pay range is $57.69 -- $73.56 hourly.", set(), (57.69, 73.56, "USD", "hour")),
        ("$112,000/year to $158,000/year + bonus", set(), (112000, 158000, "USD", "year")),
        ("Monthly salary: ¥400,000", {"JP"}, (400000, 400000, "JPY", "month")),
        ("Competitive salary and benefits.", set(), None),
        ("We hold over $125 billion in assets.", set(), None),
        ("Interns get a $3,000 relocation bonus.", set(), None),
        ("a $10,000 housing stipend", set(), None),
        ("Monthly salary: ¥400,000", set(), None),  # yen of Japan or China: unknown
    ],
)
def test_pay(text: str, countries: set[str], want: tuple | None) -> None:
    got = pay_from_text(text, countries)
    if want is None:
        assert got is None
        return
    assert got is not None
    assert (got.min, got.max, got.currency, got.per) == want
    assert got.source == "text"


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        (["Remote (Canada)"], "remote"),
        (["Remote (Canada)", "Remote (US)"], "remote"),
        (["San Francisco Bay Area or Remote"], "remote"),
        (["Toronto, ON", "Remote in Canada"], "remote"),
        (["Hybrid - London"], "hybrid"),
        (["Onsite/Hybrid (to be confirmed)"], None),
        (["London, England"], None),
        ([], None),
    ],
)
def test_remote_from_raw(raw: list[str], want: str | None) -> None:
    assert remote_from_raw(raw) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("This is a fully remote internship.", "remote"),
        ("Hybrid working: 3 days a week in the office.", "hybrid"),
        ("We're remote-friendly, but this role is in office 3 days per week.", "hybrid"),
        ("Interns are expected on campus four days a week.", "hybrid"),
        ("This role is fully on-site in Raleigh, NC.", "onsite"),
        ("In office 5 days/week in New York.", "onsite"),
        ("Snowflake is remote-friendly but this internship is in person at our office.", "onsite"),
        ("Work model: Onsite/Hybrid (to be confirmed).", None),
        ("IBM's Hybrid Cloud team builds OpenShift tooling.", None),
        ("We are a remote-first company.", None),
        ("Based in London or remote (UK).", "remote"),
    ],
)
def test_remote_from_text(text: str, want: str | None) -> None:
    assert remote_from_text(text) == want


def test_raw_remote_contradicted_by_text_is_unknown() -> None:
    text = "Fin has a hybrid working policy. #LI-Hybrid"
    assert remote_mode(["Anywhere in the World"], text) is None
    assert remote_mode(["Anywhere in the World"], "Work from anywhere.") == "remote"


@pytest.mark.parametrize(
    ("text", "internship", "want"),
    [
        ("Minimum 3 months", True, 3),
        ("This is a 12-week summer internship.", True, 3),
        ("A 6-month placement in Derby.", True, 6),
        ("Internships typically last 3-6 months.", True, 3),
        ("Our 10-week Technology summer internship", True, 2.5),
        ("Internship of 4 to 6 months at our Toronto studio", True, 4),
        ("Stage de fin d'études de 6 mois", True, 6),
        ("Praktikum im Bereich Finance für 12 Monate.", True, 12),
        ("Operations Intern (6 months)", True, 6),
        ("Work term: 4 months (January - April 2027).", True, 4),
        ("Join us for six months from March 2027.", True, 6),
        ("A year in industry with Rolls-Royce.", True, 12),
        ("3+ years of experience required.", True, None),
        ("You must complete 3 months of onboarding training.", True, None),
        ("2 weeks paid time off built into the end of each year", True, None),
        ("Our Placement Coordinator supports year in industry students.", False, None),
        # a full-time job's contract length is not an opening's (the real corpus labels it unknown)
        ("A 6-month fixed-term contract.", False, None),
        ("A 6-month fixed-term contract.", True, 6),
    ],
)
def test_duration(text: str, internship: bool, want: float | None) -> None:
    assert duration_months(text, internship=internship) == want


@pytest.mark.parametrize(
    ("text", "us_style", "want"),
    [
        ("Application Deadline: Rolling", False, "rolling"),
        ("Applications are reviewed on a rolling basis.", False, "rolling"),
        ("Please apply by 15 January 2027.", False, "2027-01-15"),
        ("Applications close on January 15, 2027.", True, "2027-01-15"),
        ("Closing date: 31/01/2027", False, "2027-01-31"),
        ("Deadline: 01/02/2027", False, "2027-02-01"),
        ("Deadline: 01/02/2027", True, "2027-01-02"),
        ("Applications for our Summer internship close March 1st.", False, "2027-03-01"),
        ("Deadline to apply: 2026-12-15", False, "2026-12-15"),
        ("Please send your portfolio by 10 January 2027.", False, "2027-01-10"),
        ("We hired 10 interns in January 2026.", False, None),
    ],
)
def test_deadline(text: str, us_style: bool, want: str | None) -> None:
    assert deadline(text, REF, us_style) == want


@pytest.mark.parametrize(
    ("title", "team", "want"),
    [
        ("Software Engineer, Machine Learning", None, ["software", "ml_research"]),
        ("Data Science / Machine Learning Intern", None, ["data", "ml_research"]),
        ("Quant Research Intern", None, ["quant"]),
        ("Hardware Design Intern", None, ["hardware"]),
        ("UX Research Intern", None, ["design"]),
        ("Werkstudent (m/w/d) Softwareentwicklung", None, ["software"]),
        ("Engineering Intern", None, ["software"]),
        ("Intern Program Manager", "University Recruiting", ["operations"]),
        ("Corporate Counsel", "Legal", ["other"]),
        ("Summer Internship Program 2027", "Campus", []),
        ("Summer Analyst - Private Equity", None, ["business"]),
    ],
)
def test_categories(title: str, team: str | None, want: list[str]) -> None:
    assert categories(title, team, "") == want
