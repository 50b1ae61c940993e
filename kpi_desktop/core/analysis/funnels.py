"""The conversion funnel: users → interactions → clicks → visitors → conversions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from kpi_desktop.core.format import optional_number

FUNNEL_STEPS: tuple[str, ...] = ("users", "interactions", "clicks", "visitors", "conversions")


class FunnelStep(NamedTuple):
    """One funnel step: field name, its sum and its rate from the step before."""

    step: str
    value: float | None
    rate_from_previous: float | None


def funnel(sums: Mapping[str, object]) -> list[FunnelStep]:
    """Users → interactions → clicks → visitors → conversions for one aggregated row.

    A rate is None where either step is missing or the previous one is 0. Interactions
    per user usually exceed 1: the step is engagement depth, not a drop-off.
    """
    steps: list[FunnelStep] = []
    previous: float | None = None
    for name in FUNNEL_STEPS:
        value = optional_number(sums.get(name))
        rate = None
        if value is not None and previous:
            rate = value / previous
        steps.append(FunnelStep(name, value, rate))
        previous = value
    return steps
