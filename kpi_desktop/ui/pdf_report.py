"""The PDF report (DESIGN section 8): summary with KPI cards, vector charts, campaign table.

Every number comes from the core (`series.DataView`, the same reports the dashboard
shows) and every string from `core.format`; this module only places them on pages.
Pages are drawn with QPainter into Qt's own PDF writer, so charts stay vector graphics
and text stays text. The document is rendered into memory and written atomically, so a
failure or a cancellation leaves no partial file.

Pages: 1 the title block (period, comparison period, filters) and the nine KPI cards;
2 a KPI over time and the campaign comparison; 3+ the campaign table in landscape,
its header repeated on every page.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QMarginsF,
    QPointF,
    QRectF,
    Qt,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
)
from PySide6.QtWidgets import QApplication

from kpi_desktop import APP_NAME
from kpi_desktop.core import format as fmt
from kpi_desktop.core import report as core_report
from kpi_desktop.core import series
from kpi_desktop.core.kpi import KPI_BY_ID, KPIS, Kpi
from kpi_desktop.core.progress import Progress, check
from kpi_desktop.ui import style

if TYPE_CHECKING:
    from kpi_desktop.core.store import Workspace

PAGE_SIZES: dict[str, QPageSize.PageSizeId] = {
    "A4": QPageSize.PageSizeId.A4,
    "Letter": QPageSize.PageSizeId.Letter,
}
#: Device units per inch. Fonts are in points; geometry below is in points too.
RESOLUTION = 300
MARGIN = 40.0  # pt, every side
FOOTER = 18.0  # pt reserved at the bottom for the page footer
TABLE_FIELDS: tuple[str, ...] = ("users", "clicks", "conversions", "spend")
TABLE_ROW_HEIGHT = 17.0
TABLE_HEADER_HEIGHT = 30.0
#: Bars drawn at most; more campaigns than this are listed in the table only.
MAX_BARS = 15
_STATUS_COLOURS = {"good": style.GOOD, "warn": style.WARN, "bad": style.BAD}

_app: QApplication | None = None  # kept alive when this module had to create it


# --------------------------------------------------------------------------- content


@dataclass(frozen=True)
class PdfContent:
    """Everything the pages show, computed by the core and already formatted."""

    title: str
    workspace_name: str
    info: tuple[tuple[str, str], ...]  # (label, text) lines of the title block
    cards: tuple[series.KpiCardData, ...]
    time_chart: series.TimeChartData
    bars: series.BarChartData
    table_header: tuple[str, ...]
    table_rows: tuple[tuple[str, ...], ...]  # the last row is the total
    table_notes: tuple[str, ...]
    generated: str


def _selection(
    facts: pd.DataFrame,
    start: object,
    end: object,
    campaigns: Sequence[str] | None,
    channels: Sequence[str] | None,
) -> series.FilterSelection:
    period = core_report.workspace_period(facts, start, end)
    campaign_keys = tuple(campaigns) if campaigns is not None else None
    channel_names = tuple(channels) if channels is not None else None
    if period is None:
        return series.FilterSelection(series.ALL, None, None, campaign_keys, channel_names)
    first, last = (p.date() for p in period)
    return series.FilterSelection(series.CUSTOM, first, last, campaign_keys, channel_names)


def _chart_kpi(rows: pd.DataFrame) -> Kpi:
    """The first KPI of the Excel report's preference with the most defined values."""
    counts = {
        kpi_id: int(rows[kpi_id].notna().sum()) if kpi_id in rows else 0
        for kpi_id in core_report.CHART_PREFERENCE
    }
    return KPI_BY_ID[max(core_report.CHART_PREFERENCE, key=lambda k: counts[k])]


