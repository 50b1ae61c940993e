"""The Excel report: Summary, Campaigns and Daily sheets with live formulas and charts.

KPI cells in the workbook are Excel formulas over the input columns, so that a user who
corrects a figure in Excel sees the KPI follow; each is guarded so that an undefined KPI
is an empty string, never 0 or #DIV/0!. Each formula also stores its result (XlsxWriter
writes formula and value), so a viewer that does not recalculate shows the same figures
as the CSV and the PDF. The file is written atomically.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from kpi_desktop.core.atomic import PathLike, atomic_write
from kpi_desktop.core.kpi import FxRates
from kpi_desktop.core.progress import Progress, check
from kpi_desktop.core.report.cells import Book
from kpi_desktop.core.report.data import workbook_data
from kpi_desktop.core.report.sheets import (
    SHEET_CAMPAIGNS,
    SHEET_DAILY,
    SHEET_SUMMARY,
    write_campaigns_sheet,
    write_daily_sheet,
)
from kpi_desktop.core.report.summary import write_summary


def step(progress: Progress | None, fraction: float, message: str) -> None:
    """Report `fraction` to `progress`, if any, and raise `Cancelled` when it is cancelled."""
    if progress is not None:
        check(progress, fraction, message)


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
    campaign_names: Mapping[str, str] | None = None,
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
        campaign_names: campaign key -> the name the workspace shows (display names);
            by default the name a row was imported with.
        progress: reports fractions; its cancellation stops the export.

    Raises:
        Cancelled: when `progress` is cancelled (no file is written).
        OSError: when the file cannot be written.
    """
    targets = dict(targets or {})
    code = currency or (fx.reporting if fx else "")
    step(progress, 0.0, "Summarising")
    data = workbook_data(facts, period, events, fx)

    book = Book()
    summary = book.sheet(SHEET_SUMMARY)
    campaigns_ws = book.sheet(SHEET_CAMPAIGNS)
    daily_ws = book.sheet(SHEET_DAILY)

    step(progress, 0.2, "Writing campaigns")
    table, total_row = write_campaigns_sheet(
        campaigns_ws,
        data.by_campaign,
        currency=code,
        missing_fx=data.missing_fx,
        targets=targets,
        campaign_names=campaign_names,
    )
    step(progress, 0.5, "Writing days")
    write_daily_sheet(
        daily_ws, data.daily, currency=code, missing_fx=data.missing_fx, targets=targets
    )
    step(progress, 0.8, "Writing summary")
    write_summary(
        summary,
        data,
        title=title,
        filters_text=filters_text,
        period=period,
        campaigns=table,
        total_row=total_row,
        targets=targets,
        currency=code,
    )
    step(progress, 0.9, "Saving")
    atomic_write(path, book.close())
    step(progress, 1.0, "Done")
