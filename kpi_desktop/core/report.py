"""Excel and CSV export of the KPIs (DESIGN section 8): live formulas, formats, charts.

KPI cells in the workbook are Excel formulas over the input columns, so that a user who
corrects a figure in Excel sees the KPI follow; each is guarded so that an undefined KPI
is an empty string, never 0 or #DIV/0!. Every file is written atomically.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kpi_desktop.core import format as fmt
from kpi_desktop.core.analysis import (
    WARN_TOLERANCE,
    Comparison,
    compare_periods,
    events_in_period,
)
from kpi_desktop.core.kpi import (
    FX_MISSING,
    KPIS,
    Display,
    FxRates,
    Kpi,
    KpiReport,
    aggregate,
    compute_kpis,
    report,
    select,
)
from kpi_desktop.core.progress import Progress, check
from kpi_desktop.core.schema import ADDITIVE_FIELDS, FIELDS, INPUT_FIELDS, MONEY_FIELDS, Kind

if TYPE_CHECKING:
    from kpi_desktop.core.store import Workspace

PathLike = str | os.PathLike[str]

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
SHEET_SUMMARY, SHEET_CAMPAIGNS, SHEET_DAILY = "Summary", "Campaigns", "Daily"
CHART_SUFFIX = " (chart)"

PERCENT_FORMAT = "0.0%"
RATIO_FORMAT = "0.00"
MULTIPLE_FORMAT = '0.00"x"'
LIFT_FORMAT = "+0%;-0%;0%"
CHANGE_FORMAT = "+0.0%;-0.0%;0.0%"
POINTS_FORMAT = '+0.0" pp";-0.0" pp";0.0" pp"'
DATE_FORMAT = "yyyy-mm-dd"
COUNT_FORMAT = "#,##0"
FRACTIONAL_COUNT_FORMAT = "#,##0.00"

# Excel's own "good / neutral / bad" fills, which users already read as traffic lights.
_FILLS = {
    "good": PatternFill("solid", start_color="C6EFCE", end_color="C6EFCE"),
    "warn": PatternFill("solid", start_color="FFEB9C", end_color="FFEB9C"),
    "bad": PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE"),
}
_HEADER_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
_BOLD = Font(bold=True)
_MAX_WIDTH = 45

#: Text that a spreadsheet would read as a formula (or DDE) when it opens a CSV.
_INJECTION_STARTS = ("=", "+", "-", "@", "\t", "\r")


# --------------------------------------------------------------------------- atomic writes


def _atomic_write(path: PathLike, write: Callable[[IO[bytes]], None]) -> None:
    """Write through a temp file in the same folder, fsync, then `os.replace`.

    On any failure (including cancellation) the temp file is removed and an existing
    file at `path` is left as it was.
    """
    target = Path(path)
    folder = target.parent
    temp = folder / f".{target.name}.{secrets.token_hex(6)}.tmp"
    # os.open with 0o666 lets the umask decide the mode, as for any new file; O_BINARY
    # stops Windows from translating line endings at the descriptor level.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    descriptor = os.open(temp, flags, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable on POSIX; folders cannot be opened on Windows.
    with contextlib.suppress(OSError, AttributeError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


# --------------------------------------------------------------------------- progress


def _step(progress: Progress | None, fraction: float, message: str) -> None:
    if progress is not None:
        check(progress, fraction, message)


# --------------------------------------------------------------------------- CSV


def escape_csv_cell(value: object) -> object:
    """Prefix a single quote to text a spreadsheet would run as a formula; else unchanged.

    Only text is escaped: a number such as -5 is data, not a formula, and stays a number.
    """
    if isinstance(value, str) and value.startswith(_INJECTION_STARTS):
        return "'" + value
    return value


def _escape_index(index: pd.Index) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        return pd.MultiIndex.from_tuples(
            [tuple(escape_csv_cell(v) for v in row) for row in index], names=index.names
        )
    return pd.Index([escape_csv_cell(v) for v in index], name=escape_csv_cell(index.name))


def write_csv(path: PathLike, frame: pd.DataFrame, *, index: bool | None = None) -> None:
    """Write `frame` as CSV: UTF-8 with BOM (so Excel reads accents), CRLF, atomic.

    Text cells, headers and index labels beginning with `=`, `+`, `-`, `@`, tab or
    carriage return get a leading single quote against formula injection. Missing
    values are empty cells.

    Args:
        path: file to write (replaced atomically).
        frame: the table to write.
        index: write the index; by default only when it is not a plain 0..n-1 range.
    """
    if index is None:
        index = not (
            isinstance(frame.index, pd.RangeIndex)
            and frame.index.start == 0
            and frame.index.step == 1
            and frame.index.name is None
        )
    escaped = frame.copy()
    for column in escaped.columns:
        values = escaped[column]
        if not pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_datetime64_any_dtype(
            values
        ):
            escaped[column] = values.astype(object).map(escape_csv_cell)
    if isinstance(escaped.columns, pd.MultiIndex):
        escaped.columns = _escape_index(escaped.columns)
    else:
        escaped.columns = pd.Index([escape_csv_cell(str(c)) for c in escaped.columns])
    if index and not pd.api.types.is_datetime64_any_dtype(escaped.index):
        escaped.index = _escape_index(escaped.index)
    text = escaped.to_csv(index=index, lineterminator="\r\n")
    data = text.encode("utf-8-sig")
    _atomic_write(path, lambda handle: handle.write(data))


# --------------------------------------------------------------------------- formats


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


def _field_format(name: str, values: pd.Series, currency: str) -> str:
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


def kpi_formula(kpi: Kpi, row: int, columns: Mapping[str, str]) -> str:
    """The guarded Excel formula of `kpi` over input cells on `row`.

    `columns` maps field names to column letters. A missing numerator or denominator,
    or a zero denominator, gives "" (undefined), exactly where `kpi.kpi_column` gives NaN.
    """
    numerator = f"{columns[kpi.numerator]}{row}"
    denominator = f"{columns[kpi.denominator]}{row}"
    top = numerator
    if kpi.addends:
        # SUM treats a blank addend as 0, as the KPI treats a missing other_cost.
        parts = ",".join(f"{columns[a]}{row}" for a in kpi.addends)
        top = f"SUM({numerator},{parts})"
    expression = f"{top}/{denominator}" + ("-1" if kpi.minus_one else "")
    guard = f'OR({numerator}="",{denominator}="",{denominator}=0)'
    return f'=IF({guard},"",{expression})'


# --------------------------------------------------------------------------- cells


def _text(cell: Cell, value: str) -> None:
    """Write text that stays text even when it starts with "=" (no formula injection)."""
    cell.value = value
    cell.data_type = "s"


def _header(ws: Worksheet, row: int, titles: Sequence[str]) -> None:
    for col, title in enumerate(titles, start=1):
        cell = ws.cell(row=row, column=col)
        _text(cell, title)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL


def _fit_widths(ws: Worksheet, minimum: int = 8) -> None:
    """Column widths from the longest shown text; formula cells count as 12 characters."""
    widths: dict[str, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            if cell.data_type == "f":
                length = 12
            elif isinstance(cell.value, float | int):
                length = len(f"{cell.value:,.2f}") + 2
            elif isinstance(cell.value, date):
                length = 11
            else:
                length = len(str(cell.value))
            letter = cell.column_letter
            widths[letter] = max(widths.get(letter, minimum), length + 2)
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = min(width, _MAX_WIDTH)


def _target_rules(ws: Worksheet, cells: str, kpi: Kpi, cell: str, target: str) -> None:
    """Traffic-light fills of `cells` (top-left `cell`) against `target` (literal or ref).

    The thresholds are those of `analysis.target_status`; ISNUMBER leaves undefined ("")
    cells uncoloured.
    """
    margin = f"{WARN_TOLERANCE}*ABS({target})"
    if kpi.higher_is_better:
        good = f"{cell}>={target}"
        warn = f"{cell}<{target},{cell}>={target}-{margin}"
        bad = f"{cell}<{target}-{margin}"
    else:
        good = f"{cell}<={target}"
        warn = f"{cell}>{target},{cell}<={target}+{margin}"
        bad = f"{cell}>{target}+{margin}"
    for status, condition in (("good", good), ("warn", warn), ("bad", bad)):
        rule = FormulaRule(
            formula=[f"AND(ISNUMBER({cell}),ISNUMBER({target}),{condition})"],
            fill=_FILLS[status],
        )
        ws.conditional_formatting.add(cells, rule)


def _chart_kpi(kpis: pd.DataFrame) -> Kpi:
    """The preferred KPI with the most defined values (a chart of gaps helps nobody)."""
    by_id = {k.id: k for k in KPIS}
    counts = {kpi_id: int(kpis[kpi_id].notna().sum()) for kpi_id in CHART_PREFERENCE}
    best = max(CHART_PREFERENCE, key=lambda kpi_id: counts[kpi_id])  # first wins ties
    return by_id[best]


# --------------------------------------------------------------------------- tables


class _Table:
    """Layout of a Campaigns/Daily sheet: label column, inputs, KPI formulas, chart helper."""

    def __init__(self, label: str) -> None:
        self.titles = [label] + [FIELDS[f].label for f in INPUT_FIELDS] + [k.name for k in KPIS]
        self.columns = {name: get_column_letter(i) for i, name in enumerate(INPUT_FIELDS, start=2)}
        first_kpi = len(INPUT_FIELDS) + 2
        self.kpi_columns = {k.id: get_column_letter(first_kpi + i) for i, k in enumerate(KPIS)}
        self.helper_index = first_kpi + len(KPIS)
        self.helper = get_column_letter(self.helper_index)


def _write_table(
    ws: Worksheet,
    table: _Table,
    labels: Sequence[object],
    sums: pd.DataFrame,
    *,
    currency: str,
    missing_fx: str,
    label_format: str | None = None,
) -> int:
    """Write the header and one row per group; returns the last row written."""
    _header(ws, 1, table.titles)
    formats = {name: _field_format(name, sums[name], currency) for name in INPUT_FIELDS}
    kpi_formats = {k.id: kpi_format(k, currency) for k in KPIS}
    for offset, (label, (_, row)) in enumerate(zip(labels, sums.iterrows(), strict=True)):
        r = offset + 2
        cell = ws.cell(row=r, column=1)
        if isinstance(label, str):
            _text(cell, label)
        else:
            cell.value = label
            if label_format:
                cell.number_format = label_format
        _write_row(ws, table, r, row, formats, kpi_formats, missing_fx)
    return len(labels) + 1


def _write_row(
    ws: Worksheet,
    table: _Table,
    r: int,
    values: pd.Series,
    formats: dict[str, str],
    kpi_formats: dict[str, str],
    missing_fx: str,
) -> list[Cell]:
    """Input values and KPI formulas of sheet row `r`; returns the cells written."""
    cells = []
    fx_gap = fmt.optional_number(values.get(FX_MISSING)) or 0.0
    for name in INPUT_FIELDS:
        cell = ws[f"{table.columns[name]}{r}"]
        value = fmt.optional_number(values.get(name))
        if name in MONEY_FIELDS and fx_gap > 0:
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


def _add_helper(ws: Worksheet, table: _Table, kpi: Kpi, last_row: int, currency: str) -> None:
    """A hidden copy of the charted KPI with NA() for undefined.

    Excel plots "" as 0 but #N/A as no point, and an undefined KPI must never look like
    0 on a chart. The column is hidden, so the chart must also plot hidden cells.
    """
    header = ws.cell(row=1, column=table.helper_index)
    _text(header, kpi.name + CHART_SUFFIX)
    source = table.kpi_columns[kpi.id]
    for r in range(2, last_row + 1):
        cell = ws[f"{table.helper}{r}"]
        cell.value = f'=IF({source}{r}="",NA(),{source}{r})'
        cell.number_format = kpi_format(kpi, currency)
    ws.column_dimensions[table.helper].hidden = True


def _finish_table(ws: Worksheet, table: _Table, last_data_row: int) -> None:
    ws.freeze_panes = "B2"
    last_column = get_column_letter(len(table.titles))
    ws.auto_filter.ref = f"A1:{last_column}{max(last_data_row, 1)}"
    _fit_widths(ws)


def _style_chart(chart: LineChart | BarChart, kpi: Kpi, currency: str) -> None:
    chart.y_axis.title = kpi.name
    chart.y_axis.number_format = kpi_format(kpi, currency)
    # openpyxl 3.1 writes axes as deleted unless told otherwise.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.display_blanks = "gap"
    chart.visible_cells_only = False  # the helper column is hidden
    chart.legend = None
    chart.width, chart.height = 24, 12


# --------------------------------------------------------------------------- workbook


def _period_text(period: tuple[object, object] | None) -> str:
    if period is None:
        return "All dates"
    start, end = (pd.Timestamp(p).date().isoformat() for p in period)  # type: ignore[arg-type]
    return f"{start} – {end}"


def write_xlsx(
    path: PathLike,
    facts: pd.DataFrame,
    *,
    title: str,
    filters_text: str,
    period: tuple[object, object] | None,
    events: pd.DataFrame | None = None,
    fx: FxRates | None = None,
    targets: Mapping[str, float] | None = None,
    currency: str = "",
    progress: Progress | None = None,
) -> None:
    """Write the Excel report: Summary, Campaigns and Daily sheets with native charts.

    KPI cells on Campaigns and Daily are live formulas over the input columns; Summary
    refers to the Campaigns total row and compares with the previous period of equal
    length. Money is in the reporting currency.

    Args:
        path: the .xlsx file (replaced atomically; nothing is left behind on failure).
        facts: canonical facts filtered by campaign/channel but not by date, so that the
            previous period can be read from them.
        title: report title on the Summary sheet.
        filters_text: the filter in words, e.g. "Campaigns: Autumn Sale; Channel: all".
        period: inclusive (start, end) dates, or None for all dates (no comparison).
        events: event users (filtered like `facts`) for exact unique users.
        fx: reporting currency and exchange rates.
        targets: KPI id -> target in internal units (fractions for rates).
        currency: reporting currency code for number formats; defaults to fx.reporting.
        progress: reports fractions; its cancellation stops the export.

    Raises:
        Cancelled: when `progress` is cancelled (no file is written).
        OSError: when the file cannot be written.
    """
    targets = dict(targets or {})
    code = currency or (fx.reporting if fx else "")
    _step(progress, 0.0, "Summarising")
    if period is not None:
        start, end = (pd.Timestamp(p).normalize() for p in period)  # type: ignore[arg-type]
        subset = facts[select(facts, start=start, end=end)]
        period_events = events_in_period(events, start, end)
        comparison: Comparison | None = compare_periods(facts, start, end, events=events, fx=fx)
    else:
        subset, period_events, comparison = facts, events, None
    by_campaign = report(subset, "campaign", events=period_events, fx=fx)
    dated = subset[subset["date"].notna()]
    daily = aggregate(dated, "date", events=period_events, fx=fx) if len(dated) else None
    missing_fx = (
        f"no exchange rate for {', '.join(by_campaign.missing_fx)}"
        if by_campaign.missing_fx
        else ""
    )

    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = SHEET_SUMMARY
    campaigns_ws = workbook.create_sheet(SHEET_CAMPAIGNS)
    daily_ws = workbook.create_sheet(SHEET_DAILY)

    _step(progress, 0.2, "Writing campaigns")
    table = _Table("Campaign")
    rows = by_campaign.rows
    names = [str(n) or str(k) for k, n in zip(rows.index, rows["campaign"], strict=True)]
    last = _write_table(campaigns_ws, table, names, rows, currency=code, missing_fx=missing_fx)
    total_row = last + 1
    total_frame = by_campaign.total.to_frame().T
    _write_table_row_total(campaigns_ws, table, total_frame, total_row, code, missing_fx)
    if len(rows):
        kpi = _chart_kpi(rows)
        _add_helper(campaigns_ws, table, kpi, last, code)
        chart = BarChart()
        chart.type = "bar"  # horizontal bars leave room for long campaign names
        chart.title = f"{kpi.name} by campaign"
        chart.add_data(
            Reference(campaigns_ws, min_col=table.helper_index, min_row=1, max_row=last),
            titles_from_data=True,
        )
        chart.set_categories(Reference(campaigns_ws, min_col=1, min_row=2, max_row=last))
        _style_chart(chart, kpi, code)
        campaigns_ws.add_chart(chart, f"A{total_row + 3}")
    _add_target_rules(campaigns_ws, table, targets, total_row)
    _finish_table(campaigns_ws, table, last)

    _step(progress, 0.5, "Writing days")
    daily_table = _Table("Date")
    if daily is not None:
        days = [pd.Timestamp(d).date() for d in daily.index]
        last_day = _write_table(
            daily_ws,
            daily_table,
            days,
            daily,
            currency=code,
            missing_fx=missing_fx,
            label_format=DATE_FORMAT,
        )
        kpi = _chart_kpi(daily.join(compute_kpis(daily)))
        _add_helper(daily_ws, daily_table, kpi, last_day, code)
        line = LineChart()
        line.title = f"{kpi.name} per day"
        line.add_data(
            Reference(daily_ws, min_col=daily_table.helper_index, min_row=1, max_row=last_day),
            titles_from_data=True,
        )
        line.set_categories(Reference(daily_ws, min_col=1, min_row=2, max_row=last_day))
        line.x_axis.number_format = DATE_FORMAT
        _style_chart(line, kpi, code)
        daily_ws.add_chart(line, f"{get_column_letter(daily_table.helper_index + 2)}2")
        _add_target_rules(daily_ws, daily_table, targets, last_day)
    else:
        _header(daily_ws, 1, daily_table.titles)
        last_day = 1
    _finish_table(daily_ws, daily_table, last_day)

    _step(progress, 0.8, "Writing summary")
    _write_summary(
        summary,
        title=title,
        filters_text=filters_text,
        period=period,
        comparison=comparison,
        users_exact=by_campaign.users_exact,
        missing_fx=missing_fx,
        reasons={k.id: by_campaign.reason("total", k.id) for k in KPIS},
        totals=by_campaign.total,
        table=table,
        total_row=total_row,
        targets=targets,
        currency=code,
    )
    _step(progress, 0.9, "Saving")
    _atomic_write(path, workbook.save)
    _step(progress, 1.0, "Done")


def _write_table_row_total(
    ws: Worksheet,
    table: _Table,
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
    _text(label, "Total")
    label.font = _BOLD
    formats = {name: _field_format(name, total[name], currency) for name in INPUT_FIELDS}
    kpi_formats = {k.id: kpi_format(k, currency) for k in KPIS}
    for cell in _write_row(ws, table, row, values, formats, kpi_formats, missing_fx):
        cell.font = _BOLD


def _add_target_rules(
    ws: Worksheet, table: _Table, targets: Mapping[str, float], last_row: int
) -> None:
    if last_row < 2:
        return
    for kpi in KPIS:
        target = fmt.optional_number(targets.get(kpi.id))
        if target is None:
            continue
        letter = table.kpi_columns[kpi.id]
        _target_rules(ws, f"{letter}2:{letter}{last_row}", kpi, f"{letter}2", repr(target))


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


def _write_summary(
    ws: Worksheet,
    *,
    title: str,
    filters_text: str,
    period: tuple[object, object] | None,
    comparison: Comparison | None,
    users_exact: bool,
    missing_fx: str,
    reasons: Mapping[str, str | None],
    totals: pd.Series,
    table: _Table,
    total_row: int,
    targets: Mapping[str, float],
    currency: str,
) -> None:
    heading = ws.cell(row=1, column=1)
    _text(heading, title)
    heading.font = Font(bold=True, size=14)
    previous_text = "—"
    if comparison is not None:
        previous_text = _period_text(comparison.previous_period)
    info = (
        ("Filters", filters_text or "none"),
        ("Period", _period_text(period)),
        ("Previous period", previous_text),
        ("Currency", currency or "—"),
        (
            "Users",
            "distinct people (event log)"
            if users_exact
            else "sum of daily users (a person active on two days counts twice)",
        ),
        ("Exchange rates", missing_fx or "complete"),
    )
    for offset, (key, value) in enumerate(info, start=2):
        _text(ws.cell(row=offset, column=1), key)
        ws.cell(row=offset, column=1).font = _BOLD
        _text(ws.cell(row=offset, column=2), value)

    _header(ws, SUMMARY_FIRST_KPI_ROW - 1, SUMMARY_TITLES)
    for offset, kpi in enumerate(KPIS):
        r = SUMMARY_FIRST_KPI_ROW + offset
        number_format = kpi_format(kpi, currency)
        _text(ws.cell(row=r, column=1), kpi.name)
        value = ws.cell(row=r, column=2)
        # The Campaigns total row holds the live formula; Summary follows it.
        value.value = f"={SHEET_CAMPAIGNS}!{table.kpi_columns[kpi.id]}{total_row}"
        value.number_format = number_format
        previous = ws.cell(row=r, column=3)
        if comparison is not None:
            previous.value = comparison.kpi(kpi.id).previous
        previous.number_format = number_format
        change = ws.cell(row=r, column=4)
        change.value = f'=IF(OR(B{r}="",C{r}="",C{r}=0),"",(B{r}-C{r})/ABS(C{r}))'
        change.number_format = CHANGE_FORMAT
        if kpi.display in (Display.PERCENT, Display.LIFT):
            points = ws.cell(row=r, column=5)
            points.value = f'=IF(OR(B{r}="",C{r}=""),"",(B{r}-C{r})*100)'
            points.number_format = POINTS_FORMAT
        target = ws.cell(row=r, column=6)
        target.value = fmt.optional_number(targets.get(kpi.id))
        target.number_format = number_format
        ws.cell(row=r, column=7).value = _status_formula(kpi, r)
        note = reasons.get(kpi.id)
        if note is None and comparison is not None and comparison.kpi(kpi.id).previous is None:
            note = comparison.kpi(kpi.id).reason
        if note:
            _text(ws.cell(row=r, column=8), note)
        _target_rules(ws, f"B{r}", kpi, f"B{r}", f"F{r}")

    first_field_row = SUMMARY_FIRST_KPI_ROW + len(KPIS) + 2
    _header(ws, first_field_row - 1, ("Input", "This period", "Previous period", "Change"))
    for offset, name in enumerate(ADDITIVE_FIELDS):
        r = first_field_row + offset
        field_format = _field_format(name, pd.Series([totals.get(name)], dtype=float), currency)
        _text(ws.cell(row=r, column=1), FIELDS[name].label)
        ws.cell(row=r, column=2).value = fmt.optional_number(totals.get(name))
        ws.cell(row=r, column=2).number_format = field_format
        if comparison is not None:
            ws.cell(row=r, column=3).value = comparison.field(name).previous
        ws.cell(row=r, column=3).number_format = field_format
        change = ws.cell(row=r, column=4)
        change.value = f'=IF(OR(B{r}="",C{r}="",C{r}=0),"",(B{r}-C{r})/ABS(C{r}))'
        change.number_format = CHANGE_FORMAT
    ws.freeze_panes = f"A{SUMMARY_FIRST_KPI_ROW}"
    _fit_widths(ws)
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width or 0, 30)


def _status_formula(kpi: Kpi, row: int) -> str:
    """Live status text with the thresholds of `analysis.target_status`."""
    value, target = f"B{row}", f"F{row}"
    margin = f"{WARN_TOLERANCE}*ABS({target})"
    if kpi.higher_is_better:
        good, warn = f"{value}>={target}", f"{value}>={target}-{margin}"
    else:
        good, warn = f"{value}<={target}", f"{value}<={target}+{margin}"
    return f'=IF(OR({value}="",{target}=""),"",IF({good},"good",IF({warn},"warn","bad")))'


# --------------------------------------------------------------------------- workspace exports


def write_bytes(path: PathLike, data: bytes) -> None:
    """Replace `path` with `data` atomically (for documents rendered elsewhere, e.g. PDF)."""
    _atomic_write(path, lambda handle: handle.write(data))


def workspace_selection(
    ws: Workspace,
    *,
    campaigns: Sequence[str] | None = None,
    channels: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The workspace's facts and event users filtered by campaign/channel, not by date."""
    facts = ws.facts()
    events = ws.events()
    if campaigns is not None or channels is not None:
        facts = facts[select(facts, campaigns=campaigns, channels=channels).to_numpy()]
        if events is not None:
            events = events[select(events, campaigns=campaigns, channels=channels).to_numpy()]
    return facts, events


