"""The dashboard says what a date filter left out, and the filter bar says it where the
period is chosen (issue 11 item 1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kpi_desktop import app as composition
from kpi_desktop.core import format as fmt
from kpi_desktop.core import series
from kpi_desktop.core.io.importer import import_file
from kpi_desktop.core.series import FilterSelection
from kpi_desktop.core.workspace import Workspace
from kpi_desktop.ui.main_window import MainWindow
from kpi_desktop.ui.settings import Settings
from kpi_desktop.ui.widgets.filter_bar import FilterBar

IMPORT = Path(__file__).resolve().parents[1] / "data" / "import"
D = dt.date


@pytest.fixture
def window(qtbot, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    monkeypatch.setattr(MainWindow, "_confirm_discard", lambda _self: True)
    window = composition.create_window(settings)
    qtbot.addWidget(window)
    ws = Workspace.new()
    for path in (IMPORT / "meta_ads.csv", IMPORT / "coverage" / "ga4_mar_3_5_no_date.csv"):
        ws.add_import(import_file(path))
    window.set_workspace(ws, "Untitled")
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.undo_stack.setClean()


def _choose(qtbot, window: MainWindow, selection: FilterSelection) -> None:
    bar = window.filter_bar
    assert bar is not None
    bar.set_selection(selection, emit=True)
    qtbot.waitUntil(lambda: window.session.selection == selection)


def test_a_new_workspace_opens_on_all_dates(window: MainWindow) -> None:
    bar = window.filter_bar
    assert bar is not None
    assert bar.selection.preset == series.ALL
    assert bar.combo_period.currentText() == "All dates"
    tab = window.dashboard_tab
    assert tab is not None
    assert tab.cards["roas"].value_text == "3.60x"
    assert not bar.label_cut.isVisibleTo(bar)


def test_a_two_day_filter_leaves_ga4_out_and_the_cards_say_so(qtbot, window: MainWindow) -> None:
    _choose(qtbot, window, FilterSelection("custom", D(2025, 3, 3), D(2025, 3, 4)))
    tab = window.dashboard_tab
    assert tab is not None
    roas = tab.cards["roas"]
    qtbot.waitUntil(lambda: roas.value_text == fmt.EM_DASH)
    assert roas.coverage_text == "⚠ 1 source left out or undated"
    assert "GA4 (ga4_mar_3_5_no_date.csv) covers 3 Mar 2025 – 5 Mar 2025" in roas.coverage_tooltip
    assert "never pro-rated" in roas.coverage_tooltip
    assert tab.cards["ctr"].coverage_text == ""  # no GA4 input
    bar = window.filter_bar
    assert bar is not None
    assert bar.label_cut.isVisibleTo(bar)
    assert "GA4 (ga4_mar_3_5_no_date.csv) covers 3 Mar 2025 – 5 Mar 2025" in bar.label_cut.toolTip()


def test_a_month_no_source_covers_shows_dashes_everywhere(qtbot, window: MainWindow) -> None:
    _choose(qtbot, window, FilterSelection("custom", D(2025, 4, 1), D(2025, 4, 30)))
    tab = window.dashboard_tab
    assert tab is not None
    qtbot.waitUntil(lambda: tab.cards["roas"].value_text == fmt.EM_DASH)
    assert all(card.value_text == fmt.EM_DASH for card in tab.cards.values())
    assert all(card.coverage_text == "" for card in tab.cards.values())  # nothing overlaps


def test_a_preset_that_cuts_a_range_says_so_in_the_list(qtbot, window: MainWindow) -> None:
    view = window.session.data_view
    assert view is not None
    bar = FilterBar()
    qtbot.addWidget(bar)
    # Daily data up to 4 March beside GA4's 3-5 March range: the last 7 days (26 Feb -
    # 4 Mar) cut it, this month (1-4 Mar) too, last month (February) does not touch it.
    bar.set_options({}, (), (D(2025, 2, 1), D(2025, 3, 4)), ranges=view.range_rows())
    tip = Qt.ItemDataRole.ToolTipRole
    last_7 = bar.combo_period.itemData(bar.combo_period.findData("last_7"), tip)
    assert str(last_7) == (
        "GA4 (ga4_mar_3_5_no_date.csv) covers 3 Mar 2025 – 5 Mar 2025 as one range: "
        "this period leaves it out."
    )
    assert not bar.combo_period.itemData(bar.combo_period.findData("last_month"), tip)
    assert not bar.combo_period.itemData(bar.combo_period.findData("all"), tip)
    bar.set_selection(FilterSelection("last_7"))
    assert bar.label_cut.text() == "⚠ leaves out 1 reporting range"
