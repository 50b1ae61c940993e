"""Autosave to a recovery file and the offer to restore it after a crash (DESIGN 5).

`Autosaver` restarts a single-shot timer on every change; when it fires, the workspace's
state is written with `Workspace.write_recovery` on a pool thread (`run_task`), so the
window never freezes. Recovery files of a saved workspace lie beside it; an untitled
one's go to the app's data folder. A clean close, a save or a discard removes them;
after a crash they stay, and `offer_recovery` / `offer_startup_recovery` ask to restore.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, QStandardPaths, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from kpi_desktop.ui.tasks import TaskHandle, run_task

if TYPE_CHECKING:
    from kpi_desktop.core.store import Workspace
    from kpi_desktop.ui.main_window import MainWindow

#: Milliseconds after the last change before the recovery file is written.
AUTOSAVE_DELAY_MS = 5000


def default_recovery_folder(settings: QSettings | None = None) -> Path:
    """Where untitled workspaces' recovery files go.

    Beside an INI settings file (portable setups, and tests, which point settings at a
    temporary folder), otherwise in the app's local data folder.
    """
    store = settings if settings is not None else QSettings()
    if store.format() == QSettings.Format.IniFormat and store.fileName():
        return Path(store.fileName()).parent / "recovery"
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    return Path(base) / "recovery"


def _write(ws: Workspace, folder: Path | None, progress: object = None) -> Path:
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    return ws.write_recovery(folder)


class Autosaver(QObject):
    """Writes the window's workspace to a recovery file 5 s after the last change.

    Signals:
        written(Path): a recovery file was written.
        failed(str): writing failed (the message; the next change tries again).
    """

    written = Signal(Path)
    failed = Signal(str)

    def __init__(
        self,
        window: MainWindow,
        folder: Path | None = None,
        delay_ms: int = AUTOSAVE_DELAY_MS,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.folder = (
            folder if folder is not None else default_recovery_folder(window.settings.store)
        )
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(self.write_now)
        self._task: TaskHandle | None = None
        self._again = False
        self._workspace: Workspace | None = None
        self.files: set[Path] = set()  # recovery files this session wrote (or restored)
        window.undo_stack.indexChanged.connect(self.schedule)
        window.report_refreshed.connect(self.schedule)
        window.workspace_loaded.connect(self._workspace_loaded)

    def schedule(self, *_: object) -> None:
        """(Re)start the countdown after a change."""
        ws = self.window.workspace
        if ws is not None and ws.dirty:
            self.timer.start()

    def write_now(self) -> TaskHandle | None:
        """Write the recovery file in the background now (if there is unsaved work)."""
        ws = self.window.workspace
        if ws is None or not ws.dirty:
            return None
        if self._task is not None and self._task.is_running:
            self._again = True  # one write at a time; the newest state follows
            return None
        folder = None if ws.path is not None else self.folder
        self._task = run_task(_write, ws, folder, on_done=self._done, on_error=self._failed)
        self._task.signals.finished.connect(self._finished)
        return self._task

    def _done(self, path: object) -> None:
        assert isinstance(path, Path)
        ws = self.window.workspace
        if ws is None or not ws.dirty:
            # Saved or discarded while writing: this snapshot must not be offered later.
            with contextlib.suppress(OSError):
                path.unlink()
            return
        self.files.add(path)
        self.written.emit(path)

    def _failed(self, exc: BaseException) -> None:
        self.failed.emit(str(exc))
        self.window.statusBar().showMessage(f"Could not write the recovery file: {exc}", 8000)

    def _finished(self) -> None:
        if self._again:
            self._again = False
            self.timer.start()

    def _workspace_loaded(self) -> None:
        ws = self.window.workspace
        if ws is not self._workspace:
            # The previous workspace was saved or its changes discarded (the window asked).
            self.forget()
            self._workspace = ws

    def forget(self) -> None:
        """Delete this session's recovery files (after a save, a discard or a clean close)."""
        self.timer.stop()
        for path in self.files:
            with contextlib.suppress(OSError):
                path.unlink()
        self.files.clear()

    def adopt(self, path: Path) -> None:
        """Track a restored recovery file, so a later discard removes it too."""
        self.files.add(path)


def _describe(path: Path) -> str:
    when = dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%d %b %Y at %H:%M")
    return when


def _ask_restore(window: MainWindow, what: str, path: Path) -> bool | None:
    """True: restore, False: discard, None: keep it for later."""
    answer = QMessageBox.question(
        window,
        "Restore unsaved work?",
        f"KPI Desk closed before {what} was saved. Unsaved changes from "
        f"{_describe(path)} were kept.\n\nRestore them?",
        QMessageBox.StandardButton.Yes
        | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Yes,
    )
    if answer == QMessageBox.StandardButton.Yes:
        return True
    if answer == QMessageBox.StandardButton.Discard:
        return False
    return None


def restore(window: MainWindow, recovery: Path, name: str) -> bool:
    """Open `recovery` and show it, marked as unsaved; False (with a message) on failure."""
    from kpi_desktop.core.store import Workspace, WorkspaceError
    from kpi_desktop.ui import errors

    try:
        ws = Workspace.open_recovery(recovery)
    except WorkspaceError as exc:
        errors.show_error(exc, parent=window, title="Could not restore the unsaved work")
        return False
    window.set_workspace(ws, name)
    autosaver = getattr(window, "autosave", None)
    if isinstance(autosaver, Autosaver):
        autosaver.adopt(recovery)
    window._update_title()
    return True


def offer_recovery(window: MainWindow, path: Path) -> bool:
    """Before opening `path`: if a crash left its recovery file, offer it; True if restored."""
    from kpi_desktop.core.store import Workspace

    recovery = Workspace.find_recovery(path)
    if recovery is None:
        return False
    choice = _ask_restore(window, path.name, recovery)
    if choice is False:
        with contextlib.suppress(OSError):
            recovery.unlink()
    return bool(choice) and restore(window, recovery, path.name)


def offer_startup_recovery(window: MainWindow, folder: Path | None = None) -> bool:
    """At start: offer the newest recovery file of an untitled workspace or a recent file."""
    from kpi_desktop.core.store import Workspace

    autosaver = getattr(window, "autosave", None)
    if folder is None:
        folder = autosaver.folder if isinstance(autosaver, Autosaver) else None
        folder = folder or default_recovery_folder(window.settings.store)
    candidates: list[tuple[Path, str]] = []
    if folder.is_dir():
        found = Workspace.find_recovery(folder)
        if found is not None:
            candidates.append((found, "an untitled workspace"))
    for file in window.settings.recent_files:
        found = Workspace.find_recovery(file)
        if found is not None:
            candidates.append((found, Path(file).name))
    if not candidates:
        return False
    recovery, what = max(candidates, key=lambda c: c[0].stat().st_mtime)
    choice = _ask_restore(window, what, recovery)
    if choice is False:
        with contextlib.suppress(OSError):
            recovery.unlink()
        return False
    if not choice:
        return False
    name = what if what != "an untitled workspace" else "Restored workspace"
    return restore(window, recovery, name)
