"""Pay stated in the description -> ``Pay(min, max, currency, per, source="text")``.

A money amount counts as pay only with a period ("$50-$50 hourly", "$7,000/month",
"£25 per hour", "SGD 3,000 monthly", "€1.200 pro Monat") or in a salary sentence with a
yearly-sized amount ("The base salary range is $60,000 - $97,000" -> year). Amounts next
to bonus, relocation, housing, equipment, assets, revenue, funding, or followed by
"million"/"billion", are not pay. "Competitive" has no amount and stays unknown.

Amounts and currency strings come from price-parser; the currency string becomes ISO
4217 through pycountry (three-letter codes) or the symbol table below. A bare "$" is the
local dollar when every location of the posting is in Canada, Australia, New Zealand,
Singapore or Hong Kong (when no location was resolved, the one such country the raw
location lines or the text name, :func:`country_hint`), else USD; "¥" is JPY or CNY only
with a JP or CN location.
Several amounts with the same currency and period (a range per city) merge into one range
from the lowest to the highest.
"""

from __future__ import annotations

import re
from decimal import Decimal

from price_parser import Price

from spiders.enrich.text import fast_regex, windows
from store.models import Pay, Per

_SYMBOLS: dict[str, str] = {
    "£": "GBP", "€": "EUR", "₹": "INR", "rs": "INR", "rs.": "INR", "s$": "SGD", "sg$": "SGD",
    "a$": "AUD", "au$": "AUD", "c$": "CAD", "ca$": "CAD", "cad$": "CAD", "hk$": "HKD",
    "euro": "EUR", "euros": "EUR", "rupees": "INR", "₽": "RUB", "руб": "RUB", "руб.": "RUB",
    "rur": "RUB", "nz$": "NZD", "us$": "USD", "usd$": "USD",
    "r$": "BRL", "rmb": "CNY", "chf": "CHF",
    "rm": "MYR",
}
_LOCAL_DOLLAR = {"CA": "CAD", "AU": "AUD", "NZ": "NZD", "SG": "SGD", "HK": "HKD"}
_YEN = {"JP": "JPY", "CN": "CNY"}

_CUR = r"(?:[A-Z]{1,3}\$|[$£€₹¥₽]|\b[A-Z]{3}\b|\bRs\.?|\bRMB\b|\bRM\b)"
# A currency written out after the amount: "1.200 Euro brutto", "15000 rupees per month".
_CUR_POST = r"(?:" + _CUR + r"|\b[Ee]uros?\b|\bEURO\b|\b[Rr]upees\b|руб\.?)"
# Indian grouping first ("1,00,000"), then thousands groups, then plain numbers.
_NUM = (r"\d{1,2}(?:,\d{2})+,\d{3}(?!\d)|\d{1,3}(?:[,.\u202f ]\d{3})+(?:[.,]\d{1,2})?(?!\d)|"
        r"\d+(?:[.,]\d{1,2})?(?!\d)")
