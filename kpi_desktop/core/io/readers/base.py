"""What every reader returns: a sheet's raw head, a table of Arrow columns, merged ranges."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pyarrow as pa

#: Rows read for header detection and preview.
HEAD_ROWS = 60

Kind = Literal["xlsx", "xls", "ods", "csv"]
ColumnType = Literal["string", "guess"]


@dataclass
class Head:
    """The first raw rows of a sheet: cells from column A, with their row numbers."""

    rows: list[list[object]]
    row_numbers: list[int]  # 1-based row (workbook) or line (text file) of each row
    estimated_rows: int = 0  # cheap size estimate, for choosing the default sheet

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass(frozen=True)
class Merge:
    """A merged cell range: 1-based rows, 0-based columns, both ends included."""

    first_row: int
    first_col: int
    last_row: int
    last_col: int


@dataclass
class Table:
    """Columns read below a header, by absolute column index, with their row numbers."""

    columns: dict[int, pa.Array]
    row_numbers: np.ndarray  # int64, 1-based row/line of each data row
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, text) of bad lines

    @property
    def num_rows(self) -> int:
        return len(self.row_numbers)


def fill_head(head: Head, merges: Sequence[Merge]) -> Head:
    vertical = [m for m in merges if m.last_row > m.first_row]
    if not vertical:
        return head
    position = {number: i for i, number in enumerate(head.row_numbers)}
    rows = [list(row) for row in head.rows]
    for merge in vertical:
        top = position.get(merge.first_row)
        if top is None or merge.first_col >= len(rows[top]):
            continue
        value = rows[top][merge.first_col]
        for number in range(merge.first_row + 1, merge.last_row + 1):
            i = position.get(number)
            if i is None:
                continue
            row = rows[i]
            if len(row) <= merge.first_col:
                row.extend([None] * (merge.first_col + 1 - len(row)))
            if row[merge.first_col] in (None, ""):
                row[merge.first_col] = value
    return Head(rows, head.row_numbers, head.estimated_rows)


def fill_merged(table: Table, merges: Sequence[Merge], columns: Sequence[int]) -> Table:
    """Give every cell under a merged range in `columns` the value of its top cell.

    A campaign (or date) merged down its rows holds its value only in the first cell;
    the rows below belong to it. Workbook tables have one row per sheet row from the
    first, so a sheet row maps to a position by subtraction.
    """
    n = table.num_rows
    if not n or not merges:
        return table
    first = int(table.row_numbers[0])
    out = dict(table.columns)
    for column in columns:
        if column not in out:
            continue
        index: np.ndarray | None = None
        for merge in merges:
            if merge.first_col != column or merge.last_row <= merge.first_row:
                continue
            top = merge.first_row - first
            if not 0 <= top < n - 1:
                continue
            if index is None:
                index = np.arange(n)
            index[top + 1 : min(merge.last_row - first, n - 1) + 1] = top
        if index is not None:
            out[column] = out[column].take(pa.array(index))
    return Table(out, table.row_numbers, table.skipped)
