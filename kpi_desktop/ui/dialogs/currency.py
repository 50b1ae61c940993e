"""Currency, Rates and Number Format: the reporting currency, the exchange rates and the
workspace's number format, i.e. how typed numbers are read (`dialog_currency`).

OK gives one undo step (`command`) with the changed currency, rates and number format.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kpi_desktop.core import format as fmt
from kpi_desktop.ui.models.campaign_model import system_decimal_mark, typed_decimal_mark
from kpi_desktop.ui.undo import CoreCommand, one_step
from kpi_desktop.ui.widgets.forms import CommandDialog, InlineMessage, filled_item, named

if TYPE_CHECKING:
    from kpi_desktop.core.commands import Command
    from kpi_desktop.core.workspace import Workspace

COMMON_CURRENCIES = ("USD", "EUR", "GBP", "CHF", "CAD", "AUD", "JPY", "SEK", "NOK", "DKK", "PLN")

#: The number formats offered: the stored decimal mark (None: the computer's) and its label.
NUMBER_FORMATS: dict[str | None, str] = {
    None: "Like this computer ({})",
    ".": "1,234.50 (decimal point)",
    ",": "1.234,50 or 1 234,50 (decimal comma)",
}


class CurrencyDialog(CommandDialog):
    """Reporting currency, exchange rates and number format (`dialog_currency`)."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__("dialog_currency", "Currency, Rates and Number Format", parent)
        self.workspace = workspace
        self.combo_number_format = named(
            QComboBox(),
            "combo_number_format",
            "How the numbers you type are read: which mark separates the decimals",
        )
        system = fmt.DECIMAL_MARK_EXAMPLES[system_decimal_mark()]
        for mark, label in NUMBER_FORMATS.items():
            self.combo_number_format.addItem(label.format(system), mark)
        stored = fmt.decimal_mark(workspace.get_setting(fmt.DECIMAL_MARK_SETTING))
        self.combo_number_format.setCurrentIndex(self.combo_number_format.findData(stored))
        self._decimal = typed_decimal_mark(workspace)  # the mark the rates are shown with
        facts = workspace.facts()
        used = sorted(
            {str(c).upper() for c in facts.get("currency", []) if isinstance(c, str) and c}
        )
        self.used = used
        self.combo_currency = named(
            QComboBox(), "combo_reporting_currency", "Money is added up and shown in this currency"
        )
        self.combo_currency.setEditable(True)
        self.combo_currency.addItems(list(dict.fromkeys([*used, *COMMON_CURRENCIES])))
        self.combo_currency.setCurrentText(workspace.reporting_currency)
        self.combo_currency.currentTextChanged.connect(self._update_missing)
        rates = workspace.fx_rates()
        codes = list(dict.fromkeys([*used, *sorted(rates)]))
        self.table_rates = named(QTableWidget(0, 2), "table_rates")
        self.table_rates.setHorizontalHeaderLabels(["Currency", "Rate: 1 unit ="])
        self.table_rates.verticalHeader().setVisible(False)
        self.table_rates.horizontalHeader().setStretchLastSection(True)
        self.table_rates.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        for code in codes:
            self.add_rate_row(code, rates.get(code))
        self.table_rates.itemChanged.connect(self._update_missing)
        self.combo_number_format.currentIndexChanged.connect(self._number_format_changed)
        self.button_add_rate = named(
            QPushButton("Add Currency"), "button_add_rate", "Add a row for another currency"
        )
        self.button_add_rate.clicked.connect(lambda: self.add_rate_row("", None))
        self.label_missing = named(QLabel(), "label_missing_rates")
        self.label_missing.setWordWrap(True)
        self.label_message = InlineMessage("label_currency_message")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Reporting currency", self.combo_currency)
        form.addRow("Typed numbers", self.combo_number_format)
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
        self._update_missing()

    def add_rate_row(self, code: str, rate: float | None) -> int:
        row = self.table_rates.rowCount()
        self.table_rates.insertRow(row)
        self.table_rates.setItem(row, 0, QTableWidgetItem(code))
        text = "" if rate is None else f"{rate:.10g}".replace(".", self._decimal)
        item = QTableWidgetItem(text)
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.table_rates.setItem(row, 1, item)
        return row

    def set_rate_text(self, code: str, text: str) -> None:
        """Type a rate for `code`, adding its row if needed (for tests and automation)."""
        for row in range(self.table_rates.rowCount()):
            if filled_item(self.table_rates, row, 0).text().strip().upper() == code:
                filled_item(self.table_rates, row, 1).setText(text)
                return
        row = self.add_rate_row(code, None)
        filled_item(self.table_rates, row, 1).setText(text)

    def decimal_mark(self) -> str:
        """The decimal mark the dialog reads numbers with: the chosen format's."""
        return fmt.decimal_mark(self.combo_number_format.currentData()) or system_decimal_mark()

    def _number_format_changed(self) -> None:
        """Rewrite the rates shown in the newly chosen format (the values stay the same)."""
        old, new = self._decimal, self.decimal_mark()
        self._decimal = new
        if old == new:
            return
        for row in range(self.table_rates.rowCount()):
            item = self.table_rates.item(row, 1)
            if item is not None and item.text().strip():
                rate = fmt.parse_typed_number(item.text(), old)
                if not isinstance(rate, str):
                    item.setText(f"{rate:.10g}".replace(".", new))

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

    def build_command(self) -> CoreCommand | str | None:
        from kpi_desktop.core import commands

        ws = self.workspace
        made: list[Command] = []
        mark = fmt.decimal_mark(self.combo_number_format.currentData())
        if mark != fmt.decimal_mark(ws.get_setting(fmt.DECIMAL_MARK_SETTING)):
            made.append(
                commands.SetSetting(ws, fmt.DECIMAL_MARK_SETTING, mark, "Change number format")
            )
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
                parsed = fmt.parse_typed_number(text, self._decimal, f"The rate for {currency}")
                if isinstance(parsed, str):
                    return parsed
                rate = parsed
                if not (math.isfinite(rate) and rate > 0):
                    return f"The rate for {currency} must be more than 0."
            before = old.get(currency)
            if rate != before:
                made.append(commands.SetFxRate(ws, currency, rate))
        return one_step(made, "Change currency, rates and number format")
