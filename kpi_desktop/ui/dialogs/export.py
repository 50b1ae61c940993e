"""File › Export…: Excel, PDF or CSV of the current filter, written in the background.

The dialog shows the filter the report will use, proposes a file name, asks before it
replaces a file (and says so when the file seems open in LibreOffice or Excel), then runs
the export with `run_task` while a progress bar and Cancel stay live. The core writes
atomically: a failure or a cancellation leaves the old file, or none, never a partial one.
`open_export_dialog` shows it over the session's workspace and filter.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from kpi_desktop.ui import style
from kpi_desktop.ui.tasks import TaskHandle, run_task

if TYPE_CHECKING:
    from kpi_desktop.core.progress import Progress
    from kpi_desktop.core.workspace import Workspace
    from kpi_desktop.ui.session import Session

#: format id -> (combo text, file suffix, file-dialog filter)
FORMATS: dict[str, tuple[str, str, str]] = {
    "xlsx": ("Excel workbook (.xlsx)", ".xlsx", "Excel workbooks (*.xlsx)"),
    "pdf": ("PDF report (.pdf)", ".pdf", "PDF documents (*.pdf)"),
    "csv": ("CSV of the campaign table (.csv)", ".csv", "CSV files (*.csv)"),
}
PAGE_SIZE_NAMES = ("A4", "Letter")
#: How long the "Exported … / Open folder" note stays in the status bar (ms).
DONE_NOTE_MS = 30_000


# --------------------------------------------------------------------------- plain helpers


@dataclass(frozen=True)
class ExportRequest:
    """What to export: the session's filter, resolved to dates and keys."""

    start: dt.date | None = None
    end: dt.date | None = None
    campaigns: tuple[str, ...] | None = None
    channels: tuple[str, ...] | None = None
    filter_text: str = ""
    workspace_name: str = ""


def default_file_name(fmt: str, today: dt.date | None = None) -> str:
    """`KPI report 2026-11-27.xlsx`; the CSV is the campaign table."""
    day = (today or dt.date.today()).isoformat()
    stem = "KPI campaigns" if fmt == "csv" else "KPI report"
    return f"{stem} {day}{FORMATS[fmt][1]}"


def lock_files(path: Path) -> list[Path]:
    """Lock files that LibreOffice (`.~lock.NAME#`) or Office (`~$NAME`) keep beside an
    open document. Office drops the first two characters of longer names, so both
    spellings are checked."""
    name = path.name
    candidates = [f".~lock.{name}#", f"~${name}"]
    if len(name) > 2:
        candidates.append(f"~${name[2:]}")
    return [path.with_name(c) for c in dict.fromkeys(candidates) if path.with_name(c).exists()]


def in_use_reason(path: Path) -> str | None:
    """Why `path` seems open in another program, or None."""
    locks = lock_files(path)
    if locks:
        lock = locks[0].name
        return f"{path.name} seems to be open in another program (its lock file {lock} is there)."
    if os.name == "nt" and path.exists():
        # Excel opens workbooks without write sharing: an exclusive open then fails.
        try:
            with open(path, "r+b"):
                pass
        except PermissionError:
            return f"{path.name} is open in another program."
    return None


def run_export(
    ws: Workspace,
    path: Path,
    fmt: str,
    request: ExportRequest,
    page_size: str = "A4",
    *,
    progress: Progress | None = None,
) -> Path:
    """Write one export (the worker function of the dialog and of tests); returns `path`."""
    from kpi_desktop.core import report

    common: dict[str, Any] = {
        "start": request.start,
        "end": request.end,
        "campaigns": request.campaigns,
        "channels": request.channels,
        "progress": progress,
    }
    if fmt == "xlsx":
        report.export_workspace_xlsx(ws, path, filters_text=request.filter_text or None, **common)
    elif fmt == "pdf":
        from kpi_desktop.ui.pdf import export_workspace_pdf

        export_workspace_pdf(
            ws,
            path,
            page_size=page_size,
            filters_text=request.filter_text or None,
            workspace_name=request.workspace_name,
            **common,
        )
    elif fmt == "csv":
        report.export_workspace_csv(ws, path, **common)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    return path


def request_from_session(session: Session) -> ExportRequest:
    """The session's current filter as an export request."""
    from kpi_desktop.core import series

    ws = session.workspace
    if ws is None:
        return ExportRequest()
    view = session.data_view if session.data_view is not None else series.DataView(ws)
    selection = session.selection or series.FilterSelection()
    period = view.period(selection)
    text = series.filter_summary(selection, period, view.campaign_names(), view.channel_names())
    return ExportRequest(
        start=period[0] if period else None,
        end=period[1] if period else None,
        campaigns=selection.campaigns,
        channels=selection.channels,
        filter_text=text,
        workspace_name=session.workspace_name,
    )


