"""The global exception hook: log the traceback, show the user a dialog instead."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

log = logging.getLogger(__name__)

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]

_showing = False


def user_message(exc: BaseException) -> str:
    """The sentence shown for `exc`: a core error's own message, else a generic one."""
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message:
        return message
    return (
        "Something went wrong inside KPI Desk. Your data has not been changed by this "
        "error; you can keep working, and saving a copy of your workspace is a good idea."
    )


def show_error(
    exc: BaseException,
    *,
    parent: QWidget | None = None,
    title: str = "KPI Desk",
    details: str = "",
) -> None:
    """Show `exc` in a modal message box with the traceback under "Show Details…"."""
    box = QMessageBox(parent)
    box.setObjectName("dialog_error")
    box.setIcon(QMessageBox.Icon.Warning if hasattr(exc, "message") else QMessageBox.Icon.Critical)
    box.setWindowTitle(title)
    box.setText(user_message(exc))
    box.setInformativeText(f"{type(exc).__name__}: {exc}")
    if details:
        box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.exec()


def excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """`sys.excepthook` for the GUI: log, then show a dialog (never a bare traceback)."""
    global _showing
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    details = "".join(traceback.format_exception(exc_type, exc, tb))
    log.error("Unhandled exception\n%s", details)
    app = QApplication.instance()
    if app is None or _showing:
        # No GUI to show it in, or an error while showing one: the log has it.
        return
    _showing = True
    try:
        show_error(exc, parent=QApplication.activeWindow(), details=details)
    finally:
        _showing = False


def install() -> ExceptHook:
    """Install `excepthook`; returns the previous hook so callers (tests) can restore it."""
    previous = sys.excepthook
    sys.excepthook = excepthook
    return previous
