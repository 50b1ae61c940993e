"""Table model of the Campaigns tab: one row per campaign (KPIs, then input fields) and a
pinned Total row, over a core `KpiReport`.

With a workspace attached (`set_workspace`) the input fields and the name are editable:
`setData` validates the text (read with the workspace's decimal mark, `typed_decimal_mark`;
counts are whole numbers >= 0, money >= 0), then pushes a
core command (`EditCampaignTotal`, `RevertCampaignTotal`, `RenameCampaign`) through the
window's undo stack; a refused entry emits `edit_refused` with the reason and changes
nothing (the tab shows the message: a model never opens a dialog). Cells that hold an
override answer `EditedRole` True and show the imported total in their tooltip. A typed
total covers its campaign's data range: under a date filter cutting that range the cell
says so and typing a total there is refused (`cut_reason`).

When the report has site traffic (web analytics rows with no campaign), a grey,
read-only "Site traffic (not a campaign)" row follows the Total: shown apart, it is part of
no total or KPI (`KpiReport.site_traffic`).

Cells are read from column arrays cached once per report and formatted on demand by
`core.format`, so a million-row report paints as fast as six rows. Sorting and filtering
are numpy permutations inside the model (no Python comparisons, no proxy); undefined
values always sort last and the Total row stays on top.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from kpi_desktop.core import format as fmt
from kpi_desktop.core.kpi import KPI_BY_ID, KPIS, SITE_TRAFFIC, SITE_TRAFFIC_NAME, KpiReport
from kpi_desktop.core.schema import ADDITIVE_FIELDS, FIELDS, INPUT_FIELDS, Kind
from kpi_desktop.core.series.coverage import range_text
from kpi_desktop.ui import style

if TYPE_CHECKING:
    from kpi_desktop.core.commands import Command
    from kpi_desktop.core.workspace import EditRecord, Workspace
    from kpi_desktop.ui.undo import CoreCommand

#: Pushes a core command through the session's undo stack (`Session.push`).
CommandSink = Callable[["CoreCommand"], None]


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
SITE_TRAFFIC_LABEL = SITE_TRAFFIC_NAME
SITE_TRAFFIC_TOOLTIP = (
    "Visits with no campaign in your web analytics — direct, organic search, referrals, "
    "(not set)… — in the period.\nShown for scale only: this line is part of no total, "
    "KPI or chart of your campaigns."
)
#: Background of a cell that holds an override: a pale yellow, always paired with italic
#: text and a corner mark (the delegate draws it), so colour is never the only sign.
EDITED_BACKGROUND = "#fff3c4"
EDITED_MARK = "#b07800"

Index = QModelIndex | QPersistentModelIndex

#: `_source` of the pinned rows (campaign rows are report row positions, >= 0).
TOTAL_SOURCE = -1
SITE_SOURCE = -2

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
    # KPIs first: a marketer sees them without scrolling; the inputs follow.
    columns = [name_column, *kpis, *fields]
    return tuple(columns)


COLUMNS: tuple[Column, ...] = _columns()
COLUMN_INDEX: dict[str, int] = {c.key: i for i, c in enumerate(COLUMNS)}

#: Roles shared by the editable models (campaign and daily tables).
EDITED_ROLE = Qt.ItemDataRole.UserRole + 4  # True when the cell holds an override
CLIPBOARD_ROLE = Qt.ItemDataRole.UserRole + 5  # plain text for Excel: 1234.5, 12.5, names


def system_decimal_mark() -> str:
    """The computer's decimal mark ("." or ","), from Qt's default locale (the system's
    unless `QLocale.setDefault` says otherwise; "." under the C locale)."""
    return "," if QLocale().decimalPoint() == "," else "."


def typed_decimal_mark(workspace: Workspace | None) -> str:
    """The decimal mark typed numbers are read with: the workspace's number format
    setting, else the computer's."""
    chosen = None if workspace is None else workspace.get_setting(fmt.DECIMAL_MARK_SETTING)
    return fmt.decimal_mark(chosen) or system_decimal_mark()


