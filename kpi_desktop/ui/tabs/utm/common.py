"""What the UTM tab's panels share: the stylesheet, widget naming, table file export."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QWidget

from kpi_desktop.core.utm import write_links_table
from kpi_desktop.ui import style
from kpi_desktop.ui.widgets.forms import named

STYLESHEET = f"""
QLineEdit[invalid="true"] {{ border: 1px solid {style.BAD}; }}
QLabel[note="error"] {{ color: {style.BAD}; }}
QLabel[note="warning"] {{ color: {style.WARN}; }}
QLabel[note="change"] {{ color: {style.MUTED}; }}
QLabel#label_preview {{ background: {style.SURFACE}; border: 1px solid {style.BORDER};
    border-radius: 5px; padding: 6px 8px; }}
QLabel#label_preview[invalid="true"] {{ color: {style.UNDEFINED}; }}
QLabel#label_qr {{ background: {style.SURFACE}; border: 1px solid {style.BORDER};
    border-radius: 5px; color: {style.UNDEFINED}; }}
QGroupBox {{ font-weight: 600; }}
"""
FILE_FILTER = "Spreadsheets (*.xlsx *.csv);;Excel (*.xlsx);;CSV (*.csv)"


def make_button(name: str, text: str, tip: str, shortcut: str = "") -> QPushButton:
    """A named push button; a shortcut is set and shown at the end of the tooltip."""
    button = named(QPushButton(text), name)
    if shortcut:
        button.setShortcut(QKeySequence(shortcut))
        native = QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)
        tip = f"{tip} ({native})"
    button.setToolTip(tip)
    return button


def set_prop(widget: QWidget, name: str, value: object) -> None:
    """Set a dynamic property that the stylesheet reads and re-polish the widget."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def export_table(
    parent: QWidget, frame: pd.DataFrame, path: str | Path | None, title: str, default: str
) -> Path | None:
    """Write `frame` to `path` (asking for one when None); a failure is shown, not raised."""
    if path is None:
        chosen, _ = QFileDialog.getSaveFileName(parent, title, default, FILE_FILTER)
        if not chosen:
            return None
        path = chosen
    try:
        write_links_table(frame, path)
    except (OSError, ValueError) as exc:
        QMessageBox.warning(parent, title, f"Cannot write {Path(path).name}: {exc}")
        return None
    return Path(path)
