"""The import dialog's "e.g." column and preview: right column, never a left-out total row."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kpi_desktop.ui.dialogs.import_dialog import ImportDialog
from kpi_desktop.ui.dialogs.import_models import LEFT_OUT
from kpi_desktop.ui.main_window import MainWindow

DATA = Path(__file__).resolve().parents[1] / "data" / "import"


@pytest.fixture
def window(empty_window: MainWindow) -> MainWindow:
    return empty_window


def open_dialog(qtbot, window: MainWindow, name: str) -> ImportDialog:
    dialog = window.import_files()
    assert dialog is not None
    with qtbot.waitSignal(dialog.files_loaded, timeout=30_000):
        dialog.add_files([DATA / name])
    return dialog


def examples(dialog: ImportDialog) -> dict[str, str]:
    table = dialog.table_mapping
    out = {}
    for row in range(table.rowCount()):
        header, example = table.item(row, 0), table.item(row, 2)
        assert header is not None
        assert example is not None
        out[header.text()] = example.text()
    return out


def test_examples_come_from_their_own_column_when_the_table_starts_in_b(qtbot, window) -> None:
    dialog = open_dialog(qtbot, window, "meta_formatted.xlsx")
    shown = examples(dialog)
    assert shown["Campaign name"] == "Spring Sale 2025 – Messenger"
    assert shown["Day"].startswith("2025-03-03")
    assert shown["Amount spent (EUR)"] == "80"
    assert shown["Campaign ID"] == "120210000000000001"


def test_a_left_out_total_row_is_never_an_example_and_is_marked(qtbot, window) -> None:
    dialog = open_dialog(qtbot, window, "ga4_key_events.csv")
    shown = examples(dialog)
    assert shown["Sessions"] == "800"  # not 1480, the totals row under the header
    assert shown["Key events"] == "20"
    preview = dialog.model_preview
    totals = preview.header_index + 1
    assert preview.dropped == {totals}
    assert preview.index(totals, 2).data() == "1480"
    assert preview.index(totals, 2).data(Qt.ItemDataRole.FontRole).strikeOut()
    assert preview.index(totals, 2).data(Qt.ItemDataRole.ToolTipRole) == LEFT_OUT
    assert preview.headerData(totals, Qt.Orientation.Vertical) == "Left out"
    assert preview.headerData(totals + 1, Qt.Orientation.Vertical) == str(totals + 2)
    assert "1 total row(s) left out" in dialog.label_summary.text()


def test_derived_matched_responses_are_named_in_the_summary(qtbot, window) -> None:
    dialog = open_dialog(qtbot, window, "bot_fallback.csv")
    assert "Matched responses derived" in dialog.label_summary.text()
    assert dialog.mapping_combo("Fallback messages").currentData() == "@unmatched"
