"""Display text for fields and KPIs: one place decides how a number reads."""

from __future__ import annotations

import math
import re

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


# -- typed numbers ------------------------------------------------------------------------

#: The workspace setting that says how typed numbers are read: "." (1,234.50) or ","
#: (1.234,50 and 1 234,50). Absent or null: the computer's own convention.
DECIMAL_MARK_SETTING = "decimal_mark"
#: Each decimal mark with the way a thousand and a half is written with it.
DECIMAL_MARK_EXAMPLES: dict[str, str] = {".": "1,234.50", ",": "1.234,50"}
#: Where the user changes it (named in refusals).
NUMBER_FORMAT_PLACE = "Edit › Currency, Rates and Number Format"

_SPACES = re.compile(r"[\s\u00a0\u2007\u2009\u202f'’]+")  # grouping spaces, Swiss 1'234
_MINUS = ("-", "\u2212", "\u2013")  # hyphen, minus sign, en dash
_LEADING_CURRENCY = re.compile(r"^(?:[A-Za-z]{0,2}[$€£¥₹]|[A-Za-z]{3}(?![A-Za-z]))")
_TRAILING_CURRENCY = re.compile(r"(?:(?<![A-Za-z])[A-Za-z]{0,2}[$€£¥₹]|(?<![A-Za-z])[A-Za-z]{3})$")


def decimal_mark(value: object) -> str | None:
    """A stored decimal-mark setting, checked: "." or ",", else None (use the default)."""
    return value if isinstance(value, str) and value in DECIMAL_MARK_EXAMPLES else None


def _grouped(digits: str, mark: str) -> bool:
    """Whether `digits` is a whole number grouped by thousands with `mark` (1.234.567)."""
    return re.fullmatch(rf"[1-9]\d{{0,2}}(?:{re.escape(mark)}\d{{3}})+", digits) is not None


def _peel(text: str) -> tuple[str, bool] | None:
    """The number's body without currency, percent, spaces and sign; None if signed twice."""
    negative = False
    body = text
    while True:
        before = body
        body = body.strip().strip("\u00a0\u2007\u2009\u202f").removesuffix("%")
        if body.startswith("+") and not negative:
            body = body[1:]
        body = _TRAILING_CURRENCY.sub("", _LEADING_CURRENCY.sub("", body))
        for minus in _MINUS:
            if body.startswith(minus) or body.endswith(minus):
                if negative:
                    return None
                negative = True
                body = body.removeprefix(minus) if body.startswith(minus) else body[:-1]
        if body == before:
            return body, negative


def _read(body: str, decimal: str) -> float | None:
    """`body` (digits, "." and ",") read with `decimal` as the decimal mark; None if it
    is no number in that convention."""
    group = "," if decimal == "." else "."
    if not re.fullmatch(r"[\d.,]*\d[\d.,]*|[.,]\d+", body):
        return None
    if group in body and decimal in body:
        whole, _, fraction = body.rpartition(decimal)
        if group in fraction or not _grouped(whole, group):
            return None
        return float(whole.replace(group, "") + "." + fraction)
    if group in body:
        if _grouped(body, group):
            return float(body.replace(group, ""))
        if body.count(group) == 1:  # 1234.50 in German: two decimals cannot be grouping
            return float(body.replace(group, "."))
        return None
    if body.count(decimal) > 1:
        return None
    return float(body.replace(decimal, "."))


def parse_typed_number(text: str, decimal: str, label: str = "The value") -> float | str:
    """A number the user typed, read with the workspace's decimal mark ("." or ","), or
    one sentence saying why it is refused.

    Thousands are grouped with the other mark, spaces (also non-breaking and thin ones)
    or apostrophes; a mark of the other kind that cannot be grouping is the decimal mark
    (`1234.50` and `12,5` read the same everywhere); a lone `1.234` follows the workspace.
    Currency symbols and codes, a trailing percent sign (the caller decides what it
    means) and a leading or trailing minus are allowed around the number. A number
    written in the other convention (`1.234,50` where a decimal point is used) is refused
    rather than guessed: it would otherwise be read a thousand times too small.
    """
    raw = text.strip()
    example = DECIMAL_MARK_EXAMPLES[decimal]
    peeled = _peel(raw)
    if peeled is None:
        return f"{label} must be a number like {example}, not “{raw}”."
    body, negative = peeled
    body = _SPACES.sub("", body)
    number = _read(body, decimal)
    if number is None:
        other = "," if decimal == "." else "."
        meant = _read(body, other)
        if meant is None:
            return f"{label} must be a number like {example}, not “{raw}”."
        mark = "comma" if other == "," else "point"
        suggestion = f"{-meant if negative else meant:.10g}".replace(".", decimal)
        return (
            f"{label} “{raw}” is written like {DECIMAL_MARK_EXAMPLES[other]} (decimal {mark}), "
            f"but this workspace reads numbers like {example}: type {suggestion}, or switch "
            f"the number format under {NUMBER_FORMAT_PLACE}."
        )
    return -number if negative else number
