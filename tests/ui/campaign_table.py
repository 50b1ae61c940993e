"""Driving the Campaigns table as a user does, shared by the UI tests that edit cells."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QLineEdit, QTableView

from kpi_desktop.ui.main_window import MainWindow
from kpi_desktop.ui.tabs.campaigns_tab import CampaignsTab


def tab_of(window: MainWindow) -> CampaignsTab:
    """The window's Campaigns tab (built with the first workspace)."""
    assert window.campaigns_tab is not None
    return window.campaigns_tab


def cell(window: MainWindow, key: str, column: str) -> QModelIndex:
    """The table cell of campaign `key` in `column` (a field, KPI id or "campaign")."""
    tab = tab_of(window)
    row = [tab.model.campaign_key_at(r) for r in range(tab.model.rowCount())].index(key)
    return tab.model.index(row, tab.model.column_of(column))


def type_into(qtbot, view: QTableView, index: QModelIndex, text: str) -> None:
    """Type `text` into a cell the way a user does: select, F2, type, Enter."""
    view.setFocus()
    view.setCurrentIndex(index)
    view.edit(index)
    editor = view.indexWidget(index)
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    with qtbot.waitSignal(view.itemDelegate().closeEditor):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
