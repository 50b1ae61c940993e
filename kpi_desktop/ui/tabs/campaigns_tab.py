"""The Campaigns tab: a sortable, filterable table of campaigns, inputs and KPIs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kpi_desktop.core.kpi import KpiReport
from kpi_desktop.ui.models.campaign_model import COLUMNS, CampaignTableModel
from kpi_desktop.ui.tabs import ReportContext

MAX_COLUMN_WIDTH = 220
FIT_ROWS = 50  # rows measured when sizing columns
CELL_PADDING = 30  # the stylesheet's 8 px item padding and Qt's text margins, both sides


class CampaignsTab(QWidget):
    """Filter box `edit_filter_campaigns` above the table `table_campaigns`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tab_campaigns")
        self.setAccessibleName("tab_campaigns")
        self.model = CampaignTableModel(self)

        self.edit_filter_campaigns = QLineEdit()
        self.edit_filter_campaigns.setObjectName("edit_filter_campaigns")
        self.edit_filter_campaigns.setAccessibleName("edit_filter_campaigns")
        self.edit_filter_campaigns.setPlaceholderText("Filter campaigns by name…")
        self.edit_filter_campaigns.setToolTip(
            "Show only campaigns whose name contains this text (Ctrl+F). "
            "The Total row stays the total of all campaigns."
        )
        self.edit_filter_campaigns.setClearButtonEnabled(True)
        self.edit_filter_campaigns.setMinimumWidth(300)
        self.edit_filter_campaigns.textChanged.connect(self._filter_changed)

        self.check_show_inputs = QCheckBox("Show input fields")
        self.check_show_inputs.setObjectName("check_show_inputs")
        self.check_show_inputs.setChecked(True)
        self.check_show_inputs.setToolTip(
            "Untick to hide the input columns and see every KPI side by side"
        )
        self.check_show_inputs.toggled.connect(self._show_inputs)

        self.label_count = QLabel()
        self.label_count.setObjectName("label_subheading")
        self.label_hint = QLabel(
            "Click a header to sort · hover a header for its meaning, a — for why it is empty"
        )
        self.label_hint.setObjectName("label_note")

        self.table_campaigns = QTableView()
        self.table_campaigns.setObjectName("table_campaigns")
        self.table_campaigns.setAccessibleName("table_campaigns")
        self.table_campaigns.setModel(self.model)
        header = self.table_campaigns.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # report order until asked
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setResizeContentsPrecision(200)
        self.table_campaigns.setSortingEnabled(True)
        self.table_campaigns.setAlternatingRowColors(True)
        self.table_campaigns.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table_campaigns.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table_campaigns.setWordWrap(False)
        self.table_campaigns.setShowGrid(False)
        vertical = self.table_campaigns.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(30)

        top = QHBoxLayout()
        top.setSpacing(12)
        top.addWidget(self.edit_filter_campaigns)
        top.addWidget(self.label_count)
        top.addSpacing(12)
        top.addWidget(self.check_show_inputs)
        top.addStretch(1)
        top.addWidget(self.label_hint)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.table_campaigns, 1)
        self._sized = False

    def show_report(self, report: KpiReport, context: ReportContext) -> None:
        self.model.set_report(report, context.currency, context.notes)
        self._update_count()
        if not self._sized:
            self._sized = True
            self._fit_columns()

    def _fit_columns(self) -> None:
        """Size columns to their header and the first screenful of rows.

        Qt's resizeColumnsToContents asks the model for every role of hundreds of rows
        per column, which alone would blow the 150 ms first-paint budget on a big table;
        the Total row (top, widest for sums) and the first rows are measured instead.
        """
        header = self.table_campaigns.horizontalHeader()
        plain = self.table_campaigns.fontMetrics()
        bold_font = self.table_campaigns.font()
        bold_font.setBold(True)
        bold = QFontMetrics(bold_font)
        rows = min(self.model.rowCount(), FIT_ROWS + 1)
        for column in range(self.model.columnCount()):
            widest = 0
            for row in range(rows):
                text = self.model.index(row, column).data()
                metrics = bold if row == 0 else plain
                widest = max(widest, metrics.horizontalAdvance(str(text or "")))
            width = max(header.sectionSizeHint(column), widest + CELL_PADDING)
            header.resizeSection(column, min(width, MAX_COLUMN_WIDTH))

    def focus_filter(self) -> None:
        self.edit_filter_campaigns.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit_filter_campaigns.selectAll()

    def _show_inputs(self, show: bool) -> None:
        for column, spec in enumerate(COLUMNS):
            if spec.kind == "field":
                self.table_campaigns.setColumnHidden(column, not show)

    def _filter_changed(self, text: str) -> None:
        self.model.set_filter_text(text)
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.model.visible_count(), self.model.campaign_count()
        noun = "campaign" if total == 1 else "campaigns"
        if shown == total:
            self.label_count.setText(f"{total:,} {noun}")
        else:
            self.label_count.setText(f"{shown:,} of {total:,} {noun}")
