"""CSV export: UTF-8 with BOM, CRLF, atomic, escaped against formula injection."""

from __future__ import annotations

import pandas as pd

from kpi_desktop.core.atomic import PathLike, atomic_write

#: Text that a spreadsheet would read as a formula (or DDE) when it opens a CSV.
_INJECTION_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
    atomic_write(path, data)
