"""The UTM tab's "Bulk links" page: a table of links (Edit › Undo reverts), import, export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kpi_desktop.core.utm import TAGGED_COLUMN, LinkStore, NamingConvention, read_links_table
from kpi_desktop.ui.models.bulk_links_model import COLUMNS, BulkLinksModel
from kpi_desktop.ui.tabs.utm.common import FILE_FILTER, export_table, make_button
from kpi_desktop.ui.widgets.forms import named

#: Starting widths of the wide columns; the others fit their header.
_COLUMN_WIDTHS = {"url": 220, "label": 130, "campaign": 140, TAGGED_COLUMN: 380}


class BulkPage(QWidget):
    """The bulk table with its tool bar; "Add from form" is connected by the tab."""

    def __init__(
        self,
        store: LinkStore,
        convention: NamingConvention,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model_bulk = BulkLinksModel(store, convention, self)
        self._build_table()
        bar = self._build_bar()
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table_bulk)
        self._update_status()

    def _build_table(self) -> None:
        self.table_bulk = named(
            QTableView(), "table_bulk", "One link per row; cells with a problem are marked"
        )
        self.table_bulk.setModel(self.model_bulk)
        self.table_bulk.setAlternatingRowColors(True)
        self.table_bulk.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table_bulk.setWordWrap(False)  # long URLs elide in the middle, both ends show
        self.table_bulk.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table_bulk.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        header = self.table_bulk.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, name in enumerate(COLUMNS):
            wanted = _COLUMN_WIDTHS.get(name, 0)
            self.table_bulk.setColumnWidth(column, max(wanted, header.sectionSizeHint(column)))
        self.table_bulk.verticalHeader().setDefaultSectionSize(26)
        self.model_bulk.modelReset.connect(self._update_status)
        self.model_bulk.rowsInserted.connect(self._update_status)
        self.model_bulk.rowsRemoved.connect(self._update_status)
        self.model_bulk.dataChanged.connect(self._update_status)

    def _build_bar(self) -> QHBoxLayout:
        self.button_bulk_add = make_button(
            "button_bulk_add", "Add row", "Add an empty link at the end"
        )
        self.button_bulk_add.clicked.connect(lambda: self.model_bulk.add_rows())
        self.button_bulk_from_form = make_button(
            "button_bulk_from_form", "Add from form", "Add the link in the form as a row"
        )
        self.button_bulk_remove = make_button(
            "button_bulk_remove", "Remove rows", "Remove the selected links"
        )
        self.button_bulk_remove.clicked.connect(self._remove_selected_rows)
        self.button_bulk_import = make_button(
            "button_bulk_import", "Import…", "Read links from an .xlsx or .csv file"
        )
        self.button_bulk_import.clicked.connect(lambda: self.import_bulk())
        self.button_bulk_export = make_button(
            "button_bulk_export", "Export…", "Write the links with their tagged URLs"
        )
        self.button_bulk_export.clicked.connect(lambda: self.export_bulk())
        self.label_bulk_status = named(QLabel(), "label_bulk_status")
        self.label_bulk_status.setProperty("note", "change")

        bar = QHBoxLayout()
        buttons: tuple[QWidget, ...] = (
            self.button_bulk_add,
            self.button_bulk_from_form,
            self.button_bulk_remove,
            self.button_bulk_import,
            self.button_bulk_export,
        )
        for button in buttons:
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.label_bulk_status)
        return bar

    def _remove_selected_rows(self) -> None:
        rows = [index.row() for index in self.table_bulk.selectionModel().selectedRows()]
        if not rows and self.table_bulk.currentIndex().isValid():
            rows = [self.table_bulk.currentIndex().row()]
        self.model_bulk.remove_rows(rows)

    def import_bulk(self, path: str | Path | None = None) -> bool:
        """Replace the table with a file's links (undoable); asks for a file if no path."""
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self, "Import links", "", FILE_FILTER)
            if not chosen:
                return False
            path = chosen
        try:
            frame = read_links_table(path)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, "Import links", f"Cannot read {Path(path).name}: {exc}")
            return False
        self.model_bulk.replace_all(frame, f"Import {Path(path).name}")
        return True

    def export_bulk(self, path: str | Path | None = None) -> Path | None:
        """Write the table with tagged URLs and problems; asks for a file if no path."""
        return export_table(self, self.model_bulk.frame(), path, "Export links", "links.xlsx")

    def _update_status(self, *_args: object) -> None:
        rows = self.model_bulk.rowCount()
        problems = self.model_bulk.problem_count()
        text = f"{rows} link{'s' if rows != 1 else ''}"
        if problems:
            text += f", {problems} with problems (hover a marked cell for the reason)"
        self.label_bulk_status.setText(text)
