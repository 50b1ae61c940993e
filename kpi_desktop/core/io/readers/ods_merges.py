"""Merged cell ranges of an .ods sheet, streamed from its `content.xml`.

calamine reads an .ods sheet's values but not its merged ranges; OpenDocument writes a
merge as `table:number-columns-spanned` / `table:number-rows-spanned` on the range's first
cell (the cells it covers are `table:covered-table-cell`).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import IO
from xml.etree import ElementTree as ET

from kpi_desktop.core.io.readers.base import Merge
from kpi_desktop.core.io.readers.xlsx_peek import MERGE_SCAN_BYTES

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_SHEET = f"{{{_TABLE}}}table"
_ROW = f"{{{_TABLE}}}table-row"
_CELLS = (f"{{{_TABLE}}}table-cell", f"{{{_TABLE}}}covered-table-cell")
_NAME = f"{{{_TABLE}}}name"
_ROWS_REPEATED = f"{{{_TABLE}}}number-rows-repeated"
_COLS_REPEATED = f"{{{_TABLE}}}number-columns-repeated"
_COLS_SPANNED = f"{{{_TABLE}}}number-columns-spanned"
_ROWS_SPANNED = f"{{{_TABLE}}}number-rows-spanned"


def _count(element: ET.Element, attribute: str) -> int:
    try:
        return max(int(element.get(attribute, "1")), 1)
    except ValueError:
        return 1


def ods_merges(path: Path, sheet: str, limit: int = MERGE_SCAN_BYTES) -> list[Merge]:
    """The merged ranges of `sheet`; none looked for when `content.xml` is bigger than
    `limit` (hand-made sheets that merge cells are small, big exports never merge)."""
    with zipfile.ZipFile(path) as zf:
        if zf.getinfo("content.xml").file_size > limit:
            return []
        with zf.open("content.xml") as stream:
            return _scan(stream, sheet)


def _scan(stream: IO[bytes], sheet: str) -> list[Merge]:
    out: list[Merge] = []
    depth = 0  # tables open: 1 inside a sheet, more inside a table nested in a cell
    inside = False
    row = 0  # 1-based number of the current row
    column = 0  # 0-based index of the next cell
    for event, element in ET.iterparse(stream, events=("start", "end")):
        tag = element.tag
        if tag == _SHEET:
            if event == "start":
                depth += 1
                if depth == 1:
                    inside = element.get(_NAME) == sheet
            else:
                depth -= 1
                if depth == 0 and inside:
                    return out
                element.clear()
            continue
        if not inside or depth != 1:
            continue
        if tag == _ROW:
            if event == "start":
                row += 1
                column = 0
            else:
                row += _count(element, _ROWS_REPEATED) - 1
                element.clear()
        elif tag in _CELLS and event == "start":
            across = _count(element, _COLS_SPANNED)
            down = _count(element, _ROWS_SPANNED)
            if across > 1 or down > 1:
                out.append(Merge(row, column, row + down - 1, column + across - 1))
            column += _count(element, _COLS_REPEATED)
    return out
