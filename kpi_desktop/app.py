"""Composition root: build the session, its autosaver and the main window over it, then
bring in the core and the workspace.

Nothing here imports pandas at module level: `__main__` shows the window first, and
`load_initial_workspace` imports the heavy parts on a pool thread after the first paint.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kpi_desktop.ui import errors
from kpi_desktop.ui.autosave import Autosaver
from kpi_desktop.ui.main_window import MainWindow
from kpi_desktop.ui.session import Session
from kpi_desktop.ui.settings import Settings
from kpi_desktop.ui.tasks import TaskHandle, run_task

if TYPE_CHECKING:
    from kpi_desktop.core.workspace import Workspace

WORKSPACE_SUFFIX = ".kpidesk"
SAMPLE_NAME = "Sample workspace"

#: Imported off the UI thread before the workspace opens (the expensive part of start-up).
HEAVY_MODULES: tuple[str, ...] = (
    "pandas",
    "kpi_desktop.core.workspace",
    "kpi_desktop.core.format",
    "kpi_desktop.ui.tabs.dashboard_tab",
    "kpi_desktop.ui.tabs.campaigns_tab",
)


def create_window(settings: Settings | None = None) -> MainWindow:
    """The main window over a new session (settings, undo stack, autosave), still
    without a workspace. The session lives as long as the window (its child)."""
    session = Session(settings or Settings())
    Autosaver(session)  # a child of the session: follows its workspace and signals
    window = MainWindow(session)
    session.setParent(window)
    return window


def import_heavy_modules(progress: object = None) -> None:
    """Import pandas, the core and the tabs (run on a pool thread)."""
    for name in HEAVY_MODULES:
        importlib.import_module(name)


def open_workspace(path: Path | None) -> tuple[Workspace, str]:
    """The workspace at `path` (a .kpidesk file), or the bundled sample; with its name."""
    from kpi_desktop.core.workspace import Workspace

    if path is None:
        return Workspace.open_sample(), SAMPLE_NAME
    workspace = Workspace.open(path)
    return workspace, path.name


def split_paths(paths: Sequence[str]) -> tuple[Path | None, list[Path]]:
    """The first workspace file among `paths`, and the data files to import."""
    workspace = next((Path(p) for p in paths if p.lower().endswith(WORKSPACE_SUFFIX)), None)
    data = [Path(p) for p in paths if not p.lower().endswith(WORKSPACE_SUFFIX)]
    return workspace, data


def load_initial_workspace(window: MainWindow, paths: Sequence[str] = ()) -> TaskHandle:
    """Open the first workspace of `paths` (or the sample) once the heavy imports are done.

    The imports run on a pool thread while the window shows a message; the workspace
    itself is opened on the UI thread, which owns it from then on.
    """
    workspace_path, data_files = split_paths(paths)
    what = workspace_path.name if workspace_path else "the sample workspace"
    window.show_loading(f"Opening {what}…")
    session = window.session

    def opened(_: object) -> None:
        from kpi_desktop.core.workspace import WorkspaceError

        path = workspace_path
        try:
            workspace, name = open_workspace(path)
        except WorkspaceError as exc:
            errors.show_error(exc, parent=window, title="Could not open the workspace")
            path = None
            workspace, name = open_workspace(path)
        session.set_workspace(workspace, name, sample=path is None)
        if path is not None:
            session.settings.add_recent_file(str(path))
        from kpi_desktop.ui.autosave import offer_startup_recovery

        offer_startup_recovery(session, window)  # unsaved work left by a crash, if any
        if data_files:
            # `kpi-desktop FILE...`: the import dialog opens with the files queued.
            window.import_files(data_files)

    return run_task(import_heavy_modules, on_done=opened)
