"""Page geometry and drawing primitives of the PDF report, in points, over a QPdfWriter."""

from __future__ import annotations

from PySide6.QtCore import QIODevice, QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from kpi_desktop import APP_NAME
from kpi_desktop.ui import style

PAGE_SIZES: dict[str, QPageSize.PageSizeId] = {
    "A4": QPageSize.PageSizeId.A4,
    "Letter": QPageSize.PageSizeId.Letter,
}
#: Device units per inch. Fonts are in points; geometry below is in points too.
RESOLUTION = 300
MARGIN = 40.0  # pt, every side
FOOTER = 18.0  # pt reserved at the bottom for the page footer

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter
TOP_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
WRAP = Qt.AlignmentFlag(int(Qt.TextFlag.TextWordWrap))


class Pages:
    """A QPdfWriter, its painter and point-based geometry (1 unit here = 1 pt)."""

    def __init__(self, device: QIODevice, page_size: str, title: str) -> None:
        self.writer = QPdfWriter(device)
        self.writer.setResolution(RESOLUTION)
        self.writer.setTitle(title)
        self.writer.setCreator(APP_NAME)
        self.page_id = PAGE_SIZES[page_size]
        self._set_layout(QPageLayout.Orientation.Portrait)
        self.painter = QPainter()
        self.scale = RESOLUTION / 72.0
        self.started = False

    def _set_layout(self, orientation: QPageLayout.Orientation) -> None:
        layout = QPageLayout(
            QPageSize(self.page_id), orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Point
        )
        self.writer.setPageLayout(layout)

    def new_page(self, orientation: QPageLayout.Orientation) -> None:
        """Start the first page, or a further one, in `orientation`."""
        if not self.started:
            self._set_layout(orientation)
            if not self.painter.begin(self.writer):
                raise OSError("could not start the PDF")
            self.started = True
        else:
            self._set_layout(orientation)  # applies to the page newPage starts
            if not self.writer.newPage():
                raise OSError("could not add a PDF page")
        self.painter.resetTransform()
        self.painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)

    @property
    def width(self) -> float:
        return self.writer.width() / self.scale

    @property
    def height(self) -> float:
        return self.writer.height() / self.scale

    def end(self) -> None:
        """Finish the document (if a page was started)."""
        if self.started:
            self.painter.end()

    # -- primitives in points
    def r(self, x: float, y: float, w: float, h: float) -> QRectF:
        s = self.scale
        return QRectF(x * s, y * s, w * s, h * s)

    def p(self, x: float, y: float) -> QPointF:
        return QPointF(x * self.scale, y * self.scale)

    def font(self, size: float, *, bold: bool = False) -> QFont:
        font = QFont()
        font.setPointSizeF(size)
        font.setBold(bold)
        return font

    def text_width(self, text: str, font: QFont) -> float:
        # Metrics are in device units of the writer (fonts are sized in points).
        return QFontMetricsF(font, self.writer).horizontalAdvance(text) / self.scale

    def elide(self, text: str, font: QFont, width: float) -> str:
        metrics = QFontMetricsF(font, self.writer)
        return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width * self.scale)

    def text(
        self,
        rect: QRectF,
        text: str,
        font: QFont,
        colour: str = style.TEXT,
        flags: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
    ) -> None:
        self.painter.setFont(font)
        self.painter.setPen(QColor(colour))
        self.painter.drawText(rect, int(flags), text)

    def pen(self, colour: str, width: float = 0.75, dash: Qt.PenStyle | None = None) -> QPen:
        pen = QPen(QColor(colour))
        pen.setWidthF(width * self.scale)
        if dash is not None:
            pen.setStyle(dash)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        return pen

    def line(self, x1: float, y1: float, x2: float, y2: float, pen: QPen) -> None:
        self.painter.setPen(pen)
        self.painter.drawLine(self.p(x1, y1), self.p(x2, y2))

    def box(
        self, rect: QRectF, *, fill: str | None = None, border: str | None = None, radius: float = 0
    ) -> None:
        self.painter.setBrush(QBrush(QColor(fill)) if fill else Qt.BrushStyle.NoBrush)
        self.painter.setPen(self.pen(border) if border else Qt.PenStyle.NoPen)
        if radius:
            self.painter.drawRoundedRect(rect, radius * self.scale, radius * self.scale)
        else:
            self.painter.drawRect(rect)
        self.painter.setBrush(Qt.BrushStyle.NoBrush)


def heading(pages: Pages, y: float, text: str, size: float = 13) -> float:
    """A bold heading at `y` across the text width; returns the y below it."""
    pages.text(
        pages.r(MARGIN, y, pages.width - 2 * MARGIN, size * 1.6),
        text,
        pages.font(size, bold=True),
    )
    return y + size * 1.6 + 4
