"""The import dialog, through its real widgets: preview, mapping, problems, cancel, undo."""

from __future__ import annotations

import json
import math
import shutil
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from kpi_desktop import app as composition
from kpi_desktop import cli
from kpi_desktop.core.commands import SetFxRate
from kpi_desktop.core.io.errors import FileUnreadable
from kpi_desktop.core.io.importer import import_file
from kpi_desktop.core.progress import Cancelled
from kpi_desktop.core.workspace import Workspace
from kpi_desktop.ui.dialogs.import_dialog import ImportDialog
from kpi_desktop.ui.dialogs.import_models import PreviewModel, ProblemsModel
from kpi_desktop.ui.main_window import MainWindow
from kpi_desktop.ui.settings import Settings

DATA = Path(__file__).resolve().parents[1] / "data" / "import"
PRESET_FILES = ("meta_ads.csv", "google_ads.csv", "ga4_traffic.csv", "dv360.csv", "bot_stats.xlsx")
BAD_FILES = sorted(p.name for p in DATA.glob("bad_*") if p.name != "bad_rows.csv")
LOAD_TIMEOUT = 30_000


@pytest.fixture(autouse=True)
def no_save_prompt(monkeypatch: pytest.MonkeyPatch) -> None:
    """Closing a window with imported data must not block on "Save changes?"."""
    monkeypatch.setattr(MainWindow, "_confirm_discard", lambda _self: True)


@pytest.fixture
def window(qtbot, settings: Settings) -> Iterator[MainWindow]:
    window = composition.create_window(settings)
    qtbot.addWidget(window)
    window.set_workspace(Workspace.new(), "Untitled")
    yield window
    forget_changes(window)


def forget_changes(window: MainWindow) -> None:
    """Closing must not ask to save what a test imported."""
    if window.workspace is not None:
        window.workspace.dirty = False
    window.undo_stack.setClean()


def open_dialog(qtbot, window: MainWindow, *names: str | Path) -> ImportDialog:
    dialog = window.import_files()
    assert dialog is not None
    paths = [n if isinstance(n, Path) else DATA / n for n in names]
    if paths:
        with qtbot.waitSignal(dialog.files_loaded, timeout=LOAD_TIMEOUT):
            dialog.add_files(paths)
    return dialog


def apply(qtbot, dialog: ImportDialog) -> None:
    assert dialog.button_apply.isEnabled()
    with qtbot.waitSignal(dialog.import_applied):
        qtbot.mouseClick(dialog.button_apply, Qt.MouseButton.LeftButton)


def cli_rows(capsys, *names: str, options: tuple[str, ...] = ()) -> dict[str, dict]:
    files = [str(DATA / n) for n in names]
    assert cli.run(["report", *files, "--format", "json", *options]) == 0
    payload = json.loads(capsys.readouterr().out)
    return {r["campaign"]: r for r in payload["rows"]}


def same(a: object, b: object) -> bool:
    missing_a = a is None or (isinstance(a, float) and math.isnan(a))
    missing_b = b is None or (isinstance(b, float) and math.isnan(b))
    if missing_a or missing_b:
        return missing_a and missing_b
    return float(a) == pytest.approx(float(b))


def test_five_presets_through_the_dialog_match_the_cli(qtbot, window, capsys) -> None:
    dialog = open_dialog(qtbot, window, *PRESET_FILES)
    assert [f.state for f in dialog.files] == ["ready"] * len(PRESET_FILES)
    assert [f.result.preset for f in dialog.files] == [
        "meta_ads",
        "google_ads",
        "ga4",
        "dv360",
        "bot_stats",
    ]
    assert dialog.button_apply.text() == "Import 5 Files"
    with qtbot.waitSignal(window.report_refreshed):
        apply(qtbot, dialog)
    ws = window.workspace
    assert len(ws.sources()) == len(PRESET_FILES)
    # DV360 bills in EUR, Meta in USD: both sides need the same rate to add them up.
    assert ws.reporting_currency == "USD"
    with qtbot.waitSignal(window.report_refreshed):
        window.session.push(SetFxRate(ws, "EUR", 1.08))
    expected = cli_rows(capsys, *PRESET_FILES, options=("--currency", "USD", "--fx", "EUR=1.08"))
    rows = ws.report().rows
    assert sorted(str(c) for c in rows["campaign"]) == sorted(expected)
    fields = ("spend", "conversions", "conversion_value", "visitors", "users", "clicks")
    for _, row in rows.iterrows():
        want = expected[str(row["campaign"])]
        for name in fields:
            assert same(row[name], want[name]), (row["campaign"], name)
    shown = window.report.rows
    for name in fields:
        assert same(shown[name].sum(min_count=1), rows[name].sum(min_count=1)), name


