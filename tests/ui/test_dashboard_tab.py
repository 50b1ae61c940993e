"""The Dashboard tab shows what the core computes, formatted by core.format."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kpi_desktop.core import format as fmt
from kpi_desktop.core import series
from kpi_desktop.core.kpi import KPI_BY_ID, KPIS
from kpi_desktop.core.workspace import Workspace
from kpi_desktop.ui.session import ReportContext
from kpi_desktop.ui.tabs.dashboard_tab import DashboardTab
from kpi_desktop.ui.widgets.kpi_card import KpiCard


@pytest.fixture
def tab(qtbot) -> DashboardTab:
    tab = DashboardTab()
    qtbot.addWidget(tab)
    return tab


def test_one_card_per_kpi_with_the_core_value(tab: DashboardTab, sample: Workspace) -> None:
    report = sample.report("campaign")
    tab.show_report(report, ReportContext(currency="USD", targets=sample.targets()[None]))
    assert set(tab.cards) == {k.id for k in KPIS}
    for kpi in KPIS:
        card = tab.cards[kpi.id]
        assert card.value_text == fmt.kpi_value(kpi, report.total[kpi.id], "USD")
        assert card.value_text != fmt.EM_DASH
        assert kpi.formula in card.toolTip()
    ctr = tab.cards["ctr"]
    assert ctr.label_detail.text() == "16,213 clicks / 123,694 users"
    assert "12.5" not in ctr.label_status.text()
    assert ctr.label_status.text().startswith("✓ On target")
    assert tab.cards["roas"].label_status.text().startswith("✗")


def test_undefined_kpi_shows_an_em_dash_and_its_reason(qtbot, tab: DashboardTab) -> None:
    facts = pd.DataFrame(
        {
            "date": ["2026-01-01", "2026-01-02"],
            "campaign": ["A", "A"],
            "users": [100, 50],
            "clicks": [10, 5],
            "conversions": [0, 0],
            "spend": [20.0, 30.0],
        }
    )
    ws = Workspace.from_facts(facts, currency="EUR")
    context = ReportContext(currency="EUR", start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 2))
    tab.show_report(ws.report("campaign"), context)
    tab.show()
    qtbot.waitExposed(tab)
    recall = tab.cards["ad_recall_lift"]
    assert recall.value_text == fmt.EM_DASH
    assert "no ad recall (exposed) data" in recall.reason_text
    assert recall.label_reason.isVisible()
    assert "no ad recall (exposed) data" in recall.toolTip()
    cost = tab.cards["cost_per_conversion"]
    assert cost.value_text == fmt.EM_DASH
    assert "conversions is 0" in cost.reason_text
    assert tab.cards["ctr"].value_text == "10.0 %"
    assert not tab.cards["ctr"].label_reason.isVisible()
    assert "1 Jan 2026 – 2 Jan 2026 (2 days)" in tab.label_heading.text()


def test_says_how_users_were_counted(qtbot, tab: DashboardTab, sample: Workspace) -> None:
    report = sample.report("campaign")
    assert not report.users_exact
    tab.show_report(report, ReportContext(currency="USD", is_sample=True))
    tab.show()
    qtbot.waitExposed(tab)
    assert tab.label_users_note.isVisible()
    assert tab.label_users_note.text().startswith("Users: sum of daily users")
    assert tab.frame_sample.isVisible()


def test_with_a_data_view_cards_show_change_sparkline_and_status(qtbot, tab: DashboardTab) -> None:
    ws = Workspace.open_sample()
    view = series.DataView(ws)
    selection = series.FilterSelection("last_30")
    report = view.report(selection)
    start, end = view.period(selection)  # type: ignore[misc]
    context = ReportContext(
        currency="USD",
        start=start,
        end=end,
        targets=ws.targets()[None],
        selection=selection,
        data=view,
    )
    tab.show_report(report, context)
    tab.show()
    qtbot.waitExposed(tab)
    expected = ws.report(None, start=start, end=end).total
    for kpi in KPIS:
        assert tab.cards[kpi.id].value_text == fmt.kpi_value(kpi, expected[kpi.id], "USD")
    ctr = tab.cards["ctr"]
    assert ctr.change_text == tab.data.card("ctr").change_text  # type: ignore[union-attr]
    assert " pp (" in ctr.change_text
    assert "pp" not in tab.cards["roas"].change_text
    assert ctr.label_previous.text().startswith("was ")
    assert len(ctr.sparkline.y) == 30
    assert ctr.sparkline.isVisible()
    assert "Changes compared with 28 Sep 2026 – 27 Oct 2026" in tab.label_subheading.text()
    assert "percentage points" in ctr.toolTip()
    # The status comes from analysis.target_status, shown with a symbol and words.
    assert tab.cards["cost_per_conversion"].label_status.text().startswith("✗ Off target")
    funnel = [label.text() for label in tab.funnel.value_labels]
    assert "Users" in funnel[0]
    assert "Conversions" in funnel[-1]
    assert "per user" in tab.funnel.rate_labels[0].text()
    assert "Best" in tab.ranking.label_best.text()


def test_ranking_follows_the_chosen_kpi(qtbot, tab: DashboardTab, sample: Workspace) -> None:
    report = sample.report("campaign")
    tab.show_report(report, ReportContext(currency="USD"))
    tab.ranking.combo_rank_kpi.setCurrentIndex(tab.ranking.combo_rank_kpi.findData("ctr"))
    best = series.ranking_data(report, "ctr", "USD").best[0]
    assert best[0] in tab.ranking.label_best.text()
    assert fmt.kpi_value(KPI_BY_ID["ctr"], None) == fmt.EM_DASH


def test_a_long_no_comparison_reason_wraps_instead_of_widening_the_card(qtbot) -> None:
    # After importing March data, every card said "previous period: no ... data" and
    # the third column of cards was pushed off a 1366-pixel window.
    card = KpiCard("insights_per_user", "Customer insights per user")
    qtbot.addWidget(card)
    card.set_content("0.10", detail="35 data points / 350 users")
    card.set_change("previous period: no declared data points data", None, "was —")
    card.set_content("$57.65", detail="($15,314.33 spend + $540.00 other cost) / 275 conversions")
    assert card.minimumSizeHint().width() < 300


def test_the_whole_sample_dashboard_fits_a_1366_by_860_window(qtbot, settings) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QScrollArea

    from kpi_desktop import app as composition

    window = composition.create_window(settings)
    qtbot.addWidget(window)
    window.resize(1366, 860)
    window.show()
    with qtbot.waitSignal(window.workspace_loaded):
        window.set_workspace(Workspace.open_sample(), "Sample workspace", sample=True)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    tab = window.dashboard_tab
    assert tab is not None
    assert "File › Import (Ctrl+I)" in tab.label_sample.text()
    scroll = tab.findChild(QScrollArea)
    page = scroll.widget()
    assert page.sizeHint().height() <= scroll.viewport().height()  # funnel and ranking too
    assert page.minimumSizeHint().width() <= scroll.viewport().width()


def test_a_hidden_dashboard_computes_only_when_its_tab_is_shown(qtbot, sample: Workspace) -> None:
    from PySide6.QtWidgets import QTabWidget, QWidget

    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    other, dashboard = QWidget(), DashboardTab()
    tabs.addTab(other, "Other")
    tabs.addTab(dashboard, "Dashboard")
    tabs.show()
    qtbot.waitExposed(tabs)
    report = sample.report("campaign")
    dashboard.show_report(report, ReportContext(currency="USD"))
    assert dashboard.data is None  # not computed for a tab nobody looks at
    tabs.setCurrentWidget(dashboard)
    assert dashboard.data is not None
    ctr = KPI_BY_ID["ctr"]
    assert dashboard.cards["ctr"].value_text == fmt.kpi_value(ctr, report.total["ctr"], "USD")
