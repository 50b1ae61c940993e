"""A field or KPI per day, week or month, and the top series with the rest as "others"."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Literal

import numpy as np
import pandas as pd

from kpi_desktop.core.kpi import (
    FX_MISSING,
    KPI_BY_ID,
    FxRates,
    aggregate,
    kpi_column,
    site_traffic_mask,
)
from kpi_desktop.core.schema import ADDITIVE_FIELDS, NUMERIC_FIELDS

Freq = Literal["D", "W", "M"]
OTHERS = "others"


@dataclass(frozen=True, eq=False)
class _Parts:
    """Summed inputs behind a KPI series, kept so that "others" is a ratio of sums.

    eq=False: pandas compares `attrs` with `==` when it concatenates frames; identity
    keeps that from comparing frames element-wise.
    """

    frames: dict[str, pd.DataFrame] = dc_field(default_factory=dict)


def _period_start(dates: pd.Series, freq: Freq) -> pd.Series:
    days = pd.to_datetime(dates).dt.normalize()
    if freq == "D":
        return days
    if freq == "W":
        return days - pd.to_timedelta(days.dt.day_of_week, unit="D")  # weeks start on Monday
    if freq == "M":
        return days - pd.to_timedelta(days.dt.day - 1, unit="D")
    raise ValueError(f"unknown frequency {freq!r}; expected D, W or M")


_RANGE_FREQ = {"D": "D", "W": "W-MON", "M": "MS"}


def _series_labels(sums: pd.DataFrame, by: str | None) -> pd.Index:
    if by is None:
        return pd.Index([])
    level = sums.index.get_level_values(1).astype(str)
    if by == "campaign" and "campaign" in sums:
        names = sums["campaign"].astype(str).to_numpy()
        labels = np.where(names != "", names, level)
    else:
        labels = level.to_numpy()
    return pd.Index([label if label else f"(no {by})" for label in labels])


def time_series(
    facts: pd.DataFrame,
    field_or_kpi: str,
    freq: Freq = "D",
    by: Literal["campaign", "channel"] | None = None,
    events: pd.DataFrame | None = None,
    fx: FxRates | None = None,
) -> pd.DataFrame:
    """A field or KPI per day, week or month, as ratio of sums within each period.

    Periods inside the range with no data are NaN (a gap, never 0); so is an undefined
    KPI. Rows without a date are left out: they belong to no single period.

    Args:
        facts: canonical facts, already filtered.
        field_or_kpi: a numeric field name or a KPI id.
        freq: "D" days, "W" weeks starting Monday, "M" calendar months.
        by: None for one series, or "campaign" / "channel" for one series each.
        events: event users: unique users are exact within each period.
        fx: reporting currency and rates.

    Returns:
        A frame indexed by period start ("period"), one column per series (named after
        the measure when `by` is None). `attrs` carry the measure, and for KPIs the
        summed inputs that `top_n_series` needs.

    Raises:
        ValueError: for an unknown field/KPI or frequency.
    """
    kpi = KPI_BY_ID.get(field_or_kpi)
    if kpi is None and field_or_kpi not in NUMERIC_FIELDS:
        raise ValueError(f"unknown field or KPI {field_or_kpi!r}")
    if freq not in _RANGE_FREQ:
        raise ValueError(f"unknown frequency {freq!r}; expected D, W or M")
    attrs: dict[str, object] = {"measure": field_or_kpi, "freq": freq, "by": by}
    # Site traffic is not a campaign: in no series, as in no report's rows or total.
    dated = _in_periods(facts[~site_traffic_mask(facts)], freq)
    if dated.empty:
        empty = pd.DataFrame(index=pd.DatetimeIndex([], name="period"), dtype=float)
        if by is None:
            empty[field_or_kpi] = pd.Series(dtype=float)
        empty.attrs = attrs
        return empty
    period_events = None
    if events is not None and len(events) and "date" in events:
        period_events = _in_periods(events, freq)
    keys = ["date"] if by is None else ["date", by]
    sums = aggregate(dated, keys, events=period_events, fx=fx)
    shape = _Shaper(sums, by, field_or_kpi, freq)
    values = shape(kpi_column(kpi, sums) if kpi is not None else sums[field_or_kpi])
    if kpi is not None:
        needed = [*kpi.fields, FX_MISSING]
        attrs["parts"] = _Parts({name: shape(sums[name]) for name in needed})
    values.attrs = attrs
    return values


def _in_periods(frame: pd.DataFrame, freq: Freq) -> pd.DataFrame:
    """The dated rows of `frame`, each date moved to the start of its period."""
    dated = frame[frame["date"].notna()].copy()
    dated["date"] = _period_start(dated["date"], freq)
    return dated


class _Shaper:
    """Turns a column of per-period sums into a frame: one row per period in the range
    (NaN where nothing was summed), one column per series."""

    def __init__(self, sums: pd.DataFrame, by: str | None, measure: str, freq: Freq) -> None:
        self.sums, self.by, self.measure = sums, by, measure
        starts = sums.index.get_level_values(0)
        self.periods = pd.date_range(
            starts.min(), starts.max(), freq=_RANGE_FREQ[freq], name="period"
        )
        self.labels = _series_labels(sums, by)

    def __call__(self, column: pd.Series) -> pd.DataFrame:
        if self.by is None:
            frame = column.to_frame(self.measure)
            frame.index = pd.DatetimeIndex(frame.index, name="period")
        else:
            labelled = pd.Series(
                column.to_numpy(),
                index=pd.MultiIndex.from_arrays([self.sums.index.get_level_values(0), self.labels]),
            )
            frame = labelled.unstack(level=1)
            frame.index = pd.DatetimeIndex(frame.index, name="period")
            frame.columns = pd.Index([str(c) for c in frame.columns], name=self.by)
        return frame.reindex(self.periods).astype(float)


def top_n_series(frame: pd.DataFrame, n: int = 7) -> pd.DataFrame:
    """Keep the `n` largest series of a `time_series` frame; sum the rest into "others".

    For summed fields, "others" is the sum (missing only where all are missing) and the
    series are ranked by their total. For KPIs, "others" is recomputed from the summed
    numerators and denominators (never an average of ratios) and series are ranked by
    their total denominator, so that the busiest campaigns stay visible. With exact
    unique users, users in "others" are a sum over series (a person in two campaigns
    counts twice there).

    Raises:
        ValueError: for a study-rate field (averaged, not summed) that has to collapse.
    """
    if frame.shape[1] <= n:
        return frame.copy()
    measure = str(frame.attrs.get("measure", ""))
    parts = frame.attrs.get("parts")
    kpi = KPI_BY_ID.get(measure)
    if kpi is not None and isinstance(parts, _Parts):
        weight = parts.frames[kpi.denominator].sum()
    elif measure in ADDITIVE_FIELDS or not measure:
        weight = frame.sum()
    else:
        raise ValueError(f"{measure} is an averaged rate: its series cannot be summed")
    # Stable sort keeps the frame's order among equal totals, so results are repeatable.
    order = list(weight.sort_values(ascending=False, kind="stable").index)
    keep, rest = order[:n], order[n:]
    out = frame[keep].copy()
    if kpi is not None and isinstance(parts, _Parts):
        summed = {name: part[rest].sum(axis=1, min_count=1) for name, part in parts.frames.items()}
        out[OTHERS] = kpi_column(kpi, pd.DataFrame(summed))
        new_frames = {}
        for name, part in parts.frames.items():
            kept = part[keep].copy()
            kept[OTHERS] = summed[name]
            new_frames[name] = kept
        out.attrs = {**frame.attrs, "parts": _Parts(new_frames)}
    else:
        out[OTHERS] = frame[rest].sum(axis=1, min_count=1)
        out.attrs = dict(frame.attrs)
    return out
