"""Phrasing families met in real postings (issue 12), each on a short phrase of our own."""

from __future__ import annotations

import pytest

from spiders.enrich.internship import internship_text, is_internship


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
