"""Horizontal bars: campaigns compared on one measure, and the conversion funnel."""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QWidget

from kpi_desktop.core.series import BarChartData, FunnelData
from kpi_desktop.ui import style
from kpi_desktop.ui.charts import palette
from kpi_desktop.ui.charts.base import ChartBase

BAR_HEIGHT = 0.62
#: Labels kept ready; a chart with more bars than this labels only the first ones.
MAX_LABELS = 40


class HorizontalBars(ChartBase):
    """Named bars from top to bottom with a value label each; items made once."""

    def __init__(self, name: str, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(name, title, parent)
        self.view_box.setMouseEnabled(x=False, y=False)
        self.view_box.invertY(True)  # first bar on top
        self.plot_item.showGrid(x=False, y=False)  # grid lines would stripe the bars
        self.headroom = 1.25  # room right of the longest bar for its value label
        self.plot_item.getAxis("left").setStyle(hideOverlappingLabels=False)
        self.bars = pg.BarGraphItem(
            x0=[], y=[], height=BAR_HEIGHT, width=[], brush=palette.SERIES[0], pen=None
        )
        self.plot_item.addItem(self.bars)
        self.labels: list[pg.TextItem] = []
        for _ in range(MAX_LABELS):
            label = pg.TextItem("", color=style.TEXT, anchor=(0, 0.5))
            label.setVisible(False)
            self.plot_item.addItem(label, ignoreBounds=True)
            self.labels.append(label)
        self.target_line = pg.InfiniteLine(
            angle=90,
            movable=False,
            pen=pg.mkPen(palette.TARGET, width=1.5, style=Qt.PenStyle.DashLine),
            label="",
            labelOpts={"position": 0.97, "color": palette.TARGET, "anchors": [(0, 0), (0, 0)]},
        )
        self.target_line.setVisible(False)
        self.plot_item.addItem(self.target_line, ignoreBounds=True)
        self.names: tuple[str, ...] = ()
        self.values = np.zeros(0)
        self.texts: tuple[str, ...] = ()
        self.plot_widget.scene().sigMouseMoved.connect(self._mouse_moved)

    def _set_bars(
        self,
        names: tuple[str, ...],
        values: np.ndarray,
        texts: tuple[str, ...],
        brushes: list[str] | None = None,
    ) -> None:
        self.names, self.values, self.texts = names, values, texts
        y = np.arange(len(names), dtype=float)
        widths = np.nan_to_num(values, nan=0.0)
        self.bars.setOpts(
            x0=np.zeros(len(names)),
            y=y,
            width=widths,
            height=BAR_HEIGHT,
            brushes=brushes or [palette.SERIES[0]] * len(names),
        )
        left = self.plot_item.getAxis("left")
        left.setTicks([[(float(i), n) for i, n in enumerate(names)]])
        metrics = QFontMetrics(left.font() if hasattr(left, "font") else self.font())
        widest = max((metrics.horizontalAdvance(n) for n in names), default=40)
        left.setWidth(widest + 16)
        top = float(np.nanmax(widths)) if len(widths) else 1.0
        top = top if top > 0 else 1.0
        for i, label in enumerate(self.labels):
            if i < len(names):
                label.setText(texts[i])
                label.setPos(max(float(widths[i]), 0.0) + top * 0.01, float(i))
                label.setVisible(True)
            else:
                label.setVisible(False)
        # Room on the right for the value labels; bars start at 0.
        self.view_box.setRange(
            xRange=(
                min(0.0, float(np.nanmin(widths)) if len(widths) else 0.0),
                top * self.headroom,
            ),
            yRange=(-0.6, max(len(names), 1) - 0.4),
            padding=0,
        )

    def _mouse_moved(self, scene_pos: QPointF) -> None:
        if not len(self.names) or not self.plot_item.sceneBoundingRect().contains(scene_pos):
            return
        row = round(self.view_box.mapSceneToView(scene_pos).y())
        if 0 <= row < len(self.names):
            self.show_readout(self.readout_for(row))

    def readout_for(self, row: int) -> str:
        return f"<b>{html.escape(self.names[row])}</b>: {html.escape(self.texts[row])}"

    def reset_zoom(self) -> None:
        self._set_bars(self.names, self.values, self.texts)


class CampaignBarChart(HorizontalBars):
    """Campaigns on one KPI or field, best first, with the target as a dashed line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("plot_campaign_bars", "Campaigns compared", parent)
        self.data: BarChartData | None = None

    def set_data(self, data: BarChartData) -> None:
        self.data = data
        self.label_title.setText(f"Campaigns by {data.label.lower()}, best first")
        self.plot_item.setLabel("bottom", f"{data.label} ({data.unit})", color=style.MUTED)
        self._set_bars(data.names, data.values, data.texts)
        if data.target is None:
            self.target_line.setVisible(False)
        else:
            self.target_line.setValue(data.target)
            self.target_line.label.setFormat("target")
            self.target_line.setVisible(True)
        if data.undefined:
            missing = ", ".join(f"{n} ({why})" for n, why in data.undefined[:4])
            more = f" and {len(data.undefined) - 4} more" if len(data.undefined) > 4 else ""
            self.show_readout(f"No value: {html.escape(missing)}{more}")
        else:
            self.show_readout("Hover over a bar for its exact value")


class FunnelChart(HorizontalBars):
    """Users → interactions → clicks → visitors → conversions, with the step rates."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("plot_funnel", "Funnel", parent)
        self.data: FunnelData | None = None
        self.headroom = 1.6  # "106,041   (2.50 per user)" is a long label
        self.plot_item.setLabel("bottom", "People or events (count)", color=style.MUTED)

    def set_data(self, data: FunnelData) -> None:
        self.data = data
        values = np.array([np.nan if s.value is None else s.value for s in data.steps])
        texts = tuple(
            f"{v}   ({r})" if r else v
            for v, r in zip(data.value_texts, data.rate_texts, strict=True)
        )
        brushes = [
            palette.SERIES[5] if s.step == "interactions" else palette.SERIES[0] for s in data.steps
        ]
        self._set_bars(data.labels, values, texts, brushes)
        self.show_readout(
            "Interactions are engagement depth (per user), the other steps are drop-off rates"
        )

    def readout_for(self, row: int) -> str:
        assert self.data is not None
        rate = self.data.rate_texts[row]
        tail = f" · {html.escape(rate)}" if rate else ""
        value = html.escape(self.data.value_texts[row])
        return f"<b>{html.escape(self.names[row])}</b>: {value}{tail}"
