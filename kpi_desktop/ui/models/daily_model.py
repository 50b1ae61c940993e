"""Table model of one campaign's rows by day (`Workspace.daily`), editable like the
Campaigns table: typing pushes an `EditCell`, a paste one `PasteBlock`, a revert a
`RevertCell` through the window's undo stack; a refused entry emits `edit_refused`.

Values are read from column arrays cached on `reload`, never from the frame per cell.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from kpi_desktop.core import format as fmt
from kpi_desktop.core.schema import FIELDS, INPUT_FIELDS
from kpi_desktop.core.workspace import ADJUSTMENT_SOURCE, EDITABLE_FIELDS
from kpi_desktop.ui.models.campaign_model import (
    CLIPBOARD_ROLE,
    EDITED_BACKGROUND,
    EDITED_ROLE,
    FIELD_HEADERS,
    CommandSink,
    edit_text,
    parse_input,
    typed_decimal_mark,
)

if TYPE_CHECKING:
    from kpi_desktop.core.commands import Command
    from kpi_desktop.core.workspace import Workspace

Index = QModelIndex | QPersistentModelIndex

DIMENSIONS: tuple[str, ...] = ("date", "channel", "variant")
DAILY_FIELDS: tuple[str, ...] = tuple(f for f in INPUT_FIELDS if f in EDITABLE_FIELDS)
COLUMNS: tuple[str, ...] = (*DIMENSIONS, *DAILY_FIELDS)
HEADERS: dict[str, str] = {"date": "Date", "channel": "Channel", "variant": "Variant"}

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class DailyModel(QAbstractTableModel):
    """Rows of one campaign: date, channel, variant, then the input fields.

    Roles: Display, Edit (plain number), ToolTip (imported value of an edited cell),
    Font/Background (edited cells), TextAlignment, `SortRole`/`ValueRole` (float or
    None), `RowIdRole` (the workspace row id), `EditedRole`, `ClipboardRole`.
    """

    SortRole = Qt.ItemDataRole.UserRole + 1
    ValueRole = Qt.ItemDataRole.UserRole + 2
    RowIdRole = Qt.ItemDataRole.UserRole + 3
    EditedRole = EDITED_ROLE
    ClipboardRole = CLIPBOARD_ROLE

    #: an entry was refused: the sentence to show.
    edit_refused = Signal(str)

    def __init__(
        self,
        workspace: Workspace,
        campaign_key: str,
        push: CommandSink | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._workspace = workspace
        self.campaign_key = campaign_key
        self._push = push
        self._row_ids = np.empty(0, dtype=np.int64)
        self._text: dict[str, np.ndarray] = {}
        self._values: dict[str, np.ndarray] = {}
        self._currency = np.empty(0, dtype=object)
        self._adjustment = np.empty(0, dtype=bool)
        self._edited: list[frozenset[str]] = []
        self._italic = QFont()
        self._italic.setItalic(True)
        self._edited_brush = QBrush(QColor(EDITED_BACKGROUND))
        self._load()

    # -- loading ---------------------------------------------------------------------------
    def reload(self) -> None:
        """Re-read the campaign's rows: same rows -> dataChanged, otherwise a reset."""
        old = self._row_ids
        frame = self._frame()
        ids = frame["row_id"].to_numpy(dtype=np.int64) if "row_id" in frame else self._ids(frame)
        if len(ids) == len(old) and np.array_equal(ids, old):
            self._load(frame)
            if self.rowCount():
                self.dataChanged.emit(
                    self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1)
                )
            return
        self.beginResetModel()
        self._load(frame)
        self.endResetModel()

    def _frame(self) -> pd.DataFrame:
        return self._workspace.daily(self.campaign_key)

    @staticmethod
    def _ids(frame: pd.DataFrame) -> np.ndarray:
        ids: np.ndarray = frame.index.to_numpy(dtype=np.int64)
        return ids

    def _load(self, frame: pd.DataFrame | None = None) -> None:
        if frame is None:
            frame = self._frame()
        n = len(frame)
        ids = frame["row_id"].to_numpy(dtype=np.int64) if "row_id" in frame else self._ids(frame)
        self._row_ids = ids
        dates = frame["date"] if "date" in frame else pd.Series([None] * n)
        self._text = {
            "date": np.array(
                ["" if pd.isna(d) else pd.Timestamp(d).strftime("%Y-%m-%d") for d in dates],
                dtype=object,
            ),
        }
        for name in ("channel", "variant"):
            column = frame[name] if name in frame else pd.Series([""] * n)
            self._text[name] = np.array(
                ["" if pd.isna(v) else str(v) for v in column], dtype=object
            )
        self._values = {
            name: (
                frame[name].to_numpy(dtype=np.float64, na_value=np.nan)
                if name in frame
                else np.full(n, np.nan)
            )
            for name in DAILY_FIELDS
        }
        currency = frame["currency"] if "currency" in frame else pd.Series([""] * n)
        self._currency = np.array(["" if pd.isna(c) else str(c) for c in currency], dtype=object)
        source = frame["source_id"] if "source_id" in frame else pd.Series([""] * n)
        self._adjustment = np.array([str(s) == ADJUSTMENT_SOURCE for s in source], dtype=bool)
        ws = self._workspace
        self._edited = [ws.edited_fields(int(rid)) for rid in ids]

    # -- Qt model API -----------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._row_ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        name = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS.get(name) or FIELD_HEADERS.get(name, FIELDS[name].label)
        if role == Qt.ItemDataRole.ToolTipRole:
            spec = FIELDS[name]
            return f"{spec.label}: {spec.description}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT if name in DIMENSIONS else _RIGHT
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._cell_editable(index.row(), index.column()):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def _cell_editable(self, row: int, column: int) -> bool:
        return (
            self._push is not None
            and 0 <= row < len(self._row_ids)
            and 0 <= column < len(COLUMNS)
            and COLUMNS[column] not in DIMENSIONS
            and not self._adjustment[row]
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if not (0 <= row < len(self._row_ids) and 0 <= col < len(COLUMNS)):
            return None
        name = COLUMNS[col]
        if name in DIMENSIONS:
            text = str(self._text[name][row])
            if role == Qt.ItemDataRole.DisplayRole:
                if name == "date" and not text:
                    return "All dates" if self._adjustment[row] else "No date"
                return text
            if role in (self.SortRole, self.ValueRole, self.ClipboardRole):
                return text
            if role == Qt.ItemDataRole.ToolTipRole and self._adjustment[row]:
                return (
                    "Adjustment that makes the campaign's total equal the total typed in the "
                    "Campaigns table; revert that total to remove it."
                )
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _LEFT
            if role == self.RowIdRole:
                return int(self._row_ids[row])
            return None
        value = self._number(name, row)
        edited = name in self._edited[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return fmt.field_value(name, value, str(self._currency[row]))
        if role == Qt.ItemDataRole.EditRole:
            return edit_text(name, value, typed_decimal_mark(self._workspace))
        if role in (self.SortRole, self.ValueRole):
            return value
        if role == self.ClipboardRole:
            return edit_text(name, value, typed_decimal_mark(self._workspace))
        if role == self.EditedRole:
            return int(edited)  # not a bool: see campaign_model's EditedRole
        if role == self.RowIdRole:
            return int(self._row_ids[row])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT
        if role == Qt.ItemDataRole.FontRole:
            return self._italic if edited else None
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._edited_brush if edited else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if not edited:
                return None
            imported = self._workspace.imported_value(int(self._row_ids[row]), name)
            shown = fmt.field_value(name, imported, str(self._currency[row]))
            return f"Edited (imported: {shown}).\nRight-click › Revert to imported to restore it."
        return None

    def _number(self, name: str, row: int) -> float | None:
        value = float(self._values[name][row])
        return None if math.isnan(value) else value

    # -- editing ------------------------------------------------------------------------------
    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        parsed = self._parse(index, value)
        if isinstance(parsed, str):
            self.edit_refused.emit(parsed)
            return False
        row_id, name, number = parsed
        if _same(number, self._number(name, index.row())):
            return True
        from kpi_desktop.core import commands

        assert self._push is not None
        self._push(commands.EditCell(self._workspace, row_id, name, number))
        return True

    def _parse(self, index: Index, value: object) -> tuple[int, str, float | None] | str:
        row, col = index.row(), index.column()
        if not self._cell_editable(row, col):
            if 0 <= col < len(COLUMNS) and COLUMNS[col] in DIMENSIONS:
                return "Date, channel and variant identify the row and cannot be typed into."
            return "This row is a campaign-total adjustment and cannot be typed into."
        name = COLUMNS[col]
        try:
            number = parse_input(name, value, typed_decimal_mark(self._workspace))
        except ValueError as exc:
            return str(exc)
        return int(self._row_ids[row]), name, number

    def command_for(self, index: Index, value: object) -> Command | str | None:
        """The single-cell command for typing `value` (None: no change; str: refused)."""
        parsed = self._parse(index, value)
        if isinstance(parsed, str):
            return parsed
        row_id, name, number = parsed
        if _same(number, self._number(name, index.row())):
            return None
        from kpi_desktop.core import commands

        return commands.EditCell(self._workspace, row_id, name, number)

    def paste_command(self, cells: Sequence[tuple[Index, str]]) -> Command | str | None:
        """One `PasteBlock` for many typed cells; the first refusal refuses them all."""
        from kpi_desktop.core import commands

        items: list[tuple[int, str, object]] = []
        for index, text in cells:
            parsed = self._parse(index, text)
            if isinstance(parsed, str):
                return parsed
            items.append(parsed)
        if not items:
            return None
        return commands.PasteBlock(self._workspace, items)

    def revert_commands(self, indexes: Iterable[Index]) -> list[Command]:
        """`RevertCell` for each edited cell among `indexes`."""
        from kpi_desktop.core import commands

        out: list[Command] = []
        for index in indexes:
            row, col = index.row(), index.column()
            if 0 <= row < len(self._row_ids) and 0 <= col < len(COLUMNS):
                name = COLUMNS[col]
                if name in self._edited[row]:
                    out.append(commands.RevertCell(self._workspace, int(self._row_ids[row]), name))
        return out

    def column_of(self, name: str) -> int:
        return COLUMNS.index(name)


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)
