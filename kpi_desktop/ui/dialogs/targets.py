"""Notes and Targets: targets per KPI for every campaign or one, and a campaign's notes.

OK gives one undo step (`command`) with every changed target and note (`dialog_targets`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kpi_desktop.core import format as fmt
from kpi_desktop.core.kpi import KPI_BY_ID, KPIS, Display
from kpi_desktop.ui.models.campaign_model import typed_decimal_mark
from kpi_desktop.ui.undo import CoreCommand, one_step
from kpi_desktop.ui.widgets.forms import CommandDialog, InlineMessage, filled_item, named

if TYPE_CHECKING:
    from kpi_desktop.core.commands import Command
    from kpi_desktop.core.workspace import Workspace


def _target_text(kpi_id: str, value: float | None, decimal: str) -> str:
    number = fmt.kpi_number(KPI_BY_ID[kpi_id], value)
    return "" if number is None else f"{number:.10g}".replace(".", decimal)


def _parse_target(kpi_id: str, text: str, decimal: str) -> float | None:
    """A typed target in display units (12.5 for 12.5 %), read with `decimal` as the
    decimal mark; None when blank."""
    kpi = KPI_BY_ID[kpi_id]
    raw = text.strip().removesuffix("x").removesuffix("×").strip()
    if not raw:
        return None
    number = fmt.parse_typed_number(raw, decimal, f"The target for {kpi.name.lower()}")
    if isinstance(number, str):
        raise ValueError(number)
    if kpi.display in (Display.PERCENT, Display.LIFT):
        number /= 100
    return number


_UNITS = {
    Display.RATIO: "",
    Display.PERCENT: "%",
    Display.MONEY: "money",
    Display.MULTIPLE: "x",
    Display.LIFT: "%",
}


class TargetsDialog(CommandDialog):
    """Targets per KPI for every campaign or one, and that campaign's notes (`dialog_targets`).

    Targets for one campaign override the workspace's; a blank one uses the workspace's.
    """

    def __init__(
        self, workspace: Workspace, key: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__("dialog_targets", "Notes and Targets", parent)
        self.workspace = workspace
        self.combo_campaign = named(
            QComboBox(), "combo_target_campaign", "Targets for every campaign, or for one"
        )
        self.combo_campaign.addItem("Every campaign (workspace targets)", None)
        campaigns = workspace.campaigns()
        for ckey, name in campaigns["display_name"].items():
            self.combo_campaign.addItem(str(name), str(ckey))
        self.table_targets = named(QTableWidget(len(KPIS), 3), "table_targets")
        self.table_targets.setHorizontalHeaderLabels(["KPI", "Target", "Workspace's"])
        fallback_header = self.table_targets.horizontalHeaderItem(2)
        assert fallback_header is not None  # made by setHorizontalHeaderLabels just above
        fallback_header.setToolTip(
            "The workspace target, used when this campaign has none of its own"
        )
        self.table_targets.verticalHeader().setVisible(False)
        self.table_targets.verticalHeader().setDefaultSectionSize(28)
        header = self.table_targets.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(1, 110)
        header.resizeSection(2, 110)
        self.table_targets.setMinimumHeight(28 * len(KPIS) + 36)
        self.table_targets.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.edit_notes = named(QPlainTextEdit(), "edit_notes", "Notes on this campaign")
        self.edit_notes.setPlaceholderText("What ran, what changed, what to try next…")
        self.edit_notes.setMaximumHeight(120)
        self.label_message = InlineMessage("label_targets_message")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.label_notes = QLabel("Notes")
        layout = QVBoxLayout(self)
        layout.addWidget(self.combo_campaign)
        note = QLabel(
            "Type targets in the units shown (12.5 for 12.5 %). A campaign's own target "
            "overrides the workspace's; leave it blank to use the workspace's."
        )
        note.setObjectName("label_note")
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(self.table_targets, 1)
        layout.addWidget(self.label_notes)
        layout.addWidget(self.edit_notes)
        layout.addWidget(self.label_message)
        layout.addWidget(buttons)
        self.resize(580, 640)
        # Pending edits per campaign (None = workspace), kept while switching campaigns.
        self._targets: dict[str | None, dict[str, str]] = {}
        self._notes: dict[str, str] = {}
        self._shown: str | None = None
        self._loading = False
        self.combo_campaign.currentIndexChanged.connect(self._campaign_changed)
        index = self.combo_campaign.findData(key) if key else 0
        self.combo_campaign.setCurrentIndex(max(index, 0))
        self._show(self.combo_campaign.currentData())

    def _campaign_changed(self) -> None:
        self._keep()
        self._show(self.combo_campaign.currentData())

    def _show(self, key: str | None) -> None:
        self._loading = True
        self._shown = key
        own = self.workspace.targets().get(key, {})
        default = self.workspace.targets().get(None, {})
        pending = self._targets.get(key, {})
        currency = self.workspace.reporting_currency
        decimal = typed_decimal_mark(self.workspace)
        for row, kpi in enumerate(KPIS):
            unit = _UNITS[kpi.display]
            unit = (currency or "money") if unit == "money" else unit
            name = QTableWidgetItem(f"{kpi.name} ({unit})" if unit else kpi.name)
            name.setFlags(Qt.ItemFlag.ItemIsEnabled)
            name.setToolTip(f"{kpi.name} = {kpi.formula}")
            text = pending.get(kpi.id, _target_text(kpi.id, own.get(kpi.id), decimal))
            target = QTableWidgetItem(text)
            target.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            fallback = QTableWidgetItem(
                "" if key is None else fmt.kpi_value(kpi, default.get(kpi.id), currency)
            )
            fallback.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table_targets.setItem(row, 0, name)
            self.table_targets.setItem(row, 1, target)
            self.table_targets.setItem(row, 2, fallback)
        self.table_targets.setColumnHidden(2, key is None)
        self.edit_notes.setEnabled(key is not None)
        self.label_notes.setText("Notes" if key is not None else "Notes (choose a campaign)")
        self.edit_notes.setPlainText(
            "" if key is None else self._notes.get(key, self.workspace.notes(key))
        )
        self._loading = False

    def _keep(self) -> None:
        if self._loading or self.table_targets.item(0, 1) is None:
            return
        key = self._shown
        self._targets[key] = {
            kpi.id: filled_item(self.table_targets, row, 1).text() for row, kpi in enumerate(KPIS)
        }
        if key is not None:
            self._notes[key] = self.edit_notes.toPlainText()

    def set_target_text(self, kpi_id: str, text: str) -> None:
        """Type a target for the campaign shown (for tests and automation)."""
        row = [k.id for k in KPIS].index(kpi_id)
        filled_item(self.table_targets, row, 1).setText(text)

    def build_command(self) -> CoreCommand | str | None:
        """One undo step with every changed target and note; None when nothing changed."""
        from kpi_desktop.core import commands

        self._keep()
        ws = self.workspace
        made: list[Command] = []
        decimal = typed_decimal_mark(ws)
        for key, texts in self._targets.items():
            own = ws.targets().get(key, {})
            for kpi_id, text in texts.items():
                try:
                    value = _parse_target(kpi_id, text, decimal)
                except ValueError as exc:
                    return str(exc)
                old = own.get(kpi_id)
                if (value is None) != (old is None) or (
                    value is not None and old is not None and not math.isclose(value, old)
                ):
                    made.append(commands.SetTarget(ws, kpi_id, value, key))
        for key, text in self._notes.items():
            if text != ws.notes(key):
                made.append(commands.SetNote(ws, key, text))
        return one_step(made, "Edit notes and targets")
