"""The nine chatbot KPIs and their aggregation as ratios of sums (DESIGN section 3)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

import numpy as np
import pandas as pd

from kpi_desktop.core.schema import (
    ADDITIVE_FIELDS,
    FIELDS,
    MONEY_FIELDS,
    NUMERIC_FIELDS,
    RATE_FIELDS,
)


class Display(Enum):
    """How a KPI value is shown; internal values are plain ratios/fractions."""

    RATIO = "ratio"  # 2.50
    PERCENT = "percent"  # fraction shown x100 with %
    MONEY = "money"  # $50.00
    MULTIPLE = "multiple"  # 5.00x
    LIFT = "lift"  # fraction shown as signed percent: +200 %


@dataclass(frozen=True)
class Kpi:
    """One KPI: numerator / denominator over summed fields.

    `addends` are optional parts of the numerator: missing counts as 0 (other_cost).
    `minus_one` makes it a lift (numerator / denominator - 1).
    """

    id: str
    name: str
    numerator: str
    denominator: str
    display: Display
    formula: str
    addends: tuple[str, ...] = ()
    minus_one: bool = False
    higher_is_better: bool = True

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.numerator, *self.addends, self.denominator)

    @property
    def uses_money(self) -> bool:
        return any(f in MONEY_FIELDS for f in self.fields)


KPIS: tuple[Kpi, ...] = (
    Kpi(
        "interactions_per_user",
        "Brand interactions per user",
        "interactions",
        "users",
        Display.RATIO,
        "interactions / users",
    ),
    Kpi(
        "insights_per_user",
        "Customer insights per user",
        "declared_data_points",
        "users",
        Display.RATIO,
        "declared data points / users",
    ),
    Kpi(
        "ctr",
        "Chatbot CTR to website",
        "clicks",
        "users",
        Display.PERCENT,
        "clicks / users × 100",
    ),
    Kpi(
        "matched_response_rate",
        "Matched response rate",
        "matched_responses",
        "total_messages",
        Display.PERCENT,
        "matched responses / total messages × 100",
    ),
    Kpi(
        "cost_per_conversion",
        "Cost per conversion",
        "spend",
        "conversions",
        Display.MONEY,
        "(spend + other cost) / conversions",
        addends=("other_cost",),
        higher_is_better=False,
    ),
    Kpi(
        "conversion_rate",
        "Conversion rate",
        "conversions",
        "visitors",
        Display.PERCENT,
        "conversions / visitors × 100",
    ),
    Kpi(
        "roas",
        "Return on ad spend",
        "conversion_value",
        "spend",
        Display.MULTIPLE,
        "conversion value / spend",
    ),
    Kpi(
        "ad_recall_lift",
        "Ad recall lift",
        "ad_recall_exposed",
        "ad_recall_control",
        Display.LIFT,
        "ad recall (exposed) / ad recall (control) − 1",
        minus_one=True,
    ),
    Kpi(
        "purchase_intent_lift",
        "Purchase intent lift",
        "intent_exposed",
        "intent_control",
        Display.LIFT,
        "purchase intent (exposed) / purchase intent (control) − 1",
        minus_one=True,
    ),
)
KPI_BY_ID: dict[str, Kpi] = {k.id: k for k in KPIS}
KPI_IDS: tuple[str, ...] = tuple(KPI_BY_ID)

#: Display name of the group of rows that belong to no campaign (bot or ad data without a
#: campaign column; campaign-less web analytics rows are site traffic instead).
NO_CAMPAIGN = "(no campaign)"
#: The fields web analytics supplies: a campaign-less row holding no other value is site
#: traffic (GA4's (direct), (organic), (referral)…), not a campaign (DESIGN section 4).
WEB_FIELDS: tuple[str, ...] = ("visitors", "conversions", "conversion_value")
#: The label `KpiReport.reason` takes for the site traffic part (never a campaign key:
#: keys have no spaces).
SITE_TRAFFIC = "site traffic"
#: How tables, the CLI and exports name the site traffic line.
SITE_TRAFFIC_NAME = "Site traffic (not a campaign)"

#: Bookkeeping columns that `aggregate` adds beside the summed fields.
ROWS = "rows"
FX_MISSING = "fx_missing"
#: Per money field, the count of rows whose value of it has no exchange rate: where it is
#: above 0 the group's sum of that field is undefined (never the sum of the rest).
FX_FIELD_MISSING: dict[str, str] = {name: f"{FX_MISSING}:{name}" for name in MONEY_FIELDS}
#: Every exchange-rate bookkeeping column `aggregate` adds.
FX_COLUMNS: tuple[str, ...] = (FX_MISSING, *FX_FIELD_MISSING.values())


@dataclass(frozen=True)
class FxRates:
    """Reporting currency and rates: 1 unit of `currency` = rates[currency] reporting units."""

    reporting: str = ""
    rates: Mapping[str, float] = field(default_factory=dict)

    def rate(self, currency: str) -> float | None:
        if not currency or currency == self.reporting or not self.reporting:
            return 1.0
        value = self.rates.get(currency)
        return float(value) if value and value > 0 else None


def _label(name: str) -> str:
    return FIELDS[name].label.lower()


#: Why a sum or KPI is undefined when money has no rate (`KpiReport` names the currencies).
NO_RATE = "no exchange rate for some money in this selection"


def fx_gap(sums: Mapping[str, object], names: Iterable[str]) -> bool:
    """Whether any of the money fields `names` has, in this aggregated row, a value in a
    currency without an exchange rate (the row-wide `fx_missing` when no per-field count)."""
    money = [n for n in names if n in MONEY_FIELDS]
    if not money:
        return False
    if any(FX_FIELD_MISSING[n] in sums for n in money):
        return any(_number(sums.get(FX_FIELD_MISSING[n])) > 0 for n in money)
    return _number(sums.get(FX_MISSING)) > 0


def field_undefined_reason(name: str, sums: Mapping[str, object]) -> str | None:
    """Why a summed money field has no value in one aggregated row (None: it has one,
    or it is simply missing)."""
    return NO_RATE if fx_gap(sums, (name,)) else None


def undefined_reason(kpi: Kpi, sums: Mapping[str, float]) -> str | None:
    """Why `kpi` has no value for one aggregated row, or None when it is defined."""
    if kpi.uses_money and fx_gap(sums, kpi.fields):
        return NO_RATE
    numerator = _number(sums.get(kpi.numerator), default=np.nan)
    denominator = _number(sums.get(kpi.denominator), default=np.nan)
    if np.isnan(numerator):
        return f"no {_label(kpi.numerator)} data"
    if np.isnan(denominator):
        return f"no {_label(kpi.denominator)} data"
    if denominator == 0:
        return f"{_label(kpi.denominator)} is 0"
    value = compute(kpi, sums)
    if value is None:
        return "value out of range"
    return None


def compute(kpi: Kpi, sums: Mapping[str, float]) -> float | None:
    """The value of `kpi` for one aggregated row, or None when undefined."""
    frame = pd.DataFrame({name: [_number(sums.get(name), np.nan)] for name in kpi.fields})
    if kpi.uses_money:
        for column in (FX_MISSING, *(FX_FIELD_MISSING[n] for n in kpi.fields if n in MONEY_FIELDS)):
            if column in sums:
                frame[column] = [_number(sums.get(column))]
    value = kpi_column(kpi, frame).iloc[0]
    return None if np.isnan(value) else float(value)


def kpi_column(kpi: Kpi, sums: pd.DataFrame) -> pd.Series:
    """Vectorised KPI over aggregated rows; NaN where undefined (never inf)."""
    missing = pd.Series(np.nan, index=sums.index)
    numerator = sums.get(kpi.numerator, missing)
    numerator = numerator.astype("float64")
    for addend in kpi.addends:
        if addend in sums:
            numerator = numerator + sums[addend].fillna(0.0).astype("float64")
    denominator = (sums.get(kpi.denominator, missing)).astype("float64")
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        value = numerator.to_numpy() / denominator.to_numpy()
        if kpi.minus_one:
            value = value - 1.0
    value[~np.isfinite(value)] = np.nan
    if kpi.uses_money:
        value[_fx_gaps(kpi, sums)] = np.nan
    return pd.Series(value, index=sums.index, name=kpi.id)


def _fx_gaps(kpi: Kpi, sums: pd.DataFrame) -> np.ndarray:
    """Rows where one of the KPI's money fields has no exchange rate (see `fx_gap`)."""
    columns = [FX_FIELD_MISSING[n] for n in kpi.fields if n in MONEY_FIELDS]
    columns = [c for c in columns if c in sums]
    if not columns and FX_MISSING in sums:
        columns = [FX_MISSING]
    gaps = np.zeros(len(sums), dtype=bool)
    for column in columns:
        gaps |= sums[column].fillna(0).to_numpy(dtype=np.float64) > 0
    return gaps


