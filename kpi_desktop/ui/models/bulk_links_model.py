"""Table model of the UTM bulk builder: one row per link, errors on cells, undoable edits.

The rows live in the link store (the workspace, through the session's undo stack); the
model shows them and turns every edit into one `set_bulk_links` call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from kpi_desktop.core.utm import (
    BULK_COLUMNS,
    BULK_HEADERS,
    ERRORS_COLUMN,
    PARAM_HELP,
    REQUIRED,
    TAGGED_COLUMN,
    BuildResult,
    LinkStore,
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

    Every edit replaces the store's rows in one step (`LinkStore.set_bulk_links`), which
    the workspace's store makes an undoable command; typing in one cell twice in a row
    merges into one step. `reload` shows the store's rows again (after an undo).
    """

    ErrorRole = Qt.ItemDataRole.UserRole + 1  # the cell's error message, or ""
    ValueRole = Qt.ItemDataRole.UserRole + 2  # the raw text of the cell

    def __init__(
        self,
        store: LinkStore,
        convention: NamingConvention | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self._convention = convention
        self._rows: list[Row] = []
        self._results: list[BuildResult] = []
        self.reload()

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

    # -- writing (through the store: one undo step each) ------------------------------
    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() == TAGGED:
            return False
        text = "" if value is None else str(value)
        row, name = index.row(), COLUMNS[index.column()]
        if self._rows[row][name] == text:
            return False
        rows = self.rows()
        rows[row][name] = text
        self._commit(rows, f"Edit {BULK_HEADERS[name]} of bulk row {row + 1}", (row, name))
        return True

    def add_rows(
        self, rows: Sequence[Mapping[str, Any]] | None = None, at: int | None = None
    ) -> None:
        """Insert rows (one empty row by default) at `at` (the end by default)."""
        new = [self._clean(r) for r in (rows if rows is not None else [{}])]
        where = len(self._rows) if at is None else at
        current = self.rows()
        text = "Add bulk row" if len(new) == 1 else f"Add {len(new)} bulk rows"
        self._commit([*current[:where], *new, *current[where:]], text)

    def remove_rows(self, rows: Sequence[int]) -> None:
        wanted = set(rows) & set(range(len(self._rows)))
        if wanted:
            kept = [r for i, r in enumerate(self.rows()) if i not in wanted]
            text = "Remove bulk row" if len(wanted) == 1 else f"Remove {len(wanted)} bulk rows"
            self._commit(kept, text)

    def replace_all(self, frame: pd.DataFrame, text: str = "Import links") -> None:
        """Replace the table with `frame` (any headers `bulk_frame` understands)."""
        self._commit([self._clean(r) for r in bulk_frame(frame).to_dict("records")], text)

    def _commit(self, rows: list[Row], text: str, cell: tuple[int, str] | None = None) -> None:
        self.store.set_bulk_links(rows, text, cell)
        self.reload()  # a store without a session applies at once; then this shows it

    def reload(self) -> None:
        """Show the store's rows: changed rows as `dataChanged`, a new row count as a reset."""
        rows = [self._clean(r) for r in self.store.bulk_links()]
        if len(rows) != len(self._rows):
            self._reset(rows)
            return
        for at, (old, new) in enumerate(zip(self._rows, rows, strict=True)):
            if old != new:
                self._rows[at] = new
                self._results[at] = self._build(new)
                self.dataChanged.emit(self.index(at, 0), self.index(at, len(COLUMNS) - 1))

    def set_convention(self, convention: NamingConvention | None) -> None:
        """Rebuild every row under a new naming convention (not an undoable edit)."""
        self._convention = convention
        self._results = [self._build(r) for r in self._rows]
        if self._rows:
            last = self.index(len(self._rows) - 1, len(COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    # -- helpers ---------------------------------------------------------------------
    @staticmethod
    def _clean(row: Mapping[str, Any]) -> Row:
        return {name: str(row.get(name, "") or "") for name in BULK_COLUMNS}

    def _build(self, row: Row) -> BuildResult:
        return build_url(row["url"], UtmParams.from_dict(row), self._convention)

    def _reset(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self._rows = [dict(r) for r in rows]
        self._results = [self._build(r) for r in self._rows]
        self.endResetModel()
