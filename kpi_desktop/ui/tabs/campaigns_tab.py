"""The Campaigns tab: a sortable, filterable, editable table of campaigns, KPIs and inputs.

Typing into an input cell pins the campaign's total (an override beside the imported
value, undoable); the name cell renames. Copy gives tab-separated text that pastes into
Excel, a paste from Excel is one undo step. Double-clicking a name opens the campaign's
rows by day (`dialogs.daily.DailyDialog`), editable the same way (both tables are
`widgets.editable_table.EditableTableView`s).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kpi_desktop.core.kpi import KpiReport
from kpi_desktop.ui.models.campaign_model import COLUMNS, CampaignTableModel, CommandSink
from kpi_desktop.ui.session import ReportContext
from kpi_desktop.ui.undo import one_step
from kpi_desktop.ui.widgets.editable_table import EditableTableView

if TYPE_CHECKING:
    from collections.abc import Sequence

    from PySide6.QtGui import QAction

    from kpi_desktop.core.workspace import Workspace
    from kpi_desktop.ui.dialogs.daily import DailyDialog

MAX_COLUMN_WIDTH = 220
FIT_ROWS = 50  # rows measured when sizing columns
CELL_PADDING = 30  # the stylesheet's 8 px item padding and Qt's text margins, both sides
MESSAGE_MS = 10_000  # how long a refusal stays on screen

HINT_EDITABLE = (
    "Double-click a number to type over it · italic cells with a corner mark are edited "
    "(hover for the imported value) · double-click a name for its days"
)
HINT_PERIOD = (
    "A typed total covers its campaign's data range: it counts, and can be typed, where "
    "this period holds that whole range (elsewhere the cell says so). Show all dates to "
    "type any total, or double-click a name to edit its days."
)
HINT_FILTERED = (
    "Totals can be typed in when the table shows all channels (a typed total covers "
    "every channel of its campaign). Double-click a name to edit its days."
)


# -- the tab ----------------------------------------------------------------------------------


class CampaignsTab(QWidget):
    """Filter box `edit_filter_campaigns` above the table `table_campaigns`.

    Signals:
        all_dates_requested: the user asked to show every date (to edit totals).
    """

    all_dates_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tab_campaigns")
        self.setAccessibleName("tab_campaigns")
        self.model = CampaignTableModel(self)
        self.model.edit_refused.connect(self.show_refusal)
        self.workspace: Workspace | None = None
        self._push: CommandSink | None = None
        self.daily_dialogs: dict[str, DailyDialog] = {}
        self._sized = False
        self._build_controls()
        self._build_message()
        self._build_table()
        self._build_layout()

    def _build_controls(self) -> None:
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
        self.label_hint.setWordWrap(True)
        self.button_all_dates = QPushButton("Show all dates")
        self.button_all_dates.setObjectName("button_all_dates")
        self.button_all_dates.setToolTip("Set the filter to all dates, campaigns and channels")
        self.button_all_dates.clicked.connect(lambda: self.all_dates_requested.emit())
        self.button_all_dates.hide()

    def _build_message(self) -> None:
        self.label_edit_message = QLabel()
        self.label_edit_message.setObjectName("label_edit_message")
        self.label_edit_message.setAccessibleName("label_edit_message")
        self.label_edit_message.setWordWrap(True)
        self.label_edit_message.setStyleSheet(
            "QLabel { background: #fdeee5; color: #1f2933; border: 1px solid #d55e00;"
            " border-radius: 4px; padding: 4px 8px; }"
        )
        self.label_edit_message.hide()
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.setInterval(MESSAGE_MS)
        self._message_timer.timeout.connect(self.label_edit_message.hide)

    def _build_table(self) -> None:
        self.table_campaigns = EditableTableView(name_column_opens=True)
        self.table_campaigns.setObjectName("table_campaigns")
        self.table_campaigns.setAccessibleName("table_campaigns")
        self.table_campaigns.setModel(self.model)
        self.table_campaigns.open_requested.connect(self._open_daily_at)
        header = self.table_campaigns.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # report order until asked
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setResizeContentsPrecision(200)
        self.table_campaigns.setSortingEnabled(True)
        self.table_campaigns.setAlternatingRowColors(True)
        self.table_campaigns.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table_campaigns.setWordWrap(False)
        self.table_campaigns.setShowGrid(False)
        vertical = self.table_campaigns.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(30)

    def _build_layout(self) -> None:
        top = QHBoxLayout()
        top.setSpacing(12)
        top.addWidget(self.edit_filter_campaigns)
        top.addWidget(self.label_count)
        top.addSpacing(12)
        top.addWidget(self.check_show_inputs)
        top.addStretch(1)
        hint = QHBoxLayout()
        hint.setSpacing(12)
        hint.addWidget(self.label_hint, 1)
        hint.addWidget(self.button_all_dates)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addLayout(hint)
        layout.addWidget(self.label_edit_message)
        layout.addWidget(self.table_campaigns, 1)

    # -- workspace and report -----------------------------------------------------------------
    def set_workspace(self, workspace: Workspace | None, push: CommandSink | None) -> None:
        """Attach the open workspace and the session's `push` (makes cells editable)."""
        if workspace is not self.workspace:
            for dialog in list(self.daily_dialogs.values()):
                dialog.close()
            self.daily_dialogs.clear()
        self.workspace = workspace
        self._push = push
        self.table_campaigns.push = push
        self.model.set_workspace(workspace, push)

    def show_report(self, report: KpiReport, context: ReportContext) -> None:
        channels, period = _typing_scope(context)
        editable = self.workspace is not None and channels
        self.model.set_editable(editable, period)
        self.model.set_report(report, context.currency, context.notes)
        self._update_count()
        self._update_hint(editable, period is None)
        for key, dialog in list(self.daily_dialogs.items()):
            if self.workspace is not None and key in self.workspace.campaigns().index:
                dialog.reload()
            else:
                dialog.close()
        if not self._sized:
            self._sized = True
            self._fit_columns()

    def _update_hint(self, editable: bool, all_dates: bool) -> None:
        if self.workspace is None:
            return
        if not editable:
            self.label_hint.setText(HINT_FILTERED)
        else:
            self.label_hint.setText(HINT_EDITABLE if all_dates else HINT_PERIOD)
        self.button_all_dates.setVisible(not (editable and all_dates))

    def show_refusal(self, message: str) -> None:
        """Say why an entry was refused (the old value stays)."""
        self.label_edit_message.setText(f"Not changed: {message}")
        self.label_edit_message.show()
        self._message_timer.start()

    # -- campaign actions ---------------------------------------------------------------------
    def current_campaign(self) -> str | None:
        """The campaign key of the current row (None on the Total row)."""
        return self.model.campaign_key_at(self.table_campaigns.currentIndex().row())

    def selected_campaigns(self) -> list[str]:
        rows = sorted({i.row() for i in self.table_campaigns.selectedIndexes()})
        if not rows and self.table_campaigns.currentIndex().isValid():
            rows = [self.table_campaigns.currentIndex().row()]
        keys = [self.model.campaign_key_at(r) for r in rows]
        return [k for k in keys if k is not None]

    def rename_current(self) -> bool:
        """Start typing a new name into the current campaign's name cell."""
        row = self.table_campaigns.currentIndex().row()
        if self.model.campaign_key_at(row) is None:
            return False
        index = self.model.index(row, 0)
        self.table_campaigns.setCurrentIndex(index)
        self.table_campaigns.edit(index)
        return True

    def delete_selected(self) -> bool:
        """Delete the selected campaigns (one undo step; their data is kept for undo)."""
        from kpi_desktop.core import commands

        if self.workspace is None or self._push is None:
            return False
        keys = self.selected_campaigns()
        made = [commands.DeleteCampaign(self.workspace, key) for key in keys]
        command = one_step(made, f"Delete {len(made)} campaigns")
        if command is None:
            return False
        self._push(command)
        return True

    def _open_daily_at(self, index: QModelIndex) -> None:
        key = self.model.campaign_key_at(index.row())
        if key is not None:
            self.open_daily(key)

    def add_context_actions(self, actions: Sequence[QAction]) -> None:
        """Actions the table's context menu offers after its own (the Edit menu's)."""
        self.table_campaigns.extra_actions = list(actions)

    def open_daily(self, key: str) -> DailyDialog | None:
        """Show (or raise) the per-day rows of campaign `key`."""
        if self.workspace is None:
            return None
        from kpi_desktop.ui.dialogs.daily import DailyDialog

        dialog = self.daily_dialogs.get(key)
        if dialog is None:
            dialog = DailyDialog(self.workspace, key, self._push, self.window())
            dialog.table_daily.extra_actions = list(self.table_campaigns.extra_actions[:1])
            dialog.finished.connect(lambda _=0, k=key: self.daily_dialogs.pop(k, None))
            self.daily_dialogs[key] = dialog
        dialog.show()
        dialog.raise_()
        return dialog

    # -- view ---------------------------------------------------------------------------------
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


def _typing_scope(context: ReportContext) -> tuple[bool, tuple[dt.date, dt.date] | None]:
    """Whether the report shows every channel (a typed total covers them all), and its
    date filter (None: all dates); the model decides per campaign whether it holds the
    campaign's data range (`CampaignTableModel.cut_reason`)."""
    selection, view = context.selection, context.data
    if selection is None or view is None:
        return True, None
    return selection.channels is None, view.period(selection)
