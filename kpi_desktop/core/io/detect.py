"""Finding the table in a real export: the header row, the period, and the summary rows.

Exports put report titles, date ranges, GA4's `#` lines, banners and blank lines above the
table (which may also start in a later column, e.g. B3), and totals above or below it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpi_desktop.core.io.parse import parse_date_text
from kpi_desktop.core.io.presets import PRESETS, SYNONYMS, canonical_target, normalize_header
from kpi_desktop.core.io.readers import Merge

_NUMBER = re.compile(r"^[\s$€£¥₹+\-(]*[\d.,\s\u00a0]+%?[\s)]*[A-Z€$£]{0,3}$")
_DATEISH = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2})?)?$|^\d{8}$")
SUMMARY_LABEL = (
    r"^\s*(grand\s+total|totals?|gesamt(summe|ergebnis)?|summe|insgesamt|total\s+general)"
    r"\s*(:.*)?$"
)
_KNOWN = {h for p in PRESETS for h in p.columns} | set(SYNONYMS)


def _is_text(cell: object) -> bool:
    if not isinstance(cell, str):
        return False
    text = cell.strip()
    return bool(text) and not _NUMBER.match(text) and not _DATEISH.match(text)


def _filled(row: Sequence[object]) -> list[int]:
    return [i for i, c in enumerate(row) if c is not None and str(c).strip() != ""]


@dataclass(frozen=True)
class HeaderGuess:
    """Where the table's header is, in the head rows."""

    index: int  # index into the head rows
    columns: dict[int, str]  # absolute column index -> header text (non-empty cells)
    known: int  # how many header cells a preset or synonym knows
    #: column -> the merged group label put before its header (`Cost` of `Cost Spend`)
    groups: dict[int, str] = field(default_factory=dict)


def find_header(rows: Sequence[Sequence[object]]) -> HeaderGuess | None:
    """The row of column labels below any preamble.

    A header row has at least two filled cells, nearly all of them text (not numbers or
    dates), and is followed by a row of similar width or by nothing (a header-only file).
    Among candidates, rows with more known header words win, then wider rows, then the
    earliest.
    """
    best: tuple[float, int] | None = None
    chosen: HeaderGuess | None = None
    for i, row in enumerate(rows):
        filled = _filled(row)
        if len(filled) < 2:
            continue
        first = str(row[filled[0]]).lstrip()
        if first.startswith("#"):
            continue
        texts = [j for j in filled if _is_text(row[j])]
        if len(texts) < 0.8 * len(filled):
            continue
        below = next((_filled(r) for r in rows[i + 1 :] if _filled(r)), [])
        if below and len(below) < 0.4 * len(filled) and len(below) < 2:
            # A single cell below (a banner line) means this is not the table header.
            continue
        known = 0
        for j in filled:
            norm, _ = normalize_header(row[j])
            if norm in _KNOWN or canonical_target(norm):
                known += 1
        score = (
            known * 10
            + len(filled)
            + (
                5
                if below and set(below) <= set(filled) | set(range(min(filled), max(filled) + 1))
                else 0
            )
        )
        key = (score, -i)
        if best is None or key > best:
            best = key
            chosen = HeaderGuess(i, {j: str(row[j]).strip() for j in filled}, known)
    return chosen


