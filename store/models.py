"""The posting record of SPEC §4: what spiders yield, the store keeps and `export` prints.

Unknown is ``None`` (or ``[]`` for lists), never a guess. Fields that are not in SPEC §4
(``raw_locations``, ``team``, ``employment_type``, ``content_hash``) are hints the spiders
hand to enrichment and the store; they are exported too, as an extension of the record.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

Kind = Literal["posting", "article"]
Remote = Literal["remote", "hybrid", "onsite"]
Per = Literal["hour", "day", "week", "month", "year"]
PaySource = Literal["structured", "text"]
Sponsorship = Literal["yes", "no", "citizens_only"]
Degree = Literal["bachelor", "master", "phd"]
Category = Literal[
    "software",
    "data",
    "ml_research",
    "product",
    "design",
    "hardware",
    "quant",
    "marketing",
    "operations",
    "business",
    "content",
    "other",
]
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]


class Location(BaseModel):
    """Where the job is. ``country`` is ISO 3166 alpha-2 (upper case)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    city: str | None = None
    region: str | None = None
    country: str | None = None


class Pay(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min: float | None = None
    max: float | None = None
    currency: str | None = None  # ISO 4217, upper case
    per: Per | None = None
    source: PaySource


class Graduation(BaseModel):
    """Graduation window the posting asks for, months as ``YYYY-MM``."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: str | None = Field(default=None, alias="from", pattern=r"^\d{4}-\d{2}$")
    to: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}$")


class Posting(BaseModel):
    """One opening (or one article) as read from one source."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False)

    id: str  # "{source}:{native id}"
    source: str
    kind: Kind = "posting"
    company: str
    title: str
    url: str
    apply_url: str | None = None
    is_internship: bool = False
    locations: list[Location] = Field(default_factory=list)
    remote: Remote | None = None
    pay: Pay | None = None
    seasons: list[str] = Field(default_factory=list)
    graduation: Graduation | None = None
    degrees: list[Degree] = Field(default_factory=list)
    sponsorship: Sponsorship | None = None
    duration_months: float | None = None
    deadline: str | None = Field(default=None, pattern=r"^(\d{4}-\d{2}-\d{2}|rolling)$")
    categories: list[Category] = Field(default_factory=list)
    description: str = ""
    posted_at: str | None = None
    first_seen: str | None = None
    last_seen: str | None = None
    closed_at: str | None = None
    cluster_id: str | None = None
    # Hints from the source, kept for enrichment, display and debugging.
    raw_locations: list[str] = Field(default_factory=list)
    team: str | None = None
    employment_type: str | None = None

    def export(self) -> dict[str, object]:
        """The JSON form of SPEC §4 (``graduation`` uses the key ``from``)."""
        return self.model_dump(mode="json", by_alias=True)

    # Set by a spider that hashed the raw source record (see `source_hash`); when set, it is
    # this posting's content hash.
    _source_hash: str | None = PrivateAttr(default=None)

    def content_hash(self) -> str:
        """Hash of what the source said, excluding what this tool adds (times, cluster).

        Two crawls that read the same content give the same hash, so an unchanged
        posting can skip enrichment and writing. `PARSER_VERSION` is part of it, so a
        release that parses or enriches differently refreshes every stored posting once.
        """
        if self._source_hash is not None:
            return self._source_hash
        data = self.model_dump(
            mode="json",
            by_alias=True,
            exclude={"first_seen", "last_seen", "closed_at", "cluster_id"},
        )
        return source_hash(data)


@dataclass(frozen=True, slots=True)
class Unchanged:
    """What a spider yields instead of a Posting for a record whose raw hash equals the
    stored one (`BaseSpider.from_raw`): the pipeline only marks it seen."""

    id: str


@dataclass(frozen=True, slots=True)
class ResponseItems:
    """Every item one callback yielded, as one item (spiders.middlewares.GroupItems): Scrapy's
    per-item work (middleware chain, pipeline call, signals) is paid once per page of a board,
    not once per posting. `items` in the order yielded; `unchanged` holds the ids of the
    `Unchanged` placeholders among them."""

    items: tuple[Any, ...]
    unchanged: tuple[str, ...]


#: Bump when parsing or enrichment changes what a stored posting would hold.
PARSER_VERSION = "2026-11-24.1"
_VERSION_BYTES = PARSER_VERSION.encode("utf-8")


def source_hash(raw: object) -> str:
    """Stable hash of a JSON-like source record (plus PARSER_VERSION).

    The record's orjson encoding with sorted keys: 4x faster than json.dumps, and on an
    unchanged crawl hashing every raw record was the largest cost of our own. What orjson
    cannot encode (integers beyond 64 bits, other types) falls back to json.dumps.
    """
    try:
        blob = orjson.dumps(raw, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        blob = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                          default=str).encode("utf-8")
    return hashlib.blake2b(_VERSION_BYTES + blob, digest_size=16).hexdigest()
