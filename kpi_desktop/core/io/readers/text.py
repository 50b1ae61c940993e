"""Delimited text files (.csv/.tsv/.txt): decoded, delimiter sniffed, read with pyarrow."""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from kpi_desktop.core.io.errors import FileUnreadable
from kpi_desktop.core.io.readers.base import HEAD_ROWS, ColumnType, Head, Table
from kpi_desktop.core.io.readers.checks import HEAD_BYTES


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
        if len(head_bytes) >= HEAD_BYTES and len(lines) > 1:
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
