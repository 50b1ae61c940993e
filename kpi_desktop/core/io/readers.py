"""File readers: check a file is safe and readable, peek at each sheet, read a table as Arrow.

Workbooks (.xlsx/.xlsm/.xls/.ods) are read with fastexcel (Rust calamine to Arrow), which
returns cached formula values and never evaluates formulas or follows external links;
openpyxl (read-only, cached values, no external links) is the fallback for .xlsx/.xlsm files
that calamine cannot read. Text files (.csv/.tsv/.txt) are decoded and sniffed here and
read with pyarrow's CSV reader. Every reader offers two steps: a cheap `head` of raw rows
for header detection and preview, then one `read` of the chosen columns below the header.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import html
import io
import re
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from xml.etree import ElementTree as ET

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from kpi_desktop.core.io.errors import FileUnreadable

#: Rows read for header detection and preview.
HEAD_ROWS = 60
#: Default cap on a workbook's uncompressed size (zip bombs): 1 GiB of XML is ~2.5M rows x 13.
MAX_UNCOMPRESSED = 1 << 30
#: A member this much bigger than its compressed size is a bomb, not a spreadsheet.
MAX_RATIO = 1000
#: Sheets up to this much XML are scanned for merged cells (which Excel writes after all
#: rows); hand-made sheets that merge cells are small, big exports never merge.
MERGE_SCAN_BYTES = 16 << 20

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_KIND_NAMES = {
    ".xlsx": "an Excel workbook",
    ".xlsm": "an Excel workbook",
    ".ods": "an OpenDocument spreadsheet",
}

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


# ---------------------------------------------------------------- file checks


def _message_size(n: int) -> str:
    return f"{n / (1 << 20):,.0f} MB"


def sniff_kind(path: Path, head: bytes) -> Kind:
    """The reader a file needs, from its first bytes checked against its extension."""
    suffix = path.suffix.lower()
    if not head:
        raise FileUnreadable(f"“{path.name}” is empty.", str(path))
    if suffix in {".xlsx", ".xlsm", ".ods"}:
        if head.startswith(_OLE_MAGIC):
            # An OOXML file wrapped in OLE is what Excel writes when a password is set.
            raise FileUnreadable(
                f"“{path.name}” is password-protected; save it without a password and "
                "import it again.",
                str(path),
            )
        if not head.startswith(_ZIP_MAGIC):
            raise FileUnreadable(
                f"“{path.name}” is not {_KIND_NAMES[suffix]} (its content is of another type).",
                str(path),
            )
        return "ods" if suffix == ".ods" else "xlsx"
    if suffix == ".xls":
        if head.startswith(_ZIP_MAGIC):
            return "xlsx"  # an .xlsx renamed .xls: read it for what it is
        if not head.startswith(_OLE_MAGIC):
            raise FileUnreadable(
                f"“{path.name}” is not an Excel .xls workbook (its content is of another type).",
                str(path),
            )
        return "xls"
    if suffix in TEXT_SUFFIXES or not suffix:
        if head.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
            raise FileUnreadable(
                f"“{path.name}” is a workbook saved with a text extension; rename it to .xlsx "
                "or .xls.",
                str(path),
            )
        return "csv"
    raise FileUnreadable(
        f"“{path.name}” has an unsupported type ({suffix}); import .xlsx, .xlsm, .xls, .ods, "
        ".csv, .tsv or .txt files.",
        str(path),
    )


def check_zip(path: Path, limit: int = MAX_UNCOMPRESSED) -> None:
    """Refuse a workbook whose uncompressed size would exhaust memory, before parsing it.

    Sizes come from the zip's central directory; a member claiming an absurd compression
    ratio is refused as well, since that is what a crafted bomb looks like.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise FileUnreadable(
            f"“{path.name}” is damaged and cannot be opened as a workbook.", str(path)
        ) from exc
    total = sum(i.file_size for i in infos)
    if total > limit:
        raise FileUnreadable(
            f"“{path.name}” would unpack to {_message_size(total)}, more than the "
            f"{_message_size(limit)} limit; it was not opened.",
            str(path),
        )
    for info in infos:
        if info.file_size > (64 << 20) and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise FileUnreadable(
                f"“{path.name}” looks like a zip bomb (a part compresses "
                f"{info.file_size // max(info.compress_size, 1):,}:1); it was not opened.",
                str(path),
            )
    if not any(i.filename.startswith(("xl/", "content.xml")) for i in infos):
        raise FileUnreadable(f"“{path.name}” is a zip archive but not a spreadsheet.", str(path))


