"""DataView: filtered reports, dashboard and chart data over one workspace."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from kpi_desktop.core import analysis, kpi
from kpi_desktop.core.cube import DailyCube
from kpi_desktop.core.kpi import KPIS, FxRates, KpiReport
from kpi_desktop.core.series.charts import Freq, Split, TimeChartData, time_chart_data
from kpi_desktop.core.series.coverage import (
    Coverage,
    LeftOut,
    coverage,
    ranges_of,
    source_names,
)
from kpi_desktop.core.series.dashboard import WEEKLY_SPARK_DAYS, DashboardData, dashboard_data
from kpi_desktop.core.series.selection import (
    ANNOTATIONS_SETTING,
    FilterSelection,
    parse_annotations,
    resolve_period,
)

if TYPE_CHECKING:
    from kpi_desktop.core.workspace import Changes, Workspace


@dataclass
class _State:
    """What the view derived from the workspace's data, until the data changes."""

    cube: DailyCube
    events: pd.DataFrame | None = None
    last_day: dt.date | None = None
    first_day: dt.date | None = None
    names: dict[str, str] = field(default_factory=dict)
    channels: tuple[str, ...] = ()


class DataView:
    """Filtered reports, comparisons and chart series over one workspace.

    Build once per workspace; hand it every `Changes` of the workspace (`apply`).
    Targets and exchange rates are read at each call, so changing them needs no rebuild.
    """

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._state: _State | None = None

    def apply(self, changes: Changes) -> None:
        """Forget what a mutation's `changes` made out of date: the one place that decides.

        Nothing when only parts beside the facts changed and no KPI moved (targets,
        notes); only the named campaigns' part of the cube when the facts changed for
        them alone (an edit, a paste, a pinned campaign total: re-summing a few campaigns
        keeps an edit on a million rows interactive); everything otherwise (an import, an
        alias, a rename, a deleted campaign, exchange rates, which reprice pinned totals).
        """
        if changes.scope.keeps_facts and not (changes.reset or changes.kpis_dirty):
            return
        self._invalidate(changes.campaigns if changes.scope.keeps_facts else None)

    def _invalidate(self, campaigns: frozenset[str] | None) -> None:
        """Forget the data; with `campaigns`, only those campaigns' part of it changed."""
        state = self._state
        if not campaigns or state is None or not state.cube.built:
            self._state = None
            return
        state.cube.update_campaigns(self.workspace.facts(), campaigns)
        state.names = self._campaign_names()

    def _campaign_names(self) -> dict[str, str]:
        camps = self.workspace.campaigns()
        return {str(k): str(v) for k, v in camps["display_name"].items()}

    def _get(self) -> _State:
        if self._state is None:
            facts = self.workspace.facts()
            state = _State(DailyCube(facts), events=self.workspace.events())
            # The days the data covers: range rows (GA4 without a date dimension) count.
            first, last = facts["first_day"].dropna(), facts["last_day"].dropna()
            if len(first) and len(last):
                state.first_day, state.last_day = first.min().date(), last.max().date()
            state.names = self._campaign_names()
            if "channel" in facts:
                state.channels = tuple(
                    sorted(str(c) for c in pd.unique(facts["channel"].dropna()) if str(c))
                )
            self._state = state
        return self._state

    def _cube(self) -> tuple[pd.DataFrame, FxRates | None]:
        """The daily cube and the rates still to apply to it (see `DailyCube.read`)."""
        state = self._get()
        return state.cube.read(self.workspace.fx())

    def warm(self) -> None:
        """Build the cube now (after an import, before the user touches a filter)."""
        self._cube()

    # -- annotations (a workspace setting; `commands.AddAnnotation` adds one, undoably)
    def annotations(self) -> list[tuple[dt.date, str]]:
        return parse_annotations(self.workspace.get_setting(ANNOTATIONS_SETTING, []))

    # -- what the filter bar lists
    @property
    def data_range(self) -> tuple[dt.date, dt.date] | None:
        state = self._get()
        if state.first_day is None or state.last_day is None:
            return None
        return state.first_day, state.last_day

    def campaign_names(self) -> dict[str, str]:
        """Campaign key -> display name, in name order."""
        names = self._get().names
        return dict(sorted(names.items(), key=lambda kv: kv[1].lower()))

    def source_labels(self) -> dict[str, str]:
        """Source id -> the name the user knows it by (its label or file name)."""
        return source_names(self.workspace.sources())

    def coverage(self, selection: FilterSelection) -> Coverage:
        """What the selection's date filter leaves out, and KPIs whose inputs cover
        different days (see `series.coverage`)."""
        subset, _ = self._subset(selection, dated=False)
        return coverage(subset, self.period(selection), self.source_labels())

    def range_rows(self) -> tuple[LeftOut, ...]:
        """Each source's distinct reporting ranges of rows that have no single day (what a
        date filter may cut; `LeftOut.cut_by` says whether one does)."""
        cube, _ = self._cube()
        ranged = cube[(cube["date"].isna() & cube["first_day"].notna()).to_numpy()]
        return ranges_of(ranged, self.source_labels())

    def channel_names(self) -> tuple[str, ...]:
        return self._get().channels

    def period(self, selection: FilterSelection) -> tuple[dt.date, dt.date] | None:
        return resolve_period(selection, self._get().last_day)

    @staticmethod
    def is_unfiltered(selection: FilterSelection, period: object) -> bool:
        return period is None and selection.campaigns is None and selection.channels is None

    def _fx(self) -> FxRates | None:
        """The rates still to apply when reporting from the cube (None once converted)."""
        return self._cube()[1]

    def _subset(
        self, selection: FilterSelection, *, dated: bool
    ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
        """Cube rows and events for the campaigns/channels (and with `dated`, the period)."""
        cube, _ = self._cube()
        events = self._get().events
        period = self.period(selection) if dated else None
        start, end = period if period else (None, None)
        mask = kpi.select(
            cube, start=start, end=end, campaigns=selection.campaigns, channels=selection.channels
        )
        subset = cube if mask.all() else cube[mask.to_numpy()]
        if events is not None and (
            selection.campaigns is not None or selection.channels is not None
        ):
            emask = kpi.select(events, campaigns=selection.campaigns, channels=selection.channels)
            events = events[emask.to_numpy()]
        if events is not None and period is not None:
            events = analysis.events_in_period(
                events, pd.Timestamp(period[0]), pd.Timestamp(period[1])
            )
        return subset, events

    # -- reports
    def report(self, selection: FilterSelection, by: str = "campaign") -> KpiReport:
        """The KPI report over the selection; equal to `Workspace.report` with its filters."""
        period = self.period(selection)
        if self.is_unfiltered(selection, period):
            return self.workspace.report(by)  # cached and updated in place by the store
        subset, events = self._subset(selection, dated=True)
        return kpi.report(subset, by, events=events, fx=self._fx())

    def dashboard(
        self,
        selection: FilterSelection,
        report: KpiReport,
        *,
        targets: Mapping[str, float],
        rank_kpi: str = "roas",
        currency: str = "",
    ) -> DashboardData:
        """Cards (value, change, sparkline, status), funnel and ranking for the selection."""
        period = self.period(selection)
        subset, events = self._subset(selection, dated=False)
        comparison = None
        previous = None
        if period is not None:
            comparison = analysis.compare_periods(
                subset, period[0], period[1], events=events, fx=self._fx()
            )
            previous = (
                comparison.previous_period[0].date(),
                comparison.previous_period[1].date(),
            )
            current = subset[kpi.select(subset, start=period[0], end=period[1]).to_numpy()]
        else:
            current = subset
        spark_events = events
        if period is not None and events is not None:
            spark_events = analysis.events_in_period(
                events, pd.Timestamp(period[0]), pd.Timestamp(period[1])
            )
        days = (period[1] - period[0]).days + 1 if period else None
        if days is None and self.data_range is not None:
            first, last = self.data_range
            days = (last - first).days + 1
        freq: Freq = "W" if days and days > WEEKLY_SPARK_DAYS else "D"
        sparks = {
            k.id: analysis.time_series(current, k.id, freq, events=spark_events, fx=self._fx())
            for k in KPIS
        }
        return dashboard_data(
            report,
            coverage=coverage(subset, period, self.source_labels()),
            comparison=comparison,
            sparks=sparks,
            targets=targets,
            rank_kpi=rank_kpi,
            currency=currency,
            period=period,
            previous=previous,
        )

    def time_chart(
        self,
        selection: FilterSelection,
        measure: str,
        freq: Freq = "D",
        split: Split = None,
        *,
        targets: Mapping[str, float] | None = None,
        currency: str = "",
    ) -> TimeChartData:
        """A KPI or field over time; more than MAX_SERIES series fold into "others"."""
        subset, events = self._subset(selection, dated=True)
        frame = analysis.time_series(subset, measure, freq, by=split, events=events, fx=self._fx())
        return time_chart_data(frame, measure, freq, split, targets=targets, currency=currency)
