"""Ashby posting API: one board, every listed job (with compensation) in one response.

The API has no paging: `GET /posting-api/job-board/{board}?includeCompensation=true` answers
`{"jobs": [...]}` with the whole board, so one request reads it in full. Jobs with
`isListed: false` are hidden on the board and are not open postings.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from scrapy.http import Response

from config.models import TypeSpec
from spiders.base import BaseSpider, MalformedResponse, parse_iso
from spiders.text import html_to_text, tidy_text
from store.models import Location, Pay, Posting
from store.places import country_code
from store.urls import canonical_url

_WORKPLACE = {"remote": "remote", "hybrid": "hybrid", "onsite": "onsite", "on-site": "onsite"}
#: Ashby compensation `interval` -> Pay.per
_INTERVAL = {
    "1 HOUR": "hour", "1 DAY": "day", "1 WEEK": "week", "1 MONTH": "month", "1 YEAR": "year",
}


class AshbySpider(BaseSpider):
    name = "ashby"
    default_url = "https://api.ashbyhq.com/posting-api/job-board/{board}?includeCompensation=true"
    spec: ClassVar[TypeSpec] = TypeSpec(required=("board",), needs_company=True)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Posting]:
        data = self.json(response)
        if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
            raise MalformedResponse(f"no 'jobs' list in the Ashby answer from {response.url}")
        self.pages += 1
        yield from self.each(data["jobs"], self.listed)

    def listed(self, job: dict[str, Any]) -> Posting | None:
        if not job["id"] or not job["title"]:
            raise MalformedResponse("no 'id' or 'title'")
        return None if job.get("isListed") is False else self.posting(job)

    def posting(self, job: dict[str, Any]) -> Posting:
        job_url = str(job.get("jobUrl") or "")
        secondary = [s for s in job.get("secondaryLocations") or [] if isinstance(s, dict)]
        raw_locations = [str(job["location"])] if job.get("location") else []
        raw_locations += [str(s["location"]) for s in secondary if s.get("location")]
        locations: list[Location] = []
        for address in [job.get("address")] + [s.get("address") for s in secondary]:
            place = ashby_location(address)
            if place is not None and place not in locations:
                locations.append(place)
        description = html_to_text(job.get("descriptionHtml")) or tidy_text(
            str(job.get("descriptionPlain") or "")
        )
        employment = job.get("employmentType")
        return Posting(
            id=self.posting_id(job["id"]),
            source=self.source.name,
            company=self.company or self.source.name,
            title=str(job["title"]).strip(),
            url=canonical_url(job_url) if job_url else "",
            apply_url=job.get("applyUrl") or None,
            is_internship=employment == "Intern",
            raw_locations=raw_locations,
            locations=locations,
            remote=ashby_remote(job),  # type: ignore[arg-type]
            team=job.get("team") or job.get("department") or None,
            employment_type=str(employment) if employment else None,
            description=description,
            posted_at=parse_iso(job.get("publishedAt")),
            pay=ashby_pay(job.get("compensation")),
        )


def ashby_remote(job: dict[str, Any]) -> str | None:
    """`workplaceType` (Remote | Hybrid | OnSite) first; else `isRemote: true` means remote.

    `isRemote: false` alone does not say whether the job is hybrid or on site: unknown.
    """
    workplace = _WORKPLACE.get(str(job.get("workplaceType") or "").lower())
    if workplace:
        return workplace
    return "remote" if job.get("isRemote") is True else None


def ashby_location(address: object) -> Location | None:
    """`address.postalAddress` parts -> Location; the country name mapped to ISO-2."""
    if not isinstance(address, dict) or not isinstance(address.get("postalAddress"), dict):
        return None
    postal = address["postalAddress"]
    city = str(postal.get("addressLocality") or "").strip() or None
    region = str(postal.get("addressRegion") or "").strip() or None
    country_name = str(postal.get("addressCountry") or "").strip()
    country = country_code(country_name) if country_name else None
    if not (city or region or country):
        return None
    return Location(city=city, region=region, country=country)


def ashby_pay(compensation: object) -> Pay | None:
    """The Salary components of `compensationTiers` (else `summaryComponents`) -> one range.

    Several tiers (levels or locations) with the same currency and interval become one range
    from the lowest minimum to the highest maximum; tiers in another currency or interval
    than the first are left out rather than mixed.
    """
    if not isinstance(compensation, dict):
        return None
    components: list[dict[str, Any]] = []
    for tier in compensation.get("compensationTiers") or []:
        if isinstance(tier, dict):
            components += [c for c in tier.get("components") or [] if isinstance(c, dict)]
    if not components:
        components = [c for c in compensation.get("summaryComponents") or [] if isinstance(c, dict)]
    salaries = [
        c for c in components
        if c.get("compensationType") == "Salary"
        and any(isinstance(c.get(key), int | float) for key in ("minValue", "maxValue"))
    ]
    if not salaries:
        return None
    first = salaries[0]
    same = [
        c for c in salaries
        if (c.get("currencyCode"), c.get("interval"))
        == (first.get("currencyCode"), first.get("interval"))
    ]
    lows = [c["minValue"] for c in same if isinstance(c.get("minValue"), int | float)]
    highs = [c["maxValue"] for c in same if isinstance(c.get("maxValue"), int | float)]
    return Pay(
        min=min(lows) if lows else None,
        max=max(highs) if highs else None,
        currency=str(first.get("currencyCode") or "").upper() or None,
        per=_INTERVAL.get(str(first.get("interval") or "").upper()),  # type: ignore[arg-type]
        source="structured",
    )
