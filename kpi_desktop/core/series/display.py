"""Display units and text of measures, changes and target status for cards and charts."""

from __future__ import annotations

import math
from collections.abc import Mapping

from kpi_desktop.core import analysis
from kpi_desktop.core import format as fmt
from kpi_desktop.core.kpi import KPI_BY_ID, Display, Kpi
from kpi_desktop.core.schema import FIELDS, Kind


def display_scale(measure: str) -> float:
    """Factor from internal units to the units a chart axis shows (x100 for percent)."""
    k = KPI_BY_ID.get(measure)
    if k is not None:
        return 100.0 if k.display in (Display.PERCENT, Display.LIFT) else 1.0
    return 100.0 if FIELDS[measure].kind is Kind.RATE else 1.0


def measure_label(measure: str) -> str:
    """A KPI's name or a field's label."""
    k = KPI_BY_ID.get(measure)
    return k.name if k is not None else FIELDS[measure].label


def axis_unit(measure: str, currency: str = "") -> str:
    """The unit an axis carries: `%`, a currency code, `x`, `per user` or a count noun."""
    k = KPI_BY_ID.get(measure)
    if k is not None:
        match k.display:
            case Display.PERCENT | Display.LIFT:
                return "%"
            case Display.MONEY:
                return currency or "money"
            case Display.MULTIPLE:
                return "x"
            case Display.RATIO:
                return f"per {FIELDS[k.denominator].label.lower().rstrip('s')}"
    kind = FIELDS[measure].kind
    if kind is Kind.MONEY:
        return currency or "money"
    if kind is Kind.RATE:
        return "%"
    return "count"


def value_text(measure: str, display_value: float | None, currency: str = "") -> str:
    """A value given in display units, as `core.format` writes the measure."""
    if display_value is None or math.isnan(display_value):
        return fmt.EM_DASH
    value = display_value / display_scale(measure)
    k = KPI_BY_ID.get(measure)
    if k is not None:
        return fmt.kpi_value(k, value, currency)
    return fmt.field_value(measure, value, currency)


def change_text(k: Kpi | None, change: analysis.Change, measure: str = "") -> str:
    """`▲ +1.2 pp (+10.5 %)` for rates, `▼ −8.0 %` for counts and money; reason if none."""
    if change.absolute is None:
        return change.reason or "no comparison"
    if change.absolute == 0:
        return "■ no change"
    arrow = "▲" if change.absolute > 0 else "▼"
    relative = (
        f"{change.relative * 100:+,.1f} %".replace("-", "−")
        if change.relative is not None
        else "n/a"
    )
    rate_like = change.points is not None
    if rate_like:
        points = f"{change.points:+,.1f} pp".replace("-", "−")
        return f"{arrow} {points} ({relative})"
    if change.relative is None:
        # A count or money change from 0: the absolute change is all there is.
        shown = value_text(measure or change.id, abs(change.absolute))
        sign = "+" if change.absolute >= 0 else "−"
        return f"{arrow} {sign}{shown}"
    return f"{arrow} {relative}"


def change_is_good(k: Kpi, change: analysis.Change) -> bool | None:
    """Whether the change moved the KPI the right way (None when flat or unknown)."""
    if change.absolute is None or change.absolute == 0:
        return None
    return (change.absolute > 0) == k.higher_is_better


STATUS_TEXT: dict[str, str] = {
    "good": "✓ On target",
    "warn": "! Just short of target",
    "bad": "✗ Off target",
}


def status_text(k: Kpi, status: str | None, target: float | None, currency: str = "") -> str:
    """`✓ On target (≥ 12.0 %)`: a symbol and words, so status never rests on colour."""
    if target is None:
        return "No target set"
    sign = "≥" if k.higher_is_better else "≤"
    shown = fmt.kpi_value(k, target, currency)
    if status is None:
        return f"Target {sign} {shown}: no value to compare"
    return f"{STATUS_TEXT[status]} ({sign} {shown})"


DETAIL_WORDS: dict[str, str] = {
    "users": "users",
    "interactions": "interactions",
    "declared_data_points": "data points",
    "clicks": "clicks",
    "matched_responses": "matched",
    "total_messages": "messages",
    "visitors": "visitors",
    "conversions": "conversions",
    "conversion_value": "revenue",
    "spend": "spend",
    "other_cost": "other cost",
    "ad_recall_exposed": "exposed",
    "ad_recall_control": "control",
    "intent_exposed": "exposed",
    "intent_control": "control",
}


def detail_text(k: Kpi, sums: Mapping[str, object], currency: str = "") -> str:
    """Numerator and denominator as the card shows them: `16,213 clicks / 123,694 users`."""

    def part(name: str) -> str:
        value = fmt.optional_number(sums.get(name))
        return f"{fmt.field_value(name, value, currency)} {DETAIL_WORDS[name]}"

    numerator = part(k.numerator)
    for addend in k.addends:
        if fmt.optional_number(sums.get(addend)) is not None:
            numerator = f"({numerator} + {part(addend)})"
    return f"{numerator} / {part(k.denominator)}"
