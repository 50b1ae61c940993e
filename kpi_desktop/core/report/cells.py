"""The workbook being written (XlsxWriter): 1-based cells, shared formats, fitted widths.

Every formula is written together with its cached result, so that a viewer that does not
recalculate (a phone, a preview, a mail client) shows the figures rather than blanks;
`formulas` computes each result with the formula's own rules. Text is always written as
text, so a campaign named "=HYPERLINK(...)" never becomes a formula.
"""

from __future__ import annotations

import io
import math
from datetime import date, datetime
from typing import Any

from xlsxwriter import Workbook  # type: ignore[import-untyped]
from xlsxwriter.utility import xl_col_to_name  # type: ignore[import-untyped]

#: A formula's cached result: a number, a text ("" for undefined) or an error like "#N/A".
Cached = float | str

HEADER_FILL = "#DDEBF7"
_MAX_WIDTH = 45


def column_letter(index: int) -> str:
    """Excel's letter of 1-based column `index` (1 -> A, 27 -> AA)."""
    return str(xl_col_to_name(index - 1))


class Book:
    """An in-memory XlsxWriter workbook with a cache of its cell formats."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.workbook: Any = Workbook(self.buffer, {"in_memory": True, "strings_to_numbers": False})
        self._formats: dict[tuple[tuple[str, object], ...], Any] = {}

    def format(self, **props: object) -> Any:
        """The shared format with these XlsxWriter properties (None when there are none)."""
        if not props:
            return None
        key = tuple(sorted(props.items()))
        if key not in self._formats:
            self._formats[key] = self.workbook.add_format(dict(props))
        return self._formats[key]

    def sheet(self, name: str) -> Sheet:
        """A new worksheet at the end of the workbook."""
        return Sheet(self, name)

    def chart(self, kind: str) -> Any:
        """A new native chart of XlsxWriter `kind` ("bar", "line") that plots hidden cells.

        The charts plot a hidden helper column. XlsxWriter's `show_hidden_data` merely
        leaves out `<c:plotVisOnly>`, which some readers (openpyxl among them) take as
        "visible cells only" and so draw an empty chart; the element is written with
        val="0" instead, which every reader understands.
        """
        chart = self.workbook.add_chart({"type": kind})

        def plot_hidden_cells() -> None:
            chart._xml_empty_tag("c:plotVisOnly", [("val", 0)])

        chart._write_plot_vis_only = plot_hidden_cells
        return chart

    def close(self) -> bytes:
        """Finish the workbook; its bytes."""
        self.workbook.close()
        return self.buffer.getvalue()


class Sheet:
    """One worksheet: cells are addressed 1-based (row 1, column 1 is A1)."""

    def __init__(self, book: Book, name: str) -> None:
        self.book = book
        self.name = name
        self.ws: Any = book.workbook.add_worksheet(name)
        self._widths: dict[int, int] = {}
        self._hidden: set[int] = set()

    def _measure(self, col: int, length: int) -> None:
        self._widths[col] = max(self._widths.get(col, 0), length)

    def text(self, row: int, col: int, value: str, *, bold: bool = False, **props: object) -> None:
        """Text that stays text even when it starts with "=" (no formula injection)."""
        style = self.book.format(**({"bold": True} if bold else {}), **props)
        self.ws.write_string(row - 1, col - 1, value, style)
        self._measure(col, len(value))

    def header(self, row: int, titles: list[str] | tuple[str, ...]) -> None:
        """Bold, shaded column titles on `row`, from column A."""
        for col, title in enumerate(titles, start=1):
            self.text(row, col, title, bold=True, bg_color=HEADER_FILL, pattern=1)

    def number(
        self, row: int, col: int, value: float | None, num_format: str, *, bold: bool = False
    ) -> None:
        """A number, or a formatted blank cell for an unknown value (never 0)."""
        style = self.book.format(num_format=num_format, **({"bold": True} if bold else {}))
        if value is None or (isinstance(value, float) and math.isnan(value)):
            self.ws.write_blank(row - 1, col - 1, None, style)
            return
        self.ws.write_number(row - 1, col - 1, value, style)
        self._measure(col, len(f"{value:,.2f}") + 2)

    def day(self, row: int, col: int, value: date, num_format: str) -> None:
        """A date cell (Excel serial day) shown with `num_format`."""
        moment = datetime(value.year, value.month, value.day)
        self.ws.write_datetime(row - 1, col - 1, moment, self.book.format(num_format=num_format))
        self._measure(col, 11)

    def formula(
        self,
        row: int,
        col: int,
        formula: str,
        value: Cached,
        num_format: str | None = None,
        *,
        bold: bool = False,
    ) -> None:
        """A live formula with its cached result `value` (shown until Excel recalculates)."""
        props: dict[str, object] = {"bold": True} if bold else {}
        if num_format:
            props["num_format"] = num_format
        self.ws.write_formula(row - 1, col - 1, formula, self.book.format(**props), value)
        self._measure(col, 12)

    def comment(self, row: int, col: int, text: str) -> None:
        """A note on the cell, by KPI Desk."""
        self.ws.write_comment(row - 1, col - 1, text, {"author": "KPI Desk"})

    def hide_column(self, col: int) -> None:
        """Hide column `col` (applied with the widths)."""
        self._hidden.add(col)

    def fit_widths(self, minimum: int = 8, at_least: dict[int, int] | None = None) -> None:
        """Column widths from the longest shown text; formula cells count as 12 characters."""
        widths = {col: max(minimum, length + 2) for col, length in self._widths.items()}
        for col, width in (at_least or {}).items():
            widths[col] = max(widths.get(col, minimum), width)
        for col in sorted(set(widths) | self._hidden):
            width = min(widths.get(col, minimum), _MAX_WIDTH)
            options = {"hidden": True} if col in self._hidden else {}
            self.ws.set_column(col - 1, col - 1, width, None, options)
