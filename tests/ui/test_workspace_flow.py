"""Workspace files that never lose an edit, driven through the real widgets.

Edit, undo, redo, paste, save, reopen and revert in the Campaigns table; refused
entries; add, rename and delete campaigns; notes and targets; the per-day view;
autosave and the start-up recovery offer; the currency dialog; closing with changes.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from campaign_table import cell, tab_of, type_into
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QTableView

from kpi_desktop import app as composition
from kpi_desktop.core.workspace import APPLICATION_ID, EditRecord, RowKey, Workspace
from kpi_desktop.ui import autosave
from kpi_desktop.ui.dialogs.add_campaign import AddCampaignDialog
from kpi_desktop.ui.dialogs.currency import CurrencyDialog
from kpi_desktop.ui.dialogs.daily import DailyDialog
from kpi_desktop.ui.dialogs.targets import TargetsDialog
from kpi_desktop.ui.main_window import MainWindow
from kpi_desktop.ui.settings import Settings
from kpi_desktop.ui.workspace_actions import WorkspaceActions

KEY = "loyalty_club"


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    """The sample, saved as the user's own workspace file."""
    path = tmp_path / "mine.kpidesk"
    ws = Workspace.open_sample()
    ws.save(path)
    ws.close()
    return path


@pytest.fixture
def window(qtbot, settings: Settings, saved: Path, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    # Closing a changed window asks; tests that care patch their own answer.
    monkeypatch.setattr(
        QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Discard
    )
    window = composition.create_window(settings)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.workspace_loaded):
        window.set_workspace(Workspace.open(saved), saved.name)
    tab = window.campaigns_tab
    assert tab is not None
    tab.button_all_dates.click()  # totals are lifetime: editing needs every date shown
    assert tab.model.editable
    window.tabs_main.setCurrentWidget(tab)
    return window


def actions(window: MainWindow) -> WorkspaceActions:
    assert window.workspace_actions is not None
    return window.workspace_actions


def autosaver(window: MainWindow) -> autosave.Autosaver:
    saver = window.session.findChild(autosave.Autosaver)
    assert saver is not None
    return saver


def test_edit_undo_redo_save_reopen_and_revert(qtbot, window: MainWindow, saved: Path) -> None:
    tab = tab_of(window)
    view = tab.table_campaigns
    ws = window.workspace
    assert ws is not None
    spend = cell(window, KEY, "spend")
    before_text = spend.data()
    before_cpc = cell(window, KEY, "cost_per_conversion").data(tab.model.ValueRole)
    with qtbot.waitSignal(window.report_refreshed):
        type_into(qtbot, view, spend, "5000")
    spend = cell(window, KEY, "spend")
    assert spend.data() == "$5,000.00"
    assert spend.data(tab.model.EditedRole)
    assert "imported: " + before_text in spend.data(Qt.ItemDataRole.ToolTipRole)
    assert spend.data(Qt.ItemDataRole.FontRole).italic()
    assert cell(window, KEY, "cost_per_conversion").data(tab.model.ValueRole) != before_cpc
    assert ws.campaign_override(KEY, "spend") == 5000
    assert window.isWindowModified()
    assert window.windowTitle().startswith("mine.kpidesk")
    assert window.action_undo.text() == "&Undo Edit spend of Loyalty Club"

    window.action_undo.trigger()
    assert cell(window, KEY, "spend").data() == before_text
    assert not cell(window, KEY, "spend").data(tab.model.EditedRole)
    window.action_redo.trigger()
    assert cell(window, KEY, "spend").data() == "$5,000.00"

    assert window.save()
    assert not window.isWindowModified()
    with qtbot.waitSignal(window.workspace_loaded):
        assert window.open_path(saved)
    assert window.workspace is not ws
    tab.button_all_dates.click()
    reopened = cell(window, KEY, "spend")
    assert reopened.data() == "$5,000.00"
    assert reopened.data(tab.model.EditedRole)

    view.setFocus()
    view.setCurrentIndex(reopened)
    view.selectionModel().select(reopened, view.selectionModel().SelectionFlag.ClearAndSelect)
    actions(window).action_revert.trigger()
    assert cell(window, KEY, "spend").data() == before_text
    assert window.action_undo.text().startswith("&Undo Revert spend")


