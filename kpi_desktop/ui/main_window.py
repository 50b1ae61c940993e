"""The main window: menus, toolbar, status bar and the tabs over one open workspace.

The window is built from Qt alone so that it can paint before pandas and the core are
imported; the tabs are created when the first workspace arrives (`set_workspace`).
Every data change comes back as a core `Changes` value and goes through
`apply_changes`, which refreshes the report and the tabs.
"""

from __future__ import annotations

import gc
import html
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
    QKeySequence,
    QPaintEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from kpi_desktop import APP_NAME, __version__
from kpi_desktop.ui import errors
from kpi_desktop.ui.settings import Settings
from kpi_desktop.ui.undo import CoreCommand, UndoCommand

if TYPE_CHECKING:
    from kpi_desktop.core.kpi import KpiReport
    from kpi_desktop.core.series import DataView, FilterSelection
    from kpi_desktop.core.store import Changes, Workspace
    from kpi_desktop.ui.autosave import Autosaver
    from kpi_desktop.ui.dialogs.import_dialog import ImportDialog
    from kpi_desktop.ui.tabs import ReportContext
    from kpi_desktop.ui.tabs.campaigns_tab import CampaignsTab
    from kpi_desktop.ui.tabs.charts_tab import ChartsTab
    from kpi_desktop.ui.tabs.dashboard_tab import DashboardTab
    from kpi_desktop.ui.widgets.filter_bar import FilterBar
    from kpi_desktop.ui.workspace_dialogs import WorkspaceActions

WORKSPACE_FILTER = "KPI Desk workspaces (*.kpidesk);;All files (*)"
COMING_SOON = "coming in this version"
UNTITLED = "Untitled workspace"


def app_icon() -> QIcon:
    """The window icon, from the package's assets."""
    from importlib.resources import files

    return QIcon(str(files("kpi_desktop") / "assets" / "icon.svg"))


def _shortcut(key: QKeySequence.StandardKey, fallback: str) -> list[QKeySequence]:
    keys = QKeySequence.keyBindings(key)
    return keys or [QKeySequence(fallback)]


