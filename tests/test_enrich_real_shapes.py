"""Enrichment on the shapes of real boards' records (issue 12): a board's employment-type
field is not believed over a title that names a senior role, and a source's company value
is tidied the way spiders/company.company_name says."""

from __future__ import annotations

from datetime import datetime

import pytest

from spiders.enrich import enrich
from spiders.enrich.internship import senior_title
from store.models import Posting

NOW = datetime(2026, 11, 1)


def _posting(title: str, company: str = "Acme", description: str = "", **extra: object) -> Posting:
    data: dict[str, object] = {"id": "t:1", "source": "t", "company": company, "title": title,
                               "url": "https://example.invalid/1", "description": description}
    data.update(extra)
    return Posting.model_validate(data)


@pytest.mark.parametrize(
    ("title", "senior"),
    [
        ("Senior Data Scientist", True),
        ("Sr. Software Engineer", True),
        ("Staff Engineer, Payments", True),
        ("Head of Growth", True),
        ("Senior Intern, Data", False),
        ("Lead Engineering Co-op", False),
        ("Data Science Intern", False),
        ("Software Engineer", False),
    ],
)
def test_senior_titles(title: str, senior: bool) -> None:
    assert senior_title(title) is senior


def test_a_senior_role_filed_under_intern_by_its_board_is_no_internship() -> None:
    """The demo's Greenhouse board files "Senior Data Scientist" under Employment Type: Intern."""
    p = _posting("Senior Data Scientist", is_internship=True, employment_type="Intern",
                 description="We are looking for a senior data scientist with 7+ years of experience.")
    assert enrich(p, NOW).is_internship is False
    intern = _posting("Data Science Intern", is_internship=True)
    assert enrich(intern, NOW).is_internship is True


@pytest.mark.parametrize(
    ("company", "description", "want"),
    [
        ("0090 CORP-Corporate Office", "At Northrop Grumman, our employees build.", "Northrop Grumman"),
        ("Overview\nTikTok", "Build things.", "TikTok"),
        ("Lensa", "Lensa partners with DirectEmployers to promote this job for Ford Motor Company.",
         "Ford Motor Company"),
        ("Acme", "At Initech, we build.", "Acme"),
    ],
)
def test_enrich_tidies_the_sources_company(company: str, description: str, want: str) -> None:
    assert enrich(_posting("Software Engineer Intern", company, description), NOW).company == want


@pytest.mark.parametrize(
    ("title", "company", "want"),
    [
        ("Remote Web Developer (Fully Remote) - X4 Technology", "X4 Technology",
         "Remote Web Developer (Fully Remote)"),
        ("Amazon Robotics -  Program Manager (PM) Summer Intern - 2025", "Amazon.com",
         "Program Manager (PM) Summer Intern - 2025"),
        # the first segment is a role or a programme, not the company's label: kept
        ("DRDO Internship 2025: Paid Internship for Engineering Students – Apply Now", "DRDO",
         "DRDO Internship 2025: Paid Internship for Engineering Students – Apply Now"),
        ("Acme - Intern", "Acme", "Acme - Intern"),  # one word would be left
        ("Intern - Software Engineer", "Acme", "Intern - Software Engineer"),
        ("Google", "Google", "Google"),
    ],
)
def test_title_without_the_company_a_job_site_glues_to_it(title: str, company: str, want: str) -> None:
    from spiders.company import title_without_company

    assert title_without_company(title, company) == want


@pytest.mark.parametrize(
    ("title", "text", "want"),
    [
        ("UNCF/Carnival Corporate Scholars Program",
         "Candidates will be selected for a two-year scholarship and internship at host sites.", True),
        ("Summer Student Program", "Students join a team for ten weeks as interns.", True),
        ("Summer Program Manager", "You will run our summer program.", False),
        ("Summer Program Manager", "You will run our summer program for 40 interns.", False),
        ("Corporate Scholars Program", "A scholarship for sophomores.", False),
    ],
)
def test_a_student_programme_whose_text_says_internship(title: str, text: str, want: bool) -> None:
    from spiders.enrich.internship import programme_internship

    assert programme_internship(title, text) is want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("The Ministry of Electronics and Information Technology (MeitY), Government of India, "
         "has announced its internship scheme.", [(None, None, "IN")]),
        ("Govt. of India internship for engineering students.", [(None, None, "IN")]),
        ("The Singapore Government offers internships.", [("Singapore", None, "SG")]),
        ("We work with the government of our city.", []),
    ],
)
def test_a_governments_own_internship_is_in_its_country(text: str, want: list) -> None:
    from spiders.enrich.locations import locations_from_text

    assert [(x.city, x.region, x.country) for x in locations_from_text(text)] == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("The Public Service Division aims to build a first-class Public Service for Singapore.\n"
         "Interns help shape policy for Singapore.", [("Singapore", None, "SG")]),
        # named once, or with another country: not enough
        ("We help farmers in Singapore.", []),
        ("Our teams in India and Singapore serve Singapore and India.", []),
    ],
)
def test_the_one_country_a_page_names_throughout(text: str, want: list) -> None:
    from spiders.enrich.locations import locations_from_text

    assert [(x.city, x.region, x.country) for x in locations_from_text(text)] == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("Amazon Portland, US", [("Portland", "Oregon", "US")]),  # a site's name before the city
        ("Greater Noida, India", [("Greater Noida", "Uttar Pradesh", "IN")]),
        ("Greater London", [("London", "England", "GB")]),
    ],
)
def test_site_names_and_greater_areas_on_a_board_line(raw: str, want: list) -> None:
    from spiders.enrich.locations import locations_from_raw

    assert [(x.city, x.region, x.country) for x in locations_from_raw([raw])] == want


@pytest.mark.parametrize(
    ("title", "want"),
    [
        ("Werkstudent Softwareentwicklung (m/w/d)", ["software"]),
        ("Praktikum Entwickler Backend", ["software"]),
        ("Stage Développeur Web", ["software"]),
        ("Praktikum Vertrieb (m/w/d)", ["business"]),
        ("Stagiair Communicatie", ["marketing"]),
        ("Praktikant Einkauf", ["operations"]),
        ("Werkstudent Redaktion", ["content"]),
        ("Praktikum Maschinenbau", ["hardware"]),
        ("Afstudeerstage Financiën", ["business"]),
        ("Summer High School App Development Startup Intern", ["software"]),
    ],
)
def test_role_families_in_the_languages_of_our_sources(title: str, want: list[str]) -> None:
    from spiders.enrich.categories import categories

    assert categories(title, None, "") == want