def parse_input(field: str, text: object, decimal: str | None = None) -> float | None:
    """A value typed into an input field, checked; None for a blank cell.

    Text is read with the decimal mark `decimal` ("." or ","; default: the computer's),
    see `core.format.parse_typed_number`. Counts are whole numbers >= 0, money is >= 0,
    study rates are percentages 0..100 (stored as fractions).

    Raises:
        ValueError: with a sentence for the user.
    """
    spec = FIELDS[field]
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None
    if isinstance(text, int | float) and not isinstance(text, bool):
        number = float(text)
    else:
        raw = str(text).strip()
        if not raw or raw == fmt.EM_DASH:
            return None
        parsed = fmt.parse_typed_number(raw, decimal or system_decimal_mark(), spec.label)
        if isinstance(parsed, str):
            raise ValueError(parsed)
        number = parsed
        if spec.kind is Kind.RATE:
            number /= 100
    if not math.isfinite(number):
        raise ValueError(f"{spec.label} must be a number.")
    if spec.kind is Kind.COUNT:
        if number < 0 or number != int(number):
            raise ValueError(f"{spec.label} must be a whole number of 0 or more.")
    elif spec.kind is Kind.MONEY:
        if number < 0:
            raise ValueError(f"{spec.label} must be an amount of 0 or more.")
    elif spec.kind is Kind.RATE and not 0 <= number <= 1:
        raise ValueError(f"{spec.label} must be a percentage from 0 to 100.")
    return number


def edit_text(field: str, value: float | None, decimal: str = ".") -> str:
    """A value as the editor and the clipboard show it: plain digits with the decimal mark
    `decimal` (so typing it back reads the same number), rates in percent, blank if missing."""
    if value is None or math.isnan(value):
        return ""
    if FIELDS[field].kind is Kind.RATE:
        value = round(value * 100, 10)
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.10g}".replace(".", decimal)


def kpi_clip(kpi_id: str, value: float | None, decimal: str = ".") -> str:
    """A KPI for the clipboard: a plain number in display units (percent for rates)."""
    number = fmt.kpi_number(KPI_BY_ID[kpi_id], value)
    return "" if number is None else f"{number:.10g}".replace(".", decimal)


