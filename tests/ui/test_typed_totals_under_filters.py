"""Typed campaign totals under date filters, through the window (issue 11, item 5).

A typed total covers its campaign's data range: under a filter holding that range it shows
and counts, and can be typed; under one that cuts it the cell says so and typing a total is
refused with a message pointing to All dates or Rows by Day, never a silent no-op.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from campaign_table import type_into
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QMessageBox

from kpi_desktop import app as composition
from kpi_desktop.core.series import FilterSelection
from kpi_desktop.core.workspace import Workspace
from kpi_desktop.ui.main_window import MainWindow
from kpi_desktop.ui.settings import Settings
from kpi_desktop.ui.tabs.campaigns_tab import CampaignsTab

# The sample covers 29 Aug - 26 Nov 2026; Holiday Gift Guide only 13 Oct - 26 Nov.
LOYALTY, HOLIDAY = "loyalty_club", "holiday_gift_guide"
CUT = FilterSelection("custom", dt.date(2026, 10, 1), dt.date(2026, 11, 30))


@pytest.fixture
def window(
    qtbot, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> MainWindow:
    monkeypatch.setattr(
        QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Discard
    )
    path = tmp_path / "mine.kpidesk"
    with Workspace.open_sample() as ws:
        ws.save(path)
    window = composition.create_window(settings)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.workspace_loaded):
        window.set_workspace(Workspace.open(path), path.name)
    assert window.campaigns_tab is not None
    window.tabs_main.setCurrentWidget(window.campaigns_tab)
    return window


def _tab(window: MainWindow) -> CampaignsTab:
    assert window.campaigns_tab is not None
    return window.campaigns_tab


def _cell(window: MainWindow, key: str, column: str) -> QModelIndex:
    model = _tab(window).model
    row = [model.campaign_key_at(r) for r in range(model.rowCount())].index(key)
    return model.index(row, model.column_of(column))


def _total(window: MainWindow, column: str) -> float:
    model = _tab(window).model
    value = model.index(0, model.column_of(column)).data(model.ValueRole)
    assert value is not None
    return float(value)


def _filter(window: MainWindow, selection: FilterSelection) -> None:
    assert window.filter_bar is not None
    window.filter_bar.set_selection(selection, emit=True)


def test_a_total_typed_under_a_filter_holding_all_data_shows_and_counts(
    qtbot, window: MainWindow
) -> None:
    tab = _tab(window)
    _filter(window, FilterSelection("last_90"))  # 28 Aug - 26 Nov: holds every campaign
    imported = _cell(window, LOYALTY, "spend").data(tab.model.ValueRole)
    total_before = _total(window, "spend")
    assert tab.model.editable
    assert _cell(window, LOYALTY, "spend").flags() & Qt.ItemFlag.ItemIsEditable
    with qtbot.waitSignal(window.report_refreshed):
        type_into(qtbot, tab.table_campaigns, _cell(window, LOYALTY, "spend"), "5000")
    spend = _cell(window, LOYALTY, "spend")
    assert spend.data() == "$5,000.00"
    assert spend.data(tab.model.EditedRole)
    assert "Edited total over 29 Aug 2026 – 26 Nov 2026" in spend.data(Qt.ItemDataRole.ToolTipRole)
    assert _total(window, "spend") == pytest.approx(total_before - imported + 5000)
    assert not tab.label_edit_message.isVisible()


def test_a_filter_cutting_the_range_says_so_and_refuses_typing(qtbot, window: MainWindow) -> None:
    tab = _tab(window)
    ws = window.workspace
    assert ws is not None
    with qtbot.waitSignal(window.report_refreshed):
        type_into(qtbot, tab.table_campaigns, _cell(window, LOYALTY, "spend"), "5000")
    _filter(window, CUT)  # 1 Oct - 30 Nov: cuts Loyalty Club (from 29 Aug), holds Holiday
    spend = _cell(window, LOYALTY, "spend")
    in_period = spend.data(tab.model.ValueRole)
    assert in_period != 5000  # its rows in the period, not the typed total
    assert spend.data(tab.model.EditedRole)
    tip = spend.data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith(
        "Your typed total covers 29 Aug 2026 – 26 Nov 2026; this period cuts it: not counted here"
    )
    assert tab.button_all_dates.isVisible()
    assert "all dates" in tab.label_hint.text()

    type_into(qtbot, tab.table_campaigns, _cell(window, LOYALTY, "spend"), "7000")
    assert tab.label_edit_message.isVisible()
    message = tab.label_edit_message.text()
    assert message.startswith(
        "Not changed: A typed total covers the campaign's data, 29 Aug 2026 – 26 Nov 2026, "
        "which this period cuts"
    )
    assert "All dates" in message
    assert "Rows by Day" in message
    assert ws.campaign_override(LOYALTY, "spend") == 5000
    assert _cell(window, LOYALTY, "spend").data(tab.model.ValueRole) == in_period

    # Holiday Gift Guide's data (13 Oct - 26 Nov) lies inside: its total can be typed here.
    with qtbot.waitSignal(window.report_refreshed):
        type_into(qtbot, tab.table_campaigns, _cell(window, HOLIDAY, "clicks"), "12345")
    assert _cell(window, HOLIDAY, "clicks").data(tab.model.ValueRole) == 12345
    assert ws.campaign_override(HOLIDAY, "clicks") == 12345

    tab.button_all_dates.click()  # back to all dates: the typed total shows again
    assert _cell(window, LOYALTY, "spend").data() == "$5,000.00"
    assert not tab.button_all_dates.isVisible()
