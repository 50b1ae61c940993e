"""Cached KPI reports of the whole workspace, one per grouping, patched on edits.

The sums come from `kpi.field_sums` / `kpi.aggregate` (the only code that sums facts);
this module decides which groups an edit touched and puts their fresh sums into the
cached table, so an edit of a million-row workspace recomputes a few groups, not all.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np
import pandas as pd

from kpi_desktop.core import kpi
from kpi_desktop.core.schema import MONEY_FIELDS, RATE_FIELDS


class CubeFacts(Protocol):
    """What the cube reads: effective facts with group indices, events and rates."""

    def frame(self) -> pd.DataFrame: ...
    def index(self, column: str) -> dict[Any, np.ndarray]: ...
    def events(self) -> pd.DataFrame | None: ...
    def event_index(self, column: str) -> dict[Any, np.ndarray]: ...
    def fx(self) -> kpi.FxRates: ...


@dataclass
class _Cached:
    report: kpi.KpiReport
    column: str


def report_column(by: str | Sequence[str] | None) -> str | None:
    """The facts column of a single grouping the cube caches, or None."""
    if by is None:
        return None
    names = [by] if isinstance(by, str) else list(by)
    if len(names) != 1:
        return None
    return "campaign_key" if names[0] == "campaign" else names[0]


class CampaignCube:
    """Unfiltered KPI reports by one column (campaign, channel…), kept up to date."""

    def __init__(self, facts: CubeFacts) -> None:
        self._facts = facts
        self._reports: dict[str, _Cached] = {}

    def clear(self) -> None:
        """Drop every cached report (the facts changed wholesale)."""
        self._reports = {}

    def columns(self) -> list[str]:
        """Columns of the cached reports."""
        return list(self._reports)

    def cached(self, column: str) -> kpi.KpiReport | None:
        """The cached report by `column`, or None."""
        found = self._reports.get(column)
        return None if found is None else found.report

    def build(self, column: str, by: str | Sequence[str]) -> kpi.KpiReport:
        """Compute and cache the report by `column` (`by` as the caller named it)."""
        facts = self._facts
        report = kpi.report(facts.frame(), by, events=facts.events(), fx=facts.fx())
        self._reports[column] = _Cached(report, column)
        return report

    def update(
        self,
        rows: Collection[int],
        fields: Collection[str],
        removed: Mapping[str, Any] | None = None,
        *,
        values_only: bool = False,
    ) -> None:
        """Recompute the cached reports' groups of `rows` and patch their totals.

        `removed` maps a report column to the label of a row that just left the facts:
        its group is recomputed too (and a group left empty drops that cached report).
        `values_only`: only the values of `fields` changed in `rows` (no row came or
        went), so only those fields' sums of the groups are recomputed, one column each,
        rather than regrouping every column of the groups' rows.
        """
        if not rows and not removed:
            return
        eff = self._facts.frame()
        for column, cached in list(self._reports.items()):
            if column == "date":
                # NaT group labels do not round-trip through dict lookups: recompute.
                del self._reports[column]
                continue
            index = self._facts.index(column)
            values = eff[column].to_numpy()
            wanted = dict.fromkeys(values[r] for r in sorted(rows))
            if removed is not None and column in removed:
                wanted[removed[column]] = None
            groups = list(wanted)
            if not groups:
                continue
            if not all(g in index and g in cached.report.rows.index for g in groups):
                # A group appeared or vanished: the table changes shape, rebuild it lazily.
                del self._reports[column]
                continue
            fresh = self._group_sums(cached, column, groups, set(fields), values_only)
            self._patch(cached, eff, fresh, set(fields))

    def _group_sums(
        self, cached: _Cached, column: str, groups: list[Any], fields: set[str], values_only: bool
    ) -> pd.DataFrame:
        """Fresh sums of `groups`: of `fields` alone when that is enough, else all."""
        eff = self._facts.frame()
        index = self._facts.index(column)
        events = self._facts.events()
        event_sources = set() if events is None else set(events["source_id"].unique())
        if values_only:
            quick = _field_sums(eff, index, groups, fields, self._facts.fx(), event_sources)
            if quick is not None:
                old = cached.report.rows
                sums = [c for c in old.columns if c != "campaign" and c not in kpi.KPI_BY_ID]
                fresh = old.loc[groups, sums].copy()
                for name, values in quick.items():
                    fresh[name] = values
                return fresh
        sub = eff.iloc[np.concatenate([index[g] for g in groups])]
        if event_sources:
            # As kpi.aggregate does over all facts: event sources' users come from
            # distinct event users, even where this subset has no events.
            sub = sub.copy()
            sub.loc[sub["source_id"].isin(event_sources), "users"] = np.nan
        sub_events = None
        if events is not None:
            eindex = self._facts.event_index(column)
            parts = [eindex[g] for g in groups if g in eindex]
            sub_events = events.iloc[np.concatenate(parts)] if parts else events.iloc[0:0]
        return kpi.aggregate(sub, column, events=sub_events, fx=self._facts.fx())

    @staticmethod
    def _patch(cached: _Cached, eff: pd.DataFrame, fresh: pd.DataFrame, fields: set[str]) -> None:
        """Put recomputed group sums `fresh` into a cached report; patch its total."""
        old = cached.report
        table = old.rows.copy()
        sums_columns = [c for c in fresh.columns if c != "campaign"]
        labels = fresh.index
        before = table.loc[labels, sums_columns]
        table.loc[labels, sums_columns] = fresh[sums_columns].to_numpy()
        kpis = kpi.compute_kpis(table.loc[labels, sums_columns])
        table.loc[labels, list(kpis.columns)] = kpis.to_numpy()
        total = old.total.copy()
        for name in sums_columns:
            if name in RATE_FIELDS:
                if name in fields:  # a mean has no delta form: recompute that column
                    total[name] = eff[name].mean()
                continue
            delta = (fresh[name].fillna(0.0) - before[name].fillna(0.0)).sum()
            current = total[name]
            base = 0.0 if current is None or pd.isna(current) else float(current)
            total[name] = base + delta if table[name].notna().any() else np.nan
        tkpis = kpi.compute_kpis(total[sums_columns].to_frame().T.astype(float))
        for kpi_id in tkpis.columns:
            total[kpi_id] = tkpis[kpi_id].iloc[0]
        cached.report = replace(old, rows=table, total=total)


def _field_sums(
    eff: pd.DataFrame,
    index: Mapping[Any, np.ndarray],
    groups: list[Any],
    fields: set[str],
    fx: kpi.FxRates,
    event_sources: set[str],
) -> dict[str, np.ndarray] | None:
    """`kpi.aggregate`'s sums of `fields` for `groups`, from those columns alone.

    None when that is not enough: users of event-log sources (distinct people),
    or money in a currency without a rate (the group's fx_missing may change).
    """
    if "users" in fields and event_sources:
        return None
    parts = [index[g] for g in groups]
    positions = np.concatenate(parts)
    codes = np.repeat(np.arange(len(groups)), [len(p) for p in parts])
    factor = None
    if fx.reporting and any(f in MONEY_FIELDS for f in fields):
        factor = kpi.rate_factor(eff["currency"].to_numpy()[positions], fx)
        if np.isnan(factor).any():
            return None
    return kpi.field_sums(
        eff, sorted(fields), codes, len(groups), positions=positions, factor=factor
    )
