"""The import dialog (DESIGN section 4): preview, preset, sheet, column mapping, problems.

Files are read on a pool thread (`run_task`) one after the other, with a progress bar
and Cancel; nothing touches the workspace until Import is pressed, which pushes one undo
step (a macro of `ImportSources` and the confirmed `AddAlias` commands).

Mappings the user corrected are remembered per layout signature in the user's
QSettings (`import/mappings/<signature>`, JSON) — a user-level setting, so that the
next export of the same layout maps the same way in any workspace.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStyle,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kpi_desktop.ui import errors, style
from kpi_desktop.ui.dialogs.import_models import PreviewModel, ProblemsModel
from kpi_desktop.ui.tasks import TaskHandle, run_task

if TYPE_CHECKING:
    from kpi_desktop.core.io.importer import ImportResult
    from kpi_desktop.core.io.merge import AliasSuggestion
    from kpi_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)

DATA_FILTER = "Spreadsheets and CSV (*.xlsx *.xlsm *.xls *.ods *.csv *.tsv *.txt);;All files (*)"
MAPPING_KEY = "import/mappings/"
IGNORE = "— ignore —"
ROLE_WORDS = {
    "ad": "ad platform: supplies spend; its own clicks and conversions are kept for reference",
    "web": "web analytics: supplies visitors, conversions and revenue",
    "bot": "bot platform: supplies users, interactions and the other bot fields",
    "other": "other source: columns matched by name",
}
TARGET_LABELS = {
    "@date_start": "Period start (reporting starts)",
    "@date_end": "Period end (reporting ends)",
    "@campaign_id": "Campaign ID (not imported)",
    "@currency": "Currency code",
    "@time": "Event time",
    "@user": "User ID",
    "@event": "Event type",
    "@matched": "Matched flag",
}


def target_label(target: str) -> str:
    """What a mapping target is called in the combo box."""
    from kpi_desktop.core.schema import FIELDS

    if target in FIELDS:
        return FIELDS[target].label
    return TARGET_LABELS.get(target, target)


@dataclass(frozen=True)
class ReadResult:
    """A file read for the preview, and whether a remembered mapping was applied."""

    result: ImportResult
    remembered: bool


def read_file(
    path: Path,
    sheet: str | None,
    mapping: Mapping[str, str | None] | None,
    signature: str | None,
    remembered: Mapping[str, Mapping[str, str | None]],
    *,
    progress: Any,
) -> ReadResult:
    """Import one file for the preview (pool thread, no Qt): with the user's mapping,
    else with the one remembered for its layout."""
    from kpi_desktop.core.io.importer import ImportOptions, import_file

    options = ImportOptions(
        sheet=sheet, mapping=dict(mapping) if mapping else None, layout_signature=signature
    )
    result = import_file(path, options, progress)
    if mapping is None:
        saved = remembered.get(result.layout_signature)
        if saved and dict(saved) != result.mapping:
            again = ImportOptions(
                sheet=result.sheet, mapping=dict(saved), layout_signature=result.layout_signature
            )
            return ReadResult(import_file(path, again, progress), remembered=True)
    return ReadResult(result, remembered=False)


@dataclass(frozen=True)
class _Failure:
    """A read that failed, handed back as a value (message only, no traceback frames)."""

    error: BaseException


def _read_safely(reader: Callable[..., Any], *args: Any, progress: Any) -> Any:
    """Run `reader` on the pool thread; a failure comes back as a `_Failure` value."""
    from kpi_desktop.core.io.errors import FileUnreadable
    from kpi_desktop.core.progress import Cancelled

    try:
        return reader(*args, progress=progress)
    except Cancelled:
        raise
    except FileUnreadable as exc:
        return _Failure(FileUnreadable(exc.message, exc.path))
    except OSError as exc:
        return _Failure(OSError(exc.errno, exc.strerror))
    except Exception as exc:  # shown as one sentence in the dialog; logged in full
        log.exception("reading %s failed", args[0] if args else "a file")
        return _Failure(RuntimeError(str(exc)))


@dataclass
class ImportFile:
    """One file in the dialog and what is known about it."""

    path: Path
    sheet: str | None = None
    mapping: dict[str, str | None] | None = None  # the user's corrections, all columns
    edited: bool = False
    remembered: bool = False
    result: ImportResult | None = None
    error: str = ""
    state: str = "waiting"  # waiting, reading, ready, failed, cancelled
    replace_id: str | None = None
    replace: bool = True
    notes: list[str] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return (
            self.state == "ready" and self.result is not None and any(self.result.mapping.values())
        )


class ImportDialog(QDialog):
    """Choose files, check how they are read, correct the mapping, import them."""

    #: every queued file has been read (or failed, or was cancelled).
    files_loaded = Signal()
    #: one file finished reading (ready, failed or cancelled); carries its index.
    file_loaded = Signal(int)
    #: the import was applied to the workspace (one undo step).
    import_applied = Signal()

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.files: list[ImportFile] = []
        self.reader: Callable[..., ReadResult] = read_file
        #: read files on a pool thread (False: on the calling thread, for screenshots).
        self.background = True
        self._task: TaskHandle | None = None
        self._current = -1
        self._filling = False
        self._suggestions: list[AliasSuggestion] = []
        self.setObjectName("dialog_import")
        self.setAccessibleName("dialog_import")
        self.setWindowTitle("Import Data")
        self.setAcceptDrops(True)
        self._build()
        self.resize(1180, 780)
        self._update_buttons()

    # -- building ------------------------------------------------------------------------
    def _build(self) -> None:
        intro = QLabel(
            "Add the Excel or CSV exports of your ad platforms, web analytics and bot "
            "platform (or drop them here). Check how each file is read, correct a column "
            "if needed, then press <b>Import</b>."
        )
        intro.setWordWrap(True)
        intro.setObjectName("label_import_intro")

        self.list_files = QListWidget()
        self.list_files.setObjectName("list_import_files")
        self.list_files.setAccessibleName("Files to import")
        self.list_files.currentRowChanged.connect(self._select)
        self.button_add = QPushButton("Add Files…")
        self.button_add.setObjectName("button_import_add")
        self.button_add.clicked.connect(self.choose_files)
        self.button_remove = QPushButton("Remove")
        self.button_remove.setObjectName("button_import_remove")
        self.button_remove.setToolTip("Leave the selected file out of this import")
        self.button_remove.clicked.connect(self.remove_current)
        files_box = QVBoxLayout()
        files_box.addWidget(QLabel("<b>Files</b>"))
        files_box.addWidget(self.list_files, 1)
        row = QHBoxLayout()
        row.addWidget(self.button_add)
        row.addWidget(self.button_remove)
        files_box.addLayout(row)
        files_panel = QWidget()
        files_panel.setLayout(files_box)
        files_panel.setMaximumWidth(300)

        self.label_file = QLabel("No file yet: add one with <b>Add Files…</b> or drop it here.")
        self.label_file.setObjectName("label_import_file")
        self.label_file.setWordWrap(True)
        self.label_preset = QLabel()
        self.label_preset.setObjectName("label_import_preset")
        self.label_preset.setAccessibleName("label_import_preset")
        self.label_preset.setWordWrap(True)
        self.label_summary = QLabel()
        self.label_summary.setObjectName("label_import_summary")
        self.label_summary.setWordWrap(True)
        self.label_error = QLabel()
        self.label_error.setObjectName("label_import_error")
        self.label_error.setWordWrap(True)
        self.label_error.setStyleSheet(
            f"color: {style.BAD}; background: #fdf0e9; border: 1px solid {style.BAD};"
            " border-radius: 4px; padding: 8px;"
        )
        self.label_error.hide()
        self.combo_sheet = QComboBox()
        self.combo_sheet.setObjectName("combo_import_sheet")
        self.combo_sheet.setAccessibleName("combo_import_sheet")
        self.combo_sheet.setToolTip("The sheet that holds the table")
        # Sheet names like "Daily stats" must not be cut to "Daily sta".
        self.combo_sheet.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo_sheet.currentTextChanged.connect(self._sheet_changed)
        self.check_replace = QCheckBox()
        self.check_replace.setObjectName("check_import_replace")
        self.check_replace.toggled.connect(self._replace_toggled)
        self.check_replace.hide()
        sheet_row = QHBoxLayout()
        sheet_row.addWidget(QLabel("Sheet:"))
        sheet_row.addWidget(self.combo_sheet)
        sheet_row.addStretch(1)

        self.model_preview = PreviewModel(self)
        self.table_preview = QTableView()
        self.table_preview.setObjectName("table_import_preview")
        self.table_preview.setAccessibleName("table_import_preview")
        self.table_preview.setModel(self.model_preview)
        self.table_preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table_preview.horizontalHeader().setDefaultSectionSize(110)
        self.table_preview.verticalHeader().setDefaultSectionSize(22)

        self.table_mapping = QTableWidget(0, 3)
        self.table_mapping.setObjectName("table_import_mapping")
        self.table_mapping.setAccessibleName("table_import_mapping")
        self.table_mapping.setHorizontalHeaderLabels(["Column in the file", "Imported as", "e.g."])
        self.table_mapping.verticalHeader().setVisible(False)
        self.table_mapping.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table_mapping.verticalHeader().setDefaultSectionSize(28)
        header = self.table_mapping.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table_mapping.setColumnWidth(0, 190)
        self.table_mapping.setColumnWidth(1, 250)

        self.model_problems = ProblemsModel(self)
        self.table_problems = QTableView()
        self.table_problems.setObjectName("table_import_problems")
        self.table_problems.setAccessibleName("table_import_problems")
        self.table_problems.setModel(self.model_problems)
        self.table_problems.verticalHeader().setVisible(False)
        self.table_problems.horizontalHeader().setStretchLastSection(True)
        self.table_problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

        self.label_mapping = QLabel("<b>Columns</b> — pick what a column holds, or ignore it")
        self.label_problems = QLabel("<b>Problems</b>")
        mapping_panel = _boxed(self.label_mapping, self.table_mapping)
        problems_panel = _boxed(self.label_problems, self.table_problems)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(mapping_panel)
        bottom.addWidget(problems_panel)
        bottom.setSizes([780, 300])
        preview_panel = _boxed(
            QLabel("<b>Preview</b> — the file as it is; the highlighted row is the header"),
            self.table_preview,
        )
        middle = QSplitter(Qt.Orientation.Vertical)
        middle.addWidget(preview_panel)
        middle.addWidget(bottom)
        middle.setSizes([260, 320])

        detail = QVBoxLayout()
        detail.addWidget(self.label_file)
        detail.addWidget(self.label_preset)
        detail.addWidget(self.label_summary)
        detail.addLayout(sheet_row)
        detail.addWidget(self.label_error)
        detail.addWidget(self.check_replace)
        detail.addWidget(middle, 1)
        detail_panel = QWidget()
        detail_panel.setLayout(detail)

        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(files_panel)
        top.addWidget(detail_panel)
        top.setStretchFactor(1, 1)

        self.group_aliases = QGroupBox("Same campaign, different names? Tick the pairs to merge")
        self.group_aliases.setObjectName("group_import_aliases")
        self.list_aliases = QListWidget()
        self.list_aliases.setObjectName("list_import_aliases")
        self.list_aliases.setMaximumHeight(96)
        alias_box = QVBoxLayout(self.group_aliases)
        alias_box.addWidget(self.list_aliases)
        self.group_aliases.hide()

        self.progress = QProgressBar()
        self.progress.setObjectName("progress_import")
        self.progress.setAccessibleName("progress_import")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.label_progress = QLabel()
        self.label_progress.setObjectName("label_import_progress")
        self.button_cancel = QPushButton("Cancel")
        self.button_cancel.setObjectName("button_import_cancel")
        self.button_cancel.setAccessibleName("button_import_cancel")
        self.button_cancel.setToolTip("Stop reading the files; nothing is imported")
        self.button_cancel.clicked.connect(self.cancel_reading)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.label_progress)
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.button_cancel)
        for widget in (self.progress, self.label_progress, self.button_cancel):
            widget.hide()

        self.buttons = QDialogButtonBox()
        self.button_apply = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.button_apply.setObjectName("button_import_apply")
        self.button_close = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.button_close.setObjectName("button_import_close")
        self.button_apply.clicked.connect(self.apply)
        self.button_close.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(top, 1)
        layout.addWidget(self.group_aliases)
        layout.addLayout(progress_row)
        layout.addWidget(self.buttons)

    # -- files ---------------------------------------------------------------------------
    def choose_files(self) -> None:
        settings = self.window_.settings
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Add Files to Import", settings.last_directory, DATA_FILTER
        )
        if paths:
            settings.last_directory = str(Path(paths[0]).parent)
            self.add_files(paths)

    def add_files(self, paths: Iterable[str | Path]) -> None:
        """Queue files for reading (a file already in the list is not added twice)."""
        known = {f.path.resolve() for f in self.files}
        for raw in paths:
            path = Path(raw)
            if path.resolve() in known:
                continue
            known.add(path.resolve())
            self.files.append(ImportFile(path))
            item = QListWidgetItem(path.name)
            item.setToolTip(str(path))
            self.list_files.addItem(item)
            self._decorate(len(self.files) - 1)
        if self.list_files.currentRow() < 0 and self.files:
            self.list_files.setCurrentRow(0)
        self._next()

    def remove_current(self) -> None:
        row = self.list_files.currentRow()
        if row < 0 or self.files[row].state == "reading":
            return
        del self.files[row]
        self.list_files.takeItem(row)
        self._refresh_aliases()
        self._select(self.list_files.currentRow())
        self._update_buttons()

    def _next(self) -> None:
        """Start reading the next waiting file, one at a time."""
        if self._task is not None:
            return
        index = next((i for i, f in enumerate(self.files) if f.state == "waiting"), None)
        if index is None:
            self._show_progress(False)
            self._update_buttons()
            self.files_loaded.emit()
            return
        file = self.files[index]
        file.state = "reading"
        file.error = ""
        self._decorate(index)
        self._show_progress(True, f"Reading {file.path.name}…")
        args = (
            file.path,
            file.sheet,
            file.mapping,
            file.result.layout_signature if file.result is not None and file.mapping else None,
            self._remembered(),
        )
        if not self.background:
            self._read_here(file, args)
            return
        self._task = run_task(
            _read_safely,
            self.reader,
            *args,
            on_done=lambda payload, f=file: self._done(f, payload),
            on_error=lambda exc, f=file: self._failed(f, exc),
            on_progress=self._progressed,
        )
        self._task.signals.cancelled.connect(lambda f=file: self._cancelled(f))
        self._update_buttons()

    def _read_here(self, file: ImportFile, args: tuple[Any, ...]) -> None:
        """Read on this thread (`background = False`: screenshots, scripts)."""
        from kpi_desktop.core.progress import NullProgress

        try:
            payload = self.reader(*args, progress=NullProgress())
        except Exception as exc:  # shown in the dialog like a background failure
            self._failed(file, exc)
        else:
            self._done(file, payload)

    def cancel_reading(self) -> None:
        """Stop the running read and leave the files still waiting unread."""
        for index, file in enumerate(self.files):
            if file.state == "waiting":
                file.state = "cancelled"
                file.error = "Not read: reading was cancelled."
                self._decorate(index)
        if self._task is not None:
            self.label_progress.setText("Cancelling…")
            self._task.cancel()

    def _finish(self, file: ImportFile) -> None:
        self._task = None
        if file in self.files:
            index = self.files.index(file)
            self._decorate(index)
            if index == self.list_files.currentRow():
                self._select(index)
            self.file_loaded.emit(index)
        self._refresh_aliases()
        self._next()

    def _done(self, file: ImportFile, payload: ReadResult | _Failure) -> None:
        if isinstance(payload, _Failure):
            self._failed(file, payload.error)
            return
        result, remembered = payload.result, payload.remembered
        file.result = result
        file.state = "ready"
        file.sheet = result.sheet
        if remembered:
            file.remembered = True
            file.mapping = dict(result.mapping)
        ws = self.window_.workspace
        file.replace_id = ws.find_replaceable(result) if ws is not None else None
        if not any(result.mapping.values()):
            file.error = (
                f"No column of “{result.file_name}” is a known field: pick what the "
                "columns hold below, or remove the file."
            )
        self._finish(file)

    def _failed(self, file: ImportFile, exc: BaseException) -> None:
        from kpi_desktop.core.io.errors import FileUnreadable

        file.state = "failed"
        file.result = None
        if isinstance(exc, FileUnreadable):
            file.error = exc.message
        elif isinstance(exc, OSError):
            file.error = f"“{file.path.name}” could not be read: {exc.strerror or exc}."
        else:
            file.error = f"“{file.path.name}” could not be imported. {errors.user_message(exc)}"
        self._finish(file)

    def _cancelled(self, file: ImportFile) -> None:
        file.state = "cancelled"
        file.error = "Reading was cancelled: nothing from this file will be imported."
        self._finish(file)

    def _progressed(self, fraction: float, message: str) -> None:
        self.progress.setValue(round(fraction * 1000))
        if message:
            self.label_progress.setText(message)

    def _show_progress(self, on: bool, text: str = "") -> None:
        for widget in (self.progress, self.label_progress, self.button_cancel):
            widget.setVisible(on)
        self.progress.setValue(0)
        self.label_progress.setText(text)

    def _decorate(self, index: int) -> None:
        file = self.files[index]
        item = self.list_files.item(index)
        sp = QStyle.StandardPixmap
        icon = {
            "ready": sp.SP_DialogApplyButton,
            "failed": sp.SP_MessageBoxWarning,
            "cancelled": sp.SP_DialogCancelButton,
            "reading": sp.SP_BrowserReload,
            "waiting": sp.SP_FileIcon,
        }[file.state]
        if file.state == "ready" and not file.usable:
            icon = sp.SP_MessageBoxWarning
        item.setIcon(self.style().standardIcon(icon))
        detail = ""
        if file.result is not None and file.state == "ready":
            detail = f"{file.result.label or file.result.preset} · {len(file.result.facts):,} rows"
        elif file.state != "ready":
            detail = {"failed": "cannot be imported", "cancelled": "cancelled"}.get(
                file.state, file.state + "…"
            )
        item.setText(f"{file.path.name}\n{detail}")
        item.setToolTip(file.error or str(file.path))

    # -- the selected file ------------------------------------------------------------------
    def _select(self, index: int) -> None:
        self._current = index
        file = self.files[index] if 0 <= index < len(self.files) else None
        self._filling = True
        try:
            self._show_file(file)
        finally:
            self._filling = False
        self._update_buttons()

    def _show_file(self, file: ImportFile | None) -> None:
        result = file.result if file is not None and file.state == "ready" else None
        self.label_error.setVisible(bool(file and file.error))
        self.label_error.setText(file.error if file else "")
        if file is None:
            self.label_file.setText("No file yet: add one with <b>Add Files…</b> or drop it here.")
        else:
            self.label_file.setText(f"<b>{_escape(file.path.name)}</b>")
        self.combo_sheet.clear()
        self.model_problems.set_problems(result.problems if result else [])
        self.label_problems.setText(
            f"<b>Problems</b> ({len(result.problems)} rows or cells left out)"
            if result and result.problems
            else "<b>Problems</b> — none found"
            if result
            else "<b>Problems</b>"
        )
        self.table_mapping.setRowCount(0)
        if result is None:
            self.model_preview.clear()
            self.label_preset.setText(
                "Reading…" if file is not None and file.state == "reading" else ""
            )
            self.label_summary.setText("")
            # Not the previous file's "9 of 11 imported" under an empty table.
            self.label_mapping.setText("<b>Columns</b>")
            self.check_replace.hide()
            self.combo_sheet.setEnabled(False)
            return
        assert file is not None
        self.combo_sheet.addItems(result.sheets or [result.sheet])
        self.combo_sheet.setCurrentText(result.sheet)
        self.combo_sheet.setEnabled(len(result.sheets) > 1)
        role = ROLE_WORDS.get(result.role, "")
        how = " — your remembered column choices" if file.remembered else ""
        how = " — your column choices" if file.edited else how
        self.label_preset.setText(
            f"Detected: <b>{_escape(result.label or result.preset)}</b> ({_escape(role)}){how}"
        )
        self.label_summary.setText(self._summary(result))
        self._fill_preview(result)
        self._fill_mapping(result)
        if file.replace_id is not None:
            self.check_replace.setText(
                "This file was imported before: replace the earlier import "
                "(edits that still match a row are kept)"
            )
            self.check_replace.setChecked(file.replace)
            self.check_replace.show()
        else:
            self.check_replace.hide()

    @staticmethod
    def _summary(result: ImportResult) -> str:
        start, end = result.period
        if start and end:
            period = (
                start.strftime("%-d %b %Y")
                if start == end
                else f"{start.strftime('%-d %b %Y')} – {end.strftime('%-d %b %Y')}"
            )
        else:
            period = "no dates (lifetime totals)"
        parts = [
            f"Period: <b>{period}</b>",
            f"Currency: <b>{_escape(result.currency) or 'none found'}</b>",
            f"{len(result.facts):,} rows to import",
        ]
        if result.summary_rows_dropped:
            parts.append(f"{result.summary_rows_dropped} total row(s) left out")
        if result.header_row:
            parts.append(f"header on row {result.header_row}")
        return " · ".join(parts)

    def _fill_preview(self, result: ImportResult) -> None:
        headers = [h for h in result.headers if h]
        header_index = -1
        for i, row in enumerate(result.preview):
            cells = [str(c).strip() for c in row if c not in (None, "")]
            if cells and cells == headers:
                header_index = i
                break
        if header_index < 0 and 0 < result.header_row <= len(result.preview):
            header_index = result.header_row - 1
        self.model_preview.set_rows(result.preview, header_index)
        if header_index >= 0:
            self.table_preview.scrollTo(self.model_preview.index(max(header_index - 1, 0), 0))

    def _fill_mapping(self, result: ImportResult) -> None:
        from kpi_desktop.core.io.presets import valid_targets

        targets = valid_targets()
        sample = self._sample_row(result)
        self.table_mapping.setRowCount(len(result.mapping))
        for row, (header, target) in enumerate(result.mapping.items()):
            name = QTableWidgetItem(header)
            name.setToolTip(header)
            self.table_mapping.setItem(row, 0, name)
            combo = QComboBox()
            combo.setObjectName(f"combo_import_target_{row}")
            combo.setAccessibleName(f"Imported as, column {header}")
            combo.addItem(IGNORE, None)
            for t in targets:
                combo.addItem(target_label(t), t)
            combo.setCurrentIndex(max(combo.findData(target), 0) if target else 0)
            combo.currentIndexChanged.connect(self._mapping_changed)
            self.table_mapping.setCellWidget(row, 1, combo)
            example = QTableWidgetItem(sample.get(header, ""))
            example.setForeground(Qt.GlobalColor.darkGray)
            self.table_mapping.setItem(row, 2, example)
        mapped = sum(1 for t in result.mapping.values() if t)
        self.label_mapping.setText(
            f"<b>Columns</b> — {mapped} of {len(result.mapping)} imported; "
            "pick what a column holds, or ignore it"
        )

    @staticmethod
    def _sample_row(result: ImportResult) -> dict[str, str]:
        """Header -> the first non-empty value below the header, for the mapping table."""
        headers = result.headers
        out: dict[str, str] = {}
        start = next(
            (
                i + 1
                for i, row in enumerate(result.preview)
                if [str(c).strip() for c in row if c not in (None, "")] == headers
            ),
            0,
        )
        for row in result.preview[start : start + 5]:
            cells = list(row)
            for j, cell in enumerate(cells):
                if j < len(headers) and headers[j] not in out and cell not in (None, ""):
                    out[headers[j]] = str(cell)
        return out

    def mapping_combo(self, header: str) -> QComboBox:
        """The "Imported as" combo of a column of the selected file (tests, automation)."""
        for row in range(self.table_mapping.rowCount()):
            item = self.table_mapping.item(row, 0)
            if item is not None and item.text() == header:
                widget = self.table_mapping.cellWidget(row, 1)
                assert isinstance(widget, QComboBox)
                return widget
        raise KeyError(header)

    def _mapping_changed(self) -> None:
        if self._filling or not 0 <= self._current < len(self.files):
            return
        file = self.files[self._current]
        if file.result is None or file.state != "ready":
            return
        mapping: dict[str, str | None] = {}
        for row in range(self.table_mapping.rowCount()):
            item = self.table_mapping.item(row, 0)
            combo = self.table_mapping.cellWidget(row, 1)
            if item is not None and isinstance(combo, QComboBox):
                mapping[item.text()] = combo.currentData()
        file.mapping = mapping
        file.edited = True
        file.state = "waiting"
        self._next()

    def _sheet_changed(self, name: str) -> None:
        if self._filling or not name or not 0 <= self._current < len(self.files):
            return
        file = self.files[self._current]
        if file.result is None or name == file.result.sheet:
            return
        file.sheet = name
        file.mapping = None
        file.edited = file.remembered = False
        file.state = "waiting"
        self._next()

    def _replace_toggled(self, on: bool) -> None:
        if not self._filling and 0 <= self._current < len(self.files):
            self.files[self._current].replace = on

    # -- aliases ------------------------------------------------------------------------------
    def _refresh_aliases(self) -> None:
        """Suggest campaign-name pairs across the new files and the workspace's sources."""
        from kpi_desktop.core.io.merge import suggest_key_aliases
        from kpi_desktop.core.io.presets import PRESET_LABELS, PRESET_ROLES

        ready = [f.result for f in self.files if f.usable and f.result is not None]
        checked = {
            self.list_aliases.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.list_aliases.count())
            if self.list_aliases.item(i).checkState() == Qt.CheckState.Checked
        }
        self.list_aliases.clear()
        self._suggestions = []
        ws = self.window_.workspace
        if not ready or ws is None:
            self.group_aliases.hide()
            return
        sources: list[tuple[str, str, Any]] = []
        labels: dict[str, str] = {}
        names: dict[str, str] = {}
        replaced = {f.replace_id for f in self.files if f.usable and f.replace}
        facts = ws.facts()
        for info in ws.sources():
            if info.id in replaced:
                continue
            keys = facts.loc[facts["source_id"] == info.id, "campaign_key"]
            sources.append((info.id, PRESET_ROLES.get(info.platform, "other"), keys))
            labels[info.id] = PRESET_LABELS.get(info.platform) or info.file_name or info.id
        new_ids = set()
        for result in ready:
            sources.append((result.source_id, result.role, result.facts["campaign_key"]))
            labels[result.source_id] = result.label or result.file_name
            new_ids.add(result.source_id)
            pairs = zip(result.facts["campaign_key"], result.facts["campaign"], strict=True)
            for key, name in pairs:
                names.setdefault(str(key), str(name))
        aliases = ws.aliases()
        chosen: dict[str, AliasSuggestion] = {}
        for s in suggest_key_aliases(sources):
            if not new_ids & set(s.sources) or s.key in aliases or s.key == s.canonical:
                continue
            best = chosen.get(s.key)
            # One target per name: prefer a target that is not itself being merged away.
            if best is None or (best.canonical in chosen and s.canonical not in chosen):
                chosen[s.key] = s
        for s in chosen.values():
            if s.canonical in chosen:
                continue  # chains (a -> b -> c) are left for the Campaigns tab
            self._suggestions.append(s)
            item = QListWidgetItem(
                f"“{names.get(s.key, s.key)}” ({labels.get(s.sources[0], s.sources[0])}) is "
                f"“{names.get(s.canonical, s.canonical)}” "
                f"({labels.get(s.sources[1], s.sources[1])})"
            )
            item.setData(Qt.ItemDataRole.UserRole, (s.key, s.canonical))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked
                if (s.key, s.canonical) in checked
                else Qt.CheckState.Unchecked
            )
            self.list_aliases.addItem(item)
        self.group_aliases.setVisible(bool(self._suggestions))

    def checked_aliases(self) -> list[tuple[str, str]]:
        out = []
        for i in range(self.list_aliases.count()):
            item = self.list_aliases.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                key, canonical = item.data(Qt.ItemDataRole.UserRole)
                out.append((str(key), str(canonical)))
        return out

    # -- applying ---------------------------------------------------------------------------
    def _update_buttons(self) -> None:
        usable = [f for f in self.files if f.usable]
        busy = self._task is not None
        self.button_apply.setEnabled(bool(usable) and not busy)
        self.button_apply.setText(f"Import {len(usable)} Files" if len(usable) > 1 else "Import")
        self.button_apply.setDefault(bool(usable) and not busy)
        row = self.list_files.currentRow()
        self.button_remove.setEnabled(
            0 <= row < len(self.files) and self.files[row].state != "reading"
        )

    def apply(self) -> None:
        """Import the readable files as one undo step, with the ticked campaign merges."""
        from kpi_desktop.core.commands import AddAlias, ImportSources

        window = self.window_
        usable = [f for f in self.files if f.usable and f.result is not None]
        if not usable or self._task is not None or window.workspace is None:
            return
        results = [f.result for f in usable]
        replace = {i: f.replace_id for i, f in enumerate(usable) if f.replace_id and f.replace}
        command = ImportSources(results, replace)
        aliases = self.checked_aliases()
        stack = window.undo_stack
        stack.beginMacro(command.text)
        try:
            window.push_command(command)
            for key, canonical in aliases:
                window.push_command(AddAlias(window.workspace, key, canonical))
        finally:
            stack.endMacro()
        self._remember(usable)
        self.import_applied.emit()
        self.accept()

    # -- remembered mappings ------------------------------------------------------------------
    def _remembered(self) -> dict[str, dict[str, str | None]]:
        store = self.window_.settings.store
        out: dict[str, dict[str, str | None]] = {}
        store.beginGroup(MAPPING_KEY.rstrip("/"))
        try:
            for key in store.childKeys():
                text = str(store.value(key, "", type=str))
                try:
                    value = json.loads(text)
                except ValueError:
                    continue
                if isinstance(value, dict):
                    out[key] = {str(k): (str(v) if v else None) for k, v in value.items()}
        finally:
            store.endGroup()
        return out

    def _remember(self, files: Sequence[ImportFile]) -> None:
        store = self.window_.settings.store
        for file in files:
            if file.edited and file.result is not None and file.result.layout_signature:
                store.setValue(
                    MAPPING_KEY + file.result.layout_signature, json.dumps(file.result.mapping)
                )
        store.sync()

    # -- closing, drops -------------------------------------------------------------------------
    def reject(self) -> None:
        if self._task is not None:
            # Stop the read and drop its answer: the dialog is going away.
            self.cancel_reading()
            signals = self._task.signals
            for signal in (signals.done, signals.failed, signals.cancelled, signals.progress):
                signal.disconnect()
            self._task = None
        super().reject()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_files(event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_files(event.mimeData().urls())
        if paths:
            event.acceptProposedAction()
            self.add_files(paths)


def dropped_files(urls: Iterable[Any]) -> list[Path]:
    """Local files among dropped URLs (folders and web links are left out)."""
    out = []
    for url in urls:
        if url.isLocalFile():
            path = Path(url.toLocalFile())
            if path.is_file():
                out.append(path)
    return out


def _boxed(title: QLabel, body: QWidget) -> QWidget:
    frame = QFrame()
    box = QVBoxLayout(frame)
    box.setContentsMargins(0, 4, 0, 0)
    box.addWidget(title)
    box.addWidget(body, 1)
    return frame


def _escape(text: str) -> str:
    import html

    return html.escape(str(text))
