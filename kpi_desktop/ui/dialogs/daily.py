"""One campaign's rows by day, editable like the Campaigns table (`dialog_daily`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QLabel, QVBoxLayout, QWidget

from kpi_desktop.ui.models.campaign_model import CommandSink
from kpi_desktop.ui.models.daily_model import DailyModel
from kpi_desktop.ui.widgets.editable_table import EditableTableView
from kpi_desktop.ui.widgets.forms import InlineMessage, named

if TYPE_CHECKING:
    from kpi_desktop.core.workspace import Workspace


class DailyDialog(QDialog):
    """One campaign's rows by day, editable like the Campaigns table (`dialog_daily`)."""

    def __init__(
        self,
        workspace: Workspace,
        key: str,
        push: CommandSink | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        named(self, "dialog_daily")
        name = str(workspace.campaigns()["display_name"].get(key, key))
        self.setWindowTitle(f"{name} — rows by day")
        self.model = DailyModel(workspace, key, push, self)
        self.label_message = InlineMessage("label_daily_message")
        self.model.edit_refused.connect(lambda text: self.label_message.say(f"Not changed: {text}"))
        self.table_daily = named(EditableTableView(self), "table_daily")
        self.table_daily.push = push
        self.table_daily.setModel(self.model)
        self.table_daily.setAlternatingRowColors(True)
        self.table_daily.verticalHeader().setVisible(False)
        self.table_daily.verticalHeader().setDefaultSectionSize(28)
        header = self.table_daily.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column in range(self.model.columnCount()):
            header.resizeSection(column, 96 if column else 104)
        label = QLabel(
            "Type over a number to correct it; blank means no value. Edited cells are italic "
            "with a corner mark; hover one for the imported value, right-click to revert. "
            "Ctrl+C / Ctrl+V copy and paste blocks with Excel."
        )
        label.setObjectName("label_note")
        label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.label_message)
        layout.addWidget(self.table_daily, 1)
        layout.addWidget(buttons)
        self.resize(1100, 560)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def reload(self) -> None:
        """Re-read the rows (after any change of the workspace)."""
        self.label_message.say("")
        self.model.reload()
