"""The frame every chart shares: a pyqtgraph plot, a read-out line and a context menu.

The menu replaces pyqtgraph's own (which offers export settings a marketer does not
need) with Export as PNG / SVG and Reset zoom; subclasses add their own entries.
"""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
import pyqtgraph.exporters as pg_exporters
from PySide6.QtCore import QPoint, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QFileDialog, QLabel, QMenu, QVBoxLayout, QWidget

from kpi_desktop.ui import style
from kpi_desktop.ui.charts import palette

#: pixel width of PNG exports (the chart is redrawn at this size, not scaled up).
EXPORT_WIDTH = 1600


class _PlotWidget(pg.PlotWidget):  # type: ignore[misc]  # pyqtgraph is untyped (Any)
    """A PlotWidget whose right-click goes to its owner's menu."""

    def __init__(self, owner: ChartBase) -> None:
        super().__init__()
        self._owner = owner

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self._owner.context_menu(self.mapToScene(event.pos()))
        menu.exec(event.globalPos())
        event.accept()


class ChartBase(QWidget):
    """A titled plot with a read-out label and PNG/SVG export from its context menu."""

    #: emitted after an export, with the written path.
    exported = Signal(str)

    def __init__(self, name: str, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        palette.configure()
        self.setObjectName(name)
        self.setAccessibleName(name)
        self.plot_widget = _PlotWidget(self)
        self.plot_widget.setObjectName(f"{name}_view")
        self.plot_item: pg.PlotItem = self.plot_widget.getPlotItem()
        self.plot_item.setMenuEnabled(False)
        self.plot_item.hideButtons()  # the "A" auto-range button: Reset zoom is in the menu
        self.plot_item.showGrid(x=True, y=True, alpha=palette.GRID_ALPHA)
        self.view_box: pg.ViewBox = self.plot_item.getViewBox()
        for side in ("left", "bottom"):
            axis = self.plot_item.getAxis(side)
            axis.setTextPen(pg.mkPen(style.MUTED))
            axis.setPen(pg.mkPen(style.BORDER))
        self.label_title = QLabel(title)
        self.label_title.setObjectName("chart_title")
        self.label_title.setFont(style.scaled_font(self.font(), 1.1, bold=True))
        self.label_readout = QLabel(" ")
        self.label_readout.setObjectName("label_readout")
        self.label_readout.setTextFormat(Qt.TextFormat.RichText)
        self.label_readout.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.label_title)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.label_readout)
        self.setMinimumHeight(150)

    # -- menu and export
    def extra_actions(self, menu: QMenu, scene_pos: object) -> None:
        """Subclasses add their own entries at the top of the context menu."""

    def context_menu(self, scene_pos: object = None) -> QMenu:
        """The chart's context menu (built on each right-click, parented to the chart)."""
        menu = QMenu(self)
        menu.setObjectName("menu_chart")
        self.extra_actions(menu, scene_pos)
        if not menu.isEmpty():
            menu.addSeparator()
        png = menu.addAction("Export as PNG image…", lambda: self.ask_export("png"))
        png.setObjectName("action_export_png")
        svg = menu.addAction("Export as SVG (vector)…", lambda: self.ask_export("svg"))
        svg.setObjectName("action_export_svg")
        copy = menu.addAction("Copy as image", self.copy_image)
        copy.setObjectName("action_copy_chart")
        menu.addSeparator()
        reset = menu.addAction("Reset zoom", self.reset_zoom)
        reset.setObjectName("action_reset_zoom")
        return menu

    def copy_image(self) -> None:
        """Put the chart, as shown, on the clipboard (to paste into a mail or a slide)."""
        from kpi_desktop.ui.clipboard import copy_widget_image

        copy_widget_image(self)

    def reset_zoom(self) -> None:
        self.view_box.enableAutoRange()

    def ask_export(self, kind: str) -> None:
        title = self.label_title.text() or self.objectName()
        suggested = f"{title}.{kind}"
        filters = "PNG image (*.png)" if kind == "png" else "SVG vector image (*.svg)"
        path, _ = QFileDialog.getSaveFileName(
            self, f"Export chart as {kind.upper()}", suggested, filters
        )
        if path:
            target = Path(path)
            if target.suffix.lower() != f".{kind}":
                target = target.with_suffix(f".{kind}")
            self.export(target)

    def export(self, path: Path) -> Path:
        """Write the chart to `path`; the suffix (.png or .svg) picks the format."""
        kind = path.suffix.lower()
        if kind == ".svg":
            self._export_svg(path)
        elif kind == ".png":
            exporter = pg_exporters.ImageExporter(self.plot_item)
            exporter.parameters()["width"] = EXPORT_WIDTH
            exporter.export(str(path))
        else:
            raise ValueError(f"charts export to .png or .svg, not {kind or 'no suffix'}")
        self.exported.emit(str(path))
        return path

    def _export_svg(self, path: Path) -> None:
        # Qt's own SVG generator: pyqtgraph's SVGExporter fails on the paths of lines
        # with gaps (connect="finite") under Qt 6 ("not enough values to unpack").
        source = self.plot_item.sceneBoundingRect()
        size = source.size().toSize()
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(size)
        generator.setViewBox(QRect(0, 0, size.width(), size.height()))
        generator.setTitle(self.label_title.text() or self.objectName())
        painter = QPainter(generator)
        try:
            painter.fillRect(QRectF(0, 0, size.width(), size.height()), QColor(style.SURFACE))
            self.plot_widget.scene().render(
                painter, QRectF(0, 0, size.width(), size.height()), source
            )
        finally:
            painter.end()

    def show_readout(self, text: str) -> None:
        self.label_readout.setText(text or " ")

    def _map_to_view(self, scene_pos: object) -> QPoint | None:
        if scene_pos is None:
            return None
        return self.view_box.mapSceneToView(scene_pos)  # type: ignore[no-any-return]
