"""The Campaigns table never shows a partial money sum: without an exchange rate the spend
cell shows "—" and its tooltip names the currency (issue 11 item 4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QMessageBox

from kpi_desktop import app as composition
from kpi_desktop.core.commands import SetFxRate
from kpi_desktop.core.io.importer import import_file
from kpi_desktop.core.workspace import Workspace
from kpi_desktop.ui.main_window import MainWindow
from kpi_desktop.ui.settings import Settings
from kpi_desktop.ui.tabs.campaigns_tab import CampaignsTab

IMPORT = Path(__file__).parents[1] / "data" / "import"
EUR_KEY = "autumn_search_eu"
USD_KEY = "summer_bot_launch"


@pytest.fixture
def window(
    qtbot, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> MainWindow:
    monkeypatch.setattr(
        QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Discard
    )
    saved = tmp_path / "mixed.kpidesk"
    ws = Workspace.new()
    ws.add_imports(
        [
            import_file(IMPORT / "meta_ads.csv"),
            import_file(IMPORT / "currency" / "google_ads_eur.csv"),
        ]
    )
    assert ws.reporting_currency == "USD"
    ws.save(saved)
    ws.close()
    window = composition.create_window(settings)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.workspace_loaded):
        window.set_workspace(Workspace.open(saved), saved.name)
    tab = tab_of(window)
    tab.button_all_dates.click()
    window.tabs_main.setCurrentWidget(tab)
    return window


def tab_of(window: MainWindow) -> CampaignsTab:
    assert window.campaigns_tab is not None
    return window.campaigns_tab


def cell(window: MainWindow, key: str | None, column: str) -> QModelIndex:
    model = tab_of(window).model
    keys = [model.campaign_key_at(r) if r else None for r in range(model.rowCount())]
    return model.index(keys.index(key), model.column_of(column))


def test_spend_without_a_rate_shows_a_dash_and_the_reason(qtbot, window: MainWindow) -> None:
    for key in (EUR_KEY, None):  # the EUR campaign and the Total
        spend = cell(window, key, "spend")
        assert spend.data() == "—"
        tip = spend.data(Qt.ItemDataRole.ToolTipRole)
        assert "no exchange rate for EUR" in tip
        roas = cell(window, key, "roas").data(Qt.ItemDataRole.ToolTipRole)
        assert "no exchange rate for EUR" in roas
    usd = cell(window, USD_KEY, "spend")
    assert usd.data() == "$150.25"
    assert "exchange rate" not in usd.data(Qt.ItemDataRole.ToolTipRole)
    # With a rate the sums come back, exact.
    ws = window.workspace
    assert ws is not None
    with qtbot.waitSignal(window.report_refreshed):
        window.session.push(SetFxRate(ws, "EUR", 1.08))
    assert cell(window, EUR_KEY, "spend").data() == "$216.00"
    assert cell(window, None, "spend").data() == "$666.25"
