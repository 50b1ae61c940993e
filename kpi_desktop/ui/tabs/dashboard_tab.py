"""The Dashboard tab: a card per KPI (value, change, sparkline, target), funnel and ranking.

Every number comes from `core.series` (which uses `kpi` and `analysis`); this module
only places the values and texts it gets.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kpi_desktop.core import format as fmt
from kpi_desktop.core import series
from kpi_desktop.core.analysis import FUNNEL_STEPS
from kpi_desktop.core.kpi import KPIS, KpiReport, whole_site
from kpi_desktop.core.series import DashboardData, KpiCardData
from kpi_desktop.ui import style
from kpi_desktop.ui.session import ReportContext
from kpi_desktop.ui.widgets.kpi_card import STATUS_COLOURS, KpiCard

COLUMNS = 3
RANK_COUNT = 3
PANEL_SHEET = f"""
QFrame#panel {{ background: {style.SURFACE}; border: 1px solid {style.BORDER};
    border-radius: 8px; }}
QLabel#panel_title {{ color: {style.MUTED}; font-weight: 600; }}
QLabel#funnel_rate {{ color: {style.MUTED}; }}
QLabel#rank_heading {{ color: {style.MUTED}; }}
"""


class FunnelStrip(QFrame):
    """Users → interactions → clicks → visitors → conversions as a row of numbers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.setAccessibleName("dashboard_funnel")
        title = QLabel("Funnel: from chat to sale")
        title.setObjectName("panel_title")
        row = QHBoxLayout()
        row.setSpacing(6)
        self.value_labels: list[QLabel] = []
        self.rate_labels: list[QLabel] = []
        for i, _ in enumerate(FUNNEL_STEPS):
            if i:
                rate = QLabel()
                rate.setObjectName("funnel_rate")
                rate.setAlignment(Qt.AlignmentFlag.AlignCenter)
                rate.setWordWrap(True)
                self.rate_labels.append(rate)
                row.addWidget(rate, 1)
            value = QLabel()
            value.setObjectName("funnel_value")
            value.setAlignment(Qt.AlignmentFlag.AlignCenter)
            value.setTextFormat(Qt.TextFormat.RichText)
            self.value_labels.append(value)
            row.addWidget(value, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 12)
        layout.addWidget(title)
        layout.addLayout(row)

    def set_data(self, data: series.FunnelData) -> None:
        for label, name, value in zip(
            self.value_labels, data.labels, data.value_texts, strict=True
        ):
            label.setText(
                f"<span style='font-size:15pt; font-weight:700'>{html.escape(value)}</span>"
                f"<br><span style='color:{style.MUTED}'>{html.escape(name)}</span>"
            )
        for label, rate in zip(self.rate_labels, data.rate_texts[1:], strict=True):
            label.setText(f"→\n{rate}")


class RankingPanel(QFrame):
    """Best and worst campaigns on a KPI the user picks (`combo_rank_kpi`)."""

    kpi_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.setAccessibleName("dashboard_ranking")
        title = QLabel("Best and worst campaigns by")
        title.setObjectName("panel_title")
        self.combo_rank_kpi = QComboBox()
        self.combo_rank_kpi.setObjectName("combo_rank_kpi")
        self.combo_rank_kpi.setAccessibleName("combo_rank_kpi")
        for k in KPIS:
            self.combo_rank_kpi.addItem(k.name, k.id)
        self.combo_rank_kpi.setCurrentIndex(self.combo_rank_kpi.findData("roas"))
        self.combo_rank_kpi.currentIndexChanged.connect(
            lambda i: self.kpi_chosen.emit(str(self.combo_rank_kpi.itemData(i)))
        )
        top = QHBoxLayout()
        top.addWidget(title)
        top.addWidget(self.combo_rank_kpi)
        top.addStretch(1)
        self.label_best = QLabel()
        self.label_best.setObjectName("label_best")
        self.label_best.setTextFormat(Qt.TextFormat.RichText)
        self.label_worst = QLabel()
        self.label_worst.setObjectName("label_worst")
        self.label_worst.setTextFormat(Qt.TextFormat.RichText)
        self.label_undefined = QLabel()
        self.label_undefined.setObjectName("label_note")
        columns = QHBoxLayout()
        columns.addWidget(self.label_best, 1, Qt.AlignmentFlag.AlignTop)
        columns.addWidget(self.label_worst, 1, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 12)
        layout.addLayout(top)
        layout.addLayout(columns)
        layout.addWidget(self.label_undefined)

    @property
    def kpi_id(self) -> str:
        return str(self.combo_rank_kpi.currentData())

    def set_data(self, data: series.RankingData) -> None:
        def block(title: str, colour: str, entries: tuple[tuple[str, str], ...]) -> str:
            lines = [f"<span style='color:{colour}; font-weight:600'>{title}</span>"]
            lines += [
                f"{i}. {html.escape(name)} &nbsp;<b>{html.escape(value)}</b>"
                for i, (name, value) in enumerate(entries, 1)
            ]
            if not entries:
                lines.append("<i>no campaign has a value</i>")
            return "<br>".join(lines)

        self.label_best.setText(block("▲ Best", style.GOOD, data.best))
        self.label_worst.setText(block("▼ Worst", style.BAD, data.worst))
        self.label_undefined.setText(
            f"{data.undefined} campaign(s) without a value are left out" if data.undefined else ""
        )
        self.label_undefined.setVisible(bool(data.undefined))