_AMOUNT = rf"(?:{_NUM})(?:\s?[kK]\b)?"
_MONEY = rf"(?:{_CUR}\s?{_AMOUNT}|{_AMOUNT}\s?(?:{_CUR_POST}))"
# A match starts with a digit or the first character of a currency.
_RANGE = fast_regex(
    r"\dA-Z$£€₹¥₽",
    rf"(?:(?P<bare>{_NUM})\s*(?:-{{1,2}}|–|—|to|and|bis|tot)\s*)?"
    rf"(?P<a>{_MONEY})(?:,-|,--|/-)?(?:\s*(?:-{{1,2}}|–|—|to|and|bis|tot)\s*"
    rf"(?P<b>{_MONEY}|{_AMOUNT}))?(?:,-|,--|/-)?",
)
# The period after an amount: "/month", "per hour", "a year", "pro Monat", "im Monat",
# "per maand", "brutto/Monat", "p.m.", "per mensem", "monthly", "/Std.", "mtl.".
_PER_AFTER = re.compile(
    r"^\W{0,3}\s*(?:[A-Z]{3}\s+)?(?:(?:gross|net|brutto|bruto|brut|before\s+tax|"
    r"taxable|fixed|only)\s*)?"
    r"(?:(?:/|per|an|a|each|every|pro|par|al|im|je|in\s+de|in\s+der|в)\s*|\s+)"
    r"(?P<u>hour|hr|hrs|h|day|week|wk|month|mo|mth|year|yr|annum|mensem|stunde|std|tag|woche|"
    r"monat|jahr|jour|semaine|mois|an|mes|mese|settimana|uur|dag|maand|jaar|месяц|час|год)\b"
    r"|^\W{0,3}\s*(?:(?:gross|net|brutto|bruto)\s*)?"
    r"(?P<adv>hourly|daily|weekly|monthly|annually|yearly|p\.?\s?a\.?|p\.?\s?h\.?|p\.\s?m\.?|pm|"
    r"monatlich|mtl\.?|stündlich|jährlich|maandelijks|brutto\s*/\s*monat|"
    r"gross\s+per\s+month|pro\s+rata)(?!\w)",
    re.IGNORECASE,
)
_PER_BEFORE = re.compile(
    r"(?P<adv>hourly|daily|weekly|monthly|annual|yearly|monatlich\w*|maandelijks\w*|"
    r"stündlich\w*|jährlich\w*)\s+(?:\w+\s+){0,3}?(?:rate|pay|wage|"
    r"salary|stipend|compensation|allowance|remuneration|vergütung|gehalt|lohn|vergoeding|"
    r"salaris|stagevergoeding)\b[^.\n$£€₹]{0,45}$"
    r"|(?P<word>stundenlohn|stundensatz|monatsgehalt|bruttomonatsgehalt|monatsvergütung|"
    r"jahresgehalt|bruttojahresgehalt|maandsalaris|maandloon|uurloon|jaarsalaris)\b"
    r"[^.\n$£€₹]{0,40}$"
    r"|(?:per|an|a|pro|im)\s+(?P<u>hour|day|week|month|year|stunde|monat|jahr|maand|uur)\b"
    r"[^.\n]{0,15}$",
    re.IGNORECASE,
)
_SALARY_BEFORE = re.compile(
    r"\b(?:salary|salaries|base\s+pay|base\s+compensation|pay\s+range|compensation\s+range|"
    r"annual\s+base|ote|on-target\s+earnings|ctc|base\s+range|market\s+range|"
    r"range\s+for\s+this\s+(?:role|position)|compensation\s*:|pay\s*:|gehalt\w*|"
    r"jahresgehalt|vergütung|salaris|jaarsalaris|remuneration|package)[^\n]{0,100}$",
    re.IGNORECASE,
)
_NOT_PAY_BEFORE = re.compile(
    r"\b(?:bonus|relocation|housing|equipment|home\s+office|assets?|revenue|turnover|funding|"
    r"raised|valuation|reimburse\w*|learning\s+budget|budget|worth|gift|prize|"
    r"scholarship|award|fee|fees|cost|costs|pre[- ]placement|ppo|full[- ]time\s+offer|"
    r"\w*zuschuss|\w*zuschüsse|budget\w*|umsatz|finanzierung|\w*gutschein\w*|\w*rabatt\w*|"
    r"\w*ticket\w*|sachbez\w*|fahrtkosten\w*|urban\s+sports|wellpass|egym|hansefit|"
    r"reiskosten\w*|omzet|tegoed|kortingen?|bijdrage|"
    # a perk's own allowance ("internet allowance of ₹1,000 per month", "WFH stipend $50/month");
    # a bare "allowance" is an intern's pay in Singapore and India
    r"(?:internet|phone|mobile|meal|food|lunch|transport\w*|travel|commut\w*|gym|wellness|"
    r"fitness|learning|education\w*|training|wfh|remote[- ]work|conference|book)\s+"
    r"(?:allowance|stipend|budget|reimbursement|subsidy|benefit)s?)\b[^.\n\d$£€₹]{0,30}$",
    re.IGNORECASE,
)
_STIPEND_BEFORE = re.compile(r"\bstipend\b[^.\n\d]{0,25}$", re.IGNORECASE)
# "$65,000 + super": an Australian salary with superannuation on top is a year's pay.
_SUPER = re.compile(r"\s*(?:\+|plus)\s*super(?:annuation)?\b", re.IGNORECASE)
# A salary paragraph a few lines above a yearly-sized range ("minimum and maximum annual
# salaries for this role are listed below, by location" ... "New York: $165,100 - $188,500").
_LOOK_BACK = 400
_SALARY_ABOVE = re.compile(
    r"\b(?:annual(?:ized)?\s+(?:base\s+)?salar(?:y|ies)|salary\s+ranges?|salaries|"
    r"(?:base\s+)?pay\s+ranges?|compensation\s+ranges?|base\s+salary|jahresgehalt|"
    r"salary\s+information)\b", re.IGNORECASE)
