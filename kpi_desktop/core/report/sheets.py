"""The Campaigns and Daily sheets of the workbook, each with its native Excel chart."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kpi_desktop.core.kpi import KpiReport, compute_kpis
from kpi_desktop.core.report.cells import write_header
from kpi_desktop.core.report.formats import DATE_FORMAT
from kpi_desktop.core.report.tables import (
    Table,
    add_helper,
    add_target_rules,
    chart_kpi,
    finish_table,
    style_chart,
    write_table,
    write_total_row,
)

SHEET_SUMMARY, SHEET_CAMPAIGNS, SHEET_DAILY = "Summary", "Campaigns", "Daily"


def write_campaigns_sheet(
    ws: Worksheet,
    by_campaign: KpiReport,
    *,
    currency: str,
    missing_fx: str,
    targets: Mapping[str, float],
) -> tuple[Table, int]:
    """One row per campaign, the Total row and a bar chart; returns the layout and total row."""
    table = Table("Campaign")
    rows = by_campaign.rows
    names = [str(n) or str(k) for k, n in zip(rows.index, rows["campaign"], strict=True)]
    last = write_table(ws, table, names, rows, currency=currency, missing_fx=missing_fx)
    total_row = last + 1
    total_frame = by_campaign.total.to_frame().T
    write_total_row(ws, table, total_frame, total_row, currency, missing_fx)
    if len(rows):
        kpi = chart_kpi(rows)
        add_helper(ws, table, kpi, last, currency)
        chart = BarChart()
        chart.type = "bar"  # horizontal bars leave room for long campaign names
        chart.title = f"{kpi.name} by campaign"
        chart.add_data(
            Reference(ws, min_col=table.helper_index, min_row=1, max_row=last),
            titles_from_data=True,
        )
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=last))
        style_chart(chart, kpi, currency)
        ws.add_chart(chart, f"A{total_row + 3}")
    add_target_rules(ws, table, targets, total_row)
    finish_table(ws, table, last)
    return table, total_row


def write_daily_sheet(
    ws: Worksheet,
    daily: pd.DataFrame | None,
    *,
    currency: str,
    missing_fx: str,
    targets: Mapping[str, float],
) -> None:
    """One row per day and a line chart; only the header when no fact has a date."""
    table = Table("Date")
    if daily is None:
        write_header(ws, 1, table.titles)
        finish_table(ws, table, 1)
        return
    days = [pd.Timestamp(d).date() for d in daily.index]
    last_day = write_table(
        ws,
        table,
        days,
        daily,
        currency=currency,
        missing_fx=missing_fx,
        label_format=DATE_FORMAT,
    )
    kpi = chart_kpi(daily.join(compute_kpis(daily)))
    add_helper(ws, table, kpi, last_day, currency)
    line = LineChart()
    line.title = f"{kpi.name} per day"
    line.add_data(
        Reference(ws, min_col=table.helper_index, min_row=1, max_row=last_day),
        titles_from_data=True,
    )
    line.set_categories(Reference(ws, min_col=1, min_row=2, max_row=last_day))
    line.x_axis.number_format = DATE_FORMAT
    style_chart(line, kpi, currency)
    ws.add_chart(line, f"{get_column_letter(table.helper_index + 2)}2")
    add_target_rules(ws, table, targets, last_day)
    finish_table(ws, table, last_day)
