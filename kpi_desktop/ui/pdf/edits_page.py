"""The last pages of the PDF report: the manual edits in force, so a reader knows which
figures someone typed rather than imported."""

from __future__ import annotations

from PySide6.QtGui import QFont

from kpi_desktop.ui import style
from kpi_desktop.ui.pdf.content import EDITS_HEADER, EDITS_TITLE, PdfContent
from kpi_desktop.ui.pdf.painter import FOOTER, LEFT, MARGIN, Pages, heading

_ROW = 15.0
_WIDTHS = (0.28, 0.26, 0.18, 0.14, 0.14)  # fractions of the text width, per column
_NOTE = (
    "Imported: the value the source file holds; typed: the value the report uses. "
    "A campaign total covers all dates and is in the reporting currency."
)


def edits_capacity(height: float) -> int:
    """Edit rows that fit a portrait page `height` points high."""
    top = MARGIN + 14 * 1.6 + 4 + 30 + _ROW
    return max(1, int((height - MARGIN - FOOTER - top) // _ROW))


def edits_page(pages: Pages, content: PdfContent, rows: range, first: bool) -> None:
    """One page of the list: heading, a note on the first page, the header and `rows`."""
    width = pages.width - 2 * MARGIN
    title = EDITS_TITLE if first else f"{EDITS_TITLE} (continued)"
    y = heading(pages, MARGIN, title, 14)
    small = pages.font(7.5)
    if first:
        pages.text(pages.r(MARGIN, y - 4, width, 24), _NOTE, small, style.MUTED, LEFT)
    y += 26
    widths = [width * f for f in _WIDTHS]
    pages.box(pages.r(MARGIN, y, width, _ROW), fill=style.ACCENT_SOFT)
    _row(pages, EDITS_HEADER, y, widths, pages.font(7.5, bold=True))
    y += _ROW
    for index in rows:
        _row(pages, content.edits[index], y, widths, small)
        y += _ROW
        pages.line(MARGIN, y, MARGIN + width, y, pages.pen(style.BORDER, 0.4))


def _row(pages: Pages, cells: tuple[str, ...], y: float, widths: list[float], font: QFont) -> None:
    x = MARGIN
    for text, w in zip(cells, widths, strict=True):
        shown = pages.elide(text, font, w - 8)
        pages.text(pages.r(x + 4, y, w - 8, _ROW), shown, font, style.TEXT, LEFT)
        x += w
