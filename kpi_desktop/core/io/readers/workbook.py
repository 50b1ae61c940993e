"""Workbooks (.xlsx/.xlsm/.xls/.ods) read with fastexcel, with the openpyxl fallback."""

from __future__ import annotations

import contextlib
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

import numpy as np

from kpi_desktop.core.io.errors import FileUnreadable
from kpi_desktop.core.io.readers.archive import check_zip_declared
from kpi_desktop.core.io.readers.base import (
    HEAD_ROWS,
    ColumnType,
    Head,
    Kind,
    Merge,
    Table,
    fill_head,
)
from kpi_desktop.core.io.readers.checks import MAX_UNCOMPRESSED
from kpi_desktop.core.io.readers.ods_merges import ods_merges
from kpi_desktop.core.io.readers.openpyxl_book import OpenpyxlBook
from kpi_desktop.core.io.readers.xlsx_peek import XlsxPeek

if TYPE_CHECKING:
    from fastexcel import DTypeMap


def _unreadable(path: Path, exc: BaseException) -> FileUnreadable:
    text = str(exc).lower()
    if "password" in text or "encrypt" in text:
        return FileUnreadable(
            f"“{path.name}” is password-protected; save it without a password and import it again.",
            str(path),
        )
    return FileUnreadable(f"“{path.name}” is damaged or not a readable workbook.", str(path))


class Workbook:
    """A workbook opened with fastexcel; `.xlsx` heads are peeked from the XML stream.

    An .xlsx/.xlsm that calamine cannot open or load (some unusual writer's output) is
    read with openpyxl instead, after the same zip size check.
    """

    def __init__(self, path: Path, kind: Kind, max_uncompressed: int = MAX_UNCOMPRESSED) -> None:
        import fastexcel

        self.path = path
        self.kind = kind
        self._max_uncompressed = max_uncompressed
        self._fallback: OpenpyxlBook | None = None
        self._reader: fastexcel.ExcelReader | None = None
        try:
            self._reader = fastexcel.read_excel(str(path))
            self.sheets: list[str] = list(self._reader.sheet_names)
        except Exception as exc:  # fastexcel raises its own types and pyo3 panics
            self.sheets = self._fall_back(exc).sheets
        if not self.sheets:
            raise FileUnreadable(f"“{path.name}” has no sheets.", str(path))
        self._peek: XlsxPeek | None = None
        self._merges: dict[str, list[Merge]] = {}
        if kind == "xlsx":
            try:
                self._peek = XlsxPeek(path)
            except (KeyError, ET.ParseError, zipfile.BadZipFile, OSError, ValueError):
                self._peek = None  # the workbook opened; peek through the reader instead

    def _fall_back(self, exc: BaseException) -> OpenpyxlBook:
        """Switch to openpyxl after calamine failed on an .xlsx, or raise the clear error."""
        if self._fallback is not None:
            return self._fallback
        if self.kind != "xlsx" or "password" in str(exc).lower():
            raise _unreadable(self.path, exc) from exc
        # The importer proves the real sizes beside the parse; only the directory here.
        check_zip_declared(self.path, self._max_uncompressed)
        try:
            self._fallback = OpenpyxlBook(self.path)
        except Exception as second:  # openpyxl raises many types on a broken file
            raise _unreadable(self.path, exc) from second
        return self._fallback

    def merges(self, sheet: str) -> list[Merge]:
        """Merged ranges of `sheet` (.xlsx and .ods, only for sheets of hand-made size).

        An .xls keeps its merges in BIFF records that calamine reads but fastexcel does
        not expose: its merged cells read as a value in the first cell only.
        """
        if sheet not in self._merges:
            found: list[Merge] = []
            if self._peek is not None and sheet in self._peek.sheet_paths:
                with contextlib.suppress(KeyError, zipfile.BadZipFile, OSError, ValueError):
                    found = self._peek.merges(sheet)
            elif self.kind == "ods":
                with contextlib.suppress(
                    KeyError, zipfile.BadZipFile, OSError, ValueError, ET.ParseError
                ):
                    found = ods_merges(self.path, sheet)
            self._merges[sheet] = found
        return self._merges[sheet]

    def head(self, sheet: str, n: int = HEAD_ROWS) -> Head:
        """The first `n` rows of `sheet` from row 1, as Python values.

        A cell merged down several rows shows its value in each of them (a header merged
        over two header rows, a campaign merged down its days); across columns the value
        stays in the first cell only, so a title merged over the table is not a header.
        """
        return fill_head(self._head(sheet, n), self.merges(sheet))

    def _head(self, sheet: str, n: int) -> Head:
        if self._peek is not None and sheet in self._peek.sheet_paths:
            return self._peek.head(sheet, n)
        if self._reader is not None and self._fallback is None:
            try:
                loaded = self._reader.load_sheet(
                    sheet, header_row=None, skip_rows=0, n_rows=n, dtypes="string"
                )
                batch = loaded.to_arrow()
                total = loaded.total_height
                indices = [c.absolute_index for c in loaded.selected_columns]
            except Exception as exc:
                return self._fall_back(exc).head(sheet, n)
            width = max(indices, default=-1) + 1
            rows: list[list[object]] = [[None] * width for _ in range(batch.num_rows)]
            for col, index in zip(batch.columns, indices, strict=True):
                for r, value in enumerate(col.to_pylist()):
                    rows[r][index] = value
            return Head(rows, list(range(1, len(rows) + 1)), total)
        assert self._fallback is not None
        return self._fallback.head(sheet, n)

    def read(
        self, sheet: str, skip: int, columns: dict[int, ColumnType], n_rows: int | None = None
    ) -> Table:
        """Read `columns` (absolute index -> type) from row `skip + 1` on, in one pass."""
        if not columns:
            return Table({}, np.zeros(0, dtype=np.int64))
        if self._reader is None or self._fallback is not None:
            assert self._fallback is not None
            return self._fallback.read(sheet, skip, columns, n_rows)
        wanted = sorted(columns)
        dtypes: DTypeMap = {i: "string" for i, kind in columns.items() if kind == "string"}
        try:
            batch = self._reader.load_sheet(
                sheet,
                header_row=None,
                skip_rows=skip,
                n_rows=n_rows,
                use_columns=wanted,
                dtypes=dtypes or None,
                # Guess types from every row: a mixed column then becomes text that we
                # parse ourselves, instead of silently losing the odd cells.
                schema_sample_rows=None,
                eager=True,
            )
        except Exception as exc:
            if "out of range" in str(exc).lower() or "not found" in str(exc).lower():
                return Table({}, np.zeros(0, dtype=np.int64))
            return self._fall_back(exc).read(sheet, skip, columns, n_rows)
        out = dict(zip(wanted, batch.columns, strict=True))
        return Table(out, np.arange(skip + 1, skip + 1 + batch.num_rows, dtype=np.int64))
