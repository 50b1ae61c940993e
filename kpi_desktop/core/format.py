"""Display text for fields and KPIs: one place decides how a number reads."""

from __future__ import annotations

import math

from kpi_desktop.core.kpi import Display, Kpi
from kpi_desktop.core.schema import FIELDS, Kind

EM_DASH = "—"

CURRENCY_SYMBOLS: dict[str, str] = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "INR": "₹",
    "AUD": "A$",
    "CAD": "C$",
}


def optional_number(value: object) -> float | None:
    """A cell value as a float, or None when it is missing (None, NaN, not a number)."""
    if value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def is_missing(value: object) -> bool:
    """Whether a cell value is missing: None or a float NaN (text and other values are not).

    `optional_number` is the stricter question "is there a number here?": it also takes
    text and other values that are not numbers for missing.
    """
    return value is None or (isinstance(value, float) and math.isnan(value))


def money(value: float | None, currency: str = "", decimals: int = 2) -> str:
    """`$1,234.50`, `€50.00`, `CHF 50.00`; an em dash when missing."""
    if is_missing(value):
        return EM_DASH
    assert value is not None
    symbol = CURRENCY_SYMBOLS.get(currency.upper(), "")
    sign = "-" if value < 0 else ""
    amount = f"{abs(value):,.{decimals}f}"
    if symbol:
        return f"{sign}{symbol}{amount}"
    if currency:
        return f"{sign}{currency.upper()} {amount}"
    return f"{sign}{amount}"


def kpi_value(kpi: Kpi, value: float | None, currency: str = "") -> str:
    """A KPI as shown: `2.50`, `12.5 %`, `$50.00`, `5.00x`, `+200 %`; em dash if undefined."""
    if is_missing(value):
        return EM_DASH
    assert value is not None
    match kpi.display:
        case Display.RATIO:
            return f"{value:,.2f}"
        case Display.PERCENT:
            return f"{value * 100:,.1f} %"
        case Display.MONEY:
            return money(value, currency)
        case Display.MULTIPLE:
            return f"{value:,.2f}x"
        case Display.LIFT:
            return f"{value * 100:+,.0f} %"
    raise AssertionError(kpi.display)


def kpi_number(kpi: Kpi, value: float | None) -> float | None:
    """The KPI as a plain number in display units (percent for rates and lifts)."""
    if is_missing(value):
        return None
    assert value is not None
    if kpi.display in (Display.PERCENT, Display.LIFT):
        return round(value * 100, 10)
    return round(value, 10)


def field_value(name: str, value: float | None, currency: str = "") -> str:
    """An input field as shown: counts with thousands separators, money, rates in percent."""
    if is_missing(value):
        return EM_DASH
    assert value is not None
    kind = FIELDS[name].kind
    if kind is Kind.MONEY:
        return money(value, currency)
    if kind is Kind.RATE:
        return f"{value * 100:,.1f} %"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}"
