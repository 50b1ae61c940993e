"""A KPI or field over time: one line per series, target line, notes, hover read-out."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

from kpi_desktop.core.series import MAX_SERIES, TimeChartData, day_text
from kpi_desktop.ui import style
from kpi_desktop.ui.charts import palette
from kpi_desktop.ui.charts.base import ChartBase

_DAY = 86_400.0
#: Gaps for undefined points; peak downsampling and clipping for big series.
CURVE_OPTIONS = {
    "connect": "finite",
    "autoDownsample": True,
    "downsampleMethod": "peak",
    "clipToView": True,
}
_FREQ_WORDS = {"D": "day", "W": "week from", "M": "month of"}


def _day_of(seconds: float) -> dt.date:
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).date()


def _seconds(day: dt.date) -> float:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()


#: What the read-out line says when the chart has nothing to draw.
EMPTY_TEXT = (
    "No values to draw for this period and measure: widen the period, or import exports "
    "with File › Import Data (Ctrl+I)"
)


class TimeSeriesChart(ChartBase):
    """Lines over dates. Plot items are made once; `set_data` only calls `setData`.

    Large series use pyqtgraph's peak downsampling and clip-to-view, so a million
    points draw as fast as the few thousand pixels they cover. Undefined points are
    NaN and drawn as gaps (`connect="finite"`), never as zeros.
    """

    #: the user added a note: (day, text).
    annotation_added = Signal(object, str)

    def __init__(self, name: str = "plot_time_series", parent: QWidget | None = None) -> None:
        super().__init__(name, "", parent)
        self.data: TimeChartData | None = None
        self.plot_item.setAxisItems({"bottom": pg.DateAxisItem(orientation="bottom", utcOffset=0)})
        bottom = self.plot_item.getAxis("bottom")
        bottom.setTextPen(pg.mkPen(style.MUTED))
        bottom.setPen(pg.mkPen(style.BORDER))
        # Clicking an entry hides or shows its line (pyqtgraph's legend toggles).
        self.legend = self.plot_item.addLegend(
            offset=(10, 6), labelTextColor=style.TEXT, colCount=4
        )
        self.legend.setBrush(pg.mkBrush(255, 255, 255, 220))
        self.legend.setPen(pg.mkPen(style.BORDER))
        self.curves: list[pg.PlotDataItem] = []
        for i in range(MAX_SERIES):
            curve = pg.PlotDataItem(
                [], [], pen=palette.series_pen(i, ""), name=f"series {i}", **CURVE_OPTIONS
            )
            curve.setVisible(False)
            self.plot_item.addItem(curve)
            self.curves.append(curve)
        self.legend.clear()  # entries come with data (set_data), never "series 0…7"
        self.legend.setVisible(False)
        self.target_line = pg.InfiniteLine(
            angle=0,
            movable=False,
            pen=pg.mkPen(palette.TARGET, width=1.5, style=Qt.PenStyle.DashLine),
            label="",
            labelOpts={
                "position": 0.98,
                "color": palette.TARGET,
                "fill": pg.mkBrush(255, 255, 255, 210),
                "anchors": [(1, 1), (1, 1)],
            },
        )
        self.target_line.setVisible(False)
        self.plot_item.addItem(self.target_line, ignoreBounds=True)
        self.hover_line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(style.BORDER))
        self.hover_line.setVisible(False)
        self.plot_item.addItem(self.hover_line, ignoreBounds=True)
        self.note_lines: list[pg.InfiniteLine] = []
        self.notes: list[tuple[dt.date, str]] = []
        self._names: list[str] = []
        self.plot_widget.scene().sigMouseMoved.connect(self._mouse_moved)
        self.show_readout("Hover over the chart for exact values · right-click to add a note")

    # -- data
    def set_data(self, data: TimeChartData) -> None:
        """Show `data`: existing curves get new points, names and pens; none are created."""
        self.data = data
        freq_word = {"D": "per day", "W": "per week", "M": "per month"}[data.freq]
        self.label_title.setText(f"{data.label} {freq_word}")
        self.plot_item.setLabel("left", f"{data.label} ({data.unit})", color=style.MUTED)
        lines = data.lines[: len(self.curves)]
        names = [line.name for line in lines]
        if names != self._names:
            self.legend.clear()
            for i, (curve, line) in enumerate(zip(self.curves, lines, strict=False)):
                curve.setPen(palette.series_pen(i, line.name))
                curve.opts["name"] = line.name
                self.legend.addItem(curve, line.name)
            self._names = names
            self.legend.setVisible(len(lines) > 1)
        for i, curve in enumerate(self.curves):
            if i < len(lines):
                # setData resets options it is not given (pyqtgraph 0.14): pass them each time.
                curve.setData(data.x, lines[i].y, **CURVE_OPTIONS)
                # Peak mode keeps each bin's min and max: one bin per pixel loses nothing
                # visible, and wide antialiased lines cost by the point (default is 5).
                curve.opts["autoDownsampleFactor"] = 1.0
                curve.setVisible(True)
            else:
                curve.setData([], [])
                curve.setVisible(False)
        if data.target is None:
            self.target_line.setVisible(False)
        else:
            self.target_line.setValue(data.target)
            self.target_line.label.setFormat(f"Target {data.text(data.target)}")
            self.target_line.setVisible(True)
        self._place_notes()
        self.reset_zoom()
        self.hover_line.setVisible(False)
        empty = not len(data.x) or not any(np.isfinite(line.y).any() for line in lines)
        # An empty date axis would label epoch seconds ("00.100"): no labels until data.
        self.plot_item.getAxis("bottom").setStyle(showValues=not empty)
        self.show_readout(
            EMPTY_TEXT
            if empty
            else "Hover over the chart for exact values · right-click to add a note"
        )

    def reset_zoom(self) -> None:
        """Fit the data (and target). Set explicitly rather than by auto-range: clip-to-view
        only works with a fixed range, and auto-range would first draw every point once."""
        data = self.data
        if data is None or not len(data.x):
            self.view_box.enableAutoRange()
            return
        lows, highs = [], []
        for line in data.lines[: len(self.curves)]:
            finite = line.y[np.isfinite(line.y)]
            if len(finite):
                lows.append(float(finite.min()))
                highs.append(float(finite.max()))
        if data.target is not None:
            lows.append(data.target)
            highs.append(data.target)
        low, high = (min(lows), max(highs)) if lows else (0.0, 1.0)
        low = min(low, 0.0) if low >= 0 else low  # counts, money and rates start at 0
        if high == low:
            high = low + 1.0
        left, right = float(data.x[0]), float(data.x[-1])
        if right == left:
            left, right = left - _DAY, right + _DAY
        self.view_box.setRange(xRange=(left, right), yRange=(low, high), padding=0.04)

    def set_annotations(self, notes: list[tuple[dt.date, str]]) -> None:
        """Dated notes as labelled vertical lines (lines are reused, added only as needed)."""
        self.notes = list(notes)
        while len(self.note_lines) < len(self.notes):
            line = pg.InfiniteLine(
                angle=90,
                movable=False,
                pen=pg.mkPen(palette.NOTE, width=1.2, style=Qt.PenStyle.DotLine),
                label="",
                labelOpts={
                    "position": 0.72,  # below the legend (top left), which would hide it
                    "color": palette.NOTE,
                    "fill": pg.mkBrush(255, 255, 255, 210),
                    "rotateAxis": None,
                },
            )
            self.plot_item.addItem(line, ignoreBounds=True)
            self.note_lines.append(line)
        self._place_notes()

    def _place_notes(self) -> None:
        for i, line in enumerate(self.note_lines):
            if i < len(self.notes):
                day, text = self.notes[i]
                line.setValue(_seconds(day))
                short = text if len(text) <= 28 else text[:27] + "…"
                line.label.setFormat(f"✎ {short}")
                line.setToolTip(f"{day_text(day)}: {text}")
                line.setVisible(True)
            else:
                line.setVisible(False)

    # -- interaction
    def visible_series(self) -> list[str]:
        return [n for n, c in zip(self._names, self.curves, strict=False) if c.isVisible()]

    def set_series_visible(self, name: str, visible: bool) -> None:
        """What clicking a legend entry does (pyqtgraph toggles the curve itself)."""
        self.curves[self._names.index(name)].setVisible(visible)

    def readout_at(self, x_seconds: float) -> str:
        """The read-out for the period nearest `x_seconds`: date and every visible value."""
        data = self.data
        if data is None or not len(data.x):
            return ""
        index = int(np.clip(np.searchsorted(data.x, x_seconds), 0, len(data.x) - 1))
        if index > 0 and abs(data.x[index - 1] - x_seconds) < abs(data.x[index] - x_seconds):
            index -= 1
        day = _day_of(float(data.x[index]))
        parts = [f"<b>{_FREQ_WORDS[data.freq].capitalize()} {html.escape(day_text(day))}</b>"]
        for i, line in enumerate(data.lines[: len(self.curves)]):
            if not self.curves[i].isVisible():
                continue
            value = float(line.y[index])
            colour = palette.OTHERS if line.name == "others" else palette.SERIES[i % 7]
            name = html.escape(line.name) if len(data.lines) > 1 else html.escape(data.label)
            parts.append(
                f"<span style='color:{colour}'>■</span> {name}: "
                f"<b>{html.escape(data.text(value))}</b>"
            )
        for note_day, text in self.notes:
            if note_day == day:
                parts.append(f"✎ {html.escape(text)}")
        self.hover_line.setValue(float(data.x[index]))
        self.hover_line.setVisible(True)
        return " · ".join(parts)

    def _mouse_moved(self, scene_pos: QPointF) -> None:
        if self.data is None or not self.plot_item.sceneBoundingRect().contains(scene_pos):
            return
        point = self.view_box.mapSceneToView(scene_pos)
        self.show_readout(self.readout_at(point.x()))

    def extra_actions(self, menu: QMenu, scene_pos: object) -> None:
        point = self._map_to_view(scene_pos)
        if point is None or self.data is None or not len(self.data.x):
            return
        day = _day_of(round(point.x() / _DAY) * _DAY)
        action = menu.addAction(f"Add a note on {day_text(day)}…", lambda: self.ask_note(day))
        action.setObjectName("action_add_note")

    def ask_note(self, day: dt.date, ask: Callable[..., tuple[str, bool]] | None = None) -> None:
        text, ok = (ask or QInputDialog.getText)(
            self, "Add a note", f"Note for {day_text(day)} (shown on every time chart):"
        )
        if ok and text.strip():
            self.annotation_added.emit(day, text.strip())
