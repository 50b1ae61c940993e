"""Site traffic in the window (issue 11, item 2): a grey read-only line under the Total of
the Campaigns tab, a "whole site" note on the dashboard, cards and funnel from campaigns."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush

from kpi_desktop import app as composition
from kpi_desktop.core.io.importer import import_file
from kpi_desktop.core.workspace import Workspace
from kpi_desktop.ui import style
from kpi_desktop.ui.main_window import MainWindow
from kpi_desktop.ui.models.campaign_model import SITE_TRAFFIC_LABEL, CampaignTableModel
from kpi_desktop.ui.settings import Settings

DATA = Path(__file__).resolve().parents[1] / "data" / "import"
FILES = [DATA / "site_traffic" / "ga4_with_direct.csv", DATA / "bot_stats.xlsx"]


@pytest.fixture
def window(qtbot, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    monkeypatch.setattr(MainWindow, "_confirm_discard", lambda _self: True)
    window = composition.create_window(settings)
    qtbot.addWidget(window)
    window.set_workspace(Workspace.new(), "Untitled")
    dialog = window.import_files()
    assert dialog is not None
    with qtbot.waitSignal(dialog.files_loaded, timeout=30_000):
        dialog.add_files(FILES)
    with qtbot.waitSignal(dialog.import_applied):
        qtbot.mouseClick(dialog.button_apply, Qt.MouseButton.LeftButton)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.undo_stack.setClean()


def _cell(model: CampaignTableModel, row: int, key: str) -> QModelIndex:
    return model.index(row, model.column_of(key))


def test_campaigns_table_shows_site_traffic_grey_under_the_total(window: MainWindow) -> None:
    window.tabs_main.setCurrentWidget(window.campaigns_tab)
    model = window.campaigns_tab.model
    assert model.campaign_count() == 2
    assert model.rowCount() == 4  # Total, the site traffic line, two campaigns
    assert model.site_traffic_row() == 1
    assert _cell(model, 0, "campaign").data() == "Total"
    assert _cell(model, 0, "visitors").data() == "33"
    site = [_cell(model, 1, key) for key in ("campaign", "visitors", "conversions", "ctr")]
    assert site[0].data() == SITE_TRAFFIC_LABEL
    assert site[1].data() == "8,600"
    assert site[2].data() == "76"
    assert site[3].data() == "—"
    for index in site:
        brush = index.data(Qt.ItemDataRole.ForegroundRole)
        assert isinstance(brush, QBrush)
        assert brush.color().name() == style.UNDEFINED
        assert not model.flags(index) & Qt.ItemFlag.ItemIsEditable
        assert "part of no total, KPI or chart" in index.data(Qt.ItemDataRole.ToolTipRole)
        assert index.data(model.RowKeyRole) is None
    assert "no clicks to website data" in site[3].data(Qt.ItemDataRole.ToolTipRole)
    assert model.campaign_key_at(1) is None
    names = [_cell(model, r, "campaign").data() for r in range(2, 4)]
    assert sorted(names) == ["spring_sale_2025", "summer_bot_launch"]
    # Typing on the line is refused with a sentence, nothing is pushed.
    refused: list[str] = []
    model.edit_refused.connect(refused.append)
    depth = window.undo_stack.count()
    assert not model.setData(site[1], "9000")
    assert refused
    assert refused[0].endswith("cannot be typed into here.")
    assert window.undo_stack.count() == depth
    # Sorting keeps both pinned lines on top.
    model.sort(model.column_of("visitors"), Qt.SortOrder.DescendingOrder)
    assert [_cell(model, r, "campaign").data() for r in range(4)] == [
        "Total",
        SITE_TRAFFIC_LABEL,
        "spring_sale_2025",
        "summer_bot_launch",
    ]


def test_dashboard_notes_the_whole_site_and_counts_campaigns_only(
    qtbot, window: MainWindow
) -> None:
    window.tabs_main.setCurrentWidget(window.dashboard_tab)
    tab = window.dashboard_tab
    qtbot.waitUntil(lambda: tab.label_site_traffic.isVisible())
    note = tab.label_site_traffic.text()
    assert note.startswith("Whole site in this period: 8,633 visitors, 80 conversions, ")
    assert "3,870.75 revenue" in note
    assert "8,600 visitors, 76 conversions, " in note
    assert "3,680.25 revenue" in note
    assert note.endswith("not in the figures above.")
    card = tab.cards["conversion_rate"]
    assert card.label_detail.text() == "4 conversions / 33 visitors"
    funnel = tab.data.funnel if tab.data is not None else None
    assert funnel is not None
    visitors = next(s for s in funnel.steps if s.step == "visitors")
    assert visitors.rate_from_previous is not None
    assert visitors.rate_from_previous <= 1.0
    rates = [label.text() for label in tab.funnel.rate_labels]
    assert "→\n82.5 % of clicks" in rates


def test_without_site_traffic_there_is_no_line_and_no_note(qtbot, window: MainWindow) -> None:
    ws = Workspace.new()
    ws.add_imports([import_file(FILES[1])])
    window.set_workspace(ws, "Bot only")
    window.tabs_main.setCurrentWidget(window.dashboard_tab)
    qtbot.waitUntil(lambda: window.campaigns_tab.model.rowCount() == 3)
    assert window.campaigns_tab.model.site_traffic_row() is None
    assert not window.dashboard_tab.label_site_traffic.isVisible()
    assert window.dashboard_tab.label_site_traffic.text() == ""
