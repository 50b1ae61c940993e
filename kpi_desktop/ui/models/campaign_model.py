"""Table model of the Campaigns tab: one row per campaign (input fields, then KPIs) and a
pinned Total row, over a core `KpiReport`.

Cells are read from column arrays cached once per report and formatted on demand by
`core.format`, so a million-row report paints as fast as six rows. Sorting and filtering
are numpy permutations inside the model (no Python comparisons, no proxy); undefined
values always sort last and the Total row stays on top.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from kpi_desktop.core import format as fmt
from kpi_desktop.core.kpi import KPI_BY_ID, KPIS, KpiReport
from kpi_desktop.core.schema import FIELDS
from kpi_desktop.ui import style

#: Input fields shown, in the order a marketer reads the funnel: bot, website, money, lift.
INPUT_FIELDS: tuple[str, ...] = (
    "users",
    "interactions",
    "declared_data_points",
    "clicks",
    "matched_responses",
    "total_messages",
    "visitors",
    "conversions",
    "conversion_value",
    "spend",
    "other_cost",
    "ad_recall_exposed",
    "ad_recall_control",
    "intent_exposed",
    "intent_control",
)

#: Short column headers for KPIs; the tooltip carries the full name and formula.
KPI_HEADERS: dict[str, str] = {
    "interactions_per_user": "Interactions\nper user",
    "insights_per_user": "Insights\nper user",
    "ctr": "CTR to\nwebsite",
    "matched_response_rate": "Matched\nresponse rate",
    "cost_per_conversion": "Cost per\nconversion",
    "conversion_rate": "Conversion\nrate",
    "roas": "ROAS",
    "ad_recall_lift": "Ad recall\nlift",
    "purchase_intent_lift": "Purchase\nintent lift",
}

#: Two-line headers keep the wide table narrow; the tooltip has the full description.
FIELD_HEADERS: dict[str, str] = {
    "declared_data_points": "Declared\ndata points",
    "clicks": "Clicks to\nwebsite",
    "matched_responses": "Matched\nresponses",
    "total_messages": "Total\nmessages",
    "conversion_value": "Conversion\nvalue",
    "other_cost": "Other\ncost",
    "ad_recall_exposed": "Ad recall\n(exposed)",
    "ad_recall_control": "Ad recall\n(control)",
    "intent_exposed": "Intent\n(exposed)",
    "intent_control": "Intent\n(control)",
}

TOTAL_LABEL = "Total"

Index = QModelIndex | QPersistentModelIndex

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class Column:
    """One table column: the campaign name, an input field or a KPI."""

    key: str
    kind: str  # "name", "field" or "kpi"
    header: str
    tooltip: str


def _columns() -> tuple[Column, ...]:
    name_column = Column("campaign", "name", "Campaign", "Campaign name as shown in your reports")
    fields = (
        Column(f.name, "field", FIELD_HEADERS.get(f.name, f.label), f"{f.label}: {f.description}")
        for f in (FIELDS[name] for name in INPUT_FIELDS)
    )
    kpis = (
        Column(kpi.id, "kpi", KPI_HEADERS.get(kpi.id, kpi.name), f"{kpi.name} = {kpi.formula}")
        for kpi in KPIS
    )
    columns = [name_column, *fields, *kpis]
    return tuple(columns)


COLUMNS: tuple[Column, ...] = _columns()
COLUMN_INDEX: dict[str, int] = {c.key: i for i, c in enumerate(COLUMNS)}


class CampaignTableModel(QAbstractTableModel):
    """KPIs per campaign. Row 0 is the Total of the whole selection (not of the filter).

    Roles: Display (formatted text), ToolTip (why a KPI is undefined, notes, formula),
    TextAlignment (numbers right), Font/Background (Total row), Foreground (undefined),
    `SortRole` (native value: float, folded name, or None when undefined), `ValueRole`
    (raw value: float or None, the name for the first column), `RowKeyRole` (the row's
    report label, e.g. its campaign key; None for the Total row).
    """

    SortRole = Qt.ItemDataRole.UserRole + 1
    ValueRole = Qt.ItemDataRole.UserRole + 2
    RowKeyRole = Qt.ItemDataRole.UserRole + 3

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._report: KpiReport | None = None
        self._currency = ""
        self._notes: Mapping[str, str] = {}
        self._labels = np.empty(0, dtype=object)  # report row labels
        self._names = np.empty(0, dtype=object)
        self._folded: np.ndarray | None = None  # lower-cased names, built on first use
        self._values: list[np.ndarray | None] = [None] * len(COLUMNS)
        self._total = np.full(len(COLUMNS), np.nan)
        self._order = np.empty(0, dtype=np.int64)  # visible report rows, in view order
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._filter = ""
        self._bold = QFont()
        self._bold.setBold(True)
        self._total_brush = QBrush(QColor(style.TOTAL_ROW))
        self._undefined_brush = QBrush(QColor(style.UNDEFINED))

    # -- loading -----------------------------------------------------------------------
    def set_report(
        self,
        report: KpiReport | None,
        currency: str = "",
        notes: Mapping[str, str] | None = None,
    ) -> None:
        """Show `report`; keeps the sort and filter. Same rows -> dataChanged, else reset."""
        same_rows = (
            report is not None
            and self._report is not None
            and len(report.rows) == len(self._labels)
            and bool(np.array_equal(report.rows.index.to_numpy(dtype=object), self._labels))
        )
        if same_rows:
            self._load(report, currency, notes)
            if self._sort_column >= 0:
                self.sort(self._sort_column, self._sort_order)
            if self.rowCount():
                self.dataChanged.emit(
                    self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1)
                )
            return
        self.beginResetModel()
        self._load(report, currency, notes)
        self._order = self._visible_rows()
        self.endResetModel()

    def _load(
        self, report: KpiReport | None, currency: str, notes: Mapping[str, str] | None
    ) -> None:
        self._report = report
        self._currency = currency
        self._notes = notes or {}
        self._folded = None
        if report is None:
            self._labels = np.empty(0, dtype=object)
            self._names = self._labels
            self._values = [None] * len(COLUMNS)
            self._total = np.full(len(COLUMNS), np.nan)
            self._order = np.empty(0, dtype=np.int64)
            return
        rows = report.rows
        self._labels = rows.index.to_numpy(dtype=object)
        if "campaign" in rows:
            self._names = rows["campaign"].to_numpy(dtype=object)
        else:
            self._names = np.array([str(label) for label in self._labels], dtype=object)
        values: list[np.ndarray | None] = [None]
        total = np.full(len(COLUMNS), np.nan)
        for i, column in enumerate(COLUMNS[1:], start=1):
            if column.key in rows:
                values.append(rows[column.key].to_numpy(dtype=np.float64, na_value=np.nan))
            else:
                values.append(np.full(len(rows), np.nan))
            raw = report.total.get(column.key, np.nan)
            total[i] = np.nan if raw is None else float(raw)
        self._values = values
        self._total = total

    # -- filtering and sorting -----------------------------------------------------------
    @property
    def filter_text(self) -> str:
        return self._filter

    def set_filter_text(self, text: str) -> None:
        """Show only campaigns whose name contains `text` (case-insensitive)."""
        text = text.strip().casefold()
        if text == self._filter:
            return
        self.beginResetModel()
        self._filter = text
        self._order = self._visible_rows()
        self.endResetModel()

    def visible_count(self) -> int:
        """Campaign rows shown (the Total row not counted)."""
        return len(self._order)

    def campaign_count(self) -> int:
        return len(self._labels)

    def _folded_names(self) -> np.ndarray:
        if self._folded is None:
            self._folded = np.array([str(n).casefold() for n in self._names], dtype=object)
        return self._folded

    def _visible_rows(self) -> np.ndarray:
        n = len(self._labels)
        if self._filter:
            needle = self._filter
            mask = np.fromiter((needle in n for n in self._folded_names()), dtype=bool, count=n)
            rows = np.flatnonzero(mask)
        else:
            rows = np.arange(n, dtype=np.int64)
        return self._sorted(rows)

    def _sorted(self, rows: np.ndarray) -> np.ndarray:
        column = self._sort_column
        if column < 0 or len(rows) < 2:
            return rows
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        if column == 0:
            keys = self._folded_names()[rows]
            permutation = np.argsort(keys, kind="stable")
            if descending:
                permutation = permutation[::-1]
            return rows[permutation]
        values = self._values[column]
        assert values is not None
        keys = values[rows]
        # NaN (undefined) sorts last either way: negate for descending instead of reversing.
        permutation = np.argsort(-keys if descending else keys, kind="stable")
        return rows[permutation]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        old_order = self._order
        persistent = self.persistentIndexList()
        self._sort_column = column if 0 <= column < len(COLUMNS) else -1
        self._sort_order = order
        self._order = self._sorted(
            np.sort(self._order) if self._sort_column < 0 else self._order.copy()
        )
        if persistent:
            position = np.full(len(self._labels), -1, dtype=np.int64)
            position[self._order] = np.arange(len(self._order)) + 1
            new = []
            for index in persistent:
                row = index.row()
                if row == 0:
                    new.append(self.index(0, index.column()))
                else:
                    source = old_order[row - 1]
                    new.append(self.index(int(position[source]), index.column()))
            self.changePersistentIndexList(persistent, new)
        self.layoutChanged.emit()

    # -- Qt model API ----------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        if parent.isValid() or self._report is None:
            return 0
        return len(self._order) + 1

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        column = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT if column.kind == "name" else _RIGHT
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if self._report is None or not (0 <= row <= len(self._order) and 0 <= col < len(COLUMNS)):
            return None
        column = COLUMNS[col]
        is_total = row == 0
        source = -1 if is_total else int(self._order[row - 1])
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(column, col, source)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT if column.kind == "name" else _RIGHT
        if role == self.SortRole:
            if column.kind == "name":
                return TOTAL_LABEL.casefold() if is_total else self._folded_names()[source]
            return self._number(col, source)
        if role == self.ValueRole:
            if column.kind == "name":
                return TOTAL_LABEL if is_total else str(self._names[source])
            return self._number(col, source)
        if role == self.RowKeyRole:
            return None if is_total else self._labels[source]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(column, col, source)
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if is_total else None
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._total_brush if is_total else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column.kind != "name" and self._number(col, source) is None:
                return self._undefined_brush
            return None
        return None

    # -- cells -------------------------------------------------------------------------------
    def _number(self, col: int, source: int) -> float | None:
        if source < 0:
            value = float(self._total[col])
        else:
            values = self._values[col]
            assert values is not None
            value = float(values[source])
        return None if np.isnan(value) else value

    def _display(self, column: Column, col: int, source: int) -> str:
        if column.kind == "name":
            return TOTAL_LABEL if source < 0 else str(self._names[source])
        value = self._number(col, source)
        if column.kind == "kpi":
            return fmt.kpi_value(KPI_BY_ID[column.key], value, self._currency)
        return fmt.field_value(column.key, value, self._currency)

    def _tooltip(self, column: Column, col: int, source: int) -> str | None:
        if column.kind == "name":
            if source < 0:
                return "All campaigns in the period (not only the rows the filter shows)"
            return self._notes.get(str(self._labels[source])) or None
        if column.kind == "field":
            return column.tooltip
        kpi = KPI_BY_ID[column.key]
        assert self._report is not None
        label: object = "total" if source < 0 else self._labels[source]
        value = self._number(col, source)
        if value is None:
            reason = self._report.reason(label, kpi.id) or "not enough data"
            return f"{kpi.name}: no value — {reason}.\n{kpi.name} = {kpi.formula}"
        return f"{kpi.name} = {kpi.formula}\n{self._display(column, col, source)}"

    # -- helpers for views and tests --------------------------------------------------------
    def column_of(self, key: str) -> int:
        """The column index of a field, KPI id or "campaign"."""
        return COLUMN_INDEX[key]

    def row_keys(self) -> Sequence[object]:
        """Report labels of the visible campaign rows, in view order."""
        return [self._labels[i] for i in self._order]
