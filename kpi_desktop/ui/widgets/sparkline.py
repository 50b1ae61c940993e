"""A tiny line chart for a KPI card, painted with QPainter (nine of them paint in a blink)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from kpi_desktop.ui import style


class Sparkline(QWidget):
    """The shape of a series: NaN points are gaps, a dashed line marks the target.

    No axes: the card's value and change carry the numbers; the tooltip says the range.
    """

    #: the values; shadows QWidget.y() (the widget's position), which nothing here calls.
    y: np.ndarray  # type: ignore[assignment]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sparkline")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(34)
        self.y = np.zeros(0)
        self.target: float | None = None
        self.colour = QColor(style.ACCENT)

    def sizeHint(self) -> QSize:
        return QSize(160, 34)

    def set_data(self, y: np.ndarray, target: float | None = None) -> None:
        """Values in display units (NaN = gap) and an optional target in the same units."""
        self.y = np.asarray(y, dtype=float)
        self.target = target
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        y = self.y
        finite = np.isfinite(y)
        if len(y) < 2 or not finite.any():
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = self.rect().adjusted(2, 4, -2, -4)
        values = y[finite]
        low, high = float(values.min()), float(values.max())
        if self.target is not None:
            low, high = min(low, self.target), max(high, self.target)
        span = high - low or 1.0

        def point(i: int, v: float) -> QPointF:
            x = rect.left() + rect.width() * i / (len(y) - 1)
            return QPointF(x, rect.bottom() - rect.height() * (v - low) / span)

        if self.target is not None:
            pen = QPen(QColor(style.UNDEFINED), 1, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawLine(point(0, self.target), point(len(y) - 1, self.target))
        path = QPainterPath()
        drawing = False
        for i, v in enumerate(y):
            if not np.isfinite(v):
                drawing = False
                continue
            if drawing:
                path.lineTo(point(i, float(v)))
            else:
                path.moveTo(point(i, float(v)))
                drawing = True
        pen = QPen(self.colour, 1.8)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.drawPath(path)
        last = int(np.flatnonzero(finite)[-1])
        painter.setBrush(self.colour)
        painter.drawEllipse(point(last, float(y[last])), 2.5, 2.5)
        painter.end()