@pytest.mark.parametrize(
    ("column", "text", "reason"),
    [
        ("users", "-5", "whole number of 0 or more"),
        ("users", "2.5", "whole number"),
        ("spend", "-1", "0 or more"),
        ("conversions", "lots", "must be a number"),
    ],
)
def test_a_bad_entry_is_refused_with_a_message(
    qtbot, window: MainWindow, column: str, text: str, reason: str
) -> None:
    tab = tab_of(window)
    index = cell(window, KEY, column)
    before = index.data()
    with qtbot.waitSignal(tab.model.edit_refused):
        type_into(qtbot, tab.table_campaigns, index, text)
    assert tab.label_edit_message.isVisible()
    assert reason in tab.label_edit_message.text()
    assert cell(window, KEY, column).data() == before
    assert window.undo_stack.count() == 0


def test_paste_from_excel_is_one_undo_step_and_copy_gives_tsv(qtbot, window: MainWindow) -> None:
    tab = tab_of(window)
    view = tab.table_campaigns
    spend = cell(window, KEY, "spend")
    other = cell(window, KEY, "other_cost")
    assert other.column() == spend.column() + 1
    before = (spend.data(), other.data())
    view.setCurrentIndex(spend)
    assert view.paste_text("1,200.50\t300\r\n")
    assert cell(window, KEY, "spend").data() == "$1,200.50"
    assert cell(window, KEY, "other_cost").data() == "$300.00"
    assert window.undo_stack.count() == 1
    view.selectionModel().select(
        cell(window, KEY, "spend"), view.selectionModel().SelectionFlag.ClearAndSelect
    )
    view.selectionModel().select(
        cell(window, KEY, "other_cost"), view.selectionModel().SelectionFlag.Select
    )
    assert view.selection_text() == "1200.5\t300"
    window.action_undo.trigger()
    assert (cell(window, KEY, "spend").data(), cell(window, KEY, "other_cost").data()) == before
    # A block that does not fit is refused as a whole.
    view.setCurrentIndex(cell(window, KEY, "spend"))
    assert not view.paste_text("10\t-4")
    assert "0 or more" in tab.label_edit_message.text()
    assert window.undo_stack.count() == 1  # only the undone paste, nothing new


def test_add_rename_delete_campaign_with_undo(qtbot, window: MainWindow) -> None:
    tab = tab_of(window)
    actions(window).action_add_campaign.trigger()
    dialog = window.findChild(AddCampaignDialog, "dialog_add_campaign")
    assert dialog is not None
    assert dialog.isVisible()
    dialog.accept()  # no name yet: refused, the dialog stays
    assert dialog.isVisible()
    assert "name" in dialog.label_message.text()
    qtbot.keyClicks(dialog.edit_name, "Spring Quiz")
    qtbot.keyClicks(dialog.edits["users"], "1000")
    qtbot.keyClicks(dialog.edits["clicks"], "125")
    qtbot.keyClicks(dialog.edits["spend"], "250")
    with qtbot.waitSignal(window.report_refreshed):
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert tab.model.campaign_count() == 7
    assert cell(window, "spring_quiz", "ctr").data() == "12.5 %"
    assert window.action_undo.text() == "&Undo Add campaign Spring Quiz"

    name = cell(window, "spring_quiz", "campaign")
    type_into(qtbot, tab.table_campaigns, name, "Spring Quiz Bot")
    assert cell(window, "spring_quiz", "campaign").data() == "Spring Quiz Bot"
    window.action_undo.trigger()
    assert cell(window, "spring_quiz", "campaign").data() == "Spring Quiz"

    tab.table_campaigns.setCurrentIndex(cell(window, "spring_quiz", "users"))
    actions(window).action_delete_campaign.trigger()
    assert tab.model.campaign_count() == 6
    window.action_undo.trigger()
    assert tab.model.campaign_count() == 7
    window.action_undo.trigger()  # the add itself
    assert tab.model.campaign_count() == 6
    window.action_redo.trigger()
    assert cell(window, "spring_quiz", "users").data() == "1,000"


