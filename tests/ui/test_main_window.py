"""The main window through its widgets: names, loading, tabs, filter, undo, geometry."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLineEdit, QMessageBox, QTableView, QTabWidget, QWidget

from kpi_desktop import app as composition
from kpi_desktop.core.workspace import Changes, Scope, Workspace, WorkspaceError
from kpi_desktop.ui.main_window import MainWindow
from kpi_desktop.ui.settings import Settings

BINDING_ACTIONS = (
    "action_open",
    "action_save",
    "action_save_as",
    "action_import",
    "action_export",
    "action_undo",
    "action_redo",
)


@pytest.fixture
def window(qtbot, settings: Settings) -> MainWindow:
    window = composition.create_window(settings)
    qtbot.addWidget(window)
    return window


@pytest.fixture
def loaded(qtbot, window: MainWindow) -> MainWindow:
    window.show()
    with qtbot.waitSignal(window.workspace_loaded, timeout=20_000):
        composition.load_initial_workspace(window)
    return window


def test_first_paint_comes_before_any_workspace(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.first_painted):
        window.show()
    assert window.workspace is None
    assert window.tabs_main.count() == 0  # no empty placeholder tabs


def test_loads_the_sample_after_showing(loaded: MainWindow) -> None:
    assert loaded.workspace is not None
    assert loaded.session.is_sample
    assert loaded.stack_central.currentWidget() is loaded.tabs_main
    assert loaded.label_status_workspace.text() == "Sample workspace"
    assert loaded.label_status_currency.text() == "USD"
    assert "6 campaigns" in loaded.label_status_rows.text()
    assert loaded.windowTitle().startswith("Sample workspace")


def test_binding_object_and_accessible_names(loaded: MainWindow) -> None:
    tabs = loaded.findChild(QTabWidget, "tabs_main")
    assert tabs is loaded.tabs_main
    assert tabs.accessibleName() == "tabs_main"
    pages = [tabs.widget(i).objectName() for i in range(tabs.count())]
    assert pages == ["tab_dashboard", "tab_campaigns", "tab_charts", "tab_utm"]
    for name in pages:
        assert loaded.findChild(QWidget, name).accessibleName() == name
    table = loaded.findChild(QTableView, "table_campaigns")
    assert table is not None
    assert table.accessibleName() == "table_campaigns"
    assert loaded.findChild(QLineEdit, "edit_filter_campaigns") is not None
    for name in BINDING_ACTIONS:
        action = loaded.findChild(QAction, name)
        assert action is not None, name
        assert action.toolTip(), name
    assert loaded.action_import.isEnabled()  # the import dialog (tests/ui/test_import_dialog.py)


def test_every_action_has_a_tooltip_and_standard_keys(loaded: MainWindow) -> None:
    for action in loaded.actions():
        assert action.toolTip(), action.objectName()
        assert action.toolTip() != action.text().replace("&", ""), action.objectName()
    assert not loaded.action_open.shortcut().isEmpty()
    assert not loaded.action_undo.shortcut().isEmpty()


def test_sorting_in_the_view_puts_the_best_roas_first(loaded: MainWindow) -> None:
    tab = loaded.campaigns_tab
    column = tab.model.column_of("roas")
    tab.table_campaigns.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    model = tab.table_campaigns.model()
    assert model.index(1, 0).data() == "Loyalty Club"
    assert model.index(0, 0).data() == "Total"


def test_filter_box_filters_the_table(qtbot, loaded: MainWindow) -> None:
    tab = loaded.campaigns_tab
    loaded.action_find.trigger()
    assert loaded.tabs_main.currentWidget() is tab
    qtbot.keyClicks(tab.edit_filter_campaigns, "holiday")
    model = tab.table_campaigns.model()
    assert model.rowCount() == 2
    assert model.index(1, 0).data() == "Holiday Gift Guide"
    assert tab.label_count.text() == "1 of 6 campaigns"


def test_show_inputs_checkbox_hides_input_columns(loaded: MainWindow) -> None:
    tab = loaded.campaigns_tab
    users = tab.model.column_of("users")
    tab.check_show_inputs.setChecked(False)
    assert tab.table_campaigns.isColumnHidden(users)
    assert not tab.table_campaigns.isColumnHidden(tab.model.column_of("roas"))


def test_geometry_is_saved_and_restored(qtbot, settings: Settings) -> None:
    first = composition.create_window(settings)
    qtbot.addWidget(first)
    first.show()
    # Inside the offscreen screen (800x600): restoreGeometry fits windows to the screen.
    first.setGeometry(QRect(40, 50, 640, 480))
    first.close()
    assert not settings.window_geometry.isEmpty()
    second = composition.create_window(settings)
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (640, 480)


def test_current_tab_is_remembered(qtbot, loaded: MainWindow, settings: Settings) -> None:
    loaded.tabs_main.setCurrentWidget(loaded.campaigns_tab)
    assert settings.current_tab == "tab_campaigns"


@dataclass
class Rename:
    """A stand-in core command: records calls and returns Changes like the core's do."""

    text: str = "Rename campaign"
    calls: list[str] = field(default_factory=list)

    def do(self, ws: Workspace) -> Changes:
        self.calls.append("do")
        return Changes(kpis_dirty=False, scope=Scope.NOTES)

    def undo(self, ws: Workspace) -> Changes:
        self.calls.append("undo")
        return Changes(kpis_dirty=False, scope=Scope.NOTES)


