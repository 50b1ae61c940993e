"""Help menu dialogs: the keyboard shortcuts table and the About box."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kpi_desktop import APP_NAME, __version__


def shortcuts_dialog(window: QWidget) -> QDialog:
    """A table of every action that has a keyboard shortcut."""
    dialog = QDialog(window)
    dialog.setObjectName("dialog_shortcuts")
    dialog.setWindowTitle("Keyboard Shortcuts")
    rows = [
        (action.text().replace("&", ""), action.shortcut())
        for action in window.actions()
        if not action.shortcut().isEmpty()
    ]
    table = QTableWidget(len(rows), 2)
    table.setObjectName("table_shortcuts")
    table.setHorizontalHeaderLabels(["Action", "Shortcut"])
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setShowGrid(False)
    for row, (text, key) in enumerate(rows):
        table.setItem(row, 0, QTableWidgetItem(text))
        table.setItem(
            row, 1, QTableWidgetItem(key.toString(QKeySequence.SequenceFormat.NativeText))
        )
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(table)
    layout.addWidget(buttons)
    dialog.resize(440, 520)
    return dialog


def about_dialog(window: QWidget) -> QMessageBox:
    """The About box: version and what KPI Desk is for (with `window`'s icon)."""
    box = QMessageBox(window)
    box.setObjectName("dialog_about")
    box.setWindowTitle(f"About {APP_NAME}")
    box.setIconPixmap(window.windowIcon().pixmap(64, 64))
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(f"<h3>{html.escape(APP_NAME)} {html.escape(__version__)}</h3>")
    box.setInformativeText(
        "Prove what your chatbot campaigns earn. KPI Desk reads the Excel and CSV exports "
        "of your ad platforms, web analytics and bot platform, and shows interactions, "
        "CTR, conversion rate, cost per conversion, ROAS and brand lift per campaign."
        "<br><br>Everything stays on this computer: no account, no network."
    )
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return box
