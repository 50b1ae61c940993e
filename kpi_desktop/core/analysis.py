"""Analysis behind the dashboard: periods, targets, A/B tests, lifts, forecast, series (DESIGN §7).

Every number here comes from `kpi.aggregate`/`kpi.report` (ratio of sums); this module
only compares, tests and reshapes those numbers. Undefined values stay None (or NaN in
frames) with a reason, never 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date, timedelta
from statistics import NormalDist
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from kpi_desktop.core.kpi import (
    FX_MISSING,
    KPI_BY_ID,
    Display,
    FxRates,
    Kpi,
    KpiReport,
    aggregate,
    kpi_column,
    report,
    select,
)
from kpi_desktop.core.schema import ADDITIVE_FIELDS, FIELDS, NUMERIC_FIELDS, Kind

DateLike = date | pd.Timestamp | str
Status = Literal["good", "warn", "bad"]
Freq = Literal["D", "W", "M"]

#: A value within this fraction of its target (on the wrong side) is a warning, not bad.
WARN_TOLERANCE = 0.10
#: The two KPIs that are proportions of people, so a two-proportion test applies.
PROPORTION_KPIS: tuple[str, ...] = ("ctr", "conversion_rate")
PRESETS: tuple[str, ...] = (
    "last_7",
    "last_30",
    "last_90",
    "this_month",
    "last_month",
    "this_quarter",
    "last_quarter",
)
FUNNEL_STEPS: tuple[str, ...] = ("users", "interactions", "clicks", "visitors", "conversions")
OTHERS = "others"

_NORMAL = NormalDist()


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def _opt(value: object) -> float | None:
    return None if _missing(value) else float(value)  # type: ignore[arg-type]


def _day(value: DateLike) -> pd.Timestamp:
    return pd.Timestamp(value).normalize()


def _is_rate_like(kpi: Kpi) -> bool:
    return kpi.display in (Display.PERCENT, Display.LIFT)


# --------------------------------------------------------------------------- periods


def period_presets(today: DateLike, preset: str) -> tuple[date, date]:
    """The inclusive (start, end) dates of a named period relative to `today`.

    `last_N` periods end yesterday, as the ad platforms' and GA4's presets do: today's
    figures are still incomplete in any export. `this_*` periods run to today.

    Args:
        today: the reference day.
        preset: one of `PRESETS`.

    Returns:
        (start, end) as `datetime.date`, both inclusive.

    Raises:
        ValueError: for an unknown preset.
    """
    day = _day(today).date()
    if preset in ("last_7", "last_30", "last_90"):
        length = int(preset.removeprefix("last_"))
        end = day - timedelta(days=1)
        return end - timedelta(days=length - 1), end
    if preset == "this_month":
        return day.replace(day=1), day
    if preset == "last_month":
        end = day.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    quarter_start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if preset == "this_quarter":
        return quarter_start, day
    if preset == "last_quarter":
        end = quarter_start - timedelta(days=1)
        return date(end.year, 3 * ((end.month - 1) // 3) + 1, 1), end
    raise ValueError(f"unknown period preset {preset!r}; expected one of {', '.join(PRESETS)}")


def previous_period(start: DateLike, end: DateLike) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The period of equal length that ends the day before `start`."""
    first, last = _day(start), _day(end)
    length = last - first + pd.Timedelta(days=1)
    return first - length, first - pd.Timedelta(days=1)


@dataclass(frozen=True)
class Change:
    """One KPI or input field in this period against the previous one.

    `absolute` is current − previous in internal units (fractions for rates). `points` is
    the change in percentage points, set only for rates and lifts. `relative` is the
    change as a fraction of |previous| (0.25 = +25 %), None when previous is 0 or
    either side is undefined; `reason` says why something is None.
    """

    id: str
    label: str
    is_kpi: bool
    current: float | None
    previous: float | None
    absolute: float | None
    points: float | None
    relative: float | None
    reason: str | None


