"""The main window: a frame of menus, toolbar, tabs and status bar over the session.

The window is built from Qt alone so that it can paint before pandas and the core are
imported; the tabs are created when the session opens its first workspace, and show
every report the session computes (`Session.report_refreshed`). The workspace, the undo
stack and every change live in the session (`ui/session.py`), not here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QPaintEvent,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QStyle,
    QTabWidget,
    QToolBar,
    QWidget,
)

from kpi_desktop import APP_NAME
from kpi_desktop.ui import errors
from kpi_desktop.ui.actions import make_action, standard_keys
from kpi_desktop.ui.session import Session
from kpi_desktop.ui.settings import Settings

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack

    from kpi_desktop.core.kpi import KpiReport
    from kpi_desktop.core.series import DataView
    from kpi_desktop.core.workspace import Changes, Workspace
    from kpi_desktop.ui.dialogs.import_dialog import ImportDialog
    from kpi_desktop.ui.tabs.campaigns_tab import CampaignsTab
    from kpi_desktop.ui.tabs.charts_tab import ChartsTab
    from kpi_desktop.ui.tabs.dashboard_tab import DashboardTab
    from kpi_desktop.ui.tabs.utm import UtmTab
    from kpi_desktop.ui.widgets.filter_bar import FilterBar
    from kpi_desktop.ui.workspace_actions import WorkspaceActions

WORKSPACE_FILTER = "KPI Desk workspaces (*.kpidesk);;All files (*)"


#: The size the dashboard was laid out for; a smaller screen gets its whole free area.
DESIGN_SIZE = QSize(1366, 860)


def _first_size() -> QSize:
    """The window's size before any saved geometry: DESIGN_SIZE, but never larger than
    the screen's free area (a 1366×768 laptop with a task bar has about 1366×728).

    The offscreen platform (tests, `--screenshots`) has a nominal 800×800 screen and no
    window manager: there the design size is kept so pictures are the same everywhere.
    """
    screen = QGuiApplication.primaryScreen()
    if screen is None or QGuiApplication.platformName() == "offscreen":
        return DESIGN_SIZE
    return DESIGN_SIZE.boundedTo(screen.availableGeometry().size())


def app_icon() -> QIcon:
    """The window icon, from the package's assets."""
    from importlib.resources import files

    return QIcon(str(files("kpi_desktop") / "assets" / "icon.svg"))


