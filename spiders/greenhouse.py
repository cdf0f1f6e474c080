"""Greenhouse job board API: one board, every job with its content in one response."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any, ClassVar

from scrapy.http import Response

from config.models import TypeSpec
from spiders.base import BaseSpider, MalformedResponse, parse_iso
from spiders.text import html_to_text
from store.models import Pay, Posting, Unchanged
from store.urls import canonical_url

_EMPLOYMENT_KEYS = ("employment type", "job type", "employment", "position type", "time type")


class GreenhouseSpider(BaseSpider):
    name = "greenhouse"
    default_url = "https://boards-api.greenhouse.io/v1/boards/{board}/jobs?content=true"
    spec: ClassVar[TypeSpec] = TypeSpec(required=("board",), needs_company=False)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Posting | Unchanged]:
        data = self.json(response)
        if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
            raise MalformedResponse(f"no 'jobs' list in the Greenhouse answer from {response.url}")
        yield from self.each(
            data["jobs"], lambda job: self.from_raw(job["id"], job, partial(self.posting, job)))

    def posting(self, job: dict[str, Any]) -> Posting:
        url = job.get("absolute_url") or ""
        location = (job.get("location") or {}).get("name")
        departments = job.get("departments") or []
        employment = None
        for meta in job.get("metadata") or []:
            if str(meta.get("name", "")).strip().lower() in _EMPLOYMENT_KEYS and meta.get("value"):
                value = meta["value"]
                employment = ", ".join(value) if isinstance(value, list) else str(value)
        deadline = job.get("application_deadline")
        return Posting(
            id=self.posting_id(job["id"]),
            source=self.source.name,
            company=self.company or job.get("company_name") or self.source.name,
            title=str(job.get("title") or "").strip(),
            url=canonical_url(url) if url else "",
            apply_url=url or None,
            raw_locations=[location] if location else [],
            team=departments[0].get("name") if departments else None,
            employment_type=employment,
            description=html_to_text(job.get("content"), unescape_first=True),
            posted_at=parse_iso(job.get("first_published")) or parse_iso(job.get("updated_at")),
            deadline=deadline[:10] if isinstance(deadline, str) and len(deadline) >= 10 else None,
            pay=greenhouse_pay(job.get("pay_input_ranges")),
        )


def greenhouse_pay(ranges: object) -> Pay | None:
    """`pay_input_ranges` (amounts in cents); the period only when the range's title says it."""
    if not isinstance(ranges, list) or not ranges:
        return None
    first = ranges[0]
    if not isinstance(first, dict):
        return None
    low, high = first.get("min_cents"), first.get("max_cents")
    if not isinstance(low, int | float) and not isinstance(high, int | float):
        return None
    title = str(first.get("title") or "").lower() + " " + str(first.get("blurb") or "").lower()
    per = None
    for word, period in (
        ("hour", "hour"),
        ("annual", "year"),
        ("year", "year"),
        ("month", "month"),
        ("week", "week"),
        ("salary", "year"),
    ):
        if word in title:
            per = period
            break
    return Pay(
        min=low / 100 if isinstance(low, int | float) else None,
        max=high / 100 if isinstance(high, int | float) else None,
        currency=str(first.get("currency_type") or "").upper() or None,
        per=per,  # type: ignore[arg-type]
        source="structured",
    )
