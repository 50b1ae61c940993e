"""The Summary sheet: title block, KPIs against the previous period and targets, inputs."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from kpi_desktop.core import format as fmt
from kpi_desktop.core.analysis import Comparison
from kpi_desktop.core.kpi import KPIS, Display, Kpi
from kpi_desktop.core.report.cells import Cached, Sheet
from kpi_desktop.core.report.data import WorkbookData
from kpi_desktop.core.report.formats import (
    CHANGE_FORMAT,
    POINTS_FORMAT,
    field_format,
    kpi_format,
)
from kpi_desktop.core.report.formulas import (
    change_formula,
    change_result,
    points_formula,
    points_result,
    status_formula,
    status_result,
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
    sheet: Sheet,
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
        sheet: the Summary sheet.
        data: the report's figures.
        title: report title (the sheet's heading).
        filters_text: the filter in words.
        period: inclusive (start, end) dates, or None for all dates.
        campaigns: the layout of the Campaigns sheet.
        total_row: the row of the Total on the Campaigns sheet.
        targets: KPI id -> target in internal units.
        currency: reporting currency code for number formats.
    """
    sheet.text(1, 1, title, bold=True, font_size=14)
    _write_info(sheet, data, filters_text, period, currency)
    sheet.header(SUMMARY_FIRST_KPI_ROW - 1, SUMMARY_TITLES)
    totals = campaigns.results[total_row]
    for offset, kpi in enumerate(KPIS):
        r = SUMMARY_FIRST_KPI_ROW + offset
        source = f"={SHEET_CAMPAIGNS}!{campaigns.kpi_columns[kpi.id]}{total_row}"
        target = fmt.optional_number(targets.get(kpi.id))
        _write_kpi_row(sheet, r, kpi, (source, totals[kpi.id]), data, target, currency)
    first_field_row = SUMMARY_FIRST_KPI_ROW + len(KPIS) + 2
    _write_inputs(sheet, first_field_row, data.by_campaign.total, data.comparison, currency)
    sheet.ws.freeze_panes(SUMMARY_FIRST_KPI_ROW - 1, 0)
    sheet.fit_widths(at_least={1: 30})


def _write_info(
    sheet: Sheet,
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
        sheet.text(offset, 1, key, bold=True)
        sheet.text(offset, 2, value)


def _write_kpi_row(
    sheet: Sheet,
    r: int,
    kpi: Kpi,
    source: tuple[str, Cached],
    data: WorkbookData,
    target: float | None,
    currency: str,
) -> None:
    """One KPI: live value, previous value, change, target, status and why undefined.

    `source` is the formula reading the Campaigns total row and that row's result.
    """
    comparison = data.comparison
    number_format = kpi_format(kpi, currency)
    sheet.text(r, 1, kpi.name)
    # The Campaigns total row holds the live formula; Summary follows it.
    formula, current = source
    sheet.formula(r, 2, formula, current, number_format)
    previous = comparison.kpi(kpi.id).previous if comparison is not None else None
    sheet.number(r, 3, previous, number_format)
    sheet.formula(r, 4, change_formula(r), change_result(current, previous), CHANGE_FORMAT)
    if kpi.display in (Display.PERCENT, Display.LIFT):
        points = points_result(current, previous)
        sheet.formula(r, 5, points_formula(r), points, POINTS_FORMAT)
    sheet.number(r, 6, target, number_format)
    sheet.formula(r, 7, status_formula(kpi, r), status_result(kpi, current, target))
    note = data.by_campaign.reason("total", kpi.id)
    if note is None and comparison is not None and comparison.kpi(kpi.id).previous is None:
        note = comparison.kpi(kpi.id).reason
    if note:
        sheet.text(r, 8, note)
    target_rules(sheet, f"B{r}", kpi, f"B{r}", f"F{r}")


def _write_inputs(
    sheet: Sheet,
    first_row: int,
    totals: pd.Series,
    comparison: Comparison | None,
    currency: str,
) -> None:
    """The additive inputs of this and the previous period, with their change."""
    sheet.header(first_row - 1, ("Input", "This period", "Previous period", "Change"))
    for offset, name in enumerate(ADDITIVE_FIELDS):
        r = first_row + offset
        number_format = field_format(name, pd.Series([totals.get(name)], dtype=float), currency)
        sheet.text(r, 1, FIELDS[name].label)
        current = fmt.optional_number(totals.get(name))
        sheet.number(r, 2, current, number_format)
        previous = comparison.field(name).previous if comparison is not None else None
        sheet.number(r, 3, previous, number_format)
        change = change_result(current, previous)
        sheet.formula(r, 4, change_formula(r), change, CHANGE_FORMAT)