def gather_content(
    ws: Workspace,
    *,
    start: object = None,
    end: object = None,
    campaigns: Sequence[str] | None = None,
    channels: Sequence[str] | None = None,
    title: str | None = None,
    filters_text: str | None = None,
    workspace_name: str = "",
    today: dt.date | None = None,
) -> PdfContent:
    """The report's numbers and texts for the selection, from the core alone."""
    facts, _ = core_report.workspace_selection(ws, campaigns=campaigns, channels=channels)
    selection = _selection(facts, start, end, campaigns, channels)
    view = series.DataView(ws)
    currency = ws.reporting_currency
    targets = ws.targets().get(None, {})
    result = view.report(selection)
    dashboard = view.dashboard(selection, result, targets=targets, currency=currency)
    period = view.period(selection)
    chart_kpi = _chart_kpi(result.rows)
    days = (period[1] - period[0]).days + 1 if period else None
    if days is None and view.data_range is not None:
        days = (view.data_range[1] - view.data_range[0]).days + 1
    freq: series.Freq = "W" if days and days > series.WEEKLY_SPARK_DAYS else "D"
    time_chart = view.time_chart(selection, chart_kpi.id, freq, targets=targets, currency=currency)
    bars = series.campaign_bars(result, chart_kpi.id, targets=targets, currency=currency)

    if filters_text is None:
        filters_text = core_report.workspace_filter_text(ws, campaigns=campaigns, channels=channels)
    previous = series.period_text(dashboard.previous) if dashboard.previous else "—"
    users_note = (
        "distinct people (event log)"
        if result.users_exact
        else "sum of daily users (a person active on two days counts twice)"
    )
    info = (
        ("Period", series.period_text(period)),
        ("Compared with", previous),
        ("Filters", filters_text or "none"),
        ("Currency", currency or "—"),
        ("Users", users_note),
    )
    if result.missing_fx:
        info = (*info, ("Exchange rates", f"missing for {', '.join(result.missing_fx)}"))

    header = (
        "Campaign",
        *(series.measure_label(name) for name in TABLE_FIELDS),
        *(k.name for k in KPIS),
    )
    rows: list[tuple[str, ...]] = []
    undefined = 0
    labelled = [(str(r.get("campaign") or key), r) for key, r in result.rows.iterrows()]
    for name, row in [*labelled, ("Total", result.total)]:
        cells = [name]
        cells += [
            fmt.field_value(f, fmt.optional_number(row.get(f)), currency) for f in TABLE_FIELDS
        ]
        values = [fmt.kpi_value(k, fmt.optional_number(row.get(k.id)), currency) for k in KPIS]
        undefined += values.count(fmt.EM_DASH)
        cells += values
        rows.append(tuple(cells))
    notes = (f"{fmt.EM_DASH} = undefined: a zero or missing denominator or input.",)
    notes = notes if undefined else ()
    day = today or dt.date.today()
    return PdfContent(
        title=title or "KPI report",
        workspace_name=workspace_name,
        info=info,
        cards=dashboard.cards,
        time_chart=time_chart,
        bars=bars,
        table_header=header,
        table_rows=tuple(rows),
        table_notes=notes,
        generated=series.day_text(day),
    )


# --------------------------------------------------------------------------- layout helpers


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


# --------------------------------------------------------------------------- painter


class _Pages:
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


_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter
_TOP_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
_WRAP = Qt.AlignmentFlag(int(Qt.TextFlag.TextWordWrap))


# --------------------------------------------------------------------------- pages


def _footer(pages: _Pages, content: PdfContent, number: int, total: int) -> None:
    y = pages.height - MARGIN + 4
    width = pages.width - 2 * MARGIN
    pages.line(MARGIN, y, MARGIN + width, y, pages.pen(style.BORDER))
    small = pages.font(7)
    left = (
        f"{content.title} · {content.workspace_name}" if content.workspace_name else content.title
    )
    left = f"{left} · generated {content.generated} by {APP_NAME}"
    pages.text(pages.r(MARGIN, y + 2, width * 0.8, 12), left, small, style.MUTED, _LEFT)
    pages.text(
        pages.r(MARGIN, y + 2, width, 12), f"Page {number} of {total}", small, style.MUTED, _RIGHT
    )


def _heading(pages: _Pages, y: float, text: str, size: float = 13) -> float:
    pages.text(
        pages.r(MARGIN, y, pages.width - 2 * MARGIN, size * 1.6),
        text,
        pages.font(size, bold=True),
    )
    return y + size * 1.6 + 4


