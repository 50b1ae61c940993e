"""Lift of a rate over a reference: the bot against another channel, brand lift."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from kpi_desktop.core.analysis.significance import (
    ProportionTest,
    proportion_parts,
    two_proportion_test,
)
from kpi_desktop.core.format import optional_number
from kpi_desktop.core.kpi import KPI_BY_ID, FxRates, aggregate


@dataclass(frozen=True)
class Lift:
    """A rate against a reference rate: relative lift, points and significance.

    For channel lift the rate is the bot's and the reference another channel's; for
    brand lift the exposed group's against the control group's.
    """

    rate: float | None
    reference: float | None
    lift: float | None  # rate / reference − 1
    points: float | None  # (rate − reference) × 100
    test: ProportionTest | None
    reason: str | None


def _lift(
    successes: float | None,
    trials: float | None,
    ref_successes: float | None,
    ref_trials: float | None,
    *,
    alpha: float,
    reason: str | None,
) -> Lift:
    rate = successes / trials if successes is not None and trials else None
    reference = ref_successes / ref_trials if ref_successes is not None and ref_trials else None
    lift = points = None
    if rate is not None and reference is not None:
        points = (rate - reference) * 100
        if reference > 0:
            lift = rate / reference - 1
        else:
            reason = reason or "reference rate is 0: no relative lift"
    test = None
    if (
        reason is None
        and successes is not None
        and trials is not None
        and ref_successes is not None
        and ref_trials is not None
    ):
        try:
            test = two_proportion_test(ref_successes, ref_trials, successes, trials, alpha=alpha)
        except ValueError as error:
            reason = str(error)
    return Lift(rate, reference, lift, points, test, reason)


def channel_lift(
    facts: pd.DataFrame,
    bot: str | Sequence[str],
    other: str | Sequence[str],
    *,
    fx: FxRates | None = None,
    alpha: float = 0.05,
) -> Lift:
    """The bot's conversion rate against another channel's, as a relative lift.

    Args:
        facts: canonical facts, already filtered by period and campaign.
        bot: the bot's channel name(s), e.g. "Messenger".
        other: the reference channel name(s), e.g. "Website" or "Email".
        fx: reporting currency and rates (uniform call).
        alpha: significance level of the z-test on conversions / visitors.

    Returns:
        A `Lift` with rate = bot's conversion rate and reference = the other's.
    """
    kpi = KPI_BY_ID["conversion_rate"]

    def parts(channels: str | Sequence[str]) -> tuple[float | None, float | None, str | None]:
        names = [channels] if isinstance(channels, str) else list(channels)
        subset = facts[facts["channel"].isin(names)]
        sums = aggregate(subset, None, fx=fx).iloc[0]
        got = proportion_parts(kpi, sums)
        label = " + ".join(names)
        if isinstance(got, str):
            return (
                optional_number(sums.get(kpi.numerator)),
                optional_number(sums.get(kpi.denominator)),
                f"{label}: {got}",
            )
        return got[0], got[1], None

    s_bot, n_bot, reason_bot = parts(bot)
    s_ref, n_ref, reason_ref = parts(other)
    return _lift(s_bot, n_bot, s_ref, n_ref, alpha=alpha, reason=reason_bot or reason_ref)


def brand_lift(
    exposed_rate: float,
    exposed_n: float,
    control_rate: float,
    control_n: float,
    *,
    alpha: float = 0.05,
) -> Lift:
    """Brand lift (ad recall or purchase intent) of an exposed group over a control group.

    Args:
        exposed_rate: share of the exposed group that recalls / intends (0..1).
        exposed_n: size of the exposed group.
        control_rate: the same share in the control group.
        control_n: size of the control group.
        alpha: significance level of the z-test.

    Returns:
        A `Lift`: rate = exposed, reference = control, lift = exposed / control − 1.
    """
    reason = None
    if not (0 <= exposed_rate <= 1 and 0 <= control_rate <= 1):
        reason = "rates must be fractions between 0 and 1"
    elif not (exposed_n > 0 and control_n > 0):
        reason = "both groups need people"
    if reason:
        return Lift(None, None, None, None, None, reason)
    return _lift(
        exposed_rate * exposed_n,
        exposed_n,
        control_rate * control_n,
        control_n,
        alpha=alpha,
        reason=None,
    )