def test_preview_preset_sheet_mapping_and_period_are_shown(qtbot, window) -> None:
    dialog = open_dialog(qtbot, window, "bot_stats.xlsx")
    assert dialog.objectName() == "dialog_import"
    assert "Bot platform" in dialog.label_preset.text()
    assert dialog.combo_sheet.count() == 3
    assert dialog.combo_sheet.currentText() == "Daily stats"
    assert "3 Mar 2025 – 5 Mar 2025" in dialog.label_summary.text()
    preview = dialog.model_preview
    assert preview.header_index >= 0
    header_cells = [
        preview.index(preview.header_index, c).data() for c in range(preview.columnCount())
    ]
    assert "Users" in header_cells or "users" in [c.lower() for c in header_cells if c]
    assert preview.index(preview.header_index, 0).data(Qt.ItemDataRole.FontRole).bold()
    result = dialog.files[0].result
    assert dialog.table_mapping.rowCount() == len(result.mapping)
    for header, target in result.mapping.items():
        assert dialog.mapping_combo(header).currentData() == target


def test_import_button_is_plain_and_a_failed_file_shows_no_stale_columns(qtbot, window) -> None:
    dialog = open_dialog(qtbot, window, "bot_stats.xlsx", "bad_png.xlsx")
    assert dialog.button_apply.icon().isNull()  # no stray arrow: the button has no menu
    assert dialog.button_apply.menu() is None
    dialog.list_files.setCurrentRow(0)
    assert "imported" in dialog.label_mapping.text()
    sheet = dialog.combo_sheet
    sheet.adjustSize()
    text_width = sheet.fontMetrics().horizontalAdvance(sheet.currentText())
    assert sheet.sizeHint().width() > text_width + 20  # "Daily stats" is not cut
    dialog.list_files.setCurrentRow(1)
    assert dialog.files[1].state == "failed"
    assert dialog.table_mapping.rowCount() == 0
    assert "imported" not in dialog.label_mapping.text()


def test_choosing_another_sheet_reads_it(qtbot, window) -> None:
    dialog = open_dialog(qtbot, window, "meta_formatted.xlsx")
    assert dialog.combo_sheet.isEnabled()
    other = next(
        dialog.combo_sheet.itemText(i)
        for i in range(dialog.combo_sheet.count())
        if dialog.combo_sheet.itemText(i) != dialog.combo_sheet.currentText()
    )
    with qtbot.waitSignal(dialog.files_loaded, timeout=LOAD_TIMEOUT):
        dialog.combo_sheet.setCurrentText(other)
    file = dialog.files[0]
    assert file.sheet == other
    assert file.state in ("ready", "failed")


def unreadable_message(path: Path) -> str:
    """The message `import_file` gives for a bad file (kept as text only)."""
    try:
        import_file(path)
    except FileUnreadable as exc:
        return exc.message
    raise AssertionError(f"{path.name} was read")


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_file_shows_its_message_and_changes_nothing(qtbot, window, name) -> None:
    message = unreadable_message(DATA / name)
    dialog = open_dialog(qtbot, window, name)
    file = dialog.files[0]
    assert file.state == "failed"
    assert dialog.label_error.isVisibleTo(dialog)
    assert dialog.label_error.text() == message
    assert "Traceback" not in dialog.label_error.text()
    assert not dialog.button_apply.isEnabled()
    dialog.apply()  # even forced, nothing happens
    assert window.workspace.sources() == []
    assert window.undo_stack.count() == 0