def compute_kpis(sums: pd.DataFrame) -> pd.DataFrame:
    """All nine KPI columns for aggregated rows."""
    return pd.DataFrame({k.id: kpi_column(k, sums) for k in KPIS}, index=sums.index)


def convert_money(facts: pd.DataFrame, fx: FxRates | None) -> pd.DataFrame:
    """Money fields in the reporting currency, plus `fx_missing` flag columns.

    Rows whose currency has no rate keep NaN money, `fx_missing = 1` and, per money
    field they hold, `fx_missing:<field> = 1`, so that the sums of those fields and any
    KPI over them are undefined rather than silently short.
    """
    out = facts.copy(deep=False)
    out[FX_MISSING] = 0.0
    money = [m for m in MONEY_FIELDS if m in facts]
    for name in money:
        out[FX_FIELD_MISSING[name]] = 0.0
    if fx is None or not fx.reporting or "currency" not in facts or facts.empty:
        return out
    factor = rate_factor(facts["currency"], fx)
    no_rate = np.isnan(factor)
    has_money = np.zeros(len(facts), dtype=bool)
    for name in money:
        values = facts[name].to_numpy(dtype=np.float64)
        # Zero is zero in any currency: it needs no rate.
        unconvertible = no_rate & ~np.isnan(values) & (values != 0)
        out[name] = np.where(values == 0, 0.0, values * factor)
        out[FX_FIELD_MISSING[name]] = unconvertible.astype(float)
        has_money |= unconvertible
    out[FX_MISSING] = has_money.astype(float)
    return out