def test_notes_and_targets_are_one_undo_step(qtbot, window: MainWindow) -> None:
    ws = window.workspace
    assert ws is not None
    tab = tab_of(window)
    tab.table_campaigns.setCurrentIndex(cell(window, KEY, "users"))
    actions(window).action_targets.trigger()
    dialog = window.findChild(TargetsDialog, "dialog_targets")
    assert dialog is not None
    assert dialog.combo_campaign.currentData() == KEY
    old_note = ws.notes(KEY)
    dialog.set_target_text("ctr", "15")
    dialog.edit_notes.setPlainText("Members-only offer in week 2")
    dialog.combo_campaign.setCurrentIndex(0)  # the workspace's targets keep their edits
    dialog.set_target_text("roas", "4")
    dialog.accept()
    assert not dialog.isVisible()
    assert ws.target("ctr", KEY) == pytest.approx(0.15)
    assert ws.target("roas") == pytest.approx(4.0)
    assert ws.notes(KEY) == "Members-only offer in week 2"
    assert cell(window, KEY, "campaign").data(Qt.ItemDataRole.ToolTipRole) == ws.notes(KEY)
    assert window.undo_stack.count() == 1
    window.action_undo.trigger()
    assert ws.targets().get(KEY, {}).get("ctr") is None
    assert ws.notes(KEY) == old_note


def test_a_bad_target_is_refused_in_the_dialog(window: MainWindow) -> None:
    actions(window).action_targets.trigger()
    dialog = window.findChild(TargetsDialog, "dialog_targets")
    assert dialog is not None
    dialog.set_target_text("ctr", "high")
    dialog.accept()
    assert dialog.isVisible()
    assert "must be a number" in dialog.label_message.text()
    dialog.reject()


def test_daily_view_opens_on_double_click_and_edits_rows(qtbot, window: MainWindow) -> None:
    ws = window.workspace
    assert ws is not None
    tab = tab_of(window)
    view = tab.table_campaigns
    name = cell(window, KEY, "campaign")
    rect = view.visualRect(name)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = window.findChild(DailyDialog, "dialog_daily")
    assert dialog is not None
    assert dialog.isVisible()
    assert name.data() == "Loyalty Club"  # the name was not put into editing
    table = dialog.findChild(QTableView, "table_daily")
    model = dialog.model
    assert model.rowCount() == len(ws.daily(KEY))
    users = model.index(0, model.column_of("users"))
    row_id = users.data(model.RowIdRole)
    imported = ws.imported_value(row_id, "users")
    before_total = cell(window, KEY, "users").data(tab.model.ValueRole)
    with qtbot.waitSignal(window.report_refreshed):
        type_into(qtbot, table, users, "999")
    assert ws.is_edited(row_id, "users")
    users = model.index(0, model.column_of("users"))
    assert users.data() == "999"
    assert users.data(model.EditedRole)
    assert f"imported: {imported:,.0f}" in users.data(Qt.ItemDataRole.ToolTipRole)
    after_total = cell(window, KEY, "users").data(tab.model.ValueRole)
    assert after_total == pytest.approx(before_total - imported + 999)

    type_into(qtbot, table, users, "-3")
    assert "0 or more" in dialog.label_message.text()

    table.setCurrentIndex(users)
    assert table.paste_text("10\n11\n12")
    assert window.undo_stack.command(window.undo_stack.count() - 1).text() == "Paste 3 cells"
    assert [model.index(r, users.column()).data() for r in range(3)] == ["10", "11", "12"]
    window.action_undo.trigger()
    assert model.index(0, users.column()).data() == "999"

    table.setFocus()
    table.setCurrentIndex(users)
    assert table.revert_selection()
    assert not ws.is_edited(row_id, "users")
    dialog.close()


