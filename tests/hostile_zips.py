"""Hostile workbooks written at test time: zip bombs whose sheet XML unpacks far beyond the file.

A ~1 GB sheet is built from one compressed block repeated (each block ends in a full flush,
so its compressed bytes are the same every time), which takes about a second instead of
compressing a gigabyte. The zip is written by hand so that its directory can lie about
a part's unpacked size, as a crafted file does.
"""

from __future__ import annotations

import random
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

MIB = 1 << 20
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    f'<Relationships xmlns="{_PACKAGE_RELS}"><Relationship Id="rId1" '
    f'Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}">'
    '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'<Relationships xmlns="{_PACKAGE_RELS}"><Relationship Id="rId1" '
    f'Type="{_RELS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_HEAD = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}">'
    '<sheetData><row r="1">'
    '<c r="A1" t="inlineStr"><is><t>Date</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>Campaign</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>Amount spent (USD)</t></is></c>'
    "</row>"
)
_SHEET_TAIL = "</sheetData></worksheet>"


@dataclass(frozen=True)
class Member:
    """One zip part as raw deflate data, with the unpacked size its directory will claim."""

    name: str
    data: bytes
    crc: int
    size: int  # the real unpacked size
    declared: int  # what the zip directory says


def deflated(name: str, text: str) -> Member:
    raw = text.encode()
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = packer.compress(raw) + packer.flush()
    return Member(name, data, zlib.crc32(raw), len(raw), len(raw))


def repeated_sheet(
    unpacked: int,
    packed_per_mib: int = 3_500,
    name: str = "xl/worksheets/sheet1.xml",
    head_text: str = _SHEET_HEAD,
    tail_text: str = _SHEET_TAIL,
) -> Member:
    """A sheet of one header row then ~`unpacked` bytes of XML comments and blank space.

    Each MiB block carries about `packed_per_mib` bytes of incompressible text, so the
    part compresses about 1 MiB / `packed_per_mib` to one (~320:1 by default).
    """
    noise = random.Random(11).randbytes(max(packed_per_mib - 1_900, 16)).hex()
    comment = f"<!-- {noise} -->"
    block = (comment + " " * (MIB - len(comment))).encode()
    head, tail = head_text.encode(), tail_text.encode()
    count = max((unpacked - len(head) - len(tail)) // MIB, 1)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    one = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    assert one == again, "a full flush makes every block compress alike"
    end = packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + count * len(block) + len(tail)
    return Member(name, start + one * count + end, crc, size, size)


def write_zip(path: Path, members: list[Member]) -> Path:
    """A zip of deflated `members`, each declaring `member.declared` as its size."""
    local = bytearray()
    central = bytearray()
    for m in members:
        name = m.name.encode()
        fields = (20, 0, 8, 0, 0x21, m.crc, len(m.data), m.declared, len(name))
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, 0, len(local))
        central += name
        local += struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields, 0) + name + m.data
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(local), 0
    )
    path.write_bytes(bytes(local + central + end))
    return path


def workbook_parts() -> list[Member]:
    return [
        deflated("[Content_Types].xml", _CONTENT_TYPES),
        deflated("_rels/.rels", _ROOT_RELS),
        deflated("xl/workbook.xml", _WORKBOOK),
        deflated("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
    ]


def bomb_xlsx(path: Path, unpacked: int = 1_000_000_000, declared: int | None = None) -> Path:
    """A ~3 MB .xlsx whose sheet unpacks to `unpacked` bytes; `declared` makes it lie."""
    sheet = repeated_sheet(unpacked)
    if declared is not None:
        sheet = Member(sheet.name, sheet.data, sheet.crc, sheet.size, declared)
    return write_zip(path, [*workbook_parts(), sheet])


_ODS_MANIFEST = (
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
_ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
    '<office:body><office:spreadsheet><table:table table:name="Data"><table:table-row>'
    "<table:table-cell><text:p>Date</text:p></table:table-cell>"
    "<table:table-cell><text:p>Campaign</text:p></table:table-cell>"
    "</table:table-row>"
)
_ODS_TAIL = "</table:table></office:spreadsheet></office:body></office:document-content>"


def bomb_ods(path: Path, unpacked: int = 1_000_000_000) -> Path:
    """A ~3 MB .ods whose content.xml unpacks to `unpacked` bytes."""
    content = repeated_sheet(unpacked, name="content.xml", head_text=_ODS_HEAD, tail_text=_ODS_TAIL)
    parts = [
        deflated("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        deflated("META-INF/manifest.xml", _ODS_MANIFEST),
        content,
    ]
    return write_zip(path, parts)
