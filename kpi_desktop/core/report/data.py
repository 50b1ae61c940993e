"""What the reports show, computed from the facts: the workbook's figures, the plain table."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from kpi_desktop.core import format as fmt
from kpi_desktop.core.analysis import Comparison, compare_periods, events_in_period
from kpi_desktop.core.kpi import (
    KPIS,
    Display,
    FxRates,
    Kpi,
    KpiReport,
    aggregate,
    report,
    select,
    site_traffic_mask,
)
from kpi_desktop.core.schema import FIELDS, INPUT_FIELDS, Kind


@dataclass(frozen=True)
class WorkbookData:
    """The figures of the Excel report for one period."""

    by_campaign: KpiReport
    daily: pd.DataFrame | None  # per-day sums; None when no fact has a date
    comparison: Comparison | None  # with the previous period; None for all dates
    missing_fx: str  # "no exchange rate for ..." or ""


def workbook_data(
    facts: pd.DataFrame,
    period: tuple[object, object] | None,
    events: pd.DataFrame | None,
    fx: FxRates | None,
) -> WorkbookData:
    """The by-campaign and daily KPIs of `period` and its comparison with the one before.

    Args:
        facts: canonical facts filtered by campaign/channel but not by date.
        period: inclusive (start, end) dates, or None for all dates (no comparison).
        events: event users (filtered like `facts`) for exact unique users.
        fx: reporting currency and exchange rates.
    """
    if period is not None:
        start, end = (pd.Timestamp(p).normalize() for p in period)
        subset = facts[select(facts, start=start, end=end)]
        period_events = events_in_period(events, start, end)
        comparison: Comparison | None = compare_periods(facts, start, end, events=events, fx=fx)
    else:
        subset, period_events, comparison = facts, events, None
    by_campaign = report(subset, "campaign", events=period_events, fx=fx)
    # Site traffic is no campaign's: the daily sheet adds up to the Campaigns total.
    dated = subset[subset["date"].notna() & ~site_traffic_mask(subset)]
    daily = aggregate(dated, "date", events=period_events, fx=fx) if len(dated) else None
    missing_fx = (
        f"no exchange rate for {', '.join(by_campaign.missing_fx)}"
        if by_campaign.missing_fx
        else ""
    )
    return WorkbookData(by_campaign, daily, comparison, missing_fx)


def _kpi_column_title(kpi: Kpi, currency: str) -> str:
    unit = {
        Display.PERCENT: "%",
        Display.LIFT: "%",
        Display.MONEY: currency,
        Display.MULTIPLE: "x",
    }.get(kpi.display)
    return f"{kpi.name} ({unit})" if unit else kpi.name


def campaign_label(key: object, row: pd.Series, names: Mapping[str, str] | None) -> str:
    """A campaign's name as the app shows it: its display name, else the imported name."""
    shown = (names or {}).get(str(key))
    return shown or str(row.get("campaign") or key)


def campaign_table(
    result: KpiReport, currency: str = "", names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """A by-campaign report as a plain table: name, inputs, KPIs, then a Total row.

    Numbers are plain (rates and lifts in percent, as displayed; money in the reporting
    currency); undefined values are missing, never 0. `names` maps campaign keys to the
    names the workspace shows (so every export names a campaign alike).
    """
    rows = [(campaign_label(key, row, names), row) for key, row in result.rows.iterrows()]
    rows.append(("Total", result.total))
    fields = [name for name in INPUT_FIELDS if name in result.rows or name in result.total]
    records = []
    for name, row in rows:
        record: dict[str, object] = {"Campaign": name}
        for field_name in fields:
            title = FIELDS[field_name].label
            if FIELDS[field_name].kind is Kind.MONEY and currency:
                title = f"{title} ({currency})"
            record[title] = fmt.optional_number(row.get(field_name))
        for kpi in KPIS:
            record[_kpi_column_title(kpi, currency)] = fmt.kpi_number(
                kpi, fmt.optional_number(row.get(kpi.id))
            )
        records.append(record)
    frame = pd.DataFrame.from_records(records)
    for column in frame.columns[1:]:
        # Sums of money carry float noise (6096.860000000001); counts read as integers.
        values = frame[column].astype(float).round(10)
        present = values.dropna()
        whole = len(present) > 0 and bool((present == present.round()).all())
        frame[column] = values.astype("Int64") if whole else values
    return frame
