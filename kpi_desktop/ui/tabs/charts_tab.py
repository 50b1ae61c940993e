"""The Charts tab: a KPI or field over time, campaigns compared on it, and the funnel.

Charts are computed only while the tab is visible: a filter change on another tab just
marks them stale, and they catch up when the tab is shown.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kpi_desktop.core import series
from kpi_desktop.core.kpi import KPIS, KpiReport
from kpi_desktop.ui.charts.bar_chart import CampaignBarChart, FunnelChart
from kpi_desktop.ui.charts.time_chart import TimeSeriesChart
from kpi_desktop.ui.session import ReportContext

FREQS = (("D", "By day"), ("W", "By week"), ("M", "By month"))
SPLITS = (
    (None, "All together"),
    ("campaign", "One line per campaign"),
    ("channel", "One line per channel"),
)


class ChartsTab(QWidget):
    """Object name `tab_charts`; its charts are `plot_time_series`, `plot_campaign_bars`,
    `plot_funnel`, chosen with `combo_chart_metric`, `combo_chart_freq`, `combo_chart_split`.

    Signals:
        annotation_requested(date, str): the user wrote a note on a day of the time chart;
            the window saves it as an undoable command and calls `show_annotations`.
    """

    annotation_requested = Signal(object, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tab_charts")
        self.setAccessibleName("tab_charts")
        self.report: KpiReport | None = None
        self.context = ReportContext()
        self._stale = False

        self.combo_chart_metric = QComboBox()
        self.combo_chart_metric.setMaxVisibleItems(25)
        for ident, label in series.chart_measures():
            self.combo_chart_metric.addItem(label, ident)
        self.combo_chart_metric.insertSeparator(len(KPIS))
        self.combo_chart_metric.setCurrentIndex(self.combo_chart_metric.findData("conversion_rate"))
        self.combo_chart_freq = QComboBox()
        for ident, label in FREQS:
            self.combo_chart_freq.addItem(label, ident)
        # Weeks by default: daily rates of small campaigns jump about and hide the trend.
        self.combo_chart_freq.setCurrentIndex(1)
        self.combo_chart_split = QComboBox()
        for split, label in SPLITS:
            self.combo_chart_split.addItem(label, split)
        self.combo_chart_split.setCurrentIndex(1)
        for combo, name, tip in (
            (self.combo_chart_metric, "combo_chart_metric", "The KPI or input field to chart"),
            (self.combo_chart_freq, "combo_chart_freq", "Sum the data per day, week or month"),
            (
                self.combo_chart_split,
                "combo_chart_split",
                "One line, or one per campaign or channel (top 7 + others)",
            ),
        ):
            combo.setObjectName(name)
            combo.setAccessibleName(name)
            combo.setToolTip(tip)
            combo.currentIndexChanged.connect(self._controls_changed)

        self.label_heading = QLabel()
        self.label_heading.setObjectName("label_subheading")
        self.label_heading.setWordWrap(True)
        self.plot_time_series = TimeSeriesChart()
        self.plot_time_series.annotation_added.connect(self.annotation_requested)
        self.plot_campaign_bars = CampaignBarChart()
        self.plot_funnel = FunnelChart()

        controls = QHBoxLayout()
        controls.setSpacing(8)
        chart = QLabel("Chart")
        chart.setObjectName("label_filter")
        controls.addWidget(chart)
        controls.addWidget(self.combo_chart_metric)
        controls.addWidget(self.combo_chart_freq)
        controls.addWidget(self.combo_chart_split)
        controls.addSpacing(12)
        controls.addWidget(self.label_heading, 1)
        bottom = QHBoxLayout()
        bottom.setSpacing(18)
        bottom.addWidget(self.plot_campaign_bars, 1)
        bottom.addWidget(self.plot_funnel, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 14, 24, 14)
        layout.setSpacing(10)
        layout.addLayout(controls)
        layout.addWidget(self.plot_time_series, 3)
        layout.addLayout(bottom, 2)

    # -- choices
    @property
    def measure(self) -> str:
        return str(self.combo_chart_metric.currentData())

    @property
    def freq(self) -> series.Freq:
        return self.combo_chart_freq.currentData()  # type: ignore[no-any-return]

    @property
    def split(self) -> series.Split:
        return self.combo_chart_split.currentData()  # type: ignore[no-any-return]

    # -- data
    def show_report(self, report: KpiReport, context: ReportContext) -> None:
        self.report, self.context = report, context
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _controls_changed(self) -> None:
        if self.report is not None:
            self.refresh()

    def refresh(self) -> None:
        """Recompute the three charts for the current selection (setData, no new items)."""
        self._stale = False
        report, context = self.report, self.context
        if report is None:
            return
        self.label_heading.setText(context.filter_text or context.period_text)
        data = context.data
        if data is not None and context.selection is not None:
            self.plot_time_series.set_data(
                data.time_chart(
                    context.selection,
                    self.measure,
                    self.freq,
                    self.split,
                    targets=context.targets,
                    currency=context.currency,
                )
            )
            self.plot_time_series.set_annotations(data.annotations())
        self.plot_campaign_bars.set_data(
            series.campaign_bars(
                report, self.measure, targets=context.targets, currency=context.currency
            )
        )
        self.plot_funnel.set_data(series.funnel_data(report.total))

    def show_annotations(self) -> None:
        """Draw the workspace's chart notes again (after one was added or undone)."""
        if self.context.data is not None:
            self.plot_time_series.set_annotations(self.context.data.annotations())
