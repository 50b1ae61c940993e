"""Small helpers for dialogs built in code: named widgets, filled cells, an inline refusal line."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QDialog, QLabel, QTableWidget, QTableWidgetItem, QWidget

from kpi_desktop.ui.undo import CoreCommand

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


class CommandDialog(QDialog):
    """A dialog whose OK makes one undoable command (`command`), pushed by its opener.

    Subclasses set `label_message` and implement `build_command`: a command, None when
    nothing changed, or a sentence saying why the input is refused — then the dialog
    stays open and shows it inline.
    """

    label_message: InlineMessage

    def __init__(self, name: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, name)
        self.setWindowTitle(title)
        self.command: CoreCommand | None = None

    def build_command(self) -> CoreCommand | str | None:
        """The command the dialog's fields describe (see the class docstring)."""
        raise NotImplementedError

    def accept(self) -> None:
        command = self.build_command()
        if isinstance(command, str):
            self.label_message.say(command)
            return
        self.command = command
        super().accept()
