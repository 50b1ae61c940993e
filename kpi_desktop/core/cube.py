"""Cached KPI aggregates of a workspace, derived from `kpi`: the daily cube behind every
filtered view and the per-campaign (per-channel…) reports, both patched on edits.

The sums come from `kpi.field_sums` / `kpi.aggregate` (the only code that sums facts);
this module decides which groups an edit touched and puts their fresh sums into the
cached tables, so an edit of a million-row workspace recomputes a few groups, not all.

The daily cube: a date-range change must redraw the dashboard and the visible chart
within 200 ms over a million fact rows (DESIGN section 10). The facts are therefore summed
once per data change into a cube per day x campaign x channel x currency x source (about
55,000 rows for a year of 50 campaigns on 3 channels) and every filtered question is
answered from it. Sums of sums are the same sums, so every KPI stays a ratio of sums over
the original rows; rows that carry averaged study rates (brand lift) are kept as they
are, because a mean of means would differ.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np
import pandas as pd

from kpi_desktop.core import kpi
from kpi_desktop.core.schema import COVERAGE, MONEY_FIELDS, NUMERIC_FIELDS, RATE_FIELDS


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
        keys = eff["campaign_key"].to_numpy() if "campaign_key" in eff else None
        if keys is not None and (keys[sorted(rows)] == "").any():
            # A campaign-less row may be site traffic (kpi.site_traffic_mask) before or
            # after the edit: its part of every report moves, so recompute them lazily.
            self._reports = {}
            return
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
            self._patch(cached, eff, fresh, set(fields), self._facts.fx())

    def _group_sums(
        self, cached: _Cached, column: str, groups: list[Any], fields: set[str], values_only: bool
    ) -> pd.DataFrame:
        """Fresh sums of `groups`: of `fields` alone when that is enough, else all."""
        eff = self._facts.frame()
        index = self._facts.index(column)
        if cached.report.site_traffic is not None and column != "campaign_key":
            index = _without_site_traffic(eff, index, groups)
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
    def _patch(
        cached: _Cached, eff: pd.DataFrame, fresh: pd.DataFrame, fields: set[str], fx: kpi.FxRates
    ) -> None:
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
        money_resum = any(float(old.total.get(f, 0.0)) > 0 for f in kpi.FX_FIELD_MISSING.values())
        rate_resum = any(n in RATE_FIELDS and n in fields for n in sums_columns)
        if old.site_traffic is not None and (money_resum or rate_resum):
            eff = eff[~kpi.site_traffic_mask(eff)]  # the total leaves site traffic out
        for name in sums_columns:
            if name in RATE_FIELDS:
                if name in fields:  # a mean has no delta form: recompute that column
                    total[name] = eff[name].mean()
                continue
            delta = (fresh[name].fillna(0.0) - before[name].fillna(0.0)).sum()
            current = total[name]
            base = 0.0 if current is None or pd.isna(current) else float(current)
            total[name] = base + delta if table[name].notna().any() else np.nan
        _fix_money_totals(total, old.total, eff, fx)
        tkpis = kpi.compute_kpis(total[sums_columns].to_frame().T.astype(float))
        for kpi_id in tkpis.columns:
            total[kpi_id] = tkpis[kpi_id].iloc[0]
        cached.report = replace(old, rows=table, total=total)


def _fix_money_totals(
    total: pd.Series, before: pd.Series, eff: pd.DataFrame, fx: kpi.FxRates
) -> None:
    """Money totals after a delta patch: undefined while any of their money has no rate.

    An undefined total has no base for a delta, so once its last unconvertible value is
    gone (an edit, a removed row) the field is summed again over all the facts.
    """
    for name, flag in kpi.FX_FIELD_MISSING.items():
        if name not in total or flag not in total:
            continue
        if float(total[flag]) > 0:
            total[name] = np.nan
        elif float(before.get(flag, 0.0)) > 0:
            factor = kpi.rate_factor(eff["currency"], fx) if fx.reporting else None
            total[name] = kpi.field_sums(eff, [name], factor=factor)[name][0]


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


def _without_site_traffic(
    eff: pd.DataFrame, index: Mapping[Any, np.ndarray], groups: list[Any]
) -> dict[Any, np.ndarray]:
    """The positions of `groups` less their site traffic rows, which `kpi.report` keeps
    out of every group (a channel's rows may include some; a campaign's never do)."""
    return {g: index[g][~kpi.site_traffic_mask(eff.iloc[index[g]])] for g in groups}


# -- the daily cube

#: The coverage columns are keys too: a range row keeps the days it covers, so that
#: `kpi.select` treats it on the cube as on the facts (a day row's are its date: no
#: extra groups).
_CUBE_KEYS = ("date", "first_day", "last_day", "campaign_key", "channel", "currency", "source_id")


def daily_cube(facts: pd.DataFrame) -> pd.DataFrame:
    """Facts summed per day (or covered range) x campaign x channel x currency x source
    (money unconverted).

    The result is canonical facts again (same columns the core reads, no variant), so
    `kpi.report`, `analysis.compare_periods` and `analysis.time_series` give the same
    numbers on it as on `facts`. Sums keep pandas' `min_count=1` rule (all missing stays
    missing). Rows holding study rates are passed through unsummed.
    """
    rates = [c for c in RATE_FIELDS if c in facts]
    keep = (
        facts[rates].notna().any(axis=1).to_numpy() if rates else np.zeros(len(facts), dtype=bool)
    )
    rest = facts[~keep]
    keys = [k for k in _CUBE_KEYS if k in rest]
    if rest.empty:
        summed = rest.iloc[0:0]
    else:
        # kpi.aggregate without fx leaves money in its own currency: the cube is
        # currency-neutral and exchange rates apply when a report is made from it.
        summed = kpi.aggregate(rest, keys).reset_index()
        # Its study-rate columns stay: all missing there, as those rows had none.
        summed = summed.drop(columns=[kpi.ROWS, *kpi.FX_COLUMNS], errors="ignore")
    passed = facts[keep]
    columns = [c for c in (*keys, "campaign", *NUMERIC_FIELDS) if c in facts]
    cube = pd.concat([summed, passed[columns]], ignore_index=True) if len(passed) else summed
    for day in ("date", *COVERAGE):
        if day in cube:
            cube[day] = pd.to_datetime(cube[day])
    return cube


class DailyCube:
    """The daily cube of one workspace's facts, summed on first use.

    `read` gives it with money in the reporting currency when every currency has a
    rate; `update_campaigns` re-sums only the campaigns an edit touched.
    """

    def __init__(self, facts: pd.DataFrame) -> None:
        self._facts = facts
        self._raw: pd.DataFrame | None = None  # money in each row's own currency
        self._cube: pd.DataFrame | None = None  # what reports read: see `read`
        self._cube_fx: kpi.FxRates | None = None  # the rates `_cube` was converted with
        self._report_fx: kpi.FxRates | None = None  # rates still to apply when reading `_cube`

    @property
    def built(self) -> bool:
        """Whether the facts have been summed yet."""
        return self._raw is not None

    def read(self, fx: kpi.FxRates | None) -> tuple[pd.DataFrame, kpi.FxRates | None]:
        """The cube, with money already in the reporting currency when possible.

        Converting per report costs a per-row currency lookup in every aggregation (most
        of a dashboard refresh); when every currency has a rate the cube is converted
        once and read without rates. Otherwise it keeps its currencies, so that KPIs over
        money without a rate stay undefined with that reason.

        Returns:
            (cube rows, the rates still to apply when reporting from them).
        """
        if self._raw is None:
            self._raw = daily_cube(self._facts)
        if self._cube is None or self._cube_fx != fx:
            raw = self._raw
            self._cube_fx = fx
            if "currency" in raw and not kpi.missing_currencies(raw, fx):
                converted = kpi.convert_money(raw, fx)
                flags = [c for c in kpi.FX_COLUMNS if c in converted]
                self._cube = converted.drop(columns=["currency", *flags])
                self._report_fx = None
            else:
                self._cube, self._report_fx = raw, fx
        return self._cube, self._report_fx

    def update_campaigns(self, facts: pd.DataFrame, campaigns: Collection[str]) -> None:
        """Re-sum only `campaigns` from `facts`, the workspace's facts after an edit."""
        self._facts = facts
        if self._raw is None:
            return  # nothing summed yet: `read` sums the new facts
        keys = list(campaigns)
        part = daily_cube(facts[facts["campaign_key"].isin(keys).to_numpy()])
        raw = self._raw
        kept = raw[~raw["campaign_key"].isin(keys).to_numpy()]
        self._raw = pd.concat([kept, part], ignore_index=True) if len(part) else kept
        self._cube = self._cube_fx = self._report_fx = None
