"""Editable table views: Excel-like copy and paste of blocks, edited-cell marks, revert.

Serves the Campaigns table and the rows-by-day dialog. An edit becomes a core command
that the view hands to `push` (the session's undo stack); a refusal goes back to the
model's `edit_refused` signal, never to a dialog.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPolygon,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QMenu,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from kpi_desktop.ui.models.campaign_model import (
    CLIPBOARD_ROLE,
    EDITED_MARK,
    EDITED_ROLE,
    CommandSink,
)
from kpi_desktop.ui.undo import one_step

if TYPE_CHECKING:
    from kpi_desktop.core.commands import Command

MARK_SIZE = 7  # px, the edited cell's corner triangle

Index = QModelIndex | QPersistentModelIndex


class EditedDelegate(QStyledItemDelegate):
    """Draws a corner triangle on edited cells (a shape, so colour is not the only sign)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        super().paint(painter, option, index)
        if index.data(EDITED_ROLE):
            rect = option.rect
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