@dataclass(frozen=True)
class Comparison:
    """This period against the previous one: per KPI and per input field."""

    current_period: tuple[pd.Timestamp, pd.Timestamp]
    previous_period: tuple[pd.Timestamp, pd.Timestamp]
    kpis: tuple[Change, ...]
    fields: tuple[Change, ...]
    current: KpiReport
    previous: KpiReport

    def kpi(self, kpi_id: str) -> Change:
        """The change of one KPI by id."""
        return next(c for c in self.kpis if c.id == kpi_id)

    def field(self, name: str) -> Change:
        """The change of one input field by name."""
        return next(c for c in self.fields if c.id == name)

    def frame(self) -> pd.DataFrame:
        """All changes as a table indexed by KPI id / field name."""
        rows = [c.__dict__ for c in (*self.kpis, *self.fields)]
        return pd.DataFrame(rows).set_index("id")


def _change(
    ident: str,
    label: str,
    *,
    is_kpi: bool,
    rate_like: bool,
    current: float | None,
    previous: float | None,
    reason_current: str | None,
    reason_previous: str | None,
) -> Change:
    absolute = points = relative = None
    reason = None
    if current is None:
        reason = f"this period: {reason_current or 'no data'}"
    elif previous is None:
        reason = f"previous period: {reason_previous or 'no data'}"
    else:
        absolute = current - previous
        points = absolute * 100 if rate_like else None
        if previous == 0:
            reason = "previous value is 0: no relative change"
        else:
            # |previous| keeps the sign of the change for lifts, which can be negative.
            relative = absolute / abs(previous)
    return Change(ident, label, is_kpi, current, previous, absolute, points, relative, reason)


