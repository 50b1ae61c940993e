"""Add Campaign: type in a campaign's name, channel, period and numbers (`dialog_add_campaign`).

OK gives one `AddCampaign` command (`command`), which the caller pushes as one undo step.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kpi_desktop.core.schema import FIELDS, INPUT_FIELDS, campaign_key
from kpi_desktop.ui.models.campaign_model import parse_input, typed_decimal_mark
from kpi_desktop.ui.widgets.forms import CommandDialog, InlineMessage, named

if TYPE_CHECKING:
    from kpi_desktop.core.commands import Command
    from kpi_desktop.core.workspace import Workspace

PERIOD_MONTH, PERIOD_DAY, PERIOD_NONE = "month", "day", "none"


class AddCampaignDialog(CommandDialog):
    """Type in a campaign: name, channel, a month / day / no date, and its numbers."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__("dialog_add_campaign", "Add Campaign", parent)
        self.workspace = workspace
        self.edit_name = named(QLineEdit(), "edit_campaign_name", "Campaign name as in reports")
        self.edit_name.setPlaceholderText("e.g. Spring Quiz Bot")
        self.edit_channel = named(QComboBox(), "combo_channel", "Where the bot runs")
        self.edit_channel.setEditable(True)
        channels = sorted({str(c) for c in workspace.facts()["channel"].dropna() if str(c)})
        self.edit_channel.addItems(channels or ["Messenger", "Instagram", "WhatsApp", "Website"])
        self.combo_period = named(QComboBox(), "combo_period", "Which period the numbers cover")
        self.combo_period.addItem("A month", PERIOD_MONTH)
        self.combo_period.addItem("A day", PERIOD_DAY)
        self.combo_period.addItem("No date (lifetime total)", PERIOD_NONE)
        self.date_period = named(QDateEdit(QDate.currentDate()), "date_period")
        self.date_period.setCalendarPopup(True)
        self.combo_period.currentIndexChanged.connect(self._period_changed)
        self._period_changed()
        self.edits: dict[str, QLineEdit] = {}
        grid = QGridLayout()
        for i, name in enumerate(INPUT_FIELDS):
            spec = FIELDS[name]
            edit = named(QLineEdit(), f"edit_{name}", f"{spec.label}: {spec.description}")
            edit.setPlaceholderText("blank = no data")
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            self.edits[name] = edit
            unit = " %" if spec.kind.value == "rate" else ""
            grid.addWidget(QLabel(f"{spec.label}{unit}"), i // 3, (i % 3) * 2)
            grid.addWidget(edit, i // 3, (i % 3) * 2 + 1)
        numbers = QGroupBox("Numbers (blank fields stay empty, never 0)")
        numbers.setLayout(grid)
        form = QFormLayout()
        form.addRow("Name", self.edit_name)
        form.addRow("Channel", self.edit_channel)
        period = QHBoxLayout()
        period.addWidget(self.combo_period)
        period.addWidget(self.date_period, 1)
        form.addRow("Period", period)
        self.label_message = InlineMessage("label_add_message")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add Campaign")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(numbers)
        layout.addWidget(self.label_message)
        layout.addWidget(self.buttons)

    def _period_changed(self) -> None:
        kind = self.combo_period.currentData()
        self.date_period.setEnabled(kind != PERIOD_NONE)
        self.date_period.setDisplayFormat("MMMM yyyy" if kind == PERIOD_MONTH else "yyyy-MM-dd")
        self.date_period.setToolTip(
            "The month's numbers are recorded on its first day"
            if kind == PERIOD_MONTH
            else "The day the numbers are for"
        )

    def period_date(self) -> dt.date | None:
        kind = self.combo_period.currentData()
        if kind == PERIOD_NONE:
            return None
        day = self.date_period.date().toPython()
        assert isinstance(day, dt.date)
        return day.replace(day=1) if kind == PERIOD_MONTH else day

    def build_command(self) -> Command | str:
        """The `AddCampaign` command the form describes, or why it cannot be added."""
        from kpi_desktop.core import commands

        name = self.edit_name.text().strip()
        if not campaign_key(name):
            return "Give the campaign a name."
        if campaign_key(name) in self.workspace.campaigns().index:
            return f"A campaign named “{name}” already exists."
        values: dict[str, float] = {}
        decimal = typed_decimal_mark(self.workspace)
        for field, edit in self.edits.items():
            try:
                number = parse_input(field, edit.text(), decimal)
            except ValueError as exc:
                edit.setFocus()
                return str(exc)
            if number is not None:
                values[field] = number
        date = self.period_date()
        return commands.AddCampaign(
            name,
            values=values,
            date=None if date is None else date.isoformat(),
            channel=self.edit_channel.currentText().strip(),
        )