# ---------------------------------------------------------------- workbooks


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
        self._fallback: _OpenpyxlBook | None = None
        self._reader: fastexcel.ExcelReader | None = None
        try:
            self._reader = fastexcel.read_excel(str(path))
            self.sheets: list[str] = list(self._reader.sheet_names)
        except Exception as exc:  # fastexcel raises its own types and pyo3 panics
            self.sheets = self._fall_back(exc).sheets
        if not self.sheets:
            raise FileUnreadable(f"“{path.name}” has no sheets.", str(path))
        self._peek: _XlsxPeek | None = None
        self._merges: dict[str, list[Merge]] = {}
        if kind == "xlsx":
            try:
                self._peek = _XlsxPeek(path)
            except (KeyError, ET.ParseError, zipfile.BadZipFile, OSError, ValueError):
                self._peek = None  # the workbook opened; peek through the reader instead

    def _fall_back(self, exc: BaseException) -> _OpenpyxlBook:
        """Switch to openpyxl after calamine failed on an .xlsx, or raise the clear error."""
        if self._fallback is not None:
            return self._fallback
        if self.kind != "xlsx" or "password" in str(exc).lower():
            raise _unreadable(self.path, exc) from exc
        check_zip(self.path, self._max_uncompressed)
        try:
            self._fallback = _OpenpyxlBook(self.path)
        except Exception as second:  # openpyxl raises many types on a broken file
            raise _unreadable(self.path, exc) from second
        return self._fallback

    def merges(self, sheet: str) -> list[Merge]:
        """Merged ranges of `sheet` (.xlsx only, and only for sheets of hand-made size)."""
        if sheet not in self._merges:
            found: list[Merge] = []
            if self._peek is not None and sheet in self._peek.sheet_paths:
                with contextlib.suppress(KeyError, zipfile.BadZipFile, OSError, ValueError):
                    found = self._peek.merges(sheet)
            self._merges[sheet] = found
        return self._merges[sheet]

    def head(self, sheet: str, n: int = HEAD_ROWS) -> Head:
        """The first `n` rows of `sheet` from row 1, as Python values.

        A cell merged down several rows shows its value in each of them (a header merged
        over two header rows, a campaign merged down its days); across columns the value
        stays in the first cell only, so a title merged over the table is not a header.
        """
        return _fill_head(self._head(sheet, n), self.merges(sheet))

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
        dtypes = {i: "string" for i, kind in columns.items() if kind == "string"}
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


def _fill_head(head: Head, merges: Sequence[Merge]) -> Head:
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


class _OpenpyxlBook:
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


def _is_date_format(num_fmt: int, code: str) -> bool:
    if 14 <= num_fmt <= 22 or 45 <= num_fmt <= 47 or 27 <= num_fmt <= 36 or 50 <= num_fmt <= 58:
        return True
    if not code:
        return False
    # Drop quoted literals, escapes and colours before looking for date letters.
    bare = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code).lower()
    return bool(re.search(r"[dmyhs]", bare)) and not re.search(r"[0#?]", bare)


