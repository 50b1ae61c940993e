"""The "Presets" page of the UTM tab: an editable table of channel presets."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from kpi_desktop.core.utm import PARAM_LABELS, PARAM_NAMES, PRESETS, Preset, UtmParams
from kpi_desktop.ui.tabs.utm.common import make_button
from kpi_desktop.ui.widgets.forms import named


class PresetsPage(QWidget):
    """Presets as rows (name, then the nine values); "New from form" and "Save presets"
    are connected by the tab."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table_presets = named(
            QTableWidget(0, 1 + len(PARAM_NAMES)),
            "table_presets",
            "Edit a cell to change a preset; empty cells leave the form's value alone",
        )
        self.table_presets.setHorizontalHeaderLabels(
            ["Name", *(PARAM_LABELS[n] for n in PARAM_NAMES)]
        )
        self.table_presets.verticalHeader().setVisible(False)
        self.table_presets.horizontalHeader().setStretchLastSection(True)
        self.button_preset_add = make_button(
            "button_preset_add", "New from form", "Add a preset with the form's values"
        )
        self.button_preset_remove = make_button(
            "button_preset_remove", "Remove", "Remove the selected preset"
        )
        self.button_preset_remove.clicked.connect(self._remove_preset)
        self.button_presets_reset = make_button(
            "button_presets_reset", "Built-in presets", "Put back the built-in presets"
        )
        self.button_presets_reset.clicked.connect(lambda: self.fill(PRESETS))
        self.button_presets_save = make_button(
            "button_presets_save", "Save presets", "Keep the presets in the workspace"
        )
        bar = QHBoxLayout()
        for button in (
            self.button_preset_add,
            self.button_preset_remove,
            self.button_presets_reset,
            self.button_presets_save,
        ):
            bar.addWidget(button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table_presets)

    def fill(self, presets: Sequence[Preset]) -> None:
        """Show `presets` in the table (nothing is saved)."""
        table = self.table_presets
        table.setRowCount(len(presets))
        for row, preset in enumerate(presets):
            item = QTableWidgetItem(preset.name)
            item.setToolTip(preset.note)
            item.setData(Qt.ItemDataRole.UserRole, preset.note)
            table.setItem(row, 0, item)
            for column, name in enumerate(PARAM_NAMES, start=1):
                table.setItem(row, column, QTableWidgetItem(preset.params.get(name)))
        table.resizeColumnsToContents()

    def presets(self) -> list[Preset]:
        """The presets as edited; rows without a name are left out."""
        presets = []
        table = self.table_presets
        for row in range(table.rowCount()):

            def text(column: int, row: int = row) -> str:
                item = table.item(row, column)
                return item.text().strip() if item is not None else ""

            name = text(0)
            if not name:
                continue
            name_item = table.item(row, 0)
            note = name_item.data(Qt.ItemDataRole.UserRole) if name_item is not None else ""
            values = {n: text(c) for c, n in enumerate(PARAM_NAMES, start=1)}
            presets.append(Preset(name, UtmParams(**values), str(note or "")))
        return presets

    def _remove_preset(self) -> None:
        row = self.table_presets.currentRow()
        if row >= 0:
            self.table_presets.removeRow(row)
