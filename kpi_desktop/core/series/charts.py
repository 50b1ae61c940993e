"""Qt-free data behind the charts: lines over time, campaign bars and the funnel."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from kpi_desktop.core import analysis
from kpi_desktop.core import format as fmt
from kpi_desktop.core.kpi import KPI_BY_ID, KPIS, KpiReport
from kpi_desktop.core.schema import ADDITIVE_FIELDS, FIELDS, RATE_FIELDS
from kpi_desktop.core.series.display import axis_unit, display_scale, measure_label, value_text

#: More series than this collapse to the top MAX_SERIES - 1 plus "others" (STYLE: no rainbow).
MAX_SERIES = 8

Freq = Literal["D", "W", "M"]
Split = Literal["campaign", "channel"] | None


@dataclass(frozen=True)
class FunnelData:
    """Users → interactions → clicks → visitors → conversions with the step rates."""

    steps: tuple[analysis.FunnelStep, ...]
    labels: tuple[str, ...]
    value_texts: tuple[str, ...]
    rate_texts: tuple[str, ...]  # "" for the first step


@dataclass(frozen=True)
class LineData:
    name: str
    y: np.ndarray  # display units; NaN where undefined (a gap, never 0)


@dataclass(frozen=True)
class TimeChartData:
    """One or more lines over time, in display units, ready for `setData`."""

    measure: str
    label: str
    unit: str
    currency: str
    freq: Freq
    x: np.ndarray  # period starts, seconds since the epoch (UTC midnight)
    lines: tuple[LineData, ...]
    target: float | None  # display units
    collapsed: int  # series folded into "others" (0 when none)

    def text(self, display_value: float | None) -> str:
        return value_text(self.measure, display_value, self.currency)


@dataclass(frozen=True)
class BarChartData:
    """One KPI per campaign, best first; campaigns without a value listed apart."""

    measure: str
    label: str
    unit: str
    names: tuple[str, ...]
    values: np.ndarray  # display units
    texts: tuple[str, ...]
    target: float | None
    undefined: tuple[tuple[str, str], ...]  # (campaign, reason)


FUNNEL_WORDS = {
    "interactions": "per user",
    "clicks": "of interactions",
    "visitors": "of clicks",
    "conversions": "of visitors",
}


def funnel_data(sums: Mapping[str, object]) -> FunnelData:
    """`analysis.funnel` with labels and the rate between steps as text."""
    steps = tuple(analysis.funnel(sums))
    labels = tuple(FIELDS[s.step].label for s in steps)
    values = tuple(fmt.field_value(s.step, s.value) for s in steps)
    rates = []
    for i, s in enumerate(steps):
        if i == 0:
            rates.append("")
        elif s.rate_from_previous is None:
            rates.append(fmt.EM_DASH)
        elif s.step == "interactions":
            # Engagement depth, not a drop-off: people interact more than once.
            rates.append(f"{s.rate_from_previous:,.2f} {FUNNEL_WORDS[s.step]}")
        else:
            rates.append(f"{s.rate_from_previous * 100:,.1f} % {FUNNEL_WORDS[s.step]}")
    return FunnelData(steps, labels, values, tuple(rates))


def campaign_bars(
    report: KpiReport,
    measure: str,
    *,
    targets: Mapping[str, float] | None = None,
    currency: str = "",
) -> BarChartData:
    """One KPI (or summed field) per campaign from a by-campaign report, best first."""
    k = KPI_BY_ID.get(measure)
    higher_is_better = k.higher_is_better if k is not None else True
    rows = report.rows
    names = (
        rows["campaign"].astype(str)
        if "campaign" in rows
        else pd.Series(rows.index.astype(str), index=rows.index)
    )
    values = rows[measure].astype(float) if measure in rows else pd.Series(dtype=float)
    defined = values.dropna()
    order = defined.sort_values(ascending=not higher_is_better, kind="stable")
    undefined = tuple(
        (
            str(names.loc[key]) or str(key),
            (report.reason(key, measure) or "not enough data")
            if k is not None
            else f"no {FIELDS[measure].label.lower()} data",
        )
        for key in values.index[values.isna()]
    )
    scale = display_scale(measure)
    target = fmt.optional_number((targets or {}).get(measure)) if k is not None else None
    shown = order.to_numpy(dtype=float) * scale
    return BarChartData(
        measure=measure,
        label=measure_label(measure),
        unit=axis_unit(measure, currency),
        names=tuple(str(names.loc[key]) or str(key) for key in order.index),
        values=shown,
        texts=tuple(value_text(measure, v, currency) for v in shown),
        target=None if target is None else target * scale,
        undefined=undefined,
    )


def chart_measures() -> tuple[tuple[str, str], ...]:
    """(id, label) of every KPI then every summed input field, for the metric chooser."""
    out = [(k.id, k.name) for k in KPIS]
    out += [(name, FIELDS[name].label) for name in ADDITIVE_FIELDS]
    return tuple(out)


def epoch_seconds(index: pd.Index) -> np.ndarray:
    """Period starts as seconds since the epoch (UTC), the x values pyqtgraph plots."""
    stamps = pd.DatetimeIndex(index)
    if stamps.tz is not None:
        stamps = stamps.tz_convert(None)
    return stamps.asi8.astype(np.float64) / 1e9 if len(stamps) else np.zeros(0)


def time_chart_data(
    frame: pd.DataFrame,
    measure: str,
    freq: Freq,
    split: Split,
    *,
    targets: Mapping[str, float] | None = None,
    currency: str = "",
) -> TimeChartData:
    """An `analysis.time_series` frame as chart lines in display units.

    More than MAX_SERIES series fold into the top MAX_SERIES - 1 plus "others".
    """
    collapsed = 0
    if split is not None and frame.shape[1] > MAX_SERIES:
        collapsed = frame.shape[1] - (MAX_SERIES - 1)
        if measure in RATE_FIELDS:
            # Averaged rates cannot be summed into "others": keep the top few only.
            frame = frame[list(frame.columns[: MAX_SERIES - 1])]
        else:
            frame = analysis.top_n_series(frame, MAX_SERIES - 1)
    scale = display_scale(measure)
    lines = tuple(
        LineData(
            measure_label(measure) if split is None else str(name),
            frame[name].to_numpy(dtype=float) * scale,
        )
        for name in frame.columns
    )
    target = fmt.optional_number((targets or {}).get(measure)) if measure in KPI_BY_ID else None
    return TimeChartData(
        measure=measure,
        label=measure_label(measure),
        unit=axis_unit(measure, currency),
        currency=currency,
        freq=freq,
        x=epoch_seconds(frame.index),
        lines=lines,
        target=None if target is None else target * scale,
        collapsed=collapsed,
    )
