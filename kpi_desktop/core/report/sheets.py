"""The Campaigns and Daily sheets of the workbook, each with its native Excel chart."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from kpi_desktop.core.kpi import KpiReport, compute_kpis
from kpi_desktop.core.report.cells import Sheet, column_letter
from kpi_desktop.core.report.data import campaign_label
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


def _series(sheet: Sheet, table: Table, last: int) -> dict[str, object]:
    """The chart series of the hidden helper column, rows 2..`last`, labelled by column A."""
    col = table.helper_index - 1
    return {
        "name": [sheet.name, 0, col],
        "categories": [sheet.name, 1, 0, last - 1, 0],
        "values": [sheet.name, 1, col, last - 1, col],
    }


def write_campaigns_sheet(
    sheet: Sheet,
    by_campaign: KpiReport,
    *,
    currency: str,
    missing_fx: str,
    targets: Mapping[str, float],
    campaign_names: Mapping[str, str] | None = None,
) -> tuple[Table, int]:
    """One row per campaign, the Total row and a bar chart; returns the layout and total row.

    `campaign_names` maps campaign keys to the names the workspace shows.
    """
    table = Table("Campaign")
    rows = by_campaign.rows
    names = [campaign_label(key, row, campaign_names) for key, row in rows.iterrows()]
    last = write_table(sheet, table, names, rows, currency=currency, missing_fx=missing_fx)
    total_row = last + 1
    total_frame = by_campaign.total.to_frame().T
    write_total_row(sheet, table, total_frame, total_row, currency, missing_fx)
    if len(rows):
        kpi = chart_kpi(rows)
        add_helper(sheet, table, kpi, last, currency)
        chart = sheet.book.chart("bar")  # horizontal bars leave room for long campaign names
        chart.set_title({"name": f"{kpi.name} by campaign"})
        chart.add_series(_series(sheet, table, last))
        style_chart(chart, kpi, currency, value_axis="x")
        sheet.ws.insert_chart(f"A{total_row + 3}", chart)
    add_target_rules(sheet, table, targets, total_row)
    finish_table(sheet, table, last)
    return table, total_row


def write_daily_sheet(
    sheet: Sheet,
    daily: pd.DataFrame | None,
    *,
    currency: str,
    missing_fx: str,
    targets: Mapping[str, float],
) -> None:
    """One row per day and a line chart; only the header when no fact has a date."""
    table = Table("Date")
    if daily is None:
        sheet.header(1, table.titles)
        finish_table(sheet, table, 1)
        return
    days = [pd.Timestamp(d).date() for d in daily.index]
    last_day = write_table(
        sheet,
        table,
        days,
        daily,
        currency=currency,
        missing_fx=missing_fx,
        label_format=DATE_FORMAT,
    )
    kpi = chart_kpi(daily.join(compute_kpis(daily)))
    add_helper(sheet, table, kpi, last_day, currency)
    line = sheet.book.chart("line")
    line.set_title({"name": f"{kpi.name} per day"})
    line.add_series(_series(sheet, table, last_day))
    line.set_x_axis({"num_format": DATE_FORMAT, "date_axis": True})
    style_chart(line, kpi, currency)
    sheet.ws.insert_chart(f"{column_letter(table.helper_index + 2)}2", line)
    add_target_rules(sheet, table, targets, last_day)
    finish_table(sheet, table, last_day)