def join_group_labels(
    guess: HeaderGuess,
    rows: Sequence[Sequence[object]],
    row_numbers: Sequence[int],
    merges: Sequence[Merge],
) -> HeaderGuess:
    """Two header rows read as one: a group label merged across some of the columns in
    the row just above the header (`Messenger` over `Users` and `Clicks`) is put before
    each label under it (`Messenger Users`, `Messenger Clicks`). The group of each such
    column is kept, so that a joined label no preset knows is mapped by the label under it.

    A label merged over the whole width of the table is a title, not a group, and cells
    merged down both rows (`Date` over two rows) already read the same in each.
    """
    if guess.index == 0 or not merges or not guess.columns:
        return guess
    header_row = row_numbers[guess.index]
    upper = rows[guess.index - 1]
    if row_numbers[guess.index - 1] != header_row - 1:
        return guess
    left, right = min(guess.columns), max(guess.columns)
    columns = dict(guess.columns)
    groups: dict[int, str] = {}
    for merge in merges:
        if merge.first_row != header_row - 1 or merge.last_row != header_row - 1:
            continue
        if merge.last_col <= merge.first_col or merge.first_col >= len(upper):
            continue
        if merge.first_col <= left and merge.last_col >= right:
            continue
        label = upper[merge.first_col]
        group = str(label).strip() if label is not None else ""
        if not group:
            continue
        for column in range(merge.first_col, merge.last_col + 1):
            below = columns.get(column)
            if below and below.casefold() != group.casefold():
                columns[column] = f"{group} {below}"
                groups[column] = group
    if not groups:
        return guess
    return HeaderGuess(guess.index, columns, guess.known, groups)


_RANGE = re.compile(
    r"(?P<a>[A-Za-z]{3,9}\.? \d{1,2}, \d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})"
    r"\s*(?:-|–|—|to|bis)\s*"
    r"(?P<b>[A-Za-z]{3,9}\.? \d{1,2}, \d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})"
)
#: GA4's `# Start date: 20250303` lines, in English and the interface languages we read.
_GA4_STARTS = (
    "start date",
    "startdatum",
    "date de début",
    "fecha de inicio",
    "data di inizio",
    "data de início",
)
_GA4_DATE = re.compile(
    r"#\s*(start date|end date|startdatum|enddatum|einddatum|date de début|date de fin|"
    r"fecha de inicio|fecha de finalización|data di inizio|data di fine|data de início|"
    r"data de término)\s*:\s*(\d{8})",
    re.IGNORECASE,
)


def preamble_period(rows: Sequence[Sequence[object]]) -> tuple[dt.date | None, dt.date | None]:
    """The report period named above the table (`# Start date: 20250303`,
    `March 3, 2025 - March 5, 2025`, `Date range: 2025-03-03 to 2025-03-05`)."""
    start: dt.date | None = None
    end: dt.date | None = None
    for row in rows:
        for cell in row:
            if not isinstance(cell, str):
                continue
            ga4 = _GA4_DATE.search(cell)
            if ga4:
                value = parse_date_text(ga4.group(2))
                if ga4.group(1).lower() in _GA4_STARTS:
                    start = value
                else:
                    end = value
                continue
            found = _RANGE.search(cell)
            if found and start is None and end is None:
                start = parse_date_text(found.group("a"))
                end = parse_date_text(found.group("b"))
    return start, end


def label_rows(columns: Sequence[pa.Array]) -> np.ndarray:
    """Rows whose label cells say Total / Total: … / Grand total / Gesamt / Summe."""
    n = len(columns[0]) if columns else 0
    mask = np.zeros(n, dtype=bool)
    for column in columns:
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            continue
        hit = pc.match_substring_regex(column, SUMMARY_LABEL, ignore_case=True)
        mask |= hit.fill_null(False).to_numpy(zero_copy_only=False)
    return mask


def is_totals_row(
    row: int, dims_empty: np.ndarray, numbers: Mapping[str, np.ndarray], keep: np.ndarray
) -> bool:
    """Whether `row` (a first or last data row) has empty dimension cells and numbers equal
    to the column totals of the other kept rows: Meta's account summary row, GA4's totals
    row."""
    if row < 0 or row >= len(dims_empty) or not dims_empty[row] or not numbers:
        return False
    others_mask = keep.copy()
    others_mask[row] = False
    if not others_mask.any():
        return False
    checked = 0
    for values in numbers.values():
        value = values[row]
        if np.isnan(value):
            continue
        others = float(np.nansum(values[others_mask]))
        if abs(value - others) > max(0.005 * abs(others), 0.011):
            return False
        if others != 0:
            checked += 1
    return checked > 0