def confirm_overwrite(parent: QWidget | None, path: Path) -> bool:
    """Ask before replacing `path`; True when the user agrees (or nothing is there)."""
    if not path.exists():
        return True
    reason = in_use_reason(path)
    if reason:
        text = (
            f"{reason}\n\nReplace it anyway? The other program may keep showing the old "
            "report, or refuse the new one until you close it there."
        )
        title = "File is open elsewhere"
    else:
        text = f"{path.name} already exists in {path.parent}. Replace it?"
        title = "Replace file?"
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


# --------------------------------------------------------------------------- the dialog


class ExportDialog(QDialog):
    """`dialog_export`: format, page size, the filter, the file, then a background export."""

    #: emitted with the written file's path after a successful export.
    exported = Signal(str)
    #: emitted when an export failed, with the exception.
    export_failed = Signal(object)

    def __init__(
        self,
        ws: Workspace,
        request: ExportRequest,
        *,
        folder: str = "",
        fmt: str = "xlsx",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_export")
        self.setAccessibleName("dialog_export")
        self.setWindowTitle("Export Report")
        self.workspace = ws
        self.request = request
        self.handle: TaskHandle | None = None
        self.last_error: BaseException | None = None
        self._folder = Path(folder) if folder else Path.home()

        self._build_choices(request)
        self._build_progress()
        self._build_buttons()
        self._build_layout()
        self.combo_format.currentIndexChanged.connect(self._format_changed)
        index = self.combo_format.findData(fmt)
        self.combo_format.setCurrentIndex(max(index, 0))
        self._format_changed()

    def _build_choices(self, request: ExportRequest) -> None:
        self.combo_format = QComboBox()
        self.combo_format.setObjectName("combo_format")
        for key, (text, _, _) in FORMATS.items():
            self.combo_format.addItem(text, key)
        self.combo_format.setToolTip(
            "Excel: live formulas and charts. PDF: a report to send as it is. "
            "CSV: the campaign table for any other tool."
        )
        self.combo_page_size = QComboBox()
        self.combo_page_size.setObjectName("combo_page_size")
        self.combo_page_size.addItems(list(PAGE_SIZE_NAMES))
        self.combo_page_size.setToolTip("Paper size of the PDF pages")
        self.label_filter = QLabel(request.filter_text or "All data")
        self.label_filter.setObjectName("label_filter")
        self.label_filter.setWordWrap(True)
        self.label_filter.setToolTip("The report uses the filter of the main window")
        self.edit_path = QLineEdit()
        self.edit_path.setObjectName("edit_path")
        self.edit_path.setMinimumWidth(380)
        self.button_browse = QPushButton("Browse…")
        self.button_browse.setObjectName("button_browse")
        self.button_browse.clicked.connect(self.browse)

    def _build_progress(self) -> None:
        self.progress_export = QProgressBar()
        self.progress_export.setObjectName("progress_export")
        self.progress_export.setRange(0, 1000)
        self.progress_export.setValue(0)
        self.progress_export.setTextVisible(False)
        self.progress_export.hide()  # an empty bar before anything runs reads as "stuck"
        self.label_progress = QLabel("")
        self.label_progress.setObjectName("label_progress")
        self.label_progress.setWordWrap(True)

    def _build_buttons(self) -> None:
        self.buttons = QDialogButtonBox()
        self.button_export = self.buttons.addButton(
            "Export", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.button_export.setObjectName("button_export")
        self.button_export.setDefault(True)
        self.button_cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.button_cancel.setObjectName("button_cancel")
        self.button_export.clicked.connect(self.start_export)
        self.button_cancel.clicked.connect(self.reject)

    def _build_layout(self) -> None:
        path_row = QHBoxLayout()
        path_row.addWidget(self.edit_path, 1)
        path_row.addWidget(self.button_browse)
        form = QFormLayout()
        form.addRow("Format:", self.combo_format)
        form.addRow("Page size:", self.combo_page_size)
        form.addRow("Filter:", self.label_filter)
        form.addRow("File:", path_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress_export)
        layout.addWidget(self.label_progress)
        layout.addWidget(self.buttons)

    # -- state
    @property
    def fmt(self) -> str:
        return str(self.combo_format.currentData())

    @property
    def path(self) -> Path:
        return Path(self.edit_path.text().strip()).expanduser()

    def _format_changed(self, *_: object) -> None:
        fmt = self.fmt
        self.combo_page_size.setEnabled(fmt == "pdf")
        text = self.edit_path.text().strip()
        if not text:
            self.edit_path.setText(str(self._folder / default_file_name(fmt)))
            return
        # Keep the chosen folder and name; follow the format with the suffix.
        current = Path(text)
        if current.suffix.lower() in {s for _, s, _ in FORMATS.values()}:
            self.edit_path.setText(str(current.with_suffix(FORMATS[fmt][1])))

    def browse(self) -> None:
        fmt = self.fmt
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            "Export Report As",
            str(self.path),
            FORMATS[fmt][2],
            options=QFileDialog.Option.DontConfirmOverwrite,  # asked on Export, lock-aware
        )
        if chosen:
            self.edit_path.setText(chosen)

    def _set_running(self, running: bool) -> None:
        for widget in (self.combo_format, self.combo_page_size, self.edit_path, self.button_browse):
            widget.setEnabled(not running)
        if not running:
            self.combo_page_size.setEnabled(self.fmt == "pdf")
        self.button_export.setEnabled(not running)
        self.progress_export.setVisible(running)

    # -- export
    def start_export(self) -> None:
        """Check the target, ask before replacing it, then export in the background."""
        if self.handle is not None and self.handle.is_running:
            return
        path = self.path
        if not self.edit_path.text().strip():
            self._message("Choose a file to export to.", error=True)
            return
        suffix = FORMATS[self.fmt][1]
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
            self.edit_path.setText(str(path))
        if not path.parent.is_dir():
            self._message(f"The folder {path.parent} does not exist.", error=True)
            return
        if not confirm_overwrite(self, path):
            self._message("Not exported: the existing file was kept.")
            return
        self.last_error = None
        self._set_running(True)
        self.progress_export.setValue(0)
        self._message("Exporting…")
        self.handle = run_task(
            run_export,
            self.workspace,
            path,
            self.fmt,
            self.request,
            self.combo_page_size.currentText(),
            on_done=self._done,
            on_error=self._failed,
            on_progress=self._progress,
        )
        self.handle.signals.cancelled.connect(self._cancelled)

    def _progress(self, fraction: float, message: str) -> None:
        self.progress_export.setValue(round(fraction * 1000))
        if message:
            self._message(f"{message}…" if message != "Done" else "Done")

    def _done(self, path: object) -> None:
        self._set_running(False)
        self.progress_export.setValue(1000)
        self.exported.emit(str(path))
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.last_error = exc
        self._set_running(False)
        self.progress_export.setValue(0)
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        self._message(
            f"Could not export: {detail or type(exc).__name__}. Nothing was written.", error=True
        )
        self.export_failed.emit(exc)

    def _cancelled(self) -> None:
        self._set_running(False)
        self.progress_export.setValue(0)
        self._message("Export cancelled. Nothing was written.")

    def _message(self, text: str, *, error: bool = False) -> None:
        self.label_progress.setText(text)
        self.label_progress.setStyleSheet(f"color: {style.BAD};" if error else "")

    def reject(self) -> None:
        """Cancel stops a running export first; the dialog closes once nothing runs."""
        if self.handle is not None and self.handle.is_running:
            self.handle.cancel()
            self._message("Cancelling…")
            return
        super().reject()


# --------------------------------------------------------------------------- opening it


def open_export_dialog(session: Session, parent: QWidget, fmt: str = "xlsx") -> ExportDialog | None:
    """Show the export dialog for the session's workspace and current filter (modal, not
    blocking); a successful export is announced by `Session.exported`."""
    ws = session.workspace
    if ws is None:
        return None
    settings = session.settings
    dialog = ExportDialog(
        ws, request_from_session(session), folder=settings.last_directory, fmt=fmt, parent=parent
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def exported(path: str) -> None:
        settings.last_directory = str(Path(path).parent)
        session.exported.emit(Path(path))

    dialog.exported.connect(exported)
    dialog.setModal(True)
    dialog.show()
    return dialog


def show_export_done(status: QStatusBar, path: Path) -> QWidget:
    """A status-bar note "Exported NAME" with an Open folder button, for a while."""
    old = status.findChild(QWidget, "widget_export_done")
    if old is not None:
        status.removeWidget(old)
        old.deleteLater()
    note = QWidget()
    note.setObjectName("widget_export_done")
    row = QHBoxLayout(note)
    row.setContentsMargins(0, 0, 0, 0)
    label = QLabel(f"Exported {path.name}")
    label.setObjectName("label_export_done")
    label.setToolTip(str(path))
    button = QPushButton("Open folder")
    button.setObjectName("button_open_folder")
    button.setToolTip(str(path.parent))
    button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent))))
    row.addWidget(label)
    row.addWidget(button)
    status.clearMessage()
    status.addWidget(note)
    timer = QTimer(note)  # dies with the note if it goes first
    timer.setSingleShot(True)
    timer.timeout.connect(note.deleteLater)
    timer.start(DONE_NOTE_MS)
    return note
