"""The filter bar drives every tab through the main window and is kept per workspace."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt

from kpi_desktop import app as composition
from kpi_desktop.core import format as fmt
from kpi_desktop.core import series
from kpi_desktop.core.kpi import KPI_BY_ID
from kpi_desktop.core.workspace import Workspace
from kpi_desktop.ui.main_window import MainWindow
from kpi_desktop.ui.settings import Settings


@pytest.fixture
def loaded(qtbot, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    window = composition.create_window(settings)
    qtbot.addWidget(window)
    window.show()
    # Straight to set_workspace: the start-up path may ask about recovery files.
    with qtbot.waitSignal(window.workspace_loaded):
        window.set_workspace(Workspace.open_sample(), "Sample workspace", sample=True)
    # A filter choice is a workspace setting, so the workspace counts as changed; the
    # tests close or replace it without the save question (pytest-qt closes windows
    # before fixtures finish, so this cannot wait for teardown).
    monkeypatch.setattr(window, "_confirm_discard", lambda: True)
    return window


def test_names_and_default_period(loaded: MainWindow) -> None:
    bar = loaded.filter_bar
    assert bar is not None
    assert bar.objectName() == "widget_filter_bar"
    for name in ("combo_period", "date_from", "date_to", "button_campaigns", "button_channels"):
        assert getattr(bar, name).objectName() == name
    assert bar.list_campaigns.objectName() == "list_campaigns"
    assert bar.combo_period.currentData() == "all"  # a workspace opens on all its data
    assert loaded.session.data_view is not None
    first, _last = loaded.session.data_view.data_range  # type: ignore[misc]
    assert bar.date_from.date() == QDate(first.year, first.month, first.day)
    assert bar.date_to.date() == QDate(2026, 11, 26)
    assert bar.list_campaigns.count() == 6
    assert bar.button_campaigns.text() == "All campaigns"


def test_choosing_a_preset_refreshes_cards_from_the_core(qtbot, loaded: MainWindow) -> None:
    bar, ws = loaded.filter_bar, loaded.workspace
    assert bar is not None
    assert ws is not None
    with qtbot.waitSignal(loaded.report_refreshed):
        bar.combo_period.setCurrentIndex(bar.combo_period.findData("last_7"))
    expected = ws.report(None, start="2026-11-20", end="2026-11-26").total
    card = loaded.dashboard_tab.cards["ctr"]  # type: ignore[union-attr]
    assert card.value_text == fmt.kpi_value(KPI_BY_ID["ctr"], expected["ctr"], "USD")
    assert " pp (" in card.change_text
    assert "20 Nov 2026 – 26 Nov 2026 (7 days)" in loaded.dashboard_tab.label_heading.text()  # type: ignore[union-attr]
    assert ws.get_setting(series.FILTER_SETTING)["preset"] == "last_7"


def test_custom_dates_switch_the_preset(qtbot, loaded: MainWindow) -> None:
    bar, ws = loaded.filter_bar, loaded.workspace
    assert bar is not None
    assert ws is not None
    with qtbot.waitSignal(bar.selection_changed):
        bar.date_from.setDate(QDate(2026, 9, 1))
    assert bar.combo_period.currentData() == "custom"
    assert bar.selection.start == dt.date(2026, 9, 1)
    assert bar.selection.end == dt.date(2026, 11, 26)
    expected = ws.report("campaign", start="2026-09-01", end="2026-11-26")
    assert loaded.report is not None
    assert loaded.report.total["roas"] == pytest.approx(expected.total["roas"])


def test_unticking_a_campaign_filters_every_tab(qtbot, loaded: MainWindow) -> None:
    bar, ws = loaded.filter_bar, loaded.workspace
    assert bar is not None
    assert ws is not None
    item = bar.list_campaigns.item(0)
    key = item.data(Qt.ItemDataRole.UserRole)
    with qtbot.waitSignal(loaded.report_refreshed):
        item.setCheckState(Qt.CheckState.Unchecked)
    assert loaded.report is not None
    assert key not in loaded.report.rows.index
    assert len(loaded.report.rows) == 5
    assert bar.button_campaigns.text() == "5 of 6 campaigns"
    assert loaded.campaigns_tab.model.rowCount() == 6  # type: ignore[union-attr]  # total + 5
    with qtbot.waitSignal(loaded.report_refreshed):
        bar.menu_campaigns.button_all.click()
    assert len(loaded.report.rows) == 6


def test_the_choice_is_restored_with_the_workspace(qtbot, loaded: MainWindow, tmp_path) -> None:
    bar, ws = loaded.filter_bar, loaded.workspace
    assert bar is not None
    assert ws is not None
    with qtbot.waitSignal(loaded.report_refreshed):
        bar.combo_period.setCurrentIndex(bar.combo_period.findData("last_month"))
    path = tmp_path / "kept.kpidesk"
    ws.save(path)
    assert loaded.open_path(path)
    assert loaded.filter_bar is not None
    assert loaded.filter_bar.combo_period.currentData() == "last_month"
    assert loaded.filter_bar.date_from.date() == QDate(2026, 10, 1)
    assert "Last month" in loaded.dashboard_tab.context.filter_text  # type: ignore[union-attr]