_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _XlsxPeek:
    """Reads only the first rows of an .xlsx sheet by streaming its XML: a few ms even when
    the sheet has a million rows (a calamine load would parse the whole sheet)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            root = "xl/workbook.xml"
            rels_path = "xl/_rels/workbook.xml.rels"
            workbook = ET.fromstring(zf.read(root))
            rels = ET.fromstring(zf.read(rels_path)) if rels_path in names else None
            targets: dict[str, str] = {}
            if rels is not None:
                for rel in rels:
                    target = rel.get("Target", "")
                    target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                    targets[rel.get("Id", "")] = target
            self.sheet_paths: dict[str, str] = {}
            for node in workbook.iter():
                if _local(node.tag) == "sheet":
                    target = targets.get(node.get(_NS_REL, ""), "")
                    if target in names:
                        self.sheet_paths[node.get("name", "")] = target
            self._date_styles = self._styles(zf, names)
            self._has_strings = "xl/sharedStrings.xml" in names

    @staticmethod
    def _styles(zf: zipfile.ZipFile, names: set[str]) -> set[int]:
        if "xl/styles.xml" not in names:
            return set()
        styles = ET.fromstring(zf.read("xl/styles.xml"))
        codes: dict[int, str] = {}
        dates: set[int] = set()
        for node in styles.iter():
            if _local(node.tag) == "numFmt":
                codes[int(node.get("numFmtId", "0"))] = node.get("formatCode", "")
        for node in styles:
            if _local(node.tag) == "cellXfs":
                for index, xf in enumerate(node):
                    fmt = int(xf.get("numFmtId", "0"))
                    if _is_date_format(fmt, codes.get(fmt, "")):
                        dates.add(index)
        return dates

    def _shared_strings(self, zf: zipfile.ZipFile, needed: set[int]) -> dict[int, str]:
        """The shared strings at the `needed` indices, found by counting `</si>` in the
        raw stream: a big table (a million user ids) is skipped at memcpy speed."""
        out: dict[int, str] = {}
        if not self._has_strings or not needed:
            return out
        last = max(needed)
        index = 0
        buffer = b""
        with zf.open("xl/sharedStrings.xml") as stream:
            while index <= last:
                chunk = stream.read(1 << 20)
                if not chunk:
                    break
                buffer += chunk
                count = buffer.count(b"</si>")
                if not count:
                    continue
                if not any(index <= k < index + count for k in needed):
                    index += count
                    buffer = buffer[buffer.rfind(b"</si>") + 5 :]
                    continue
                parts = buffer.split(b"</si>")
                buffer = parts.pop()
                for part in parts:
                    if index in needed:
                        out[index] = _si_text(part)
                    index += 1
        return out

    def merges(self, sheet: str, limit: int = MERGE_SCAN_BYTES) -> list[Merge]:
        """The sheet's merged ranges; none looked for when its XML is bigger than `limit`."""
        path = self.sheet_paths[sheet]
        with zipfile.ZipFile(self.path) as zf:
            if zf.getinfo(path).file_size > limit:
                return []
            data = zf.read(path)
        start = data.find(b"mergeCells")
        if start < 0:
            return []
        out = []
        for found in _MERGE_REF.finditer(data, max(start - 2, 0)):
            c1, r1, c2, r2 = (x.decode() for x in found.groups())
            out.append(Merge(int(r1), _column_index(c1), int(r2), _column_index(c2)))
        return out

    def head(self, sheet: str, n: int) -> Head:
        path = self.sheet_paths[sheet]
        raw: list[tuple[int, dict[int, tuple[str, str, int]]]] = []
        estimated = 0
        with zipfile.ZipFile(self.path) as zf:
            parser = ET.XMLPullParser(events=("start", "end"))
            needed: set[int] = set()
            with zf.open(path) as stream:
                row_number = 0
                cells: dict[int, tuple[str, str, int]] = {}
                column = -1
                done = False
                while not done:
                    chunk = stream.read(1 << 15)
                    if not chunk:
                        break
                    parser.feed(chunk)
                    for event, node in parser.read_events():
                        tag = _local(node.tag)
                        if event == "start":
                            if tag == "dimension":
                                estimated = _dimension_rows(node.get("ref", ""))
                            elif tag == "row":
                                r = node.get("r")
                                row_number = int(r) if r else row_number + 1
                                cells = {}
                                column = -1
                            continue
                        if tag == "c":
                            ref = node.get("r")
                            column = _column_index(ref) if ref else column + 1
                            kind = node.get("t", "n")
                            value = ""
                            for child in node:
                                ctag = _local(child.tag)
                                if ctag == "v":
                                    value = child.text or ""
                                elif ctag == "is":
                                    value = "".join(
                                        t.text or "" for t in child.iter() if _local(t.tag) == "t"
                                    )
                            style = int(node.get("s", "0"))
                            cells[column] = (kind, value, style)
                            if kind == "s" and value.isdigit():
                                needed.add(int(value))
                            node.clear()
                        elif tag == "row":
                            raw.append((row_number, cells))
                            node.clear()
                            if len(raw) >= n or row_number >= n:
                                done = True
                                break
            strings = self._shared_strings(zf, needed)
        rows: list[list[object]] = []
        numbers: list[int] = []
        for expected in range(1, (raw[-1][0] if raw else 0) + 1):
            numbers.append(expected)
            rows.append([])
        by_number = dict(raw)
        for i, number in enumerate(numbers):
            cells = by_number.get(number, {})
            if not cells:
                continue
            width = max(cells) + 1
            row: list[object] = [None] * width
            for col, (kind, value, style) in cells.items():
                row[col] = self._value(kind, value, style, strings)
            rows[i] = row
        return Head(rows[:n], numbers[:n], estimated or len(rows))

    def _value(self, kind: str, value: str, style: int, strings: dict[int, str]) -> object:
        if kind == "s":
            return strings.get(int(value)) if value.isdigit() else None
        if kind in ("str", "inlineStr"):
            return value
        if kind == "b":
            return value == "1"
        if kind == "e":
            return None
        if kind == "d":
            return value
        if value == "":
            return None
        try:
            number = float(value)
        except ValueError:
            return value
        if style in self._date_styles and 0 < number < 2_958_466:
            return _EXCEL_EPOCH + dt.timedelta(days=number)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number