def events_in_period(
    events: pd.DataFrame | None, start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame | None:
    """Event users whose date lies in start..end (inclusive); undated ones stay in."""
    if events is None or not len(events) or "date" not in events:
        return events
    dates = pd.to_datetime(events["date"])
    # Event dates may carry a time of day: the end day counts whole.
    mask = dates.isna() | ((dates >= start) & (dates < end + pd.Timedelta(days=1)))
    return events[mask.to_numpy()]


def _period_report(
    facts: pd.DataFrame,
    start: pd.Timestamp,
    end: pd.Timestamp,
    events: pd.DataFrame | None,
    fx: FxRates | None,
) -> KpiReport:
    subset = facts[select(facts, start=start, end=end)]
    return report(subset, None, events=events_in_period(events, start, end), fx=fx)


def compare_periods(
    facts: pd.DataFrame,
    start: DateLike,
    end: DateLike,
    *,
    previous: tuple[DateLike, DateLike] | None = None,
    events: pd.DataFrame | None = None,
    fx: FxRates | None = None,
) -> Comparison:
    """Compare every KPI and input field of one period with another.

    Rows without a date (lifetime totals) count in both periods, as `kpi.select` has
    them belong to every period.

    Args:
        facts: canonical facts, filtered by campaign/channel but not by date.
        start: first day of this period (inclusive).
        end: last day of this period (inclusive).
        previous: (start, end) of the period to compare with; by default the period
            of equal length just before `start`.
        events: event users for exact unique users, filtered by campaign/channel like
            `facts` (this function filters them to each period).
        fx: reporting currency and rates.

    Returns:
        A `Comparison`; rates and lifts get percentage points and relative change,
        counts and money relative change.
    """
    current_period = (_day(start), _day(end))
    prev = (
        previous_period(*current_period)
        if previous is None
        else (_day(previous[0]), _day(previous[1]))
    )
    cur = _period_report(facts, *current_period, events, fx)
    old = _period_report(facts, *prev, events, fx)
    kpis = tuple(
        _change(
            kpi.id,
            kpi.name,
            is_kpi=True,
            rate_like=_is_rate_like(kpi),
            current=_opt(cur.total.get(kpi.id)),
            previous=_opt(old.total.get(kpi.id)),
            reason_current=cur.reason("total", kpi.id),
            reason_previous=old.reason("total", kpi.id),
        )
        for kpi in KPI_BY_ID.values()
    )
    fields = tuple(
        _change(
            name,
            FIELDS[name].label,
            is_kpi=False,
            rate_like=FIELDS[name].kind is Kind.RATE,
            current=_opt(cur.total.get(name)),
            previous=_opt(old.total.get(name)),
            reason_current=f"no {FIELDS[name].label.lower()} data",
            reason_previous=f"no {FIELDS[name].label.lower()} data",
        )
        for name in NUMERIC_FIELDS
    )
    return Comparison(current_period, prev, kpis, fields, cur, old)


# --------------------------------------------------------------------------- targets


def target_status(kpi: Kpi | str, value: float | None, target: float | None) -> Status | None:
    """Traffic-light status of a KPI value against its target.

    Good when on target or better (respecting `higher_is_better`), warn when worse by
    at most `WARN_TOLERANCE` of |target|, bad beyond that; None when either is missing.
    """
    k = KPI_BY_ID[kpi] if isinstance(kpi, str) else kpi
    if _missing(value) or _missing(target):
        return None
    value, target = float(value), float(target)  # type: ignore[arg-type]
    margin = WARN_TOLERANCE * abs(target)
    if k.higher_is_better:
        if value >= target:
            return "good"
        return "warn" if value >= target - margin else "bad"
    if value <= target:
        return "good"
    return "warn" if value <= target + margin else "bad"


# --------------------------------------------------------------------------- significance


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


def _proportion_parts(kpi: Kpi, sums: Mapping[str, object]) -> tuple[float, float] | str:
    """(successes, trials) of a proportion KPI, or the reason there are none."""
    successes, trials = _opt(sums.get(kpi.numerator)), _opt(sums.get(kpi.denominator))
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
    base_parts = _proportion_parts(kpi, sums.loc[base])
    results = []
    for variant in variants:
        if variant == base:
            continue
        parts = _proportion_parts(kpi, sums.loc[variant])
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
        got = _proportion_parts(kpi, sums)
        label = " + ".join(names)
        if isinstance(got, str):
            return _opt(sums.get(kpi.numerator)), _opt(sums.get(kpi.denominator)), f"{label}: {got}"
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


# --------------------------------------------------------------------------- series


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
    dated = facts[facts["date"].notna()].copy()
    dated["date"] = _period_start(dated["date"], freq)
    period_events = None
    if events is not None and len(events) and "date" in events:
        period_events = events[events["date"].notna()].copy()
        period_events["date"] = _period_start(period_events["date"], freq)
    needed = [field_or_kpi] if kpi is None else [*kpi.fields, FX_MISSING]
    if dated.empty:
        empty = pd.DataFrame(index=pd.DatetimeIndex([], name="period"), dtype=float)
        if by is None:
            empty[field_or_kpi] = pd.Series(dtype=float)
        empty.attrs = {"measure": field_or_kpi, "freq": freq, "by": by}
        return empty
    keys = ["date"] if by is None else ["date", by]
    sums = aggregate(dated, keys, events=period_events, fx=fx)
    periods = pd.date_range(
        sums.index.get_level_values(0).min(),
        sums.index.get_level_values(0).max(),
        freq=_RANGE_FREQ[freq],
        name="period",
    )

    def shape(column: pd.Series) -> pd.DataFrame:
        if by is None:
            frame = column.to_frame(field_or_kpi)
            frame.index = pd.DatetimeIndex(frame.index, name="period")
        else:
            labelled = pd.Series(
                column.to_numpy(),
                index=pd.MultiIndex.from_arrays(
                    [sums.index.get_level_values(0), _series_labels(sums, by)]
                ),
            )
            frame = labelled.unstack(level=1)
            frame.index = pd.DatetimeIndex(frame.index, name="period")
            frame.columns = pd.Index([str(c) for c in frame.columns], name=by)
        return frame.reindex(periods).astype(float)

    values = shape(kpi_column(kpi, sums) if kpi is not None else sums[field_or_kpi])
    attrs: dict[str, object] = {"measure": field_or_kpi, "freq": freq, "by": by}
    if kpi is not None:
        attrs["parts"] = _Parts({name: shape(sums[name]) for name in needed})
    values.attrs = attrs
    return values


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


# --------------------------------------------------------------------------- funnel, ranking


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
        value = _opt(sums.get(name))
        rate = None
        if value is not None and previous:
            rate = value / previous
        steps.append(FunnelStep(name, value, rate))
        previous = value
    return steps


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


# --------------------------------------------------------------------------- forecast


@dataclass(frozen=True)
class Forecast:
    """A forecast of a summed field over the next days, with a band at `level`.

    `daily` has columns forecast, lower, upper per future day; `total`, `lower` and
    `upper` are for the whole horizon. The band comes from the residuals of the fit and
    assumes independent days; it ignores the uncertainty of the fit itself, so it is
    a little narrow for short histories.
    """

    measure: str
    history: pd.Series  # observed daily sums (days without data left out)
    fitted: pd.Series
    daily: pd.DataFrame
    total: float | None
    lower: float | None
    upper: float | None
    level: float
    method: str
    reason: str | None


MIN_FORECAST_DAYS = 3
MIN_WEEKLY_DAYS = 14


def forecast(
    facts: pd.DataFrame,
    field_name: str,
    *,
    horizon: int = 7,
    events: pd.DataFrame | None = None,
    fx: FxRates | None = None,
    level: float = 0.8,
) -> Forecast:
    """Forecast the daily sums of a count or money field for the next `horizon` days.

    Model: ordinary least squares of the daily sum on a linear trend, plus day-of-week
    effects once there are at least two weeks of data. Days without data are gaps, not
    zeros, and are left out of the fit. Forecasts and bands are clipped at 0 because
    counts and money cannot be negative.

    Args:
        facts: canonical facts, already filtered (the history to learn from).
        field_name: an additive field, e.g. "conversions" or "spend".
        horizon: number of days to forecast after the last day with data.
        events: event users, for exact daily unique users.
        fx: reporting currency and rates.
        level: coverage of the band (0.8 = 80 %).

    Returns:
        A `Forecast`; with too little data its values are None with a reason.

    Raises:
        ValueError: for a field that is not summed (KPIs, rates, dimensions).
    """
    if field_name not in ADDITIVE_FIELDS:
        raise ValueError(f"forecasts work on summed fields, not {field_name!r}")
    series = time_series(facts, field_name, "D", events=events, fx=fx)[field_name]
    history = series.dropna()
    empty = pd.DataFrame(columns=["forecast", "lower", "upper"], dtype=float)
    if len(history) < MIN_FORECAST_DAYS:
        return Forecast(
            field_name,
            history,
            pd.Series(dtype=float),
            empty,
            None,
            None,
            None,
            level,
            "none",
            f"needs at least {MIN_FORECAST_DAYS} days with data",
        )
    origin = history.index[0]
    weekly = len(history) >= MIN_WEEKLY_DAYS

    def design(index: pd.DatetimeIndex) -> np.ndarray:
        t = ((index - origin) / pd.Timedelta(days=1)).to_numpy(dtype=float)
        columns = [np.ones_like(t), t]
        if weekly:
            # Monday is the reference day; one effect for each other weekday.
            columns += [(index.day_of_week == d).astype(float) for d in range(1, 7)]
        return np.column_stack(columns)

    x = design(pd.DatetimeIndex(history.index))
    y = history.to_numpy(dtype=float)
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    fitted = x @ coef
    dof = len(y) - np.linalg.matrix_rank(x)
    sigma = math.sqrt(float(np.sum((y - fitted) ** 2)) / dof) if dof > 0 else 0.0
    future = pd.date_range(history.index[-1] + pd.Timedelta(days=1), periods=horizon, freq="D")
    point = np.clip(design(future) @ coef, 0.0, None)
    z = _NORMAL.inv_cdf(0.5 + level / 2)
    daily = pd.DataFrame(
        {
            "forecast": point,
            "lower": np.clip(point - z * sigma, 0.0, None),
            "upper": point + z * sigma,
        },
        index=pd.DatetimeIndex(future, name="period"),
    )
    total = float(point.sum())
    # Independent daily errors add in variance: the band of a sum grows with sqrt(days).
    half = z * sigma * math.sqrt(horizon)
    method = "linear trend + weekday effects" if weekly else "linear trend"
    return Forecast(
        field_name,
        history,
        pd.Series(fitted, index=history.index),
        daily,
        total,
        max(0.0, total - half),
        total + half,
        level,
        method,
        None,
    )