class DashboardTab(QWidget):
    """KPI cards for the selection, compared with the previous period of equal length."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tab_dashboard")
        self.setAccessibleName("tab_dashboard")
        self.setStyleSheet(PANEL_SHEET)
        self.report: KpiReport | None = None
        self.context = ReportContext()
        self._stale = False  # a report arrived while the tab was hidden
        self.data: DashboardData | None = None
        self.label_heading = QLabel()
        self.label_heading.setObjectName("label_heading")
        self.label_heading.setFont(style.scaled_font(self.font(), 1.45, bold=True))
        self.label_subheading = QLabel()
        self.label_subheading.setObjectName("label_subheading")
        self.label_subheading.setWordWrap(True)
        self.label_users_note = QLabel()
        self.label_users_note.setObjectName("label_note")
        self.label_users_note.setWordWrap(True)
        self.label_site_traffic = QLabel()
        self.label_site_traffic.setObjectName("label_note")
        self.label_site_traffic.setAccessibleName("label_site_traffic")
        self.label_site_traffic.setWordWrap(True)
        self.label_site_traffic.setToolTip(SITE_TRAFFIC_TOOLTIP)
        self.label_site_traffic.setVisible(False)
        self.frame_sample = QFrame()
        self.frame_sample.setObjectName("banner")
        banner = QHBoxLayout(self.frame_sample)
        banner.setContentsMargins(12, 8, 12, 8)
        self.label_sample = QLabel(
            "<b>Sample data:</b> six made-up chatbot campaigns. For your own numbers, "
            "File › New, then File › Import (Ctrl+I) your ad, analytics and bot exports."
        )
        self.label_sample.setWordWrap(True)
        banner.addWidget(self.label_sample)
        self.frame_sample.setVisible(False)
        self.cards: dict[str, KpiCard] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(8)  # with the tighter page, the whole dashboard fits 1366x860
        for i, kpi in enumerate(KPIS):
            card = KpiCard(kpi.id, kpi.name)
            self.cards[kpi.id] = card
            grid.addWidget(card, i // COLUMNS, i % COLUMNS)
        for column in range(COLUMNS):
            grid.setColumnStretch(column, 1)
        self.funnel = FunnelStrip()
        self.ranking = RankingPanel()
        self.ranking.kpi_chosen.connect(self._rank_kpi_chosen)
        bottom = QHBoxLayout()
        bottom.setSpacing(12)
        bottom.addWidget(self.funnel, 2)
        bottom.addWidget(self.ranking, 1)

        page = QWidget()
        page.setObjectName("page")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(24, 10, 24, 10)
        layout.setSpacing(6)
        layout.addWidget(self.frame_sample)
        layout.addWidget(self.label_heading)
        layout.addWidget(self.label_subheading)
        layout.addWidget(self.label_users_note)
        layout.addWidget(self.label_site_traffic)
        layout.addSpacing(2)
        layout.addLayout(grid)
        layout.addSpacing(2)
        layout.addLayout(bottom)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def show_report(self, report: KpiReport, context: ReportContext) -> None:
        """Show the selection's report; with `context.data`, also changes and sparklines.

        A dashboard on a tab the user is not looking at only remembers the report: its
        comparison and sparklines are computed when the tab is shown (filter changes on
        the Charts tab then stay under 200 ms on a million rows).
        """
        self.report, self.context = report, context
        self._stale = True
        if self.parentWidget() is None or self.isVisible():
            self._render()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._render()

    def _render(self) -> None:
        report, context = self.report, self.context
        assert report is not None
        self._stale = False
        campaigns = len(report.rows)
        self.frame_sample.setVisible(context.is_sample)
        targets = context.targets
        if context.data is not None and context.selection is not None:
            data = context.data.dashboard(
                context.selection,
                report,
                targets=targets,
                rank_kpi=self.ranking.kpi_id,
                currency=context.currency,
            )
        else:
            data = series.dashboard_data(
                report, targets=targets, rank_kpi=self.ranking.kpi_id, currency=context.currency
            )
        self.data = data
        self.label_heading.setText(context.period_text)
        parts = []
        if data.previous is not None:
            parts.append(f"Changes compared with {series.period_text(data.previous)}")
        if context.filter_text:
            parts.append(context.filter_text.split(" · ", 1)[-1])
        else:
            parts.append("all campaigns")
        plural = "campaign" if campaigns == 1 else "campaigns"
        parts.append(f"{campaigns:,} {plural} with data")
        if context.currency:
            parts.append(f"money in {context.currency}")
        self.label_subheading.setText(" · ".join(parts))
        self.label_users_note.setText(
            ""
            if report.users_exact
            else "Users: sum of daily users. Without an event log, someone who chats on "
            "several days counts once per day, so per-user KPIs read lower than the truth."
        )
        self.label_users_note.setVisible(not report.users_exact)
        site_note = site_traffic_note(report, context.currency)
        self.label_site_traffic.setText(site_note)
        self.label_site_traffic.setVisible(bool(site_note))
        previous_words = "previous period" if data.previous is None else "the period before"
        for card_data in data.cards:
            self._fill(self.cards[card_data.kpi.id], card_data, previous_words)
        self.funnel.set_data(data.funnel)
        self.ranking.set_data(data.ranking)

    def _fill(self, card: KpiCard, data: KpiCardData, previous_words: str) -> None:
        status = None
        if data.target is not None:
            colour = STATUS_COLOURS.get(data.status or "", style.UNDEFINED)
            status = (data.status_text, colour)
        card.set_content(
            data.value_text,
            detail=data.detail,
            reason=data.reason,
            status=status,
            tooltip=_tooltip(data, previous_words),
        )
        previous = f"was {data.previous_text}" if data.change is not None else ""
        card.set_change(data.change_text, data.change_good, previous)
        card.set_coverage(data.left_out, data.mismatch)
        card.sparkline.set_data(
            data.spark_y,
            None if data.target is None else data.target * series.display_scale(data.kpi.id),
        )
        card.sparkline.setVisible(len(data.spark_y) > 1)

    def _rank_kpi_chosen(self, kpi_id: str) -> None:
        if self.report is None or self.data is None:
            return
        self.ranking.set_data(
            series.ranking_data(self.report, kpi_id, self.context.currency, RANK_COUNT)
        )


SITE_TRAFFIC_TOOLTIP = (
    "Site traffic: visits your web analytics records with no campaign (direct, organic "
    "search, referrals, not set…). It is shown for scale only: the cards, the funnel and "
    "the ranking count your campaigns alone."
)
_SITE_WORDS = {"visitors": "visitors", "conversions": "conversions", "conversion_value": "revenue"}


def site_traffic_note(report: KpiReport, currency: str) -> str:
    """The "whole site" line: the site's figures and the part no campaign brought, which
    is in none of the figures above ("" when the report has no site traffic)."""
    whole, site = whole_site(report), report.site_traffic
    if whole is None or site is None:
        return ""

    def figures(values: dict[str, float]) -> str:
        return ", ".join(
            f"{fmt.field_value(name, values[name], currency)} {word}"
            for name, word in _SITE_WORDS.items()
            if name in values
        )

    own = {n: float(site[n]) for n in _SITE_WORDS if n in whole and not fmt.is_missing(site[n])}
    return (
        f"Whole site in this period: {figures(whole)}. Of these, {figures(own)} came with no "
        "campaign (direct, organic, referral…): site traffic, not in the figures above."
    )


def _tooltip(data: KpiCardData, previous_words: str) -> str:
    k = data.kpi
    lines = [
        f"<b>{html.escape(k.name)}</b>",
        f"Formula: {html.escape(k.formula)}",
        f"Numerator / denominator: {html.escape(data.detail)}",
    ]
    if data.reason:
        lines.append(f"No value: {html.escape(data.reason)}")
    else:
        lines.append(f"Value: {html.escape(data.value_text)}")
    if data.change is not None:
        lines.append(
            f"Change against {previous_words}: {html.escape(data.change_text)}"
            f" (was {html.escape(data.previous_text)})"
        )
        if k.display.value in ("percent", "lift"):
            lines.append("pp = percentage points; the % in brackets is the relative change")
    lines.append(html.escape(data.status_text))
    direction = "higher" if k.higher_is_better else "lower"
    lines.append(f"<i>{direction.capitalize()} is better</i>")
    return "<br>".join(lines)