def rate_factor(currencies: pd.Series | np.ndarray, fx: FxRates) -> np.ndarray:
    """Per row, the rate that converts its money to the reporting currency (NaN: none)."""
    # One rate per distinct currency, spread by factorized codes: a Python call per row
    # cost over a second on a million rows.
    codes, uniques = pd.factorize(currencies, use_na_sentinel=False)
    rates = [fx.rate("" if pd.isna(c) else str(c)) for c in uniques]
    table = np.array([np.nan if r is None else r for r in rates], dtype=np.float64)
    factor: np.ndarray = table[codes]
    return factor


def missing_currencies(facts: pd.DataFrame, fx: FxRates | None) -> tuple[str, ...]:
    """Currencies of `facts` rows that hold money (not 0) but have no exchange rate."""
    if fx is None or not fx.reporting or "currency" not in facts or facts.empty:
        return ()
    money = [m for m in MONEY_FIELDS if m in facts]
    if not money:
        return ()
    holds_money = (facts[money].fillna(0.0).to_numpy(dtype=np.float64) != 0).any(axis=1)
    present = facts["currency"][holds_money].fillna("").astype(str).unique()
    return tuple(sorted(c for c in present if fx.rate(c) is None))


def _group_columns(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    columns = [by] if isinstance(by, str) else list(by)
    return ["campaign_key" if c == "campaign" else c for c in columns]


def field_sums(
    facts: pd.DataFrame,
    names: Iterable[str],
    codes: np.ndarray | None = None,
    groups: int = 1,
    *,
    positions: np.ndarray | None = None,
    factor: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Per group, the sum of each additive field and the mean of each rate field.

    THE summing of facts: `aggregate` and the workspace's incremental KPI cube both call
    it. All-missing gives NaN (pandas `min_count=1`); missing cells are skipped.

    Args:
        facts: rows to sum (canonical fields).
        names: the numeric fields to sum.
        codes: group number of every (selected) row; None sums everything as one group.
        groups: number of groups.
        positions: rows of `facts` to use (all when None), aligned with `codes`.
        factor: per selected row, the exchange rate money fields are multiplied by.
    """
    out: dict[str, np.ndarray] = {}
    for name in names:
        values = facts[name].to_numpy(dtype="float64")
        if positions is not None:
            values = values[positions]
        if factor is not None and name in MONEY_FIELDS:
            values = values * factor
        present = ~np.isnan(values)
        if codes is None:
            if name in RATE_FIELDS:
                total = np.nanmean(values) if present.any() else np.nan
            else:
                total = values[present].sum() if present.any() else np.nan
            out[name] = np.array([total], dtype=np.float64)
            continue
        count = np.bincount(codes[present], minlength=groups)
        sums = np.bincount(codes[present], weights=values[present], minlength=groups).astype(
            np.float64
        )
        if name in RATE_FIELDS:
            with np.errstate(invalid="ignore", divide="ignore"):
                sums = sums / count
        sums[count == 0] = np.nan
        out[name] = sums
    return out


def aggregate(
    facts: pd.DataFrame,
    by: str | Sequence[str] | None = None,
    *,
    events: pd.DataFrame | None = None,
    fx: FxRates | None = None,
) -> pd.DataFrame:
    """Sum the input fields over groups (ratio-of-sums ready).

    Args:
        facts: canonical facts (see `schema.normalize_facts`), already filtered.
        by: None for one total row, or a grouping ("campaign", "date", "channel",
            "variant", or a list of them). Campaigns group by `campaign_key` and keep the
            first display name.
        events: optional event users (columns `user`, `source_id` and the dimensions)
            for exact unique users over the groups; rows of facts that came from those
            sources get their users replaced by distinct counts.
        fx: reporting currency and rates; money is converted before summing.

    Returns:
        One row per group: every numeric field (additive ones summed with
        `min_count=1`, so all-missing stays missing; rates averaged), `rows` and
        `fx_missing`. For `by=None` the single row is indexed "total".
    """
    return _aggregate(convert_money(facts, fx), by, events)


def _aggregate(
    data: pd.DataFrame, by: str | Sequence[str] | None, events: pd.DataFrame | None
) -> pd.DataFrame:
    """`aggregate` of facts whose money `convert_money` has already converted."""
    keys = _group_columns(by)
    summed = [c for c in ADDITIVE_FIELDS if c in data] + [c for c in RATE_FIELDS if c in data]
    event_sources: set[str] = set()
    if events is not None and len(events) and "source_id" in data:
        event_sources = set(events["source_id"].unique())
        from_events = data["source_id"].isin(event_sources)
        if from_events.any():
            data = data.copy(deep=False)  # the caller's frame keeps its users
            data["users"] = data["users"].where(~from_events, np.nan)
    flags = [c for c in FX_COLUMNS if c in data]
    if not keys:
        result = pd.DataFrame(field_sums(data, summed), index=pd.Index(["total"]))
        result[ROWS] = float(len(data))
        for flag in flags:
            result[flag] = float(data[flag].sum())
    else:
        codes, index = _group_codes(data, keys)
        groups = len(index)
        columns: dict[str, np.ndarray] = {}
        if "campaign_key" in keys and "campaign" in data:
            columns["campaign"] = _campaign_names(data, codes, index)
        columns |= field_sums(data, summed, codes, groups)
        columns[ROWS] = np.bincount(codes, minlength=groups).astype(float)
        for flag in flags:
            weights = data[flag].to_numpy(dtype="float64")
            columns[flag] = np.bincount(codes, weights=weights, minlength=groups)
        result = pd.DataFrame(columns, index=index)
    blank_unconvertible(result)
    if event_sources:
        assert events is not None
        _add_distinct_users(result, events, keys)
    for name in NUMERIC_FIELDS:
        if name in data and name not in result:
            result[name] = np.nan
    return result


def blank_unconvertible(sums: pd.DataFrame) -> None:
    """Make undefined (NaN) each money sum that holds a value without an exchange rate.

    A sum never drops inputs silently (DESIGN section 4): the sum of the convertible part
    alone would read as the whole.
    """
    for name, flag in FX_FIELD_MISSING.items():
        if name in sums and flag in sums:
            sums.loc[sums[flag].fillna(0).to_numpy() > 0, name] = np.nan


def _campaign_names(data: pd.DataFrame, codes: np.ndarray, index: pd.Index) -> np.ndarray:
    """Display name of each campaign group: its first row's name."""
    first = np.full(len(index), len(data), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(data)))
    names: np.ndarray = data["campaign"].to_numpy(dtype=object)[first]
    level = index.get_level_values("campaign_key") if index.nlevels > 1 else index
    # Rows with no campaign (GA4's (direct), (organic)…) are not a campaign; say so
    # rather than show a blank name.
    names[np.asarray(level == "", dtype=bool)] = NO_CAMPAIGN
    return names


def _add_distinct_users(result: pd.DataFrame, events: pd.DataFrame, keys: list[str]) -> None:
    """Add each group's distinct event users to its summed (non-event) users."""
    found = _distinct_users(events, keys)
    users = result["users"]
    if isinstance(found, pd.Series):
        distinct = found.reindex(result.index)
    else:
        distinct = pd.Series([found], index=result.index, dtype=float)
    result["users"] = (
        users.fillna(0.0).add(distinct.fillna(0.0)).where(users.notna() | distinct.notna())
    )


def _group_codes(data: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, pd.Index]:
    """Group number of every row and the sorted group labels (missing keys form a group).

    Numpy bincounts over these codes are several times faster than a pandas groupby per
    column, which matters for the 200 ms budget over a million events.
    """
    level_codes = []
    levels = []
    for key in keys:
        codes, uniques = pd.factorize(data[key], sort=True, use_na_sentinel=False)
        level_codes.append(codes.astype(np.int64))
        levels.append(pd.Index(uniques, name=key))
    if len(keys) == 1:
        return level_codes[0], levels[0]
    combined = np.zeros(len(data), dtype=np.int64)
    for codes, level in zip(level_codes, levels, strict=True):
        combined = combined * len(level) + codes
    used, codes = np.unique(combined, return_inverse=True)
    parts = []
    for level in reversed(levels):
        parts.append(level.to_numpy()[used % len(level)])
        used = used // len(level)
    index = pd.MultiIndex.from_arrays(list(reversed(parts)), names=keys)
    return codes.astype(np.int64), index


def _distinct_users(events: pd.DataFrame, keys: list[str]) -> pd.Series | float:
    # User codes are stable hashes of the platform's user id text, so the same person in
    # two exports of one bot is counted once.
    if not keys:
        return float(events["user"].nunique())
    return events.groupby(keys, dropna=False, sort=True)["user"].nunique().astype(float)


@dataclass(frozen=True)
class KpiReport:
    """Aggregated inputs and KPI values per group, with the total over the selection.

    Site traffic (see `site_traffic_mask`) is in neither `rows` nor `total`, whatever the
    grouping: `site_traffic` holds its sums and KPIs over the selection, apart.
    """

    rows: pd.DataFrame  # index: group key(s); columns: fields, rows, fx_missing, KPI ids
    total: pd.Series  # the same columns for the whole selection
    by: tuple[str, ...]
    users_exact: bool  # users are distinct people (event log) rather than a sum of daily users
    missing_fx: tuple[str, ...] = ()
    site_traffic: pd.Series | None = None  # the same columns as `total`; None: no such rows

    def reason(self, row: object, key: str) -> str | None:
        """Why a KPI (or a summed money field) is undefined for a row label (or "total",
        or `SITE_TRAFFIC`), None when defined (or, for a field, simply missing)."""
        if row == SITE_TRAFFIC and self.site_traffic is not None:
            values = self.site_traffic
        else:
            values = self.total if row == "total" else self.rows.loc[row]
        if key in KPI_BY_ID:
            reason = undefined_reason(KPI_BY_ID[key], values)
        else:
            reason = field_undefined_reason(key, values)
        if reason == NO_RATE and self.missing_fx:
            return f"no exchange rate for {', '.join(self.missing_fx)}"
        return reason


def report(
    facts: pd.DataFrame,
    by: str | Sequence[str] | None = "campaign",
    *,
    events: pd.DataFrame | None = None,
    fx: FxRates | None = None,
) -> KpiReport:
    """Aggregate `facts` by `by` and compute every KPI for each group and the total.

    Site traffic rows are left out of the groups and the total and summed apart.
    """
    site = site_traffic_mask(facts)  # on the imported values: conversion may blank money
    converted = convert_money(facts, fx)  # once for the groups and the total
    campaigns = converted[~site] if site.any() else converted
    rows = _aggregate(campaigns, by or None, events)
    rows = rows.join(compute_kpis(rows))
    total = _aggregate(campaigns, None, events)
    total = total.join(compute_kpis(total)).iloc[0]
    return KpiReport(
        rows=rows,
        total=total,
        by=tuple(_group_columns(by)),
        users_exact=events is not None and len(events) > 0,
        missing_fx=missing_currencies(facts, fx),
        site_traffic=site_traffic_sums(facts[site], fx) if site.any() else None,
    )


def site_traffic_mask(facts: pd.DataFrame) -> np.ndarray:
    """Which rows are site traffic: no campaign and no value but web analytics outcomes.

    GA4 rows of `(direct)`, `(organic)`, `(referral)`, `(not set)`… arrive with an empty
    campaign. They are the whole site's traffic, not a campaign's: never in campaign
    totals, headline KPIs or the funnel (DESIGN section 4). A campaign-less row with bot,
    ad or cost figures (an export without a campaign column) is not site traffic and
    stays the "(no campaign)" group. `report` and the cached campaign reports both split
    with this one rule.
    """
    if "campaign_key" not in facts or facts.empty:
        return np.zeros(len(facts), dtype=bool)
    mask = np.asarray(facts["campaign_key"].to_numpy(dtype=object) == "", dtype=bool)
    if not mask.any():
        return mask
    others = [c for c in NUMERIC_FIELDS if c in facts and c not in WEB_FIELDS]
    if others:
        blank = np.flatnonzero(mask)
        values = facts[others].iloc[blank].to_numpy(dtype=np.float64)
        held = (~np.isnan(values) & (values != 0)).any(axis=1)
        mask[blank[held]] = False
    return mask


def site_traffic_sums(facts: pd.DataFrame, fx: FxRates | None = None) -> pd.Series:
    """Sums and KPIs of site traffic rows (see `site_traffic_mask`), shaped like a total."""
    sums = aggregate(facts, None, fx=fx)
    return sums.join(compute_kpis(sums)).iloc[0].rename(SITE_TRAFFIC)


def whole_site(result: KpiReport) -> dict[str, float] | None:
    """Per web analytics field, campaign total + site traffic: the whole site's figure
    (None without site traffic; a field neither part holds is left out)."""
    site = result.site_traffic
    if site is None:
        return None
    out: dict[str, float] = {}
    for name in WEB_FIELDS:
        parts = [_number(v, np.nan) for v in (result.total.get(name), site.get(name))]
        present = [p for p in parts if not np.isnan(p)]
        if present:
            out[name] = float(sum(present))
    return out


def select(
    facts: pd.DataFrame,
    *,
    start: object = None,
    end: object = None,
    campaigns: Sequence[str] | None = None,
    channels: Sequence[str] | None = None,
) -> pd.Series:
    """Boolean mask of facts rows inside a date range (inclusive) and campaign/channel lists.

    A row is inside a date range when the days it covers (`first_day`..`last_day`, see
    `schema.COVERAGE`; frames without them, such as event logs, cover their `date`) lie
    inside it: a range row the filter cuts is left out, never pro-rated, and a row that
    covers no day (no date and no range) counts only when no date range is set.
    `series.coverage` says what a filter left out. A campaign total typed in by the user
    (its adjustment row) covers the campaign's data range, so it counts like a range row.
    """
    mask = pd.Series(True, index=facts.index)
    if (start is not None or end is not None) and "date" in facts:
        first = facts["first_day"] if "first_day" in facts else facts["date"]
        last = facts["last_day"] if "last_day" in facts else facts["date"]
        inside = first.notna() & last.notna()
        if start is not None:
            inside &= first >= pd.Timestamp(start)
        if end is not None:
            inside &= last <= pd.Timestamp(end)
        mask &= inside
    if campaigns is not None:
        mask &= facts["campaign_key"].isin(list(campaigns))
    if channels is not None:
        mask &= facts["channel"].isin(list(channels))
    return mask


def _number(value: object, default: float = 0.0) -> float:
    if value is None:
        return default
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return number
