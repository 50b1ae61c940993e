"""Edits hold under every filter (issue 11, item 5): a typed campaign total covers the
campaign's data range, like a range row. It counts under every date filter holding that
range (on the facts and from the daily cube alike) and is left out, with a note, where a
filter cuts it; its range follows the campaign's data (import, undo, alias)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
import pytest

from kpi_desktop.core import commands, kpi, series
from kpi_desktop.core.series import FilterSelection
from kpi_desktop.core.workspace import ADJUSTMENT_SOURCE, Workspace

D = dt.date
START = D(2026, 9, 1)  # 20 days of data: 1-20 Sep 2026
DAYS = 20


@dataclass
class FakeImport:
    """Duck-typed stand-in for `core.io.importer.ImportResult`."""

    facts: pd.DataFrame
    sha256: str
    events: pd.DataFrame | None = None
    problems: list[str] = field(default_factory=list)
    preset: str = "generic"
    mapping: dict[str, str] = field(default_factory=dict)
    supplies: frozenset[str] = frozenset()
    file_name: str = "more.csv"
    currency: str = "USD"
    role: str = "other"
    label: str = ""


def _days(campaign: str, first: dt.date, n: int, spend: float, source: str = "s1") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": pd.date_range(first, periods=n, freq="D"),
            "campaign": campaign,
            "channel": "Messenger",
            "spend": spend,
            "clicks": 10.0,
            "currency": "USD",
            "source_id": source,
        }
    )


def _workspace() -> Workspace:
    facts = pd.concat(
        [
            _days("Spring Sale", START, DAYS, 100.0),
            _days("Loyalty", START + dt.timedelta(5), 5, 40.0),
        ],
        ignore_index=True,
    )
    ws = Workspace.from_facts(facts, currency="USD")
    ws.edit_campaign_value("spring_sale", "spend", 5000.0)  # imported: 2,000
    return ws


def _spend(view: series.DataView, selection: FilterSelection) -> float:
    return float(view.report(selection).rows.loc["spring_sale", "spend"])


def _adjustment(ws: Workspace) -> pd.Series:
    facts = ws.facts()
    [row] = facts.index[(facts["source_id"] == ADJUSTMENT_SOURCE).to_numpy()]
    return facts.loc[row]


def test_a_typed_total_covers_its_campaigns_data_range() -> None:
    with _workspace() as ws:
        assert ws.campaign_range("spring_sale") == (START, D(2026, 9, 20))
        assert ws.campaign_range("loyalty") == (D(2026, 9, 6), D(2026, 9, 10))
        row = _adjustment(ws)
        assert row["first_day"] == pd.Timestamp(START)
        assert row["last_day"] == pd.Timestamp(2026, 9, 20)
        assert pd.isna(row["date"])
        assert row["spend"] == pytest.approx(3000.0)  # typed 5,000 - imported 2,000


def test_it_counts_under_a_filter_holding_the_range_from_facts_and_cube() -> None:
    with _workspace() as ws:
        view = series.DataView(ws)
        for selection in (
            FilterSelection("all"),
            FilterSelection("last_30"),  # 30 days up to 20 Sep: holds all 20 days
            FilterSelection("custom", D(2026, 8, 1), D(2026, 9, 30)),
            FilterSelection("custom", START, D(2026, 9, 20), campaigns=("spring_sale",)),
        ):
            assert _spend(view, selection) == pytest.approx(5000.0), selection
        period = view.period(FilterSelection("last_30"))
        assert period is not None
        mask = kpi.select(ws.facts(), start=period[0], end=period[1]).to_numpy()
        assert kpi.aggregate(ws.facts()[mask], "campaign").loc["spring_sale", "spend"] == 5000.0
        assert view.report(FilterSelection("last_30")).total["spend"] == pytest.approx(5200.0)
        assert view.coverage(FilterSelection("last_30")).left_out == ()


def test_a_filter_cutting_the_range_leaves_it_out_and_says_so() -> None:
    with _workspace() as ws:
        view = series.DataView(ws)
        cut = FilterSelection("custom", D(2026, 9, 5), D(2026, 9, 30))
        assert _spend(view, cut) == pytest.approx(1600.0)  # 16 days of 100: no pro-rating
        period = view.period(cut)
        assert period is not None
        mask = kpi.select(ws.facts(), start=period[0], end=period[1]).to_numpy()
        want = kpi.aggregate(ws.facts()[mask], "campaign")
        pd.testing.assert_series_equal(
            view.report(cut).rows["spend"],
            want["spend"],
            check_names=False,
            check_index_type=False,
        )
        [entry] = view.coverage(cut).left_out
        assert entry.sentence() == (
            "A typed campaign total covers 1 Sep 2026 – 20 Sep 2026 as one range, which this "
            "date filter cuts: left out, never pro-rated."
        )
        # Loyalty's own rows (6-10 Sep) are inside: its total is its rows.
        assert view.report(cut).rows.loc["loyalty", "spend"] == pytest.approx(200.0)


def test_the_range_follows_the_campaigns_data_through_import_undo_and_alias() -> None:
    with _workspace() as ws:
        view = series.DataView(ws)
        view.warm()
        more = FakeImport(_days("Spring Sale", D(2026, 9, 21), 5, 100.0, "s2"), sha256="1" * 64)
        imported = commands.ImportSources([more])
        view.apply(imported.do(ws))
        assert ws.campaign_range("spring_sale") == (START, D(2026, 9, 25))
        assert _adjustment(ws)["last_day"] == pd.Timestamp(2026, 9, 25)
        holds = FilterSelection("custom", START, D(2026, 9, 25))
        assert _spend(view, holds) == pytest.approx(5000.0)
        assert _spend(view, FilterSelection("custom", START, D(2026, 9, 20))) == 2000.0

        view.apply(imported.undo(ws))
        assert _adjustment(ws)["last_day"] == pd.Timestamp(2026, 9, 20)
        assert _spend(view, FilterSelection("custom", START, D(2026, 9, 20))) == 5000.0

        alias = commands.AddAlias(ws, "loyalty", "spring_sale")
        view.apply(alias.do(ws))
        assert ws.campaign_range("spring_sale") == (START, D(2026, 9, 20))
        assert _spend(view, FilterSelection("last_30")) == pytest.approx(5000.0)
        view.apply(alias.undo(ws))
        assert _spend(view, FilterSelection("last_30")) == pytest.approx(5000.0)


def test_a_total_typed_after_the_report_was_cached_covers_the_range_too() -> None:
    facts = _days("Spring Sale", START, DAYS, 100.0)
    with Workspace.from_facts(facts, currency="USD") as ws:
        view = series.DataView(ws)
        view.warm()
        ws.report("campaign")  # the cached report: the adjustment row is appended in place
        changes = commands.EditCampaignTotal(ws, "spring_sale", "clicks", 999.0).do(ws)
        view.apply(changes)
        row = _adjustment(ws)
        assert (row["first_day"], row["last_day"]) == (
            pd.Timestamp(START),
            pd.Timestamp(2026, 9, 20),
        )
        assert view.report(FilterSelection("last_30")).rows.loc["spring_sale", "clicks"] == 999.0
        cut = FilterSelection("custom", START, D(2026, 9, 10))
        assert view.report(cut).rows.loc["spring_sale", "clicks"] == 100.0


def test_a_campaign_without_dated_rows_counts_its_typed_total_only_under_all_dates() -> None:
    facts = pd.concat(
        [
            _days("Spring Sale", START, DAYS, 100.0),
            pd.DataFrame(
                {"campaign": ["Print Ad"], "spend": [50.0], "currency": "USD", "source_id": "s1"}
            ),
        ],
        ignore_index=True,
    )
    with Workspace.from_facts(facts, currency="USD") as ws:
        ws.edit_campaign_value("print_ad", "spend", 80.0)
        assert ws.campaign_range("print_ad") is None
        view = series.DataView(ws)
        assert view.report(FilterSelection("all")).rows.loc["print_ad", "spend"] == 80.0
        assert "print_ad" not in view.report(FilterSelection("last_30")).rows.index


@pytest.mark.parametrize(
    "selection",
    [
        FilterSelection("last_30"),  # holds the adjustment row's range
        FilterSelection("custom", D(2026, 9, 5), D(2026, 9, 30)),  # cuts it
        FilterSelection("custom", START, D(2026, 9, 20), channels=("Messenger",)),
    ],
)
def test_the_daily_cube_treats_the_adjustment_row_as_select_does(
    selection: FilterSelection,
) -> None:
    with _workspace() as ws:
        ws.edit_campaign_value("loyalty", "clicks", 77.0)
        view = series.DataView(ws)
        period = view.period(selection)
        assert period is not None
        facts = ws.facts()
        mask = kpi.select(
            facts, start=period[0], end=period[1], channels=selection.channels
        ).to_numpy()
        for by in ("campaign", None):
            want = kpi.aggregate(facts[mask], by)
            got = view.report(selection, by).rows
            sums = ["spend", "clicks"]
            pd.testing.assert_frame_equal(
                got[sums], want[sums], check_exact=False, rtol=1e-12, check_index_type=False
            )
