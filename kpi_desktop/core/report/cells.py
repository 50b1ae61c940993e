"""Cell helpers shared by the sheets: injection-safe text, bold headers, fitted widths."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from openpyxl.cell.cell import Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

HEADER_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
BOLD = Font(bold=True)
_MAX_WIDTH = 45


def write_text(cell: Cell, value: str) -> None:
    """Write text that stays text even when it starts with "=" (no formula injection)."""
    cell.value = value
    cell.data_type = "s"


def write_header(ws: Worksheet, row: int, titles: Sequence[str]) -> None:
    """Bold, shaded column titles on `row`, from column A."""
    for col, title in enumerate(titles, start=1):
        cell = ws.cell(row=row, column=col)
        write_text(cell, title)
        cell.font = BOLD
        cell.fill = HEADER_FILL


def fit_widths(ws: Worksheet, minimum: int = 8) -> None:
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
