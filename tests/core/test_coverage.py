"""Coverage, not "undated" (issue 11 item 1; DESIGN section 4 "Coverage"): every fact covers
a day range, a date filter keeps a row only when its range lies inside, what it cuts is
left out with a note, and nothing is pro-rated."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpi_desktop.cli import run
from kpi_desktop.core import kpi, series
from kpi_desktop.core.io.importer import import_file
from kpi_desktop.core.schema import normalize_facts, with_coverage
from kpi_desktop.core.series import FilterSelection
from kpi_desktop.core.series.coverage import coverage, mismatches
from kpi_desktop.core.workspace import Workspace

IMPORT = Path(__file__).parents[1] / "data" / "import"
META = IMPORT / "meta_ads.csv"  # daily, 3-5 March 2025: spend 300.5 on 3-4 March, 450.25 in all
GA4 = IMPORT / "coverage" / "ga4_mar_3_5_no_date.csv"  # no date dimension: 3-5 March, 1,621
D = dt.date


def _report(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert run(["report", str(META), str(GA4), "--format", "json", *args]) == 0
    payload: dict = json.loads(capsys.readouterr().out)
    return payload


def test_a_day_row_covers_its_date_a_range_row_its_range_a_bare_row_nothing() -> None:
    facts = normalize_facts(
        pd.DataFrame(
            {
                "date": ["2025-03-03", None, None],
                "first_day": [None, "2025-03-03", None],
                "last_day": [None, "2025-03-05", None],
                "users": [1, 2, 3],
            }
        )
    )
    assert list(facts["first_day"].dt.date) == [D(2025, 3, 3), D(2025, 3, 3), pd.NaT]
    assert list(facts["last_day"].dt.date) == [D(2025, 3, 3), D(2025, 3, 5), pd.NaT]


def test_facts_stored_before_coverage_derive_it_from_their_date() -> None:
    old = normalize_facts(pd.DataFrame({"date": ["2025-03-03", None], "users": [1, 2]}))
    old = old.drop(columns=["first_day", "last_day"])
    derived = with_coverage(old)
    assert derived["first_day"].iloc[0] == pd.Timestamp("2025-03-03")
    assert derived["last_day"].iloc[0] == pd.Timestamp("2025-03-03")
    assert pd.isna(derived["first_day"].iloc[1])  # no day, no range: covers nothing
    sample = Workspace.open_sample().facts()  # a workspace written before coverage
    dated = sample["date"].notna()
    assert (sample.loc[dated, "first_day"] == sample.loc[dated, "date"]).all()


def test_a_ga4_export_without_a_date_dimension_covers_its_preamble_range() -> None:
    result = import_file(GA4)
    assert result.period == (D(2025, 3, 3), D(2025, 3, 5))
    facts = result.facts
    assert facts["date"].isna().all()
    assert set(facts["first_day"]) == {pd.Timestamp("2025-03-03")}
    assert set(facts["last_day"]) == {pd.Timestamp("2025-03-05")}


def test_select_keeps_a_range_row_only_inside_the_filter() -> None:
    facts = normalize_facts(
        pd.DataFrame(
            {
                "date": ["2025-03-03", None, None],
                "first_day": [None, "2025-03-03", None],
                "last_day": [None, "2025-03-05", None],
                "users": [1, 2, 3],
            }
        )
    )
    assert list(kpi.select(facts)) == [True, True, True]  # all dates: every row
    assert list(kpi.select(facts, start="2025-03-01", end="2025-03-31")) == [True, True, False]
    assert list(kpi.select(facts, start="2025-03-03", end="2025-03-04")) == [True, False, False]
    assert list(kpi.select(facts, start="2025-03-04")) == [False, False, False]


def test_cli_a_two_day_filter_on_three_day_ga4_data_leaves_it_out_and_warns(
    capsys: pytest.CaptureFixture[str],
) -> None:
    everything = _report(capsys)["total"]
    assert everything["spend"] == 450.25
    assert everything["conversion_value"] == 1621
    assert float(everything["kpis"]["roas"]) == pytest.approx(1621 / 450.25)  # 3.60x
    payload = _report(capsys, "--from", "2025-03-03", "--to", "2025-03-04")
    total = payload["total"]
    assert total["spend"] == 300.5  # the two days of spend
    assert total["conversion_value"] is None  # GA4's three days are left out, not pro-rated
    assert total["visitors"] is None
    assert total["kpis"]["roas"] is None  # not 1,621 / 300.5 = 5.39x
    [note] = [w for w in payload["warnings"] if "left out" in w]
    assert note.startswith("GA4 (ga4_mar_3_5_no_date.csv) covers 3 Mar 2025 – 5 Mar 2025")
    assert "Return on ad spend" in note
    assert "Conversion rate" in note


def test_cli_a_month_that_no_source_covers_shows_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    payload = _report(capsys, "--from", "2025-04-01", "--to", "2025-04-30")
    assert payload["rows"] == []
    total = payload["total"]
    assert all(total[f] is None for f in ("visitors", "conversions", "conversion_value", "spend"))
    assert all(value is None for value in total["kpis"].values())
    assert not [w for w in payload["warnings"] if "left out" in w]  # nothing overlaps April


def test_numerator_and_denominator_over_different_days_are_named() -> None:
    facts = normalize_facts(
        pd.DataFrame(
            {
                "date": ["2025-03-03", "2025-03-04", None],
                "first_day": [None, None, "2025-03-03"],
                "last_day": [None, None, "2025-03-05"],
                "campaign": ["a", "a", "a"],
                "spend": [100.0, 100.0, np.nan],
                "conversion_value": [np.nan, np.nan, 720.0],
            }
        )
    )
    found = mismatches(facts)
    assert found["roas"] == (
        "conversion value covers 3 Mar 2025 – 5 Mar 2025 but spend covers "
        "3 Mar 2025 – 4 Mar 2025: the numerator and denominator cover different days."
    )
    # Inside 3-4 March the range row is left out: no mismatch, a left-out note instead.
    cut = coverage(facts, (D(2025, 3, 3), D(2025, 3, 4)), {"": "study.csv"})
    assert cut.mismatch == {}
    [left] = cut.left_out
    assert (left.first, left.last, left.fields) == (
        D(2025, 3, 3),
        D(2025, 3, 5),
        ("conversion_value",),
    )
    assert cut.for_kpi(kpi.KPI_BY_ID["roas"])
    assert not cut.for_kpi(kpi.KPI_BY_ID["ctr"])


def test_rows_without_day_or_range_count_only_under_all_dates_and_are_flagged() -> None:
    facts = normalize_facts(
        pd.DataFrame(
            {
                "date": ["2025-03-03", None],
                "campaign": ["a", "a"],
                "users": [10, 5],
                "source_id": ["bot", "tracker"],
            }
        )
    )
    everything = coverage(facts, None, {"tracker": "tracker.xlsx"})
    [flag] = everything.undated
    assert flag.source == "tracker.xlsx"
    assert "count only under All dates" in flag.sentence(counted=True)
    assert kpi.report(facts[kpi.select(facts).to_numpy()], None).total["users"] == 15
    march = coverage(facts, (D(2025, 3, 1), D(2025, 3, 31)), {"tracker": "tracker.xlsx"})
    assert [e.source for e in march.left_out] == ["tracker.xlsx"]
    mask = kpi.select(facts, start="2025-03-01", end="2025-03-31").to_numpy()
    assert kpi.report(facts[mask], None).total["users"] == 10


def _imported() -> Workspace:
    ws = Workspace.new()
    for path in (META, GA4):
        ws.add_import(import_file(path))
    return ws


@pytest.mark.parametrize(
    "selection",
    [
        FilterSelection("all"),
        FilterSelection("custom", D(2025, 3, 3), D(2025, 3, 4)),
        FilterSelection("custom", D(2025, 3, 3), D(2025, 3, 5)),
        FilterSelection("custom", D(2025, 3, 1), D(2025, 3, 31), campaigns=("summer_bot_launch",)),
        FilterSelection("last_7"),
    ],
)
def test_the_cube_keeps_range_rows_with_their_coverage(selection: FilterSelection) -> None:
    ws = _imported()
    view = series.DataView(ws)
    period = view.period(selection)
    start, end = period if period else (None, None)
    facts = ws.facts()
    mask = kpi.select(facts, start=start, end=end, campaigns=selection.campaigns).to_numpy()
    want = kpi.aggregate(facts[mask], "campaign", fx=ws.fx())
    got = view.report(selection).rows
    sums = ["visitors", "conversions", "conversion_value", "spend"]
    pd.testing.assert_frame_equal(
        got[sums], want[sums], check_exact=False, rtol=1e-12, check_index_type=False
    )


def test_the_dashboard_and_the_presets_know_the_range() -> None:
    ws = _imported()
    view = series.DataView(ws)
    assert view.data_range == (D(2025, 3, 3), D(2025, 3, 5))
    [ga4] = view.range_rows()
    assert (ga4.source, ga4.first, ga4.last) == (
        "GA4 (ga4_mar_3_5_no_date.csv)",
        D(2025, 3, 3),
        D(2025, 3, 5),
    )
    assert ga4.cut_by((D(2025, 3, 3), D(2025, 3, 4)))
    assert not ga4.cut_by((D(2025, 3, 1), D(2025, 3, 31)))
    assert not ga4.cut_by((D(2025, 4, 1), D(2025, 4, 30)))
    selection = FilterSelection("custom", D(2025, 3, 3), D(2025, 3, 4))
    report = view.report(selection)
    data = view.dashboard(selection, report, targets={}, currency="USD")
    roas = data.card("roas")
    assert roas.value is None
    [sentence] = roas.left_out
    assert "GA4 (ga4_mar_3_5_no_date.csv) covers 3 Mar 2025 – 5 Mar 2025" in sentence
    assert data.card("ctr").left_out == ()


def test_a_new_workspace_opens_on_all_dates() -> None:
    assert FilterSelection().preset == series.ALL
    assert series.resolve_period(FilterSelection(), D(2025, 3, 5)) is None