def _summary_page(pages: _Pages, content: PdfContent) -> None:
    width = pages.width - 2 * MARGIN
    y = MARGIN
    pages.box(pages.r(MARGIN, y, width, 4), fill=style.ACCENT)
    y += 14
    pages.text(pages.r(MARGIN, y, width, 30), content.title, pages.font(22, bold=True))
    y += 32
    if content.workspace_name:
        pages.text(
            pages.r(MARGIN, y, width, 16), content.workspace_name, pages.font(11), style.MUTED
        )
        y += 18
    y += 6
    label_font, value_font = pages.font(9, bold=True), pages.font(9)
    for label, value in content.info:
        pages.text(pages.r(MARGIN, y, 90, 14), label, label_font, style.MUTED, _LEFT)
        pages.text(pages.r(MARGIN + 92, y, width - 92, 14), value, value_font, style.TEXT, _LEFT)
        y += 15
    y += 12
    y = _heading(pages, y, "Key figures")
    columns, gap = 3, 10.0
    card_w = (width - gap * (columns - 1)) / columns
    available = pages.height - MARGIN - FOOTER - y
    rows = math.ceil(len(content.cards) / columns)
    card_h = min(128.0, (available - gap * (rows - 1)) / rows)
    for index, card in enumerate(content.cards):
        col, row = index % columns, index // columns
        _card(pages, MARGIN + col * (card_w + gap), y + row * (card_h + gap), card_w, card_h, card)


def _card(pages: _Pages, x: float, y: float, w: float, h: float, card: series.KpiCardData) -> None:
    pages.box(pages.r(x, y, w, h), fill=style.SURFACE, border=style.BORDER, radius=5)
    pad = 9.0
    inner = w - 2 * pad
    name_font = pages.font(8.5, bold=True)
    pages.text(
        pages.r(x + pad, y + pad, inner, 13),
        pages.elide(card.kpi.name, name_font, inner),
        name_font,
        style.MUTED,
        _LEFT,
    )
    undefined = card.value is None
    pages.text(
        pages.r(x + pad, y + pad + 14, inner, 26),
        card.value_text,
        pages.font(19, bold=True),
        style.UNDEFINED if undefined else style.TEXT,
        _LEFT,
    )
    small = pages.font(7.5)
    line_y = y + pad + 44
    if undefined:
        pages.text(
            pages.r(x + pad, line_y, inner, 22),
            card.reason or "not enough data",
            small,
            style.UNDEFINED,
            _TOP_LEFT | _WRAP,
        )
        line_y += 24
    else:
        # Two lines: "($15,314.33 spend + $540.00 other cost) / 275 conversions" is long.
        lines = 1 if pages.text_width(card.detail, small) <= inner else 2
        pages.text(
            pages.r(x + pad, line_y, inner, 10.5 * lines),
            card.detail,
            small,
            style.MUTED,
            _TOP_LEFT | _WRAP,
        )
        line_y += 10.5 * lines + 2.5
    if card.change is not None:
        colour = style.MUTED
        if card.change_good is True:
            colour = style.GOOD
        elif card.change_good is False:
            colour = style.BAD
        change = pages.elide(card.change_text, small, inner)
        pages.text(pages.r(x + pad, line_y, inner, 11), change, small, colour, _LEFT)
        line_y += 12
        previous = f"Previous period: {card.previous_text}"
        pages.text(pages.r(x + pad, line_y, inner, 11), previous, small, style.MUTED, _LEFT)
        line_y += 12
    status_colour = _STATUS_COLOURS.get(card.status or "", style.MUTED)
    status_font = pages.font(7.5, bold=card.status is not None)
    pages.text(
        pages.r(x + pad, y + h - pad - 11, inner, 11),
        pages.elide(card.status_text, status_font, inner),
        status_font,
        status_colour,
        _LEFT,
    )


def _charts_page(pages: _Pages, content: PdfContent) -> None:
    width = pages.width - 2 * MARGIN
    y = _heading(pages, MARGIN, "Charts", 16)
    bottom = pages.height - MARGIN - FOOTER
    chart = content.time_chart
    period_word = {"D": "per day", "W": "per week", "M": "per month"}[chart.freq]
    half = (bottom - y - 24) / 2
    y = _heading(pages, y, f"{chart.label} {period_word}", 11)
    _line_chart(pages, QRectF(MARGIN, y, width, half - 24), chart)
    y += half
    bars = content.bars
    y = _heading(pages, y, f"{bars.label} by campaign", 11)
    _bar_chart(pages, QRectF(MARGIN, y, width, bottom - y), bars)


