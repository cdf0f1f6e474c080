"""Phrasing families of German, Dutch, Indian, Singapore, UK and Australian postings (issue 12).

Each case is a short phrase of our own in the way such postings write a field; none is
copied from the corpus (tests/fixtures/corpus), which counts towards the figures.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from spiders.enrich.deadline import deadline
from spiders.enrich.degrees import degrees
from spiders.enrich.duration import duration_months
from spiders.enrich.graduation import graduation
from spiders.enrich.pay import pay_from_text, pay_line
from spiders.enrich.remote import remote_from_text, remote_mode
from spiders.enrich.seasons import seasons
from spiders.enrich.sections import readable
from spiders.enrich.sponsorship import sponsorship
from spiders.enrich.stipend import lakh_pay
from store.models import Pay


def _pay(found: Pay | None) -> tuple | None:
    if found is None:
        return None
    return (found.min, found.max, found.currency, found.per, found.source)


@pytest.mark.parametrize(
    ("text", "countries", "want"),
    [
        # German: decimal commas, "brutto/Monat", "im Monat", "pro Stunde", salary words
        ("Vergütung: 1.200 € brutto/Monat", set(), (1200.0, 1200.0, "EUR", "month", "text")),
        ("EUR 1.500 brutto pro Monat", set(), (1500.0, 1500.0, "EUR", "month", "text")),
        ("Wir zahlen 15,00 € pro Stunde.", set(), (15.0, 15.0, "EUR", "hour", "text")),
        ("Stundenlohn: 14,50 €", set(), (14.5, 14.5, "EUR", "hour", "text")),
        ("Monatliche Vergütung von 1.800 €", set(), (1800.0, 1800.0, "EUR", "month", "text")),
        ("Praktikumsvergütung von €2.000 im Monat", set(), (2000.0, 2000.0, "EUR", "month", "text")),
        # Dutch: "per maand", "bruto", ",-"
        ("Stagevergoeding van €400,- per maand", set(), (400.0, 400.0, "EUR", "month", "text")),
        ("€ 500 bruto per maand", set(), (500.0, 500.0, "EUR", "month", "text")),
        # Indian: Rs./-, p.m., per mensem, k ranges, a stipend without a period
        ("Rs.15000/- per month", set(), (15000.0, 15000.0, "INR", "month", "text")),
        ("Rs. 15000 p.m.", set(), (15000.0, 15000.0, "INR", "month", "text")),
        ("INR 12,000 per mensem", set(), (12000.0, 12000.0, "INR", "month", "text")),
        ("₹20k-30k per month", set(), (20000.0, 30000.0, "INR", "month", "text")),
        ("Stipend: Rs. 8000 - 12000", set(), (8000.0, 12000.0, "INR", "month", "text")),
        ("A one-time stipend of ₹5,00,000", set(), None),  # a lump sum, no period
        # Singapore, Australia, UK
        ("S$1,500 monthly allowance", set(), (1500.0, 1500.0, "SGD", "month", "text")),
        ("A monthly stipend of $1,500", {"SG"}, (1500.0, 1500.0, "SGD", "month", "text")),
        ("AUD 30/hr plus super", set(), (30.0, 30.0, "AUD", "hour", "text")),
        ("$65,000 + super", {"AU"}, (65000.0, 65000.0, "AUD", "year", "text")),
        ("Salary: £25,000 pro rata", set(), (25000.0, 25000.0, "GBP", "year", "text")),
        ("Vergütung: 1.200 Euro brutto im Monat", set(), (1200.0, 1200.0, "EUR", "month", "text")),
        ("Stundenlohn von 15 Euro", set(), (15.0, 15.0, "EUR", "hour", "text")),
        ("Gehalt: 12,00 Euro / Stunde", set(), (12.0, 12.0, "EUR", "hour", "text")),
        ("A stipend of 15000 rupees per month", set(), (15000.0, 15000.0, "INR", "month", "text")),
        # not pay: funding, budgets, later offers
        ("We raised €15 Mio per year of funding", set(), None),
        ("A learning budget of €1.000 per year", set(), None),
        ("Jobticket-Zuschuss von 50 € pro Monat", set(), None),
        ("Internet allowance of ₹1,000 per month", set(), None),
        ("Essensgutschein 50 € pro Monat", set(), None),
        # a perk next to the pay does not hide the pay
        ("Deutschlandticket (49 €/Monat) und Vergütung 1.200 €/Monat", set(),
         (1200.0, 1200.0, "EUR", "month", "text")),
        ("WFH stipend $50/month; pay $30/hour", set(), (30.0, 30.0, "USD", "hour", "text")),
        ("Allowance: S$1,000 - S$1,500/month", set(), (1000.0, 1500.0, "SGD", "month", "text")),
        ("Competitive salary and benefits", set(), None),
    ],
)
def test_pay_families_abroad(text: str, countries: set[str], want: tuple | None) -> None:
    assert _pay(pay_from_text(text, countries)) == want


def test_salary_list_below_a_salary_paragraph_is_yearly() -> None:
    text = ("The minimum and maximum full-time annual salaries for this role are listed below, "
            "by location. Please note that this salary information is solely for candidates "
            "hired to work in these locations.\n\nChicago, IL (Hybrid): $120,000 - $140,000 for "
            "Software Engineer\n")
    assert _pay(pay_from_text(text, set())) == (120000.0, 140000.0, "USD", "year", "text")


def test_pay_line_read_anywhere() -> None:
    whole = "About Acme\n\nAcme builds tools.\n\nUS\\$ 6,100-8,000/month + benefits\n"
    assert _pay(pay_line(whole, set())) == (6100.0, 8000.0, "USD", "month", "text")
    assert pay_line("About Acme\n\nWe made $5 million in revenue per year.", set()) is None


def test_pre_placement_offer_is_not_the_interns_pay() -> None:
    assert lakh_pay("Performance-linked pre-placement offer of up to INR 14 LPA.") is None
    assert _pay(lakh_pay("CTC: 6 - 8 LPA")) == (600000.0, 800000.0, "INR", "year", "text")


@pytest.mark.parametrize(
    ("text", "internship", "want"),
    [
        ("Praktikum für 6 Monate ab April", True, 6.0),
        ("Wir bieten ein 6-monatiges Pflichtpraktikum", True, 6.0),
        ("Ein sechsmonatiges Praktikum im Marketing", True, 6.0),
        ("Ein 12-wöchiges Praktikum", True, 3.0),
        ("Dauer: mindestens 3 Monate", True, 3.0),
        ("Praktikumsdauer: 6 Monate", True, 6.0),
        ("für einen Zeitraum von 6 Monaten", True, 6.0),
        ("Ein Praktikum von 5 Monaten", True, 5.0),
        ("Een stage van 5 maanden", True, 5.0),
        ("Beschikbaar voor een periode van minimaal 2,5 maand", True, 2.5),
        ("Looptijd: zes maanden", True, 6.0),
        ("Een uitdagend leertraject van 6 maanden", False, 6.0),
        ("Social Media Content Creator (Jahrespraktikum)", True, 12.0),
        ("Zeitraum: 3-6 Monate", True, 3.0),
        ("Praktikum für mind. 6 Monate", True, 6.0),
        ("Pflichtpraktikum (mind. 3 Monate)", True, 3.0),
        ("Praktikumszeitraum: 6 Monate", True, 6.0),
        ("Lieferzeitraum: 6 Monate", True, None),
        ("Duration:\n- B.Tech: 6 months\n- M.Tech: 11 months", True, 6.0),
        ("Internship tenure: 3 months", True, 3.0),
        ("Duration of internship four to six months between January and June", True, 4.0),
        # a day-less month range in the title, or after a duration word
        ("Policy Intern, Jan to Jun 2026\nJoin us.", True, 6.0),
        ("Project Intern Jan - Jun/Jul 2026\nJoin us.", True, 6.0),
        ("Intern\nThe internship period is from March to August 2026.", True, 6.0),
        ("Intern\nYou are available from May 12, 2025 - August 15, 2025.", True, None),
        # spans of something else, and a full-time job's contract
        ("Notice period of 3 months", True, None),
        ("Probezeit von 6 Monaten", True, None),
        ("Account Officer (1 Year Contract)", False, None),
    ],
)
def test_duration_families_abroad(text: str, internship: bool, want: float | None) -> None:
    assert duration_months(text, internship=internship) == want


def test_a_paragraph_ending_in_a_question_is_read() -> None:
    paragraph = ("In this 12-week internship you will build tools. Are you ready to take on "
                 "the challenge?")
    assert readable(paragraph) == paragraph
    form = "Will you require visa sponsorship?\nYes\nYou will build tools."
    assert readable(form) == "You will build tools."


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Bewerbungsschluss: 15.03.2026", "2026-03-15"),
        ("Bewerbungsfrist: 15. März 2026", "2026-03-15"),
        ("Bitte bewirb dich bis zum 31. Mai 2026.", "2026-05-31"),
        ("Das Praktikum läuft bis zum 31.08.2026.", None),  # the end of the internship
        ("Bewerbungen werden laufend gesichtet.", "rolling"),
        ("Sluitingsdatum: 1 maart 2026", "2026-03-01"),
        ("Reageren kan tot 15 juni 2026", "2026-06-15"),
        ("Je start uiterlijk 1 september 2026", None),  # a start date
        ("Last Date to Apply: 15th July 2026", "2026-07-15"),
        ("Last date: 20/07/2026", "2026-07-20"),
        ("Apply on or before 31-07-2026", "2026-07-31"),
        ("Applications are closed on November 8th, 5pm EST.", "2026-11-08"),
        ("Last day to apply for the internship is June 15, 2026.", "2026-06-15"),
        ("Applications will be accepted till 10 June 2026", "2026-06-10"),
        ("No set due date, but send them in soon.", "rolling"),
        ("The deadline for applications is 5pm on 31 January 2026.", "2026-01-31"),
        ("Apply by 11:59 PM on March 1, 2026.", "2026-03-01"),
        ("Bewerbungsschluss ist der 15.02.2026 um 12 Uhr.", "2026-02-15"),
        ("We accept applications year-round; for priority consideration submit your "
         "application by March 31st.", "rolling"),
    ],
)
def test_deadline_families_abroad(text: str, want: str | None) -> None:
    assert deadline(text, datetime(2026, 1, 10), us_style=False) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Indian nationals only.", "citizens_only"),
        ("Citizenship: Indian", "citizens_only"),
        ("The scheme is restricted to EU citizens.", "citizens_only"),
        ("You must be a British national (security clearance).", "citizens_only"),
        ("Open to EU citizens or candidates with a valid work permit.", None),
        ("Only Singapore Citizens or PRs will be considered.", "citizens_only"),
        ("Applicants must be Australian citizens or permanent residents.", "no"),
        ("You must have the right to work in the UK.", "no"),
        ("Candidates must have full working rights in Australia.", "no"),
        ("Be a resident of the UK for the entire duration of the programme.", "no"),
        ("Leider können wir kein Visum sponsern.", "no"),
        ("Wij bieden geen visumsponsoring.", "no"),
        ("Visa support is not provided for this role.", "no"),
        ("We offer relocation & visa support.", "yes"),
        ("Wir bieten Visa-Unterstützung und einen Deutschkurs.", "yes"),
        ("Skilled Worker visa sponsorship is available.", "yes"),
        ("Valid work authorization for India is required.", None),
        ("We hire without regard to national origin or citizenship.", None),
    ],
)
def test_sponsorship_families_abroad(text: str, want: str | None) -> None:
    assert sponsorship(text) == want


def test_citizenship_stated_in_a_disclaimer_is_read() -> None:
    from datetime import datetime as dt

    from spiders.enrich import enrich
    from store.models import Posting

    posting = Posting.model_validate({
        "id": "t:1", "source": "t", "company": "Acme", "title": "Analyst Intern",
        "url": "https://example.invalid/1", "kind": "posting",
        "description": "You will analyse data.\n\nDisclaimer:\n\nAcme is an equal opportunity "
                       "employer.\n\nThis position is open only for Indian citizens.",
    })
    assert enrich(posting, dt(2026, 1, 1)).sponsorship == "citizens_only"


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Hybrides Arbeitsmodell: Kombination aus Home Office und Büroarbeit", "hybrid"),
        ("Ein attraktives Mobile Office-Modell", "hybrid"),
        ("Du profitierst von einem hybriden Setup (Home Office und Büro).", "hybrid"),
        ("Möglichkeit zum mobilen Arbeiten", "hybrid"),
        ("Flexible Arbeitszeiten und (teilweise) Remote-Möglichkeit", "hybrid"),
        ("Leider ist kein Homeoffice möglich.", "onsite"),
        ("Praktikant Recruiting - 100% remote", "remote"),
        ("Werkstudent*in Webentwicklung - 100 % Remote möglich", "remote"),
        ("Remote Job: Teilweise", "hybrid"),
        ("Du arbeitest vollständig remote.", "remote"),
        ("Ortsunabhängiges Arbeiten", "remote"),
        ("Arbeit vor Ort in Hamburg", "onsite"),
        ("Die Begrüßung vor Ort übernimmst du.", None),
        ("Unser Team arbeitet in Köln oder remote in ganz Europa.", None),
        ("Deels thuiswerken is mogelijk.", "hybrid"),
        ("Volledig op afstand werken.", "remote"),
        ("This is an offline internship; interns must be physically present.", "onsite"),
        ("Location: Work From Home", "remote"),
        ("You can work 2 days a week from home.", "hybrid"),
        ("Must be available for 5 days a week for 3 months.", None),  # a schedule
        ("We build mobile apps.", None),
    ],
)
def test_remote_families_abroad(text: str, want: str | None) -> None:
    assert remote_from_text(text) == want


@pytest.mark.parametrize(
    ("raw", "text", "want"),
    [
        ([], "Summer App Development Intern(Remote)\nBuild apps.", "remote"),
        ([], "Software Engineer - Mob Programming, REMOTE\nPair daily.", "remote"),
        ([], "QA Engineer Work From Home Internship\nTest apps.", "remote"),
        ([], "Data Analyst - Hybrid\nAnalyse data.", "hybrid"),
        ([], "Remote Sensing Intern\nMap forests.", None),
        (["Remote"], "Data Intern\nThis on-site internship is in Bengaluru.", "onsite"),
        (["Remote"], "Data Intern\nOur hybrid policy: 3 days in the office.", None),
    ],
)
def test_remote_title_and_opening(raw: list[str], text: str, want: str | None) -> None:
    assert remote_mode(raw, text) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Students who passed their qualifying degree in 2024 or 2025, and final-year students "
         "graduating in 2026, are eligible.", ("2024-01", "2026-12")),
        ("An expected graduation date between December 1, 2024 and September 30, 2025.",
         ("2024-12", "2025-09")),
        ("Open to 2025 pass-outs.", ("2025-01", "2025-12")),
        ("Students passing out in 2026 can apply.", ("2026-01", "2026-12")),
        ("B.Tech students of the batch of 2026.", ("2026-01", "2026-12")),
        ("You will have achieved your degree by summer 2026.", (None, "2026-08")),
        ("Open to final-year and penultimate-year students.", None),
        ("A degree in Computer Science and 2 years of experience.", None),
    ],
)
def test_graduation_families_abroad(text: str, want: tuple | None) -> None:
    found = graduation(text)
    assert (None if found is None else (found.from_, found.to)) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Engineering Graduates or Postgraduates (or equivalent)", ["bachelor", "master"]),
        ("A graduation degree is mandatory.", ["bachelor"]),
        ("Graduation in any discipline.", ["bachelor"]),
        ("Paid internship for engineering UG/PG students", ["bachelor", "master"]),
        ("Candidates enrolled in Post-Graduation programmes", ["master"]),
        ("Currently pursuing a Masterâ€™s in CS", ["master"]),  # a mis-decoded apostrophe
        ("Du bist im Masterstudium.", ["master"]),
        ("Bachelorstudium der Informatik", ["bachelor"]),
        ("Laufendes Studium der Informatik", []),  # names no level
        ("Du studierst im Bachelor oder Master.", ["bachelor", "master"]),
        ("Du bist Masterstudent/in.", ["master"]),
        ("Doktorand/in der Physik", ["phd"]),
        ("Any Graduate can apply.", ["bachelor"]),
        ("Wir planen Promotion-Aktionen.", []),
        ("Open to BBA/BCA students.", ["bachelor"]),
        ("Coordinate with URA, BCA and NParks.", []),  # an agency, not a degree
        ("Currently pursuing a degree in Computer Science.", []),
    ],
)
def test_degree_families_abroad(text: str, want: list[str]) -> None:
    assert degrees(text) == want


@pytest.mark.parametrize(
    ("title", "text", "want"),
    [
        ("Praktikum HR (Start: September 2026) (m/w/d)", "", ["Fall 2026"]),
        ("Intern", "Start date: May 2026", ["Summer 2026"]),
        ("Intern", "Praktikum ab 01.10.2026 für 6 Monate", ["Fall 2026"]),
        ("Intern", "Beginn: 1. März 2026", ["Spring 2026"]),
        ("Intern", "Stage per 1 september 2026", ["Fall 2026"]),
        ("Intern", "Duration: 12 weeks starting June 2027", []),  # prose, not a start field
        ("Intern", "Start: ab sofort", []),
        ("Intern", "Praktikum ab Herbst 2026", ["Fall 2026"]),
        ("Intern", "Sommer 2026", ["Summer 2026"]),
        ("Intern", "Stage in het najaar van 2026", ["Fall 2026"]),
        ("Intern", "Praktikum im Wintersemester 2026/27", []),  # a study term, not a season
        ("Intern", "Now taking applications for our 2026/27 Summer Internship.", []),
        ("Intern", "Over the years we have taken hundreds of summer interns.", []),
    ],
)
def test_season_families_abroad(title: str, text: str, want: list[str]) -> None:
    assert seasons(title, text, datetime(2026, 2, 1)) == want


def test_a_southern_summer_across_two_years_has_no_season() -> None:
    text = "We are taking applications for our 2026/27 Summer Internship."
    assert seasons("Summer Internship", text, datetime(2026, 9, 15)) == []
    assert seasons("Summer Intern", "Join us this summer.", datetime(2026, 3, 15)) == ["Summer 2026"]


def test_russian_phrasings() -> None:
    """hh.ru postings (Russia/Central Asia): work mode, length, degrees and pay in Russian."""
    assert remote_from_text("Формат работы: удалённо") == "remote"
    assert remote_from_text("Гибридный формат работы") == "hybrid"
    assert remote_from_text("Работа в офисе в Москве") == "onsite"
    assert remote_from_text("Мы удалили старый код") is None
    assert duration_months("Стажировка 3 месяца", internship=True) == 3.0
    assert duration_months("Длительность стажировки: 6 месяцев", internship=True) == 6.0
    assert duration_months("Опыт работы от 3 лет", internship=True) is None
    assert degrees("Студенты бакалавриата и магистратуры") == ["bachelor", "master"]
    assert degrees("Приглашаем аспирантов") == ["phd"]
    assert _pay(pay_from_text("Стипендия 30 000 руб. в месяц", set())) == (
        30000.0, 30000.0, "RUB", "month", "text")
