"""Zip sanity, the archive half of the validation layer: refuse a bomb before any parser runs.

An .xlsx/.xlsm/.ods is a zip archive. Its parsers (calamine, openpyxl, odfpy) unpack a
part up to the size its zip directory declares, whatever that is, and calamine silently
stops there when the part is longer. `check_zip` refuses an archive, before any of them
opens it, when

- it has more parts than any workbook (`MAX_ENTRIES`);
- its directory declares more than `limit` bytes in all, or a part whose declared size
  is more than `MAX_RATIO` times its packed size (past `RATIO_FLOOR` bytes);
- any part, inflated here chunk by chunk and thrown away, unpacks to more than its
  directory declares (a crafted directory; so the real total never passes `limit`
  either) or to more than `MAX_RATIO` times the packed bytes read so far — reading
  stops at the first chunk that proves it;
- a part is damaged: truncated, a CRC that does not match, an unknown packing method.

Memory stays at a few chunks whatever the file holds; the cost is one inflate of the
archive (about 0.2 s per 100 MB of sheet XML; ~1 s for a full 1,048,576-row sheet).
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

from kpi_desktop.core.io.errors import FileUnreadable

#: Cap on what a workbook may unpack to, declared or real. A full Excel sheet of
#: 1,048,576 rows x 13 columns unpacks to about 420 MB; a 1 GB sheet would take calamine
#: several GB of memory (DESIGN section 10 allows 2 GB for a 1M-row import).
MAX_UNCOMPRESSED = 1_000_000_000
#: A part that unpacks to this many times its packed size is a bomb, not a spreadsheet:
#: real sheet XML packs 6-20 to one, even rows of identical styled cells stay under 20
#: (only empty styled rows without cell references reach ~250, and they hold no data).
MAX_RATIO = 100
#: Ratios are judged only on parts bigger than this, so small repetitive parts pass.
RATIO_FLOOR = 64 << 20
#: More parts than any workbook has (Excel: a few per sheet, chart and image).
MAX_ENTRIES = 20_000
#: Packed bytes read at a time, and the most unpacked bytes held at a time.
CHUNK, UNPACKED_CHUNK = 1 << 16, 1 << 20

_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature ... file name length, extra length
_STORED, _DEFLATED = zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED


def _size(n: int) -> str:
    """Bytes in decimal units, as a file manager shows them: "1 GB", "1.5 GB", "12 MB"."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if n >= scale:
            return f"{n / scale:,.1f}".removesuffix(".0") + f" {unit}"
    return f"{n:,} bytes"