# A figure too small for any period but the hour, under a pay-range label: "Pay Range:\n\n
# $50—$50 USD", "The targeted combined range for this position is 31-56 USD".
_RANGE_LABEL = re.compile(
    r"(?:\b(?:pay|salary|compensation|wage|base\s+pay)\s+range\b[^\n$£€]{0,60}|"
    r"\brange\s+for\s+this\s+(?:role|position)(?:\s+is)?)[:\s]*$",
    re.IGNORECASE,
)
# "The US base salary range ... is $95,000": a dollar the text itself calls the US one.
_US_PAY = re.compile(r"\bU\.?S\.?\s+(?:base\s+)?(?:salary|pay|compensation|hourly|rate)",
                     re.IGNORECASE)
_NOT_PAY_AFTER = re.compile(r"^\s*(?:million|billion|bn\b|m\b|mn\b|mio\b|millionen|mrd\b|"
                            r"miljoen|crores?\b|cr\b|lakhs?\b|lacs?\b|lpa\b|l\b|"
                            r"in\s+(?:assets|revenue|funding|annual\s+revenue))", re.IGNORECASE)
_UNIT: dict[str, Per] = {
    "hour": "hour", "hr": "hour", "h": "hour", "hourly": "hour", "stunde": "hour",
    "stündlich": "hour", "ph": "hour", "day": "day", "daily": "day", "tag": "day",
    "jour": "day", "week": "week", "wk": "week", "weekly": "week", "woche": "week",
    "semaine": "week", "month": "month", "mo": "month", "mth": "month", "monthly": "month",
    "monat": "month", "monatlich": "month", "mois": "month", "year": "year", "yr": "year",
    "annum": "year", "annually": "year", "yearly": "year", "annual": "year", "pa": "year",
    "jahr": "year", "jährlich": "year", "an": "year", "mes": "month", "mese": "month",
    "settimana": "week", "hrs": "hour", "std": "hour", "mensem": "month", "pm": "month",
    "uur": "hour", "dag": "day", "maand": "month", "maandelijks": "month", "jaar": "year",
    "mtl": "month", "prorata": "year", "месяц": "month", "час": "hour", "год": "year",
}
# Where money may be written: symbols and the usual ISO codes (lower case, for windows()),
# and the case-sensitive Indian and Malaysian abbreviations.
_KEYS = ("$", "£", "€", "₹", "¥", "₽", "руб", "rub", "usd", "eur", "rupees", "gbp", "sgd", "inr",
         "cad", "aud", "chf", "sek",
         "nok", "dkk", "pln", "hkd", "jpy", "cny", "rmb", "myr", "nzd", "brl", "aed", "zar")
_CASED_KEYS = ("Rs", "RM ")


# Where the posting says it is when no location was resolved ("Paya Lebar" is not in the
# gazetteer, but the text says Singapore): only the dollar and yen countries matter here.
_COUNTRY_WORDS = {
    "singapore": "SG", "canada": "CA", "toronto": "CA", "vancouver": "CA", "montreal": "CA",
    "montréal": "CA", "ottawa": "CA", "waterloo, on": "CA", "australia": "AU", "sydney": "AU",
    "melbourne": "AU", "brisbane": "AU", "new zealand": "NZ", "auckland": "NZ",
    "hong kong": "HK", "japan": "JP", "tokyo": "JP", "china": "CN", "shanghai": "CN",
    "beijing": "CN", "united states": "US", "usa": "US", "u.s.": "US",
    "perth": "AU", "adelaide": "AU", "canberra": "AU", "hobart": "AU", "gold coast": "AU",
    "new south wales": "AU", "victoria, australia": "AU", "queensland": "AU",
    "calgary": "CA", "edmonton": "CA", "winnipeg": "CA", "halifax": "CA", "ontario": "CA",
    "british columbia": "CA", "quebec": "CA", "québec": "CA", "wellington": "NZ",
    "christchurch": "NZ", "kowloon": "HK",
}
_COUNTRY_KEYS = tuple(_COUNTRY_WORDS)
_COUNTRY_RE = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in _COUNTRY_WORDS) + r")(?!\w)",
                         re.IGNORECASE)


