"""Table models of the import dialog: the raw preview of a file and its problems."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from openpyxl.utils import get_column_letter
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from kpi_desktop.ui import style

Index = QModelIndex | QPersistentModelIndex
PREVIEW_COLUMNS = 30  # wider tables are cut in the preview, not in the import
LEFT_OUT = "Left out of the import: a total or summary row, not data"


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class PreviewModel(QAbstractTableModel):
    """The first raw rows of a file as they are in it; the header row stands out and rows
    the import leaves out (totals, account summaries) are struck through."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[list[str]] = []
        self._width = 0
        self.header_index = -1
        self.dropped: frozenset[int] = frozenset()

    def set_rows(
        self,
        rows: Sequence[Sequence[object]],
        header_index: int,
        dropped: Collection[int] = (),
    ) -> None:
        """Show `rows`; `dropped` are the indices of rows the import leaves out."""
        self.beginResetModel()
        self.dropped = frozenset(dropped)
        self._rows = [[_cell_text(c) for c in row[:PREVIEW_COLUMNS]] for row in rows]
        self._width = max((len(r) for r in self._rows), default=0)
        self.header_index = header_index
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([], -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else self._width

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = index.row()
        is_header = row == self.header_index
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            cells = self._rows[row]
            text = cells[index.column()] if index.column() < len(cells) else ""
            if role == Qt.ItemDataRole.ToolTipRole:
                if is_header:
                    return "Header row: column names"
                if row in self.dropped:
                    return LEFT_OUT
                return text or None
            return text
        if row in self.dropped:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(style.UNDEFINED))
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setStrikeOut(True)
                return font
        if is_header:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(style.ACCENT_SOFT))
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
        if row < self.header_index and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(style.UNDEFINED))  # preamble above the table: not data
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return get_column_letter(section + 1)
        if section == self.header_index:
            return "Header"
        return "Left out" if section in self.dropped else str(section + 1)


class ProblemsModel(QAbstractTableModel):
    """Rejected rows and cells: sheet, row, column, reason."""

    HEADERS = ("Sheet", "Row", "Column", "Reason")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str, str, str]] = []

    def set_problems(self, problems: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = [
            (str(p.sheet), str(p.row) if p.row else "—", str(p.column), str(p.reason))
            for p in problems
        ]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None
