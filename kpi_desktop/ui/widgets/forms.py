"""Small helpers for dialogs built in code: named widgets, filled cells, an inline refusal line."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QLabel, QTableWidget, QTableWidgetItem, QWidget

W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str, tip: str = "") -> W:
    """`widget` with its object and accessible name `name` (DESIGN section 9) and a tip."""
    widget.setObjectName(name)
    widget.setAccessibleName(name)
    if tip:
        widget.setToolTip(tip)
    return widget


def filled_item(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    """The item of a cell the dialog filled itself (`QTableWidget.item` may return None)."""
    item = table.item(row, column)
    if item is None:
        raise LookupError(f"{table.objectName()}: cell ({row}, {column}) was never filled")
    return item


class InlineMessage(QLabel):
    """An inline line that says why something was refused (no modal box inside a dialog)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        named(self, name)
        self.setWordWrap(True)
        self.setStyleSheet("QLabel { color: #a33c00; }")
        self.hide()

    def say(self, text: str) -> None:
        """Show `text`; an empty text hides the line."""
        self.setText(text)
        self.setVisible(bool(text))