_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*ref="\$?([A-Z]+)\$?(\d+):\$?([A-Z]+)\$?(\d+)"')
_PHONETIC = re.compile(rb"<rPh\b.*?</rPh>", re.S)
_T = re.compile(rb"<t(?:\s[^>]*)?>(.*?)</t>|<t\s*/>", re.S)


def _si_text(part: bytes) -> str:
    """Text of one `<si>` item: its `<t>` runs, without phonetic reading aids."""
    body = part[part.find(b"<si") :]
    body = _PHONETIC.sub(b"", body)
    text = b"".join(m.group(1) or b"" for m in _T.finditer(body)).decode("utf-8")
    return html.unescape(text) if "&" in text else text


def _column_index(ref: str) -> int:
    index = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            index = index * 26 + (ord(ch) - 64)
        elif "a" <= ch <= "z":
            index = index * 26 + (ord(ch) - 96)
        else:
            break
    return index - 1


def _dimension_rows(ref: str) -> int:
    numbers = [int(x) for x in re.findall(r"\d+", ref)]
    return numbers[-1] if numbers else 0


# ---------------------------------------------------------------- text files


@dataclass
class TextLayout:
    """How a text file is written: encoding, delimiter, and its decoded head."""

    encoding: str
    delimiter: str
    bom: int  # bytes of byte-order mark


