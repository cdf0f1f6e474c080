"""Enrichment: turn a spider's text and hints into every field students filter on.

The item pipeline calls :func:`enrich` once per posting. Values a spider set from
structured API data (``is_internship=True``, ``locations``, ``remote``, ``pay``,
``deadline``, and any other non-empty field) are kept; enrichment fills only what is still
unknown, each field by one small module of this package. Ambiguous text leaves a field
unknown. Three exceptions, all about what a source says of itself: the company value is
tidied (spiders/company.company_name: Workday entity labels, licence numbers, job sites
that re-list openings), the company a job site glues to a title is dropped, and a title
naming a senior role is no internship whatever the board's employment type says.
Pure and fast (well under 1 ms for a 5 KB description, see bench/bench_enrich.py);
place data is loaded on the first call.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from spiders.enrich.categories import categories
from spiders.enrich.deadline import deadline
from spiders.enrich.degrees import degrees
from spiders.enrich.duration import duration_months
from spiders.enrich.graduation import graduation
from spiders.enrich.internship import (
    internship_line,
    internship_text,
    is_internship,
    programme_internship,
    senior_title,
)
from spiders.enrich.locations import locations, locations_from_raw
from spiders.enrich.pay import country_hint, pay_from_text, pay_line
from spiders.enrich.remote import remote_mode
from spiders.enrich.seasons import seasons
from spiders.enrich.sections import BOILERPLATE, MAX_CHARS, PAY_DROP, readable
from spiders.enrich.sponsorship import sponsorship
from spiders.enrich.stipend import lakh_pay, local_pay
from spiders.enrich.text import squash
from store.models import Posting

__all__ = ["enrich"]


def _reference(posted_at: str | None, now: datetime) -> datetime:
    """The posting date (naive) when it parses, else ``now``: the base for unstated years."""
    if posted_at:
        try:
            return datetime.fromisoformat(posted_at.replace("Z", "+00:00")).replace(tzinfo=None)
        except ValueError:
            pass  # an unparseable date is the spider's bug; `now` is the documented fallback
    return now.replace(tzinfo=None)


def _copy(posting: Posting) -> Posting:
    """A copy that shares nothing mutable with ``posting``, at a tenth of a deep copy's cost.

    Every mutable value of a Posting is a list (of strings or frozen Locations) or a small
    model of scalars (Pay, Graduation): new lists and copies of those models are enough.
    ``__dict__`` is written directly so the fields set stay as they were, as with a deep copy.
    """
    p = posting.model_copy()
    for name, value in list(p.__dict__.items()):
        if isinstance(value, list):
            p.__dict__[name] = list(value)
        elif isinstance(value, BaseModel):
            p.__dict__[name] = value.model_copy()
    return p


def enrich(posting: Posting, now: datetime, *, copy: bool = True) -> Posting:
    """A copy of ``posting`` with every unknown field filled from its text and hints.

    ``copy=False`` fills ``posting`` itself (the item pipeline, which has no further use for
    the unenriched item, saves the copy's 0.05 ms).
    """
    p = _copy(posting) if copy else posting
    # Each field reads only the sections where a posting states it (spiders/enrich/sections.py):
    # not "About us", legal or pay-transparency text, testimonials or form questions.
    whole = squash(p.description[:MAX_CHARS])
    text = readable(whole, BOILERPLATE)
    pay_text = readable(whole, PAY_DROP)
    title = p.title.strip()[:300]
    # One string for the modules that read the title with the text, so the key positions
    # found for it (text.windows) are shared by them.
    full = f"{title}\n{text}"
    reference = _reference(p.posted_at, now)

    from spiders.company import company_name, title_without_company  # (it reads .sections)

    # the source's company value, tidied: Workday entity labels, licence numbers, job sites;
    # and the title without the company a job site glues to it
    p.company = company_name(p.company, title, whole)
    p.title = title_without_company(p.title, p.company)
    p.is_internship = not senior_title(title) and (
        p.is_internship or is_internship(title, p.employment_type)
        or internship_line(whole) or internship_text(text) or programme_internship(title, text))
    if not p.locations:
        p.locations = locations(p.raw_locations, text)
    elif all(loc.city is None and loc.region is None for loc in p.locations):
        # the API gave only countries (Workday): the raw strings may name the city, and are
        # kept only when they agree with the structured countries
        parsed = locations_from_raw(p.raw_locations)
        known = {loc.country for loc in p.locations}
        if parsed and all(loc.country in known for loc in parsed):
            p.locations = parsed
    if p.remote is None:
        p.remote = remote_mode(p.raw_locations, full)
    countries = {loc.country for loc in p.locations if loc.country}
    if p.pay is None:
        # "$1,500/month" in a place the gazetteer lacks ("Paya Lebar"): the country named by
        # the board's location line or the text decides which dollar it is
        hint = countries or country_hint([" ".join(p.raw_locations), text])
        p.pay = pay_from_text(pay_text, hint) or pay_line(whole, hint)
        # "Stipend - 15k per month" (the intern's own pay) before "CTC: 7-9 LPA"
        if p.pay is None and len(countries) == 1:
            p.pay = local_pay(pay_text, countries)
        if p.pay is None and ("LPA" in pay_text or "akh" in pay_text or "Lac" in pay_text):
            p.pay = lakh_pay(pay_text)
    if not p.seasons and p.is_internship:
        p.seasons = seasons(title, text, reference)
    if p.graduation is None:
        p.graduation = graduation(text)
    if not p.degrees:
        p.degrees = degrees(full)
    if p.sponsorship is None:
        p.sponsorship = sponsorship(pay_text)  # legal text too: "open only for Indian citizens"
    if p.duration_months is None:
        p.duration_months = duration_months(full, internship=p.is_internship)
    if p.deadline is None:
        p.deadline = deadline(text, reference, us_style=countries == {"US"})
    if not p.categories:
        p.categories = categories(title, p.team, text)
    return p
