"""The fallback workbook reader: openpyxl, read-only, cached values, no external links."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa

from kpi_desktop.core.io.readers.base import HEAD_ROWS, ColumnType, Head, Table


class OpenpyxlBook:
    """The fallback reader: openpyxl in read-only mode with cached values only.

    `data_only=True` returns the value Excel saved for each formula (nothing is
    evaluated) and `keep_links=False` leaves external workbook links unread.
    """

    def __init__(self, path: Path) -> None:
        import openpyxl

        self.path = path
        with warnings.catch_warnings():
            # openpyxl warns about parts it does not support (data validation extensions,
            # missing default styles); they do not affect the cell values read here.
            warnings.simplefilter("ignore")
            self._book = openpyxl.load_workbook(
                path, read_only=True, data_only=True, keep_links=False
            )
        self.sheets: list[str] = list(self._book.sheetnames)

    def _rows(
        self, sheet: str, first: int, last: int | None
    ) -> tuple[int, Iterator[Sequence[object]]]:
        worksheet = self._book[sheet]
        declared = int(getattr(worksheet, "max_row", 0) or 0)
        # Unusual writers declare wrong dimensions: read what the rows really hold.
        if hasattr(worksheet, "reset_dimensions"):
            worksheet.reset_dimensions()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # same reason as in __init__
            rows = worksheet.iter_rows(min_row=first, max_row=last, values_only=True)
        return declared, rows

    def head(self, sheet: str, n: int = HEAD_ROWS) -> Head:
        declared, rows = self._rows(sheet, 1, n)
        out: list[list[object]] = []
        for row in rows:
            out.append([_plain_value(v) for v in row])
            if len(out) >= n:
                break
        while out and not any(v not in (None, "") for v in out[-1]):
            out.pop()
        return Head(out, list(range(1, len(out) + 1)), declared or len(out))

    def read(
        self, sheet: str, skip: int, columns: dict[int, ColumnType], n_rows: int | None = None
    ) -> Table:
        wanted = sorted(columns)
        values: dict[int, list[object]] = {i: [] for i in wanted}
        last = skip + n_rows if n_rows is not None else None
        _, rows = self._rows(sheet, skip + 1, last)
        count = 0
        for row in rows:
            width = len(row)
            for i in wanted:
                values[i].append(_plain_value(row[i]) if i < width else None)
            count += 1
        # Trailing empty rows are formatting, not data.
        while count and all(values[i][count - 1] in (None, "") for i in wanted):
            count -= 1
        out = {i: _arrow_column(values[i][:count], columns[i]) for i in wanted}
        return Table(out, np.arange(skip + 1, skip + 1 + count, dtype=np.int64))


def _plain_value(value: object) -> object:
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    return value


def _cell_text(value: object) -> str:
    """A cell as calamine renders it as text: `80` for 80.0, `2025-03-03 00:00:00`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value)


def _arrow_column(values: list[object], kind: ColumnType) -> pa.Array:
    """Python cells as one Arrow column: typed when every cell agrees, else text."""
    present = [v for v in values if v is not None and v != ""]
    if kind == "guess" and present:
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
            return pa.array([None if v == "" else v for v in values], pa.float64())
        if all(isinstance(v, dt.datetime) for v in present):
            return pa.array([v if v != "" else None for v in values], pa.timestamp("us"))
        if all(isinstance(v, bool) for v in present):
            return pa.array([v if v != "" else None for v in values], pa.bool_())
    return pa.array([None if v is None else _cell_text(v) for v in values], pa.string())
