"""The import dialog says what a later import of the same platform replaced (issue 11.3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kpi_desktop.ui.main_window import MainWindow

DATA = Path(__file__).resolve().parents[1] / "data" / "import" / "overlap"


@pytest.fixture
def window(empty_window: MainWindow) -> MainWindow:
    return empty_window


def import_one(qtbot, window: MainWindow, name: str) -> str:
    dialog = window.import_files()
    assert dialog is not None
    with qtbot.waitSignal(dialog.files_loaded, timeout=30_000):
        dialog.add_files([DATA / name])
    with qtbot.waitSignal(dialog.import_applied):
        qtbot.mouseClick(dialog.button_apply, Qt.MouseButton.LeftButton)
    return dialog.summary


def test_the_import_dialog_reports_the_replaced_days(qtbot, window: MainWindow) -> None:
    assert import_one(qtbot, window, "meta_jan_1_20.csv") == ""
    summary = import_one(qtbot, window, "meta_jan_10_31.csv")
    expected = (
        "11 days of Winter Sale 2025 – Messenger in meta_jan_1_20.csv replaced by "
        "meta_jan_10_31.csv (the later import)."
    )
    assert summary == expected
    assert window.statusBar().currentMessage() == expected
    assert window.workspace is not None
    assert float(window.workspace.facts()["spend"].sum()) == pytest.approx(3964.5)
