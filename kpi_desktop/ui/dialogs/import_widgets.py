"""The import dialog's panels: the file list, the column mapping table, the summary line."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from kpi_desktop.core.io.result import ImportResult

IGNORE = "— ignore —"
ROLE_WORDS = {
    "ad": "ad platform: supplies spend; its own clicks and conversions are kept for reference",
    "web": "web analytics: supplies visitors, conversions and revenue",
    "bot": "bot platform: supplies users, interactions and the other bot fields",
    "other": "other source: columns matched by name",
}
TARGET_LABELS = {
    "@date_start": "Period start (reporting starts)",
    "@date_end": "Period end (reporting ends)",
    "@campaign_id": "Campaign ID (not imported)",
    "@currency": "Currency code",
    "@time": "Event time",
    "@user": "User ID",
    "@event": "Event type",
    "@matched": "Matched flag",
    "@unmatched": "Unmatched messages (matched = received − unmatched)",
}


def target_label(target: str) -> str:
    """What a mapping target is called in the combo box."""
    from kpi_desktop.core.schema import FIELDS

    if target in FIELDS:
        return FIELDS[target].label
    return TARGET_LABELS.get(target, target)


def escape(text: str) -> str:
    """`text` safe inside a rich-text label."""
    return html.escape(str(text))


def boxed(title: QLabel, body: QWidget) -> QWidget:
    """A titled panel: `title` above `body`."""
    frame = QFrame()
    box = QVBoxLayout(frame)
    box.setContentsMargins(0, 4, 0, 0)
    box.addWidget(title)
    box.addWidget(body, 1)
    return frame


class FilesPanel(QWidget):
    """The list of files to import, with Add and Remove buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.list_files = QListWidget()
        self.list_files.setObjectName("list_import_files")
        self.list_files.setAccessibleName("Files to import")
        self.button_add = QPushButton("Add Files…")
        self.button_add.setObjectName("button_import_add")
        self.button_remove = QPushButton("Remove")
        self.button_remove.setObjectName("button_import_remove")
        self.button_remove.setToolTip("Leave the selected file out of this import")
        box = QVBoxLayout()
        box.addWidget(QLabel("<b>Files</b>"))
        box.addWidget(self.list_files, 1)
        row = QHBoxLayout()
        row.addWidget(self.button_add)
        row.addWidget(self.button_remove)
        box.addLayout(row)
        self.setLayout(box)
        self.setMaximumWidth(300)


class MappingTable(QTableWidget):
    """Column in the file | Imported as (a combo per column) | an example value."""

    #: the user picked another target for a column.
    edited = Signal()

    def __init__(self) -> None:
        super().__init__(0, 3)
        self.setObjectName("table_import_mapping")
        self.setAccessibleName("table_import_mapping")
        self.setHorizontalHeaderLabels(["Column in the file", "Imported as", "e.g."])
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setDefaultSectionSize(28)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.setColumnWidth(0, 190)
        self.setColumnWidth(1, 250)

    def fill(self, result: ImportResult) -> None:
        """One row per column of the file, its combo set to the current target."""
        from kpi_desktop.core.io.presets import valid_targets

        targets = valid_targets()
        sample = sample_row(result)
        self.setRowCount(len(result.mapping))
        for row, (header, target) in enumerate(result.mapping.items()):
            name = QTableWidgetItem(header)
            name.setToolTip(header)
            self.setItem(row, 0, name)
            combo = QComboBox()
            combo.setObjectName(f"combo_import_target_{row}")
            combo.setAccessibleName(f"Imported as, column {header}")
            combo.addItem(IGNORE, None)
            for t in targets:
                combo.addItem(target_label(t), t)
            combo.setCurrentIndex(max(combo.findData(target), 0) if target else 0)
            combo.currentIndexChanged.connect(lambda _index: self.edited.emit())
            self.setCellWidget(row, 1, combo)
            example = QTableWidgetItem(sample.get(header, ""))
            example.setForeground(Qt.GlobalColor.darkGray)
            self.setItem(row, 2, example)

    def combo(self, header: str) -> QComboBox:
        """The "Imported as" combo of a column (KeyError when the file has no such column)."""
        for row in range(self.rowCount()):
            item = self.item(row, 0)
            if item is not None and item.text() == header:
                widget = self.cellWidget(row, 1)
                assert isinstance(widget, QComboBox)
                return widget
        raise KeyError(header)

    def mapping(self) -> dict[str, str | None]:
        """Header text -> the target chosen in its combo (None: ignored)."""
        mapping: dict[str, str | None] = {}
        for row in range(self.rowCount()):
            item = self.item(row, 0)
            combo = self.cellWidget(row, 1)
            if item is not None and isinstance(combo, QComboBox):
                mapping[item.text()] = combo.currentData()
        return mapping


def sample_row(result: ImportResult) -> dict[str, str]:
    """Header -> the first non-empty value below the header, for the mapping table.

    Values are taken from the header's own column (the table may start in column B or
    later) and never from a row the import left out (a total or account summary row).
    """
    headers = result.headers
    columns = result.header_columns
    if len(columns) != len(headers):  # an older result: assume the table starts in column A
        columns = list(range(len(headers)))
    start = header_index(result) + 1
    left_out = dropped_preview_rows(result)
    out: dict[str, str] = {}
    taken = 0
    for i in range(max(start, 0), len(result.preview)):
        if i in left_out:
            continue
        row = result.preview[i]
        for header, j in zip(headers, columns, strict=True):
            cell = row[j] if j < len(row) else None
            if header not in out and cell not in (None, ""):
                out[header] = str(cell)
        taken += 1
        if taken == 5:
            break
    return out


def header_index(result: ImportResult) -> int:
    """The preview row that holds the header, or -1."""
    if result.header_row in result.preview_rows:
        return result.preview_rows.index(result.header_row)
    headers = [h for h in result.headers if h]
    for i, row in enumerate(result.preview):
        cells = [str(c).strip() for c in row if c not in (None, "")]
        if cells and cells == headers:
            return i
    if 0 < result.header_row <= len(result.preview):
        return result.header_row - 1
    return -1


def dropped_preview_rows(result: ImportResult) -> set[int]:
    """Preview rows the import left out as totals or summaries (indices into `preview`)."""
    dropped = set(result.dropped_rows)
    return {i for i, number in enumerate(result.preview_rows) if number in dropped}


def summary_text(result: ImportResult) -> str:
    """Period, currency, rows, left-out totals and header row, in one line."""
    start, end = result.period
    if start and end:
        period = (
            start.strftime("%-d %b %Y")
            if start == end
            else f"{start.strftime('%-d %b %Y')} – {end.strftime('%-d %b %Y')}"
        )
    else:
        period = "no dates (lifetime totals)"
    parts = [
        f"Period: <b>{period}</b>",
        f"Currency: <b>{escape(result.currency) or 'none found'}</b>",
        f"{len(result.facts):,} rows to import",
    ]
    if result.summary_rows_dropped:
        parts.append(f"{result.summary_rows_dropped} total row(s) left out")
    parts.extend(escape(note) for note in result.notes)
    if result.header_row:
        parts.append(f"header on row {result.header_row}")
    return " · ".join(parts)