def _line_chart(pages: _Pages, area: QRectF, chart: series.TimeChartData) -> None:
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
            _CENTER,
        )
        return
    low, high = float(finite.min()), float(finite.max())
    if chart.target is not None:
        low, high = min(low, chart.target), max(high, chart.target)
    low = min(low, 0.0) if low >= 0 and low < high * 0.5 else low
    ticks = nice_ticks(low, high)
    y_min, y_max = ticks[0], ticks[-1]
    label_w = max(pages.text_width(chart.text(t), small) for t in ticks) + 6
    plot = QRectF(area.x() + label_w, area.y() + 6, area.width() - label_w - 8, area.height() - 26)
    x0, x1 = float(chart.x[0]), float(chart.x[-1])
    span = (x1 - x0) or 1.0

    def px(seconds: float) -> float:
        if x1 == x0:
            return plot.x() + plot.width() / 2
        return plot.x() + (seconds - x0) / span * plot.width()

    def py(value: float) -> float:
        return plot.bottom() - (value - y_min) / ((y_max - y_min) or 1.0) * plot.height()

    grid = pages.pen(style.BORDER, 0.5)
    for tick in ticks:
        yy = py(tick)
        pages.line(plot.x(), yy, plot.right(), yy, grid)
        pages.text(
            pages.r(area.x(), yy - 6, label_w - 4, 12), chart.text(tick), small, style.MUTED, _RIGHT
        )
    pages.line(plot.x(), plot.bottom(), plot.right(), plot.bottom(), pages.pen(style.MUTED, 0.6))
    count = len(chart.x)
    step = max(1, math.ceil(count / 7))
    for i in range(0, count, step):
        xx = px(float(chart.x[i]))
        day = dt.datetime.fromtimestamp(float(chart.x[i]), tz=dt.UTC).date()
        label = f"{day.day} {day:%b}" if chart.freq != "M" else f"{day:%b %Y}"
        pages.line(xx, plot.bottom(), xx, plot.bottom() + 3, pages.pen(style.MUTED, 0.6))
        pages.text(pages.r(xx - 30, plot.bottom() + 4, 60, 11), label, small, style.MUTED, _CENTER)
    if chart.target is not None:
        yy = py(chart.target)
        pages.line(plot.x(), yy, plot.right(), yy, pages.pen(style.TEXT, 0.8, Qt.PenStyle.DashLine))
    colours = (style.ACCENT, "#e69f00", "#009e73", style.BAD, "#cc79a7", "#56b4e9", "#000000")
    for index, line in enumerate(chart.lines):
        colour = colours[index % len(colours)]
        path = QPainterPath()
        drawing = False
        dots: list[QPointF] = []
        for i, value in enumerate(line.y):
            if not math.isfinite(value):
                drawing = False
                continue
            point = pages.p(px(float(chart.x[i])), py(float(value)))
            isolated = (i == 0 or not math.isfinite(line.y[i - 1])) and (
                i + 1 >= len(line.y) or not math.isfinite(line.y[i + 1])
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
    if chart.target is not None:
        # Drawn over the lines, on white, so that it stays readable where a line crosses.
        label = f"Target {chart.text(chart.target)}"
        label_w = pages.text_width(label, small) + 6
        label_box = pages.r(plot.right() - label_w, py(chart.target) - 13, label_w, 11)
        pages.box(label_box, fill=style.SURFACE)
        pages.text(label_box, label, small, style.TEXT, _CENTER)
    if len(chart.lines) > 1:
        legend_x = plot.x()
        for index, line in enumerate(chart.lines):
            colour = colours[index % len(colours)]
            pages.box(pages.r(legend_x, area.bottom() - 8, 8, 3), fill=colour)
            pages.text(pages.r(legend_x + 11, area.bottom() - 12, 110, 11), line.name, small)
            legend_x += 125


def _bar_chart(pages: _Pages, area: QRectF, bars: series.BarChartData) -> None:
    """Horizontal bars, best first, value at the end of each bar, a dashed target."""
    small = pages.font(7.5)
    if not len(bars.values):
        pages.text(
            pages.r(area.x(), area.y(), area.width(), 30),
            "No campaign has a value for this KPI.",
            pages.font(9),
            style.MUTED,
            _LEFT,
        )
        return
    shown = min(len(bars.values), MAX_BARS)
    names = bars.names[:shown]
    values = bars.values[:shown]
    texts = bars.texts[:shown]
    notes: list[str] = []
    if len(bars.values) > shown:
        notes.append(f"{len(bars.values) - shown} more campaigns in the table.")
    if bars.undefined:
        listed = ", ".join(f"{name} ({reason})" for name, reason in bars.undefined[:4])
        more = f" and {len(bars.undefined) - 4} more" if len(bars.undefined) > 4 else ""
        notes.append(f"No value: {listed}{more}.")
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
            _RIGHT,
        )
        pages.text(pages.r(right + 3, top, value_w, slot), text, small, style.TEXT, _LEFT)
    bars_bottom = plot.y() + shown * slot
    pages.line(px(0.0), plot.y(), px(0.0), bars_bottom, pages.pen(style.MUTED, 0.6))
    if bars.target is not None:
        xx = px(bars.target)
        pages.line(
            xx, plot.y() - 2, xx, bars_bottom + 2, pages.pen(style.TEXT, 0.8, Qt.PenStyle.DashLine)
        )
        label = f"Target {_target_text(bars)}"
        pages.text(pages.r(xx - 60, bars_bottom + 3, 120, 11), label, small, style.TEXT, _CENTER)
    y = bars_bottom + 18
    for note in notes:
        pages.text(
            pages.r(area.x(), y, area.width(), 11),
            pages.elide(note, small, area.width()),
            small,
            style.MUTED,
            _LEFT,
        )
        y += 12


