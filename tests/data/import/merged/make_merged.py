"""Write one hand-made report with two merged header rows, as .xlsx and as .ods.

Run `python tests/data/import/merged/make_merged.py` from the repository root; the files
are committed. Row 1 is a title merged over the whole table; row 2 holds the group labels
`Performance` (over Clicks and Impressions) and `Cost` (over Spend and CPC) merged across
their columns, with `Date` and `Campaign` merged down rows 2-3; row 3 holds the labels;
the campaign is merged down its days and a `Total` row closes the table. The .ods is
written as OpenDocument XML by hand (no odfpy or LibreOffice here): merges are
`table:number-columns-spanned` / `number-rows-spanned` with covered cells.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl

HERE = Path(__file__).resolve().parent
TITLE = "Paid social – weekly report"
GROUPS = ["Date", "Campaign", "Performance", None, "Cost", None]
LABELS = [None, None, "Clicks", "Impressions", "Spend", "CPC"]
DATA: list[list[object]] = [
    ["2025-03-03", "Spring Sale", 10, 1000, 50.0, 5.0],
    ["2025-03-04", None, 20, 2000, 60.0, 3.0],
    ["2025-03-03", "Brand Always-On", 5, 3000, 15.0, 3.0],
    ["2025-03-04", None, 7, 3500, 21.0, 3.0],
]
TOTAL: list[object] = ["Total", None, 42, 9500, 146.0, 3.48]
# (first row, first column, last row, last column), 1-based rows and 0-based columns.
MERGES = [(1, 0, 1, 5), (2, 0, 3, 0), (2, 1, 3, 1), (2, 2, 2, 3), (2, 4, 2, 5), (4, 1, 5, 1)]
MERGES += [(6, 1, 7, 1)]


def xlsx() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Report"
    ws.append([TITLE])
    ws.append(GROUPS)
    ws.append(LABELS)
    for row in DATA:
        ws.append(row)
    ws.append(TOTAL)
    for r1, c1, r2, c2 in MERGES:
        ws.merge_cells(start_row=r1, start_column=c1 + 1, end_row=r2, end_column=c2 + 1)
    wb.save(HERE / "two_row_header.xlsx")


def _cell(value: object, across: int = 1, down: int = 1) -> str:
    span = ""
    if across > 1:
        span += f' table:number-columns-spanned="{across}"'
    if down > 1:
        span += f' table:number-rows-spanned="{down}"'
    if value is None:
        return f"<table:table-cell{span}/>"
    if isinstance(value, int | float):
        return (
            f'<table:table-cell{span} office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    if isinstance(value, str) and value[:4].isdigit() and value[4:5] == "-":
        return (
            f'<table:table-cell{span} office:value-type="date" office:date-value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell{span} office:value-type="string">'
        f"<text:p>{escape(str(value))}</text:p></table:table-cell>"
    )


def ods() -> None:
    rows = [[TITLE, None, None, None, None, None], GROUPS, LABELS, *DATA, TOTAL]
    starts = {(r1, c1): (c2 - c1 + 1, r2 - r1 + 1) for r1, c1, r2, c2 in MERGES}
    covered = {
        (r, c)
        for r1, c1, r2, c2 in MERGES
        for r in range(r1, r2 + 1)
        for c in range(c1, c2 + 1)
        if (r, c) != (r1, c1)
    }
    body = []
    for number, row in enumerate(rows, start=1):
        cells = []
        for column, value in enumerate(row):
            if (number, column) in covered:
                cells.append("<table:covered-table-cell/>")
            else:
                across, down = starts.get((number, column), (1, 1))
                cells.append(_cell(value, across, down))
        body.append("<table:table-row>" + "".join(cells) + "</table:table-row>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        "<office:body><office:spreadsheet>"
        '<table:table table:name="Report"><table:table-column table:number-columns-repeated="6"/>'
        + "".join(body)
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(HERE / "two_row_header.ods", "w") as zf:
        zf.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        zf.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)


if __name__ == "__main__":
    xlsx()
    ods()
