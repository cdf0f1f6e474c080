"""Workday career sites (`https://{tenant}.wdN.myworkdayjobs.com[/{locale}]/{site}`), CXS JSON.

The config `url` is the public career site. Its jobs are read from the site's CXS API on the
same scheme and host:

- list: `POST /wday/cxs/{tenant}/{site}/jobs` with
  `{"appliedFacets": {}, "limit": 20, "offset": N, "searchText": ""}`. Pages hold at most 20
  (a larger `limit` answers 400). `total` is only reliable on the first page (later pages
  often say 0), so the first page's total bounds the paging; it also stops on an empty or
  repeated page and at `max_pages` (then the listing is incomplete).
- detail: `GET /wday/cxs/{tenant}/{site}{externalPath}` (externalPath is `/job/...`), which
  carries the description and the real dates: `startDate` is the posting date and `endDate`
  the last day to apply. The list's "Posted 3 Days Ago" is never used.

`tenant` and `site` (optional keys) default to what the URL says: the tenant is the first
label of a `*.myworkdayjobs.com` host, the site the first path segment that is not a locale
(`en-US`). On any other host (a mirror, a test server on 127.0.0.1) `tenant` must be given.
A URL that already is a CXS address (`/wday/cxs/{tenant}/{site}/...`) is read as such.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import urlsplit

from scrapy.http import Request, Response

from config.models import TypeSpec
from spiders.base import BaseSpider, MalformedResponse, parse_iso
from spiders.text import html_to_text
from store.models import Location, Posting
from store.places import country_code
from store.urls import canonical_url

PAGE_SIZE = 20  # the CXS API refuses larger pages with HTTP 400
_LOCALE = re.compile(r"^[a-z]{2}(?:-[A-Za-z]{2,4})?$")
_CXS_PATH = re.compile(r"^/wday/cxs/([^/]+)/([^/]+)")
_REQ_TAIL = re.compile(r"_([^_/]+)/?$")
_REMOTE = {"remote": "remote", "fully remote": "remote", "hybrid": "hybrid",
           "on-site": "onsite", "onsite": "onsite", "on site": "onsite"}


class WorkdaySpider(BaseSpider):
    name = "workday"
    default_url = None
    spec: ClassVar[TypeSpec] = TypeSpec(
        optional=("tenant", "site"), needs_company=False, needs_url=True
    )

    # -- addresses ---------------------------------------------------------------------

    def cxs_base(self) -> str:
        """`{scheme}://{host}/wday/cxs/{tenant}/{site}` for this source's career site."""
        parts = urlsplit(self.start_url())
        origin = f"{parts.scheme}://{parts.netloc}"
        cxs = _CXS_PATH.match(parts.path)
        segments = [s for s in parts.path.split("/") if s]
        tenant = self.source.option("tenant") or (cxs.group(1) if cxs else None)
        site = self.source.option("site") or (cxs.group(2) if cxs else None)
        host = (parts.hostname or "").lower()
        if not tenant and host.endswith(".myworkdayjobs.com"):
            tenant = host.split(".", 1)[0]
        if not site:
            site = next((s for s in segments if not _LOCALE.match(s)), None)
        if not tenant:
            raise ValueError(
                f"cannot tell the Workday tenant from {self.start_url()}: not a"
                " *.myworkdayjobs.com host, so set the key 'tenant'"
            )
        if not site:
            raise ValueError(
                f"cannot tell the Workday site from {self.start_url()}: the URL has no site"
                " path (https://{tenant}.wdN.myworkdayjobs.com/{site}); set the key 'site'"
            )
        return f"{origin}/wday/cxs/{tenant}/{site}"

    def list_request(self, offset: int, total: int | None, previous: tuple[str, ...] | None
                     ) -> Request:
        body = {"appliedFacets": {}, "limit": PAGE_SIZE, "offset": offset, "searchText": ""}
        return self.request(
            f"{self.cxs_base()}/jobs", self.parse, method="POST", body=json.dumps(body),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            cb_kwargs={"offset": offset, "total": total, "previous": previous},
        )

    def initial_requests(self) -> Iterator[Request]:
        yield self.list_request(0, None, None)

    # -- parsing -----------------------------------------------------------------------

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Request]:
        offset: int = kwargs.get("offset", 0)
        total: int | None = kwargs.get("total")
        previous: tuple[str, ...] | None = kwargs.get("previous")
        data = self.json(response)
        if not isinstance(data, dict) or not isinstance(data.get("jobPostings"), list):
            raise MalformedResponse(f"no 'jobPostings' list in the Workday answer from {response.url}")
        if total is None:  # only the first page's total is trustworthy
            total = data.get("total")
            if not isinstance(total, int) or isinstance(total, bool):
                raise MalformedResponse(f"no 'total' number on the first page from {response.url}")
        self.pages += 1
        jobs: list[Any] = data["jobPostings"]
        if not jobs:
            return
        paths = tuple(str(job.get("externalPath")) if isinstance(job, dict) else "?" for job in jobs)
        if paths == previous:
            return  # the same page again: stop
        yield from self.each(jobs, self.detail_request)
        next_offset = offset + len(jobs)
        if next_offset >= total:
            return
        if self.pages >= self.source.max_pages:
            self.complete = False
            return
        yield self.list_request(next_offset, total, paths)

    def detail_request(self, job: dict[str, Any]) -> Request:
        path = job["externalPath"]
        if not isinstance(path, str) or not path.startswith("/"):
            raise MalformedResponse("no 'externalPath'")
        return self.request(
            self.cxs_base() + path, self.parse_detail,
            meta={"posting_id": self.posting_id(workday_native_id(path))},
            cb_kwargs={"path": path, "summary": job},
        )

    def parse_detail(self, response: Response, path: str, summary: dict[str, Any]
                     ) -> Iterator[Posting]:
        data = self.json(response)
        info = data.get("jobPostingInfo") if isinstance(data, dict) else None
        if not isinstance(info, dict):
            raise MalformedResponse(f"no 'jobPostingInfo' in the Workday job from {response.url}")
        organisation = data.get("hiringOrganization")
        if not isinstance(organisation, dict):
            organisation = {}
        page = str(info.get("externalUrl") or "")
        if not page:
            raise MalformedResponse(f"no 'externalUrl' in the Workday job from {response.url}")
        end = info.get("endDate")
        yield Posting(
            id=self.posting_id(workday_native_id(path)),
            source=self.source.name,
            company=self.company or str(organisation.get("name") or "").strip() or self.source.name,
            title=str(info.get("title") or summary.get("title") or "").strip(),
            url=canonical_url(page),
            apply_url=page,
            raw_locations=workday_raw_locations(info, summary),
            locations=workday_locations(info),
            remote=_REMOTE.get(str(info.get("remoteType") or "").strip().lower()),  # type: ignore[arg-type]
            employment_type=info.get("timeType") or None,
            description=html_to_text(info.get("jobDescription")),
            posted_at=parse_iso(info.get("startDate")),
            deadline=end[:10] if isinstance(end, str) and re.match(r"\d{4}-\d{2}-\d{2}", end) else None,
        )