def workspace_period(
    facts: pd.DataFrame, start: object = None, end: object = None
) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The inclusive report period; an open end is closed by the data's first/last day."""
    if start is None and end is None:
        return None
    dates = facts["date"].dropna() if "date" in facts else pd.Series(dtype="datetime64[ns]")
    first = pd.Timestamp(start) if start is not None else (dates.min() if len(dates) else None)
    last = pd.Timestamp(end) if end is not None else (dates.max() if len(dates) else None)
    if first is None or last is None or pd.isna(first) or pd.isna(last):
        return None
    return first.normalize(), last.normalize()


def workspace_filter_text(
    ws: Workspace,
    *,
    campaigns: Sequence[str] | None = None,
    channels: Sequence[str] | None = None,
) -> str:
    """The campaign/channel filter in words: `Campaigns: Autumn Sale · all channels`."""
    if campaigns is None:
        parts = ["all campaigns"]
    else:
        names = ws.campaigns()["display_name"]
        shown = [str(names.get(key, key)) for key in campaigns]
        parts = [f"Campaigns: {', '.join(shown)}" if shown else "no campaigns"]
    if channels is None:
        parts.append("all channels")
    else:
        parts.append(f"Channels: {', '.join(channels)}" if channels else "no channels")
    return " · ".join(parts)


