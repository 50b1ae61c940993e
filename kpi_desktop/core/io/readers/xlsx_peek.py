"""The first rows and merged ranges of an .xlsx sheet, streamed from its XML."""

from __future__ import annotations

import datetime as dt
import html
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from xml.etree import ElementTree as ET

from kpi_desktop.core.io.readers.base import Head, Merge

#: Sheets up to this much XML are scanned for merged cells (which Excel writes after all
#: rows); hand-made sheets that merge cells are small, big exports never merge.
MERGE_SCAN_BYTES = 16 << 20
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)


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


class XlsxPeek:
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
        with zipfile.ZipFile(self.path) as zf:
            with zf.open(path) as stream:
                scan = _scan_rows(stream, n)
            strings = self._shared_strings(zf, scan.needed)
        last = scan.rows[-1][0] if scan.rows else 0
        numbers = list(range(1, last + 1))
        rows: list[list[object]] = [[] for _ in numbers]
        by_number = dict(scan.rows)
        for i, number in enumerate(numbers):
            cells = by_number.get(number, {})
            if not cells:
                continue
            row: list[object] = [None] * (max(cells) + 1)
            for col, (kind, value, style) in cells.items():
                row[col] = self._value(kind, value, style, strings)
            rows[i] = row
        return Head(rows[:n], numbers[:n], scan.estimated or len(rows))

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


#: A cell as written in the sheet XML: (type attribute, raw text, style index).
_Cell = tuple[str, str, int]


@dataclass
class _Scan:
    """The first rows of a sheet's XML, cells still raw."""

    rows: list[tuple[int, dict[int, _Cell]]] = field(default_factory=list)
    needed: set[int] = field(default_factory=set)  # shared-string indices the cells use
    estimated: int = 0  # row count the sheet's <dimension> declares


def _scan_rows(stream: IO[bytes], n: int) -> _Scan:
    """Stream the sheet XML until `n` rows (or row `n`) have been seen."""
    scan = _Scan()
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    row_number = 0
    cells: dict[int, _Cell] = {}
    column = -1
    while chunk := stream.read(1 << 15):
        parser.feed(chunk)
        for item in parser.read_events():
            node = item[-1]
            if not isinstance(node, ET.Element):
                continue  # namespace events, which were not asked for
            tag = _local(node.tag)
            if item[0] == "start":
                if tag == "dimension":
                    scan.estimated = _dimension_rows(node.get("ref", ""))
                elif tag == "row":
                    r = node.get("r")
                    row_number = int(r) if r else row_number + 1
                    cells = {}
                    column = -1
                continue
            if tag == "c":
                ref = node.get("r")
                column = _column_index(ref) if ref else column + 1
                cell = cells[column] = _raw_cell(node)
                if cell[0] == "s" and cell[1].isdigit():
                    scan.needed.add(int(cell[1]))
                node.clear()
            elif tag == "row":
                scan.rows.append((row_number, cells))
                node.clear()
                if len(scan.rows) >= n or row_number >= n:
                    return scan
    return scan


def _raw_cell(node: ET.Element) -> _Cell:
    """A `<c>` element's type, text (its value or inline string) and style."""
    value = ""
    for child in node:
        ctag = _local(child.tag)
        if ctag == "v":
            value = child.text or ""
        elif ctag == "is":
            value = "".join(t.text or "" for t in child.iter() if _local(t.tag) == "t")
    return node.get("t", "n"), value, int(node.get("s", "0"))


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
