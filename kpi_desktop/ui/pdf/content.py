"""What the PDF report shows: numbers and texts for a selection, computed by the core alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from kpi_desktop.core import format as fmt
from kpi_desktop.core import report as core_report
from kpi_desktop.core import series
from kpi_desktop.core.kpi import KPI_BY_ID, KPIS, Kpi, KpiReport, select
from kpi_desktop.core.schema import FIELDS, MONEY_FIELDS

if TYPE_CHECKING:
    from kpi_desktop.core.workspace import Workspace

TABLE_FIELDS: tuple[str, ...] = ("users", "clicks", "conversions", "spend")
#: Columns of the "Manual edits in force" list.
EDITS_HEADER: tuple[str, ...] = ("Campaign", "Day", "Field", "Imported", "Typed")
EDITS_TITLE = "Manual edits in force"


@dataclass(frozen=True)
class PdfContent:
    """Everything the pages show, computed by the core and already formatted."""

    title: str
    workspace_name: str
    info: tuple[tuple[str, str], ...]  # (label, text) lines of the title block
    cards: tuple[series.KpiCardData, ...]
    time_chart: series.TimeChartData
    bars: series.BarChartData
    table_header: tuple[str, ...]
    table_rows: tuple[tuple[str, ...], ...]  # the last row is the total
    table_notes: tuple[str, ...]
    generated: str
    #: Every manual edit in force: (campaign, day, field, imported, typed), formatted.
    edits: tuple[tuple[str, ...], ...] = ()


def _selection(
    facts: pd.DataFrame,
    start: object,
    end: object,
    campaigns: Sequence[str] | None,
    channels: Sequence[str] | None,
) -> series.FilterSelection:
    period = core_report.workspace_period(facts, start, end)
    campaign_keys = tuple(campaigns) if campaigns is not None else None
    channel_names = tuple(channels) if channels is not None else None
    if period is None:
        return series.FilterSelection(series.ALL, None, None, campaign_keys, channel_names)
    first, last = (p.date() for p in period)
    return series.FilterSelection(series.CUSTOM, first, last, campaign_keys, channel_names)


def _chart_kpi(rows: pd.DataFrame) -> Kpi:
    """The first KPI of the Excel report's preference with the most defined values."""
    counts = {
        kpi_id: int(rows[kpi_id].notna().sum()) if kpi_id in rows else 0
        for kpi_id in core_report.CHART_PREFERENCE
    }
    return KPI_BY_ID[max(core_report.CHART_PREFERENCE, key=lambda k: counts[k])]


def gather_content(
    ws: Workspace,
    *,
    start: object = None,
    end: object = None,
    campaigns: Sequence[str] | None = None,
    channels: Sequence[str] | None = None,
    title: str | None = None,
    filters_text: str | None = None,
    workspace_name: str = "",
    today: dt.date | None = None,
) -> PdfContent:
    """The report's numbers and texts for the selection, from the core alone."""
    facts, _ = core_report.workspace_selection(ws, campaigns=campaigns, channels=channels)
    selection = _selection(facts, start, end, campaigns, channels)
    view = series.DataView(ws)
    currency = ws.reporting_currency
    targets = ws.targets().get(None, {})
    result = view.report(selection)
    dashboard = view.dashboard(selection, result, targets=targets, currency=currency)
    period = view.period(selection)
    chart_kpi = _chart_kpi(result.rows)
    days = (period[1] - period[0]).days + 1 if period else None
    if days is None and view.data_range is not None:
        days = (view.data_range[1] - view.data_range[0]).days + 1
    freq: series.Freq = "W" if days and days > series.WEEKLY_SPARK_DAYS else "D"
    time_chart = view.time_chart(selection, chart_kpi.id, freq, targets=targets, currency=currency)
    bars = series.campaign_bars(result, chart_kpi.id, targets=targets, currency=currency)

    if filters_text is None:
        filters_text = core_report.workspace_filter_text(ws, campaigns=campaigns, channels=channels)
    previous = series.period_text(dashboard.previous) if dashboard.previous else "—"
    rows, notes = _table(result, currency, core_report.campaign_names(ws))
    day = today or dt.date.today()
    edits = _edits(ws, currency)
    info = _info(result, period, previous, filters_text, currency)
    info = (
        (info[0][0], _period_text(facts, period)),
        *info[1:],
        (
            "Manual edits",
            f"{len(edits)} in force, listed under “{EDITS_TITLE}”"
            if edits
            else "none: every figure is as imported",
        ),
    )
    return PdfContent(
        title=title or "KPI report",
        workspace_name=workspace_name,
        info=info,
        cards=dashboard.cards,
        time_chart=time_chart,
        bars=bars,
        table_header=(
            "Campaign",
            *(series.measure_label(name) for name in TABLE_FIELDS),
            *(k.name for k in KPIS),
        ),
        table_rows=rows,
        table_notes=notes,
        generated=series.day_text(day),
        edits=edits,
    )


