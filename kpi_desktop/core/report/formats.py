"""Excel number formats of the report: money by currency, KPIs by display, input fields."""

from __future__ import annotations

import pandas as pd

from kpi_desktop.core import format as fmt
from kpi_desktop.core.kpi import Display, Kpi
from kpi_desktop.core.schema import FIELDS, Kind

PERCENT_FORMAT = "0.0%"
RATIO_FORMAT = "0.00"
MULTIPLE_FORMAT = '0.00"x"'
LIFT_FORMAT = "+0%;-0%;0%"
CHANGE_FORMAT = "+0.0%;-0.0%;0.0%"
POINTS_FORMAT = '+0.0" pp";-0.0" pp";0.0" pp"'
DATE_FORMAT = "yyyy-mm-dd"
COUNT_FORMAT = "#,##0"
FRACTIONAL_COUNT_FORMAT = "#,##0.00"


def money_format(currency: str) -> str:
    """Excel number format for money in `currency` (`"$"#,##0.00`, `#,##0.00 "CHF"`)."""
    code = currency.upper()
    symbol = fmt.CURRENCY_SYMBOLS.get(code)
    if symbol:
        return f'"{symbol}"#,##0.00'
    if code:
        return f'#,##0.00 "{code}"'
    return "#,##0.00"


def kpi_format(kpi: Kpi, currency: str) -> str:
    """Excel number format of a KPI; rates are fractions shown with Excel's percent."""
    match kpi.display:
        case Display.RATIO:
            return RATIO_FORMAT
        case Display.PERCENT:
            return PERCENT_FORMAT
        case Display.MONEY:
            return money_format(currency)
        case Display.MULTIPLE:
            return MULTIPLE_FORMAT
        case Display.LIFT:
            return LIFT_FORMAT
    raise AssertionError(kpi.display)


def field_format(name: str, values: pd.Series, currency: str) -> str:
    """Excel number format of input field `name`, given the values it will show."""
    kind = FIELDS[name].kind
    if kind is Kind.MONEY:
        return money_format(currency)
    if kind is Kind.RATE:
        return PERCENT_FORMAT
    numbers = values.dropna().to_numpy(dtype=float)
    # Google Ads writes fractional conversions; do not round them away on screen.
    if len(numbers) and not all(float(v).is_integer() for v in numbers):
        return FRACTIONAL_COUNT_FORMAT
    return COUNT_FORMAT