def country_hint(texts: list[str]) -> set[str]:
    """The one dollar/yen country the texts (raw location lines first) name; else empty.

    Used only when no location was resolved, to read an ambiguous "$" or "¥".
    """
    for text in texts:
        near = windows(text, _COUNTRY_KEYS, 1, 1)  # key positions shared with the other fields
        found = {_COUNTRY_WORDS[m[0].lower()] for w in near for m in _COUNTRY_RE.finditer(w)}
        if len(found) == 1:
            return found
        if found:
            return set()
    return set()


def _unit(token: str) -> Per | None:
    key = re.sub(r"[.\s]", "", token.lower())
    if key.startswith("brutto") or key.startswith("grosspermonth"):
        return "month"
    if key.startswith(("monatlich", "maandelijks")):
        return "month"
    if key.startswith(("stündlich", "stundenl", "stundens", "uurl")):
        return "hour"
    if key.startswith(("jährlich", "jahres", "bruttojahres", "jaars")):
        return "year"
    if key.startswith(("monats", "bruttomonats", "maands", "maandl")):
        return "month"
    return _UNIT.get(key)


_CUR_EDGE = re.compile(rf"^\s*(?P<pre>{_CUR})\s?|\s?(?P<post>{_CUR_POST})\s*$")


def _amount(text: str) -> tuple[Decimal | None, str | None]:
    """The number and the currency token of one money match ("Rs.15000", "1.500 €")."""
    symbol = None
    if m := _CUR_EDGE.search(text):
        symbol = m["pre"] or m["post"]
        text = text[: m.start()] + text[m.end() :]
    price = Price.fromstring(text)
    if price.amount is None:
        return None, symbol
    value = price.amount
    if re.search(r"\d\s?[kK]\b", text):
        value *= 1000
    return value, symbol


def _iso(symbol: str | None, countries: set[str]) -> str | None:
    if not symbol:
        return None
    key = symbol.strip().lower()
    if key in _SYMBOLS:
        return _SYMBOLS[key]
    if key == "$":
        local = {_LOCAL_DOLLAR.get(c, "USD") for c in countries}
        return local.pop() if len(local) == 1 else "USD"
    if key == "¥":
        yen = {_YEN.get(c) for c in countries}
        return yen.pop() if len(yen) == 1 else None
    if len(key) == 3 and key.isalpha():
        import pycountry

        return key.upper() if pycountry.currencies.get(alpha_3=key.upper()) else None
    return None


def _period(text: str, start: int, end: int, low_amount: Decimal, ranged: bool,
            currency: str, above: str) -> Per | None:
    """The pay period of the amount at text[start:end]: after it, before it, or salary."""
    after = _PER_AFTER.search(text[end : end + 30])
    if after:
        return _unit(after["u"] or after["adv"])
    before = text[max(0, start - 140) : start]
    if m := _PER_BEFORE.search(before):
        return _unit(m["u"] or m["adv"] or m["word"])
    if low_amount >= 10_000 and (_SALARY_BEFORE.search(before) or _SUPER.match(text, end)):
        return "year"
    if currency == "INR" and low_amount < 100_000 and _STIPEND_BEFORE.search(before):
        return "month"  # Indian stipends are quoted by the month ("Stipend: ₹10,000")
    if ranged and low_amount >= 15_000 and _SALARY_ABOVE.search(
            above + text[:start], max(0, len(above) + start - _LOOK_BACK)):
        return "year"  # "annual salaries for this role are listed below" / "NYC: $X - $Y"
    if low_amount < 300 and _RANGE_LABEL.search(before):
        return "hour"
    return None