class MainWindow(QMainWindow):
    """KPI Desk's main window. Object names follow DESIGN section 9."""

    #: emitted once, right after the window's first paint event.
    first_painted = Signal()
    #: emitted after a workspace was installed and the tabs show it.
    workspace_loaded = Signal()
    #: emitted whenever the tabs got a fresh report.
    report_refreshed = Signal()

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.workspace: Workspace | None = None
        self.workspace_name = ""
        self.is_sample = False
        self.report: KpiReport | None = None
        self.dashboard_tab: DashboardTab | None = None
        self.campaigns_tab: CampaignsTab | None = None
        self.charts_tab: ChartsTab | None = None
        self.filter_bar: FilterBar | None = None
        self.data_view: DataView | None = None
        self.workspace_actions: WorkspaceActions | None = None  # built with the tabs
        self.autosave: Autosaver | None = None
        self.import_dialog: ImportDialog | None = None
        self.setAcceptDrops(True)  # data files to import, or a .kpidesk to open
        self._painted = False
        self.setObjectName("main_window")
        self.setWindowIcon(app_icon())
        self.setWindowTitle(APP_NAME)

        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._update_title)

        self.tabs_main = QTabWidget()
        self.tabs_main.setObjectName("tabs_main")
        self.tabs_main.setAccessibleName("tabs_main")
        self.tabs_main.setDocumentMode(True)
        self.tabs_main.currentChanged.connect(self._tab_changed)
        self.label_loading = QLabel("Opening workspace…")
        self.label_loading.setObjectName("label_loading")
        self.label_loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack_central = QStackedWidget()
        self.stack_central.addWidget(self.label_loading)
        self.stack_central.addWidget(self.tabs_main)
        self.setCentralWidget(self.stack_central)

        self._create_actions()
        self._create_menus()
        self._create_toolbar()
        self._create_status_bar()
        self.resize(1366, 860)
        self._restore_geometry()
        self._update_actions()

    # -- building ------------------------------------------------------------------------
    def _action(
        self,
        name: str,
        text: str,
        tip: str,
        slot: Callable[[], Any] | None = None,
        keys: list[QKeySequence] | None = None,
        icon: QStyle.StandardPixmap | None = None,
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        if keys:
            action.setShortcuts(keys)
            action.setToolTip(f"{tip} ({keys[0].toString(QKeySequence.SequenceFormat.NativeText)})")
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        if slot is not None:
            action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _create_actions(self) -> None:
        sp = QStyle.StandardPixmap
        key = QKeySequence.StandardKey
        self.action_new = self._action(
            "action_new", "&New Workspace", "Start an empty workspace", self.new_workspace,
            _shortcut(key.New, "Ctrl+N"), sp.SP_FileIcon,
        )  # fmt: skip
        self.action_open = self._action(
            "action_open", "&Open…", "Open a KPI Desk workspace (.kpidesk)", self.open_file,
            _shortcut(key.Open, "Ctrl+O"), sp.SP_DialogOpenButton,
        )  # fmt: skip
        self.action_save = self._action(
            "action_save", "&Save", "Save the workspace", self.save,
            _shortcut(key.Save, "Ctrl+S"), sp.SP_DialogSaveButton,
        )  # fmt: skip
        self.action_save_as = self._action(
            "action_save_as", "Save &As…", "Save the workspace under a new name", self.save_as,
            _shortcut(key.SaveAs, "Ctrl+Shift+S"),
        )  # fmt: skip
        self.action_import = self._action(
            "action_import", "&Import Data…",
            "Import Excel/CSV exports from ad, analytics and bot platforms",
            lambda: self.import_files(), [QKeySequence("Ctrl+I")], sp.SP_ArrowDown,
        )  # fmt: skip
        self.action_export = self._action(
            "action_export", "&Export Report…",
            "Export the KPIs of the current filter to Excel, PDF or CSV",
            self.export_report, [QKeySequence("Ctrl+E")], sp.SP_ArrowUp,
        )  # fmt: skip
        self.action_quit = self._action(
            "action_quit", "&Quit", "Close KPI Desk", self.close, _shortcut(key.Quit, "Ctrl+Q")
        )
        self.action_quit.setMenuRole(QAction.MenuRole.QuitRole)

        self.action_undo = self.undo_stack.createUndoAction(self, "&Undo")
        self.action_redo = self.undo_stack.createRedoAction(self, "&Redo")
        for action, name, std, fallback, icon in (
            (self.action_undo, "action_undo", key.Undo, "Ctrl+Z", sp.SP_ArrowBack),
            (self.action_redo, "action_redo", key.Redo, "Ctrl+Shift+Z", sp.SP_ArrowForward),
        ):
            action.setObjectName(name)
            action.setShortcuts(_shortcut(std, fallback))
            action.setIcon(self.style().standardIcon(icon))
            verb = "Undo" if name == "action_undo" else "Redo"
            action.setToolTip(f"{verb} the last change")
            action.setStatusTip(f"{verb} the last change")
            self.addAction(action)
        self.action_find = self._action(
            "action_find", "&Find Campaign…", "Filter the campaign table by name",
            self.find_campaign, _shortcut(key.Find, "Ctrl+F"),
        )  # fmt: skip
        self.action_full_screen = self._action(
            "action_full_screen", "&Full Screen", "Use the whole screen for KPI Desk",
            self._toggle_full_screen, _shortcut(key.FullScreen, "F11"),
        )  # fmt: skip
        self.action_full_screen.setCheckable(True)
        self.action_shortcuts = self._action(
            "action_shortcuts", "&Keyboard Shortcuts", "List every keyboard shortcut",
            self.show_shortcuts, _shortcut(key.HelpContents, "F1"),
        )  # fmt: skip
        self.action_about = self._action(
            "action_about", f"&About {APP_NAME}", "Version and what KPI Desk is for",
            self.show_about,
        )  # fmt: skip
        self.action_about.setMenuRole(QAction.MenuRole.AboutRole)

    def _create_menus(self) -> None:
        bar = self.menuBar()
        self.menu_file = bar.addMenu("&File")
        self.menu_file.addActions([self.action_new, self.action_open])
        self.menu_recent = QMenu("Open &Recent", self)
        self.menu_recent.setObjectName("menu_recent")
        self.menu_recent.setToolTipsVisible(True)
        self.menu_recent.aboutToShow.connect(self._fill_recent_menu)
        self.menu_file.addMenu(self.menu_recent)
        self.menu_file.addSeparator()
        self.menu_file.addActions([self.action_save, self.action_save_as])
        self.menu_file.addSeparator()
        self.menu_file.addActions([self.action_import, self.action_export])
        self.menu_file.addSeparator()
        self.menu_file.addAction(self.action_quit)
        self.menu_edit = bar.addMenu("&Edit")
        self.menu_edit.addActions([self.action_undo, self.action_redo])
        self.menu_edit.addSeparator()
        self.menu_edit.addAction(self.action_find)
        self.menu_view = bar.addMenu("&View")
        self.menu_help = bar.addMenu("&Help")
        self.menu_help.addActions([self.action_shortcuts, self.action_about])
        for menu in (self.menu_file, self.menu_edit, self.menu_view, self.menu_help):
            menu.setToolTipsVisible(True)

    def _create_toolbar(self) -> None:
        self.toolbar_main = QToolBar("Main toolbar")
        self.toolbar_main.setObjectName("toolbar_main")
        self.toolbar_main.setMovable(False)
        self.toolbar_main.setIconSize(QSize(18, 18))
        self.toolbar_main.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar_main.addActions([self.action_open, self.action_save])
        self.toolbar_main.addSeparator()
        self.toolbar_main.addActions([self.action_import, self.action_export])
        self.toolbar_main.addSeparator()
        self.toolbar_main.addActions([self.action_undo, self.action_redo])
        self.addToolBar(self.toolbar_main)
        for action in self.toolbar_main.actions():
            button = self.toolbar_main.widgetForAction(action)
            if button is not None and action.objectName():
                # DESIGN section 9: key controls carry their binding name for automation.
                button.setObjectName(f"button_{action.objectName().removeprefix('action_')}")
                button.setAccessibleName(action.objectName())
        toggle = self.toolbar_main.toggleViewAction()
        toggle.setObjectName("action_show_toolbar")
        toggle.setText("Show &Toolbar")
        toggle.setToolTip("Show or hide the toolbar")
        self.menu_view.addAction(toggle)
        self.menu_view.addAction(self.action_full_screen)
        self.menu_view.addSeparator()

    def _create_status_bar(self) -> None:
        status = self.statusBar()
        status.setSizeGripEnabled(False)
        self.label_status_workspace = QLabel()
        self.label_status_workspace.setObjectName("label_status_workspace")
        self.label_status_rows = QLabel()
        self.label_status_rows.setObjectName("label_status_rows")
        self.label_status_currency = QLabel()
        self.label_status_currency.setObjectName("label_status_currency")
        for label in (
            self.label_status_workspace,
            self.label_status_rows,
            self.label_status_currency,
        ):
            status.addPermanentWidget(label)

    def add_tab(self, widget: QWidget, title: str, tooltip: str = "") -> int:
        """Add a tab and a View-menu action (Ctrl+number) to go to it."""
        index = self.tabs_main.addTab(widget, title)
        if tooltip:
            self.tabs_main.setTabToolTip(index, tooltip)
        name = widget.objectName().removeprefix("tab_") or str(index)
        action = self._action(
            f"action_view_{name}", title, f"Go to the {title} tab",
            lambda: self.tabs_main.setCurrentWidget(widget),
            [QKeySequence(f"Ctrl+{index + 1}")] if index < 9 else None,
        )  # fmt: skip
        self.menu_view.addAction(action)
        return index

    # -- workspace -------------------------------------------------------------------------
    def show_loading(self, message: str) -> None:
        """Show `message` in the window and the status bar while a workspace loads."""
        self.label_loading.setText(message)
        if self.workspace is None:
            self.stack_central.setCurrentWidget(self.label_loading)
        self.statusBar().showMessage(message)

    def set_workspace(self, workspace: Workspace, name: str = "", *, sample: bool = False) -> None:
        """Show `workspace`: build the tabs on first use, clear undo, refresh everything.

        `sample` marks the bundled sample workspace, which the tabs label as such.
        """
        gc.unfreeze()  # the previous workspace's objects may be collected again
        self.workspace = workspace
        self.is_sample = sample
        self.workspace_name = name or (workspace.path.name if workspace.path else UNTITLED)
        self.undo_stack.clear()
        self._ensure_tabs()
        self.stack_central.setCurrentWidget(self.tabs_main)
        self.statusBar().clearMessage()
        self.refresh()
        # A loaded workspace is long-lived: moving it out of the collector's generations
        # keeps full collections of a large heap from landing in the middle of an edit
        # (worst edit on 1M rows: 62 ms -> 48 ms, benchmarks/bench_store.py).
        gc.collect()
        gc.freeze()
        self.workspace_loaded.emit()

    def _ensure_tabs(self) -> None:
        if self.dashboard_tab is not None:
            return
        # Imported here: the tabs bring pandas and the core, which must not delay the
        # window's first paint (DESIGN section 10).
        from kpi_desktop.ui.tabs.campaigns_tab import CampaignsTab
        from kpi_desktop.ui.tabs.dashboard_tab import DashboardTab

        self.dashboard_tab = DashboardTab()
        self.campaigns_tab = CampaignsTab()
        self.add_tab(self.dashboard_tab, "Dashboard", "Every KPI over the chosen period")
        self.add_tab(self.campaigns_tab, "Campaigns", "Inputs and KPIs per campaign")
        from kpi_desktop.ui.tabs.charts_tab import ChartsTab
        from kpi_desktop.ui.widgets.filter_bar import FilterBar

        self.charts_tab = ChartsTab()
        self.add_tab(self.charts_tab, "Charts", "KPIs over time, campaigns compared, the funnel")
        # The filter bar sits in its own toolbar row, above the tabs it filters.
        self.filter_bar = FilterBar()
        self.filter_bar.selection_changed.connect(self._filter_changed)
        self.toolbar_filter = QToolBar("Filter")
        self.toolbar_filter.setObjectName("toolbar_filter")
        self.toolbar_filter.setMovable(False)
        self.toolbar_filter.addWidget(self.filter_bar)
        self.addToolBarBreak()
        self.addToolBar(self.toolbar_filter)
        self.toolbar_filter.show()  # added to a window that may already be visible
        from kpi_desktop.ui.export_dialog import install_context_menus

        install_context_menus(self)  # Copy / Copy as image / Export on dashboard and table
        from kpi_desktop.ui.workspace_dialogs import install_workspace_actions

        # Edit-menu workspace actions, autosave and the UTM tab (after the other tabs).
        self.workspace_actions = install_workspace_actions(self)
        wanted = self.tabs_main.findChild(QWidget, self.settings.current_tab)
        if wanted is not None and self.tabs_main.indexOf(wanted) >= 0:
            self.tabs_main.setCurrentWidget(wanted)

    def apply_changes(self, changes: Changes) -> None:
        """React to what a command or import changed (KPIs recomputed when needed)."""
        # `campaigns` None means every campaign; scope covers targets, notes, FX, aliases.
        light = {"targets", "notes", "links", "settings", "fx"}  # no change to facts
        if changes.dropped_edits and self.workspace_actions is not None:
            self.workspace_actions.report_dropped(changes)
        data_changed = changes.reset or changes.kpis_dirty or changes.campaigns != frozenset()
        if self.data_view is not None and (data_changed or not changes.scope <= light):
            # An edit names the campaigns it touched: only their part of the cube is rebuilt.
            only = changes.campaigns if changes.scope <= light else None
            self.data_view.invalidate(only)
        if changes.reset or changes.kpis_dirty or changes.scope or changes.campaigns != frozenset():
            self.refresh()
        else:
            self._update_title()

    def refresh(self) -> None:
        """Recompute the report and hand it to every tab."""
        ws = self.workspace
        if ws is None:
            return
        view, selection = self._filtered_view(ws)
        self.report = view.report(selection)
        context = self._context(ws)
        for tab in (self.dashboard_tab, self.campaigns_tab, self.charts_tab):
            if tab is not None:
                tab.show_report(self.report, context)
        campaigns = len(self.report.rows)
        self.label_status_workspace.setText(self.workspace_name)
        self.label_status_workspace.setToolTip(str(ws.path) if ws.path else "Not saved yet")
        self.label_status_rows.setText(
            f"{context.fact_rows:,} rows · {campaigns:,} campaign{'s' if campaigns != 1 else ''}"
        )
        currency = ws.reporting_currency or "no currency"
        self.label_status_currency.setText(currency)
        self.label_status_currency.setToolTip("Reporting currency: money is shown in it")
        self._update_title()
        self._update_actions()
        self.report_refreshed.emit()

    def _context(self, ws: Workspace) -> ReportContext:
        from kpi_desktop.core import series
        from kpi_desktop.ui.tabs import ReportContext

        facts = ws.facts()
        view, selection = self._filtered_view(ws)
        period = view.period(selection) or view.data_range
        start, end = period if period else (None, None)
        campaigns = ws.campaigns()
        notes = campaigns["notes"].to_dict() if "notes" in campaigns else {}
        return ReportContext(
            workspace_name=self.workspace_name,
            currency=ws.reporting_currency,
            start=start,
            end=end,
            fact_rows=len(facts),
            is_sample=self.is_sample,
            targets=ws.targets().get(None, {}),
            notes={str(k): str(v) for k, v in notes.items() if v},
            selection=selection,
            filter_text=series.filter_summary(
                selection, view.period(selection), view.campaign_names(), view.channel_names()
            ),
            data=view,
        )

    def _filtered_view(self, ws: Workspace) -> tuple[DataView, FilterSelection]:
        """The workspace's data view and the filter bar's choice (restored per workspace)."""
        from kpi_desktop.core import series

        new = self.data_view is None or self.data_view.workspace is not ws
        if new:
            self.data_view = series.DataView(ws)
        assert self.data_view is not None
        if self.filter_bar is None:
            return self.data_view, series.FilterSelection()
        view = self.data_view
        self.filter_bar.set_options(view.campaign_names(), view.channel_names(), view.data_range)
        if new:
            saved = ws.get_setting(series.FILTER_SETTING)
            self.filter_bar.set_selection(series.FilterSelection.from_json(saved))
        return view, self.filter_bar.selection

    def _filter_changed(self, selection: FilterSelection) -> None:
        """Remember the filter in the workspace and show every tab through it."""
        from kpi_desktop.core import series

        if self.workspace is None:
            return
        self.workspace.set_setting(series.FILTER_SETTING, selection.to_json(), view_state=True)
        self.refresh()

    def push_command(self, command: CoreCommand) -> None:
        """Run a core command through the undo stack (its Changes refresh the views)."""
        assert self.workspace is not None
        self.undo_stack.push(
            UndoCommand(
                command,
                self.workspace,
                self.apply_changes,
                lambda exc: errors.show_error(exc, parent=self),
            )
        )

    # -- file actions ----------------------------------------------------------------------
    def new_workspace(self) -> None:
        if not self._confirm_discard():
            return
        from kpi_desktop.core.store import Workspace

        self.set_workspace(Workspace.new(), UNTITLED)

    def open_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open Workspace", self.settings.last_directory, WORKSPACE_FILTER
        )
        if path:
            self.open_path(Path(path))

    def open_path(self, path: Path) -> bool:
        """Open the workspace at `path`; a bad file gives a message and changes nothing."""
        if not self._confirm_discard():
            return False
        from kpi_desktop.core.store import Workspace, WorkspaceError
        from kpi_desktop.ui.autosave import offer_recovery

        if offer_recovery(self, path):  # a crash left unsaved work for this file
            self.settings.add_recent_file(str(path))
            return True
        try:
            workspace = Workspace.open(path)
        except WorkspaceError as exc:
            errors.show_error(exc, parent=self, title="Could not open the workspace")
            return False
        self.settings.add_recent_file(str(path))
        self.settings.last_directory = str(path.parent)
        self.set_workspace(workspace, path.name)
        return True

    def save(self) -> bool:
        ws = self.workspace
        if ws is None:
            return False
        if ws.path is None:
            return self.save_as()
        return self._save_to(Path(ws.path))

    def save_as(self) -> bool:
        if self.workspace is None:
            return False
        start = self.settings.last_directory
        suggested = str(Path(start) / "Campaign KPIs.kpidesk") if start else "Campaign KPIs.kpidesk"
        path, _ = QFileDialog.getSaveFileName(
            self, "Save Workspace As", suggested, WORKSPACE_FILTER
        )
        if not path:
            return False
        target = Path(path)
        if not target.suffix:
            target = target.with_suffix(".kpidesk")
        return self._save_to(target)

    def _save_to(self, path: Path) -> bool:
        from kpi_desktop.core.store import WorkspaceError

        assert self.workspace is not None
        try:
            self.workspace.save(path)
        except WorkspaceError as exc:
            errors.show_error(exc, parent=self, title="Could not save the workspace")
            return False
        self.workspace_name = path.name
        self.undo_stack.setClean()
        self.settings.add_recent_file(str(path))
        self.settings.last_directory = str(path.parent)
        self.label_status_workspace.setText(self.workspace_name)
        self._update_title()
        self.statusBar().showMessage(f"Saved {path.name}", 4000)
        return True

    def _fill_recent_menu(self) -> None:
        self.menu_recent.clear()
        files = self.settings.recent_files
        for file in files:
            action = self.menu_recent.addAction(Path(file).name)
            action.setToolTip(file)
            action.triggered.connect(lambda _=False, f=file: self.open_path(Path(f)))
        if not files:
            empty = self.menu_recent.addAction("No recent workspaces")
            empty.setEnabled(False)
            return
        self.menu_recent.addSeparator()
        clear = self.menu_recent.addAction("Clear List")
        clear.setToolTip("Forget the recent workspaces")
        clear.triggered.connect(self.settings.clear_recent_files)

    def _is_modified(self) -> bool:
        ws = self.workspace
        return ws is not None and (bool(ws.dirty) or not self.undo_stack.isClean())

    def _confirm_discard(self) -> bool:
        """Ask to save unsaved changes; False when the user cancels."""
        if not self._is_modified():
            return True
        answer = QMessageBox.question(
            self,
            "Unsaved changes",
            f"Save the changes to {self.workspace_name}?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    # -- import ----------------------------------------------------------------------------------
    def import_files(self, paths: Sequence[str | Path] = ()) -> ImportDialog | None:
        """Open the import dialog (or bring the open one forward) with `paths` queued."""
        if self.workspace is None:
            return None
        from kpi_desktop.ui.dialogs.import_dialog import ImportDialog

        dialog = self.import_dialog
        if dialog is None or not dialog.isVisible():
            dialog = self.import_dialog = ImportDialog(self)
            dialog.finished.connect(self._import_dialog_closed)
            dialog.open()
        dialog.raise_()
        dialog.activateWindow()
        if paths:
            dialog.add_files(paths)
        return dialog

    def _import_dialog_closed(self) -> None:
        dialog, self.import_dialog = self.import_dialog, None
        if dialog is not None:
            dialog.deleteLater()

    def open_dropped(self, paths: Sequence[Path]) -> None:
        """A dropped .kpidesk opens as the workspace; data files go to the import dialog."""
        workspaces = [p for p in paths if p.suffix.lower() == ".kpidesk"]
        data = [p for p in paths if p.suffix.lower() != ".kpidesk"]
        if workspaces and not self.open_path(workspaces[0]):
            return
        if data:
            self.import_files(data)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if self.workspace is not None and any(u.isLocalFile() for u in urls):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        from kpi_desktop.ui.dialogs.import_dialog import dropped_files

        paths = dropped_files(event.mimeData().urls())
        if not paths or self.workspace is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.open_dropped(paths)

    # -- other actions -------------------------------------------------------------------------
    def export_report(self) -> None:
        """File › Export…: the export dialog over the current filter."""
        from kpi_desktop.ui.export_dialog import open_export_dialog

        open_export_dialog(self)

    def find_campaign(self) -> None:
        if self.campaigns_tab is None:
            return
        self.tabs_main.setCurrentWidget(self.campaigns_tab)
        self.campaigns_tab.focus_filter()

    def _toggle_full_screen(self, on: bool) -> None:
        if on:
            self.showFullScreen()
        else:
            self.showNormal()

    def show_shortcuts(self) -> None:
        shortcuts_dialog(self).exec()

    def show_about(self) -> None:
        about_dialog(self).exec()

    # -- state -----------------------------------------------------------------------------------
    def _update_title(self, *_: object) -> None:
        name = self.workspace_name or APP_NAME
        self.setWindowTitle(f"{name}[*] — {APP_NAME}" if self.workspace_name else APP_NAME)
        self.setWindowModified(self._is_modified())

    def _update_actions(self) -> None:
        has_ws = self.workspace is not None
        self.action_import.setEnabled(has_ws)
        for action in (self.action_save, self.action_save_as, self.action_find, self.action_export):
            action.setEnabled(has_ws)

    def _tab_changed(self, index: int) -> None:
        widget = self.tabs_main.widget(index)
        if widget is not None and widget.objectName():
            self.settings.current_tab = widget.objectName()

    def _restore_geometry(self) -> None:
        geometry = self.settings.window_geometry
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        state = self.settings.window_state
        if not state.isEmpty():
            self.restoreState(state)

    def save_geometry(self) -> None:
        self.settings.window_geometry = QByteArray(self.saveGeometry())
        self.settings.window_state = QByteArray(self.saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._confirm_discard():
            event.ignore()
            return
        if self.autosave is not None:
            self.autosave.forget()  # saved or discarded: nothing left to recover
        self.save_geometry()
        super().closeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            # Queued, so that listeners run after this frame has been drawn.
            QTimer.singleShot(0, self.first_painted.emit)


def shortcuts_dialog(window: MainWindow) -> QDialog:
    """A table of every action that has a keyboard shortcut."""
    dialog = QDialog(window)
    dialog.setObjectName("dialog_shortcuts")
    dialog.setWindowTitle("Keyboard Shortcuts")
    rows = [
        (action.text().replace("&", ""), action.shortcut())
        for action in window.actions()
        if not action.shortcut().isEmpty()
    ]
    table = QTableWidget(len(rows), 2)
    table.setObjectName("table_shortcuts")
    table.setHorizontalHeaderLabels(["Action", "Shortcut"])
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setShowGrid(False)
    for row, (text, key) in enumerate(rows):
        table.setItem(row, 0, QTableWidgetItem(text))
        table.setItem(
            row, 1, QTableWidgetItem(key.toString(QKeySequence.SequenceFormat.NativeText))
        )
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(table)
    layout.addWidget(buttons)
    dialog.resize(440, 520)
    return dialog


def about_dialog(window: QWidget) -> QMessageBox:
    """The About box: version and what KPI Desk is for."""
    box = QMessageBox(window)
    box.setObjectName("dialog_about")
    box.setWindowTitle(f"About {APP_NAME}")
    box.setIconPixmap(app_icon().pixmap(64, 64))
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(f"<h3>{html.escape(APP_NAME)} {html.escape(__version__)}</h3>")
    box.setInformativeText(
        "Prove what your chatbot campaigns earn. KPI Desk reads the Excel and CSV exports "
        "of your ad platforms, web analytics and bot platform, and shows interactions, "
        "CTR, conversion rate, cost per conversion, ROAS and brand lift per campaign."
        "<br><br>Everything stays on this computer: no account, no network."
    )
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return box
