"""core.cube: the daily cube gives the facts' KPIs, and kept up to date by `Changes` it
equals a cube built from scratch."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest

from kpi_desktop.core import analysis, commands, cube, kpi, series
from kpi_desktop.core.sample import SAMPLE_START, large_facts
from kpi_desktop.core.schema import RATE_FIELDS
from kpi_desktop.core.series import FilterSelection
from kpi_desktop.core.workspace import ADJUSTMENT_SOURCE, Workspace

KPI_COLUMNS = [k.id for k in kpi.KPIS]
FIELDS = ("users", "spend", "clicks", "conversions", "conversion_value")
START = SAMPLE_START.date()


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


def _facts(seed: int, campaigns: int) -> pd.DataFrame:
    facts = large_facts(600, campaigns=campaigns, seed=seed)
    facts.loc[facts.index[:25], "users"] = np.nan
    facts.loc[facts.index[25:40], "currency"] = "EUR"
    facts.loc[facts.index[-60:], "source_id"] = "ev"
    # Lifetime brand-lift rows (study rates, no date): the cube keeps them unsummed.
    study = facts.iloc[:2].copy()
    study["date"] = pd.NaT
    study[list(RATE_FIELDS)] = [[0.2, 0.1, 0.15, 0.12], [0.3, 0.2, 0.1, 0.1]]
    return pd.concat([facts, study], ignore_index=True)


def _events(facts: pd.DataFrame) -> pd.DataFrame:
    tail = facts.iloc[-62:-2]
    return pd.DataFrame(
        {
            "user": np.arange(60) % 17,
            "source_id": "ev",
            "date": tail["date"].to_numpy(),
            "campaign_key": tail["campaign_key"].to_numpy(),
            "channel": tail["channel"].to_numpy(),
            "variant": tail["variant"].to_numpy(),
        }
    )


def _selections(keys: list[str]) -> list[FilterSelection]:
    """Filters read from the daily cube (every channel named is still a filter)."""
    return [
        FilterSelection("all", channels=("DV360", "Instagram", "Messenger")),
        FilterSelection("last_30"),
        FilterSelection(
            "custom",
            START + dt.timedelta(days=40),
            START + dt.timedelta(days=130),
            tuple(keys[:3]),
            ("Messenger", "DV360"),
        ),
    ]


def _assert_same_view(view: series.DataView, ws: Workspace) -> None:
    """`view`, kept up to date by `apply`, answers as a view built now from scratch."""
    fresh = series.DataView(ws)
    assert view.data_range == fresh.data_range
    assert view.campaign_names() == fresh.campaign_names()
    assert view.channel_names() == fresh.channel_names()
    everything, month, custom = _selections(sorted(fresh.campaign_names()))
    questions = [
        (everything, "date"),
        (everything, "campaign"),
        (month, "channel"),
        (custom, "campaign"),
        (FilterSelection("all"), "campaign"),  # unfiltered: the workspace's cached report
    ]
    for selection, by in questions:
        got, want = view.report(selection, by), fresh.report(selection, by)
        pd.testing.assert_frame_equal(got.rows, want.rows, check_exact=False, rtol=1e-12)
        pd.testing.assert_series_equal(got.total, want.total, check_exact=False, rtol=1e-12)


def _step(ws: Workspace, rng: np.random.Generator, keys: list[str], i: int) -> commands.Command:
    """One random user action on `ws` (not yet done)."""
    action = int(rng.integers(0, 11))
    name = FIELDS[int(rng.integers(0, len(FIELDS)))]
    n_rows = len(ws.facts())
    rows = [int(r) for r in rng.integers(0, n_rows, 5)]
    rows = [r for r in rows if ws.facts()["source_id"].iat[r] != ADJUSTMENT_SOURCE] or [0]
    key = keys[int(rng.integers(0, len(keys)))]
    value = float(rng.integers(0, 900))
    if action in (0, 1):
        return commands.EditCell(ws, rows[0], name, None if rng.random() < 0.2 else value)
    if action == 2:
        return commands.RevertCell(ws, rows[0], name)
    if action == 3:
        return commands.EditCampaignTotal(ws, key, name, value * 10)
    if action == 4:
        return commands.RevertCampaignTotal(ws, key, name)
    if action == 5:
        return commands.PasteBlock(ws, [(r, FIELDS[r % 5], value) for r in rows])
    if action == 6:
        more = large_facts(40, campaigns=int(rng.integers(3, 12)), seed=100 + i)
        return commands.ImportSources([FakeImport(more, sha256=f"{i:064d}")])
    if action == 7:
        other = keys[int(rng.integers(0, len(keys)))]
        return commands.AddAlias(ws, other, key)
    if action == 8:
        return commands.SetTarget(ws, "ctr", value / 1000, key if rng.random() < 0.5 else None)
    if action == 9:
        return commands.SetNote(ws, key, f"note {i}")
    return commands.SetFxRate(ws, "EUR", 1.0 + value / 1000)


@pytest.mark.parametrize(("seed", "campaigns"), [(0, 8), (1, 8), (2, 20)])
def test_cube_kept_up_to_date_by_changes_equals_a_fresh_cube(
    seed: int, campaigns: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    summed: list[int] = []
    original = cube.daily_cube

    def counting(facts: pd.DataFrame) -> pd.DataFrame:
        summed.append(len(facts))
        return original(facts)

    monkeypatch.setattr(cube, "daily_cube", counting)
    facts = _facts(seed, campaigns)
    rng = np.random.default_rng(seed)
    with Workspace.from_facts(facts, events=_events(facts), currency="USD") as ws:
        ws.set_fx_rate("EUR", 1.1)
        view = series.DataView(ws)
        view.warm()
        done: list[commands.Command] = []
        for i in range(30):
            keys = sorted(ws.campaigns().index)
            if done and rng.random() < 0.15:
                changes = done.pop().undo(ws)
            else:
                command = _step(ws, rng, keys, i)
                try:
                    changes = command.do(ws)
                except (ValueError, KeyError):
                    continue  # not a valid intent here (an alias of itself, …)
                done.append(command)
            summed.clear()
            view.apply(changes)
            view.warm()
            facts_now = len(ws.facts())
            if changes.scope.keeps_facts and not (changes.reset or changes.kpis_dirty):
                assert summed == []  # targets, notes: the cube stays as it is
            elif changes.scope.keeps_facts and changes.campaigns:
                # An edit re-sums only its campaigns' rows.
                touched = ws.facts()["campaign_key"].isin(list(changes.campaigns)).sum()
                assert sum(summed) == touched <= facts_now
            _assert_same_view(view, ws)


def test_filtered_report_from_the_cube_equals_aggregating_the_filtered_facts() -> None:
    facts = _facts(3, 12)
    with Workspace.from_facts(facts, events=_events(facts), currency="USD") as ws:
        ws.set_fx_rate("EUR", 1.1)
        keys = sorted(ws.campaigns().index)
        ws.edit_campaign_value(keys[1], "spend", 12345.0)  # an adjustment row
        view = series.DataView(ws)
        for selection in _selections(keys):
            period = view.period(selection)
            start, end = period if period else (None, None)
            mask = kpi.select(
                ws.facts(),
                start=start,
                end=end,
                campaigns=selection.campaigns,
                channels=selection.channels,
            ).to_numpy()
            events = ws.events()
            assert events is not None
            events = events[
                kpi.select(
                    events, campaigns=selection.campaigns, channels=selection.channels
                ).to_numpy()
            ]
            if period is not None:
                events = analysis.events_in_period(
                    events, pd.Timestamp(period[0]), pd.Timestamp(period[1])
                )
            for by in ("campaign", "channel", "date", None):
                got = view.report(selection, by)
                want = kpi.aggregate(ws.facts()[mask], by, events=events, fx=ws.fx())
                sums = [c for c in want.columns if c not in (kpi.ROWS, kpi.FX_MISSING)]
                pd.testing.assert_frame_equal(
                    got.rows[sums], want[sums], check_exact=False, rtol=1e-12
                )
                pd.testing.assert_frame_equal(
                    got.rows[KPI_COLUMNS],
                    kpi.compute_kpis(want),
                    check_exact=False,
                    rtol=1e-12,
                )


def test_cube_gives_the_same_kpis_as_the_facts() -> None:
    ws = Workspace.open_sample()
    facts = ws.facts()
    daily = cube.daily_cube(facts)
    assert len(daily) < len(facts)
    direct = kpi.report(facts, "campaign", fx=ws.fx())
    via_cube = kpi.report(daily, "campaign", fx=ws.fx())
    columns = [*KPI_COLUMNS, "users", "spend", "other_cost", "ad_recall_exposed"]
    pd.testing.assert_frame_equal(direct.rows[columns], via_cube.rows[columns])
    assert list(direct.rows["campaign"]) == list(via_cube.rows["campaign"])


def test_cube_keeps_missing_sums_missing_and_currencies_apart() -> None:
    facts = pd.DataFrame(
        {
            "date": ["2026-01-01", "2026-01-01", "2026-01-01"],
            "campaign": ["A", "A", "A"],
            "users": [10, np.nan, 5],
            "visitors": [np.nan, np.nan, np.nan],
            "spend": [10.0, 20.0, 5.0],
            "currency": ["EUR", "EUR", "USD"],
            "source_id": ["s", "s", "s"],
        }
    )
    ws = Workspace.from_facts(facts, currency="EUR")
    view = series.DataView(ws)
    selection = FilterSelection("custom", dt.date(2026, 1, 1), dt.date(2026, 1, 1))
    report = view.report(selection, by=None)
    assert report.total["users"] == 15
    assert np.isnan(report.total["visitors"])
    # No USD rate: money KPIs stay undefined with the reason, as without the cube.
    assert report.reason("total", "cost_per_conversion").startswith("no exchange rate")


def test_rebuilding_only_the_edited_campaigns_equals_a_full_rebuild() -> None:
    ws = Workspace.open_sample()
    view = series.DataView(ws)
    view.warm()
    keys = list(ws.campaigns().index)
    steps = [
        commands.EditCampaignTotal(ws, keys[0], "spend", 1234.5),  # first pin: new row
        commands.EditCampaignTotal(ws, keys[0], "conversions", 99.0),
        commands.EditCampaignTotal(ws, keys[2], "clicks", 4321.0),
    ]
    for command in steps:
        changes = command.do(ws)
        assert changes.campaigns is not None  # each step names what it touched
        view.apply(changes)
    fresh = series.DataView(ws)
    for selection in (FilterSelection(), FilterSelection("last_30")):
        pd.testing.assert_frame_equal(
            view.report(selection).rows, fresh.report(selection).rows, check_exact=False, rtol=1e-12
        )
    everything = FilterSelection("all")
    assert view.report(everything).rows.loc[keys[0], "spend"] == pytest.approx(1234.5)
    # The pinned total is an all-dates figure: a month's view shows the month's rows.
    month = FilterSelection("last_30")
    assert view.report(month).rows.loc[keys[0], "spend"] > 0
    pd.testing.assert_series_equal(
        view.report(month).rows["spend"],
        series.DataView(Workspace.open_sample()).report(month).rows["spend"],
    )
