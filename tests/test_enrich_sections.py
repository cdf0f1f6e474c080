"""Each field is read where a posting states it: sections, boilerplate, questions.

The phrases are the kinds of mistakes seen on real postings (issue 12): each must leave the
field unknown or read it right.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from spiders.enrich import enrich
from spiders.enrich.sections import heading_kind, readable, split_sections
from store.models import Location, Posting

NOW = datetime(2025, 10, 1, 12, 0, 0)


def _posting(description: str, title: str = "Software Engineering Intern", **extra: object) -> Posting:
    data: dict[str, object] = {"id": "t:1", "source": "t", "company": "Acme", "title": title,
                               "url": "https://example.invalid/1", "description": description}
    data.update(extra)
    return Posting.model_validate(data)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Responsibilities", "duties"),
        ("💻 Primary Responsibilities", "duties"),
        ("What you'll do:", "duties"),
        ("## Qualifications", "qualifications"),
        ("🎓 Skills & Qualifications", "qualifications"),
        ("About Acme", "about"),
        ("About the role", "duties"),
        ("About The Internship Programme", "duties"),
        ("Equal Opportunity Employer", "legal"),
        ("Pay Transparency", "legal"),
        ("What our interns say", "testimonial"),
        ("How to apply", "apply"),
        ("Benefits", "benefits"),
        ("Compensation", "pay"),
        ("We build tools for engineers.", None),
        ("Python, SQL", None),
    ],
)
def test_heading_kinds(line: str, kind: str | None) -> None:
    assert heading_kind(line) == kind


def test_about_section_ends_where_the_job_is_spoken_of_again() -> None:
    text = ("About Acme\nWe have offices in London, Paris and Tokyo.\n"
            "In this role you will build our billing service.\nPython experience.")
    kinds = [line.kind for line in split_sections(text)]
    assert kinds == ["about", "about", "job", "job"]
    assert "Tokyo" not in readable(text)
    assert "billing" in readable(text)


def test_legal_and_testimonial_lines_are_dropped_wherever_they_are() -> None:
    text = ("We are hiring a summer intern.\n"
            "Acme is an equal opportunity employer and does not discriminate on the basis of race, "
            "color or religion.\n"
            "“The best summer of my life: I shipped two features and learned a lot.” — Ana, "
            "Summer 2023 intern\nThe internship runs 12 weeks.")
    kept = readable(text)
    assert "equal opportunity" not in kept and "Ana" not in kept
    assert "12 weeks" in kept


def test_questions_and_their_answers_are_not_statements() -> None:
    text = "Is Sponsorship Available?\nNo\nWill you require a visa?\nYes\nLocation: Berlin"
    assert readable(text) == "Location: Berlin"


def test_nothing_dropped_gives_the_same_text_object() -> None:
    text = "We are hiring an intern.\nThe internship runs 12 weeks."
    assert readable(text) is text


@pytest.mark.parametrize(
    ("description", "field", "value"),
    [
        ("Is Sponsorship Available?\nNo\nYou will build APIs.", "sponsorship", None),
        ("You must be able to access export-controlled data without sponsorship for an export "
         "license.", "sponsorship", None),
        ("We are unable to sponsor visas for this role.", "sponsorship", "no"),
        ("Candidates must have a graduation date no later than December 15, 2026.", "deadline",
         None),
        ("Apply by December 15, 2025.", "deadline", "2025-12-15"),
        ("Meet our interns\n“I loved my Fall 2023 internship here, the team was so welcoming.” "
         "— Sam, Fall 2023 intern\nThis is a paid position.", "seasons", []),
        ("Past intern projects\nSummer 2020 intern built our search.\nYou will build APIs.",
         "seasons", []),
        ("Join our 12-week, paid internship program.", "duration_months", 3.0),
        ("You will have 2 weeks to complete the take-home assignment.", "duration_months", None),
        ("Pay Transparency\nThe pay range for remote jobs that can be performed in California is "
         "listed below.", "remote", None),
        ("Teleworking not available for this position.", "remote", "onsite"),
        ("You will work on our hybrid cloud platform.", "remote", None),
        ("The role is a hybrid of engineering and product.", "remote", None),
        ("Students graduating between December 2025-June 2026 are eligible.", "graduation",
         {"from": "2025-12", "to": "2026-06"}),
        ("You must be graduating in or after December 2025.", "graduation",
         {"from": "2025-12", "to": None}),
    ],
)
def test_real_mistakes_are_fixed(description: str, field: str, value: object) -> None:
    got = enrich(_posting(description), NOW).export()
    assert got[field] == value


def test_dollar_in_a_town_the_gazetteer_lacks_is_the_local_dollar() -> None:
    posting = _posting("Intern at our Singapore office. Allowance: $1,500/month.",
                       raw_locations=["Paya Lebar"])
    pay = enrich(posting, NOW).pay
    assert pay is not None and pay.currency == "SGD" and pay.per == "month"


def test_a_structured_location_decides_the_dollar() -> None:
    posting = _posting("Stipend: $2,000/month.",
                       locations=[Location(city="Toronto", region="Ontario", country="CA")])
    pay = enrich(posting, NOW).pay
    assert pay is not None and pay.currency == "CAD"


def test_sections_do_not_depend_on_what_the_shared_key_finder_learned_before() -> None:
    """The sections find their keys in the pass over the text that every field shares
    (spiders/enrich/text.find_keys): a field teaching the finder new keys in between must
    not lose the section keys already found for the same text."""
    from spiders.enrich import sections
    from spiders.enrich import text as shared

    body = ("About Acme\nWe have offices in London and Tokyo.\n"
            "In this role you will build our billing service.\n"
            "“I loved it.” — Ana, Summer 2023 intern\n"
            "Acme is an equal opportunity employer.\nPython experience.")
    first = [line.kind for line in split_sections(body)]
    sections._kinds.cache_clear()
    shared.find_keys(body, ("a key no reader has asked for yet",))
    assert [line.kind for line in split_sections(body)] == first
    assert first == ["about", "about", "job", "testimonial", "legal", "job"]
