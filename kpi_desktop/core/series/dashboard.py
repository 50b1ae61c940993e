"""Qt-free data behind the dashboard: KPI cards, the funnel and the campaign ranking."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi_desktop.core import analysis
from kpi_desktop.core import format as fmt
from kpi_desktop.core.kpi import KPI_BY_ID, KPIS, Kpi, KpiReport
from kpi_desktop.core.series.charts import FunnelData, epoch_seconds, funnel_data
from kpi_desktop.core.series.coverage import Coverage
from kpi_desktop.core.series.display import (
    change_is_good,
    change_text,
    detail_text,
    display_scale,
    status_text,
)

#: Longer periods get weekly sparklines: 200 daily points in 120 pixels are noise.
WEEKLY_SPARK_DAYS = 120


@dataclass(frozen=True)
class KpiCardData:
    """Everything a dashboard card shows for one KPI, already formatted."""

    kpi: Kpi
    value: float | None
    value_text: str
    reason: str | None  # why the value is undefined
    detail: str  # "16,213 clicks / 123,694 users"
    change: analysis.Change | None
    change_text: str
    change_good: bool | None
    previous_text: str
    target: float | None
    status: analysis.Status | None
    status_text: str
    spark_x: np.ndarray  # period starts, seconds since the epoch
    spark_y: np.ndarray  # display units, NaN for gaps
    #: Sentences naming each source (and its range) whose rows this KPI lost to the date
    #: filter, or that count without a date (DESIGN section 4, "Coverage").
    left_out: tuple[str, ...] = ()
    #: When the numerator's and the denominator's inputs cover different days, why.
    mismatch: str = ""


@dataclass(frozen=True)
class RankingData:
    kpi: Kpi
    best: tuple[tuple[str, str], ...]  # (campaign name, value text)
    worst: tuple[tuple[str, str], ...]
    undefined: int  # campaigns without a value


@dataclass(frozen=True)
class DashboardData:
    period: tuple[dt.date, dt.date] | None
    previous: tuple[dt.date, dt.date] | None
    cards: tuple[KpiCardData, ...]
    funnel: FunnelData
    ranking: RankingData

    def card(self, kpi_id: str) -> KpiCardData:
        return next(c for c in self.cards if c.kpi.id == kpi_id)


def ranking_data(report: KpiReport, kpi_id: str, currency: str = "", n: int = 3) -> RankingData:
    """`analysis.rank_campaigns` with formatted values."""
    k = KPI_BY_ID[kpi_id]
    ranking = analysis.rank_campaigns(report, kpi_id, n)
    undefined = int(report.rows[kpi_id].isna().sum()) if kpi_id in report.rows else 0
    return RankingData(
        k,
        tuple((e.name, fmt.kpi_value(k, e.value, currency)) for e in ranking.best),
        tuple((e.name, fmt.kpi_value(k, e.value, currency)) for e in ranking.worst),
        undefined,
    )


def dashboard_data(
    report: KpiReport,
    *,
    comparison: analysis.Comparison | None = None,
    sparks: Mapping[str, pd.DataFrame] | None = None,
    targets: Mapping[str, float],
    rank_kpi: str = "roas",
    currency: str = "",
    period: tuple[dt.date, dt.date] | None = None,
    previous: tuple[dt.date, dt.date] | None = None,
    coverage: Coverage | None = None,
) -> DashboardData:
    """Cards, funnel and ranking from a by-campaign report (and, when given, a comparison
    with the previous period and each KPI's `time_series` for the sparklines)."""
    total = report.total
    cards = tuple(
        _card(
            k,
            report,
            comparison.kpi(k.id) if comparison is not None else None,
            fmt.optional_number(targets.get(k.id)),
            (sparks or {}).get(k.id),
            currency,
            coverage or Coverage(),
        )
        for k in KPIS
    )
    return DashboardData(
        period=period,
        previous=previous,
        cards=cards,
        funnel=funnel_data(total),
        ranking=ranking_data(report, rank_kpi, currency),
    )


def _card(
    k: Kpi,
    report: KpiReport,
    change: analysis.Change | None,
    target: float | None,
    spark: pd.DataFrame | None,
    currency: str,
    coverage: Coverage,
) -> KpiCardData:
    """One KPI's card from the report's total, its change, target and sparkline."""
    total = report.total
    value = fmt.optional_number(total.get(k.id))
    reason = report.reason("total", k.id) if value is None else None
    if value is None and reason is None:
        reason = "not enough data"
    status = analysis.target_status(k, value, target)
    spark_x, spark_y = np.zeros(0), np.zeros(0)
    if spark is not None and k.id in spark:
        spark_x = epoch_seconds(spark.index)
        spark_y = spark[k.id].to_numpy(dtype=float) * display_scale(k.id)
    return KpiCardData(
        kpi=k,
        value=value,
        value_text=fmt.kpi_value(k, value, currency),
        reason=reason,
        detail=detail_text(k, total, currency),
        change=change,
        change_text=change_text(k, change) if change else "",
        change_good=change_is_good(k, change) if change else None,
        previous_text=fmt.kpi_value(k, change.previous, currency) if change else "",
        target=target,
        status=status,
        status_text=status_text(k, status, target, currency),
        spark_x=spark_x,
        spark_y=spark_y,
        left_out=coverage.for_kpi(k),
        mismatch=coverage.mismatch.get(k.id, ""),
    )