def test_commands_go_through_the_undo_stack(qtbot, loaded: MainWindow) -> None:
    command = Rename()
    with qtbot.waitSignal(loaded.report_refreshed):
        loaded.session.push(command)
    assert command.calls == ["do"]
    assert loaded.action_undo.isEnabled()
    assert loaded.action_undo.text() == "&Undo Rename campaign"
    assert loaded.isWindowModified()
    with qtbot.waitSignal(loaded.report_refreshed):
        loaded.action_undo.trigger()
    assert command.calls == ["do", "undo"]
    assert loaded.action_redo.text() == "&Redo Rename campaign"
    assert not loaded.isWindowModified()


@dataclass
class Broken:
    text: str = "Break"

    def do(self, ws: Workspace) -> Changes:
        raise WorkspaceError("That campaign no longer exists.")

    def undo(self, ws: Workspace) -> Changes:
        raise AssertionError("never done, never undone")


def test_a_failing_command_shows_its_message_and_leaves_no_undo_step(
    loaded: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    loaded.session.push(Broken())
    assert shown == ["That campaign no longer exists."]
    assert loaded.undo_stack.count() == 0


@dataclass
class FailsOnUndo:
    text: str = "Fragile"
    calls: list[str] = field(default_factory=list)

    def do(self, ws: Workspace) -> Changes:
        self.calls.append("do")
        return Changes(rows=frozenset(), kpis_dirty=False)

    def undo(self, ws: Workspace) -> Changes:
        self.calls.append("undo")
        raise WorkspaceError("The file behind this step is gone.")


def test_a_failing_undo_drops_its_step_and_is_never_applied_twice(
    loaded: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    command = FailsOnUndo()
    loaded.session.push(command)
    loaded.action_undo.trigger()
    assert shown == ["The file behind this step is gone."]
    assert loaded.undo_stack.count() == 0  # Qt moved past it: the step cannot stay
    assert not loaded.action_redo.isEnabled()  # so no redo can apply it a second time
    assert command.calls == ["do", "undo"]


def test_open_and_save_round_trip(qtbot, loaded: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "mine.kpidesk"
    assert loaded._save_to(path)
    assert path.stat().st_size > 0
    assert loaded.workspace_name == "mine.kpidesk"
    assert loaded.settings.recent_files[0] == str(path)
    with qtbot.waitSignal(loaded.workspace_loaded):
        assert loaded.open_path(path)
    assert not loaded.session.is_sample
    assert loaded.label_status_workspace.text() == "mine.kpidesk"
    assert loaded.campaigns_tab.model.campaign_count() == 6


def test_opening_a_bad_file_says_why_and_keeps_the_workspace(
    loaded: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.kpidesk"
    bad.write_text("not a workspace")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.windowTitle()) or 0)
    before = loaded.workspace
    assert not loaded.open_path(bad)
    assert shown == ["Could not open the workspace"]
    assert loaded.workspace is before
