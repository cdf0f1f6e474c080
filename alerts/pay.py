"""Pay conversion between periods, for the ``min_pay`` filter.

Assumptions (stated, not guessed per posting): an 8-hour day, a 40-hour (5-day) week,
52 weeks a year and 12 equal months, so a month is 52 * 40 / 12 = 173.33 hours and a
year 2,080 hours. Conversion never crosses currencies: pay in another currency, or
without a currency or period, is *unknown* pay (``None``), not zero.
"""

from __future__ import annotations

from store.models import Pay, Per

HOURS_PER: dict[str, float] = {
    "hour": 1.0,
    "day": 8.0,
    "week": 40.0,
    "month": 40.0 * 52.0 / 12.0,
    "year": 40.0 * 52.0,
}

# Relative slack so that 5,200/month compares equal to 30/hour after float rounding.
_EPS = 1e-9


def convert(amount: float, from_per: Per, to_per: Per) -> float:
    """``amount`` per ``from_per`` expressed per ``to_per`` (e.g. 30/hour -> 62,400/year)."""
    return amount * HOURS_PER[to_per] / HOURS_PER[from_per]


def comparable_pay(pay: Pay | None, currency: str, per: Per) -> float | None:
    """The posting's best stated rate (max, else min) in ``per``, or None when unknown.

    Unknown: no pay, no period, no amount, or a currency other than ``currency``.
    """
    if pay is None or pay.per is None or pay.currency is None:
        return None
    if pay.currency.upper() != currency.upper():
        return None
    top = pay.max if pay.max is not None else pay.min
    if top is None:
        return None
    return convert(top, pay.per, per)


def at_least(value: float, amount: float) -> bool:
    """``value >= amount`` allowing for float rounding in period conversion."""
    return value >= amount - _EPS * max(1.0, abs(amount))
