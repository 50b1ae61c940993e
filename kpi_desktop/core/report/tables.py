"""The KPI tables of the Campaigns and Daily sheets: input values, KPI formulas, chart helper.

Each row holds the group's input values and, next to them, the KPIs as live formulas
over those inputs; a hidden helper column repeats the charted KPI for the native chart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, LineChart
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kpi_desktop.core import format as fmt
from kpi_desktop.core.kpi import KPIS, Kpi, fx_gap
from kpi_desktop.core.report.cells import BOLD, fit_widths, write_header, write_text
from kpi_desktop.core.report.formats import field_format, kpi_format
from kpi_desktop.core.report.formulas import kpi_formula, target_rules
from kpi_desktop.core.schema import FIELDS, INPUT_FIELDS, MONEY_FIELDS

#: The KPI charted over time and across campaigns: the first in this order with most data.
CHART_PREFERENCE: tuple[str, ...] = (
    "conversion_rate",
    "ctr",
    "roas",
    "cost_per_conversion",
    "interactions_per_user",
    "insights_per_user",
    "matched_response_rate",
)
CHART_SUFFIX = " (chart)"


class Table:
    """Layout of a Campaigns/Daily sheet: label column, inputs, KPI formulas, chart helper."""

    def __init__(self, label: str) -> None:
        self.titles = [label] + [FIELDS[f].label for f in INPUT_FIELDS] + [k.name for k in KPIS]
        self.columns = {name: get_column_letter(i) for i, name in enumerate(INPUT_FIELDS, start=2)}
        first_kpi = len(INPUT_FIELDS) + 2
        self.kpi_columns = {k.id: get_column_letter(first_kpi + i) for i, k in enumerate(KPIS)}
        self.helper_index = first_kpi + len(KPIS)
        self.helper = get_column_letter(self.helper_index)


def chart_kpi(kpis: pd.DataFrame) -> Kpi:
    """The preferred KPI with the most defined values (a chart of gaps helps nobody)."""
    by_id = {k.id: k for k in KPIS}
    counts = {kpi_id: int(kpis[kpi_id].notna().sum()) for kpi_id in CHART_PREFERENCE}
    best = max(CHART_PREFERENCE, key=lambda kpi_id: counts[kpi_id])  # first wins ties
    return by_id[best]


def write_table(
    ws: Worksheet,
    table: Table,
    labels: Sequence[object],
    sums: pd.DataFrame,
    *,
    currency: str,
    missing_fx: str,
    label_format: str | None = None,
) -> int:
    """Write the header and one row per group; returns the last row written."""
    write_header(ws, 1, table.titles)
    formats = {name: field_format(name, sums[name], currency) for name in INPUT_FIELDS}
    kpi_formats = {k.id: kpi_format(k, currency) for k in KPIS}
    for offset, (label, (_, row)) in enumerate(zip(labels, sums.iterrows(), strict=True)):
        r = offset + 2
        cell = ws.cell(row=r, column=1)
        if isinstance(label, str):
            write_text(cell, label)
        else:
            cell.value = label
            if label_format:
                cell.number_format = label_format
        _write_row(ws, table, r, row, formats, kpi_formats, missing_fx)
    return len(labels) + 1


def _write_row(
    ws: Worksheet,
    table: Table,
    r: int,
    values: pd.Series,
    formats: dict[str, str],
    kpi_formats: dict[str, str],
    missing_fx: str,
) -> list[Cell]:
    """Input values and KPI formulas of sheet row `r`; returns the cells written."""
    cells = []
    for name in INPUT_FIELDS:
        cell = ws[f"{table.columns[name]}{r}"]
        value = fmt.optional_number(values.get(name))
        if name in MONEY_FIELDS and fx_gap(values, (name,)):
            # Part of this money has no exchange rate: a partial sum in the reporting
            # currency would be wrong, so the cell stays empty and says why.
            value = None
            cell.comment = Comment(missing_fx, "KPI Desk")
        cell.value = value
        cell.number_format = formats[name]
        cells.append(cell)
    for kpi in KPIS:
        cell = ws[f"{table.kpi_columns[kpi.id]}{r}"]
        cell.value = kpi_formula(kpi, r, table.columns)
        cell.number_format = kpi_formats[kpi.id]
        cells.append(cell)
    return cells


def write_total_row(
    ws: Worksheet,
    table: Table,
    total: pd.DataFrame,
    row: int,
    currency: str,
    missing_fx: str,
) -> None:
    """The Total row: inputs as aggregated (distinct users, averaged study rates), not SUM.

    A SUM over the campaign rows would double-count people active in two campaigns and
    would add study rates, so the totals are the aggregated values and only the KPIs on
    this row are formulas.
    """
    values = total.iloc[0]
    label = ws.cell(row=row, column=1)
    write_text(label, "Total")
    label.font = BOLD
    formats = {name: field_format(name, total[name], currency) for name in INPUT_FIELDS}
    kpi_formats = {k.id: kpi_format(k, currency) for k in KPIS}
    for cell in _write_row(ws, table, row, values, formats, kpi_formats, missing_fx):
        cell.font = BOLD


def add_helper(ws: Worksheet, table: Table, kpi: Kpi, last_row: int, currency: str) -> None:
    """A hidden copy of the charted KPI with NA() for undefined.

    Excel plots "" as 0 but #N/A as no point, and an undefined KPI must never look like
    0 on a chart. The column is hidden, so the chart must also plot hidden cells.
    """
    header = ws.cell(row=1, column=table.helper_index)
    write_text(header, kpi.name + CHART_SUFFIX)
    source = table.kpi_columns[kpi.id]
    for r in range(2, last_row + 1):
        cell = ws[f"{table.helper}{r}"]
        cell.value = f'=IF({source}{r}="",NA(),{source}{r})'
        cell.number_format = kpi_format(kpi, currency)
    ws.column_dimensions[table.helper].hidden = True


def add_target_rules(
    ws: Worksheet, table: Table, targets: Mapping[str, float], last_row: int
) -> None:
    """Traffic lights on each KPI column that has a target, rows 2..`last_row`."""
    if last_row < 2:
        return
    for kpi in KPIS:
        target = fmt.optional_number(targets.get(kpi.id))
        if target is None:
            continue
        letter = table.kpi_columns[kpi.id]
        target_rules(ws, f"{letter}2:{letter}{last_row}", kpi, f"{letter}2", repr(target))


def finish_table(ws: Worksheet, table: Table, last_data_row: int) -> None:
    """Freeze the header and label column, filter on the header, fit the widths."""
    ws.freeze_panes = "B2"
    last_column = get_column_letter(len(table.titles))
    ws.auto_filter.ref = f"A1:{last_column}{max(last_data_row, 1)}"
    fit_widths(ws)


def style_chart(chart: LineChart | BarChart, kpi: Kpi, currency: str) -> None:
    """Axis title and format of `kpi`, gaps for undefined values, no legend."""
    chart.y_axis.title = kpi.name
    chart.y_axis.number_format = kpi_format(kpi, currency)
    # openpyxl 3.1 writes axes as deleted unless told otherwise.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.display_blanks = "gap"
    chart.visible_cells_only = False  # the helper column is hidden
    chart.legend = None
    chart.width, chart.height = 24, 12
