"""Posting/article, company and every enriched field, measured on REAL labelled postings.

The corpus is tests/fixtures/corpus/*.jsonl: real postings and articles gathered from
public sources and labelled by hand under SPEC §4 (format and labelling rules:
tests/fixtures/corpus/SCHEMA.md when present). Each record has a ``split``, fixed once per
source group: ``tune`` (the part rules are developed on) and ``test`` (never tuned on;
the figures a note quotes). The old corpus tests/fixtures/enrichment/corpus.jsonl is mostly
our own writing: it stays as unit tests (tests/test_enrich_written.py) and counts towards
no figure printed here.

Each record's input is built into a Posting the way production does for its source type:

- ATS sources (greenhouse, lever, ashby, smartrecruiters, workday): a posting; the company
  is the source's; structured API fields go through the spider's own readers
  (greenhouse_pay, lever_pay, ashby_pay, ashby_remote ...); HTML through html_to_text.
- jsonld, csv, other entries for which the source itself names the hiring company (a job
  board's or dataset's row, a JSON-LD JobPosting's hiringOrganization) are postings with
  that company, as spiders/jsonld.py files a JobPosting.
- feed entries, and jsonld/csv/other entries without such fields (blog posts, pages): the
  text (HTML through html_to_text) is classified posting or
  article and the company found by spiders/classify.entry_company (as spiders/feed.py
  does): the hiring company read from the entry, else the source's company, else the
  feed's publisher; "" (unknown) rather than the feed's name.
- Only postings are enriched (spiders/pipelines.py); an item filed as an article keeps
  every field unknown, so a posting missed as an article costs recall everywhere.

Scoring, per field (only records labelled ``posting`` count for the enriched fields):
a non-null prediction equal to the label is a true positive (TP), a non-null different one
a false positive (FP); a non-null label not predicted correctly is a false negative (FN).
Lists count per element (places compare without accents or case). ``is_internship``
counts ``True`` as its non-null value. Pay is
equal when min, max, currency, per and source are; duration within 0.01 month. Company and
title compare case- and punctuation-folded (company also without Inc/LLC/Ltd...).
``kind`` is accuracy over all records, with the number of articles filed as postings.

Speed: mean and p95 of one enrich() call per posting (the tune and test inputs as built,
each enriched once after one warm-up call that loads the place data).

Usage: ``bench_enrich.py [--split tune|test|both] [-v]``; ``-v`` lists the misses and is
refused for the test part (nothing may be tuned on it).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from spiders.ashby import ashby_location, ashby_pay, ashby_remote  # noqa: E402
from spiders.classify import classify_entry  # noqa: E402
from spiders.company import entry_company  # noqa: E402
from spiders.enrich import enrich  # noqa: E402
from spiders.enrich.locations import locations_from_raw  # noqa: E402
from spiders.enrich.stipend import pay_from_field  # noqa: E402
from spiders.greenhouse import greenhouse_pay  # noqa: E402
from spiders.lever import lever_pay  # noqa: E402
from spiders.text import html_to_text, tidy_text  # noqa: E402
from store.models import Pay, Posting  # noqa: E402
from store.places import currency_of  # noqa: E402

CORPUS_DIR = ROOT / "tests" / "fixtures" / "corpus"
WRITTEN = ROOT / "tests" / "fixtures" / "enrichment" / "corpus.jsonl"
ATS = ("greenhouse", "lever", "ashby", "smartrecruiters", "workday")
SCALARS = ("is_internship", "remote", "pay", "graduation", "sponsorship", "duration_months",
           "deadline")
LISTS = ("locations", "seasons", "degrees", "categories")
FIELDS = ("is_internship", "locations", "remote", "pay", "seasons", "graduation", "degrees",
          "sponsorship", "duration_months", "deadline", "categories")
PRECISION_TARGET = 0.95
RECALL_TARGET = 0.90
KIND_TARGET = 0.97
TIME_TARGET_MS = 1.0
_WORKPLACE = {"remote": "remote", "hybrid": "hybrid", "onsite": "onsite", "on-site": "onsite",
              "on site": "onsite", "in office": "onsite"}
_INTERN_TYPE = re.compile(r"\b(?:intern|internship|co-?op|apprentice|working\s+student|werkstudent)",
                          re.IGNORECASE)


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Result:
    counts: dict[str, Counts]
    records: int
    kind_right: int = 0
    articles_as_postings: int = 0
    kind_misses: list[str] = field(default_factory=list)

    @property
    def kind_accuracy(self) -> float:
        return self.kind_right / self.records if self.records else 1.0


def load_corpus(split: str | None = None, directory: Path = CORPUS_DIR,
                files: tuple[str, ...] = ()) -> list[dict]:
    """The real labelled records of every tests/fixtures/corpus/*.jsonl (or of `files`, e.g.
    ("a", "b", "c")), of one split or all."""
    records: list[dict] = []
    for path in sorted(directory.glob("*.jsonl")):
        if files and path.stem not in files:
            continue
        with path.open(encoding="utf-8") as fh:
            records += [json.loads(line) for line in fh if line.strip()]
    return [r for r in records if split is None or r.get("split") == split]


def load_written(path: Path = WRITTEN) -> list[dict]:
    """The old, mostly self-written corpus: unit tests only, never a figure."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


# -- the production path for each source type ---------------------------------------------------


def _text(inp: dict) -> str:
    description = inp.get("description") or ""
    if inp.get("format") == "html":
        return html_to_text(description, unescape_first="&lt;" in description)
    return tidy_text(description)


def _structured(inp: dict) -> dict[str, Any]:  # noqa: C901 - one branch per API
    """Posting fields from the API's structured values, read as each spider reads them."""
    s: dict[str, Any] = inp.get("structured") or {}
    out: dict[str, Any] = {}
    pay: Pay | None = None
    # a dataset's amounts without a currency are in the currency of the one country its
    # location line names (Adzuna answers in the local currency of each country)
    countries = {loc.country for loc in locations_from_raw(
        [str(x) for x in inp.get("raw_locations") or [] if x]) if loc.country}
    local = currency_of(next(iter(countries))) if len(countries) == 1 else None
    if isinstance(s.get("pay"), dict) and {"min", "max"} & set(s["pay"]):
        raw = s["pay"]
        per = raw.get("per") or raw.get("interval")
        pay = Pay.model_validate({"min": raw.get("min"), "max": raw.get("max"),
                                  "currency": raw.get("currency"),
                                  "per": per if per in ("hour", "day", "week", "month", "year") else None,
                                  "source": "structured"})
    pay = pay or _dataset_pay(s, "salary_", local=local)
    pay = pay or _dataset_pay(s, "job_", "_salary", local=local)
    pay = pay or greenhouse_pay(s.get("pay_input_ranges")) or lever_pay(s.get("salaryRange"))
    pay = pay or ashby_pay(s.get("compensation"))
    # a board's free-text stipend/salary field ("3 LPA - 4 LPA", "35K - 45K per month")
    for key, stipend in (("Stipend", True), ("stipend", True), ("salary", False)):
        pay = pay or pay_from_field(s.get(key), countries, stipend=stipend)
    if pay is not None and (pay.min is not None or pay.max is not None):
        out["pay"] = pay
    remote = ashby_remote(s) if ("workplaceType" in s or "isRemote" in s) else None
    if remote is None and s.get("remote") is True:
        remote = "remote"  # a dataset's remote flag; False does not say hybrid or on site
    for key in ("remote", "work_mode"):  # work_mode: an ATS feed's copy of workplaceType,
        if remote is None and isinstance(s.get(key), str):  # which the Ashby/Lever spiders read
            remote = _WORKPLACE.get(s[key].strip().lower())
    if remote:
        out["remote"] = remote
    address = ashby_location(s.get("address"))
    if address is not None:
        out["locations"] = [address]
    deadline = s.get("application_deadline") or s.get("validThrough")
    if isinstance(deadline, str) and re.match(r"\d{4}-\d{2}-\d{2}", deadline):
        out["deadline"] = deadline[:10]
    return out


def written_posting(record: dict) -> Posting:
    """The Posting of a record of the old self-written corpus (its own input format)."""
    inp = record["input"]
    data = {
        "id": record["id"], "source": inp["source"], "company": inp["company"],
        "title": inp["title"], "url": f"https://example.invalid/{record['id']}",
        "description": inp["description"], "posted_at": inp["posted_at"],
        "raw_locations": inp["raw_locations"], "team": inp["team"],
        "employment_type": inp["employment_type"],
    }
    data.update(inp["structured"])
    return Posting.model_validate(data)


def _number(value: object) -> float | None:
    try:
        return float(str(value).replace(",", "")) if value not in (None, "") else None
    except ValueError:
        return None


def _dataset_pay(s: dict[str, Any], prefix: str, infix: str = "salary_",
                 local: str | None = None) -> Pay | None:
    """A job dataset's salary fields ("salary_min", "job_min_salary", ...) as structured pay.

    Without a stated period a yearly-sized amount (>= 10 000) is a year's pay, as the text
    reader decides for "salary range $60,000 - $97,000"; a smaller one stays unknown.
    """
    if prefix == "salary_":
        low, high = _number(s.get("salary_min")), _number(s.get("salary_max"))
        currency, period = s.get("salary_currency"), s.get("salary_period")
    else:
        low, high = _number(s.get("job_min_salary")), _number(s.get("job_max_salary"))
        currency, period = s.get("job_salary_currency"), s.get("job_salary_period")
    if low is None and high is None:
        return None
    per = {"year": "year", "yearly": "year", "annual": "year", "month": "month",
           "hour": "hour", "hourly": "hour", "week": "week", "day": "day"}.get(
               str(period or "").strip().lower())
    if per is None and (low or high or 0) >= 10_000:
        per = "year"
    currency = currency or local
    if per is None or not currency:
        return None
    return Pay(min=low, max=high, currency=str(currency).upper(), per=per, source="structured")


def build(record: dict) -> Posting:
    """The Posting production hands to enrichment (or stores as an article) for a record."""
    inp = record["input"]
    source_type = inp["source_type"]
    text = _text(inp)
    title = " ".join(str(inp.get("title") or "").split())
    data: dict[str, Any] = {
        "id": f"{source_type}:{record['id']}", "source": source_type,
        "url": f"https://example.invalid/{record['id']}", "title": title,
        "description": text, "posted_at": inp.get("posted_at"),
        "raw_locations": [str(x) for x in inp.get("raw_locations") or [] if x],
        "team": inp.get("team"), "employment_type": inp.get("employment_type"),
    }
    data.update(_structured(inp))
    listed = bool(inp.get("company"))  # the source names who hires: a job listing
    if source_type in ATS or (source_type != "feed" and listed):
        data["kind"] = "posting"
        data["company"] = inp.get("company") or source_type
        employment = str(inp.get("employment_type") or "")
        if source_type in ("ashby", "lever", "workday", "smartrecruiters"):
            data["is_internship"] = bool(_INTERN_TYPE.search(employment))
    else:
        data["kind"] = classify_entry(title, text, located=bool(data["raw_locations"]))
        company = entry_company(data["kind"], title, text, inp.get("company"), inp.get("feed_title"))
        head, colon, role = title.partition(":")
        if colon and role.strip() and head.strip() == company:
            data["title"] = role.strip()  # as spiders/feed.py: "Fin: Solutions Architect"
        data["company"] = company
    return Posting.model_validate(data)


# -- scoring ------------------------------------------------------------------------------------

_SUFFIX = re.compile(r"\b(?:inc|llc|ltd|limited|gmbh|corp|corporation|co|plc|ag|sa|s\.a|bv|pte|"
                     r"pvt|private|technologies|technology)\b\.?", re.IGNORECASE)


def _fold(value: str | None, company: bool = False) -> str | None:
    if not value:
        return None
    text = value.casefold()
    if company:
        text = _SUFFIX.sub(" ", text)
    return " ".join(re.sub(r"[^\w]+", " ", text).split()) or None


def _plain(name: str | None) -> str | None:
    """A place name without accents or case: "Düsseldorf" is the label "Dusseldorf"."""
    if name is None:
        return None
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


def _norm(name: str, value: object) -> object:
    if value is None:
        return None
    if name == "is_internship":
        return True if value else None
    if name == "pay":
        assert isinstance(value, dict)
        return (round(float(value["min"]), 2) if value.get("min") is not None else None,
                round(float(value["max"]), 2) if value.get("max") is not None else None,
                value.get("currency"), value.get("per"), value.get("source"))
    if name == "graduation":
        assert isinstance(value, dict)
        return (value.get("from"), value.get("to"))
    if name == "duration_months":
        return round(float(value), 2)  # type: ignore[arg-type]
    if name == "locations":
        assert isinstance(value, list)
        return [(_plain(v.get("city")), _plain(v.get("region")), v.get("country")) for v in value]
    return value


def _count(c: Counts, rid: str, name: str, want: object, have: object) -> None:
    if name in LISTS:
        want_l, have_l = list(want or []), list(have or [])  # type: ignore[call-overload]
        tp = sum(1 for v in have_l if v in want_l)
        c.tp += tp
        c.fp += len(have_l) - tp
        c.fn += sum(1 for v in want_l if v not in have_l)
        if sorted(map(str, want_l)) != sorted(map(str, have_l)):
            c.misses.append(f"{rid}: want {want_l} got {have_l}")
        return
    if have is not None and have == want:
        c.tp += 1
        return
    if have is not None:
        c.fp += 1
    if want is not None:
        c.fn += 1
    if have != want:
        c.misses.append(f"{rid}: want {want} got {have}")


def score(records: list[dict], now: datetime | None = None,
          to_posting: Callable[[dict], Posting] = build) -> Result:
    """Per-field counts and kind accuracy over ``records`` (see module doc)."""
    result = Result({name: Counts() for name in ("company", "title", *FIELDS)}, len(records))
    for record in records:
        rid = record["id"]
        want = record["expected"]
        posting = to_posting(record)
        reference = now or datetime.fromisoformat(record.get("now") or "2026-01-01")
        got = (enrich(posting, reference) if posting.kind == "posting" else posting).export()
        want_kind = want.get("kind", "posting")
        if got["kind"] == want_kind:
            result.kind_right += 1
        else:
            result.kind_misses.append(f"{rid}: want {want_kind} got {got['kind']}: {got['title']!r}")
            if want_kind == "article":
                result.articles_as_postings += 1
        if "company" in want:
            _count(result.counts["company"], rid, "company", _fold(want["company"], True),
                   _fold(got["company"], True))
        if "title" in want:
            _count(result.counts["title"], rid, "title", _fold(want["title"]), _fold(got["title"]))
        if want_kind != "posting":
            continue
        for name in FIELDS:
            _count(result.counts[name], rid, name, _norm(name, want.get(name)),
                   _norm(name, got[name]))
    return result


def timing(records: list[dict]) -> tuple[float, float]:
    """Mean and p95 milliseconds of one enrich() call per posting (first sight of each)."""
    postings = [build(r) for r in records]
    postings = [p for p in postings if p.kind == "posting"] or postings
    enrich(postings[0], datetime(2026, 1, 1))  # loads the place data and key automaton
    samples: list[float] = []
    for posting in postings:
        start = time.perf_counter()
        enrich(posting, datetime(2026, 1, 1))
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.fmean(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def machine_ms() -> float:
    """Milliseconds of a fixed pure-Python loop (best of 5): how busy the machine is, so
    timings from different runs and machines can be compared (a shared CI runner or a
    machine running other jobs can be several times slower than an idle core)."""
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        total = 0
        for i in range(300_000):
            total += i & 7
        best = min(best, time.perf_counter() - start)
    return best * 1000


def report(label: str, result: Result, missed: list[str]) -> None:
    print(f"\n{label}: {result.records} records")
    print(f"  kind accuracy {result.kind_accuracy:.3f} (target >= {KIND_TARGET}), "
          f"articles filed as postings: {result.articles_as_postings} (target 0)")
    if result.kind_accuracy < KIND_TARGET or result.articles_as_postings:
        missed.append(f"TARGET MISSED: {label}: kind accuracy {result.kind_accuracy:.3f}, "
                      f"{result.articles_as_postings} articles filed as postings")
    print(f"  {'field':<16}{'precision':>10}{'recall':>8}{'TP':>6}{'FP':>5}{'FN':>5}"
          f"   target P>={PRECISION_TARGET} R>={RECALL_TARGET}")
    for name, c in result.counts.items():
        print(f"  {name:<16}{c.precision:>10.3f}{c.recall:>8.3f}{c.tp:>6}{c.fp:>5}{c.fn:>5}")
        if c.precision < PRECISION_TARGET or c.recall < RECALL_TARGET:
            missed.append(f"TARGET MISSED: {label}: {name} P {c.precision:.3f} R {c.recall:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("tune", "test", "both"), default="both")
    parser.add_argument("-v", action="store_true", help="list the misses (tune part only)")
    parser.add_argument("--files", default="", help="only these corpus files, e.g. a,b,c "
                        "(to compare with a figure taken before a file joined)")
    args = parser.parse_args(argv)
    if args.v and args.split != "tune":
        parser.error("-v lists misses and is only allowed with --split tune: nothing may be "
                     "tuned on the test part")
    records = load_corpus(files=tuple(f for f in args.files.split(",") if f))
    if not records:
        print(f"no corpus in {CORPUS_DIR}: copy the labelled *.jsonl files there first")
        return 1
    splits = ("tune", "test") if args.split == "both" else (args.split,)
    which = f"{{{args.files}}}" if args.files else "*"
    print(f"real corpus: {len(records)} records in {CORPUS_DIR.relative_to(ROOT)}/{which}.jsonl; "
          f"the self-written {WRITTEN.relative_to(ROOT)} counts towards no figure here")
    missed: list[str] = []
    for split in splits:
        part = [r for r in records if r.get("split") == split]
        if not part:
            print(f"\n{split}: no records")
            continue
        result = score(part)
        report(f"{split} part", result, missed)
        mean, p95 = timing(part)
        print(f"  enrich() per posting: mean {mean:.3f} ms, p95 {p95:.3f} ms "
              f"(target mean <= {TIME_TARGET_MS} ms; machine reference loop "
              f"{machine_ms():.1f} ms)")
        if mean > TIME_TARGET_MS:
            missed.append(f"TARGET MISSED: {split}: mean time {mean:.3f} ms")
        if args.v and split == "tune":
            for line in result.kind_misses:
                print(f"    [kind] {line}")
            for name, c in result.counts.items():
                for line in c.misses:
                    print(f"    [{name}] {line}")
    for line in missed:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
