"""The Summary sheet: title block, KPIs against the previous period and targets, inputs."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from kpi_desktop.core import format as fmt
from kpi_desktop.core.analysis import Comparison
from kpi_desktop.core.kpi import KPIS, Display, Kpi
from kpi_desktop.core.report.cells import BOLD, fit_widths, write_header, write_text
from kpi_desktop.core.report.data import WorkbookData
from kpi_desktop.core.report.formats import (
    CHANGE_FORMAT,
    POINTS_FORMAT,
    field_format,
    kpi_format,
)
from kpi_desktop.core.report.formulas import (
    change_formula,
    points_formula,
    status_formula,
    target_rules,
)
from kpi_desktop.core.report.sheets import SHEET_CAMPAIGNS
from kpi_desktop.core.report.tables import Table
from kpi_desktop.core.schema import ADDITIVE_FIELDS, FIELDS

#: First row of the KPI table on the Summary sheet (its header is one row above).
SUMMARY_FIRST_KPI_ROW = 10
SUMMARY_TITLES = (
    "KPI",
    "This period",
    "Previous period",
    "Change",
    "Change (points)",
    "Target",
    "Status",
    "Note",
)


def period_text(period: tuple[object, object] | None) -> str:
    """`2026-10-28 – 2026-11-26`, or "All dates" without a period."""
    if period is None:
        return "All dates"
    start, end = (pd.Timestamp(p).date().isoformat() for p in period)
    return f"{start} – {end}"


def write_summary(
    ws: Worksheet,
    data: WorkbookData,
    *,
    title: str,
    filters_text: str,
    period: tuple[object, object] | None,
    campaigns: Table,
    total_row: int,
    targets: Mapping[str, float],
    currency: str,
) -> None:
    """Write the Summary sheet; its KPIs follow the Campaigns sheet's total row live.

    Args:
        ws: the Summary sheet.
        data: the report's figures.
        title: report title (the sheet's heading).
        filters_text: the filter in words.
        period: inclusive (start, end) dates, or None for all dates.
        campaigns: the layout of the Campaigns sheet.
        total_row: the row of the Total on the Campaigns sheet.
        targets: KPI id -> target in internal units.
        currency: reporting currency code for number formats.
    """
    heading = ws.cell(row=1, column=1)
    write_text(heading, title)
    heading.font = Font(bold=True, size=14)
    _write_info(ws, data, filters_text, period, currency)
    write_header(ws, SUMMARY_FIRST_KPI_ROW - 1, SUMMARY_TITLES)
    for offset, kpi in enumerate(KPIS):
        r = SUMMARY_FIRST_KPI_ROW + offset
        source = f"={SHEET_CAMPAIGNS}!{campaigns.kpi_columns[kpi.id]}{total_row}"
        _write_kpi_row(ws, r, kpi, source, data, targets.get(kpi.id), currency)
    first_field_row = SUMMARY_FIRST_KPI_ROW + len(KPIS) + 2
    _write_inputs(ws, first_field_row, data.by_campaign.total, data.comparison, currency)
    ws.freeze_panes = f"A{SUMMARY_FIRST_KPI_ROW}"
    fit_widths(ws)
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width or 0, 30)


def _write_info(
    ws: Worksheet,
    data: WorkbookData,
    filters_text: str,
    period: tuple[object, object] | None,
    currency: str,
) -> None:
    """The key/value lines under the heading (rows 2-7)."""
    previous_text = "—"
    if data.comparison is not None:
        previous_text = period_text(data.comparison.previous_period)
    info = (
        ("Filters", filters_text or "none"),
        ("Period", period_text(period)),
        ("Previous period", previous_text),
        ("Currency", currency or "—"),
        (
            "Users",
            "distinct people (event log)"
            if data.by_campaign.users_exact
            else "sum of daily users (a person active on two days counts twice)",
        ),
        ("Exchange rates", data.missing_fx or "complete"),
    )
    for offset, (key, value) in enumerate(info, start=2):
        write_text(ws.cell(row=offset, column=1), key)
        ws.cell(row=offset, column=1).font = BOLD
        write_text(ws.cell(row=offset, column=2), value)


def _write_kpi_row(
    ws: Worksheet,
    r: int,
    kpi: Kpi,
    source: str,
    data: WorkbookData,
    target_value: object,
    currency: str,
) -> None:
    """One KPI: live value, previous value, change, target, status and why undefined."""
    comparison = data.comparison
    number_format = kpi_format(kpi, currency)
    write_text(ws.cell(row=r, column=1), kpi.name)
    value = ws.cell(row=r, column=2)
    # The Campaigns total row holds the live formula; Summary follows it.
    value.value = source
    value.number_format = number_format
    previous = ws.cell(row=r, column=3)
    if comparison is not None:
        previous.value = comparison.kpi(kpi.id).previous
    previous.number_format = number_format
    change = ws.cell(row=r, column=4)
    change.value = change_formula(r)
    change.number_format = CHANGE_FORMAT
    if kpi.display in (Display.PERCENT, Display.LIFT):
        points = ws.cell(row=r, column=5)
        points.value = points_formula(r)
        points.number_format = POINTS_FORMAT
    target = ws.cell(row=r, column=6)
    target.value = fmt.optional_number(target_value)
    target.number_format = number_format
    ws.cell(row=r, column=7).value = status_formula(kpi, r)
    note = data.by_campaign.reason("total", kpi.id)
    if note is None and comparison is not None and comparison.kpi(kpi.id).previous is None:
        note = comparison.kpi(kpi.id).reason
    if note:
        write_text(ws.cell(row=r, column=8), note)
    target_rules(ws, f"B{r}", kpi, f"B{r}", f"F{r}")


def _write_inputs(
    ws: Worksheet,
    first_row: int,
    totals: pd.Series,
    comparison: Comparison | None,
    currency: str,
) -> None:
    """The additive inputs of this and the previous period, with their change."""
    write_header(ws, first_row - 1, ("Input", "This period", "Previous period", "Change"))
    for offset, name in enumerate(ADDITIVE_FIELDS):
        r = first_row + offset
        number_format = field_format(name, pd.Series([totals.get(name)], dtype=float), currency)
        write_text(ws.cell(row=r, column=1), FIELDS[name].label)
        ws.cell(row=r, column=2).value = fmt.optional_number(totals.get(name))
        ws.cell(row=r, column=2).number_format = number_format
        if comparison is not None:
            ws.cell(row=r, column=3).value = comparison.field(name).previous
        ws.cell(row=r, column=3).number_format = number_format
        change = ws.cell(row=r, column=4)
        change.value = change_formula(r)
        change.number_format = CHANGE_FORMAT