def _period_text(facts: pd.DataFrame, period: tuple[dt.date, dt.date] | None) -> str:
    """The days the shown data really covers; the filter's range too when it is wider.

    A preset such as "Last 30 days" over data that ends earlier must not claim 30 days:
    the report names the first and last day of the data it shows.
    """
    shown = facts if period is None else facts[select(facts, start=period[0], end=period[1])]
    dates = pd.to_datetime(shown["date"], errors="coerce").dropna() if "date" in shown else None
    if dates is None or dates.empty:
        if period is None:
            return "All dates (no dated data)"
        return f"{series.period_text(period)}: no dated data in this range"
    data = (dates.min().date(), dates.max().date())
    if period is None:
        return f"All dates: {series.period_text(data)}"
    if data == period:
        return series.period_text(period)
    return (
        f"{series.period_text(data)} (data shown; the filter asks for {series.period_text(period)})"
    )


def _edit_value(field: str, value: float | None, currency: str) -> str:
    if value is None:
        return "blank"
    return fmt.field_value(field, value, currency if field in MONEY_FIELDS else "")


def _edits(ws: Workspace, currency: str) -> tuple[tuple[str, ...], ...]:
    """The manual edits in force: campaign, day, field, imported value, typed value.

    Campaign totals (typed in the Campaigns table) cover all dates, in the reporting
    currency; a cell edit names its row's day. Edits whose row is gone are not in force.
    """
    names = ws.campaigns()["display_name"]
    orphaned = {(e.table, e.row_key, e.field) for e in ws.orphaned_edits()}
    rows: list[tuple[str, ...]] = []
    for edit in ws.edits():
        if (edit.table, edit.row_key, edit.field) in orphaned:
            continue
        if edit.table == "campaigns":
            key, day, money_currency = str(edit.row_key), "all dates (campaign total)", currency
        else:
            row = edit.row_key
            key = str(getattr(row, "campaign_key", row))
            iso = str(getattr(row, "date", "") or "")
            day = series.day_text(dt.date.fromisoformat(iso)) if iso else "no date"
            money_currency = ""  # typed in the row's own currency
        name = str(names.get(key, key) or key or "(no campaign)")
        label = FIELDS[edit.field].label if edit.field in FIELDS else edit.field
        rows.append(
            (
                name,
                day,
                label,
                _edit_value(edit.field, edit.old_value, money_currency),
                _edit_value(edit.field, edit.new_value, money_currency),
            )
        )
    return tuple(rows)


def _info(
    result: KpiReport,
    period: tuple[dt.date, dt.date] | None,
    previous: str,
    filters_text: str,
    currency: str,
) -> tuple[tuple[str, str], ...]:
    """The (label, text) lines of the title block."""
    users_note = (
        "distinct people (event log)"
        if result.users_exact
        else "sum of daily users (a person active on two days counts twice)"
    )
    info: tuple[tuple[str, str], ...] = (
        ("Period", series.period_text(period)),
        ("Compared with", previous),
        ("Filters", filters_text or "none"),
        ("Currency", currency or "—"),
        ("Users", users_note),
    )
    if result.missing_fx:
        info = (*info, ("Exchange rates", f"missing for {', '.join(result.missing_fx)}"))
    return info


def _table(
    result: KpiReport, currency: str, names: dict[str, str]
) -> tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]:
    """The campaign table's formatted rows (the total last) and the notes under it.

    Campaigns are named as in the CSV and Excel exports (`names`: the workspace's names).
    """
    rows: list[tuple[str, ...]] = []
    undefined = 0
    labelled = [(core_report.campaign_label(key, r, names), r) for key, r in result.rows.iterrows()]
    for name, row in [*labelled, ("Total", result.total)]:
        cells = [name]
        cells += [
            fmt.field_value(f, fmt.optional_number(row.get(f)), currency) for f in TABLE_FIELDS
        ]
        values = [fmt.kpi_value(k, fmt.optional_number(row.get(k.id)), currency) for k in KPIS]
        undefined += values.count(fmt.EM_DASH)
        cells += values
        rows.append(tuple(cells))
    notes = (f"{fmt.EM_DASH} = undefined: a zero or missing denominator or input.",)
    return tuple(rows), notes if undefined else ()
