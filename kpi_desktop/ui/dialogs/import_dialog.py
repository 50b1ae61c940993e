"""The import dialog (DESIGN section 4): preview, preset, sheet, column mapping, problems.

Files are read on a pool thread (`run_task`) one after the other, with a progress bar
and Cancel; nothing touches the workspace until Import is pressed, which pushes one undo
step (a macro of `ImportSources` and the confirmed `AddAlias` commands).

Mappings the user corrected are remembered per layout signature in the user's
QSettings (`import/mappings/<signature>`, JSON) — a user-level setting, so that the
next export of the same layout maps the same way in any workspace.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
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
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kpi_desktop.ui import errors, style
from kpi_desktop.ui.dialogs.import_aliases import alias_candidates, pick_suggestions
from kpi_desktop.ui.dialogs.import_mappings import remember_mappings, remembered_mappings
from kpi_desktop.ui.dialogs.import_models import PreviewModel, ProblemsModel
from kpi_desktop.ui.dialogs.import_reading import (
    ImportFile,
    ReadFailure,
    ReadResult,
    read_file,
    read_safely,
)
from kpi_desktop.ui.dialogs.import_widgets import (
    ROLE_WORDS,
    FilesPanel,
    MappingTable,
    boxed,
    dropped_preview_rows,
    escape,
    header_index,
    summary_text,
)
from kpi_desktop.ui.tasks import TaskHandle, run_task

if TYPE_CHECKING:
    from kpi_desktop.core.io.merge import AliasSuggestion
    from kpi_desktop.core.io.result import ImportResult
    from kpi_desktop.ui.session import Session

DATA_FILTER = "Spreadsheets and CSV (*.xlsx *.xlsm *.xls *.ods *.csv *.tsv *.txt);;All files (*)"
NO_FILE = "No file yet: add one with <b>Add Files…</b> or drop it here."


class ImportDialog(QDialog):
    """Choose files, check how they are read, correct the mapping, import them."""

    #: every queued file has been read (or failed, or was cancelled).
    files_loaded = Signal()
    #: one file finished reading (ready, failed or cancelled); carries its index.
    file_loaded = Signal(int)
    #: the import was applied to the workspace (one undo step).
    import_applied = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.files: list[ImportFile] = []
        self.reader: Callable[..., ReadResult] = read_file
        #: read files on a pool thread (False: on the calling thread, for screenshots).
        self.background = True
        #: after `apply`: what the import replaced of earlier imports ("" when nothing)
        self.summary = ""
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
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self._build_files())
        top.addWidget(self._build_detail())
        top.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(top, 1)
        layout.addWidget(self._build_aliases())
        layout.addLayout(self._build_progress())
        layout.addWidget(self._build_buttons())

    def _build_files(self) -> QWidget:
        panel = FilesPanel()
        self.list_files = panel.list_files
        self.list_files.currentRowChanged.connect(self._select)
        self.button_add = panel.button_add
        self.button_add.clicked.connect(self.choose_files)
        self.button_remove = panel.button_remove
        self.button_remove.clicked.connect(self.remove_current)
        return panel

    def _build_detail(self) -> QWidget:
        """The selected file: what it is, its sheet, the preview, mapping and problems."""
        self.label_file = QLabel(NO_FILE)
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
        self.check_replace = QCheckBox()
        self.check_replace.setObjectName("check_import_replace")
        self.check_replace.toggled.connect(self._replace_toggled)
        self.check_replace.hide()
        detail = QVBoxLayout()
        detail.addWidget(self.label_file)
        detail.addWidget(self.label_preset)
        detail.addWidget(self.label_summary)
        detail.addLayout(self._build_sheet_row())
        detail.addWidget(self.label_error)
        detail.addWidget(self.check_replace)
        detail.addWidget(self._build_tables(), 1)
        panel = QWidget()
        panel.setLayout(detail)
        return panel

    def _build_sheet_row(self) -> QHBoxLayout:
        self.combo_sheet = QComboBox()
        self.combo_sheet.setObjectName("combo_import_sheet")
        self.combo_sheet.setAccessibleName("combo_import_sheet")
        self.combo_sheet.setToolTip("The sheet that holds the table")
        # Sheet names like "Daily stats" must not be cut to "Daily sta".
        self.combo_sheet.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo_sheet.currentTextChanged.connect(self._sheet_changed)
        row = QHBoxLayout()
        row.addWidget(QLabel("Sheet:"))
        row.addWidget(self.combo_sheet)
        row.addStretch(1)
        return row

    def _build_tables(self) -> QSplitter:
        """Preview above; mapping and problems side by side below."""
        self.model_preview = PreviewModel(self)
        self.table_preview = QTableView()
        self.table_preview.setObjectName("table_import_preview")
        self.table_preview.setAccessibleName("table_import_preview")
        self.table_preview.setModel(self.model_preview)
        self.table_preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table_preview.horizontalHeader().setDefaultSectionSize(110)
        self.table_preview.verticalHeader().setDefaultSectionSize(22)
        self.table_mapping = MappingTable()
        self.table_mapping.edited.connect(self._mapping_changed)
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
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(boxed(self.label_mapping, self.table_mapping))
        bottom.addWidget(boxed(self.label_problems, self.table_problems))
        bottom.setSizes([780, 300])
        preview_panel = boxed(
            QLabel("<b>Preview</b> — the file as it is; the highlighted row is the header"),
            self.table_preview,
        )
        middle = QSplitter(Qt.Orientation.Vertical)
        middle.addWidget(preview_panel)
        middle.addWidget(bottom)
        middle.setSizes([260, 320])
        return middle

    def _build_aliases(self) -> QGroupBox:
        self.group_aliases = QGroupBox("Same campaign, different names? Tick the pairs to merge")
        self.group_aliases.setObjectName("group_import_aliases")
        self.list_aliases = QListWidget()
        self.list_aliases.setObjectName("list_import_aliases")
        self.list_aliases.setMaximumHeight(96)
        alias_box = QVBoxLayout(self.group_aliases)
        alias_box.addWidget(self.list_aliases)
        self.group_aliases.hide()
        return self.group_aliases

    def _build_progress(self) -> QHBoxLayout:
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
        row = QHBoxLayout()
        row.addWidget(self.label_progress)
        row.addWidget(self.progress, 1)
        row.addWidget(self.button_cancel)
        for widget in (self.progress, self.label_progress, self.button_cancel):
            widget.hide()
        return row

    def _build_buttons(self) -> QDialogButtonBox:
        self.buttons = QDialogButtonBox()
        self.button_apply = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.button_apply.setObjectName("button_import_apply")
        self.button_close = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.button_close.setObjectName("button_import_close")
        self.button_apply.clicked.connect(self.apply)
        self.button_close.clicked.connect(self.reject)
        return self.buttons

    # -- files ---------------------------------------------------------------------------
    def choose_files(self) -> None:
        settings = self.session.settings
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
            remembered_mappings(self.session.settings.store),
        )
        if not self.background:
            self._read_here(file, args)
            return
        self._task = run_task(
            read_safely,
            self.reader,
            *args,
            on_done=partial(self._done, file),
            on_error=partial(self._failed, file),
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

    def _done(self, file: ImportFile, payload: ReadResult | ReadFailure) -> None:
        if isinstance(payload, ReadFailure):
            self._failed(file, payload.error)
            return
        result, remembered = payload.result, payload.remembered
        file.result = result
        file.state = "ready"
        file.sheet = result.sheet
        if remembered:
            file.remembered = True
            file.mapping = dict(result.mapping)
        ws = self.session.workspace
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
            self.label_file.setText(NO_FILE)
        else:
            self.label_file.setText(f"<b>{escape(file.path.name)}</b>")
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
            f"Detected: <b>{escape(result.label or result.preset)}</b> ({escape(role)}){how}"
        )
        self.label_summary.setText(summary_text(result))
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

    def _fill_preview(self, result: ImportResult) -> None:
        index = header_index(result)
        self.model_preview.set_rows(result.preview, index, dropped_preview_rows(result))
        if index >= 0:
            self.table_preview.scrollTo(self.model_preview.index(max(index - 1, 0), 0))

    def _fill_mapping(self, result: ImportResult) -> None:
        self.table_mapping.fill(result)
        mapped = sum(1 for t in result.mapping.values() if t)
        self.label_mapping.setText(
            f"<b>Columns</b> — {mapped} of {len(result.mapping)} imported; "
            "pick what a column holds, or ignore it"
        )

    def mapping_combo(self, header: str) -> QComboBox:
        """The "Imported as" combo of a column of the selected file (tests, automation)."""
        return self.table_mapping.combo(header)

    def _mapping_changed(self) -> None:
        if self._filling or not 0 <= self._current < len(self.files):
            return
        file = self.files[self._current]
        if file.result is None or file.state != "ready":
            return
        file.mapping = self.table_mapping.mapping()
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
        ready = [f.result for f in self.files if f.usable and f.result is not None]
        checked = {
            self.list_aliases.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.list_aliases.count())
            if self.list_aliases.item(i).checkState() == Qt.CheckState.Checked
        }
        self.list_aliases.clear()
        self._suggestions = []
        ws = self.session.workspace
        if not ready or ws is None:
            self.group_aliases.hide()
            return
        replaced = {f.replace_id for f in self.files if f.usable and f.replace}
        candidates = alias_candidates(ws, ready, replaced)
        for s in pick_suggestions(candidates, ws.aliases()):
            self._suggestions.append(s)
            item = QListWidgetItem(candidates.text(s))
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

        session = self.session
        usable = [f for f in self.files if f.usable and f.result is not None]
        if not usable or self._task is not None or session.workspace is None:
            return
        results = [f.result for f in usable if f.result is not None]  # all of `usable`
        replace = {i: f.replace_id for i, f in enumerate(usable) if f.replace_id and f.replace}
        command = ImportSources(results, replace)
        aliases = self.checked_aliases()
        stack = session.undo_stack
        stack.beginMacro(command.text)
        try:
            session.push(command)
            for key, canonical in aliases:
                session.push(AddAlias(session.workspace, key, canonical))
        finally:
            stack.endMacro()
        remember_mappings(self.session.settings.store, usable)
        # What the import replaced of earlier imports of the same platform (DESIGN 4).
        self.summary = " ".join(f"{line}." for line in command.summary)
        if self.summary:
            session.message.emit(self.summary, 15000)
        self.import_applied.emit()
        self.accept()

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