def pay_from_text(text: str, countries: set[str]) -> Pay | None:
    """The pay stated in ``text`` (see module doc); None when no amount has a period."""
    if "\\$" in text:  # markdown escapes: "US\\$ 7,313"
        text = text.replace("\\$", "$")
    if "USD $" in text:  # "USD $32.16 - USD $85.38": one currency, written twice
        text = text.replace("USD $", "US$")
    found: list[tuple[Decimal, Decimal, str, Per]] = []
    for window in (windows(text, _KEYS, 140, 60)
                   + windows(text, _CASED_KEYS, 140, 60, cased=True)):
        at = text.find(window)  # the text above the window, for a salary paragraph
        found.extend(_amounts(window, countries, text[max(0, at - _LOOK_BACK) : max(0, at)]))
    if not found:
        return None
    _, _, currency, per = found[0]
    same = [f for f in found if f[2] == currency and f[3] == per]
    low = min(f[0] for f in same)
    high = max(f[1] for f in same)
    return Pay(min=float(low), max=float(high), currency=currency, per=per, source="text")


def _amounts(text: str, countries: set[str], above: str = "") -> list[tuple[Decimal, Decimal, str, Per]]:
    """(low, high, currency, period) of every pay amount in ``text``."""
    found: list[tuple[Decimal, Decimal, str, Per]] = []
    for m in _RANGE.finditer(text):
        before = text[max(0, m.start() - 50) : m.start()]
        if _NOT_PAY_BEFORE.search(before) or _NOT_PAY_AFTER.match(text[m.end() : m.end() + 15]):
            continue
        low, symbol = _amount(m["a"])
        if low is None or low <= 0:
            continue
        where = countries
        if symbol == "$" and _US_PAY.search(text[max(0, m.start() - 140) : m.start()]):
            where = {"US"}
        currency = _iso(symbol, where)
        if currency is None:
            continue
        high = low
        if m["bare"]:
            bare, _ = _amount(m["bare"])
            if bare is None or m["b"]:
                continue
            low, high = bare, low
        elif m["b"]:
            second, symbol_b = _amount(m["b"])
            if second is None:
                continue
            if not re.search(r"[kK]\b", m["b"]) and re.search(r"\d\s?[kK]\b", m["a"]):
                second = second if second >= 1000 else second * 1000
            if symbol_b and _iso(symbol_b, where) != currency:
                continue
            high = second
        if high < low:
            continue
        per = _period(text, m.start(), m.end(), low, high > low, currency, above)
        if per is None:
            continue
        found.append((low, high, currency, per))
    return found


# A line that is nothing but the job's pay: "US$ 7,313-11,293/month + benefits", "$45/hour".
_PAY_LINE = re.compile(
    rf"^[ \t*•-]*(?:[A-Z]{{2,3}}\s?)?{_MONEY}(?:\s*[-–—]\s*(?:{_MONEY}|{_AMOUNT}))?\s*"
    r"(?:/|per\s+|an?\s+)(?:hour|hr|month|year|yr|annum|week)\b[^\n]{0,40}$",
    re.MULTILINE | re.IGNORECASE,
)


def pay_line(whole: str, countries: set[str]) -> Pay | None:
    """Pay from a line of the whole text that states only the pay, wherever it sits.

    Some boards put the pay line at the end, inside the "About <company>" section the
    section reader drops ("About Meta ... US$ 7,313-11,293/month + benefits"): a line
    that is a money amount with a period and nothing else is the job's pay anywhere.
    """
    lines: list[str] = []
    seen: set[int] = set()
    for symbol in "$£€₹":
        at = whole.find(symbol)
        while at != -1:  # only the lines holding a currency symbol are tried
            start = whole.rfind("\n", 0, at) + 1
            end = whole.find("\n", at)
            end = len(whole) if end == -1 else end
            if start not in seen:
                seen.add(start)
                line = whole[start:end].replace("\\$", "$")
                if len(line) <= 160 and _PAY_LINE.match(line):
                    lines.append(line)
            at = whole.find(symbol, end)
    return pay_from_text("\n".join(lines), countries) if lines else None
