"""The "History" page of the UTM tab: the links made so far, searchable and exportable."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kpi_desktop.core.utm import LinkRecord, links_frame, search_links
from kpi_desktop.ui.tabs.utm.common import export_table, make_button
from kpi_desktop.ui.widgets.forms import named


class HistoryPage(QWidget):
    """The history table, newest first; "Use in form" and double-click are connected by the tab.

    `links` is called to read the history whenever the page is refreshed or searched.
    """

    def __init__(
        self, links: Callable[[], list[LinkRecord]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._links = links
        self.edit_history_search = named(
            QLineEdit(), "edit_history_search", "Words to find in label, URL or any UTM value"
        )
        self.edit_history_search.setPlaceholderText("Search links…")
        self.edit_history_search.setClearButtonEnabled(True)
        self.edit_history_search.textChanged.connect(self.refresh)
        self.table_history = named(
            QTableWidget(0, 6), "table_history", "Double-click a link to load it into the form"
        )
        self.table_history.setHorizontalHeaderLabels(
            ["Made", "Label", "Campaign", "Source", "Medium", "Tagged link"]
        )
        self.table_history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table_history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table_history.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table_history.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table_history.setWordWrap(False)
        self.table_history.horizontalHeader().setStretchLastSection(True)
        self.table_history.verticalHeader().setVisible(False)
        self.button_history_reuse = make_button(
            "button_history_reuse", "Use in form", "Load the selected link into the form"
        )
        self.button_history_export = make_button(
            "button_history_export", "Export…", "Write the links shown to .xlsx or .csv"
        )
        self.button_history_export.clicked.connect(lambda: self.export_history())
        bar = QHBoxLayout()
        bar.addWidget(self.edit_history_search, 1)
        bar.addWidget(self.button_history_reuse)
        bar.addWidget(self.button_history_export)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table_history)
        self._rows: list[LinkRecord] = []

    def refresh(self) -> None:
        """Show the history's links that match the search, newest first."""
        links = list(reversed(self._links()))
        self._rows = search_links(links, self.edit_history_search.text())
        table = self.table_history
        table.setRowCount(len(self._rows))
        for row, link in enumerate(self._rows):
            cells = [
                link.created.strftime("%Y-%m-%d %H:%M"),
                link.label,
                link.params.campaign,
                link.params.source,
                link.params.medium,
                link.url,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(row, column, item)
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)

    def rows(self) -> list[LinkRecord]:
        """The links shown in the table, newest first."""
        return list(self._rows)

    def link_at(self, row: int | None = None) -> LinkRecord | None:
        """The link in `row` (the current row by default), or None."""
        if row is None:
            row = self.table_history.currentRow()
        if not 0 <= row < len(self._rows):
            return None
        return self._rows[row]

    def export_history(self, path: str | Path | None = None) -> Path | None:
        """Write the links shown to a file; asks for a file if no path."""
        return export_table(self, links_frame(self._rows), path, "Export history", "links.csv")
