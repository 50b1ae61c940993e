"""Chart colours readable with any colour vision (Okabe–Ito) and pyqtgraph's global look."""

from __future__ import annotations

from typing import cast

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPen

from kpi_desktop.ui import style

#: Okabe & Ito (2008), ordered so that neighbours differ most; yellow is left out
#: (too pale on white) and grey is kept for "others".
SERIES: tuple[str, ...] = (
    "#0072b2",  # blue
    "#e69f00",  # orange
    "#009e73",  # bluish green
    "#d55e00",  # vermillion
    "#cc79a7",  # reddish purple
    "#56b4e9",  # sky blue
    "#000000",  # black
)
OTHERS = "#8a94a3"
TARGET = "#444e5c"
NOTE = "#7a5195"
GRID_ALPHA = 0.18
#: Dash patterns beside the colours, so that lines differ in grey print too.
DASHES: tuple[Qt.PenStyle, ...] = (
    Qt.PenStyle.SolidLine,
    Qt.PenStyle.SolidLine,
    Qt.PenStyle.DashLine,
    Qt.PenStyle.SolidLine,
    Qt.PenStyle.DashLine,
    Qt.PenStyle.DotLine,
    Qt.PenStyle.DashDotLine,
)

_configured = False


def configure() -> None:
    """pyqtgraph's global options, once: white background, our text colour, antialiasing."""
    global _configured
    if _configured:
        return
    pg.setConfigOptions(antialias=True, background=style.SURFACE, foreground=style.TEXT)
    _configured = True


def series_pen(index: int, name: str, width: float = 2.0) -> QPen:
    """The pen of the index-th series; "others" is grey and dashed."""
    if name == "others":
        pen = pg.mkPen(OTHERS, width=width, style=Qt.PenStyle.DashLine)
    else:
        pen = pg.mkPen(SERIES[index % len(SERIES)], width=width)
        pen.setStyle(DASHES[index % len(DASHES)])
    pen.setCosmetic(True)
    return cast(QPen, pen)  # pg.mkPen makes a QPen; pyqtgraph is untyped


def colour(index: int) -> QColor:
    return QColor(SERIES[index % len(SERIES)])