def export_workspace_xlsx(
    ws: Workspace,
    path: PathLike,
    *,
    start: object = None,
    end: object = None,
    campaigns: Sequence[str] | None = None,
    channels: Sequence[str] | None = None,
    title: str | None = None,
    filters_text: str | None = None,
    progress: Progress | None = None,
) -> None:
    """`write_xlsx` over a workspace: its facts, events, rates, targets and currency.

    Args:
        ws: the workspace (`core.store.Workspace`).
        path: the .xlsx file (replaced atomically).
        start: first day of the period (None with `end` None: all dates).
        end: last day of the period; an open end is closed by the data's range.
        campaigns: canonical campaign keys to keep (None: all).
        channels: channels to keep (None: all).
        title: report title; by default "KPI report".
        filters_text: the filter in words (the UI passes the filter bar's summary).
        progress: reports fractions; its cancellation stops the export.
    """
    facts, events = workspace_selection(ws, campaigns=campaigns, channels=channels)
    write_xlsx(
        path,
        facts,
        title=title or "KPI report",
        filters_text=filters_text
        or workspace_filter_text(ws, campaigns=campaigns, channels=channels),
        period=workspace_period(facts, start, end),
        events=events,
        fx=ws.fx(),
        targets=ws.targets().get(None, {}),
        currency=ws.reporting_currency,
        progress=progress,
    )


