"""Generated Greenhouse job boards for the crawl benchmark (200 boards x 50 postings).

Every job is the recorded Duolingo job (tests/fixtures/greenhouse/duolingo.json) with its
identity changed: a varied title (about a quarter internships), location, department,
and a 2-6 KB HTML description assembled from the recorded paragraphs and list items plus
role-specific sentences, HTML-escaped as Greenhouse's `content=true` answer has it.
Deterministic: board i is generated from seed i, so two runs serve identical boards.
"""

from __future__ import annotations

import copy
import html
import json
import random
import re
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "greenhouse" / "duolingo.json"

BOARDS = 200
JOBS_PER_BOARD = 50

COMPANIES = [
    "Acme Analytics", "Bluefin Robotics", "Cobalt Health", "Driftwood Games", "Ember Energy",
    "Fjord Finance", "Granite Security", "Helix Bio", "Ion Mobility", "Juniper Labs",
    "Kestrel Aerospace", "Lumen Learning", "Meridian Maps", "Nimbus Cloud", "Orchid Retail",
    "Pioneer Payments", "Quartz Media", "Redwood Logistics", "Summit Software", "Tidal Data",
]
ROLES = [
    ("Software Engineer", "Engineering"), ("Backend Engineer", "Engineering"),
    ("Frontend Engineer", "Engineering"), ("Data Scientist", "Data"), ("Data Analyst", "Data"),
    ("Machine Learning Engineer", "AI Research"), ("Product Manager", "Product"),
    ("Product Designer", "Design"), ("Marketing Manager", "Marketing"),
    ("Account Executive", "Sales"), ("Financial Analyst", "Finance"),
    ("Recruiter", "People"), ("Security Engineer", "Security"), ("Hardware Engineer", "Hardware"),
    ("Business Development Manager", "Business Development"), ("Corporate Counsel", "Legal"),
]
SENIORITY = ["", "Senior ", "Staff ", "Junior ", "Lead ", "Principal "]
INTERN_TITLES = [
    "{role} Intern", "{role} Intern, Summer 2027", "{role} Internship (Fall 2026)",
    "Intern - {role}", "{role} Co-op, Winter 2027", "PhD {role} Intern",
]
LOCATIONS = [
    "London, England", "New York, NY", "Pittsburgh, PA", "San Francisco, CA", "Seattle, WA",
    "Berlin, Germany", "Paris, France", "Toronto, ON", "Bangalore, India", "Singapore",
    "Remote - US", "Remote - Europe", "Austin, TX", "Boston, MA", "Dublin, Ireland",
    "Amsterdam, Netherlands", "Sydney, Australia", "Tokyo, Japan", "Zurich, Switzerland",
    "Hybrid - Chicago, IL",
]
EXTRA_SENTENCES = [
    "You will work with {dept} partners to ship improvements every week.",
    "This position is open to students graduating between December 2026 and June 2027.",
    "The expected pay for this role is ${low} - ${high} per hour, plus housing support.",
    "The annual base salary range is ${low}k - ${high}k USD, with equity and benefits.",
    "We sponsor visas for this role where the law allows.",
    "This role is not eligible for visa sponsorship.",
    "Candidates pursuing a Bachelor's or Master's degree in Computer Science, Statistics or a "
    "related field are encouraged to apply.",
    "The internship lasts 12 weeks and starts in June.",
    "Applications close on March 15, 2027.",
    "You will present your project to the {dept} leadership team at the end of the program.",
    "Our hybrid policy asks you to be in the office three days a week.",
    "You will pair with a mentor and join code reviews, design reviews and on-call shadowing.",
]


@cache
def _template() -> tuple[dict[str, Any], list[str], list[str]]:
    """The recorded job, and the paragraphs and list items of the recorded descriptions."""
    jobs = json.loads(FIXTURE.read_text(encoding="utf-8"))["jobs"]
    paragraphs: list[str] = []
    items: list[str] = []
    for job in jobs:
        text = html.unescape(job["content"])
        paragraphs += [p for p in re.findall(r"<p[^>]*>.*?</p>", text, re.S) if len(p) > 60]
        items += re.findall(r"<li>.*?</li>", text, re.S)
    return jobs[0], paragraphs, items


def _description(rng: random.Random, title: str, dept: str, company: str) -> str:
    _, paragraphs, items = _template()
    target = rng.randint(1800, 5000)  # the last part added may overshoot by ~1 KB
    parts = [f"<p><strong>{html.escape(company)}</strong> is hiring a {html.escape(title)}.</p>"]
    while sum(len(p) for p in parts) < target:
        choice = rng.random()
        if choice < 0.35:
            parts.append(rng.choice(paragraphs).replace("Duolingo", company))
        elif choice < 0.75:
            picked = rng.sample(items, k=min(len(items), rng.randint(3, 6)))
            parts.append("<ul>\n" + "\n".join(picked).replace("Duolingo", company) + "\n</ul>")
        else:
            low = rng.randint(20, 60)
            sentence = rng.choice(EXTRA_SENTENCES).format(dept=dept, low=low, high=low + rng.randint(5, 40))
            parts.append(f"<p>{html.escape(sentence)}</p>")
    return "\n".join(parts)


def board_slug(index: int) -> str:
    return f"bench-{index:03d}"


def board_jobs(index: int, jobs: int = JOBS_PER_BOARD) -> list[dict[str, Any]]:
    """The jobs of board `index` (Greenhouse `jobs` entries)."""
    base, _, _ = _template()
    base = {k: v for k, v in base.items() if k != "content"}
    rng = random.Random(index)
    company = f"{COMPANIES[index % len(COMPANIES)]} {index // len(COMPANIES) or ''}".strip()
    out = []
    for j in range(jobs):
        role, dept = rng.choice(ROLES)
        if rng.random() < 0.25:
            title = rng.choice(INTERN_TITLES).format(role=role)
        else:
            title = rng.choice(SENIORITY) + role
        location = rng.choice(LOCATIONS)
        job = copy.deepcopy(base)
        native = 7_000_000_000 + index * 1000 + j
        job.update({
            "id": native,
            "internal_job_id": native - 1_000_000_000,
            "title": title,
            "company_name": company,
            "absolute_url": f"https://boards.greenhouse.io/{board_slug(index)}/jobs/{native}",
            "location": {"name": location},
            "departments": [{"id": 4000 + ROLES.index((role, dept)), "name": dept,
                             "child_ids": [], "parent_id": None}],
            "offices": [{"id": 5000 + LOCATIONS.index(location), "name": location,
                         "location": location, "child_ids": [], "parent_id": None}],
            "requisition_id": f"R-{native % 100000:05d}",
            "first_published": f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}T10:00:00-04:00",
            "content": html.escape(_description(rng, title, dept, company), quote=True),
        })
        out.append(job)
    return out


def board_body(index: int, jobs: int = JOBS_PER_BOARD) -> bytes:
    """The JSON answer of board `index`, as Greenhouse sends it."""
    postings = board_jobs(index, jobs)
    return json.dumps({"jobs": postings, "meta": {"total": len(postings)}}).encode("utf-8")


def board_path(index: int) -> str:
    return f"/v1/boards/{board_slug(index)}/jobs"


def all_boards(count: int = BOARDS, jobs: int = JOBS_PER_BOARD) -> dict[str, bytes]:
    """path -> body for every board."""
    return {board_path(i): board_body(i, jobs) for i in range(count)}
