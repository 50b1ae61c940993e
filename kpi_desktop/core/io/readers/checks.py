"""The validation layer in front of every reader: file kind, first bytes, zip sanity.

The zip checks (sizes declared and real, ratio, CRC) live in `archive`.
"""

from __future__ import annotations

from pathlib import Path

from kpi_desktop.core.io.errors import FileUnreadable
from kpi_desktop.core.io.readers.archive import MAX_UNCOMPRESSED, check_zip
from kpi_desktop.core.io.readers.base import Kind

__all__ = ["MAX_UNCOMPRESSED", "check_zip", "read_head_bytes", "sniff_kind"]

#: Bytes read from the start of a file for sniffing its kind and text layout.
HEAD_BYTES = 1 << 17

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_KIND_NAMES = {
    ".xlsx": "an Excel workbook",
    ".xlsm": "an Excel workbook",
    ".ods": "an OpenDocument spreadsheet",
}


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


def read_head_bytes(path: Path, size: int = HEAD_BYTES) -> bytes:
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