class MainWindow(QMainWindow):
    """KPI Desk's main window over `session`. Object names follow DESIGN section 9."""

    #: emitted once, right after the window's first paint event.
    first_painted = Signal()
    #: emitted after a workspace was installed and the tabs show it.
    workspace_loaded = Signal()
    #: emitted whenever the tabs got a fresh report.
    report_refreshed = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.dashboard_tab: DashboardTab | None = None
        self.campaigns_tab: CampaignsTab | None = None
        self.charts_tab: ChartsTab | None = None
        self.utm_tab: UtmTab | None = None
        self.filter_bar: FilterBar | None = None
        self.workspace_actions: WorkspaceActions | None = None  # built with the tabs
        self.import_dialog: ImportDialog | None = None
        self.setAcceptDrops(True)  # data files to import, or a .kpidesk to open
        self._painted = False
        self.setObjectName("main_window")
        self.setWindowIcon(app_icon())
        self.setWindowTitle(APP_NAME)

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
        self.resize(_first_size())
        self._restore_geometry()
        self._update_actions()
        session.workspace_opened.connect(self._workspace_opened)
        session.report_refreshed.connect(self._show_report)
        session.workspace_loaded.connect(self._workspace_loaded)
        session.modified_changed.connect(self._update_title)
        session.changed.connect(self._changes_applied)
        session.exported.connect(self._exported)
        session.message.connect(self.statusBar().showMessage)
        session.error.connect(lambda exc: errors.show_error(exc, parent=self))

    # -- the session, for the import dialog and tests (read-only) -------------------------------
    @property
    def settings(self) -> Settings:
        return self.session.settings

    @property
    def workspace(self) -> Workspace | None:
        return self.session.workspace

    @property
    def workspace_name(self) -> str:
        return self.session.workspace_name

    @property
    def undo_stack(self) -> QUndoStack:
        return self.session.undo_stack

    @property
    def report(self) -> KpiReport | None:
        return self.session.report

    @property
    def data_view(self) -> DataView | None:
        return self.session.data_view

    def set_workspace(self, workspace: Workspace, name: str = "", *, sample: bool = False) -> None:
        """Show `workspace` (see `Session.set_workspace`)."""
        self.session.set_workspace(workspace, name, sample=sample)

    # -- building ------------------------------------------------------------------------
    def _create_actions(self) -> None:
        sp = QStyle.StandardPixmap
        key = QKeySequence.StandardKey
        self.action_new = make_action(
            self, "action_new", "&New Workspace", "Start an empty workspace", self.new_workspace,
            standard_keys(key.New, "Ctrl+N"), sp.SP_FileIcon,
        )  # fmt: skip
        self.action_open = make_action(
            self, "action_open", "&Open…", "Open a KPI Desk workspace (.kpidesk)", self.open_file,
            standard_keys(key.Open, "Ctrl+O"), sp.SP_DialogOpenButton,
        )  # fmt: skip
        self.action_save = make_action(
            self, "action_save", "&Save", "Save the workspace", self.save,
            standard_keys(key.Save, "Ctrl+S"), sp.SP_DialogSaveButton,
        )  # fmt: skip
        self.action_save_as = make_action(
            self, "action_save_as", "Save &As…", "Save the workspace under a new name",
            self.save_as, standard_keys(key.SaveAs, "Ctrl+Shift+S"),
        )  # fmt: skip
        self.action_import = make_action(
            self, "action_import", "&Import Data…",
            "Import Excel/CSV exports from ad, analytics and bot platforms",
            lambda: self.import_files(), [QKeySequence("Ctrl+I")], sp.SP_ArrowDown,
        )  # fmt: skip
        self.action_export = make_action(
            self, "action_export", "&Export Report…",
            "Export the KPIs of the current filter to Excel, PDF or CSV",
            self.export_report, [QKeySequence("Ctrl+E")], sp.SP_ArrowUp,
        )  # fmt: skip
        self.action_quit = make_action(
            self,
            "action_quit",
            "&Quit",
            "Close KPI Desk",
            self.close,
            standard_keys(key.Quit, "Ctrl+Q"),
        )
        self.action_quit.setMenuRole(QAction.MenuRole.QuitRole)

        self.action_undo = self.undo_stack.createUndoAction(self, "&Undo")
        self.action_redo = self.undo_stack.createRedoAction(self, "&Redo")
        for action, name, std, fallback, icon in (
            (self.action_undo, "action_undo", key.Undo, "Ctrl+Z", sp.SP_ArrowBack),
            (self.action_redo, "action_redo", key.Redo, "Ctrl+Shift+Z", sp.SP_ArrowForward),
        ):
            action.setObjectName(name)
            action.setShortcuts(standard_keys(std, fallback))
            action.setIcon(self.style().standardIcon(icon))
            verb = "Undo" if name == "action_undo" else "Redo"
            action.setToolTip(f"{verb} the last change")
            action.setStatusTip(f"{verb} the last change")
            self.addAction(action)
        self.action_find = make_action(
            self, "action_find", "&Find Campaign…", "Filter the campaign table by name",
            self.find_campaign, standard_keys(key.Find, "Ctrl+F"),
        )  # fmt: skip
        self.action_full_screen = make_action(
            self, "action_full_screen", "&Full Screen", "Use the whole screen for KPI Desk",
            self._toggle_full_screen, standard_keys(key.FullScreen, "F11"),
        )  # fmt: skip
        self.action_full_screen.setCheckable(True)
        self.action_shortcuts = make_action(
            self, "action_shortcuts", "&Keyboard Shortcuts", "List every keyboard shortcut",
            self.show_shortcuts, standard_keys(key.HelpContents, "F1"),
        )  # fmt: skip
        self.action_about = make_action(
            self, "action_about", f"&About {APP_NAME}", "Version and what KPI Desk is for",
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
        action = make_action(
            self, f"action_view_{name}", title, f"Go to the {title} tab",
            lambda: self.tabs_main.setCurrentWidget(widget),
            [QKeySequence(f"Ctrl+{index + 1}")] if index < 9 else None,
        )  # fmt: skip
        self.menu_view.addAction(action)
        return index

    # -- workspace -------------------------------------------------------------------------
    def show_loading(self, message: str) -> None:
        """Show `message` in the window and the status bar while a workspace loads."""
        self.label_loading.setText(message)
        if self.session.workspace is None:
            self.stack_central.setCurrentWidget(self.label_loading)
        self.statusBar().showMessage(message)

    def _exported(self, path: Path) -> None:
        from kpi_desktop.ui.dialogs.export import show_export_done

        show_export_done(self.statusBar(), path)

    def _workspace_opened(self) -> None:
        """A new workspace: build the tabs on first use and bind them before its report."""
        note = self.statusBar().findChild(QWidget, "widget_export_done")
        if note is not None:  # it named the previous workspace's report
            self.statusBar().removeWidget(note)
            note.deleteLater()
        self._ensure_tabs()
        assert self.workspace_actions is not None
        self.workspace_actions.bind()
        self.stack_central.setCurrentWidget(self.tabs_main)
        self.statusBar().clearMessage()

    def _workspace_loaded(self) -> None:
        if self.utm_tab is not None:
            self.utm_tab.clear_form()  # a half-typed link belongs to the previous workspace
            self.utm_tab.refresh()
        self.workspace_loaded.emit()

    def _ensure_tabs(self) -> None:
        if self.dashboard_tab is not None:
            return
        # Imported here: the tabs bring pandas and the core, which must not delay the
        # window's first paint (DESIGN section 10).
        from kpi_desktop.ui.context_menus import install_context_menus
        from kpi_desktop.ui.tabs.campaigns_tab import CampaignsTab
        from kpi_desktop.ui.tabs.charts_tab import ChartsTab
        from kpi_desktop.ui.tabs.dashboard_tab import DashboardTab
        from kpi_desktop.ui.workspace_actions import WorkspaceActions

        self.dashboard_tab = DashboardTab()
        self.campaigns_tab = CampaignsTab()
        self.add_tab(self.dashboard_tab, "Dashboard", "Every KPI over the chosen period")
        self.add_tab(self.campaigns_tab, "Campaigns", "Inputs and KPIs per campaign")
        self.charts_tab = ChartsTab()
        self.charts_tab.annotation_requested.connect(self._add_annotation)
        self.add_tab(self.charts_tab, "Charts", "KPIs over time, campaigns compared, the funnel")
        self.filter_bar = self._create_filter_bar()
        # Copy / Copy as image / Export on the dashboard and the table.
        install_context_menus(self.session, self.dashboard_tab, self.campaigns_tab.table_campaigns)
        self.workspace_actions = WorkspaceActions(
            self.session,
            self,
            self.campaigns_tab,
            self.filter_bar,
            self.tabs_main.setCurrentWidget,
        )
        self.workspace_actions.add_to_menu(self.menu_edit)
        self.utm_tab = self._create_utm_tab()  # after the other tabs
        wanted = self.tabs_main.findChild(QWidget, self.settings.current_tab)
        if wanted is not None and self.tabs_main.indexOf(wanted) >= 0:
            self.tabs_main.setCurrentWidget(wanted)

    def _create_filter_bar(self) -> FilterBar:
        from kpi_desktop.ui.widgets.filter_bar import FilterBar

        # The filter bar sits in its own toolbar row, above the tabs it filters.
        bar = FilterBar()
        bar.selection_changed.connect(self.session.set_selection)
        self.toolbar_filter = QToolBar("Filter")
        self.toolbar_filter.setObjectName("toolbar_filter")
        self.toolbar_filter.setMovable(False)
        self.toolbar_filter.addWidget(bar)
        self.addToolBarBreak()
        self.addToolBar(self.toolbar_filter)
        self.toolbar_filter.show()  # added to a window that may already be visible
        return bar

    def _create_utm_tab(self) -> UtmTab:
        from kpi_desktop.ui.link_store import WorkspaceLinkStore
        from kpi_desktop.ui.tabs.utm import UtmTab

        session = self.session
        store = WorkspaceLinkStore(lambda: session.workspace, session.push)
        tab = UtmTab(store)
        self.add_tab(tab, "UTM Links", "Build UTM-tagged links; check them against the data")
        return tab

    def _changes_applied(self, changes: Changes) -> None:
        """Refresh what the session's report does not carry: the UTM tab, chart notes."""
        from kpi_desktop.core.workspace import Scope
        from kpi_desktop.ui.link_store import BULK_LINKS_SETTING, UTM_SETTINGS

        if self.charts_tab is not None and changes.scope & Scope.ANNOTATIONS:
            self.charts_tab.show_annotations()
        tab = self.utm_tab
        if tab is None:
            return
        if BULK_LINKS_SETTING in changes.settings:
            tab.model_bulk.reload()
        history = changes.scope & Scope.LINKS and BULK_LINKS_SETTING not in changes.settings
        if history or changes.settings & UTM_SETTINGS:
            tab.refresh()  # history, convention, presets, value aliases
        elif changes.reset or changes.sources or changes.campaigns or changes.scope:
            tab.data_changed()  # facts or campaign aliases: Links & data, when looked at

    def _add_annotation(self, day: dt.date, text: str) -> None:
        from kpi_desktop.core.commands import AddAnnotation

        if self.session.workspace is not None:
            self.session.push(AddAnnotation(self.session.workspace, day, text))

    def _show_report(self) -> None:
        """Hand the session's new report to the filter bar, every tab and the status bar."""
        session = self.session
        ws, view, report = session.workspace, session.data_view, session.report
        if ws is None or view is None or report is None:
            return
        bar = self.filter_bar
        if bar is not None:
            bar.set_options(
                view.campaign_names(),
                view.channel_names(),
                view.data_range,
                ranges=view.range_rows(),
            )
            if session.selection is not None and bar.selection is not session.selection:
                bar.set_selection(session.selection)  # the workspace's saved filter
        context = session.context
        for tab in (self.dashboard_tab, self.campaigns_tab, self.charts_tab):
            if tab is not None:
                tab.show_report(report, context)
        campaigns = len(report.rows)
        self.label_status_rows.setText(
            f"{context.fact_rows:,} rows · {campaigns:,} campaign{'s' if campaigns != 1 else ''}"
        )
        currency = ws.reporting_currency or "no currency"
        self.label_status_currency.setText(currency)
        self.label_status_currency.setToolTip("Reporting currency: money is shown in it")
        self._update_title()
        self._update_actions()
        self.report_refreshed.emit()

    # -- file actions ----------------------------------------------------------------------
    def new_workspace(self) -> None:
        if self._confirm_discard():
            self.session.new_workspace()

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
        from kpi_desktop.core.workspace import WorkspaceError
        from kpi_desktop.ui.autosave import offer_recovery

        if offer_recovery(self.session, self, path):  # a crash left unsaved work for it
            self.settings.add_recent_file(str(path))
            return True
        try:
            self.session.open(path)
        except WorkspaceError as exc:
            errors.show_error(exc, parent=self, title="Could not open the workspace")
            return False
        return True

    def save(self) -> bool:
        ws = self.session.workspace
        if ws is None:
            return False
        if ws.path is None:
            return self.save_as()
        return self._save_to(Path(ws.path))

    def save_as(self) -> bool:
        if self.session.workspace is None:
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
        from kpi_desktop.core.workspace import WorkspaceError

        try:
            self.session.save_to(path)
        except WorkspaceError as exc:
            errors.show_error(exc, parent=self, title="Could not save the workspace")
            return False
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

    def _confirm_discard(self) -> bool:
        """Ask to save unsaved changes; False when the user cancels."""
        if not self.session.is_modified():
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
        if self.session.workspace is None:
            return None
        from kpi_desktop.ui.dialogs.import_dialog import ImportDialog

        dialog = self.import_dialog
        if dialog is None or not dialog.isVisible():
            dialog = self.import_dialog = ImportDialog(self.session, self)
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
        if self.session.workspace is not None and any(u.isLocalFile() for u in urls):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        from kpi_desktop.ui.dialogs.import_dialog import dropped_files

        paths = dropped_files(event.mimeData().urls())
        if not paths or self.session.workspace is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.open_dropped(paths)

    # -- other actions -------------------------------------------------------------------------
    def export_report(self) -> None:
        """File › Export…: the export dialog over the current filter."""
        from kpi_desktop.ui.dialogs.export import open_export_dialog

        open_export_dialog(self.session, self)

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
        from kpi_desktop.ui.dialogs.help import shortcuts_dialog

        shortcuts_dialog(self).exec()

    def show_about(self) -> None:
        from kpi_desktop.ui.dialogs.help import about_dialog

        about_dialog(self).exec()

    # -- state -----------------------------------------------------------------------------------
    def _update_title(self) -> None:
        session = self.session
        name = session.workspace_name
        self.setWindowTitle(f"{name}[*] — {APP_NAME}" if name else APP_NAME)
        self.setWindowModified(session.is_modified())
        ws = session.workspace
        if ws is not None:
            self.label_status_workspace.setText(name)
            self.label_status_workspace.setToolTip(str(ws.path) if ws.path else "Not saved yet")

    def _update_actions(self) -> None:
        has_ws = self.session.workspace is not None
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
        self.session.end()  # saved or discarded: nothing left to recover
        self.save_geometry()
        super().closeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            # Queued, so that listeners run after this frame has been drawn.
            QTimer.singleShot(0, self.first_painted.emit)
