"""Table model of the UTM bulk builder: one row per link, errors on cells, undoable edits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QUndoCommand, QUndoStack

from kpi_desktop.core.utm import (
    BULK_COLUMNS,
    BULK_HEADERS,
    ERRORS_COLUMN,
    PARAM_HELP,
    REQUIRED,
    TAGGED_COLUMN,
    BuildResult,
    NamingConvention,
    UtmParams,
    build_url,
    bulk_frame,
)
from kpi_desktop.ui import style

#: The table's column order: the required inputs, the result, then the optional inputs.
COLUMNS: tuple[str, ...] = (
    *BULK_COLUMNS[:5],
    TAGGED_COLUMN,
    *BULK_COLUMNS[5:],
)
TAGGED = COLUMNS.index(TAGGED_COLUMN)
_ERROR_BG = QColor("#fcebe0")  # a pale wash of style.BAD, so the text stays readable
_ERROR_FG = QColor(style.BAD)
_MUTED_FG = QColor(style.UNDEFINED)

Row = dict[str, str]
_Index = QModelIndex | QPersistentModelIndex


class BulkLinksModel(QAbstractTableModel):
    """Links as rows; the tagged URL column is computed, the others are editable.

    Every edit goes through the undo stack as a `QUndoCommand`; typing in one cell
    twice in a row merges into one step.
    """

    ErrorRole = Qt.ItemDataRole.UserRole + 1  # the cell's error message, or ""
    ValueRole = Qt.ItemDataRole.UserRole + 2  # the raw text of the cell

    def __init__(
        self,
        undo_stack: QUndoStack | None = None,
        convention: NamingConvention | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self._convention = convention
        self._rows: list[Row] = []
        self._results: list[BuildResult] = []

    # -- reading -------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        if not 0 <= section < len(COLUMNS):
            return None
        name = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            mark = " *" if name in (*REQUIRED, "url") else ""
            return BULK_HEADERS[name] + mark
        if role == Qt.ItemDataRole.ToolTipRole:
            if name == "url":
                return "The page the link opens (required)"
            if name == TAGGED_COLUMN:
                return "The link to use, built from the row (read-only)"
            if name == "label":
                return "Your name for the link, kept in the history"
            return PARAM_HELP[name]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, name = index.row(), COLUMNS[index.column()]
        result = self._results[row]
        value = result.url if name == TAGGED_COLUMN else self._rows[row][name]
        error = self.cell_error(row, name)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, self.ValueRole):
            if name == TAGGED_COLUMN and role == Qt.ItemDataRole.DisplayRole and not value:
                return "—"
            return value
        if role == self.ErrorRole:
            return error
        if role == Qt.ItemDataRole.ToolTipRole:
            if error:
                return error
            if name == TAGGED_COLUMN:
                return value or "Fix the URL to build this link"
            change = next((c for c in result.changes if c.field == name), None)
            return change.describe() if change else (value or None)
        if role == Qt.ItemDataRole.FontRole and any(c.field == name for c in result.changes):
            font = QFont()
            font.setItalic(True)  # the convention changed this value; the tooltip says how
            return font
        if role == Qt.ItemDataRole.BackgroundRole and error:
            return QBrush(_ERROR_BG)
        if role == Qt.ItemDataRole.ForegroundRole:
            if error:
                return QBrush(_ERROR_FG)
            if name == TAGGED_COLUMN and not result.ok:
                return QBrush(_MUTED_FG)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() != TAGGED:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def cell_error(self, row: int, name: str) -> str:
        """The error shown on a cell ("" when fine); the tagged URL never carries one."""
        if name == TAGGED_COLUMN:
            return ""
        return self._results[row].errors.get(name, "")

    def rows(self) -> list[Row]:
        return [dict(r) for r in self._rows]

    def problem_count(self) -> int:
        return sum(1 for r in self._results if r.errors)

    def frame(self) -> pd.DataFrame:
        """The table as bulk_build returns it: inputs, tagged URL and per-row errors."""
        out = pd.DataFrame(self._rows, columns=list(BULK_COLUMNS)).astype(object)
        out[TAGGED_COLUMN] = [r.url for r in self._results]
        out[ERRORS_COLUMN] = [dict(r.errors) for r in self._results]
        return out

    # -- writing (through the undo stack) ---------------------------------------------
    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() == TAGGED:
            return False
        text = "" if value is None else str(value)
        name = COLUMNS[index.column()]
        if self._rows[index.row()][name] == text:
            return False
        self.undo_stack.push(_SetCell(self, index.row(), name, text))
        return True

    def add_rows(self, rows: Sequence[Row] | None = None, at: int | None = None) -> None:
        """Insert rows (one empty row by default) at `at` (the end by default)."""
        new = [self._clean(r) for r in (rows if rows is not None else [{}])]
        where = len(self._rows) if at is None else at
        self.undo_stack.push(_InsertRows(self, where, new))

    def remove_rows(self, rows: Sequence[int]) -> None:
        wanted = sorted(set(rows))
        if wanted:
            self.undo_stack.push(_RemoveRows(self, wanted))

    def replace_all(self, frame: pd.DataFrame, text: str = "Import links") -> None:
        """Replace the table with `frame` (any headers `bulk_frame` understands)."""
        rows = [self._clean(r) for r in bulk_frame(frame).to_dict("records")]
        self.undo_stack.push(_ReplaceAll(self, rows, text))

    def set_convention(self, convention: NamingConvention | None) -> None:
        """Rebuild every row under a new naming convention (not an undoable edit)."""
        self._convention = convention
        self._results = [self._build(r) for r in self._rows]
        if self._rows:
            last = self.index(len(self._rows) - 1, len(COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    # -- primitives used by the commands ----------------------------------------------
    @staticmethod
    def _clean(row: Row | dict[str, Any]) -> Row:
        return {name: str(row.get(name, "") or "") for name in BULK_COLUMNS}

    def _build(self, row: Row) -> BuildResult:
        return build_url(row["url"], UtmParams.from_dict(row), self._convention)

    def _set(self, row: int, name: str, text: str) -> None:
        self._rows[row][name] = text
        self._results[row] = self._build(self._rows[row])
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def _insert(self, at: int, rows: list[Row]) -> None:
        self.beginInsertRows(QModelIndex(), at, at + len(rows) - 1)
        self._rows[at:at] = [dict(r) for r in rows]
        self._results[at:at] = [self._build(r) for r in rows]
        self.endInsertRows()

    def _remove(self, at: int, count: int) -> list[Row]:
        self.beginRemoveRows(QModelIndex(), at, at + count - 1)
        removed = self._rows[at : at + count]
        del self._rows[at : at + count]
        del self._results[at : at + count]
        self.endRemoveRows()
        return removed

    def _reset(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self._rows = [dict(r) for r in rows]
        self._results = [self._build(r) for r in self._rows]
        self.endResetModel()


class _SetCell(QUndoCommand):
    _ID = 0x7501

    def __init__(self, model: BulkLinksModel, row: int, name: str, text: str) -> None:
        super().__init__(f"Edit {BULK_HEADERS[name]} of link {row + 1}")
        self.model, self.row, self.name = model, row, name
        self.old = model._rows[row][name]
        self.new = text

    def id(self) -> int:
        return self._ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _SetCell) or (other.row, other.name) != (self.row, self.name):
            return False
        self.new = other.new
        return True

    def redo(self) -> None:
        self.model._set(self.row, self.name, self.new)

    def undo(self) -> None:
        self.model._set(self.row, self.name, self.old)


class _InsertRows(QUndoCommand):
    def __init__(self, model: BulkLinksModel, at: int, rows: list[Row]) -> None:
        super().__init__("Add link" if len(rows) == 1 else f"Add {len(rows)} links")
        self.model, self.at, self.rows = model, at, rows

    def redo(self) -> None:
        self.model._insert(self.at, self.rows)

    def undo(self) -> None:
        self.model._remove(self.at, len(self.rows))


class _RemoveRows(QUndoCommand):
    def __init__(self, model: BulkLinksModel, rows: list[int]) -> None:
        super().__init__("Remove link" if len(rows) == 1 else f"Remove {len(rows)} links")
        self.model, self.rows = model, rows
        self.removed: list[tuple[int, Row]] = []

    def redo(self) -> None:
        self.removed = []
        for row in reversed(self.rows):
            self.removed.append((row, self.model._remove(row, 1)[0]))

    def undo(self) -> None:
        for row, data in reversed(self.removed):
            self.model._insert(row, [data])


class _ReplaceAll(QUndoCommand):
    def __init__(self, model: BulkLinksModel, rows: list[Row], text: str) -> None:
        super().__init__(text)
        self.model, self.new = model, rows
        self.old = model.rows()

    def redo(self) -> None:
        self.model._reset(self.new)

    def undo(self) -> None:
        self.model._reset(self.old)
