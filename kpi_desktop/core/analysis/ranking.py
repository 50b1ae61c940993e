"""The best and worst campaigns on a KPI."""

from __future__ import annotations

import math
from typing import NamedTuple

import pandas as pd

from kpi_desktop.core.kpi import KPI_BY_ID, KpiReport


class RankedCampaign(NamedTuple):
    key: str
    name: str
    value: float


class Ranking(NamedTuple):
    """Best campaigns best first, worst campaigns worst first; never the same in both."""

    best: list[RankedCampaign]
    worst: list[RankedCampaign]


def rank_campaigns(report: KpiReport, kpi_id: str, n: int = 3) -> Ranking:
    """The `n` best and `n` worst campaigns on a KPI, skipping undefined values.

    Respects `higher_is_better`. With fewer than 2n defined campaigns, the worst list
    holds only those not already among the best.

    Args:
        report: a `KpiReport` grouped by campaign.
        kpi_id: the KPI to rank by.
        n: how many of each.
    """
    kpi = KPI_BY_ID[kpi_id]
    rows = report.rows
    values = rows[kpi_id].astype(float)
    names = rows["campaign"] if "campaign" in rows else pd.Series(rows.index, index=rows.index)
    entries = [
        RankedCampaign(str(key), str(names.loc[key]) or str(key), float(value))
        for key, value in values.items()
        if not math.isnan(value)
    ]
    # Ties are broken by name so that rankings do not flicker between refreshes.
    sign = -1.0 if kpi.higher_is_better else 1.0
    ordered = sorted(entries, key=lambda e: (sign * e.value, e.name))
    best = ordered[:n]
    worst = [e for e in reversed(ordered) if e not in best][:n]
    return Ranking(best, worst)