def _target_text(bars: series.BarChartData) -> str:
    currency = bars.unit if bars.unit not in ("money", "count") else ""
    assert bars.target is not None
    return series.value_text(bars.measure, bars.target, currency)


def _table_layout(pages: _Pages, content: PdfContent) -> tuple[list[float], QFont, QFont]:
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


def _table_page(
    pages: _Pages,
    content: PdfContent,
    rows: range,
    widths: list[float],
    fonts: tuple[QFont, QFont],
    first: bool,
    last: bool,
) -> None:
    font, bold = fonts
    width = pages.width - 2 * MARGIN
    y = _heading(pages, MARGIN, "Campaigns" if first else "Campaigns (continued)", 14)
    period = dict(content.info).get("Period", "")
    pages.text(pages.r(MARGIN, y - 4, width, 12), period, pages.font(8), style.MUTED, _LEFT)
    y += 12
    # Header, repeated on every page.
    pages.box(pages.r(MARGIN, y, width, TABLE_HEADER_HEIGHT), fill=style.ACCENT_SOFT)
    x = MARGIN
    for column, (title, w) in enumerate(zip(content.table_header, widths, strict=True)):
        align = _LEFT if column == 0 else _RIGHT
        pages.text(
            pages.r(x + 4, y + 2, w - 8, TABLE_HEADER_HEIGHT - 4),
            title,
            bold,
            style.TEXT,
            align | _WRAP,
        )
        x += w
    y += TABLE_HEADER_HEIGHT
    total_index = len(content.table_rows) - 1
    for index in rows:
        cells = content.table_rows[index]
        is_total = index == total_index
        if is_total:
            pages.box(pages.r(MARGIN, y, width, TABLE_ROW_HEIGHT), fill=style.TOTAL_ROW)
        elif index % 2:
            pages.box(pages.r(MARGIN, y, width, TABLE_ROW_HEIGHT), fill="#fafbfc")
        x = MARGIN
        cell_font = bold if is_total else font
        for column, (text, w) in enumerate(zip(cells, widths, strict=True)):
            shown = pages.elide(text, cell_font, w - 8) if column == 0 else text
            colour = style.UNDEFINED if text == fmt.EM_DASH else style.TEXT
            pages.text(
                pages.r(x + 4, y, w - 8, TABLE_ROW_HEIGHT),
                shown,
                cell_font,
                colour,
                _LEFT if column == 0 else _RIGHT,
            )
            x += w
        y += TABLE_ROW_HEIGHT
        pages.line(MARGIN, y, MARGIN + width, y, pages.pen(style.BORDER, 0.4))
    if last:
        y += 8
        for note in content.table_notes:
            pages.text(pages.r(MARGIN, y, width, 11), note, pages.font(7), style.MUTED, _LEFT)
            y += 12


