"""Pay written the Indian way, and a job board's own salary/stipend field.

- Lakh amounts: "5.50 LPA TO 7.20 LPA", "₹3 LPA - 4 LPA", "₹2.4L – ₹2.4L", "₹6 – 7 Lakhs /
  year", "CTC Offered : 7- 9 LPA". A lakh is 100,000 rupees, so these are INR, and a year's
  pay unless a month is stated ("1.5 lakh per month").
- A salary word with an amount but no currency ("Stipend - 15k per month", "Salary: 25000 -
  40000 per month") is in the local currency when the posting is in one country.
- :func:`pay_from_field` reads a board's salary or stipend field ("35K - 45K per month",
  "400,000.00 per Annum", "₹60,000 – ₹60,000", "15000"): the same rules, and a stipend
  figure with no period is monthly when under a lakh (stipends are quoted by the month),
  yearly above. "N/A", "Not disclosed" give None.
"""

from __future__ import annotations

import re

from spiders.enrich.text import windows
from store.models import Pay, Per
from store.places import currency_of

_UNIT = r"(?:lpa|lakhs?|lacs?|l(?=\W|$))"
_LAKH = re.compile(
    rf"(?:₹|\brs\.?|\binr)?\s*(?P<a>\d+(?:\.\d+)?)\s*(?:{_UNIT})?\s*(?:-|–|—|\bto\b)\s*"
    rf"(?:₹|\brs\.?|\binr)?\s*(?P<b>\d+(?:\.\d+)?)\s*{_UNIT}"
    rf"|(?P<cur>₹|\brs\.?|\binr)?\s*(?P<c>\d+(?:\.\d+)?)\s*(?P<u>{_UNIT})",
    re.IGNORECASE,
)
_PER = re.compile(
    r"^\s*(?:/|per|a|an|p\.?)?\s*(?P<u>hour|hr|day|week|month|mo|mth|year|yr|annum|"
    r"monthly|annually|yearly)\b",
    re.IGNORECASE,
)
_UNITS: dict[str, Per] = {"hour": "hour", "hr": "hour", "day": "day", "week": "week",
                          "month": "month", "mo": "month", "mth": "month", "monthly": "month",
                          "year": "year", "yr": "year", "annum": "year", "annually": "year",
                          "yearly": "year"}
_NUM = r"\d{1,3}(?:,\d{2,3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_BARE = re.compile(
    rf"(?P<a>{_NUM})\s*(?P<ka>k\b)?\s*(?:(?:-|–|—|\bto\b)\s*(?:₹|\$|£|€)?\s*(?P<b>{_NUM})\s*"
    r"(?P<kb>k\b)?)?",
    re.IGNORECASE,
)
_SALARY_WORD = re.compile(
    r"\b(?:stipend|salary|ctc|remuneration|compensation)\b\s*(?:offered|range)?\s*[:\-–]?\s*"
    r"(?=\d)",
    re.IGNORECASE,
)
_SALARY_KEYS = ("stipend", "salary", "ctc", "remuneration", "compensation")
_CURRENCY = {"₹": "INR", "$": None, "£": "GBP", "€": "EUR"}


def _per(after: str) -> Per | None:
    m = _PER.match(after)
    return _UNITS[m["u"].lower()] if m else None


def _number(token: str, k: str | None) -> float:
    value = float(token.replace(",", ""))
    return value * 1000 if k else value


# The pay of a later offer, not of this opening: "Pre Placement Offer of up to INR 14 LPA".
_LATER_OFFER = re.compile(r"(?:pre[- ]?placement|\bppo\b|full[- ]time\s+offer|"
                          r"conversion\s+to\s+full[- ]time)[^.\n]{0,60}$", re.IGNORECASE)


def lakh_pay(text: str, source: str = "text") -> Pay | None:
    """The first lakh amount or range of ``text`` as INR pay (see module doc)."""
    for m in _LAKH.finditer(text):
        if m["c"] is not None and m["u"].lower() == "l" and not m["cur"]:
            continue  # a bare "4 L" may be litres; "₹4L" is money
        if _LATER_OFFER.search(text, max(0, m.start() - 80), m.start()):
            continue
        low = float(m["a"] or m["c"]) * 100_000
        high = float(m["b"] or m["c"]) * 100_000
        if high < low:
            continue
        per = _per(text[m.end():m.end() + 20].lstrip(" /")) or "year"
        if per not in ("month", "year"):
            continue
        return Pay(min=low, max=high, currency="INR", per=per, source=source)  # type: ignore[arg-type]
    return None


def _local(countries: set[str]) -> str | None:
    return currency_of(next(iter(countries))) if len(countries) == 1 else None


def _bare(text: str, currency: str, stipend: bool, source: str) -> Pay | None:
    m = _BARE.match(text)
    if m is None:
        return None
    low = _number(m["a"], m["ka"] or m["kb"])
    high = _number(m["b"], m["kb"]) if m["b"] else low
    if low <= 0 or high < low:
        return None
    per = _per(text[m.end():m.end() + 20])
    if per is None and stipend:
        per = "month" if high < 100_000 else "year"
    if per is None:
        return None
    return Pay(min=low, max=high, currency=currency, per=per, source=source)  # type: ignore[arg-type]


def local_pay(text: str, countries: set[str]) -> Pay | None:
    """A salary word's currency-less amount with a period, in the one country's currency."""
    currency = _local(countries)
    if currency is None:
        return None
    for window in windows(text, _SALARY_KEYS, 0, 80):
        for m in _SALARY_WORD.finditer(window):
            found = _bare(window[m.end():m.end() + 60], currency, stipend=False, source="text")
            if found is not None:
                return found
    return None


def pay_from_field(value: object, countries: set[str], stipend: bool = False) -> Pay | None:
    """A board's salary/stipend field as structured pay (see module doc); None when unknown."""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return None
    text = str(value).strip()
    if not any(ch.isdigit() for ch in text):
        return None
    found = lakh_pay(text, source="structured")
    if found is not None:
        # "15k and upto 9LPA": two figures of different kinds; the field says nothing sure
        return None if re.search(r"\d", _LAKH.sub(" ", text)) else found
    symbol = next((s for s in _CURRENCY if s in text), None)
    currency = _CURRENCY[symbol] if symbol else _local(countries)
    if symbol == "$":
        currency = _local(countries) if countries & {"US", "CA", "AU", "SG", "HK", "NZ"} else "USD"
    if currency is None:
        return None
    cleaned = re.sub(r"[₹$£€]|\b(?:INR|Rs\.?)\s*", "", text).strip()
    return _bare(cleaned, currency, stipend=stipend, source="structured")
