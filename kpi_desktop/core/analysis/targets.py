"""Traffic-light status of a KPI value against its target."""

from __future__ import annotations

from typing import Literal

from kpi_desktop.core.format import optional_number
from kpi_desktop.core.kpi import KPI_BY_ID, Kpi

Status = Literal["good", "warn", "bad"]

#: A value within this fraction of its target (on the wrong side) is a warning, not bad.
WARN_TOLERANCE = 0.10


def target_status(kpi: Kpi | str, value: float | None, target: float | None) -> Status | None:
    """Traffic-light status of a KPI value against its target.

    Good when on target or better (respecting `higher_is_better`), warn when worse by
    at most `WARN_TOLERANCE` of |target|, bad beyond that; None when either is missing.
    """
    k = KPI_BY_ID[kpi] if isinstance(kpi, str) else kpi
    number, goal = optional_number(value), optional_number(target)
    if number is None or goal is None:
        return None
    margin = WARN_TOLERANCE * abs(goal)
    if k.higher_is_better:
        if number >= goal:
            return "good"
        return "warn" if number >= goal - margin else "bad"
    if number <= goal:
        return "good"
    return "warn" if number <= goal + margin else "bad"
