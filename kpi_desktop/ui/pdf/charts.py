"""Page 2 of the PDF report: a KPI over time and the campaign comparison, as vector charts."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath

from kpi_desktop.core import series
from kpi_desktop.ui import style
from kpi_desktop.ui.pdf.content import PdfContent
from kpi_desktop.ui.pdf.painter import CENTER, FOOTER, LEFT, MARGIN, RIGHT, Pages, heading

#: Bars drawn at most; more campaigns than this are listed in the table only.
MAX_BARS = 15
_LINE_COLOURS = (style.ACCENT, "#e69f00", "#009e73", style.BAD, "#cc79a7", "#56b4e9", "#000000")


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About `count` round tick values covering low..high (1, 2, 2.5, 5 x 10^n steps)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high - low < 1e-12:
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value < high + step * 0.999:
        ticks.append(round(value, 12))
        value += step
    return ticks


def charts_page(pages: Pages, content: PdfContent) -> None:
    """The time chart on the upper half, the campaign bars below."""
    width = pages.width - 2 * MARGIN
    y = heading(pages, MARGIN, "Charts", 16)
    bottom = pages.height - MARGIN - FOOTER
    chart = content.time_chart
    period_word = {"D": "per day", "W": "per week", "M": "per month"}[chart.freq]
    half = (bottom - y - 24) / 2
    y = heading(pages, y, f"{chart.label} {period_word}", 11)
    _line_chart(pages, QRectF(MARGIN, y, width, half - 24), chart)
    y += half
    bars = content.bars
    y = heading(pages, y, f"{bars.label} by campaign", 11)
    _bar_chart(pages, QRectF(MARGIN, y, width, bottom - y), bars)


# --------------------------------------------------------------------------- time chart


@dataclass(frozen=True)
class _TimeAxes:
    """The plot rectangle (points) and the data ranges its edges stand for."""

    plot: QRectF
    x0: float  # seconds since the epoch
    x1: float
    y_min: float
    y_max: float

    def px(self, seconds: float) -> float:
        plot = self.plot
        if self.x1 == self.x0:
            return plot.x() + plot.width() / 2
        span = (self.x1 - self.x0) or 1.0
        return plot.x() + (seconds - self.x0) / span * plot.width()

    def py(self, value: float) -> float:
        plot = self.plot
        return plot.bottom() - (value - self.y_min) / ((self.y_max - self.y_min) or 1.0) * (
            plot.height()
        )


def _line_chart(pages: Pages, area: QRectF, chart: series.TimeChartData) -> None:
    """Lines over time with a dashed target; NaN breaks the line (never drawn as 0)."""
    values = [line.y for line in chart.lines]
    finite = np.concatenate([v[np.isfinite(v)] for v in values]) if values else np.zeros(0)
    small = pages.font(7)
    if len(chart.x) == 0 or len(finite) == 0:
        pages.text(
            pages.r(area.x(), area.y(), area.width(), area.height()),
            "No dated values to chart for this selection.",
            pages.font(9),
            style.MUTED,
            CENTER,
        )
        return
    low, high = float(finite.min()), float(finite.max())
    if chart.target is not None:
        low, high = min(low, chart.target), max(high, chart.target)
    low = min(low, 0.0) if low >= 0 and low < high * 0.5 else low
    ticks = nice_ticks(low, high)
    label_w = max(pages.text_width(chart.text(t), small) for t in ticks) + 6
    plot = QRectF(area.x() + label_w, area.y() + 6, area.width() - label_w - 8, area.height() - 26)
    axes = _TimeAxes(plot, float(chart.x[0]), float(chart.x[-1]), ticks[0], ticks[-1])
    _time_axes(pages, area, axes, chart, ticks, label_w, small)
    if chart.target is not None:
        yy = axes.py(chart.target)
        pages.line(plot.x(), yy, plot.right(), yy, pages.pen(style.TEXT, 0.8, Qt.PenStyle.DashLine))
    for index, line in enumerate(chart.lines):
        _time_line(pages, axes, chart.x, line.y, _LINE_COLOURS[index % len(_LINE_COLOURS)])
    if chart.target is not None:
        # Drawn over the lines, on white, so that it stays readable where a line crosses.
        label = f"Target {chart.text(chart.target)}"
        label_w = pages.text_width(label, small) + 6
        label_box = pages.r(plot.right() - label_w, axes.py(chart.target) - 13, label_w, 11)
        pages.box(label_box, fill=style.SURFACE)
        pages.text(label_box, label, small, style.TEXT, CENTER)
    if len(chart.lines) > 1:
        legend_x = plot.x()
        for index, line in enumerate(chart.lines):
            colour = _LINE_COLOURS[index % len(_LINE_COLOURS)]
            pages.box(pages.r(legend_x, area.bottom() - 8, 8, 3), fill=colour)
            pages.text(pages.r(legend_x + 11, area.bottom() - 12, 110, 11), line.name, small)
            legend_x += 125


def _time_axes(
    pages: Pages,
    area: QRectF,
    axes: _TimeAxes,
    chart: series.TimeChartData,
    ticks: list[float],
    label_w: float,
    small: QFont,
) -> None:
    """Horizontal grid lines with value labels, the x axis with about seven date labels."""
    plot = axes.plot
    grid = pages.pen(style.BORDER, 0.5)
    for tick in ticks:
        yy = axes.py(tick)
        pages.line(plot.x(), yy, plot.right(), yy, grid)
        pages.text(
            pages.r(area.x(), yy - 6, label_w - 4, 12), chart.text(tick), small, style.MUTED, RIGHT
        )
    pages.line(plot.x(), plot.bottom(), plot.right(), plot.bottom(), pages.pen(style.MUTED, 0.6))
    count = len(chart.x)
    step = max(1, math.ceil(count / 7))
    for i in range(0, count, step):
        xx = axes.px(float(chart.x[i]))
        day = dt.datetime.fromtimestamp(float(chart.x[i]), tz=dt.UTC).date()
        label = f"{day.day} {day:%b}" if chart.freq != "M" else f"{day:%b %Y}"
        pages.line(xx, plot.bottom(), xx, plot.bottom() + 3, pages.pen(style.MUTED, 0.6))
        pages.text(pages.r(xx - 30, plot.bottom() + 4, 60, 11), label, small, style.MUTED, CENTER)


def _time_line(pages: Pages, axes: _TimeAxes, x: np.ndarray, y: np.ndarray, colour: str) -> None:
    """One line; NaN breaks it, and a point with no defined neighbour is a dot."""
    path = QPainterPath()
    drawing = False
    dots: list[QPointF] = []
    for i, value in enumerate(y):
        if not math.isfinite(value):
            drawing = False
            continue
        point = pages.p(axes.px(float(x[i])), axes.py(float(value)))
        isolated = (i == 0 or not math.isfinite(y[i - 1])) and (
            i + 1 >= len(y) or not math.isfinite(y[i + 1])
        )
        if isolated:
            dots.append(point)
        if drawing:
            path.lineTo(point)
        else:
            path.moveTo(point)
            drawing = True
    pages.painter.setPen(pages.pen(colour, 1.6))
    pages.painter.drawPath(path)
    pages.painter.setBrush(QBrush(QColor(colour)))
    for dot in dots:
        pages.painter.drawEllipse(dot, 1.8 * pages.scale, 1.8 * pages.scale)
    pages.painter.setBrush(Qt.BrushStyle.NoBrush)


# --------------------------------------------------------------------------- campaign bars


def _bar_chart(pages: Pages, area: QRectF, bars: series.BarChartData) -> None:
    """Horizontal bars, best first, value at the end of each bar, a dashed target."""
    small = pages.font(7.5)
    if not len(bars.values):
        pages.text(
            pages.r(area.x(), area.y(), area.width(), 30),
            "No campaign has a value for this KPI.",
            pages.font(9),
            style.MUTED,
            LEFT,
        )
        return
    shown = min(len(bars.values), MAX_BARS)
    names = bars.names[:shown]
    values = bars.values[:shown]
    texts = bars.texts[:shown]
    notes = _bar_notes(bars, shown)
    notes_h = 12.0 * len(notes)
    name_w = min(max(pages.text_width(n, small) for n in names) + 8, area.width() * 0.3)
    value_w = max(pages.text_width(t, small) for t in texts) + 8
    plot = QRectF(
        area.x() + name_w, area.y(), area.width() - name_w - value_w, area.height() - notes_h - 4
    )
    low = min(0.0, float(values.min()))
    high = max(0.0, float(values.max()))
    if bars.target is not None:
        low, high = min(low, bars.target), max(high, bars.target)
    high = high or 1.0

    def px(value: float) -> float:
        return plot.x() + (value - low) / ((high - low) or 1.0) * plot.width()

    slot = min(plot.height() / shown, 24.0)
    bar_h = slot * 0.62
    for i, (name, value, text) in enumerate(zip(names, values, texts, strict=True)):
        top = plot.y() + i * slot
        left, right = sorted((px(0.0), px(float(value))))
        pages.box(pages.r(left, top + (slot - bar_h) / 2, right - left, bar_h), fill=style.ACCENT)
        pages.text(
            pages.r(area.x(), top, name_w - 6, slot),
            pages.elide(name, small, name_w - 6),
            small,
            style.TEXT,
            RIGHT,
        )
        pages.text(pages.r(right + 3, top, value_w, slot), text, small, style.TEXT, LEFT)
    bars_bottom = plot.y() + shown * slot
    pages.line(px(0.0), plot.y(), px(0.0), bars_bottom, pages.pen(style.MUTED, 0.6))
    if bars.target is not None:
        _bar_target(pages, px(bars.target), plot.y(), bars_bottom, bars, small)
    y = bars_bottom + 18
    for note in notes:
        pages.text(
            pages.r(area.x(), y, area.width(), 11),
            pages.elide(note, small, area.width()),
            small,
            style.MUTED,
            LEFT,
        )
        y += 12


def _bar_notes(bars: series.BarChartData, shown: int) -> list[str]:
    """Campaigns left off the chart, and those without a value and why."""
    notes: list[str] = []
    if len(bars.values) > shown:
        notes.append(f"{len(bars.values) - shown} more campaigns in the table.")
    if bars.undefined:
        listed = ", ".join(f"{name} ({reason})" for name, reason in bars.undefined[:4])
        more = f" and {len(bars.undefined) - 4} more" if len(bars.undefined) > 4 else ""
        notes.append(f"No value: {listed}{more}.")
    return notes


def _bar_target(
    pages: Pages, xx: float, top: float, bottom: float, bars: series.BarChartData, small: QFont
) -> None:
    """The dashed target line across the bars, labelled under them."""
    pages.line(xx, top - 2, xx, bottom + 2, pages.pen(style.TEXT, 0.8, Qt.PenStyle.DashLine))
    label = f"Target {_target_text(bars)}"
    pages.text(pages.r(xx - 60, bottom + 3, 120, 11), label, small, style.TEXT, CENTER)


def _target_text(bars: series.BarChartData) -> str:
    currency = bars.unit if bars.unit not in ("money", "count") else ""
    assert bars.target is not None
    return series.value_text(bars.measure, bars.target, currency)