def _kpi_column_title(kpi: Kpi, currency: str) -> str:
    unit = {
        Display.PERCENT: "%",
        Display.LIFT: "%",
        Display.MONEY: currency,
        Display.MULTIPLE: "x",
    }.get(kpi.display)
    return f"{kpi.name} ({unit})" if unit else kpi.name


def campaign_table(result: KpiReport, currency: str = "") -> pd.DataFrame:
    """A by-campaign report as a plain table: name, inputs, KPIs, then a Total row.

    Numbers are plain (rates and lifts in percent, as displayed; money in the reporting
    currency); undefined values are missing, never 0.
    """
    rows = [(str(row.get("campaign") or key), row) for key, row in result.rows.iterrows()]
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


def export_workspace_csv(
    ws: Workspace,
    path: PathLike,
    *,
    start: object = None,
    end: object = None,
    campaigns: Sequence[str] | None = None,
    channels: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> None:
    """The campaign table over the selection as CSV (`write_csv`: BOM, escaped, atomic)."""
    _step(progress, 0.0, "Summarising")
    result = ws.report("campaign", start=start, end=end, campaigns=campaigns, channels=channels)
    _step(progress, 0.6, "Writing")
    write_csv(path, campaign_table(result, ws.reporting_currency), index=False)
    _step(progress, 1.0, "Done")


__all__ = [
    "campaign_table",
    "escape_csv_cell",
    "export_workspace_csv",
    "export_workspace_xlsx",
    "kpi_format",
    "kpi_formula",
    "money_format",
    "write_csv",
    "write_xlsx",
]
