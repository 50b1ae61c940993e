"""A/B significance: the two-proportion z-test and variants against a baseline."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import NormalDist

import pandas as pd

from kpi_desktop.core.format import optional_number
from kpi_desktop.core.kpi import KPI_BY_ID, FxRates, Kpi, aggregate
from kpi_desktop.core.schema import FIELDS

#: The two KPIs that are proportions of people, so a two-proportion test applies.
PROPORTION_KPIS: tuple[str, ...] = ("ctr", "conversion_rate")

_NORMAL = NormalDist()


@dataclass(frozen=True)
class ProportionTest:
    """Two-proportion z-test of B against A (A is the baseline or control).

    `difference` is rate_b − rate_a; the confidence interval (level 1 − alpha) uses the
    unpooled standard error, the z statistic the pooled one. `required_per_group` is the
    group size for `power` at the observed difference; `more_needed` the extra trials
    (users, visitors…) over both groups to get there, 0 when there are enough.
    """

    successes_a: float
    trials_a: float
    successes_b: float
    trials_b: float
    rate_a: float
    rate_b: float
    difference: float
    relative_lift: float | None
    z: float
    p_value: float
    ci_low: float
    ci_high: float
    alpha: float
    power: float
    required_per_group: int | None
    more_needed: int | None

    @property
    def significant(self) -> bool:
        return self.p_value < self.alpha

    @property
    def underpowered(self) -> bool:
        return self.more_needed is None or self.more_needed > 0


def two_proportion_test(
    successes_a: float,
    trials_a: float,
    successes_b: float,
    trials_b: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
) -> ProportionTest:
    """Two-sided two-proportion z-test, confidence interval and sample size.

    Args:
        successes_a: clicks/conversions in group A (baseline, control).
        trials_a: users/visitors in group A.
        successes_b: successes in group B.
        trials_b: trials in group B.
        alpha: significance level (0.05 gives a 95 % interval).
        power: wanted power for the sample-size advice.

    Returns:
        A `ProportionTest`.

    Raises:
        ValueError: when a group has no trials or successes outside 0..trials.
    """
    for s, n in ((successes_a, trials_a), (successes_b, trials_b)):
        if not n > 0:
            raise ValueError("a group has no trials")
        if not 0 <= s <= n:
            raise ValueError("successes must lie between 0 and the number of trials")
    p_a, p_b = successes_a / trials_a, successes_b / trials_b
    diff = p_b - p_a
    pooled = (successes_a + successes_b) / (trials_a + trials_b)
    se_pooled = math.sqrt(pooled * (1 - pooled) * (1 / trials_a + 1 / trials_b))
    if se_pooled == 0:
        # Both groups all-0 or all-1: no variation, nothing to detect.
        z, p_value = 0.0, 1.0
    else:
        z = diff / se_pooled
        p_value = 2 * (1 - _NORMAL.cdf(abs(z)))
    se = math.sqrt(p_a * (1 - p_a) / trials_a + p_b * (1 - p_b) / trials_b)
    z_alpha = _NORMAL.inv_cdf(1 - alpha / 2)
    required = more = None
    if diff != 0:
        mean = (p_a + p_b) / 2
        spread = z_alpha * math.sqrt(2 * mean * (1 - mean)) + _NORMAL.inv_cdf(power) * math.sqrt(
            p_a * (1 - p_a) + p_b * (1 - p_b)
        )
        required = math.ceil(spread**2 / diff**2)
        more = max(0, math.ceil(required - trials_a)) + max(0, math.ceil(required - trials_b))
    return ProportionTest(
        successes_a=float(successes_a),
        trials_a=float(trials_a),
        successes_b=float(successes_b),
        trials_b=float(trials_b),
        rate_a=p_a,
        rate_b=p_b,
        difference=diff,
        relative_lift=diff / p_a if p_a > 0 else None,
        z=z,
        p_value=p_value,
        ci_low=diff - z_alpha * se,
        ci_high=diff + z_alpha * se,
        alpha=alpha,
        power=power,
        required_per_group=required,
        more_needed=more,
    )


@dataclass(frozen=True)
class AbResult:
    """One variant against the baseline variant on a proportion KPI."""

    kpi_id: str
    variant: str
    baseline: str
    test: ProportionTest | None
    reason: str | None  # why there is no test
    advice: str  # one line for the user, e.g. "needs 1,548 more users"


def proportion_parts(kpi: Kpi, sums: Mapping[str, object]) -> tuple[float, float] | str:
    """(successes, trials) of a proportion KPI, or the reason there are none."""
    successes, trials = (
        optional_number(sums.get(kpi.numerator)),
        optional_number(sums.get(kpi.denominator)),
    )
    num_label, den_label = FIELDS[kpi.numerator].label.lower(), FIELDS[kpi.denominator].label
    if successes is None:
        return f"no {num_label} data"
    if trials is None:
        return f"no {den_label.lower()} data"
    if trials <= 0:
        return f"{den_label.lower()} is 0"
    if successes > trials:
        # A person can click more than once; then clicks/users is no proportion to test.
        return f"{num_label} exceed {den_label.lower()}: not a proportion, no test"
    return successes, trials


def _advice(test: ProportionTest | None, reason: str | None, unit: str) -> str:
    if test is None:
        return f"no test: {reason}"
    if test.significant:
        return f"significant (p = {test.p_value:.3f})"
    if test.more_needed is None:
        return "no difference observed"
    if test.more_needed > 0:
        return f"not significant yet: needs {test.more_needed:,} more {unit}"
    return f"not significant (p = {test.p_value:.3f}) with enough {unit}"


def ab_test(
    facts: pd.DataFrame,
    kpi_id: str = "ctr",
    *,
    baseline: str | None = None,
    events: pd.DataFrame | None = None,
    fx: FxRates | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
) -> list[AbResult]:
    """Compare every variant with a baseline variant on CTR or conversion rate.

    Rows without a variant take no part. With daily summaries only, users are a sum of
    daily users, so a person counted on two days counts twice: the test then
    overstates the evidence a little (the UI says users are not exact).

    Args:
        facts: canonical facts, already filtered.
        kpi_id: "ctr" or "conversion_rate".
        baseline: the variant to compare against; by default the first in sort order.
        events: event users, for exact unique users per variant.
        fx: unused by proportion KPIs, accepted for a uniform call.
        alpha: significance level.
        power: wanted power for "needs N more users".

    Returns:
        One `AbResult` per variant other than the baseline, in sort order.

    Raises:
        ValueError: for a KPI that is not a proportion or an unknown baseline.
    """
    if kpi_id not in PROPORTION_KPIS:
        raise ValueError(f"A/B tests apply to {', '.join(PROPORTION_KPIS)}, not {kpi_id!r}")
    kpi = KPI_BY_ID[kpi_id]
    with_variant = facts[facts["variant"].astype(str) != ""]
    if with_variant.empty:
        return []
    sums = aggregate(with_variant, "variant", events=events, fx=fx)
    variants = [str(v) for v in sums.index]
    base = variants[0] if baseline is None else baseline
    if base not in variants:
        raise ValueError(f"unknown baseline variant {base!r}")
    unit = FIELDS[kpi.denominator].label.lower()
    base_parts = proportion_parts(kpi, sums.loc[base])
    results = []
    for variant in variants:
        if variant == base:
            continue
        parts = proportion_parts(kpi, sums.loc[variant])
        test = None
        reason = None
        if isinstance(base_parts, str):
            reason = f"baseline {base}: {base_parts}"
        elif isinstance(parts, str):
            reason = f"{variant}: {parts}"
        else:
            test = two_proportion_test(*base_parts, *parts, alpha=alpha, power=power)
        results.append(AbResult(kpi_id, variant, base, test, reason, _advice(test, reason, unit)))
    return results
