"""The Campaigns tab: a sortable, filterable, editable table of campaigns, KPIs and inputs.

Typing into an input cell pins the campaign's total (an override beside the imported
value, undoable); the name cell renames. Copy gives tab-separated text that pastes into
Excel, a paste from Excel is one undo step. Double-clicking a name opens the campaign's
rows by day (`workspace_dialogs.DailyDialog`), editable the same way. The table helpers
here (`EditableTableView`, `EditedDelegate`, copy/paste) serve both tables.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFontMetrics,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPolygon,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kpi_desktop.core.kpi import KpiReport
from kpi_desktop.ui.models.campaign_model import (
    CLIPBOARD_ROLE,
    COLUMNS,
    EDITED_MARK,
    EDITED_ROLE,
    CampaignTableModel,
    CommandSink,
)
from kpi_desktop.ui.tabs import ReportContext

if TYPE_CHECKING:
    from kpi_desktop.core.commands import Command
    from kpi_desktop.core.store import Changes, Workspace
    from kpi_desktop.ui.workspace_dialogs import DailyDialog

MAX_COLUMN_WIDTH = 220
FIT_ROWS = 50  # rows measured when sizing columns
CELL_PADDING = 30  # the stylesheet's 8 px item padding and Qt's text margins, both sides
MESSAGE_MS = 10_000  # how long a refusal stays on screen
MARK_SIZE = 7  # px, the edited cell's corner triangle

Index = QModelIndex | QPersistentModelIndex

HINT_EDITABLE = (
    "Double-click a number to type over it · italic cells with a corner mark are edited "
    "(hover for the imported value) · double-click a name for its days"
)
HINT_FILTERED = (
    "Totals can be typed in when the table shows all dates, campaigns and channels "
    "(they are lifetime totals). Double-click a name to edit its days."
)


class Batch:
    """Several core commands as one undo step (a paste, a multi-cell revert or delete)."""

    id = -1

    def __init__(self, text: str, commands: Sequence[Command]) -> None:
        self.text = text
        self.commands = list(commands)

    def do(self, ws: Workspace) -> Changes:
        from kpi_desktop.core.store import NO_CHANGES

        changes = NO_CHANGES
        for command in self.commands:
            changes = changes.merge(command.do(ws))
        return changes

    def undo(self, ws: Workspace) -> Changes:
        from kpi_desktop.core.store import NO_CHANGES

        changes = NO_CHANGES
        for command in reversed(self.commands):
            changes = changes.merge(command.undo(ws))
        return changes


def one_step(commands: Sequence[Command], text: str) -> Command | Batch | None:
    """The single command, or a `Batch` of several, or None."""
    if not commands:
        return None
    if len(commands) == 1:
        return commands[0]
    return Batch(text, commands)


class EditingModel(Protocol):
    """What the table helpers need from an editable model."""

    edit_refused: Any

    def command_for(self, index: Index, value: object) -> Any: ...
    def revert_commands(self, indexes: Sequence[Index]) -> list[Any]: ...


# -- the shared table widgets -----------------------------------------------------------------


class EditedDelegate(QStyledItemDelegate):
    """Draws a corner triangle on edited cells (a shape, so colour is not the only sign)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        super().paint(painter, option, index)
        if index.data(EDITED_ROLE):
            rect = option.rect  # type: ignore[attr-defined]
            right, top = rect.right(), rect.top()
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(EDITED_MARK))
            painter.drawPolygon(
                QPolygon(
                    [
                        QPoint(right - MARK_SIZE, top),
                        QPoint(right, top),
                        QPoint(right, top + MARK_SIZE),
                    ]
                )
            )
            painter.restore()

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        editor = QLineEdit(parent)
        editor.setObjectName("edit_cell")
        editor.setFrame(False)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        editor.setPlaceholderText("blank = revert" if index.column() else "")
        return editor


