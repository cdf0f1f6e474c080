"""TikTok careers search API (lifeattiktok.com): every intern posting, page by page.

`POST https://api.lifeattiktok.com/api/v1/public/supplier/search/job/posts` with the headers
the careers site sends (without them the API answers an error code) and a JSON body with
`limit`/`offset` and the intern recruitment type (`recruitment_id_list: ["202"]`; an item's
`recruit_type.id` is "202" for Intern, "101" for Regular). Items are filtered by
`recruit_type` too, in case the filter is ignored.

Results are not newest first, so paging never stops early on "already seen": it reads until
`offset >= count`, an empty or repeated page, or `max_pages` (then the listing is
incomplete). The API gives no date: the posting id is a snowflake whose top 32 bits are the
creation time in Unix seconds (`id >> 32`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar

from scrapy.http import Request, Response

from config.clock import iso
from config.models import TypeSpec
from spiders.base import BaseSpider, MalformedResponse
from spiders.text import tidy_text
from store.models import Location, Pay, Posting
from store.places import country_code
from store.urls import canonical_url

INTERN = "202"
PAGE_SIZE = 100
PUBLIC_PAGE = "https://lifeattiktok.com/search/{id}"
#: what the careers site sends with its search requests
PORTAL_HEADERS = {
    "Content-Type": "application/json",
    "Accept": "application/json, text/plain, */*",
    "website-path": "tiktok",
    "portal-channel": "tiktok",
    "portal-platform": "pc",
    "env": "prod",
    "accept-language": "en-US",
    "Referer": "https://lifeattiktok.com/",
}
#: snowflake times before this are not TikTok's (the careers ids start in the 2010s)
_EARLIEST = datetime(2012, 1, 1, tzinfo=UTC).timestamp()


class TikTokSpider(BaseSpider):
    name = "tiktok"
    default_url = "https://api.lifeattiktok.com/api/v1/public/supplier/search/job/posts"
    spec: ClassVar[TypeSpec] = TypeSpec(needs_company=False)

    def initial_requests(self) -> Iterator[Request]:
        yield self.page_request(0, None)

    def page_request(self, offset: int, previous: tuple[str, ...] | None) -> Request:
        """One search page; the URL is the start URL, so a `url` override moves every page."""
        body = {
            "keyword": "",
            "limit": PAGE_SIZE,
            "offset": offset,
            "recruitment_id_list": [INTERN],
            "job_category_id_list": [],
            "subject_id_list": [],
            "location_code_list": [],
        }
        return self.request(
            self.start_url(), self.parse, method="POST", body=json.dumps(body),
            headers=PORTAL_HEADERS, cb_kwargs={"offset": offset, "previous": previous},
            dont_filter=True,
        )

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Posting | Request]:
        offset: int = kwargs.get("offset", 0)
        previous: tuple[str, ...] | None = kwargs.get("previous")
        payload = self.json(response)
        if not isinstance(payload, dict):
            raise MalformedResponse(f"expected a JSON object from {response.url}")
        if payload.get("code") != 0:
            message = str(payload.get("message") or payload.get("msg") or "").strip()
            raise MalformedResponse(
                f"TikTok API error code {payload.get('code')!r}"
                f"{': ' + message if message else ''} from {response.url}"
            )
        data = payload.get("data")
        if not isinstance(data, dict) or not isinstance(data.get("job_post_list"), list):
            raise MalformedResponse(f"no 'data.job_post_list' in the TikTok answer from {response.url}")
        count = data.get("count")
        if not isinstance(count, int) or isinstance(count, bool):
            raise MalformedResponse(f"no 'data.count' number in the TikTok answer from {response.url}")
        jobs: list[Any] = data["job_post_list"]
        self.pages += 1
        if not jobs:
            return
        ids = tuple(str(job.get("id")) if isinstance(job, dict) else "?" for job in jobs)
        if ids == previous:
            return  # the same page again: stop
        yield from self.each(jobs, self.intern)
        next_offset = offset + len(jobs)
        if next_offset >= count:
            return
        if self.pages >= self.source.max_pages:
            self.complete = False
            return
        yield self.page_request(next_offset, ids)

    def intern(self, job: dict[str, Any]) -> Posting | None:
        if not str(job["id"]).isdigit():
            raise MalformedResponse("no numeric 'id'")
        recruit = job.get("recruit_type")
        if not isinstance(recruit, dict) or str(recruit.get("id")) != INTERN:
            return None
        return self.posting(job)

    def posting(self, job: dict[str, Any]) -> Posting:
        native = str(job["id"])
        page = PUBLIC_PAGE.format(id=native)
        place, raw = tiktok_location(job.get("city_info"))
        parts = [str(job.get(key) or "").strip() for key in ("description", "requirement")]
        return Posting(
            id=self.posting_id(native),
            source=self.source.name,
            company=self.company or "TikTok",
            title=str(job.get("title") or "").strip(),
            url=canonical_url(page),
            apply_url=page,
            is_internship=True,  # only recruit_type 202 (Intern) gets here
            raw_locations=[raw] if raw else [],
            locations=[place] if place else [],
            team=_name(job.get("job_category")),
            employment_type=_name(job.get("recruit_type")),
            description=tidy_text("\n\n".join(p for p in parts if p)),
            posted_at=snowflake_time(native),
            pay=tiktok_pay(job.get("job_post_info")),
        )


def _name(node: object) -> str | None:
    """English name of a TikTok taxonomy node ({en_name, i18n_name, name})."""
    if not isinstance(node, dict):
        return None
    for key in ("en_name", "i18n_name", "name"):
        if node.get(key):
            return str(node[key]).strip()
    return None


def tiktok_location(city_info: object) -> tuple[Location | None, str | None]:
    """`city_info` (city -> parent state -> parent country, by `location_type` 3/2/1).

    Returns the Location (country name mapped to ISO-2) and the location as written,
    "San Jose, California, United States of America".
    """
    levels: dict[int, str] = {}
    node = city_info
    for _ in range(6):  # the chain is at most city, state, country
        if not isinstance(node, dict):
            break
        name = _name(node)
        kind = node.get("location_type")
        if name and isinstance(kind, int) and kind not in levels:
            levels[kind] = name
        node = node.get("parent")
    if not levels:
        return None, None
    city, region, country_name = levels.get(3), levels.get(2), levels.get(1)
    country = country_code(country_name) if country_name else None
    raw = ", ".join(n for n in (city, region, country_name) if n)
    if region and region == city:
        region = None  # "Singapore, Singapore, Singapore"-style chains
    return Location(city=city, region=region, country=country), raw


def snowflake_time(native_id: str) -> str | None:
    """The creation time in a snowflake id: its top 32 bits are Unix seconds.

    None when the id is not a number or the time is implausible (before 2012 or in the future).
    """
    if not native_id.isdigit():
        return None
    seconds = int(native_id) >> 32
    if seconds < _EARLIEST or seconds > datetime.now(UTC).timestamp() + 86_400:
        return None
    return iso(datetime.fromtimestamp(seconds, tz=UTC))


def tiktok_pay(info: object) -> Pay | None:
    """`job_post_info` min/max salary and currency; the API does not say the period."""
    if not isinstance(info, dict):
        return None
    low, high = _amount(info.get("min_salary")), _amount(info.get("max_salary"))
    if low is None and high is None:
        return None
    currency = info.get("currency")
    if isinstance(currency, dict):  # seen as {"code": "USD", ...} on some portals
        currency = currency.get("code") or currency.get("en_name")
    return Pay(min=low, max=high, currency=str(currency or "").strip().upper() or None,
               per=None, source="structured")


def _amount(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if value > 0 else None
    if isinstance(value, str):
        try:
            number = float(value.replace(",", "").strip())
        except ValueError:
            return None
        return number if number > 0 else None
    return None

