"""The KPI tables of the Campaigns and Daily sheets: input values, KPI formulas, chart helper.

Each row holds the group's input values and, next to them, the KPIs as live formulas
over those inputs; a hidden helper column repeats the charted KPI for the native chart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd

from kpi_desktop.core import format as fmt
from kpi_desktop.core.kpi import KPIS, Kpi, fx_gap
from kpi_desktop.core.report.cells import Cached, Sheet, column_letter
from kpi_desktop.core.report.formats import field_format, kpi_format
from kpi_desktop.core.report.formulas import (
    Input,
    chart_result,
    kpi_formula,
    kpi_result,
    target_rules,
)
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
        self.columns = {name: column_letter(i) for i, name in enumerate(INPUT_FIELDS, start=2)}
        self.indexes = {name: i for i, name in enumerate(INPUT_FIELDS, start=2)}
        first_kpi = len(INPUT_FIELDS) + 2
        self.kpi_indexes = {k.id: first_kpi + i for i, k in enumerate(KPIS)}
        self.kpi_columns = {k: column_letter(i) for k, i in self.kpi_indexes.items()}
        self.helper_index = first_kpi + len(KPIS)
        self.helper = column_letter(self.helper_index)
        #: The cached KPI results written on each sheet row (row -> KPI id -> result).
        self.results: dict[int, dict[str, Cached]] = {}


def chart_kpi(kpis: pd.DataFrame) -> Kpi:
    """The preferred KPI with the most defined values (a chart of gaps helps nobody)."""
    by_id = {k.id: k for k in KPIS}
    counts = {kpi_id: int(kpis[kpi_id].notna().sum()) for kpi_id in CHART_PREFERENCE}
    best = max(CHART_PREFERENCE, key=lambda kpi_id: counts[kpi_id])  # first wins ties
    return by_id[best]


def write_table(
    sheet: Sheet,
    table: Table,
    labels: Sequence[object],
    sums: pd.DataFrame,
    *,
    currency: str,
    missing_fx: str,
    label_format: str | None = None,
) -> int:
    """Write the header and one row per group; returns the last row written."""
    sheet.header(1, table.titles)
    formats = {name: field_format(name, sums[name], currency) for name in INPUT_FIELDS}
    kpi_formats = {k.id: kpi_format(k, currency) for k in KPIS}
    for offset, (label, (_, row)) in enumerate(zip(labels, sums.iterrows(), strict=True)):
        r = offset + 2
        if isinstance(label, str):
            sheet.text(r, 1, label)
        elif isinstance(label, date):
            sheet.day(r, 1, label, label_format or "yyyy-mm-dd")
        else:
            raise TypeError(f"unexpected row label {label!r}")
        _write_row(sheet, table, r, row, formats, kpi_formats, missing_fx)
    return len(labels) + 1


def _write_row(
    sheet: Sheet,
    table: Table,
    r: int,
    values: pd.Series,
    formats: dict[str, str],
    kpi_formats: dict[str, str],
    missing_fx: str,
    *,
    bold: bool = False,
) -> None:
    """Input values and KPI formulas (with their results) of sheet row `r`.

    An unknown input is a blank cell, never 0; a KPI's cached result is computed from
    exactly the values written, so it is what Excel shows after recalculating.
    """
    inputs: dict[str, Input] = {}
    for name in INPUT_FIELDS:
        value = fmt.optional_number(values.get(name))
        col = table.indexes[name]
        if name in MONEY_FIELDS and fx_gap(values, (name,)):
            # Part of this money has no exchange rate: a partial sum in the reporting
            # currency would be wrong, so the cell stays empty and says why.
            value = None
            sheet.comment(r, col, missing_fx)
        inputs[name] = value
        sheet.number(r, col, value, formats[name], bold=bold)
    results: dict[str, Cached] = {}
    for kpi in KPIS:
        results[kpi.id] = kpi_result(kpi, inputs)
        formula = kpi_formula(kpi, r, table.columns)
        col = table.kpi_indexes[kpi.id]
        sheet.formula(r, col, formula, results[kpi.id], kpi_formats[kpi.id], bold=bold)
    table.results[r] = results


def write_total_row(
    sheet: Sheet,
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
    sheet.text(row, 1, "Total", bold=True)
    formats = {name: field_format(name, total[name], currency) for name in INPUT_FIELDS}
    kpi_formats = {k.id: kpi_format(k, currency) for k in KPIS}
    _write_row(sheet, table, row, values, formats, kpi_formats, missing_fx, bold=True)


def add_helper(sheet: Sheet, table: Table, kpi: Kpi, last_row: int, currency: str) -> None:
    """A hidden copy of the charted KPI with NA() for undefined.

    Excel plots "" as 0 but #N/A as no point, and an undefined KPI must never look like
    0 on a chart. The column is hidden, so the chart must also plot hidden cells.
    """
    sheet.text(1, table.helper_index, kpi.name + CHART_SUFFIX)
    source = table.kpi_columns[kpi.id]
    number_format = kpi_format(kpi, currency)
    for r in range(2, last_row + 1):
        formula = f'=IF({source}{r}="",NA(),{source}{r})'
        result = chart_result(table.results[r][kpi.id])
        sheet.formula(r, table.helper_index, formula, result, number_format)
    sheet.hide_column(table.helper_index)


def add_target_rules(
    sheet: Sheet, table: Table, targets: Mapping[str, float], last_row: int
) -> None:
    """Traffic lights on each KPI column that has a target, rows 2..`last_row`."""
    if last_row < 2:
        return
    for kpi in KPIS:
        target = fmt.optional_number(targets.get(kpi.id))
        if target is None:
            continue
        letter = table.kpi_columns[kpi.id]
        target_rules(sheet, f"{letter}2:{letter}{last_row}", kpi, f"{letter}2", repr(target))


def finish_table(sheet: Sheet, table: Table, last_data_row: int) -> None:
    """Freeze the header and label column, filter on the header, fit the widths."""
    sheet.ws.freeze_panes(1, 1)
    sheet.ws.autofilter(0, 0, max(last_data_row, 1) - 1, len(table.titles) - 1)
    sheet.fit_widths()


def style_chart(chart: Any, kpi: Kpi, currency: str, *, value_axis: str = "y") -> None:
    """Axis title and format of `kpi`, gaps for undefined values, no legend.

    `value_axis` is "x" for horizontal bars, whose values run along XlsxWriter's x axis.
    """
    axis = {"name": kpi.name, "num_format": kpi_format(kpi, currency)}
    if value_axis == "x":
        chart.set_x_axis(axis)
    else:
        chart.set_y_axis(axis)
    chart.show_blanks_as("gap")  # the helper column is hidden: `Book.chart` plots it
    chart.set_legend({"none": True})
    chart.set_size({"width": 907, "height": 454})  # 24 x 12 cm