def _decode_head(data: bytes, path: Path) -> tuple[str, str, int]:
    """Decode the first bytes of a text file: (text, encoding, bom length)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="ignore"), "utf-8", 3
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        body = data[2:]
        return body[: len(body) // 2 * 2].decode(codec, errors="ignore"), codec, 2
    if b"\x00" in data[:4096]:
        # UTF-16 without a BOM puts a NUL beside every ASCII character; anything else
        # with NULs is binary (an image or archive renamed .csv).
        sample = data[:4096]
        if sample[1::2].count(0) > len(sample) // 4:
            return data[: len(data) // 2 * 2].decode("utf-16-le", errors="ignore"), "utf-16-le", 0
        raise FileUnreadable(
            f"“{path.name}” is not a text file (its content is binary).", str(path)
        )
    try:
        return data.decode("utf-8"), "utf-8", 0
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:
            return data[: exc.start].decode("utf-8"), "utf-8", 0  # cut inside a character
    return data.decode("cp1252", errors="replace"), "cp1252", 0


def _split_lines(text: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[list[str]] = []
    # A quote left open at the end of the head stops the reader: the rows so far suffice.
    with contextlib.suppress(csv.Error):
        rows.extend(reader)
    return rows


def _sniff_delimiter(lines: Sequence[str]) -> str:
    """Comma, semicolon or tab: the one that splits most lines into the same many parts."""
    candidates = [",", ";", "\t"]
    best, best_score = ",", -1.0
    content = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")][:40]
    for delim in candidates:
        counts = [len(r) - 1 for r in _split_lines("\n".join(content), delim) if r]
        counts = [c for c in counts if c > 0]
        if not counts:
            continue
        values, freq = np.unique(counts, return_counts=True)
        mode = int(values[np.argmax(freq)])
        score = float(freq.max()) * mode
        if score > best_score:
            best, best_score = delim, score
    if best_score < 0 and content and "\t" in content[0]:
        return "\t"
    return best


class TextFile:
    """A delimited text file: decoded, sniffed, and read column-wise with pyarrow."""

    def __init__(self, path: Path, head_bytes: bytes) -> None:
        self.path = path
        text, self.encoding, self.bom = _decode_head(head_bytes, path)
        if not text.strip():
            raise FileUnreadable(f"“{path.name}” is empty.", str(path))
        lines = text.splitlines()
        if len(head_bytes) >= _HEAD_BYTES and len(lines) > 1:
            lines = lines[:-1]  # the last line of the head may be cut
        self._lines = lines
        self.delimiter = "\t" if path.suffix.lower() == ".tsv" else _sniff_delimiter(lines)
        self.sheets = [path.stem]

    def head(self, sheet: str = "", n: int = HEAD_ROWS) -> Head:
        rows: list[list[object]] = []
        numbers: list[int] = []
        for number, line in enumerate(self._lines[: n * 2], start=1):
            if line.lstrip().startswith("#"):
                rows.append([line])
            else:
                parsed = _split_lines(line, self.delimiter)
                rows.append(list(parsed[0]) if parsed else [])
            numbers.append(number)
            if len(rows) >= n:
                break
        return Head(rows, numbers, 0)

    def _utf8_bytes(self) -> bytes:
        data = self.path.read_bytes()[self.bom :]
        if self.encoding == "utf-8":
            return data
        # Other encodings are transcoded once in Python; they are hand-made or small files.
        return data.decode(self.encoding, errors="replace").encode("utf-8")

    def read(self, skip: int, width: int, columns: dict[int, ColumnType]) -> Table:
        """Read `columns` of the lines after line `skip` as text, one pass with pyarrow.

        Lines with the wrong number of cells (footers, notes) are set aside with their line
        number instead of failing the read.
        """
        data = self._utf8_bytes()
        offset = _line_offset(data, skip)
        body = memoryview(data)[offset:]
        names = [f"c{i}" for i in range(width)]
        wanted = sorted(i for i in columns if i < width)
        skipped: list[tuple[int | None, str]] = []
        table = self._parse(body, names, wanted, skipped, threads=True)
        if any(number is None for number, _ in skipped):
            # Threaded parsing does not know line numbers; files with odd lines are small
            # (a footer), so they are read once more on one thread for exact numbers.
            skipped.clear()
            table = self._parse(body, names, wanted, skipped, threads=False)
        # pyarrow numbers records from the start of the buffer it was given; a record
        # spans several lines when a quoted cell holds line breaks.
        starts = _record_lines(data, offset, table.num_rows + len(skipped))
        if starts is None:
            lines = [((number or 0) + skip, text) for number, text in skipped]
            bad = np.array(sorted(n for n, _ in lines), dtype=np.int64)
            rows = _good_line_numbers(table.num_rows, skip + 1, bad)
        else:
            records = np.array(sorted(number or 0 for number, _ in skipped), dtype=np.int64)
            good = np.ones(len(starts), dtype=bool)
            good[records[(records >= 1) & (records <= len(starts))] - 1] = False
            rows = starts[good][: table.num_rows] + skip
            lines = [
                (int(starts[number - 1]) + skip if number else skip, text)
                for number, text in skipped
            ]
        out = {i: table.column(names[i]).combine_chunks() for i in wanted}
        return Table(out, rows, lines)

    def _parse(
        self,
        body: memoryview,
        names: list[str],
        wanted: list[int],
        skipped: list[tuple[int | None, str]],
        *,
        threads: bool,
    ) -> pa.Table:
        def on_invalid(row: pacsv.InvalidRow) -> str:
            skipped.append((row.number, row.text or ""))
            return "skip"

        try:
            return pacsv.read_csv(
                pa.BufferReader(body),
                read_options=pacsv.ReadOptions(
                    column_names=names, block_size=1 << 24, use_threads=threads
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=self.delimiter,
                    newlines_in_values=True,
                    ignore_empty_lines=False,
                    invalid_row_handler=on_invalid,
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    include_columns=[names[i] for i in wanted],
                    strings_can_be_null=True,
                    quoted_strings_can_be_null=True,
                    null_values=[""],
                ),
            )
        except pa.ArrowInvalid as exc:
            raise FileUnreadable(
                f"“{self.path.name}” could not be read as a table: {str(exc).splitlines()[0]}",
                str(self.path),
            ) from exc


_HEAD_BYTES = 1 << 17


def read_head_bytes(path: Path, size: int = _HEAD_BYTES) -> bytes:
    """The first bytes of a file, for sniffing; unreadable files give one clear message."""
    try:
        with path.open("rb") as fh:
            return fh.read(size)
    except FileNotFoundError as exc:
        raise FileUnreadable(f"“{path.name}” does not exist.", str(path)) from exc
    except IsADirectoryError as exc:
        raise FileUnreadable(f"“{path.name}” is a folder, not a file.", str(path)) from exc
    except OSError as exc:
        raise FileUnreadable(
            f"“{path.name}” cannot be read ({exc.strerror or exc}).", str(path)
        ) from exc


def _line_offset(data: bytes, lines: int) -> int:
    """Byte offset of the start of line `lines + 1` (lines are split on \\n)."""
    offset = 0
    for _ in range(lines):
        found = data.find(b"\n", offset)
        if found < 0:
            return len(data)
        offset = found + 1
    return offset


def _record_lines(data: bytes, offset: int, records: int) -> np.ndarray | None:
    """The line (1-based, from `offset`) each record starts on, when quoted cells hold
    line breaks; None when every record is one line (the common case, checked cheaply).

    A line break ends a record only outside quotes, that is after an even number of
    quote characters (an escaped `""` counts twice and keeps the parity).
    """
    breaks = data.count(b"\n", offset)
    if not data.endswith(b"\n") and len(data) > offset:
        breaks += 1  # the last line has no line break
    if breaks <= records:
        return None
    raw = np.frombuffer(data, dtype=np.uint8, offset=offset)
    newlines = np.flatnonzero(raw == 0x0A)
    quotes = np.flatnonzero(raw == 0x22)
    outside = (np.searchsorted(quotes, newlines) & 1) == 0
    ends = np.flatnonzero(outside)  # index among all line breaks of each record's end
    starts = np.concatenate([np.ones(1, dtype=np.int64), ends.astype(np.int64) + 2])
    if len(starts) < records:
        return None  # quotes that do not pair up: pyarrow read it another way
    return starts[:records]


def _good_line_numbers(count: int, first: int, bad: np.ndarray) -> np.ndarray:
    """Line numbers of `count` good rows starting at line `first`, around the bad lines."""
    if not len(bad):
        return np.arange(first, first + count, dtype=np.int64)
    # Walk the gaps between bad lines; vectorised via cumulative counts of good lines.
    total = count + len(bad)
    lines = np.arange(first, first + total, dtype=np.int64)
    mask = np.ones(total, dtype=bool)
    index = bad - first
    index = index[(index >= 0) & (index < total)]
    mask[index] = False
    good = lines[mask]
    return good[:count]
