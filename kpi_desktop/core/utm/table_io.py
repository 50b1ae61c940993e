"""Reading and writing tables of links as .csv or .xlsx, with formulas kept as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

import pandas as pd

from kpi_desktop.core.atomic import atomic_write_with
from kpi_desktop.core.format import is_missing
from kpi_desktop.core.utm.bulk import ERRORS_COLUMN, bulk_frame, canonical_bulk_column, errors_text

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_unescape(value: str) -> str:
    if value.startswith("'") and value[1:2] and value[1] in _FORMULA_START:
        return value[1:]
    return value


def write_links_table(frame: pd.DataFrame, path: str | Path) -> None:
    """Write a bulk or history table to .csv (UTF-8 with BOM) or .xlsx, atomically.

    An `errors` column of dicts is written as text. CSV cells that a spreadsheet would
    run as a formula are escaped with a leading `'`; xlsx cells are always text.
    """
    target = Path(path)
    table = frame.copy()
    if ERRORS_COLUMN in table.columns:
        table[ERRORS_COLUMN] = [
            errors_text(e) if isinstance(e, Mapping) else str(e) for e in table[ERRORS_COLUMN]
        ]
    headers = [str(c) for c in table.columns]
    rows = [["" if is_missing(v) else v for v in row] for row in table.itertuples(False)]
    suffix = target.suffix.lower()
    if suffix == ".csv":
        atomic_write_with(target, lambda handle: _write_csv(handle, headers, rows))
    elif suffix == ".xlsx":
        atomic_write_with(target, lambda handle: _write_xlsx(handle, headers, rows))
    else:
        raise ValueError(f"Links can be saved as .csv or .xlsx, not '{suffix or target.name}'")


def _write_csv(handle: IO[bytes], headers: list[str], rows: list[list[Any]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([[_csv_safe(v) for v in row] for row in rows])
    handle.write(buffer.getvalue().encode("utf-8-sig"))


def _write_xlsx(handle: IO[bytes], headers: list[str], rows: list[list[Any]]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Links"
    sheet.append(headers)
    for row in rows:
        sheet.append([str(v) for v in row])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.data_type = "s"  # a value starting with "=" stays text, never a formula
    book.save(handle)


def read_links_table(path: str | Path) -> pd.DataFrame:
    """Read a table of links from .csv/.txt or .xlsx as text; formulas are never evaluated."""
    source = Path(path)
    suffix = source.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        records = _read_csv_records(source)
    elif suffix in (".xlsx", ".xlsm"):
        records = _read_xlsx_records(source)
    else:
        raise ValueError(f"Links can be read from .csv or .xlsx, not '{suffix or source.name}'")
    records = [r for r in records if any(str(v).strip() for v in r)]
    if not records:
        return bulk_frame(pd.DataFrame())
    header, *body = records
    width = len(header)
    body = [(r + [""] * width)[:width] for r in body]
    body = [[_csv_unescape(v) for v in r] for r in body]
    frame = pd.DataFrame(body, columns=[str(h) for h in header], dtype=object)
    if not any(canonical_bulk_column(h) == "url" for h in header):
        raise ValueError("The table has no URL column (a header such as 'url' or 'landing page')")
    return bulk_frame(frame)


def _read_csv_records(source: Path) -> list[list[str]]:
    """Rows of a UTF-8 or Windows-1252 text table, separated by `,`, `;` or tab."""
    raw = source.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:4096], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def _read_xlsx_records(source: Path) -> list[list[str]]:
    """Rows of the first sheet as text; cached values, never formulas."""
    from openpyxl import load_workbook

    book = load_workbook(source, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        return [
            ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
        ]
    finally:
        book.close()