def workday_native_id(external_path: str) -> str:
    """The requisition id at the end of the job's path (`..._JR-7309` -> `JR-7309`).

    It stays the same when a title is edited (the path's words change); a path without one
    is used whole.
    """
    match = _REQ_TAIL.search(external_path)
    return match.group(1) if match else external_path.strip("/")


def workday_raw_locations(info: dict[str, Any], summary: dict[str, Any]) -> list[str]:
    """`location` plus `additionalLocations`, as written (else the list's `locationsText`)."""
    found: list[str] = []
    first = info.get("location") or summary.get("locationsText")
    if first:
        found.append(str(first))
    for extra in info.get("additionalLocations") or []:
        if isinstance(extra, str) and extra and extra not in found:
            found.append(extra)
    return found


def workday_locations(info: dict[str, Any]) -> list[Location]:
    """The requisition's country (`alpha2Code`) when the job is in one place.

    Workday gives the place itself only as text ("Hobart (TAS)"), so city and region are left
    to enrichment via `raw_locations`; with `additionalLocations` the one country would be
    wrong for the others, so nothing is set.
    """
    if info.get("additionalLocations"):
        return []
    requisition = info.get("jobRequisitionLocation")
    nested = requisition.get("country") if isinstance(requisition, dict) else None
    for country in (nested, info.get("country")):
        if not isinstance(country, dict):
            continue
        code = str(country.get("alpha2Code") or "").upper()
        if not code and country.get("descriptor"):
            code = country_code(str(country["descriptor"])) or ""
        if len(code) == 2:
            return [Location(country=code)]
    return []
