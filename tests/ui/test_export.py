"""The export dialog, lock-file checks, clipboard helpers and the main window's hooks."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import threading
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtGui import QDesktopServices, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QPushButton, QTableView

from kpi_desktop import app as composition
from kpi_desktop.core.progress import check
from kpi_desktop.core.workspace import Workspace
from kpi_desktop.ui import clipboard, context_menus
from kpi_desktop.ui.dialogs import export as export_dialog
from kpi_desktop.ui.dialogs.export import (
    ExportDialog,
    ExportRequest,
    default_file_name,
    in_use_reason,
    lock_files,
)
from kpi_desktop.ui.main_window import MainWindow
from kpi_desktop.ui.settings import Settings

REQUEST = ExportRequest(
    start=dt.date(2026, 10, 28),
    end=dt.date(2026, 11, 26),
    filter_text="Last 30 days: 28 Oct 2026 – 26 Nov 2026 (30 days) · all campaigns",
    workspace_name="Sample workspace",
)


@pytest.fixture
def dialog(qtbot, sample: Workspace, tmp_path: Path) -> ExportDialog:
    dialog = ExportDialog(sample, REQUEST, folder=str(tmp_path))
    qtbot.addWidget(dialog)
    return dialog


class Answers:
    """QMessageBox.question stand-in: records the questions, gives a fixed answer."""

    def __init__(self, answer: QMessageBox.StandardButton) -> None:
        self.answer = answer
        self.questions: list[str] = []

    def __call__(self, _parent: object, _title: str, text: str, *_args: object) -> object:
        self.questions.append(text)
        return self.answer


def _export(qtbot, dialog: ExportDialog, path: Path) -> None:
    dialog.edit_path.setText(str(path))
    with qtbot.waitSignal(dialog.exported, timeout=60_000) as blocker:
        dialog.button_export.click()
    assert blocker.args == [str(path)]


# --------------------------------------------------------------------------- plain helpers


def test_default_file_names():
    day = dt.date(2026, 11, 27)
    assert default_file_name("xlsx", day) == "KPI report 2026-11-27.xlsx"
    assert default_file_name("pdf", day) == "KPI report 2026-11-27.pdf"
    assert default_file_name("csv", day) == "KPI campaigns 2026-11-27.csv"


def test_lock_files_of_libreoffice_and_office(tmp_path: Path):
    target = tmp_path / "KPI report.xlsx"
    target.write_bytes(b"x")
    assert lock_files(target) == []
    assert in_use_reason(target) is None
    (tmp_path / ".~lock.KPI report.xlsx#").write_text("user")
    assert in_use_reason(target) is not None
    (tmp_path / ".~lock.KPI report.xlsx#").unlink()
    # Office drops the first two characters of longer names.
    (tmp_path / "~$I report.xlsx").write_text("user")
    assert [p.name for p in lock_files(target)] == ["~$I report.xlsx"]
    (tmp_path / "~$KPI report.xlsx").write_text("user")
    assert len(lock_files(target)) == 2


# --------------------------------------------------------------------------- the dialog


def test_dialog_shows_filter_default_name_and_page_size_for_pdf(dialog: ExportDialog):
    assert dialog.objectName() == "dialog_export"
    assert dialog.label_filter.text() == REQUEST.filter_text
    assert dialog.path.name == default_file_name("xlsx")
    assert not dialog.combo_page_size.isEnabled()
    dialog.combo_format.setCurrentIndex(dialog.combo_format.findData("pdf"))
    assert dialog.path.suffix == ".pdf"
    assert dialog.combo_page_size.isEnabled()
    assert [dialog.combo_page_size.itemText(i) for i in range(2)] == ["A4", "Letter"]


def test_excel_export_in_the_background(qtbot, dialog: ExportDialog, tmp_path: Path):
    path = tmp_path / "report.xlsx"
    _export(qtbot, dialog, path)
    wb = openpyxl.load_workbook(path)
    assert wb["Summary"]["B2"].value == REQUEST.filter_text
    assert wb["Summary"]["B3"].value == "2026-10-28 – 2026-11-26"
    assert dialog.progress_export.value() == 1000
    assert sorted(os.listdir(tmp_path)) == ["report.xlsx"]  # no temp file left


def test_pdf_export_in_letter(qtbot, dialog: ExportDialog, tmp_path: Path):
    dialog.combo_format.setCurrentIndex(dialog.combo_format.findData("pdf"))
    dialog.combo_page_size.setCurrentText("Letter")
    path = tmp_path / "report.pdf"
    _export(qtbot, dialog, path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert b"/MediaBox [0 0 612" in data


def test_csv_export_of_the_campaign_table(qtbot, dialog: ExportDialog, tmp_path: Path):
    dialog.combo_format.setCurrentIndex(dialog.combo_format.findData("csv"))
    path = tmp_path / "campaigns.csv"
    _export(qtbot, dialog, path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    assert rows[0][0] == "Campaign"
    assert rows[-1][0] == "Total"


def test_a_suffix_is_added_when_missing(qtbot, dialog: ExportDialog, tmp_path: Path):
    dialog.edit_path.setText(str(tmp_path / "boss"))
    with qtbot.waitSignal(dialog.exported, timeout=60_000):
        dialog.button_export.click()
    assert (tmp_path / "boss.xlsx").exists()


def test_an_open_file_is_only_replaced_after_asking(
    qtbot, dialog: ExportDialog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"old")
    (tmp_path / ".~lock.report.xlsx#").write_text("someone,host")
    answers = Answers(QMessageBox.StandardButton.No)
    monkeypatch.setattr(QMessageBox, "question", answers)
    dialog.edit_path.setText(str(path))
    with qtbot.assertNotEmitted(dialog.exported):
        dialog.button_export.click()
    assert len(answers.questions) == 1
    assert "open in another program" in answers.questions[0]
    assert path.read_bytes() == b"old"
    assert dialog.handle is None  # nothing started
    answers.answer = QMessageBox.StandardButton.Yes
    with qtbot.waitSignal(dialog.exported, timeout=60_000):
        dialog.button_export.click()
    assert len(answers.questions) == 2
    assert openpyxl.load_workbook(path).sheetnames[0] == "Summary"


def test_an_existing_file_is_replaced_after_asking(
    qtbot, dialog: ExportDialog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"old")
    answers = Answers(QMessageBox.StandardButton.No)
    monkeypatch.setattr(QMessageBox, "question", answers)
    dialog.edit_path.setText(str(path))
    dialog.button_export.click()
    assert "already exists" in answers.questions[0]
    assert path.read_bytes() == b"old"


def test_a_missing_folder_is_reported_and_nothing_written(
    qtbot, dialog: ExportDialog, tmp_path: Path
):
    dialog.edit_path.setText(str(tmp_path / "missing" / "report.xlsx"))
    with qtbot.assertNotEmitted(dialog.exported):
        dialog.button_export.click()
    assert "does not exist" in dialog.label_progress.text()
    assert os.listdir(tmp_path) == []


def test_a_failed_write_leaves_no_file_and_says_so(
    qtbot, dialog: ExportDialog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from kpi_desktop.core import atomic

    def fail(*_args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic.os, "replace", fail)
    dialog.edit_path.setText(str(tmp_path / "report.xlsx"))
    with qtbot.waitSignal(dialog.export_failed, timeout=60_000):
        dialog.button_export.click()
    assert os.listdir(tmp_path) == []
    assert "Permission denied" in dialog.label_progress.text()
    assert dialog.button_export.isEnabled()


def test_cancel_stops_a_running_export(
    qtbot, dialog: ExportDialog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    release = threading.Event()

    def slow(*args: object, progress: object) -> object:
        release.wait(30)
        check(progress)  # type: ignore[arg-type]  # raises Cancelled once Cancel was pressed
        raise AssertionError("not cancelled")

    monkeypatch.setattr(export_dialog, "run_export", slow)
    dialog.edit_path.setText(str(tmp_path / "report.xlsx"))
    assert dialog.progress_export.isHidden()  # no empty bar before anything runs
    dialog.button_export.click()
    assert dialog.handle is not None
    assert not dialog.button_export.isEnabled()
    assert not dialog.progress_export.isHidden()
    with qtbot.waitSignal(dialog.handle.signals.cancelled, timeout=30_000):
        dialog.button_cancel.click()
        release.set()
    assert "cancelled" in dialog.label_progress.text()
    assert dialog.button_export.isEnabled()
    assert dialog.progress_export.isHidden()
    assert os.listdir(tmp_path) == []


# --------------------------------------------------------------------------- clipboard


def _table(qtbot) -> QTableView:
    model = QStandardItemModel(3, 3)
    model.setHorizontalHeaderLabels(["Campaign", "Users", "Note"])
    cells = [
        ["Alpha", "1,000", "tab\there"],
        ['=HYPERLINK("x")', "20", 'say "hi"'],
        ["Gamma", "—", ""],
    ]
    for r, row in enumerate(cells):
        for c, text in enumerate(row):
            model.setItem(r, c, QStandardItem(text))
    view = QTableView()
    view.setModel(model)
    qtbot.addWidget(view)
    return view


def test_copy_table_selection_as_tsv_with_header(qtbot):
    view = _table(qtbot)
    model = view.model()
    selection = view.selectionModel()
    for r in (0, 1):
        for c in (0, 1):
            selection.select(model.index(r, c), selection.SelectionFlag.Select)
    text = clipboard.copy_table(view)
    assert text == 'Campaign\tUsers\r\nAlpha\t1,000\r\n\'=HYPERLINK("x")\t20\r\n'
    assert QApplication.clipboard().text() == text


def test_copy_whole_table_quotes_tabs_and_skips_hidden_columns(qtbot):
    view = _table(qtbot)
    view.setColumnHidden(1, True)
    text = clipboard.copy_table(view, whole=True)
    lines = text.split("\r\n")
    assert lines[0] == "Campaign\tNote"
    assert lines[1] == 'Alpha\t"tab\there"'
    assert lines[2] == '\'=HYPERLINK("x")\tsay "hi"'


def test_copy_widget_image(qtbot):
    label = QLabel("KPI")
    label.resize(120, 40)
    qtbot.addWidget(label)
    clipboard.copy_widget_image(label)
    image = QApplication.clipboard().image()
    assert not image.isNull()
    assert image.width() >= 120


# --------------------------------------------------------------------------- main window


@pytest.fixture
def loaded(qtbot, settings: Settings, tmp_path: Path) -> MainWindow:
    window = composition.create_window(settings)
    qtbot.addWidget(window)
    settings.last_directory = str(tmp_path)
    window.show()
    with qtbot.waitSignal(window.workspace_loaded, timeout=20_000):
        composition.load_initial_workspace(window)
    return window


def test_file_export_opens_the_dialog_with_the_window_filter(qtbot, loaded: MainWindow):
    assert loaded.action_export.isEnabled()
    loaded.action_export.trigger()
    dialog = loaded.findChild(ExportDialog, "dialog_export")
    assert dialog is not None
    assert dialog.isVisible()
    request = export_dialog.request_from_session(loaded.session)
    assert dialog.label_filter.text() == request.filter_text
    assert "all campaigns" in request.filter_text
    dialog.close()


def test_export_success_shows_the_path_and_open_folder(
    qtbot, loaded: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    dialog = export_dialog.open_export_dialog(loaded.session, loaded, "csv")
    assert dialog is not None
    path = tmp_path / "campaigns.csv"
    _export(qtbot, dialog, path)
    note = loaded.statusBar().findChild(QLabel, "label_export_done")
    assert note is not None
    assert note.text() == "Exported campaigns.csv"
    button = loaded.statusBar().findChild(QPushButton, "button_open_folder")
    assert button is not None
    button.click()
    assert opened == [str(tmp_path)]


def test_dashboard_context_menu_copies_kpis_and_image(qtbot, loaded: MainWindow):
    assert loaded.dashboard_tab is not None
    menu = context_menus.dashboard_menu(loaded.session, loaded.dashboard_tab)
    actions = {a.objectName(): a for a in menu.actions()}
    actions["action_copy_dashboard"].trigger()
    lines = QApplication.clipboard().text().split("\r\n")
    assert lines[0].startswith("KPI\tValue\tChange")
    assert len([line for line in lines if line]) == 10  # the header and nine KPIs
    assert loaded.report is not None
    actions["action_copy_dashboard_image"].trigger()
    assert not QApplication.clipboard().image().isNull()
    menu.deleteLater()


def test_campaign_table_menu_copies_and_exports_csv(qtbot, loaded: MainWindow):
    assert loaded.campaigns_tab is not None
    menu = context_menus.campaigns_menu(loaded.session, loaded.campaigns_tab.table_campaigns)
    actions = {a.objectName(): a for a in menu.actions()}
    actions["action_copy_table_all"].trigger()
    text = QApplication.clipboard().text()
    assert "Autumn Sale 2026" in text
    actions["action_export_table_csv"].trigger()
    dialog = loaded.findChild(ExportDialog, "dialog_export")
    assert dialog is not None
    assert dialog.fmt == "csv"
    dialog.close()
    menu.deleteLater()
