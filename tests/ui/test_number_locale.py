"""Typed numbers follow the workspace's number format, driven through the real widgets.

The format is chosen in Edit › Currency, Rates and Number Format (one undo step, saved
with the workspace); the Campaigns table, the per-day view, Add Campaign, the targets and
the rates read what is typed with it. Every test sets the format, or the computer's
locale, explicitly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from campaign_table import cell, tab_of, type_into
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox, QTableView

from kpi_desktop import app as composition
from kpi_desktop.core import format as fmt
from kpi_desktop.core.workspace import Workspace
from kpi_desktop.ui.dialogs.add_campaign import AddCampaignDialog
from kpi_desktop.ui.dialogs.currency import CurrencyDialog
from kpi_desktop.ui.dialogs.daily import DailyDialog
from kpi_desktop.ui.dialogs.targets import TargetsDialog
from kpi_desktop.ui.main_window import MainWindow
from kpi_desktop.ui.settings import Settings
from kpi_desktop.ui.workspace_actions import WorkspaceActions

KEY = "loyalty_club"
ENGLISH, GERMAN = ".", ","


@pytest.fixture
def english_computer() -> Iterator[None]:
    """The computer's locale is English (as under the C locale) unless a test says not."""
    before = QLocale()
    QLocale.setDefault(QLocale("en_US"))
    yield
    QLocale.setDefault(before)


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    path = tmp_path / "mine.kpidesk"
    ws = Workspace.open_sample()
    ws.save(path)
    ws.close()
    return path


@pytest.fixture
def window(
    qtbot, settings: Settings, saved: Path, monkeypatch: pytest.MonkeyPatch, english_computer: None
) -> MainWindow:
    monkeypatch.setattr(
        QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Discard
    )
    window = composition.create_window(settings)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.workspace_loaded):
        window.set_workspace(Workspace.open(saved), saved.name)
    show_all_dates(window)
    return window


def show_all_dates(window: MainWindow) -> None:
    tab = tab_of(window)
    tab.button_all_dates.click()  # campaign totals are lifetime: typing needs every date
    assert tab.model.editable
    window.tabs_main.setCurrentWidget(tab)


def actions(window: MainWindow) -> WorkspaceActions:
    assert window.workspace_actions is not None
    return window.workspace_actions


def workspace(window: MainWindow) -> Workspace:
    assert window.workspace is not None
    return window.workspace


def open_currency_dialog(window: MainWindow) -> CurrencyDialog:
    actions(window).action_currency.trigger()
    dialog = window.findChildren(CurrencyDialog, "dialog_currency")[-1]
    assert dialog.isVisible()
    return dialog


def choose_number_format(window: MainWindow, mark: str | None) -> None:
    """Pick the number format in the currency dialog and press OK."""
    dialog = open_currency_dialog(window)
    combo = dialog.combo_number_format
    combo.setCurrentIndex(combo.findData(mark))
    assert combo.currentData() == mark
    dialog.accept()
    assert not dialog.isVisible()


def test_german_format_reads_grouped_thousands_and_a_decimal_comma(
    qtbot, window: MainWindow
) -> None:
    ws = workspace(window)
    tab = tab_of(window)
    choose_number_format(window, GERMAN)
    assert ws.get_setting(fmt.DECIMAL_MARK_SETTING) == GERMAN
    with qtbot.waitSignal(window.report_refreshed):
        type_into(qtbot, tab.table_campaigns, cell(window, KEY, "spend"), "1.234,50")
    assert ws.campaign_override(KEY, "spend") == pytest.approx(1234.5)
    assert cell(window, KEY, "spend").data() == "$1,234.50"  # display stays as it is
    # two decimals cannot be grouping; a lone 1.234 groups thousands
    type_into(qtbot, tab.table_campaigns, cell(window, KEY, "spend"), "1234.50")
    assert ws.campaign_override(KEY, "spend") == pytest.approx(1234.5)
    type_into(qtbot, tab.table_campaigns, cell(window, KEY, "other_cost"), "1.234")
    assert ws.campaign_override(KEY, "other_cost") == pytest.approx(1234.0)
    type_into(qtbot, tab.table_campaigns, cell(window, KEY, "other_cost"), "-1.234,50 EUR")
    assert "0 or more" in tab.label_edit_message.text()
    assert ws.campaign_override(KEY, "other_cost") == pytest.approx(1234.0)


