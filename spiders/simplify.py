"""A SimplifyJobs `listings.json`: a community-kept list of internships (one JSON array).

Format (SimplifyJobs/Summer20XX-Internships, `.github/README-scripts.md`): each entry has
`id`, `company_name`, `title`, `locations`, `terms`, `active`, `is_visible`, `sponsorship`,
`date_posted` (epoch seconds) and `url` (where to apply). The file is the whole list, so
there is no paging. Inactive or invisible entries are not open postings and are skipped:
their postings then close through the normal "missing from its board" rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar

from scrapy.http import Response

from config.clock import iso
from config.models import TypeSpec
from spiders.base import BaseSpider, MalformedResponse
from store.models import Posting
from store.urls import canonical_url

_SPONSORSHIP = {
    "offers sponsorship": "yes",
    "does not offer sponsorship": "no",
    "u.s. citizenship is required": "citizens_only",
}
_REQUIRED = ("id", "company_name", "title", "url", "active")


class SimplifySpider(BaseSpider):
    name = "simplify"
    default_url = None
    spec: ClassVar[TypeSpec] = TypeSpec(needs_company=False, needs_url=True)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Posting]:
        data = self.json(response)
        if not isinstance(data, list):
            raise MalformedResponse(
                f"expected a JSON list of listings, got {type(data).__name__} from {response.url}"
            )
        self.pages += 1
        yield from self.each(data, self.listed)

    def listed(self, entry: dict[str, Any]) -> Posting | None:
        missing = [key for key in _REQUIRED if key not in entry]
        if missing:
            raise MalformedResponse(f"no {', '.join(repr(k) for k in missing)}")
        if entry["active"] is not True or entry.get("is_visible") is False:
            return None
        return self.posting(entry)

    def posting(self, entry: dict[str, Any]) -> Posting:
        url = str(entry["url"] or "")
        locations = entry.get("locations")
        terms = entry.get("terms")
        return Posting(
            id=self.posting_id(entry["id"]),
            source=self.source.name,
            company=str(entry["company_name"]).strip() or self.company or self.source.name,
            title=str(entry["title"]).strip(),
            url=canonical_url(url) if url else "",
            apply_url=url or None,
            is_internship=True,  # the whole list is internships
            raw_locations=[str(x) for x in locations] if isinstance(locations, list) else [],
            seasons=[str(t) for t in terms] if isinstance(terms, list) else [],
            sponsorship=simplify_sponsorship(entry.get("sponsorship")),  # type: ignore[arg-type]
            posted_at=epoch_s_to_iso(entry.get("date_posted")),
        )


def simplify_sponsorship(value: object) -> str | None:
    """The list's three fixed phrases; "Other" (or anything new) is unknown."""
    return _SPONSORSHIP.get(str(value or "").strip().lower())


def epoch_s_to_iso(value: object) -> str | None:
    """Epoch seconds as an ISO datetime (UTC); None if absent or not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    return iso(datetime.fromtimestamp(value, tz=UTC))
