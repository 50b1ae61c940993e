"""core.series: filter periods and the values behind cards and charts."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from kpi_desktop.core import analysis, kpi, sample, series
from kpi_desktop.core.series import FilterSelection
from kpi_desktop.core.workspace import Workspace

KPI_COLUMNS = [k.id for k in kpi.KPIS]


@pytest.fixture(scope="module")
def ws() -> Workspace:
    return Workspace.open_sample()


@pytest.mark.parametrize(
    ("preset", "expected"),
    [
        ("last_7", (dt.date(2026, 11, 20), dt.date(2026, 11, 26))),
        ("last_30", (dt.date(2026, 10, 28), dt.date(2026, 11, 26))),
        ("this_month", (dt.date(2026, 11, 1), dt.date(2026, 11, 26))),
        ("last_month", (dt.date(2026, 10, 1), dt.date(2026, 10, 31))),
        ("this_quarter", (dt.date(2026, 10, 1), dt.date(2026, 11, 26))),
        ("last_quarter", (dt.date(2026, 7, 1), dt.date(2026, 9, 30))),
        ("all", None),
    ],
)
def test_presets_count_back_from_the_latest_data(preset: str, expected: object) -> None:
    assert series.resolve_period(FilterSelection(preset), dt.date(2026, 11, 26)) == expected


def test_selection_round_trips_through_json_and_survives_junk() -> None:
    chosen = FilterSelection(
        "custom", dt.date(2026, 9, 1), dt.date(2026, 9, 30), ("loyalty_club",), ("Messenger",)
    )
    assert FilterSelection.from_json(chosen.to_json()) == chosen
    assert FilterSelection.from_json("nonsense") == FilterSelection()
    assert FilterSelection.from_json({"preset": "custom", "start": "x"}) == FilterSelection()


def test_filtered_report_equals_the_store_report(ws: Workspace) -> None:
    view = series.DataView(ws)
    selection = FilterSelection("last_30", channels=("Messenger",))
    start, end = view.period(selection)  # type: ignore[misc]
    expected = ws.report("campaign", start=start, end=end, channels=["Messenger"])
    got = view.report(selection)
    pd.testing.assert_frame_equal(got.rows[KPI_COLUMNS], expected.rows[KPI_COLUMNS])


def test_dashboard_cards_compare_with_the_previous_period(ws: Workspace) -> None:
    view = series.DataView(ws)
    selection = FilterSelection("last_30")
    report = view.report(selection)
    data = view.dashboard(selection, report, targets=ws.targets()[None], currency="USD")
    start, end = view.period(selection)  # type: ignore[misc]
    comparison = analysis.compare_periods(ws.facts(), start, end, fx=ws.fx())
    ctr = data.card("ctr")
    assert ctr.value == pytest.approx(comparison.kpi("ctr").current)
    assert ctr.change is not None
    assert ctr.change.points == pytest.approx(comparison.kpi("ctr").points)
    assert " pp (" in ctr.change_text
    assert "pp" not in data.card("cost_per_conversion").change_text
    assert ctr.status == analysis.target_status("ctr", ctr.value, 0.12)
    assert len(ctr.spark_y) == 30
    assert data.previous == (dt.date(2026, 9, 28), dt.date(2026, 10, 27))
    assert [s.step for s in data.funnel.steps] == list(analysis.FUNNEL_STEPS)


def test_time_chart_collapses_to_seven_plus_others_and_keeps_gaps() -> None:
    facts = sample.large_facts(6000, campaigns=12)
    ws = Workspace.from_facts(facts, currency="USD")
    view = series.DataView(ws)
    chart = view.time_chart(FilterSelection("all"), "ctr", "W", "campaign")
    assert len(chart.lines) == series.MAX_SERIES
    assert chart.lines[-1].name == "others"
    assert chart.collapsed == 12 - 7
    assert chart.unit == "%"
    one = view.time_chart(FilterSelection("all"), "conversions", "M")
    frame = analysis.time_series(ws.facts(), "conversions", "M")
    np.testing.assert_allclose(one.lines[0].y, frame["conversions"].to_numpy())


def test_undefined_points_are_nan_not_zero() -> None:
    facts = pd.DataFrame(
        {
            "date": ["2026-01-01", "2026-01-02", "2026-01-04"],
            "campaign": ["A", "A", "A"],
            "users": [10, 0, 5],
            "clicks": [1, 0, 1],
        }
    )
    view = series.DataView(Workspace.from_facts(facts))
    chart = view.time_chart(FilterSelection("all"), "ctr", "D")
    y = chart.lines[0].y
    assert y[0] == pytest.approx(10.0)
    assert np.isnan(y[1])  # users 0: undefined
    assert np.isnan(y[2])  # no data that day
    assert chart.text(y[0]) == "10.0 %"


def test_change_text_reads_like_the_design() -> None:
    rate = analysis.Change("ctr", "CTR", True, 0.15, 0.125, 0.025, 2.5, 0.2, None)
    assert series.change_text(kpi.KPI_BY_ID["ctr"], rate) == "▲ +2.5 pp (+20.0 %)"
    money = analysis.Change("roas", "ROAS", True, 4.0, 5.0, -1.0, None, -0.2, None)
    assert series.change_text(kpi.KPI_BY_ID["roas"], money) == "▼ −20.0 %"
    none = analysis.Change("roas", "ROAS", True, None, 5.0, None, None, None, "this period: x")
    assert series.change_text(kpi.KPI_BY_ID["roas"], none) == "this period: x"