def test_english_format_refuses_a_decimal_comma_with_a_message(qtbot, window: MainWindow) -> None:
    ws = workspace(window)
    tab = tab_of(window)
    choose_number_format(window, ENGLISH)
    steps = window.undo_stack.count()
    before = cell(window, KEY, "spend").data()
    with qtbot.waitSignal(tab.model.edit_refused) as refused:
        type_into(qtbot, tab.table_campaigns, cell(window, KEY, "spend"), "1.234,50")
    message = refused.args[0]
    assert message.startswith("Spend “1.234,50” is written like 1.234,50 (decimal comma)")
    assert "type 1234.5" in message
    assert tab.label_edit_message.isVisible()
    assert message in tab.label_edit_message.text()
    assert cell(window, KEY, "spend").data() == before
    assert ws.campaign_override(KEY, "spend") is None
    assert window.undo_stack.count() == steps
    # a lone 1.234 follows the format: one point two three four
    type_into(qtbot, tab.table_campaigns, cell(window, KEY, "spend"), "1.234")
    assert ws.campaign_override(KEY, "spend") == pytest.approx(1.234)


def test_the_format_is_one_undo_step_and_survives_save_and_reopen(
    qtbot, window: MainWindow, saved: Path
) -> None:
    ws = workspace(window)
    assert not ws.has_setting(fmt.DECIMAL_MARK_SETTING)
    choose_number_format(window, GERMAN)
    assert window.action_undo.text() == "&Undo Change number format"
    assert window.isWindowModified()
    window.action_undo.trigger()
    assert not ws.has_setting(fmt.DECIMAL_MARK_SETTING)
    tab = tab_of(window)
    with qtbot.waitSignal(tab.model.edit_refused):  # English again, as the computer
        type_into(qtbot, tab.table_campaigns, cell(window, KEY, "spend"), "1.234,50")
    window.action_redo.trigger()
    assert ws.get_setting(fmt.DECIMAL_MARK_SETTING) == GERMAN

    assert window.save()
    with qtbot.waitSignal(window.workspace_loaded):
        assert window.open_path(saved)
    assert workspace(window) is not ws
    assert workspace(window).get_setting(fmt.DECIMAL_MARK_SETTING) == GERMAN
    show_all_dates(window)
    dialog = open_currency_dialog(window)
    assert dialog.combo_number_format.currentData() == GERMAN
    dialog.reject()
    type_into(qtbot, tab_of(window).table_campaigns, cell(window, KEY, "spend"), "1.234,50")
    assert workspace(window).campaign_override(KEY, "spend") == pytest.approx(1234.5)

    # back to "like this computer": the setting is cleared, undo puts German back
    choose_number_format(window, None)
    assert workspace(window).get_setting(fmt.DECIMAL_MARK_SETTING) is None
    window.action_undo.trigger()
    assert workspace(window).get_setting(fmt.DECIMAL_MARK_SETTING) == GERMAN


def test_without_a_setting_the_computer_locale_decides(qtbot, window: MainWindow) -> None:
    ws = workspace(window)
    tab = tab_of(window)
    QLocale.setDefault(QLocale("de_DE"))
    dialog = open_currency_dialog(window)
    assert dialog.combo_number_format.currentData() is None
    assert dialog.combo_number_format.currentText() == "Like this computer (1.234,50)"
    dialog.reject()
    type_into(qtbot, tab.table_campaigns, cell(window, KEY, "spend"), "1.234,50")
    assert ws.campaign_override(KEY, "spend") == pytest.approx(1234.5)
    QLocale.setDefault(QLocale.c())  # the C locale reads English
    with qtbot.waitSignal(tab.model.edit_refused):
        type_into(qtbot, tab.table_campaigns, cell(window, KEY, "other_cost"), "1.234,50")
    type_into(qtbot, tab.table_campaigns, cell(window, KEY, "other_cost"), "1,234.50")
    assert ws.campaign_override(KEY, "other_cost") == pytest.approx(1234.5)


