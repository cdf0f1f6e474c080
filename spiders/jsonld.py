"""Any careers site whose job pages carry schema.org `JobPosting` (JSON-LD or microdata).

`url` is a careers listing page or one job page (robots.txt obeyed: these are HTML pages).

- A page that carries JobPosting data (extruct, syntaxes json-ld and microdata; `@graph`,
  `ItemList` and other wrappers unwrapped, `@type` lists accepted) yields those postings.
- A listing page without JobPosting data: its same-host links whose path looks like a job
  (/jobs/..., /careers/..., /positions/..., /job/..., /openings/...) are followed, and its
  `rel=next` page too. When no link looks like a job, the same-host links of the page's
  content (not its navigation or footer) are probed, and only pages that turn out to carry a
  JobPosting count. At most `max_pages` pages per crawl; a listing cut short by that bound
  sets `complete = False`.
- A job page without structured data falls back to its main text (spiders/maintext.py) with
  the title from `<h1>`/`<title>`, kept only when spiders/classify.py reads it as an opening
  (so a "Benefits" or "No openings right now" page is not a posting).

The native id is the job page's path (with its query): it is known before the page is
fetched, so a job page that answers 404/410 on a later crawl is recorded as gone
(`meta posting_id`). The schema `identifier` is not used for the id for that reason.
Structured fields: `employmentType` (INTERN/"Internship"/lists) -> is_internship,
`baseSalary` -> Pay, `jobLocation` PostalAddress -> Location (ISO-2 country), `jobLocationType`
TELECOMMUTE -> remote, `validThrough` -> deadline, `datePosted` -> posted_at,
`hiringOrganization.name` -> company (the config `company` wins).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response, TextResponse
from twisted.python.failure import Failure

from config.models import TypeSpec
from spiders.base import BaseSpider, MalformedResponse, describe_error, parse_iso
from spiders.classify import classify_entry
from spiders.maintext import main_text, meta_content, page_title
from spiders.schema_org import items, job_postings, location, salary, text_of, texts_of
from spiders.text import html_to_text
from store.models import Posting, Unchanged
from store.urls import canonical_url

_JOB_PATH = re.compile(
    r"/(?:jobs?|careers?|positions?|openings?|vacanc(?:y|ies)|roles?|opportunit(?:y|ies)|postings?|"
    r"stellen(?:angebote)?|offres?|empleos?)/[^/?#]+",
    re.IGNORECASE,
)
_SKIP_EXT = re.compile(r"\.(?:pdf|jpe?g|png|gif|svg|zip|docx?|css|js|ico|xml|rss)$", re.IGNORECASE)
_INTERN_TYPE = re.compile(
    r"\b(?:intern|internship|co-?op|apprentice(?:ship)?|trainee(?:ship)?|working\s+student|"
    r"werkstudent|praktikum|stage|placement)\b",
    re.IGNORECASE,
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_NAV = ("nav", "header", "footer", "aside")


class JsonLdSpider(BaseSpider):
    name = "jsonld"
    default_url = None
    spec: ClassVar[TypeSpec] = TypeSpec(needs_company=False, needs_url=True)
    api = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queued: set[str] = set()
        self.listing_bodies: set[int] = set()

    def initial_requests(self) -> Iterator[Any]:
        url = self.start_url()
        self.queued.add(_key(url))
        yield self.request(url, self.parse, cb_kwargs={"start": True})

    # -- pages -----------------------------------------------------------------------------------

    def parse(self, response: Response, start: bool = False, **kwargs: Any) -> Iterator[Any]:
        """A start or listing page: its postings if it carries any, else its job links."""
        self.pages += 1
        markup = self.page_html(response)
        jobs = job_postings(markup, response.url)
        if jobs:
            yield from self.postings(jobs, response, markup)
            return
        digest = hash(response.body)
        if digest in self.listing_bodies:
            return  # a "next" page identical to one already read
        self.listing_bodies.add(digest)
        links, probe = self.job_links(markup, response.url)
        if not links and start:
            yield from self.fallback(markup, response)
            return
        for link in links:
            if not self.budget():
                self.complete = False
                break
            self.queued.add(_key(link))
            yield self.request(
                link, self.parse_job, cb_kwargs={"probe": probe}, errback=self.job_failed,
                meta={} if probe else {"posting_id": self.posting_id(native_id(link))},
            )
        next_page = self.next_page(markup, response.url)
        if next_page:
            if self.budget():
                self.queued.add(_key(next_page))
                yield self.request(next_page, self.parse)
            else:
                self.complete = False

    def parse_job(self, response: Response, probe: bool = False) -> Iterator[Posting | Unchanged]:
        """A job page: its JobPosting data, else (unless probing) its main text.

        A job page that is not HTML is one malformed posting, not a malformed source: it is
        skipped in one line and the rest of the site is stored (SPEC §6)."""
        self.pages += 1
        try:
            markup = self.page_html(response)
        except MalformedResponse as exc:
            yield from self.skip_job(response.request, str(exc))
            return
        jobs = job_postings(markup, response.url)
        if jobs:
            yield from self.postings(jobs, response, markup)
        elif not probe:
            yield from self.fallback(markup, response)

    def job_failed(self, failure: Failure) -> Iterator[Unchanged]:
        """A job page that cannot be read is skipped, and the rest of the site is stored:
        robots.txt forbids it (said at info level); 404/410 is gone; any other failure (5xx,
        timeout) is one skipped posting whose stored version stays open (SPEC §6 closes
        on 404/410 only)."""
        request = getattr(failure, "request", None)
        if failure.check(IgnoreRequest) and "robots.txt" in str(failure.value):
            self.logger.info("robots.txt forbids %s: skipped", request.url if request else "?")
            return
        response = getattr(failure.value, "response", None)
        if request is None:
            self.on_error(failure)
            return
        if response is not None and response.status in (404, 410):
            if request.meta.get("posting_id"):
                self.on_error(failure)  # a known job page: gone, closed at once
            else:
                self.logger.info("probed link %s answered %s: not a job", request.url, response.status)
            return
        reason = (f"HTTP {response.status}" if response is not None
                  else describe_error(failure.value or Exception("unknown error")))
        yield from self.skip_job(request, reason)

    def skip_job(self, request: Request | None, reason: str) -> Iterator[Unchanged]:
        url = request.url if request is not None else "?"
        self.skip(f"job page {url}", reason)
        posting_id = request.meta.get("posting_id") if request is not None else None
        if posting_id:  # still linked from the listing: a stored version is not missing
            yield Unchanged(posting_id)

    def budget(self) -> bool:
        return len(self.queued) < self.source.max_pages

    def page_html(self, response: Response) -> str:
        if not isinstance(response, TextResponse):
            raise MalformedResponse(f"expected an HTML page, got binary content from {response.url}")
        return response.text

    # -- links -----------------------------------------------------------------------------------

    def job_links(self, markup: str, base: str) -> tuple[list[str], bool]:
        """Same-host links that look like job pages; else content links to probe (True)."""
        root = _document(markup)
        if root is None:
            return [], False
        host = urlsplit(base).netloc
        jobs: list[str] = []
        others: list[str] = []
        for anchor in root.iter("a"):
            href = (anchor.get("href") or "").strip()
            if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
                continue
            link = urljoin(base, href).split("#", 1)[0]
            parts = urlsplit(link)
            if parts.scheme not in ("http", "https") or parts.netloc != host:
                continue
            if _SKIP_EXT.search(parts.path) or _key(link) in self.queued or _key(link) == _key(base):
                continue
            in_nav = any(a.tag in _NAV for a in anchor.iterancestors())
            target = jobs if _JOB_PATH.search(parts.path) and not in_nav else others
            if link not in target and not (in_nav and target is others):
                target.append(link)
        if jobs:
            return jobs, False
        return others, True

    def next_page(self, markup: str, base: str) -> str | None:
        root = _document(markup)
        if root is None:
            return None
        rel_next = "contains(concat(' ', normalize-space(@rel), ' '), ' next ')"
        for node in root.xpath(f"//a[{rel_next}] | //link[{rel_next}]"):
            href = node.get("href")
            if href:
                link = urljoin(base, href)
                if urlsplit(link).netloc == urlsplit(base).netloc and _key(link) not in self.queued:
                    return link
        return None

    # -- postings --------------------------------------------------------------------------------

    def postings(self, jobs: list[dict[str, Any]], response: Response, markup: str) -> Iterator[Posting]:
        site = meta_content(markup, "og:site_name")
        for job in jobs:
            own = text_of(job.get("url"))
            page = urljoin(response.url, own) if own and len(jobs) > 1 else response.url
            posting = self.posting(job, page, site)
            if not posting.description:
                posting.description = main_text(markup, response.url)  # no `description` given
            yield posting

    def posting(self, job: dict[str, Any], page: str, site: str | None) -> Posting:
        types = [t for t in texts_of(job.get("employmentType")) if t]
        places = [p for p in items(job.get("jobLocation")) if p is not None]
        locations, raw = [], []
        for place in places:
            loc, text = location(place)
            if loc is not None and loc not in locations:
                locations.append(loc)
            if text:
                raw.append(text)
        remote = None
        if any(str(t).upper() == "TELECOMMUTE" for t in texts_of(job.get("jobLocationType"))):
            remote = "remote"
        description = text_of(job.get("description")) or ""
        deadline = text_of(job.get("validThrough")) or ""
        org = job.get("hiringOrganization")
        org_name = text_of(org.get("name")) if isinstance(org, dict) else text_of(org)
        return Posting(
            id=self.posting_id(native_id(page)),
            source=self.source.name,
            company=self.company or org_name or site or self.source.name,
            title=" ".join((text_of(job.get("title")) or text_of(job.get("name")) or "").split()),
            url=canonical_url(page),
            is_internship=any(_INTERN_TYPE.search(t) for t in types),
            employment_type=", ".join(types) or None,
            locations=locations,
            raw_locations=raw,
            remote=remote,  # type: ignore[arg-type]
            pay=salary(job.get("baseSalary"), text_of(job.get("salaryCurrency"))),
            deadline=deadline[:10] if _DATE.match(deadline) else None,
            posted_at=parse_iso(text_of(job.get("datePosted"))),
            description=html_to_text(description, unescape_first="&lt;" in description),
        )

    def fallback(self, markup: str, response: Response) -> Iterator[Posting]:
        """A page without structured data: its main text, if it reads as an opening."""
        title = page_title(markup)
        text = main_text(markup, response.url)
        first, _, rest = text.partition("\n")
        if " ".join(first.split()) == title:
            text = rest.strip()
        if not title or not text or classify_entry(title, text) != "posting":
            self.logger.info("no JobPosting and no opening in the text of %s", response.url)
            return
        yield Posting(
            id=self.posting_id(native_id(response.url)),
            source=self.source.name,
            company=self.company or meta_content(markup, "og:site_name") or self.source.name,
            title=title,
            url=canonical_url(response.url),
            description=text,
        )


# -- helpers --------------------------------------------------------------------------------------


def native_id(url: str) -> str:
    """A job page's path and query: known before fetching, stable across hosts (`url` overrides)."""
    parts = urlsplit(canonical_url(url))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _key(url: str) -> str:
    return canonical_url(url)


def _document(markup: str) -> Any:
    try:
        return lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return None