class _Refusal:
    """The one-sentence refusals of a file named `name`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = f"“{path.name}”"

    def error(self, sentence: str) -> FileUnreadable:
        return FileUnreadable(sentence, str(self.path))

    def damaged(self) -> FileUnreadable:
        return self.error(f"{self.name} is damaged and cannot be opened as a workbook.")

    def too_big(self, limit: int, declared: int | None = None) -> FileUnreadable:
        size = _size(declared) if declared is not None else f"more than {_size(limit)}"
        return self.error(
            f"{self.name} expands to {size} when unpacked, more than the {_size(limit)} a "
            "workbook may take, so it was not imported."
        )

    def bomb(self, packed: int, unpacked: int | None = None) -> FileUnreadable:
        if unpacked is None:
            grows = f"a part grows more than {MAX_RATIO} times when unpacked"
        else:
            ratio = unpacked // max(packed, 1)
            grows = f"{_size(packed)} of it expand to {_size(unpacked)} ({ratio:,} to one)"
        return self.error(f"{self.name} looks like a zip bomb: {grows}, so it was not imported.")

    def lies(self) -> FileUnreadable:
        return self.error(
            f"{self.name} unpacks to more than its zip directory declares (a crafted or "
            "damaged file), so it was not imported."
        )


def check_zip(path: Path, limit: int = MAX_UNCOMPRESSED) -> None:
    """Refuse a workbook whose parts would unpack past `limit` bytes, before parsing it.

    Raises `FileUnreadable` with one sentence; see the module docstring for the checks.
    """
    check_zip_inflated(path, check_zip_declared(path, limit))


def check_zip_declared(path: Path, limit: int = MAX_UNCOMPRESSED) -> list[zipfile.ZipInfo]:
    """The cheap half, from the zip directory alone: part count, declared sizes and ratios.

    Parsers never read a part past its declared size (calamine stops there), so once this
    passes, parsing is bounded; `check_zip_inflated` then proves the sizes true and may run
    beside the parse. Returns the parts for it.
    """
    refuse = _Refusal(path)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise refuse.damaged() from exc
    if len(infos) > MAX_ENTRIES:
        raise refuse.error(
            f"{refuse.name} holds {len(infos):,} parts, more than any workbook, so it was "
            "not imported."
        )
    _check_declared(infos, limit, refuse)
    if not any(i.filename.startswith(("xl/", "content.xml")) for i in infos):
        raise refuse.error(f"{refuse.name} is a zip archive but not a spreadsheet.")
    return infos


def check_zip_inflated(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """The costly half: inflate every part (streamed, never held) and refuse one that
    unpacks past its declared size or 100:1, is cut short or fails its checksum."""
    refuse = _Refusal(path)
    # No part may unpack past its declared size, so the declared total bounds the real one.
    try:
        with path.open("rb") as fh:
            for info in infos:
                _inflate(fh, info, refuse)
    # Not ValueError: FileUnreadable is one, and the refusals above must pass through.
    except (OSError, zlib.error, struct.error, EOFError) as exc:
        raise refuse.damaged() from exc


def _check_declared(infos: list[zipfile.ZipInfo], limit: int, refuse: _Refusal) -> None:
    """What the zip directory claims: the total, and each big part's ratio."""
    total = sum(i.file_size for i in infos)
    if total > limit:
        raise refuse.too_big(limit, total)
    for info in infos:
        packed = max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * packed:
            raise refuse.bomb(packed, info.file_size)


def _inflate(fh: BinaryIO, info: zipfile.ZipInfo, refuse: _Refusal) -> None:
    """Unpack one part chunk by chunk and throw it away, or refuse the file.

    Stops as soon as the part passes its declared size or `MAX_RATIO` times the packed
    bytes read so far; a part that ends short or fails its CRC is damaged.
    """
    fh.seek(info.header_offset)
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(fh.read(_LOCAL_HEADER.size))
    if signature != b"PK\x03\x04" or info.flag_bits & 0x1:  # not a part, or encrypted
        raise refuse.damaged()
    fh.seek(name_length + extra_length, 1)
    if info.compress_type not in (_STORED, _DEFLATED):
        raise refuse.error(
            f"{refuse.name} is packed with a method spreadsheets do not use; open and save "
            "it in your spreadsheet app, then import it again."
        )
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if info.compress_type == _DEFLATED else None
    left = info.compress_size  # packed bytes still to read
    size = crc = 0
    while left > 0 and not (inflater and inflater.eof):
        packed = fh.read(min(CHUNK, left))
        if not packed:
            raise refuse.damaged()  # the file ends inside the part
        left -= len(packed)
        data = inflater.decompress(packed, UNPACKED_CHUNK) if inflater else packed
        while True:
            size += len(data)
            crc = zlib.crc32(data, crc)
            if size > info.file_size:
                raise refuse.lies()
            read = info.compress_size - left - len(inflater.unconsumed_tail if inflater else b"")
            if size > RATIO_FLOOR and size > MAX_RATIO * max(read, 1):
                raise refuse.bomb(read)
            if inflater is None or not (inflater.unconsumed_tail or len(data) == UNPACKED_CHUNK):
                break
            data = inflater.decompress(inflater.unconsumed_tail, UNPACKED_CHUNK)
    ended = inflater is None or inflater.eof or info.file_size == 0  # empty parts may be bare
    if not ended or size != info.file_size or crc != info.CRC:
        raise refuse.damaged()
