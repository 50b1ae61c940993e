"""Autosave to a recovery file and the offer to restore it after a crash (DESIGN 5).

`Autosaver` restarts a single-shot timer on every change; when it fires, the workspace's
state is written with `Workspace.write_recovery` on a pool thread (`run_task`), so the
window never freezes. Recovery files of a saved workspace lie beside it; an untitled
one's go to the app's data folder. A clean close, a save or a discard removes them;
after a crash they stay, and `offer_recovery` / `offer_startup_recovery` ask to restore.
Both follow the session (`ui/session.py`), never a window.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, QStandardPaths, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from kpi_desktop.ui.tasks import TaskHandle, run_task

if TYPE_CHECKING:
    from kpi_desktop.core.workspace import Workspace
    from kpi_desktop.ui.session import Session

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
    """Writes the session's workspace to a recovery file 5 s after the last change.

    Signals:
        written(Path): a recovery file was written.
        failed(str): writing failed (the message; the next change tries again).
    """

    written = Signal(Path)
    failed = Signal(str)

    def __init__(
        self,
        session: Session,
        folder: Path | None = None,
        delay_ms: int = AUTOSAVE_DELAY_MS,
    ) -> None:
        super().__init__(session)
        self.setObjectName("autosaver")
        self.session = session
        self.folder = (
            folder if folder is not None else default_recovery_folder(session.settings.store)
        )
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(self.write_now)
        self._task: TaskHandle | None = None
        self._again = False
        self._workspace: Workspace | None = None
        self.files: set[Path] = set()  # recovery files this session wrote (or restored)
        session.undo_stack.indexChanged.connect(self.schedule)
        session.report_refreshed.connect(self.schedule)
        session.workspace_loaded.connect(self._workspace_loaded)
        session.recovered.connect(self.adopt)
        session.ended.connect(self.forget)

    def schedule(self, *_: object) -> None:
        """(Re)start the countdown after a change."""
        ws = self.session.workspace
        if ws is not None and ws.dirty:
            self.timer.start()

    def write_now(self) -> TaskHandle | None:
        """Write the recovery file in the background now (if there is unsaved work)."""
        ws = self.session.workspace
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
        ws = self.session.workspace
        if ws is None or not ws.dirty:
            # Saved or discarded while writing: this snapshot must not be offered later.
            with contextlib.suppress(OSError):
                path.unlink()
            return
        self.files.add(path)
        self.written.emit(path)

    def _failed(self, exc: BaseException) -> None:
        self.failed.emit(str(exc))
        self.session.message.emit(f"Could not write the recovery file: {exc}", 8000)

    def _finished(self) -> None:
        if self._again:
            self._again = False
            self.timer.start()

    def _workspace_loaded(self) -> None:
        ws = self.session.workspace
        if ws is not self._workspace:
            # The previous workspace was saved or its changes discarded (the user was asked).
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


def _ask_restore(parent: QWidget, what: str, path: Path) -> bool | None:
    """True: restore, False: discard, None: keep it for later."""
    answer = QMessageBox.question(
        parent,
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


def restore(session: Session, parent: QWidget, recovery: Path, name: str) -> bool:
    """Open `recovery` as the session's workspace, marked as unsaved; False (with a
    message box over `parent`) on failure."""
    from kpi_desktop.core.workspace import Workspace, WorkspaceError
    from kpi_desktop.ui import errors

    try:
        ws = Workspace.open_recovery(recovery)
    except WorkspaceError as exc:
        errors.show_error(exc, parent=parent, title="Could not restore the unsaved work")
        return False
    session.set_workspace(ws, name)
    session.recovered.emit(recovery)
    session.modified_changed.emit()
    return True


def offer_recovery(session: Session, parent: QWidget, path: Path) -> bool:
    """Before opening `path`: if a crash left its recovery file, offer it; True if restored."""
    from kpi_desktop.core.workspace import Workspace

    recovery = Workspace.find_recovery(path)
    if recovery is None:
        return False
    choice = _ask_restore(parent, path.name, recovery)
    if choice is False:
        with contextlib.suppress(OSError):
            recovery.unlink()
    return bool(choice) and restore(session, parent, recovery, path.name)


def offer_startup_recovery(session: Session, parent: QWidget, folder: Path | None = None) -> bool:
    """At start: offer the newest recovery file of an untitled workspace or a recent file.

    `folder` holds untitled workspaces' files (default: the session's autosaver's).
    """
    from kpi_desktop.core.workspace import Workspace

    if folder is None:
        autosaver = session.findChild(Autosaver)
        folder = autosaver.folder if autosaver is not None else None
        folder = folder or default_recovery_folder(session.settings.store)
    candidates: list[tuple[Path, str]] = []
    if folder.is_dir():
        found = Workspace.find_recovery(folder)
        if found is not None:
            candidates.append((found, "an untitled workspace"))
    for file in session.settings.recent_files:
        found = Workspace.find_recovery(file)
        if found is not None:
            candidates.append((found, Path(file).name))
    if not candidates:
        return False
    recovery, what = max(candidates, key=lambda c: c[0].stat().st_mtime)
    choice = _ask_restore(parent, what, recovery)
    if choice is False:
        with contextlib.suppress(OSError):
            recovery.unlink()
        return False
    if not choice:
        return False
    name = what if what != "an untitled workspace" else "Restored workspace"
    return restore(session, parent, recovery, name)