def _table_capacity(height: float) -> int:
    top = MARGIN + 14 * 1.6 + 4 + 12 + TABLE_HEADER_HEIGHT
    bottom = height - MARGIN - FOOTER - 30  # room for the notes under the last row
    return max(1, int((bottom - top) // TABLE_ROW_HEIGHT))


def render_pdf(
    content: PdfContent,
    *,
    page_size: str = "A4",
    progress: Progress | None = None,
) -> bytes:
    """The report as PDF bytes (nothing is written to disk here).

    Raises:
        ValueError: for an unknown page size.
        Cancelled: when `progress` is cancelled.
    """
    if page_size not in PAGE_SIZES:
        raise ValueError(f"unknown page size {page_size!r}; use {' or '.join(PAGE_SIZES)}")
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    pages = _Pages(buffer, page_size, content.title)
    try:
        landscape = QPageSize(PAGE_SIZES[page_size]).size(QPageSize.Unit.Point)
        capacity = _table_capacity(min(landscape.width(), landscape.height()))
        table_pages = paginate(len(content.table_rows), capacity, capacity)
        total = 2 + len(table_pages)
        portrait = QPageLayout.Orientation.Portrait
        pages.new_page(portrait)
        _summary_page(pages, content)
        _footer(pages, content, 1, total)
        _progress(progress, 0.3, "Drawing charts")
        pages.new_page(portrait)
        _charts_page(pages, content)
        _footer(pages, content, 2, total)
        _progress(progress, 0.5, "Drawing the campaign table")
        pages.new_page(QPageLayout.Orientation.Landscape)
        widths, font, bold = _table_layout(pages, content)
        for number, rows in enumerate(table_pages):
            if number:
                pages.new_page(QPageLayout.Orientation.Landscape)
            last = number == len(table_pages) - 1
            _table_page(pages, content, rows, widths, (font, bold), number == 0, last)
            _footer(pages, content, 3 + number, total)
            _progress(progress, 0.5 + 0.4 * (number + 1) / len(table_pages), "")
    finally:
        pages.end()
        buffer.close()
    return bytes(data.data())


def _progress(progress: Progress | None, fraction: float, message: str) -> None:
    if progress is not None:
        check(progress, fraction, message)


def ensure_application() -> QGuiApplication:
    """The running application, or a new offscreen one for headless use (the CLI)."""
    global _app
    instance = QCoreApplication.instance()
    if instance is not None:
        if not isinstance(instance, QGuiApplication):
            raise RuntimeError("the PDF report needs a QGuiApplication, not a QCoreApplication")
        return instance
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # A QApplication rather than a bare QGuiApplication, so that widgets may follow.
    _app = QApplication([sys.argv[0] if sys.argv and sys.argv[0] else APP_NAME])
    return _app


def export_workspace_pdf(
    ws: Workspace,
    path: str | os.PathLike[str],
    *,
    start: object = None,
    end: object = None,
    campaigns: Sequence[str] | None = None,
    channels: Sequence[str] | None = None,
    page_size: str = "A4",
    title: str | None = None,
    filters_text: str | None = None,
    workspace_name: str | None = None,
    progress: Progress | None = None,
) -> None:
    """Write the PDF report of a workspace selection atomically.

    Args:
        ws: the workspace.
        path: the .pdf file (replaced atomically; nothing is left behind on failure).
        start: first day (None with `end` None: all dates); an open end is closed by
            the data's first/last day.
        end: last day.
        campaigns: canonical campaign keys (None: all).
        channels: channel names (None: all).
        page_size: "A4" or "Letter".
        title: the report title ("KPI report").
        filters_text: the filter in words (the UI passes the filter bar's summary).
        workspace_name: shown under the title; by default the workspace file's name.
        progress: reports fractions; its cancellation stops the export (no file).
    """
    ensure_application()
    if page_size not in PAGE_SIZES:
        raise ValueError(f"unknown page size {page_size!r}; use {' or '.join(PAGE_SIZES)}")
    _progress(progress, 0.0, "Summarising")
    name = workspace_name if workspace_name is not None else (Path(ws.path).name if ws.path else "")
    content = gather_content(
        ws,
        start=start,
        end=end,
        campaigns=campaigns,
        channels=channels,
        title=title,
        filters_text=filters_text,
        workspace_name=name,
    )
    _progress(progress, 0.2, "Drawing the summary")
    data = render_pdf(content, page_size=page_size, progress=progress)
    _progress(progress, 0.95, "Saving")
    core_report.write_bytes(path, data)
    _progress(progress, 1.0, "Done")


__all__ = ["PAGE_SIZES", "export_workspace_pdf", "gather_content", "render_pdf"]
