"""One way to change data: every mutation is a command on the session's one undo stack.

A UTM link, a chart note, a workspace setting and a cell edit are made through the real
widgets; Edit › Undo then reverts them one at a time, newest first, its text naming each.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QToolButton

from kpi_desktop import app as composition
from kpi_desktop.core.series import ANNOTATIONS_SETTING
from kpi_desktop.core.utm import NamingConvention, UtmParams
from kpi_desktop.core.workspace import Workspace
from kpi_desktop.ui.main_window import MainWindow
from kpi_desktop.ui.settings import Settings
from kpi_desktop.ui.tabs.utm import UtmTab

KEY = "loyalty_club"
NOTE_DAY = dt.date(2026, 11, 2)


@pytest.fixture
def window(
    qtbot, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> MainWindow:
    monkeypatch.setattr(
        QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Discard
    )
    path = tmp_path / "mine.kpidesk"
    Workspace.open_sample().save(path)
    window = composition.create_window(settings)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.workspace_loaded):
        window.set_workspace(Workspace.open(path), path.name)
    return window


def _utm(window: MainWindow) -> UtmTab:
    assert window.utm_tab is not None
    return window.utm_tab


def _spend_cell_text(window: MainWindow) -> str:
    tab = window.campaigns_tab
    assert tab is not None
    model = tab.model
    row = [model.campaign_key_at(r) for r in range(model.rowCount())].index(KEY)
    return str(model.index(row, model.column_of("spend")).data())


def _notes(window: MainWindow) -> list[object]:
    ws = window.workspace
    assert ws is not None
    return list(ws.get_setting(ANNOTATIONS_SETTING, []))


def test_link_note_setting_and_cell_each_undo_in_turn(qtbot, window: MainWindow) -> None:
    ws = window.workspace
    assert ws is not None
    utm = _utm(window)
    links_before = len(ws.links())
    stack = window.undo_stack
    assert stack.count() == 0

    # 1. a UTM link, saved from the builder's form
    utm.set_form("https://shop.example.com/club", UtmParams("ig", "chatbot", "loyalty_club"))
    utm.edit_label.setText("Club bot")
    utm.button_save_link.click()
    assert len(ws.links()) == links_before + 1
    assert window.action_undo.text() == "&Undo Save link Club bot"

    # 2. a note on the time chart, through its context-menu prompt
    charts = window.charts_tab
    assert charts is not None
    charts.plot_time_series.ask_note(NOTE_DAY, ask=lambda *_a: ("Price change", True))
    assert _notes(window) == [{"date": "2026-11-02", "text": "Price change"}]
    assert charts.plot_time_series.notes == [(NOTE_DAY, "Price change")]
    assert window.action_undo.text() == "&Undo Add chart note on 2 Nov 2026"

    # 3. a workspace setting: the UTM naming convention
    utm.page_convention.spin_max_length.setValue(40)
    utm.page_convention.button_convention_save.click()
    assert utm.store.naming_convention().max_length == 40
    assert window.action_undo.text() == "&Undo Change naming convention"

    # 4. a cell of the Campaigns table (all dates: totals are lifetime figures)
    campaigns = window.campaigns_tab
    assert campaigns is not None
    campaigns.button_all_dates.click()
    spend_before = _spend_cell_text(window)
    model = campaigns.model
    row = [model.campaign_key_at(r) for r in range(model.rowCount())].index(KEY)
    assert model.setData(model.index(row, model.column_of("spend")), "5000")
    assert _spend_cell_text(window) == "$5,000.00"
    assert stack.count() == 4
    assert window.isWindowModified()

    # Undo, one step at a time, newest first — each through the Edit menu's action.
    window.action_undo.trigger()
    assert _spend_cell_text(window) == spend_before
    assert utm.store.naming_convention().max_length == 40  # the rest stays

    window.action_undo.trigger()
    assert utm.store.naming_convention() == NamingConvention()
    assert utm.page_convention.spin_max_length.value() == NamingConvention().max_length
    assert _notes(window) == [{"date": "2026-11-02", "text": "Price change"}]

    window.action_undo.trigger()
    assert _notes(window) == []
    assert charts.plot_time_series.notes == []
    assert len(ws.links()) == links_before + 1

    window.action_undo.trigger()
    assert len(ws.links()) == links_before
    assert [r.label for r in utm.history_rows()].count("Club bot") == 0
    assert not stack.canUndo()

    # Redo brings them back in order.
    window.action_redo.trigger()
    assert len(ws.links()) == links_before + 1
    window.action_redo.trigger()
    assert _notes(window) == [{"date": "2026-11-02", "text": "Price change"}]


def test_bulk_rows_undo_with_the_edit_menu_and_the_panel_has_no_undo_of_its_own(
    qtbot, window: MainWindow
) -> None:
    utm = _utm(window)
    model = utm.model_bulk
    assert utm.findChild(QToolButton, "button_bulk_undo") is None
    utm.button_bulk_add.click()
    model.setData(model.index(0, 1), "https://x.org/")
    assert window.action_undo.text().startswith("&Undo Edit URL of bulk row 1")
    window.action_undo.trigger()
    assert model.index(0, 1).data() == ""
    window.action_undo.trigger()
    assert model.rowCount() == 0


def test_undo_back_to_the_saved_state_is_not_a_change(qtbot, window: MainWindow) -> None:
    utm = _utm(window)
    utm.button_bulk_add.click()
    assert window.isWindowModified()
    window.action_undo.trigger()
    assert not window.isWindowModified()  # closing would not ask to save
    assert not window.session.is_modified()
    window.action_redo.trigger()
    assert window.isWindowModified()
