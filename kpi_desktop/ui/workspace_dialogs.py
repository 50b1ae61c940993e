"""Dialogs and Edit-menu actions of the workspace: add a campaign by hand, notes and
targets, currency and exchange rates, one campaign's rows by day, revert to imported.

Every change goes through the window's undo stack as core commands; a dialog's OK is
one undo step (a `Batch` when it makes several changes). `install_workspace_actions`
adds the actions to the main window (object names of DESIGN section 9).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kpi_desktop.core import format as fmt
from kpi_desktop.core.kpi import KPI_BY_ID, KPIS, Display
from kpi_desktop.core.schema import FIELDS, INPUT_FIELDS, campaign_key
from kpi_desktop.ui.models.campaign_model import CommandSink, parse_input
from kpi_desktop.ui.models.daily_model import DailyModel
from kpi_desktop.ui.tabs.campaigns_tab import EditableTableView, one_step

if TYPE_CHECKING:
    from kpi_desktop.core.commands import Command
    from kpi_desktop.core.store import Workspace
    from kpi_desktop.ui.main_window import MainWindow

COMMON_CURRENCIES = ("USD", "EUR", "GBP", "CHF", "CAD", "AUD", "JPY", "SEK", "NOK", "DKK", "PLN")
PERIOD_MONTH, PERIOD_DAY, PERIOD_NONE = "month", "day", "none"


def _named(widget: Any, name: str, tip: str = "") -> Any:
    widget.setObjectName(name)
    widget.setAccessibleName(name)
    if tip:
        widget.setToolTip(tip)
    return widget


class _Message(QLabel):
    """An inline line that says why something was refused (no modal box inside a dialog)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        _named(self, name)
        self.setWordWrap(True)
        self.setStyleSheet("QLabel { color: #a33c00; }")
        self.hide()

    def say(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


# -- daily rows ---------------------------------------------------------------------------------


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
        _named(self, "dialog_daily")
        name = str(workspace.campaigns()["display_name"].get(key, key))
        self.setWindowTitle(f"{name} — rows by day")
        self.model = DailyModel(workspace, key, push, self)
        self.label_message = _Message("label_daily_message")
        self.model.edit_refused.connect(lambda text: self.label_message.say(f"Not changed: {text}"))
        self.table_daily = _named(EditableTableView(self), "table_daily")
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


# -- add a campaign -----------------------------------------------------------------------------


class AddCampaignDialog(QDialog):
    """Type in a campaign: name, channel, a month / day / no date, and its numbers."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _named(self, "dialog_add_campaign")
        self.setWindowTitle("Add Campaign")
        self.workspace = workspace
        self.edit_name = _named(QLineEdit(), "edit_campaign_name", "Campaign name as in reports")
        self.edit_name.setPlaceholderText("e.g. Spring Quiz Bot")
        self.edit_channel = _named(QComboBox(), "combo_channel", "Where the bot runs")
        self.edit_channel.setEditable(True)
        channels = sorted({str(c) for c in workspace.facts()["channel"].dropna() if str(c)})
        self.edit_channel.addItems(channels or ["Messenger", "Instagram", "WhatsApp", "Website"])
        self.combo_period = _named(QComboBox(), "combo_period", "Which period the numbers cover")
        self.combo_period.addItem("A month", PERIOD_MONTH)
        self.combo_period.addItem("A day", PERIOD_DAY)
        self.combo_period.addItem("No date (lifetime total)", PERIOD_NONE)
        self.date_period = _named(QDateEdit(QDate.currentDate()), "date_period")
        self.date_period.setCalendarPopup(True)
        self.combo_period.currentIndexChanged.connect(self._period_changed)
        self._period_changed()
        self.edits: dict[str, QLineEdit] = {}
        grid = QGridLayout()
        for i, name in enumerate(INPUT_FIELDS):
            spec = FIELDS[name]
            edit = _named(QLineEdit(), f"edit_{name}", f"{spec.label}: {spec.description}")
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
        self.label_message = _Message("label_add_message")
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
        self.command: Command | None = None

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
        for field, edit in self.edits.items():
            try:
                number = parse_input(field, edit.text())
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

    def accept(self) -> None:
        command = self.build_command()
        if isinstance(command, str):
            self.label_message.say(command)
            return
        self.command = command
        super().accept()


# -- notes and targets --------------------------------------------------------------------------


def _target_text(kpi_id: str, value: float | None) -> str:
    number = fmt.kpi_number(KPI_BY_ID[kpi_id], value)
    return "" if number is None else f"{number:.10g}"


def _parse_target(kpi_id: str, text: str) -> float | None:
    kpi = KPI_BY_ID[kpi_id]
    raw = text.strip().removesuffix("%").removesuffix("x").strip().replace(",", "")
    for symbol in "$€£¥":
        raw = raw.replace(symbol, "")
    if not raw:
        return None
    try:
        number = float(raw)
    except ValueError:
        raise ValueError(f"The target for {kpi.name.lower()} must be a number.") from None
    if not math.isfinite(number):
        raise ValueError(f"The target for {kpi.name.lower()} must be a number.")
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


class TargetsDialog(QDialog):
    """Targets per KPI for every campaign or one, and that campaign's notes (`dialog_targets`).

    Targets for one campaign override the workspace's; a blank one uses the workspace's.
    """

    def __init__(
        self, workspace: Workspace, key: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        _named(self, "dialog_targets")
        self.setWindowTitle("Notes and Targets")
        self.workspace = workspace
        self.combo_campaign = _named(
            QComboBox(), "combo_target_campaign", "Targets for every campaign, or for one"
        )
        self.combo_campaign.addItem("Every campaign (workspace targets)", None)
        campaigns = workspace.campaigns()
        for ckey, name in campaigns["display_name"].items():
            self.combo_campaign.addItem(str(name), str(ckey))
        self.table_targets = _named(QTableWidget(len(KPIS), 3), "table_targets")
        self.table_targets.setHorizontalHeaderLabels(["KPI", "Target", "Workspace's"])
        self.table_targets.horizontalHeaderItem(2).setToolTip(
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
        self.edit_notes = _named(QPlainTextEdit(), "edit_notes", "Notes on this campaign")
        self.edit_notes.setPlaceholderText("What ran, what changed, what to try next…")
        self.edit_notes.setMaximumHeight(120)
        self.label_message = _Message("label_targets_message")
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
        self.command: Command | None = None

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
        for row, kpi in enumerate(KPIS):
            unit = _UNITS[kpi.display]
            unit = (currency or "money") if unit == "money" else unit
            name = QTableWidgetItem(f"{kpi.name} ({unit})" if unit else kpi.name)
            name.setFlags(Qt.ItemFlag.ItemIsEnabled)
            name.setToolTip(f"{kpi.name} = {kpi.formula}")
            text = pending.get(kpi.id, _target_text(kpi.id, own.get(kpi.id)))
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
            kpi.id: self.table_targets.item(row, 1).text() for row, kpi in enumerate(KPIS)
        }
        if key is not None:
            self._notes[key] = self.edit_notes.toPlainText()

    def set_target_text(self, kpi_id: str, text: str) -> None:
        """Type a target for the campaign shown (for tests and automation)."""
        row = [k.id for k in KPIS].index(kpi_id)
        self.table_targets.item(row, 1).setText(text)

    def build_command(self) -> Command | str | None:
        """One undo step with every changed target and note; None when nothing changed."""
        from kpi_desktop.core import commands

        self._keep()
        ws = self.workspace
        made: list[Command] = []
        for key, texts in self._targets.items():
            own = ws.targets().get(key, {})
            for kpi_id, text in texts.items():
                try:
                    value = _parse_target(kpi_id, text)
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

    def accept(self) -> None:
        command = self.build_command()
        if isinstance(command, str):
            self.label_message.say(command)
            return
        self.command = command
        super().accept()


# -- currency -------------------------------------------------------------------------------------


class CurrencyDialog(QDialog):
    """Reporting currency and exchange rates (`dialog_currency`)."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _named(self, "dialog_currency")
        self.setWindowTitle("Currency and Exchange Rates")
        self.workspace = workspace
        facts = workspace.facts()
        used = sorted(
            {str(c).upper() for c in facts.get("currency", []) if isinstance(c, str) and c}
        )
        self.used = used
        self.combo_currency = _named(
            QComboBox(), "combo_reporting_currency", "Money is added up and shown in this currency"
        )
        self.combo_currency.setEditable(True)
        self.combo_currency.addItems(list(dict.fromkeys([*used, *COMMON_CURRENCIES])))
        self.combo_currency.setCurrentText(workspace.reporting_currency)
        self.combo_currency.currentTextChanged.connect(self._update_missing)
        rates = workspace.fx_rates()
        codes = list(dict.fromkeys([*used, *sorted(rates)]))
        self.table_rates = _named(QTableWidget(0, 2), "table_rates")
        self.table_rates.setHorizontalHeaderLabels(["Currency", "Rate: 1 unit ="])
        self.table_rates.verticalHeader().setVisible(False)
        self.table_rates.horizontalHeader().setStretchLastSection(True)
        self.table_rates.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        for code in codes:
            self.add_rate_row(code, rates.get(code))
        self.table_rates.itemChanged.connect(self._update_missing)
        self.button_add_rate = _named(
            QPushButton("Add Currency"), "button_add_rate", "Add a row for another currency"
        )
        self.button_add_rate.clicked.connect(lambda: self.add_rate_row("", None))
        self.label_missing = _named(QLabel(), "label_missing_rates")
        self.label_missing.setWordWrap(True)
        self.label_message = _Message("label_currency_message")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Reporting currency", self.combo_currency)
        note = QLabel(
            "Money in other currencies is converted with these rates before it is added up. "
            "Without a rate, KPIs that need that money show — with the reason."
        )
        note.setObjectName("label_note")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.table_rates, 1)
        layout.addWidget(self.button_add_rate, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.label_missing)
        layout.addWidget(self.label_message)
        layout.addWidget(buttons)
        self.resize(460, 440)
        self.command: Command | None = None
        self._update_missing()

    def add_rate_row(self, code: str, rate: float | None) -> int:
        row = self.table_rates.rowCount()
        self.table_rates.insertRow(row)
        self.table_rates.setItem(row, 0, QTableWidgetItem(code))
        item = QTableWidgetItem("" if rate is None else f"{rate:.10g}")
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.table_rates.setItem(row, 1, item)
        return row

    def set_rate_text(self, code: str, text: str) -> None:
        """Type a rate for `code`, adding its row if needed (for tests and automation)."""
        for row in range(self.table_rates.rowCount()):
            if self.table_rates.item(row, 0).text().strip().upper() == code:
                self.table_rates.item(row, 1).setText(text)
                return
        row = self.add_rate_row(code, None)
        self.table_rates.item(row, 1).setText(text)

    def _rows(self) -> list[tuple[str, str]]:
        out = []
        for row in range(self.table_rates.rowCount()):
            code, rate = self.table_rates.item(row, 0), self.table_rates.item(row, 1)
            if code is not None and rate is not None and code.text().strip():
                out.append((code.text().strip().upper(), rate.text().strip()))
        return out

    def _update_missing(self, *_: object) -> None:
        reporting = self.combo_currency.currentText().strip().upper()
        given = {code for code, text in self._rows() if text}
        missing = [c for c in self.used if c != reporting and c not in given]
        if not reporting:
            self.label_missing.setText("Choose a reporting currency to add up money.")
        elif missing:
            self.label_missing.setText(
                f"No rate for {', '.join(missing)}: money in "
                f"{'it' if len(missing) == 1 else 'them'} is left out and the KPIs that need "
                "it show — until you enter a rate."
            )
        else:
            self.label_missing.setText("Every currency in the data can be converted.")

    def build_command(self) -> Command | str | None:
        from kpi_desktop.core import commands

        ws = self.workspace
        made: list[Command] = []
        code = self.combo_currency.currentText().strip().upper()
        if code and (len(code) != 3 or not code.isalpha()):
            return f"“{code}” is not a currency code (three letters, like USD)."
        if code != ws.reporting_currency:
            made.append(commands.SetReportingCurrency(ws, code))
        old = ws.fx_rates()
        seen = set()
        for currency, text in self._rows():
            seen.add(currency)
            if len(currency) != 3 or not currency.isalpha():
                return f"“{currency}” is not a currency code (three letters, like EUR)."
            if not text:
                rate = None
            else:
                try:
                    rate = float(text.replace(",", "."))
                except ValueError:
                    return f"The rate for {currency} must be a number, like 1.08."
                if not (math.isfinite(rate) and rate > 0):
                    return f"The rate for {currency} must be more than 0."
            before = old.get(currency)
            if rate != before:
                made.append(commands.SetFxRate(ws, currency, rate))
        return one_step(made, "Change currency and exchange rates")

    def accept(self) -> None:
        command = self.build_command()
        if isinstance(command, str):
            self.label_message.say(command)
            return
        self.command = command
        super().accept()