def test_editor_and_clipboard_write_what_typing_reads_back(qtbot, window: MainWindow) -> None:
    ws = workspace(window)
    tab = tab_of(window)
    view = tab.table_campaigns
    choose_number_format(window, GERMAN)
    type_into(qtbot, view, cell(window, KEY, "spend"), "5,125")
    assert ws.campaign_override(KEY, "spend") == pytest.approx(5.125)
    spend = cell(window, KEY, "spend")
    assert spend.data(Qt.ItemDataRole.EditRole) == "5,125"  # not 5.125: that reads 5125
    steps = window.undo_stack.count()
    view.setCurrentIndex(spend)
    view.edit(spend)
    editor = view.indexWidget(spend)
    assert isinstance(editor, QLineEdit)
    assert editor.text() == "5,125"
    with qtbot.waitSignal(view.itemDelegate().closeEditor):
        qtbot.keyClick(editor, Qt.Key.Key_Return)  # Enter on the unchanged text
    assert ws.campaign_override(KEY, "spend") == pytest.approx(5.125)
    assert window.undo_stack.count() == steps

    view.selectionModel().select(spend, view.selectionModel().SelectionFlag.ClearAndSelect)
    assert view.selection_text() == "5,125"
    view.setCurrentIndex(cell(window, KEY, "spend"))
    assert view.paste_text("1.200,50\t300,25\r\n")
    assert ws.campaign_override(KEY, "spend") == pytest.approx(1200.5)
    assert ws.campaign_override(KEY, "other_cost") == pytest.approx(300.25)


def test_per_day_view_reads_the_format(qtbot, window: MainWindow) -> None:
    ws = workspace(window)
    choose_number_format(window, GERMAN)
    tab = tab_of(window)
    view = tab.table_campaigns
    rect = view.visualRect(cell(window, KEY, "campaign"))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = window.findChild(DailyDialog, "dialog_daily")
    assert dialog is not None
    table = dialog.findChild(QTableView, "table_daily")
    model = dialog.model
    spend = model.index(0, model.column_of("spend"))
    row_id = spend.data(model.RowIdRole)
    type_into(qtbot, table, spend, "2.345,75")
    assert ws.is_edited(row_id, "spend")
    spend = model.index(0, model.column_of("spend"))
    assert spend.data(model.ValueRole) == pytest.approx(2345.75)
    assert spend.data(Qt.ItemDataRole.EditRole) == "2345,75"
    type_into(qtbot, table, spend, "2,345.75")
    assert "(decimal point)" in dialog.label_message.text()
    assert model.index(0, model.column_of("spend")).data(model.ValueRole) == pytest.approx(2345.75)
    dialog.close()


def test_add_campaign_targets_and_rates_read_the_format(qtbot, window: MainWindow) -> None:
    ws = workspace(window)
    choose_number_format(window, GERMAN)

    actions(window).action_add_campaign.trigger()
    add = window.findChild(AddCampaignDialog, "dialog_add_campaign")
    assert add is not None
    qtbot.keyClicks(add.edit_name, "Herbst")
    add.edits["spend"].setText("1.234,50 €")  # QTest types Latin-1 only: no € key
    qtbot.keyClicks(add.edits["clicks"], "1.200")
    with qtbot.waitSignal(window.report_refreshed):
        add.buttons.button(add.buttons.StandardButton.Ok).click()
    assert cell(window, "herbst", "spend").data(tab_of(window).model.ValueRole) == 1234.5
    assert cell(window, "herbst", "clicks").data(tab_of(window).model.ValueRole) == 1200

    actions(window).action_targets.trigger()
    targets = window.findChildren(TargetsDialog, "dialog_targets")[-1]
    targets.combo_campaign.setCurrentIndex(0)
    targets.set_target_text("ctr", "12,5")
    targets.set_target_text("cost_per_conversion", "1.000")
    targets.accept()
    assert ws.target("ctr") == pytest.approx(0.125)
    assert ws.target("cost_per_conversion") == pytest.approx(1000.0)
    actions(window).action_targets.trigger()
    targets = window.findChildren(TargetsDialog, "dialog_targets")[-1]
    targets.combo_campaign.setCurrentIndex(0)
    targets.set_target_text("roas", "3.5.1")
    targets.accept()
    assert "must be a number like 1.234,50" in targets.label_message.text()
    targets.reject()

    dialog = open_currency_dialog(window)
    dialog.set_rate_text("GBP", "1,185")
    dialog.accept()
    assert ws.fx_rates()["GBP"] == pytest.approx(1.185)
    dialog = open_currency_dialog(window)
    rates = dialog.table_rates
    row = [rates.item(r, 0).text() for r in range(rates.rowCount())].index("GBP")
    assert rates.item(row, 1).text() == "1,185"
    dialog.combo_number_format.setCurrentIndex(dialog.combo_number_format.findData(ENGLISH))
    assert rates.item(row, 1).text() == "1.185"  # rewritten, the same rate
    dialog.accept()
    assert ws.fx_rates()["GBP"] == pytest.approx(1.185)
    assert ws.get_setting(fmt.DECIMAL_MARK_SETTING) == ENGLISH
