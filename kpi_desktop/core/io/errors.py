"""Errors and row-level problems of an import: what the user is told, in one line."""

from __future__ import annotations

from dataclasses import dataclass


class FileUnreadable(ValueError):  # noqa: N818 - the public name the app was promised
    """The file cannot be imported at all; nothing was changed.

    `message` is a one-line, user-facing sentence (no traceback, no library jargon).
    """

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path


@dataclass(frozen=True)
class Problem:
    """One rejected row or cell, located as the user sees it.

    `row` is the spreadsheet row number (1-based, as Excel shows it) or the CSV line
    number; 0 when the problem concerns the whole column or file. `column` is the header
    text (or the column letter when the header is empty); "" for a whole row.
    """

    sheet: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = [part for part in (self.sheet, f"row {self.row}" if self.row else "") if part]
        if self.column:
            where.append(f"column “{self.column}”")
        return f"{', '.join(where)}: {self.reason}" if where else self.reason