# -- the window's actions -----------------------------------------------------------------------


class WorkspaceActions:
    """The Edit-menu actions over the open workspace, installed on the main window."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        act = window._action  # the window's own factory: object name, tips, shortcuts
        self.action_revert = act(
            "action_revert", "Revert to &Imported",
            "Put the imported value back in the selected edited cells", self.revert,
            [QKeySequence("Ctrl+Shift+R")],
        )  # fmt: skip
        self.action_add_campaign = act(
            "action_add_campaign", "&Add Campaign…",
            "Type in a campaign's numbers by hand (no export needed)", self.add_campaign,
            [QKeySequence("Ctrl+Shift+N")],
        )  # fmt: skip
        self.action_rename_campaign = act(
            "action_rename_campaign", "Re&name Campaign",
            "Type a new name for the current campaign", self.rename_campaign,
            [QKeySequence("F2")],
        )  # fmt: skip
        self.action_delete_campaign = act(
            "action_delete_campaign", "&Delete Campaign",
            "Delete the selected campaigns (undo brings them back)", self.delete_campaign,
        )  # fmt: skip
        self.action_daily = act(
            "action_daily", "Rows by &Day…",
            "Show and edit the current campaign's rows by day", self.open_daily,
        )  # fmt: skip
        self.action_targets = act(
            "action_targets", "Notes and &Targets…",
            "Targets per KPI for every campaign or one, and a campaign's notes",
            self.edit_targets, [QKeySequence("Ctrl+T")],
        )  # fmt: skip
        self.action_currency = act(
            "action_currency", "&Currency and Exchange Rates…",
            "The reporting currency and the rates that convert other currencies",
            self.edit_currency,
        )  # fmt: skip
        # The table's shortcut (F2) would clash with the view's own edit key: menu only.
        self.action_rename_campaign.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        menu = window.menu_edit
        menu.addSeparator()
        menu.addActions([self.action_revert])
        menu.addSeparator()
        menu.addActions(
            [
                self.action_add_campaign,
                self.action_rename_campaign,
                self.action_delete_campaign,
                self.action_daily,
            ]
        )
        menu.addSeparator()
        menu.addActions([self.action_targets, self.action_currency])
        self.campaign_actions = [
            self.action_revert,
            self.action_daily,
            self.action_rename_campaign,
            self.action_delete_campaign,
            self.action_add_campaign,
            self.action_targets,
        ]
        for action in [*self.campaign_actions, self.action_currency]:
            action.setEnabled(False)
        window.workspace_loaded.connect(self.bind)

    def bind(self) -> None:
        """Give the Campaigns tab the open workspace and the undo stack's push."""
        window = self.window
        tab = window.campaigns_tab
        for action in [*self.campaign_actions, self.action_currency]:
            action.setEnabled(window.workspace is not None)
        if tab is None:
            return
        tab.set_workspace(window.workspace, window.push_command)
        if not tab.table_campaigns.extra_actions:
            tab.table_campaigns.extra_actions = list(self.campaign_actions)
            tab.all_dates_requested.connect(self.show_all_dates)
            self._merge_context_menus(tab.table_campaigns)
        utm = getattr(window, "utm_tab", None)
        if utm is not None:
            utm.refresh()
        window.refresh()  # the tab's editability depends on the workspace just bound

    def _merge_context_menus(self, view: EditableTableView) -> None:
        """One context menu on the campaign table: the export module's entries (Copy,
        Copy as Image, Export) when it installed them, then the editing entries."""
        try:
            from kpi_desktop.ui.export_dialog import campaigns_menu
        except ImportError:
            return
        window = self.window
        view.customContextMenuRequested.disconnect()
        view.customContextMenuRequested.connect(view.show_context_menu)
        view.extra_menu = lambda: campaigns_menu(window)

    def _focused_table(self) -> EditableTableView | None:
        widget = QApplication.focusWidget()
        while widget is not None and not isinstance(widget, EditableTableView):
            widget = widget.parentWidget()
        if widget is not None:
            return widget
        tab = self.window.campaigns_tab
        return None if tab is None else tab.table_campaigns

    def report_dropped(self, changes: Any) -> None:
        """Tell the user which edits a re-import left without a row (they are kept)."""
        dropped = getattr(changes, "dropped_edits", ())
        if not dropped:
            return
        lines = []
        for rec in dropped[:12]:
            key = rec.row_key
            where = (
                f"{key.campaign_key} {key.date or 'lifetime'} {key.channel}".strip()
                if hasattr(key, "campaign_key")
                else str(key)
            )
            label = FIELDS[rec.field].label if rec.field in FIELDS else rec.field
            lines.append(
                f"• {label} of {where}: {rec.new_value:g}"
                if rec.new_value is not None
                else f"• {label} of {where}: blank"
            )
        more = len(dropped) - len(lines)
        if more > 0:
            lines.append(f"… and {more} more")
        box = QMessageBox(self.window)
        box.setObjectName("dialog_dropped_edits")
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle("Edits that no longer apply")
        box.setText(
            f"{len(dropped)} of your edits no longer match a row in the new data. They are "
            "kept in the workspace and apply again if the rows come back."
        )
        box.setDetailedText("\n".join(lines))
        box.setInformativeText("\n".join(lines[:5]))
        box.open()

    def revert(self) -> None:
        table = self._focused_table()
        if table is None or not table.revert_selection():
            self.window.statusBar().showMessage(
                "Nothing to revert: select cells that were edited (italic, with a corner mark).",
                5000,
            )

    def add_campaign(self) -> AddCampaignDialog | None:
        ws = self.window.workspace
        if ws is None:
            return None
        dialog = AddCampaignDialog(ws, self.window)
        dialog.accepted.connect(lambda: self._push(dialog.command))
        dialog.open()
        return dialog

    def rename_campaign(self) -> None:
        tab = self.window.campaigns_tab
        if tab is not None:
            self.window.tabs_main.setCurrentWidget(tab)
            tab.rename_current()

    def delete_campaign(self) -> None:
        tab = self.window.campaigns_tab
        if tab is not None and not tab.delete_selected():
            self.window.statusBar().showMessage("Select a campaign row to delete.", 5000)

    def open_daily(self) -> DailyDialog | None:
        tab = self.window.campaigns_tab
        key = None if tab is None else tab.current_campaign()
        if tab is None or key is None:
            self.window.statusBar().showMessage("Select a campaign to see its days.", 5000)
            return None
        return tab.open_daily(key)

    def edit_targets(self) -> TargetsDialog | None:
        ws = self.window.workspace
        if ws is None:
            return None
        tab = self.window.campaigns_tab
        key = None if tab is None else tab.current_campaign()
        dialog = TargetsDialog(ws, key, self.window)
        dialog.accepted.connect(lambda: self._push(dialog.command))
        dialog.open()
        return dialog

    def edit_currency(self) -> CurrencyDialog | None:
        ws = self.window.workspace
        if ws is None:
            return None
        dialog = CurrencyDialog(ws, self.window)
        dialog.accepted.connect(lambda: self._push(dialog.command))
        dialog.open()
        return dialog

    def show_all_dates(self) -> None:
        from kpi_desktop.core.series import ALL, FilterSelection

        bar = self.window.filter_bar
        if bar is not None:
            bar.set_selection(FilterSelection(preset=ALL), emit=True)

    def _push(self, command: Command | None) -> None:
        if command is not None and self.window.workspace is not None:
            self.window.push_command(command)


def install_workspace_actions(window: MainWindow) -> WorkspaceActions:
    """Add the workspace's Edit-menu actions, autosave and the UTM tab to `window`.

    Called once, when the tabs are built; the actions are also window attributes.
    """
    from kpi_desktop.ui.autosave import Autosaver
    from kpi_desktop.ui.link_store import WorkspaceLinkStore
    from kpi_desktop.ui.tabs.utm_tab import UtmTab

    actions = WorkspaceActions(window)
    window.autosave = Autosaver(window)  # type: ignore[attr-defined]
    store = WorkspaceLinkStore(
        lambda: window.workspace, window.push_command, window.autosave.schedule
    )
    window.utm_tab = UtmTab(store, undo_stack=window.undo_stack)  # type: ignore[attr-defined]
    window.add_tab(
        window.utm_tab, "UTM Links", "Build UTM-tagged links; check them against the data"
    )
    window.utm_tab.aliasAdded.connect(lambda *_: window.refresh())
    for name in (
        "action_revert",
        "action_add_campaign",
        "action_rename_campaign",
        "action_delete_campaign",
        "action_daily",
        "action_targets",
        "action_currency",
    ):
        setattr(window, name, getattr(actions, name))
    return actions