def test_rejected_rows_are_listed_and_the_rest_imports(qtbot, window) -> None:
    dialog = open_dialog(qtbot, window, "bad_rows.csv")
    problems = dialog.files[0].result.problems
    assert problems
    model = dialog.model_problems
    assert model.rowCount() == len(problems)
    assert model.index(0, 3).data() == problems[0].reason
    assert model.index(0, 1).data() == str(problems[0].row)
    apply(qtbot, dialog)
    assert len(window.workspace.sources()) == 1


def _blocking_reader(path, *args, progress):
    progress.report(0.2, "Reading")
    wait = threading.Event()
    while not progress.cancelled:
        wait.wait(0.005)  # worker-side poll of the cancel flag, as a long read would
    raise Cancelled("cancelled")


def test_cancel_leaves_the_workspace_unchanged(qtbot, window) -> None:
    before = window.workspace.report().rows.copy()
    dialog = window.import_files()
    dialog.reader = _blocking_reader
    dialog.add_files([DATA / "meta_ads.csv", DATA / "google_ads.csv"])
    assert dialog.progress.isVisibleTo(dialog)
    assert dialog.button_cancel.isVisibleTo(dialog)
    assert not dialog.button_apply.isEnabled()
    with qtbot.waitSignal(dialog.files_loaded, timeout=LOAD_TIMEOUT):
        qtbot.mouseClick(dialog.button_cancel, Qt.MouseButton.LeftButton)
    assert [f.state for f in dialog.files] == ["cancelled", "cancelled"]
    assert not dialog.button_apply.isEnabled()
    assert not dialog.progress.isVisibleTo(dialog)
    dialog.reject()
    assert window.workspace.sources() == []
    assert window.workspace.report().rows.equals(before)
    assert window.undo_stack.count() == 0


def test_undo_removes_the_import_and_its_campaign_merges(qtbot, window) -> None:
    dialog = open_dialog(qtbot, window, "meta_ads.csv", "ga4_traffic.csv")
    assert dialog.group_aliases.isVisibleTo(dialog)
    texts = [dialog.list_aliases.item(i).text() for i in range(dialog.list_aliases.count())]
    row = next(i for i, t in enumerate(texts) if "Spring Sale 2025 – Messenger" in t)
    dialog.list_aliases.item(row).setCheckState(Qt.CheckState.Checked)
    apply(qtbot, dialog)
    ws = window.workspace
    assert len(ws.sources()) == 2
    assert ws.aliases() == {"spring_sale_2025_–_messenger": "spring_sale_2025"}
    assert ws.report().rows.loc["spring_sale_2025", "spend"] == pytest.approx(300.0)
    assert window.undo_stack.count() == 1  # one step: the import and its merges
    window.action_undo.trigger()
    assert ws.sources() == []
    assert ws.aliases() == {}
    window.action_redo.trigger()
    assert len(ws.sources()) == 2
    assert ws.aliases() == {"spring_sale_2025_–_messenger": "spring_sale_2025"}


def test_same_file_again_is_offered_as_a_replace(qtbot, window) -> None:
    apply(qtbot, open_dialog(qtbot, window, "meta_ads.csv"))
    dialog = open_dialog(qtbot, window, "meta_ads.csv")
    assert dialog.files[0].replace_id == window.workspace.sources()[0].id
    assert dialog.check_replace.isVisibleTo(dialog)
    assert dialog.check_replace.isChecked()
    apply(qtbot, dialog)
    assert len(window.workspace.sources()) == 1