class EditableTableView(QTableView):
    """A table view with Excel-like copy (Ctrl+C) and paste (Ctrl+V) of blocks.

    `push` sends a core command to the window's undo stack. With `name_column_opens`,
    double-clicking column 0 emits `open_requested` instead of editing the name.
    """

    open_requested = Signal(QModelIndex)

    def __init__(self, parent: QWidget | None = None, *, name_column_opens: bool = False) -> None:
        super().__init__(parent)
        self.push: CommandSink | None = None
        self._name_column_opens = name_column_opens
        self.setItemDelegate(EditedDelegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self.show_context_menu)
        self.extra_actions: list[QAction] = []
        #: makes a menu whose entries come first (e.g. the export module's Copy / Export)
        self.extra_menu: Callable[[], QMenu] | None = None
        self.action_copy = QAction("&Copy", self)
        self.action_copy.setObjectName("action_copy_cells")
        self.action_copy.setToolTip("Copy the selected cells as text that pastes into Excel")
        self.action_copy.triggered.connect(self.copy_selection)
        self.action_paste = QAction("&Paste", self)
        self.action_paste.setObjectName("action_paste_cells")
        self.action_paste.setToolTip("Paste cells copied from Excel into the editable columns")
        self.action_paste.triggered.connect(self.paste_clipboard)
        self.doubleClicked.connect(self._double_clicked)

    # -- editing triggers --------------------------------------------------------------------
    def _double_clicked(self, index: QModelIndex) -> None:
        # Double-click is handled here rather than as an edit trigger, so that a name
        # cell can open its days instead of starting to edit (F2 still renames).
        if self._name_column_opens and index.column() == 0:
            self.open_requested.emit(index)
        elif index.flags() & Qt.ItemFlag.ItemIsEditable:
            self.edit(index)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            return
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste_clipboard()
            return
        super().keyPressEvent(event)

    def show_context_menu(self, position: QPoint) -> QMenu:
        menu = QMenu(self)
        menu.setObjectName("menu_table_context")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.setToolTipsVisible(True)
        if self.extra_menu is not None:
            other = self.extra_menu()
            other.setParent(menu, other.windowFlags())
            menu.addActions(other.actions())
            menu.addAction(self.action_paste)
        else:
            menu.addActions([self.action_copy, self.action_paste])
        if self.extra_actions:
            menu.addSeparator()
            menu.addActions(self.extra_actions)
        menu.popup(self.viewport().mapToGlobal(position))
        return menu

    # -- copy and paste -----------------------------------------------------------------------
    def selected_indexes(self) -> list[QModelIndex]:
        return sorted(self.selectedIndexes(), key=lambda i: (i.row(), i.column()))

    def selection_text(self) -> str:
        """The selected block as tab-separated lines (plain numbers, no thousands commas)."""
        indexes = self.selectedIndexes()
        if not indexes:
            current = self.currentIndex()
            indexes = [current] if current.isValid() else []
        if not indexes:
            return ""
        rows = sorted({i.row() for i in indexes})
        columns = [c for c in sorted({i.column() for i in indexes}) if not self.isColumnHidden(c)]
        chosen = {(i.row(), i.column()) for i in indexes}
        model = self.model()
        lines = []
        for row in rows:
            cells = []
            for column in columns:
                if (row, column) in chosen:
                    value = model.index(row, column).data(CLIPBOARD_ROLE)
                    if value is None:
                        value = model.index(row, column).data()
                    cells.append(str(value or "").replace("\t", " ").replace("\n", " "))
                else:
                    cells.append("")
            lines.append("\t".join(cells))
        return "\n".join(lines)

    def copy_selection(self) -> None:
        text = self.selection_text()
        if text:
            QGuiApplication.clipboard().setText(text)

    def paste_clipboard(self) -> None:
        self.paste_text(QGuiApplication.clipboard().text())

    def paste_text(self, text: str) -> bool:
        """Type a tab-separated block from the current cell on; True when pasted."""
        model = self.model()
        grid = [line.split("\t") for line in text.replace("\r\n", "\n").rstrip("\n").split("\n")]
        if not text.strip() or model is None:
            return False
        selected = self.selected_indexes()
        cells: list[tuple[QModelIndex, str]] = []
        if len(grid) == 1 and len(grid[0]) == 1 and len(selected) > 1:
            cells = [(index, grid[0][0]) for index in selected]  # fill the selection
        else:
            anchor = selected[0] if selected else self.currentIndex()
            if not anchor.isValid():
                return False
            visible = [
                c for c in range(anchor.column(), model.columnCount()) if not self.isColumnHidden(c)
            ]
            for r, values in enumerate(grid):
                row = anchor.row() + r
                if row >= model.rowCount():
                    break
                for c, value in enumerate(values):
                    if c < len(visible):
                        cells.append((model.index(row, visible[c]), value.strip()))
        command = paste_command(model, cells)
        if isinstance(command, str):
            self._refuse(command)
            return False
        if command is not None and self.push is not None:
            self.push(command)
        return command is not None

    def _refuse(self, message: str) -> None:
        refused = getattr(self.model(), "edit_refused", None)
        if refused is not None:
            refused.emit(message)

    def revert_selection(self) -> bool:
        """Put the imported values back in the selected edited cells (one undo step)."""
        model = self.model()
        revert: Callable[[Sequence[Index]], list[Command]] | None = getattr(
            model, "revert_commands", None
        )
        indexes = self.selected_indexes() or [self.currentIndex()]
        if revert is None or self.push is None:
            return False
        commands = revert(indexes)
        command = one_step(commands, f"Revert {len(commands)} cells to imported")
        if command is None:
            return False
        self.push(command)
        return True

    def has_edited_selection(self) -> bool:
        indexes = self.selectedIndexes() or [self.currentIndex()]
        return any(i.isValid() and i.data(EDITED_ROLE) for i in indexes)


