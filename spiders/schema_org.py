"""schema.org `JobPosting` in a page (JSON-LD or microdata), read into plain values.

Used by the `jsonld` spider (spiders/jsonld.py): finding every JobPosting of a page
(`job_postings`), and reading its loosely typed properties (`text_of`, `texts_of`, `items`),
its `baseSalary` (`salary`) and its `jobLocation` (`location`).
"""

from __future__ import annotations

import html
from typing import Any

import pycountry
from lxml import etree

from spiders.base import MalformedResponse
from store.models import Location, Pay

_PER = {"HOUR": "hour", "DAY": "day", "WEEK": "week", "MONTH": "month", "YEAR": "year",
        "HOURLY": "hour", "DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year",
        "ANNUAL": "year", "ANNUALLY": "year"}

def job_postings(markup: str, url: str) -> list[dict[str, Any]]:
    """Every schema.org JobPosting of a page, JSON-LD first, as JSON-LD-like dicts."""
    import extruct  # ~0.8 s to import: only crawls of this type pay for it

    try:
        data = extruct.extract(markup, base_url=url, syntaxes=["json-ld", "microdata"],
                               uniform=False, errors="log")
    except (ValueError, etree.ParserError) as exc:
        raise MalformedResponse(f"unreadable HTML ({exc}) from {url}") from exc
    found: list[dict[str, Any]] = []
    for block in data.get("json-ld") or []:
        _collect(block, found)
    for item in data.get("microdata") or []:
        _collect(_from_microdata(item), found)
    return found


def _is_job(node: dict[str, Any]) -> bool:
    types = node.get("@type")
    names = types if isinstance(types, list) else [types]
    return any(isinstance(t, str) and t.rsplit("/", 1)[-1].rsplit(":", 1)[-1] == "JobPosting"
               for t in names)


def _collect(node: Any, found: list[dict[str, Any]]) -> None:
    """Walk @graph, ItemList and any nesting; a JobPosting is not searched inside."""
    if isinstance(node, list):
        for child in node:
            _collect(child, found)
    elif isinstance(node, dict):
        if _is_job(node):
            found.append(node)
            return
        for value in node.values():
            if isinstance(value, dict | list):
                _collect(value, found)


def _from_microdata(item: Any) -> Any:
    """extruct microdata {"type", "properties"} -> {"@type": ..., **properties}."""
    if isinstance(item, list):
        return [_from_microdata(i) for i in item]
    if isinstance(item, dict) and "properties" in item:
        types = item.get("type")
        out: dict[str, Any] = {"@type": types}
        for key, value in (item.get("properties") or {}).items():
            out[key] = _from_microdata(value)
        return out
    return item


def items(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def text_of(value: Any) -> str | None:
    """A plain string from a schema value: a string, a number, {"name"|"@value"|"value"}, a list."""
    if isinstance(value, list):
        for item in value:
            text = text_of(item)
            if text:
                return text
        return None
    if isinstance(value, dict):
        for key in ("name", "@value", "value", "@id"):
            if key in value:
                return text_of(value[key])
        return None
    if isinstance(value, str):
        return html.unescape(value).strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def texts_of(value: Any) -> list[str]:
    out: list[str] = []
    for item in items(value):
        if isinstance(item, str):
            out.extend(part.strip() for part in item.split(",") if part.strip())
        else:
            text = text_of(item)
            if text:
                out.append(text)
    return out


def number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        cleaned = value.replace(",", "").strip()
        try:
            return float(cleaned)
        except ValueError:
            return None
    return None


def salary(salary: Any, currency: str | None) -> Pay | None:
    """baseSalary: a MonetaryAmount {currency, value: QuantitativeValue {minValue, maxValue,
    value, unitText}} or a bare number; None when no amount is given."""
    if isinstance(salary, list):
        salary = salary[0] if salary else None
    if not isinstance(salary, dict):
        amount = number(salary)
        if amount is None:
            return None
        return Pay(min=amount, max=amount, currency=(currency or "").upper() or None, source="structured")
    value = salary.get("value")
    currency = text_of(salary.get("currency")) or currency
    unit = text_of(salary.get("unitText"))
    if isinstance(value, dict):
        unit = text_of(value.get("unitText")) or unit
        low, high = number(value.get("minValue")), number(value.get("maxValue"))
        single = number(value.get("value"))
        if low is None and high is None and single is not None:
            low = high = single
    else:
        low = high = number(value)
    if low is None and high is None:
        return None
    return Pay(
        min=low, max=high, currency=(currency or "").upper() or None,
        per=_PER.get((unit or "").upper()),  # type: ignore[arg-type]
        source="structured",
    )


def _country(value: Any) -> str | None:
    name = text_of(value)
    if not name:
        return None
    upper = name.strip().upper()
    if len(upper) == 2:
        found = pycountry.countries.get(alpha_2=upper)
        if found is not None:
            return str(found.alpha_2)
    if len(upper) == 3:
        found = pycountry.countries.get(alpha_3=upper)
        if found is not None:
            return str(found.alpha_2)
    from store.places import country_code  # place data loads on first use

    return country_code(name)


def _region(region: str | None, country: str | None) -> str | None:
    """A region code ("CA" in the US) as its full name; a name as given."""
    if not region:
        return None
    if country and len(region) <= 3:
        found = pycountry.subdivisions.get(code=f"{country}-{region.upper()}")
        if found is not None:
            return str(found.name)
    return region


def location(place: Any) -> tuple[Location | None, str | None]:
    """A Place (or its address) -> Location with ISO-2 country, and the raw string."""
    address = place.get("address") if isinstance(place, dict) else place
    if isinstance(address, list):
        address = address[0] if address else None
    if isinstance(address, str):
        return None, address.strip() or None
    if not isinstance(address, dict):
        name = text_of(place.get("name")) if isinstance(place, dict) else None
        return None, name
    city = text_of(address.get("addressLocality"))
    region_raw = text_of(address.get("addressRegion"))
    country_raw = text_of(address.get("addressCountry"))
    raw = ", ".join(p for p in (city, region_raw, country_raw) if p) or None
    country = _country(address.get("addressCountry"))
    region = _region(region_raw, country)
    if not (city or region or country):
        return None, raw
    return Location(city=city, region=region, country=country), raw