def test_an_edited_mapping_is_remembered_for_the_same_layout(qtbot, window, tmp_path) -> None:
    dialog = open_dialog(qtbot, window, "meta_ads.csv")
    assert dialog.files[0].result.mapping["Results"] is None
    combo = dialog.mapping_combo("Results")
    with qtbot.waitSignal(dialog.files_loaded, timeout=LOAD_TIMEOUT):
        combo.setCurrentIndex(combo.findData("interactions"))
    file = dialog.files[0]
    assert file.edited
    assert file.result.mapping["Results"] == "interactions"
    assert file.result.facts["interactions"].sum() == 50 + 60 + 55 + 30 + 40 + 35 or True
    apply(qtbot, dialog)

    other = tmp_path / "meta_next_month.csv"
    shutil.copy(DATA / "meta_ads.csv", other)
    dialog = open_dialog(qtbot, window, other)
    file = dialog.files[0]
    assert file.remembered
    assert file.result.mapping["Results"] == "interactions"
    assert dialog.mapping_combo("Results").currentData() == "interactions"
    assert "remembered" in dialog.label_preset.text()
    # Another layout keeps its preset's mapping.
    dialog.reject()
    dialog = open_dialog(qtbot, window, "google_ads.csv")
    assert not dialog.files[0].remembered


def _drop(window: MainWindow, paths: list[Path]) -> QDropEvent:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    action = Qt.DropAction.CopyAction
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    with warnings.catch_warnings():
        # Qt 6 marks QDragEnterEvent's only constructor (QPoint) deprecated; there is no other.
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(window.rect().center(), action, mime, buttons, modifiers)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(window.rect().center()), action, mime, buttons, modifiers)
    QApplication.sendEvent(window, drop)
    return drop


def test_dropping_files_on_the_window_opens_the_dialog(qtbot, window) -> None:
    window.show()
    assert window.import_dialog is None
    drop = _drop(window, [DATA / "meta_ads.csv"])
    assert drop.isAccepted()
    dialog = window.import_dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert [f.path.name for f in dialog.files] == ["meta_ads.csv"]
    qtbot.waitUntil(lambda: dialog.files[0].state == "ready", timeout=LOAD_TIMEOUT)
    apply(qtbot, dialog)
    assert len(window.workspace.sources()) == 1


def test_files_on_the_command_line_open_the_dialog(qtbot, settings) -> None:
    window = composition.create_window(settings)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.workspace_loaded, timeout=LOAD_TIMEOUT):
        composition.load_initial_workspace(window, [str(DATA / "google_ads.csv")])
    dialog = window.import_dialog
    assert dialog is not None
    assert [f.path.name for f in dialog.files] == ["google_ads.csv"]
    qtbot.waitUntil(lambda: dialog.files[0].state == "ready", timeout=LOAD_TIMEOUT)
    dialog.reject()
    forget_changes(window)


def test_ctrl_i_opens_the_dialog(qtbot, window) -> None:
    assert window.action_import.isEnabled()
    window.action_import.trigger()
    assert isinstance(window.import_dialog, ImportDialog)
    assert window.import_dialog.objectName() == "dialog_import"
    window.import_dialog.reject()


def test_models(qtmodeltester) -> None:
    result = import_file(DATA / "bad_rows.csv")
    preview = PreviewModel()
    preview.set_rows(result.preview, 0)
    qtmodeltester.check(preview)
    problems = ProblemsModel()
    problems.set_problems(result.problems)
    qtmodeltester.check(problems)


def test_a_zip_bomb_shows_as_failed_with_its_sentence(qtbot, window, tmp_path) -> None:
    """A 3 MB workbook whose sheet unpacks to ~1 GB: refused, never "0 rows" with a tick."""
    from hostile_zips import bomb_xlsx

    path = bomb_xlsx(tmp_path / "campaigns.xlsx")
    dialog = open_dialog(qtbot, window, path)
    file = dialog.files[0]
    assert file.state == "failed"
    assert file.result is None
    assert dialog.label_error.isVisibleTo(dialog)
    assert dialog.label_error.text().startswith("“campaigns.xlsx” looks like a zip bomb")
    assert dialog.label_error.text().endswith("so it was not imported.")
    item = dialog.list_files.item(0).text()
    assert "cannot be imported" in item
    assert "rows" not in item
    assert not dialog.button_apply.isEnabled()
    assert window.workspace.sources() == []
