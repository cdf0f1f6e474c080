"""Posting or article, and the hiring company, on the page shapes of real job boards and news
sites (issue 12, point 4): announcement titles, careers-page headers, entity labels."""

from __future__ import annotations

import pytest

from spiders.classify import classify_entry
from spiders.company import company_name, hiring_company

_TERMS = ("\nEligibility: students in their final year.\nStipend: Rs 10,000 a month.\n"
          "Duration: two months.\nHow to apply: send your CV to interns@example.org.")


@pytest.mark.parametrize(
    "title",
    [
        "Google invites application for Software Engineering Internship 2018",
        "Ministry of Women and Child Development (MWCD), India announces internship opportunity",
        "Call for Applications: The Berlin Global Internship Project",
        "Acme APAC launches paid internship program for young creatives",
    ],
)
def test_a_title_announcing_an_opening_with_terms_is_a_posting(title: str) -> None:
    assert classify_entry(title, "The programme is open to students." + _TERMS) == "posting"


@pytest.mark.parametrize(
    ("title", "text"),
    [
        # announced, but nothing to apply to: a story
        ("Acme launches internship program", "I joined Acme last summer and loved it. We had "
         "a great time and I learned a lot. My mentor was kind."),
        ("How I landed my internship", "Applications are open now. I applied in March."),
    ],
)
def test_an_announcement_without_terms_stays_an_article(title: str, text: str) -> None:
    assert classify_entry(title, text) == "article"


@pytest.mark.parametrize(
    ("title", "text", "want"),
    [
        ("Google invites application for Software Engineering Internship 2018", "Eligibility.", "Google"),
        ("Ministry of Women and Child Development (MWCD), India announces internship opportunity",
         "Eligibility.", "Ministry of Women and Child Development"),
        ("Acme APAC launches paid internship program", "Text.", "Acme"),
        ("Traineeship - Community Outreach", "Overview\nJoin the Ministry of Digital Development "
         "and Information (MDDI) as an Intern and gain experience.",
         "Ministry of Digital Development and Information"),
        ("#PPPintern (Workforce Capability Development), Jan to Jun 2026",
         "#PPPintern (Workforce Capability Development), Jan to Jun 2026\nPublic Service Division\n"
         "Internship\nClosing on 15 Nov 2025\nWhat the role is", "Public Service Division"),
        ("Project Intern, Public Affairs", "Project Intern, Public Affairs\nSingapore\nTemasek is a "
         "global investment company headquartered in Singapore.", "Temasek"),
        ("Stage Buying Support", "Jij bent creatief.\nHelloSpecial is op zoek naar stagiaires.",
         "HelloSpecial"),
    ],
)
def test_hiring_company_of_real_page_shapes(title: str, text: str, want: str) -> None:
    assert hiring_company(title, text, None) == want


def test_tags_run_together_above_the_title_are_not_a_company() -> None:
    text = "MarketingFeaturedAPAC\n\nAcme News Today\n\nSome body text."
    assert hiring_company("Acme News Today", text, None) is None


@pytest.mark.parametrize(
    ("company", "text", "want"),
    [
        ("0090 CORP-Corporate Office", "At Northrop Grumman, our employees build.", "Northrop Grumman"),
        ("0090 CORP-Corporate Office", "Our employees build things.", ""),
        ("IL00 Mellanox", "", "Mellanox"),
        ("Talent Trader Group EA Licence No 13C6305", "", "Talent Trader Group"),
        ("Klaviyo Campus", "", "Klaviyo"),
        ("Overview\nTikTok", "", "TikTok"),
        ("Lensa", "Lensa partners with DirectEmployers to promote this job for Ford Motor Company. "
         "Clicking Apply", "Ford Motor Company"),
        ("Lensa", "A job you may like.", ""),
        ("3M", "", "3M"),
        ("7-Eleven", "", "7-Eleven"),
        ("Offerte.nl B.V.", "", "Offerte.nl B.V."),
    ],
)
def test_a_sources_company_value_tidied(company: str, text: str, want: str) -> None:
    assert company_name(company, "Software Engineer Intern", text) == want


def test_a_job_page_with_job_qualifications_and_a_responsible_role_is_a_posting() -> None:
    text = ("About the job\nContract: 6+ months\n\nHybrid: Chicago, IL (3 days on-site)\n\n"
            "The Change Management Lead is responsible for focusing on the people side of change.\n"
            "Job Qualifications:\n- 5 years of change management experience")
    assert classify_entry("Change Management Lead", text) == "posting"


def test_a_past_responsibility_in_a_story_is_no_duties_cue() -> None:
    text = ("I joined Acme last summer. I was responsible for the billing service and I loved it. "
            "My mentor taught me a lot and we shipped two features.")
    assert classify_entry("My summer at Acme", text) == "article"


def test_the_company_a_page_introduces_as_an_outlet_or_university() -> None:
    text = "Berlin Global is an online news outlet which reports on cultural diplomacy."
    assert hiring_company("The Berlin Global Internship Project", text, None) == "Berlin Global"
