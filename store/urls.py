"""URL canonicalisation and job-id extraction, the exact-match half of de-duplication.

Two URLs that differ only in tracking parameters, fragment, parameter order, host case or
percent-encoding are the same page: :func:`canonical_url` maps them to one string. The
applicant tracking systems (Greenhouse, Lever, Ashby, Workday, SmartRecruiters, ...) put the
job's own id in the URL; :func:`native_id_from_url` reads it, and :func:`native_key` adds the
namespace that makes it unique across boards, so a Greenhouse job linked from a company
career site (``?gh_jid=``) and from ``boards.greenhouse.io`` is recognised as one job.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Query parameters that say where a visitor came from, never which page it is.
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        "gh_src",
        "lever-source",
        "lever-source[]",
        "lever-origin",
        "lever-via",
        "ref",
        "referrer",
        "referer",
        "source",
        "src",
        "sourcetype",
        "source_type",
        "trk",
        "trkinfo",
        "tracking",
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "_hsenc",
        "_hsmi",
        "hsctatracking",
        "ashby_jid_source",
        "campaign",
        "cmp",
        "mkt_tok",
        "ncid",
        "s_kwcid",
        "icid",
        "ttclid",
        "li_fat_id",
        "codes",
        "jobsource",
        "job_source",
        "sid",
    }
)
# Parameter-name prefixes that are always tracking (utm_source, utm_medium, ...).
TRACKING_PREFIXES: tuple[str, ...] = ("utm_", "pk_", "mtm_", "_ga", "_gl", "hsa_", "vero_")

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_GREENHOUSE_PATH = re.compile(r"/jobs/(\d{4,})(?:[/?]|$)")
_LEVER_PATH = re.compile(rf"^/[^/]+/({_UUID})(?:/|$)")
_ASHBY_PATH = re.compile(rf"^/[^/]+/({_UUID})(?:/|$)")
_WORKDAY_REQ = re.compile(r"_((?:[A-Za-z]{1,5}[-_]?)?\d{2,}(?:-\d+)?)/?$")
_SMARTRECRUITERS_PATH = re.compile(r"^/[^/]+/(\d{6,})(?:-|/|$)")
_SMARTRECRUITERS_API = re.compile(r"/postings/(\d{6,})(?:/|$)")
_WORKABLE_PATH = re.compile(r"/j/([0-9A-Za-z]{6,})(?:/|$)")
_APPLE_PATH = re.compile(r"/details/(\d{6,}(?:-\d+)?)(?:/|$)")
_TIKTOK_PATH = re.compile(r"/(?:search|position)/(\d{10,})(?:/|$)")


def _is_tracking(name: str) -> bool:
    low = name.lower()
    return low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The canonical form of ``url``: tracking parameters and fragment removed, w3lib-canonical.

    w3lib lower-cases the scheme and host, sorts the query and normalises percent-encoding;
    before that, parameters named in :data:`TRACKING_PARAMS` or starting with a
    :data:`TRACKING_PREFIXES` prefix are dropped. ``gh_jid`` is kept: on a company's own
    career site it is the Greenhouse job id, the only thing telling two jobs apart.
    A trailing slash on a non-root path is dropped. Leading/trailing blanks are ignored.
    """
    stripped = url.strip()
    parts = urlsplit(stripped)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    ]
    path = parts.path
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    rebuilt = urlunsplit((parts.scheme, parts.netloc, path, urlencode(query), ""))
    return canonicalize_url(rebuilt, keep_fragments=False)


def _greenhouse_id(host: str, path: str, params: dict[str, str]) -> str | None:
    """Greenhouse job id: ``gh_jid`` anywhere, else ``token=`` / ``/jobs/<id>`` on greenhouse.io."""
    if params.get("gh_jid", "").isdigit():
        return params["gh_jid"]
    if "greenhouse.io" not in host:
        return None
    if params.get("token", "").isdigit():
        return params["token"]
    match = _GREENHOUSE_PATH.search(path)
    return match.group(1) if match else None


def _native(url: str) -> tuple[str, str] | None:
    """(namespace, id) of the job ``url`` points at, or None if no known pattern matches."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    path = parts.path
    params = {k.lower(): v for k, v in parse_qsl(parts.query, keep_blank_values=True)}
    gh = _greenhouse_id(host, path, params)
    if gh:
        return "greenhouse", gh
    if host.endswith("lever.co"):
        match = _LEVER_PATH.match(path)
        if match:
            return "lever", match.group(1).lower()
    if host.endswith("ashbyhq.com"):
        match = _ASHBY_PATH.match(path) or re.search(rf"({_UUID})", path)
        if match:
            return "ashby", match.group(1).lower()
    if host.endswith(("myworkdayjobs.com", "myworkdaysite.com")):
        match = _WORKDAY_REQ.search(path)
        if match:
            tenant = host.split(".")[0]
            return f"workday:{tenant}", match.group(1).upper()
    if host.endswith("smartrecruiters.com"):
        match = _SMARTRECRUITERS_API.search(path) or _SMARTRECRUITERS_PATH.match(path)
        if match:
            return "smartrecruiters", match.group(1)
    if host.endswith("workable.com"):
        match = _WORKABLE_PATH.search(path)
        if match:
            return "workable", match.group(1).upper()
    if host == "jobs.apple.com":
        match = _APPLE_PATH.search(path)
        if match:
            return "apple", match.group(1)
    if host.endswith(("lifeattiktok.com", "careers.tiktok.com")):
        match = _TIKTOK_PATH.search(path)
        if match:
            return "tiktok", match.group(1)
    return None


def native_id_from_url(url: str) -> str | None:
    """The job id the board itself uses, read from ``url``; None when not recognisable.

    Greenhouse: the numeric job id (``gh_jid`` or ``/jobs/<id>``); Lever and Ashby: the
    posting UUID (lower case); Workday: the requisition after the last ``_`` of the job path
    (``JR-7309``, ``R40695-1``); SmartRecruiters, Workable, Apple, TikTok: their numeric or
    short-code ids. The bare id, without namespace (see :func:`native_key`).
    """
    found = _native(url)
    return found[1] if found else None


def native_key(url: str) -> str | None:
    """``"<namespace>:<id>"`` for the job ``url`` points at, unique across boards, or None.

    Workday requisition numbers are per tenant, so their namespace includes the tenant
    (``workday:cadence:R40695-1``); Greenhouse ids and Lever/Ashby UUIDs are global.
    """
    found = _native(url)
    return f"{found[0]}:{found[1]}" if found else None
