"""End to end on recorded API responses: build the Posting as a spider would, enrich it.

The fixtures in tests/fixtures/enrichment/real are copies of real Greenhouse, Lever, Ashby,
Workday, TikTok and SmartRecruiters responses (see /work/shared/fixtures/real/PROVENANCE.md).
"""

from __future__ import annotations

import html
import json
from datetime import datetime
from pathlib import Path

from lxml import html as lxml_html

from spiders.enrich import enrich
from store.models import Location, Pay, Posting

REAL = Path(__file__).resolve().parent / "fixtures" / "enrichment" / "real"
NOW = datetime(2026, 11, 24)


def _load(name: str) -> object:
    return json.loads((REAL / name).read_text(encoding="utf-8"))


def _text(fragment: str) -> str:
    root = lxml_html.fromstring(f"<div>{fragment}</div>")
    for el in root.iter("p", "div", "li", "br", "h1", "h2", "h3", "ul"):
        el.tail = "\n" + (el.tail or "")
    return root.text_content().replace("\xa0", " ")


def test_greenhouse_pay_range_in_the_content_is_read_as_yearly_gbp() -> None:
    job = _load("greenhouse_1.json")["jobs"][0]  # type: ignore[index]
    posting = Posting(
        id=f"greenhouse:{job['id']}", source="greenhouse", company=job["company_name"],
        title=job["title"], url=job["absolute_url"], posted_at=job["first_published"],
        description=_text(html.unescape(job["content"])),
        raw_locations=[o["name"] for o in job["offices"]],
        team=job["departments"][0]["name"],
    )
    got = enrich(posting, NOW)
    assert got.is_internship is False
    assert got.locations == [Location(city="London", region="England", country="GB")]
    assert got.pay == Pay(min=81999, max=110940, currency="GBP", per="year", source="text")
    assert got.categories == ["business"]
    assert got.seasons == [] and got.sponsorship is None and got.deadline is None


def test_lever_keeps_structured_hybrid_and_reads_salary_sentence() -> None:
    job = _load("lever_1.json")[0]  # type: ignore[index]
    lists = "\n".join(item["text"] + "\n" + _text(item["content"]) for item in job["lists"])
    posting = Posting(
        id=f"lever:{job['id']}", source="lever", company="Palantir", title=job["text"],
        url=job["hostedUrl"], remote=job["workplaceType"],
        description=f"{job['descriptionPlain']}\n{lists}\n{job['additionalPlain']}",
        raw_locations=job["categories"]["allLocations"], team=job["categories"]["team"],
        employment_type=job["categories"]["commitment"],
    )
    got = enrich(posting, NOW)
    assert got.remote == "hybrid"
    assert got.locations == [Location(city="Palo Alto", region="California", country="US")]
    assert got.pay == Pay(min=60000, max=97000, currency="USD", per="year", source="text")
    assert got.duration_months is None  # "2 weeks paid time off" is not a duration
    assert got.categories == ["operations"]


def test_ashby_structured_pay_wins_over_the_assets_figure_of_the_text() -> None:
    job = _load("ashby_1.json")["jobs"][0]  # type: ignore[index]
    salary = job["compensation"]["summaryComponents"][0]
    structured = Pay(min=salary["minValue"], max=salary["maxValue"],
                     currency=salary["currencyCode"], per="year", source="structured")
    posting = Posting(
        id=f"ashby:{job['id']}", source="ashby", company="Wealthsimple", title=job["title"],
        url=job["jobUrl"], remote="remote", pay=structured, description=job["descriptionPlain"],
        raw_locations=[job["location"]], team=job["team"], employment_type=job["employmentType"],
    )
    got = enrich(posting, NOW)
    assert got.pay == structured
    assert got.locations == [Location(country="CA")]
    assert got.is_internship is False


def test_ashby_text_alone_gives_no_pay_from_the_assets_figure() -> None:
    job = _load("ashby_1.json")["jobs"][1]  # type: ignore[index]
    posting = Posting(
        id=f"ashby:{job['id']}", source="ashby", company="Wealthsimple", title=job["title"],
        url=job["jobUrl"], description=job["descriptionPlain"],
        raw_locations=[job["location"], *(s["location"] for s in job["secondaryLocations"])],
        team=job["team"], employment_type=job["employmentType"],
    )
    got = enrich(posting, NOW)
    assert got.pay is None  # "$125 billion in assets" is not pay
    assert got.locations == [Location(country="CA"), Location(country="US")]
    assert got.remote == "remote"
    assert got.categories == ["design"]


def test_workday_hobart_state_code_and_on_site_week() -> None:
    info = _load("workday_2.json")["jobPostingInfo"]  # type: ignore[index]
    posting = Posting(
        id=f"workday:{info['jobReqId']}", source="workday", company="Bega Group",
        title=info["title"], url=info["externalUrl"], deadline=info["endDate"],
        posted_at=info["startDate"], description=_text(info["jobDescription"]),
        raw_locations=[info["location"]], employment_type=info["timeType"],
    )
    got = enrich(posting, NOW)
    assert got.locations == [Location(city="Hobart", region="Tasmania", country="AU")]
    assert got.remote == "onsite"
    assert got.deadline == "2026-07-13"
    assert got.pay is None  # "$3 billion" turnover
    assert got.categories == ["other"]


def test_tiktok_intern_type_and_three_level_city() -> None:
    job = _load("tiktok_1.json")["data"]["job_post_list"][1]  # type: ignore[index]
    city = job["city_info"]
    raw = f"{city['en_name']}, {city['parent']['en_name']}, {city['parent']['parent']['en_name']}"
    posting = Posting(
        id=f"tiktok:{job['id']}", source="tiktok", company="TikTok", title=job["title"],
        url="https://lifeattiktok.com/", is_internship=job["recruit_type"]["en_name"] == "Intern",
        description=f"{job['description']}\n{job['requirement']}", raw_locations=[raw],
        employment_type=job["recruit_type"]["en_name"],
    )
    got = enrich(posting, NOW)
    assert got.is_internship is True
    assert got.locations == [Location(city="Jakarta", region="Jakarta Raya", country="ID")]
    assert got.seasons == []  # "2026 Start" names no season


def test_smartrecruiters_intern_keeps_structured_location() -> None:
    job = _load("smartrecruiters_1.json")["content"][1]  # type: ignore[index]
    loc = job["location"]
    country = loc["country"].upper()
    structured = [Location(city=loc["city"], region="Ile-de-France", country=country)]
    posting = Posting(
        id=f"smartrecruiters:{job['id']}", source="smartrecruiters", company="Ubisoft",
        title=job["name"], url=job["ref"], locations=structured,
        raw_locations=[loc["fullLocation"]], team=job["function"]["label"],
        employment_type=job["typeOfEmployment"]["label"],
    )
    got = enrich(posting, NOW)
    assert got.is_internship is True
    assert got.locations == structured
    assert got.categories == ["marketing"]
