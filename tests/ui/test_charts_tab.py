"""The Charts tab: data from the core, items reused on change, notes, export, legend."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpi_desktop.core import analysis, sample, series
from kpi_desktop.core.commands import AddAnnotation
from kpi_desktop.core.workspace import Workspace
from kpi_desktop.ui.session import ReportContext
from kpi_desktop.ui.tabs.charts_tab import ChartsTab


def _context(view: series.DataView, selection: series.FilterSelection) -> ReportContext:
    ws = view.workspace
    period = view.period(selection)
    return ReportContext(
        currency="USD",
        start=period[0] if period else None,
        end=period[1] if period else None,
        targets=ws.targets().get(None, {}),
        selection=selection,
        data=view,
    )


@pytest.fixture
def shown(qtbot) -> tuple[ChartsTab, series.DataView]:
    tab = ChartsTab()
    qtbot.addWidget(tab)
    tab.resize(1200, 800)
    view = series.DataView(Workspace.open_sample())
    selection = series.FilterSelection("last_30")
    tab.show_report(view.report(selection), _context(view, selection))
    tab.show()
    qtbot.waitExposed(tab)
    return tab, view


def test_names(shown: tuple[ChartsTab, series.DataView]) -> None:
    tab, _ = shown
    for name in (
        "plot_time_series",
        "plot_campaign_bars",
        "plot_funnel",
        "combo_chart_metric",
        "combo_chart_freq",
        "combo_chart_split",
    ):
        assert getattr(tab, name).objectName() == name
    assert tab.objectName() == "tab_charts"


def test_lines_are_the_core_series(shown: tuple[ChartsTab, series.DataView]) -> None:
    tab, view = shown
    tab.combo_chart_freq.setCurrentIndex(tab.combo_chart_freq.findData("D"))
    tab.combo_chart_metric.setCurrentIndex(tab.combo_chart_metric.findData("ctr"))
    facts = view.workspace.facts()
    expected = analysis.time_series(facts[facts["date"] >= "2026-10-28"], "ctr", "D", by="campaign")
    chart = tab.plot_time_series
    assert chart.visible_series() == list(expected.columns)
    _, y = chart.curves[0].getOriginalDataset()
    np.testing.assert_allclose(y, expected.iloc[:, 0].to_numpy() * 100)
    assert chart.plot_item.getAxis("left").labelText == "Chatbot CTR to website (%)"
    assert chart.target_line.isVisible()
    assert chart.target_line.value() == pytest.approx(12.0)
    assert "Target 12.0 %" in chart.target_line.label.format
    bars = tab.plot_campaign_bars
    report = view.report(series.FilterSelection("last_30"))
    best = report.rows.sort_values("ctr", ascending=False)
    assert bars.names[0] == best["campaign"].iloc[0]
    assert bars.values[0] == pytest.approx(best["ctr"].iloc[0] * 100)


def test_filter_change_reuses_the_plot_items(shown: tuple[ChartsTab, series.DataView]) -> None:
    tab, view = shown
    chart = tab.plot_time_series
    curves = list(chart.curves)
    items = len(chart.plot_item.items)
    bar_item = tab.plot_campaign_bars.bars
    selection = series.FilterSelection("last_7", channels=("Messenger",))
    tab.show_report(view.report(selection), _context(view, selection))
    assert chart.curves == curves
    assert len(chart.plot_item.items) == items
    assert tab.plot_campaign_bars.bars is bar_item
    assert len(chart.data.x) == 2  # type: ignore[union-attr]  # two weeks touch the last 7 days
    tab.combo_chart_split.setCurrentIndex(tab.combo_chart_split.findData(None))
    assert chart.visible_series() == ["Conversion rate"]
    assert not chart.legend.isVisible()


def test_undefined_points_are_gaps(qtbot) -> None:
    facts = pd.DataFrame(
        {
            "date": ["2026-01-01", "2026-01-02", "2026-01-03"],
            "campaign": ["A", "A", "A"],
            "users": [10, 5, 8],
            "visitors": [10, 0, 8],
            "conversions": [1, 0, 2],
        }
    )
    view = series.DataView(Workspace.from_facts(facts))
    tab = ChartsTab()
    qtbot.addWidget(tab)
    tab.combo_chart_freq.setCurrentIndex(0)
    selection = series.FilterSelection("all")
    tab.show_report(view.report(selection), _context(view, selection))
    tab.show()
    qtbot.waitExposed(tab)
    _, y = tab.plot_time_series.curves[0].getOriginalDataset()
    assert y[0] == pytest.approx(10.0)
    assert np.isnan(y[1])
    assert tab.plot_time_series.curves[0].opts["connect"] == "finite"


def test_many_campaigns_collapse_to_seven_plus_others(qtbot) -> None:
    view = series.DataView(
        Workspace.from_facts(sample.large_facts(4000, campaigns=12), currency="USD")
    )
    tab = ChartsTab()
    qtbot.addWidget(tab)
    selection = series.FilterSelection("all")
    tab.show_report(view.report(selection), _context(view, selection))
    tab.show()
    qtbot.waitExposed(tab)
    names = tab.plot_time_series.visible_series()
    assert len(names) == 8
    assert names[-1] == "others"


def test_legend_toggle_and_hover_readout(shown: tuple[ChartsTab, series.DataView]) -> None:
    tab, _ = shown
    chart = tab.plot_time_series
    first = chart.visible_series()[0]
    text = chart.readout_at(float(chart.data.x[1]))  # type: ignore[union-attr]
    assert first in text
    assert "%" in text
    chart.set_series_visible(first, False)
    assert first not in chart.visible_series()
    assert first not in chart.readout_at(float(chart.data.x[1]))  # type: ignore[union-attr]


def test_notes_are_saved_in_the_workspace(shown: tuple[ChartsTab, series.DataView]) -> None:
    tab, view = shown
    chart = tab.plot_time_series
    day = dt.date(2026, 11, 11)
    asked: list[tuple[dt.date, str]] = []

    def save(when: dt.date, text: str) -> None:  # what the window does, without undo
        asked.append((when, text))
        AddAnnotation(view.workspace, when, text).do(view.workspace)
        tab.show_annotations()

    tab.annotation_requested.connect(save)
    chart.ask_note(day, ask=lambda *args: ("Newsletter sent", True))
    assert asked == [(day, "Newsletter sent")]  # the tab asks; it never writes itself
    assert view.workspace.get_setting(series.ANNOTATIONS_SETTING) == [
        {"date": "2026-11-11", "text": "Newsletter sent"}
    ]
    assert chart.note_lines[0].isVisible()
    assert chart.note_lines[0].value() == pytest.approx(
        dt.datetime(2026, 11, 11, tzinfo=dt.UTC).timestamp()
    )
    menu = chart.context_menu(None)
    names = [a.objectName() for a in menu.actions()]
    assert "action_export_png" in names
    assert "action_export_svg" in names


def test_every_chart_exports_png_and_svg(
    qtbot, shown: tuple[ChartsTab, series.DataView], tmp_path: Path
) -> None:
    tab, _ = shown
    for chart in (tab.plot_time_series, tab.plot_campaign_bars, tab.plot_funnel):
        for suffix in (".png", ".svg"):
            path = tmp_path / f"{chart.objectName()}{suffix}"
            with qtbot.waitSignal(chart.exported):
                chart.export(path)
            assert path.stat().st_size > 1000
    assert (tmp_path / "plot_funnel.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_every_chart_copies_itself_to_the_clipboard_as_an_image(
    qtbot, shown: tuple[ChartsTab, series.DataView]
) -> None:
    from PySide6.QtWidgets import QApplication

    tab, _ = shown
    for chart in (tab.plot_time_series, tab.plot_campaign_bars, tab.plot_funnel):
        QApplication.clipboard().clear()
        action = next(
            a for a in chart.context_menu(None).actions() if a.objectName() == "action_copy_chart"
        )
        action.trigger()
        image = QApplication.clipboard().image()
        assert not image.isNull()
        assert image.width() >= chart.width() - 1


def test_an_empty_workspace_says_so_instead_of_drawing_placeholders(qtbot) -> None:
    from kpi_desktop.ui.charts.time_chart import EMPTY_TEXT

    tab = ChartsTab()
    qtbot.addWidget(tab)
    view = series.DataView(Workspace.new())
    selection = series.FilterSelection()
    tab.show_report(view.report(selection), _context(view, selection))
    tab.show()
    qtbot.waitExposed(tab)
    chart = tab.plot_time_series
    assert not chart.legend.items  # no "series 0 … series 7"
    assert not chart.legend.isVisible()
    assert chart.label_readout.text() == EMPTY_TEXT
    assert not chart.plot_item.getAxis("bottom").style["showValues"]
