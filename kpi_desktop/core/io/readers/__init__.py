"""File readers: check a file is safe and readable, peek at each sheet, read a table as Arrow.

Workbooks (.xlsx/.xlsm/.xls/.ods) are read with fastexcel (Rust calamine to Arrow), which
returns cached formula values and never evaluates formulas or follows external links;
openpyxl (read-only, cached values, no external links) is the fallback for .xlsx/.xlsm files
that calamine cannot read. Text files (.csv/.tsv/.txt) are decoded and sniffed and read with
pyarrow's CSV reader. Every reader offers two steps: a cheap `head` of raw rows for header
detection and preview, then one `read` of the chosen columns below the header. Every file
passes the checks of `checks` (kind from its first bytes) and every zip workbook those of
`archive` (parts, sizes declared and real, ratio, CRC) before a reader opens it.
"""

from kpi_desktop.core.io.readers.archive import check_zip_declared, check_zip_inflated
from kpi_desktop.core.io.readers.base import (
    HEAD_ROWS,
    ColumnType,
    Head,
    Kind,
    Merge,
    Table,
    fill_merged,
)
from kpi_desktop.core.io.readers.checks import (
    MAX_UNCOMPRESSED,
    check_zip,
    read_head_bytes,
    sniff_kind,
)
from kpi_desktop.core.io.readers.text import TextFile
from kpi_desktop.core.io.readers.workbook import Workbook

#: What an import reads from: a workbook or a delimited text file.
Source = Workbook | TextFile

__all__ = [
    "HEAD_ROWS",
    "MAX_UNCOMPRESSED",
    "ColumnType",
    "Head",
    "Kind",
    "Merge",
    "Source",
    "Table",
    "TextFile",
    "Workbook",
    "check_zip",
    "check_zip_declared",
    "check_zip_inflated",
    "fill_merged",
    "read_head_bytes",
    "sniff_kind",
]
