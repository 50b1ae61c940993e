"""Finding the table in a file: which sheet, which header row, which column mapping."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kpi_desktop.core.io import detect, presets
from kpi_desktop.core.io.errors import FileUnreadable
from kpi_desktop.core.io.presets import Layout
from kpi_desktop.core.io.readers import Head, Source, Workbook

PREVIEW_ROWS = 50


@dataclass
class Plan:
    """How one sheet will be read: its head, the header found in it and the mapping."""

    sheet: str
    head: Head
    header: detect.HeaderGuess
    layout: Layout
    signature: str

    @property
    def header_row(self) -> int:
        return self.head.row_numbers[self.header.index]

    @property
    def has_rows_below(self) -> bool:
        below = self.head.rows[self.header.index + 1 :]
        return any(any(c not in (None, "") for c in row) for row in below)

    @property
    def preview(self) -> list[list[object]]:
        """The first rows as shown in the dialog (date-times as text)."""
        return [
            [c.isoformat(sep=" ") if isinstance(c, dt.datetime) else c for c in row]
            for row in self.head.rows[:PREVIEW_ROWS]
        ]


def layout_signature(headers: Mapping[int, str]) -> str:
    """A short hash of the header cells, to remember a user's mapping per layout."""
    text = "\x1f".join(presets.normalize_header(headers[i])[0] for i in sorted(headers))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def plan_sheet(
    source: Source,
    sheet: str,
    header_row: int | None,
    preset: str | None,
    mapping: dict[str, str | None] | None,
    signature: str | None,
) -> Plan | None:
    """Find the header of `sheet` (or take `header_row`) and resolve its mapping.

    `mapping` applies only when `signature` is None or equals the layout found here.
    """
    head = source.head(sheet)
    if header_row is not None and header_row in head.row_numbers:
        index = head.row_numbers.index(header_row)
        row = head.rows[index]
        columns = {j: str(c).strip() for j, c in enumerate(row) if c not in (None, "")}
        guess: detect.HeaderGuess | None = detect.HeaderGuess(index, columns, 0)
    else:
        guess = detect.find_header(head.rows)
    if guess is None:
        return None
    if isinstance(source, Workbook):
        guess = detect.join_group_labels(guess, head.rows, head.row_numbers, source.merges(sheet))
    found = layout_signature(guess.columns)
    if signature is not None and signature != found:
        mapping = None
    layout = presets.resolve(guess.columns, preset, mapping, guess.groups)
    return Plan(sheet, head, guess, layout, found)


def choose_plan(plans: list[Plan | None]) -> Plan | None:
    """The sheet most likely to hold the table: data below a header, a known preset."""

    def score(item: tuple[int, Plan | None]) -> tuple[int, int, int, int]:
        index, plan = item
        if plan is None:
            return (0, 0, 0, -index)
        return (
            1,
            int(plan.has_rows_below),
            int(plan.layout.preset_id != "generic") + int(bool(plan.layout.targets)),
            -index,
        )

    best = max(enumerate(plans), key=score, default=(0, None))
    return best[1]


def sheet_name(sheets: list[str], wanted: str | int, file: Path) -> str:
    """The sheet asked for by name or position; a missing one is a clear error."""
    if isinstance(wanted, int):
        if 0 <= wanted < len(sheets):
            return sheets[wanted]
    elif wanted in sheets:
        return wanted
    raise FileUnreadable(f"“{file.name}” has no sheet “{wanted}”.", str(file))
