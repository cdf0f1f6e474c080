"""Lever postings API: one site (`url` for the EU host, api.eu.lever.co)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any, ClassVar

from scrapy.http import Response

from config.models import TypeSpec
from spiders.base import BaseSpider, MalformedResponse, epoch_ms_to_iso
from spiders.text import html_to_text, tidy_text
from store.models import Pay, Posting, Unchanged
from store.urls import canonical_url

_WORKPLACE = {"remote": "remote", "hybrid": "hybrid", "on-site": "onsite", "onsite": "onsite"}
_INTERVAL = {
    "per-hour-wage": "hour",
    "per-day-wage": "day",
    "per-week-salary": "week",
    "per-month-salary": "month",
    "per-year-salary": "year",
}


class LeverSpider(BaseSpider):
    name = "lever"
    default_url = "https://api.lever.co/v0/postings/{site}?mode=json"
    spec: ClassVar[TypeSpec] = TypeSpec(required=("site",), needs_company=True)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Posting | Unchanged]:
        data = self.json(response)
        if not isinstance(data, list):
            raise MalformedResponse(f"expected a list of postings from {response.url}")
        yield from self.each(
            data, lambda job: self.from_raw(job["id"], job, partial(self.posting, job)))

    def posting(self, job: dict[str, Any]) -> Posting:
        cats = job.get("categories") or {}
        locations = cats.get("allLocations") or ([cats["location"]] if cats.get("location") else [])
        commitment = cats.get("commitment")
        parts = [job.get("descriptionPlain") or html_to_text(job.get("description"))]
        for section in job.get("lists") or []:
            parts.append(str(section.get("text") or ""))
            parts.append(html_to_text(section.get("content")))
        parts.append(job.get("additionalPlain") or html_to_text(job.get("additional")))
        hosted = job.get("hostedUrl") or ""
        return Posting(
            id=self.posting_id(job["id"]),
            source=self.source.name,
            company=self.company or self.source.name,
            title=str(job.get("text") or "").strip(),
            url=canonical_url(hosted) if hosted else "",
            apply_url=job.get("applyUrl"),
            raw_locations=[str(loc) for loc in locations],
            remote=_WORKPLACE.get(str(job.get("workplaceType") or "").lower()),  # type: ignore[arg-type]
            team=cats.get("team") or cats.get("department"),
            employment_type=commitment,
            is_internship=bool(commitment and "intern" in str(commitment).lower()),
            description=tidy_text("\n\n".join(p.strip() for p in parts if p and p.strip())),
            posted_at=epoch_ms_to_iso(job.get("createdAt")),
            pay=lever_pay(job.get("salaryRange")),
        )


def lever_pay(salary: object) -> Pay | None:
    if not isinstance(salary, dict):
        return None
    low, high = salary.get("min"), salary.get("max")
    if not isinstance(low, int | float) and not isinstance(high, int | float):
        return None
    return Pay(
        min=low if isinstance(low, int | float) else None,
        max=high if isinstance(high, int | float) else None,
        currency=str(salary.get("currency") or "").upper() or None,
        per=_INTERVAL.get(str(salary.get("interval") or "")),  # type: ignore[arg-type]
        source="structured",
    )