class CampaignTableModel(QAbstractTableModel):
    """KPIs per campaign. Row 0 is the Total of the whole selection (not of the filter);
    row 1 is the site traffic line when the report has one (`pinned_rows` counts both).

    Roles: Display (formatted text), Edit (plain number), ToolTip (why a KPI is
    undefined, notes, formula, the imported value of an edited cell), TextAlignment
    (numbers right), Font/Background (Total row, edited cells), Foreground (undefined),
    `SortRole` (native value: float, folded name, or None when undefined), `ValueRole`
    (raw value: float or None, the name for the first column), `RowKeyRole` (the row's
    report label, e.g. its campaign key; None for the Total row), `EditedRole` (the
    cell holds an override), `ClipboardRole` (plain text for Excel).
    """

    # set in __init__ (below the editing methods); declared here, where mypy first meets them
    _workspace: Workspace | None
    _push: CommandSink | None
    _editable: bool
    _overrides: dict[tuple[str, str], EditRecord]
    _period: tuple[dt.date, dt.date] | None
    _ranges: dict[str, tuple[dt.date, dt.date] | None]

    # -- editing --------------------------------------------------------------------------
    def set_workspace(self, workspace: Workspace | None, push: CommandSink | None) -> None:
        """Attach the workspace the report comes from and the undo stack's push."""
        self._workspace = workspace
        self._push = push
        self._read_overrides()

    def set_editable(self, editable: bool, period: tuple[dt.date, dt.date] | None = None) -> None:
        """Allow typing; `period` is the report's date filter (None: all dates).

        A typed total covers its campaign's data range (`Workspace.campaign_range`): it
        counts, and can be typed, where `period` holds that range; where `period` cuts
        it, the cell says so and typing a total is refused with the way out.
        """
        if editable != self._editable or period != self._period:
            self._editable = editable
            self._period = period
            if self.rowCount():
                self.dataChanged.emit(
                    self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1)
                )

    @property
    def editable(self) -> bool:
        return self._editable and self._workspace is not None and self._push is not None

    def _read_overrides(self) -> None:
        ws = self._workspace
        self._overrides = {}
        self._ranges = {}
        if ws is None:
            return
        for rec in ws.edits():
            if rec.table == "campaigns":
                self._overrides[(str(rec.row_key), rec.field)] = rec

    def override_at(self, index: Index) -> EditRecord | None:
        """The campaign-total override shown in a cell, or None."""
        if not index.isValid() or not 0 <= index.column() < len(COLUMNS):
            return None
        source = self._source(index.row())
        if source < 0:
            return None
        key = self._labels[source]
        return self._overrides.get((str(key), COLUMNS[index.column()].key))

    def campaign_key_at(self, row: int) -> str | None:
        """The campaign key of a view row (None for the Total and site traffic rows)."""
        if not 0 <= row < self.rowCount():
            return None
        source = self._source(row)
        return None if source < 0 else str(self._labels[source])

    @property
    def pinned_rows(self) -> int:
        """Rows above the campaigns: the Total, then the site traffic line if any."""
        return 2 if self._has_site else 1

    def site_traffic_row(self) -> int | None:
        """The view row of the site traffic line, or None when there is none."""
        return 1 if self._has_site and self._report is not None else None

    def _source(self, row: int) -> int:
        """The report row a view row shows: TOTAL_SOURCE, SITE_SOURCE or a row position."""
        if row == 0:
            return TOTAL_SOURCE
        if self._has_site and row == 1:
            return SITE_SOURCE
        return int(self._order[row - self.pinned_rows])

    def _cell_editable(self, row: int, column: Column) -> bool:
        if row < self.pinned_rows or not self.editable:
            return False
        if self._labels[self._source(row)] == "":
            return False  # "(no campaign)": rows of no campaign have no total to pin
        return column.kind == "name" or column.key in ADDITIVE_FIELDS

    def campaign_range(self, key: str) -> tuple[dt.date, dt.date] | None:
        """The days a typed total of campaign `key` covers (None: it has no dated rows)."""
        if key not in self._ranges:
            ws = self._workspace
            self._ranges[key] = None if ws is None else ws.campaign_range(key)
        return self._ranges[key]

    def cut_reason(self, key: str) -> str | None:
        """The days campaign `key`'s typed totals cover when the period cuts them (they
        do not count here): a range, or "no dates"; None when they count."""
        period = self._period
        if period is None:
            return None
        covered = self.campaign_range(key)
        if covered is None:
            return "no dates"
        if period[0] <= covered[0] and covered[1] <= period[1]:
            return None
        return range_text(*covered)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        command = self._command_for(index, value)
        if isinstance(command, str):
            self.edit_refused.emit(command)
            return False
        if command is not None:
            assert self._push is not None
            self._push(command)
        return True

    def command_for(self, index: Index, value: object) -> Command | str | None:
        """The command typing `value` into a cell makes: None when nothing changes, the
        reason as a string when the entry is refused (used by setData and paste)."""
        return self._command_for(index, value)

    def _command_for(self, index: Index, value: object) -> Command | str | None:
        from kpi_desktop.core import commands

        column = COLUMNS[index.column()]
        if not self._cell_editable(index.row(), column):
            return f"{column.header.replace(chr(10), ' ')} cannot be typed into here."
        ws = self._workspace
        key = self.campaign_key_at(index.row())
        assert ws is not None
        assert key is not None
        if column.kind == "name":
            name = str(value or "").strip()
            if not name:
                return "A campaign needs a name."
            if name == str(self._names[self._source(index.row())]):
                return None
            return commands.RenameCampaign(ws, key, name)
        cut = self.cut_reason(key)
        if cut is not None:
            covers = "no dates" if cut == "no dates" else f"the campaign's data, {cut}"
            return (
                f"A typed total covers {covers}, which this period cuts, so it would not "
                "count here: choose All dates to type it, or double-click the name to type "
                "its days in Rows by Day."
            )
        try:
            number = parse_input(column.key, value, typed_decimal_mark(ws))
        except ValueError as exc:
            return str(exc)
        pinned = self._overrides.get((key, column.key))
        if number is None:
            return commands.RevertCampaignTotal(ws, key, column.key) if pinned else None
        current = self._number(index.column(), self._source(index.row()))
        if current is not None and math.isclose(current, number, rel_tol=1e-12, abs_tol=1e-9):
            return None
        return commands.EditCampaignTotal(ws, key, column.key, number)

    def revert_commands(self, indexes: Iterable[Index]) -> list[Command]:
        """Commands that put the imported totals back in the given cells."""
        from kpi_desktop.core import commands

        out: list[Command] = []
        ws = self._workspace
        if ws is None:
            return out
        for index in indexes:
            rec = self.override_at(index)
            if rec is not None:
                out.append(commands.RevertCampaignTotal(ws, str(rec.row_key), rec.field))
        return out

    SortRole = Qt.ItemDataRole.UserRole + 1
    ValueRole = Qt.ItemDataRole.UserRole + 2
    RowKeyRole = Qt.ItemDataRole.UserRole + 3
    EditedRole = EDITED_ROLE
    ClipboardRole = CLIPBOARD_ROLE

    #: an entry was refused (not a number, negative, not whole…): the sentence to show.
    edit_refused = Signal(str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._workspace = None
        self._push = None
        self._editable = False
        self._overrides = {}
        self._period = None
        self._ranges = {}
        self._edited_font = QFont()
        self._edited_font.setItalic(True)
        self._edited_brush = QBrush(QColor(EDITED_BACKGROUND))
        self._report: KpiReport | None = None
        self._currency = ""
        self._notes: Mapping[str, str] = {}
        self._labels = np.empty(0, dtype=object)  # report row labels
        self._names = np.empty(0, dtype=object)
        self._folded: np.ndarray | None = None  # lower-cased names, built on first use
        self._values: list[np.ndarray | None] = [None] * len(COLUMNS)
        self._total = np.full(len(COLUMNS), np.nan)
        self._site = np.full(len(COLUMNS), np.nan)  # the site traffic line's values
        self._has_site = False
        self._order = np.empty(0, dtype=np.int64)  # visible report rows, in view order
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._filter = ""
        self._bold = QFont()
        self._bold.setBold(True)
        self._total_brush = QBrush(QColor(style.TOTAL_ROW))
        self._site_brush = QBrush(QColor(style.UNDEFINED))
        self._site_font = QFont()
        self._site_font.setItalic(True)
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
            and (report.site_traffic is not None) == self._has_site
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
        self._read_overrides()
        if report is None:
            self._labels = np.empty(0, dtype=object)
            self._names = self._labels
            self._values = [None] * len(COLUMNS)
            self._total = np.full(len(COLUMNS), np.nan)
            self._site = np.full(len(COLUMNS), np.nan)
            self._has_site = False
            self._order = np.empty(0, dtype=np.int64)
            return
        rows = report.rows
        self._labels = rows.index.to_numpy(dtype=object)
        if "campaign" in rows:
            self._names = rows["campaign"].to_numpy(dtype=object)
        else:
            self._names = np.array([str(label) for label in self._labels], dtype=object)
        values: list[np.ndarray | None] = [None]
        for column in COLUMNS[1:]:
            if column.key in rows:
                values.append(rows[column.key].to_numpy(dtype=np.float64, na_value=np.nan))
            else:
                values.append(np.full(len(rows), np.nan))
        self._values = values
        self._total = _pinned_values(report.total)
        self._has_site = report.site_traffic is not None
        self._site = _pinned_values(report.site_traffic)

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
            pinned = self.pinned_rows
            position = np.full(len(self._labels), -1, dtype=np.int64)
            position[self._order] = np.arange(len(self._order)) + pinned
            new = []
            for index in persistent:
                row = index.row()
                if row < pinned:
                    new.append(self.index(row, index.column()))
                else:
                    source = old_order[row - pinned]
                    new.append(self.index(int(position[source]), index.column()))
            self.changePersistentIndexList(persistent, new)
        self.layoutChanged.emit()

    # -- Qt model API ----------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        if parent.isValid() or self._report is None:
            return 0
        return len(self._order) + self.pinned_rows

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if 0 <= index.column() < len(COLUMNS) and self._cell_editable(
            index.row(), COLUMNS[index.column()]
        ):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

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
        if self._report is None or not (0 <= row < self.rowCount() and 0 <= col < len(COLUMNS)):
            return None
        column = COLUMNS[col]
        source = self._source(row)
        is_total = source == TOTAL_SOURCE
        if source == SITE_SOURCE and role in _SITE_ROLES:
            return self._site_data(column, col, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(column, col, source)
        if role == Qt.ItemDataRole.EditRole:
            if column.kind == "name":
                return self._display(column, col, source)
            if column.kind == "field":
                return edit_text(
                    column.key, self._number(col, source), typed_decimal_mark(self._workspace)
                )
            return None
        if role == self.EditedRole:
            # An int, not a bool: PySide 6.12 drops a reference to Py_True/Py_False when a
            # bool QVariant goes back to Python, which crashes the interpreter at exit.
            return int(source >= 0 and self._is_edited(column, source))
        if role == self.ClipboardRole:
            if column.kind == "name":
                return self._display(column, col, source)
            if column.kind == "kpi":
                return kpi_clip(
                    column.key, self._number(col, source), typed_decimal_mark(self._workspace)
                )
            return edit_text(
                column.key, self._number(col, source), typed_decimal_mark(self._workspace)
            )
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT if column.kind == "name" else _RIGHT
        if role == self.SortRole:
            if column.kind == "name":
                return self._display(column, col, source).casefold()
            return self._number(col, source)
        if role == self.ValueRole:
            if column.kind == "name":
                return self._display(column, col, source)
            return self._number(col, source)
        if role == self.RowKeyRole:
            return None if source < 0 else self._labels[source]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(column, col, source)
        if role == Qt.ItemDataRole.FontRole:
            if is_total:
                return self._bold
            return self._edited_font if self._is_edited(column, source) else None
        if role == Qt.ItemDataRole.BackgroundRole:
            if is_total:
                return self._total_brush
            return self._edited_brush if self._is_edited(column, source) else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column.kind != "name" and self._number(col, source) is None:
                return self._undefined_brush
            return None
        return None

    # -- cells -------------------------------------------------------------------------------
    def _site_data(self, column: Column, col: int, role: int) -> Any:
        """The site traffic line's look: grey, plain, with what it is in every tooltip."""
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._site_brush
        if role == Qt.ItemDataRole.FontRole:
            return self._site_font
        if role == Qt.ItemDataRole.ToolTipRole:
            detail = self._tooltip(column, col, SITE_SOURCE)
            return SITE_TRAFFIC_TOOLTIP if not detail else f"{SITE_TRAFFIC_TOOLTIP}\n\n{detail}"
        return None  # no background, no edited mark

    def _is_edited(self, column: Column, source: int) -> bool:
        return (
            bool(self._overrides)
            and column.kind == "field"
            and (str(self._labels[source]), column.key) in self._overrides
        )

    def _number(self, col: int, source: int) -> float | None:
        if source == SITE_SOURCE:
            value = float(self._site[col])
        elif source < 0:
            value = float(self._total[col])
        else:
            values = self._values[col]
            assert values is not None
            value = float(values[source])
        return None if np.isnan(value) else value

    def _display(self, column: Column, col: int, source: int) -> str:
        if column.kind == "name":
            if source < 0:
                return SITE_TRAFFIC_LABEL if source == SITE_SOURCE else TOTAL_LABEL
            return str(self._names[source])
        value = self._number(col, source)
        if column.kind == "kpi":
            return fmt.kpi_value(KPI_BY_ID[column.key], value, self._currency)
        return fmt.field_value(column.key, value, self._currency)

    def _tooltip(self, column: Column, col: int, source: int) -> str | None:
        if column.kind == "name":
            if source == SITE_SOURCE:
                return None  # `_site_data` says what the line is
            if source < 0:
                return "All campaigns in the period (not only the rows the filter shows)"
            return self._notes.get(str(self._labels[source])) or None
        if column.kind == "field":
            undefined = self._field_reason(column, col, source)
            if undefined:
                return undefined
            rec = (
                None if source < 0 else self._overrides.get((str(self._labels[source]), column.key))
            )
            if rec is None:
                return column.tooltip
            return self._edited_tooltip(column, rec)
        kpi = KPI_BY_ID[column.key]
        assert self._report is not None
        label = self._reason_label(source)
        value = self._number(col, source)
        if value is None:
            reason = self._report.reason(label, kpi.id) or "not enough data"
            return f"{kpi.name}: no value — {reason}.\n{kpi.name} = {kpi.formula}"
        return f"{kpi.name} = {kpi.formula}\n{self._display(column, col, source)}"

    def _edited_tooltip(self, column: Column, rec: EditRecord) -> str:
        """An edited total: what it covers (or that this period cuts it), the imported value."""
        imported = fmt.field_value(column.key, rec.old_value, self._currency)
        typed = fmt.field_value(column.key, rec.new_value, self._currency)
        revert = "Right-click › Revert to imported to put the imported value back."
        key = str(rec.row_key)
        cut = self.cut_reason(key)
        if cut is not None:
            why = "counts only under All dates" if cut == "no dates" else "this period cuts it"
            return (
                f"Your typed total covers {cut}; {why}: not counted here "
                f"(typed: {typed}; imported: {imported}).\n"
                "Choose All dates to see it, or double-click the name for Rows by Day.\n"
                f"{revert}"
            )
        covered = self.campaign_range(key)
        span = "all dates" if covered is None else range_text(*covered)
        return f"Edited total over {span} (imported: {imported}).\n{revert}"

    def _field_reason(self, column: Column, col: int, source: int) -> str | None:
        """Why an input sum shows "—" (money without an exchange rate), else None."""
        if self._report is None or self._number(col, source) is not None:
            return None
        reason = self._report.reason(self._reason_label(source), column.key)
        label_text = FIELDS[column.key].label
        return f"{label_text}: no value — {reason}." if reason else None

    def _reason_label(self, source: int) -> object:
        """The label `KpiReport.reason` takes for a report row, the Total or site traffic."""
        if source == SITE_SOURCE:
            return SITE_TRAFFIC
        return "total" if source < 0 else self._labels[source]

    # -- helpers for views and tests --------------------------------------------------------
    def column_of(self, key: str) -> int:
        """The column index of a field, KPI id or "campaign"."""
        return COLUMN_INDEX[key]


#: Roles the site traffic line answers its own way (see `CampaignTableModel._site_data`).
_SITE_ROLES = frozenset(
    {
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ToolTipRole,
    }
)


def _pinned_values(row: Any) -> np.ndarray:
    """One pinned row's (the Total's, the site traffic line's) values in column order."""
    values = np.full(len(COLUMNS), np.nan)
    if row is None:
        return values
    for i, column in enumerate(COLUMNS[1:], start=1):
        raw = row.get(column.key, np.nan)
        values[i] = np.nan if raw is None else float(raw)
    return values
