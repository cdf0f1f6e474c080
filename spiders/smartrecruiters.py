"""SmartRecruiters posting API: one company's list (offset paging), then each posting's detail.

The list (`/v1/companies/{company_id}/postings?limit=100&offset=N`) carries everything but
the description; each item's `ref` (followed as given) is the detail, whose `jobAd.sections`
hold the text. Paging advances `offset` by the number of items received and stops at
`totalFound`, on an empty page, on a page identical to the previous one, or at `max_pages`
(then the listing is incomplete). An unknown company id is not an error to the API: it
answers 200 with `totalFound: 0`; a board with truly no openings looks the same, so a first
page with nothing is reported as a source problem to check, never as "no openings".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from scrapy.http import Request, Response
from w3lib.url import add_or_replace_parameter

from config.models import TypeSpec
from spiders.base import BaseSpider, MalformedResponse, parse_iso
from spiders.text import html_to_text, tidy_text
from store.models import Location, Posting
from store.places import country_code
from store.urls import canonical_url

#: jobAd.sections, in the order they are shown on the posting page
SECTIONS = ("companyDescription", "jobDescription", "qualifications", "additionalInformation")
PUBLIC_PAGE = "https://jobs.smartrecruiters.com/{company}/{id}"


class SmartRecruitersSpider(BaseSpider):
    name = "smartrecruiters"
    default_url = (
        "https://api.smartrecruiters.com/v1/companies/{company_id}/postings?limit=100&offset=0"
    )
    spec: ClassVar[TypeSpec] = TypeSpec(required=("company_id",), needs_company=False)

    def initial_requests(self) -> Iterator[Request]:
        yield self.request(self.start_url(), self.parse, cb_kwargs={"offset": 0, "previous": None})

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Request]:
        offset: int = kwargs.get("offset", 0)
        previous: tuple[str, ...] | None = kwargs.get("previous")
        data = self.json(response)
        if not isinstance(data, dict) or not isinstance(data.get("content"), list):
            raise MalformedResponse(f"no 'content' list in the SmartRecruiters answer from {response.url}")
        total = data.get("totalFound")
        if not isinstance(total, int) or isinstance(total, bool):
            raise MalformedResponse(f"no 'totalFound' number in the answer from {response.url}")
        content: list[Any] = data["content"]
        self.pages += 1
        if offset == 0 and total == 0 and not content:
            self.fail(
                f"no postings: is company_id right? (SmartRecruiters answered totalFound 0"
                f" from {response.url})"
            )
            return
        if not content:
            return  # empty page: the end
        ids = tuple(str(item.get("id")) if isinstance(item, dict) else "?" for item in content)
        if ids == previous:
            return  # the same page again: the API ignores offset, stop
        yield from self.each(content, self.detail_request)
        next_offset = offset + len(content)
        if next_offset >= total:
            return
        if self.pages >= self.source.max_pages:
            self.complete = False
            return
        yield self.request(
            add_or_replace_parameter(response.url, "offset", str(next_offset)), self.parse,
            cb_kwargs={"offset": next_offset, "previous": ids},
        )

    def detail_request(self, item: dict[str, Any]) -> Request:
        if not item["id"] or not item["ref"]:
            raise MalformedResponse("no 'id' or 'ref'")
        return self.request(
            str(item["ref"]), self.parse_detail,
            meta={"posting_id": self.posting_id(item["id"])}, cb_kwargs={"summary": item},
        )

    def parse_detail(self, response: Response, summary: dict[str, Any]) -> Iterator[Posting]:
        detail = self.json(response)
        if not isinstance(detail, dict) or not isinstance(detail.get("jobAd"), dict):
            raise MalformedResponse(f"no 'jobAd' in the posting detail from {response.url}")
        yield self.posting({**summary, **detail})

    def posting(self, job: dict[str, Any]) -> Posting:
        company = _obj(job.get("company"))
        company_name = str(company.get("name") or "").strip()
        page = job.get("postingUrl") or PUBLIC_PAGE.format(
            company=company.get("identifier") or self.source.option("company_id"), id=job["id"]
        )
        location = _obj(job.get("location"))
        employment = _obj(job.get("typeOfEmployment"))
        department = str(_obj(job.get("department")).get("label") or "").strip()
        function = str(_obj(job.get("function")).get("label") or "").strip()
        place = smartrecruiters_location(location)
        return Posting(
            id=self.posting_id(job["id"]),
            source=self.source.name,
            company=self.company or company_name or self.source.name,
            title=str(job.get("name") or "").strip(),
            url=canonical_url(str(page)),
            apply_url=job.get("applyUrl") or None,
            is_internship=employment.get("id") == "intern",
            raw_locations=[raw] if (raw := raw_location(location)) else [],
            locations=[place] if place else [],
            remote=smartrecruiters_remote(location),  # type: ignore[arg-type]
            # a department named like the company says nothing; the function then does
            team=department if department and department != company_name else function or None,
            employment_type=employment.get("label") or employment.get("id") or None,
            description=job_ad_text(job["jobAd"]),
            posted_at=parse_iso(job.get("releasedDate")),
        )


def _obj(value: object) -> dict[str, Any]:
    """`value` when it is a JSON object, else an empty one (optional nested parts)."""
    return value if isinstance(value, dict) else {}


def job_ad_text(job_ad: dict[str, Any]) -> str:
    """`jobAd.sections` as plain text: each section's title, then its HTML as text."""
    sections = _obj(job_ad.get("sections"))
    parts: list[str] = []
    for key in SECTIONS:
        section = sections.get(key)
        if not isinstance(section, dict):
            continue
        text = html_to_text(section.get("text"))
        if not text:
            continue
        title = str(section.get("title") or "").strip()
        parts.append(f"{title}\n\n{text}" if title else text)
    return tidy_text("\n\n".join(parts))


def raw_location(location: dict[str, Any]) -> str | None:
    """The location as the API writes it (`fullLocation`, else its parts joined)."""
    if location.get("fullLocation"):
        return str(location["fullLocation"])
    parts = [str(location[k]) for k in ("city", "region", "country") if location.get(k)]
    return ", ".join(parts) or None


def smartrecruiters_location(location: dict[str, Any]) -> Location | None:
    """city / region / country (lower-case ISO-2) -> Location; region codes to names.

    A region code pycountry knows ("QC" in CA) becomes its name ("Quebec"), like every other
    source's regions; an unknown code is kept as written.
    """
    city = str(location.get("city") or "").strip() or None
    region = str(location.get("region") or "").strip() or None
    raw_country = str(location.get("country") or "").strip()
    country = country_code(raw_country) if raw_country else None
    if country and region:
        region = region_name(country, region)
    if not (city or region or country):
        return None
    return Location(city=city, region=region, country=country)


def region_name(country: str, region: str) -> str:
    """ISO 3166-2 subdivision name for a region code ("CA", "QC" -> "Quebec"), else as given."""
    import pycountry

    found = pycountry.subdivisions.get(code=f"{country}-{region.upper()}")
    return str(found.name) if found is not None else region


def smartrecruiters_remote(location: dict[str, Any]) -> str | None:
    """`remote` / `hybrid` flags; both explicitly false means on site."""
    remote, hybrid = location.get("remote"), location.get("hybrid")
    if remote is True:
        return "remote"
    if hybrid is True:
        return "hybrid"
    if remote is False and hybrid is False:
        return "onsite"
    return None