def test_autosave_writes_a_recovery_file_in_the_background(
    qtbot, window: MainWindow, tmp_path: Path, saved: Path
) -> None:
    saver = autosaver(window)
    assert saver is not None
    tab = tab_of(window)
    type_into(qtbot, tab.table_campaigns, cell(window, KEY, "users"), "5")
    assert saver.timer.isActive()  # counting down from the last change
    assert saver.timer.interval() == autosave.AUTOSAVE_DELAY_MS
    with qtbot.waitSignal(saver.written, timeout=10_000) as blocker:
        saver.timer.setInterval(10)
        saver.timer.start()
    recovery = blocker.args[0]
    assert recovery == saved.with_name(saved.name + ".recovery")
    assert recovery.exists()
    assert Workspace.open_recovery(recovery).campaign_override(KEY, "users") == 5
    assert window.save()
    assert not recovery.exists()  # a save makes the recovery file stale: it goes


def test_startup_offers_the_recovery_file_after_a_crash(
    qtbot, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A crashed session: an untitled workspace with work, autosaved but never saved.
    crashed = Workspace.open_sample()
    crashed.edit_campaign_value(KEY, "spend", 1234)
    folder = autosave.default_recovery_folder(settings.store)
    folder.mkdir(parents=True)
    crashed.write_recovery(folder)

    asked: list[str] = []

    def answer(_parent: object, title: str, text: str, *_args: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    window = composition.create_window(settings)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.workspace_loaded, timeout=20_000):
        composition.load_initial_workspace(window)
    if not asked:  # the restore comes right after the sample loaded
        qtbot.waitUntil(lambda: bool(asked))
    assert "untitled workspace" in asked[0]
    ws = window.workspace
    assert ws is not None
    assert ws.campaign_override(KEY, "spend") == 1234
    assert window.isWindowModified()
    assert window.workspace_name == "Restored workspace"


def test_opening_a_file_with_a_recovery_offers_it(
    qtbot, window: MainWindow, saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = Workspace.open(saved)
    ws.edit_campaign_value(KEY, "users", 77)
    ws.write_recovery()

    def question(_parent: object, title: str, *_args: object) -> object:
        if title == "Unsaved changes":  # the filter choice is kept in the workspace
            return QMessageBox.StandardButton.Discard
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    with qtbot.waitSignal(window.workspace_loaded):
        assert window.open_path(saved)
    assert window.workspace is not None
    assert window.workspace.campaign_override(KEY, "users") == 77
    assert window.isWindowModified()


def test_opening_a_newer_or_foreign_file_changes_nothing(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    newer = tmp_path / "newer.kpidesk"
    with sqlite3.connect(newer) as db:
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute("PRAGMA user_version = 99")
        db.execute("CREATE TABLE meta (key TEXT, value TEXT)")
    foreign = tmp_path / "other.kpidesk"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE t (x)")
    before = window.workspace
    assert not window.open_path(newer)
    assert not window.open_path(foreign)
    assert "newer version" in shown[0]
    assert "not a KPI Desk workspace" in shown[1]
    assert window.workspace is before


def test_currency_dialog_sets_the_currency_and_rates(qtbot, window: MainWindow) -> None:
    ws = window.workspace
    assert ws is not None
    actions(window).action_currency.trigger()
    dialog = window.findChild(CurrencyDialog, "dialog_currency")
    assert dialog is not None
    assert dialog.combo_currency.currentText() == "USD"
    dialog.combo_currency.setCurrentText("EUR")
    assert "No rate for USD" in dialog.label_missing.text()
    dialog.accept()
    assert ws.reporting_currency == "EUR"
    roas = cell(window, KEY, "roas")
    assert roas.data(tab_of(window).model.ValueRole) is None
    assert "no exchange rate" in roas.data(Qt.ItemDataRole.ToolTipRole)

    actions(window).action_currency.trigger()
    dialog = window.findChildren(CurrencyDialog, "dialog_currency")[-1]
    dialog.set_rate_text("USD", "0.9")
    assert "Every currency" in dialog.label_missing.text()
    dialog.accept()
    assert ws.fx_rates() == {"USD": 0.9}
    assert cell(window, KEY, "spend").data().startswith("€")
    assert cell(window, KEY, "roas").data(tab_of(window).model.ValueRole) is not None
    assert window.action_undo.text() == "&Undo Set exchange rate for USD"
    window.action_undo.trigger()
    window.action_undo.trigger()
    assert ws.reporting_currency == "USD"


def test_a_bad_rate_is_refused(window: MainWindow) -> None:
    dialog = CurrencyDialog(window.workspace, window)  # type: ignore[arg-type]
    dialog.set_rate_text("GBP", "-2")
    dialog.accept()
    assert "more than 0" in dialog.label_message.text()
    assert window.undo_stack.count() == 0


def test_closing_with_unsaved_changes_asks(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    type_into(qtbot, tab_of(window).table_campaigns, cell(window, KEY, "users"), "5")
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_args: object) -> object:
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    assert not window.close()
    assert window.isVisible()
    assert asked == ["Save the changes to mine.kpidesk?"]
    assert autosaver(window) is not None
    assert autosaver(window).timer.isActive()
    assert window.close()


def test_dropped_edits_after_a_reimport_are_reported(window: MainWindow) -> None:
    from kpi_desktop.core.workspace import Changes

    record = EditRecord(
        "facts", RowKey("s1", "2026-09-01", KEY, "Messenger", ""), "users", 10.0, 12.0, ""
    )
    window.session.apply_changes(
        Changes(rows=frozenset(), kpis_dirty=False, dropped_edits=(record,))
    )
    box = window.findChild(QMessageBox, "dialog_dropped_edits")
    assert box is not None
    assert "1 of your edits no longer match" in box.text()
    assert "Users of loyalty_club 2026-09-01 Messenger: 12" in box.informativeText()
    box.close()


def test_a_period_cutting_a_campaign_refuses_its_totals_and_says_why(
    qtbot, window: MainWindow
) -> None:
    from kpi_desktop.core.series import FilterSelection

    tab = tab_of(window)
    assert window.filter_bar is not None
    window.filter_bar.set_selection(FilterSelection(preset="last_30"), emit=True)
    # The last 30 days cut the campaign's data range: a typed total would not count here.
    assert not tab.model.setData(cell(window, KEY, "spend"), "5000")
    assert "choose All dates" in tab.label_edit_message.text()
    assert window.workspace is not None
    assert window.workspace.campaign_override(KEY, "spend") is None
    assert tab.button_all_dates.isVisible()
    assert "all dates" in tab.label_hint.text()
    tab.button_all_dates.click()
    assert cell(window, KEY, "spend").flags() & Qt.ItemFlag.ItemIsEditable
    assert not tab.button_all_dates.isVisible()


def test_utm_tab_is_mounted_after_the_other_tabs(window: MainWindow) -> None:
    names = [window.tabs_main.widget(i).objectName() for i in range(window.tabs_main.count())]
    assert names[-1] == "tab_utm"
    utm = window.utm_tab
    assert utm is not None
    assert [link.label for link in utm.store.links()][-1] == "Style Finder DM bot"
    assert "Loyalty Club" in utm.store.campaign_names()
    assert isinstance(QApplication.instance(), QApplication)
    assert window.findChild(QDialog, "dialog_daily") is None