def paste_command(model: Any, cells: Sequence[tuple[QModelIndex, str]]) -> Any:
    """One command for a pasted block: the model's own `paste_command` or a `Batch`."""
    own = getattr(model, "paste_command", None)
    if own is not None:
        return own(cells)
    commands = []
    for index, text in cells:
        command = model.command_for(index, text)
        if isinstance(command, str):
            return command
        if command is not None:
            commands.append(command)
    return one_step(commands, f"Paste {len(cells)} cell{'s' if len(cells) != 1 else ''}")


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
        self._sized = False

    # -- workspace and report -----------------------------------------------------------------
    def set_workspace(self, workspace: Workspace | None, push: CommandSink | None) -> None:
        """Attach the open workspace and the window's `push_command` (makes cells editable)."""
        if workspace is not self.workspace:
            for dialog in list(self.daily_dialogs.values()):
                dialog.close()
            self.daily_dialogs.clear()
        self.workspace = workspace
        self._push = push
        self.table_campaigns.push = push
        self.model.set_workspace(workspace, push)

    def show_report(self, report: KpiReport, context: ReportContext) -> None:
        editable = self.workspace is not None and _shows_everything(context)
        self.model.set_editable(editable)
        self.model.set_report(report, context.currency, context.notes)
        self._update_count()
        self._update_hint(editable)
        for key, dialog in list(self.daily_dialogs.items()):
            if self.workspace is not None and key in self.workspace.campaigns().index:
                dialog.reload()
            else:
                dialog.close()
        if not self._sized:
            self._sized = True
            self._fit_columns()

    def _update_hint(self, editable: bool) -> None:
        if self.workspace is None:
            return
        self.label_hint.setText(HINT_EDITABLE if editable else HINT_FILTERED)
        self.button_all_dates.setVisible(not editable)

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

    def open_daily(self, key: str) -> DailyDialog | None:
        """Show (or raise) the per-day rows of campaign `key`."""
        if self.workspace is None:
            return None
        from kpi_desktop.ui.workspace_dialogs import DailyDialog

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


def _shows_everything(context: ReportContext) -> bool:
    """True when the report covers all dates, campaigns and channels (totals are lifetime)."""
    selection, view = context.selection, context.data
    if selection is None or view is None:
        return True
    return bool(view.is_unfiltered(selection, view.period(selection)))
