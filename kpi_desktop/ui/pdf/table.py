"""Pages 3+ of the PDF report: the campaign table in landscape, its header on every page."""

from __future__ import annotations

from PySide6.QtGui import QFont

from kpi_desktop.core import format as fmt
from kpi_desktop.ui import style
from kpi_desktop.ui.pdf.content import PdfContent
from kpi_desktop.ui.pdf.painter import FOOTER, LEFT, MARGIN, RIGHT, WRAP, Pages, heading

TABLE_ROW_HEIGHT = 17.0
TABLE_HEADER_HEIGHT = 30.0


def paginate(count: int, first: int, others: int) -> list[range]:
    """Row ranges per page: `first` rows fit the first page, `others` every later one."""
    if count <= 0:
        return [range(0)]
    pages = [range(min(first, count))]
    start = pages[0].stop
    while start < count:
        pages.append(range(start, min(start + others, count)))
        start += others
    return pages


def table_capacity(height: float) -> int:
    """Table rows that fit a page `height` points high."""
    top = MARGIN + 14 * 1.6 + 4 + 12 + TABLE_HEADER_HEIGHT
    bottom = height - MARGIN - FOOTER - 30  # room for the notes under the last row
    return max(1, int((bottom - top) // TABLE_ROW_HEIGHT))


def table_layout(pages: Pages, content: PdfContent) -> tuple[list[float], QFont, QFont]:
    """Column widths (pt): the campaign column takes what the numbers leave."""
    font, bold = pages.font(7), pages.font(7, bold=True)
    width = pages.width - 2 * MARGIN
    numbers = []
    for column in range(1, len(content.table_header)):
        widest = max(pages.text_width(row[column], bold) for row in content.table_rows)
        # Headers wrap onto up to three lines, but a word is never cut.
        word = max(pages.text_width(w, bold) for w in content.table_header[column].split())
        numbers.append(max(widest, word) + 10)
    rest = width - sum(numbers)
    if rest < 90:  # squeeze the numbers evenly rather than the names to nothing
        factor = (width - 90) / sum(numbers)
        numbers = [w * factor for w in numbers]
        rest = 90
    return [rest, *numbers], font, bold


def table_page(
    pages: Pages,
    content: PdfContent,
    rows: range,
    widths: list[float],
    fonts: tuple[QFont, QFont],
    first: bool,
    last: bool,
) -> None:
    """One page of the table: heading, header row, `rows`, and the notes after the last."""
    font, bold = fonts
    width = pages.width - 2 * MARGIN
    y = heading(pages, MARGIN, "Campaigns" if first else "Campaigns (continued)", 14)
    period = dict(content.info).get("Period", "")
    pages.text(pages.r(MARGIN, y - 4, width, 12), period, pages.font(8), style.MUTED, LEFT)
    y += 12
    _header_row(pages, content, y, widths, bold)
    y += TABLE_HEADER_HEIGHT
    total_index = len(content.table_rows) - 1
    for index in rows:
        is_total = index == total_index
        if is_total:
            pages.box(pages.r(MARGIN, y, width, TABLE_ROW_HEIGHT), fill=style.TOTAL_ROW)
        elif index % 2:
            pages.box(pages.r(MARGIN, y, width, TABLE_ROW_HEIGHT), fill="#fafbfc")
        _body_row(pages, content.table_rows[index], y, widths, bold if is_total else font)
        y += TABLE_ROW_HEIGHT
        pages.line(MARGIN, y, MARGIN + width, y, pages.pen(style.BORDER, 0.4))
    if last:
        y += 8
        for note in content.table_notes:
            pages.text(pages.r(MARGIN, y, width, 11), note, pages.font(7), style.MUTED, LEFT)
            y += 12


def _header_row(
    pages: Pages, content: PdfContent, y: float, widths: list[float], bold: QFont
) -> None:
    """The shaded header, repeated on every page; titles wrap, numbers align right."""
    pages.box(
        pages.r(MARGIN, y, pages.width - 2 * MARGIN, TABLE_HEADER_HEIGHT), fill=style.ACCENT_SOFT
    )
    x = MARGIN
    for column, (title, w) in enumerate(zip(content.table_header, widths, strict=True)):
        align = LEFT if column == 0 else RIGHT
        pages.text(
            pages.r(x + 4, y + 2, w - 8, TABLE_HEADER_HEIGHT - 4),
            title,
            bold,
            style.TEXT,
            align | WRAP,
        )
        x += w


def _body_row(
    pages: Pages, cells: tuple[str, ...], y: float, widths: list[float], cell_font: QFont
) -> None:
    """One row's texts; the campaign name is elided, an undefined value greyed."""
    x = MARGIN
    for column, (text, w) in enumerate(zip(cells, widths, strict=True)):
        shown = pages.elide(text, cell_font, w - 8) if column == 0 else text
        colour = style.UNDEFINED if text == fmt.EM_DASH else style.TEXT
        pages.text(
            pages.r(x + 4, y, w - 8, TABLE_ROW_HEIGHT),
            shown,
            cell_font,
            colour,
            LEFT if column == 0 else RIGHT,
        )
        x += w
