"""Named periods and this period against the previous one, per KPI and input field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeAlias

import pandas as pd

from kpi_desktop.core.format import optional_number
from kpi_desktop.core.kpi import KPI_BY_ID, Display, FxRates, Kpi, KpiReport, report, select
from kpi_desktop.core.schema import FIELDS, NUMERIC_FIELDS, Kind

DateLike: TypeAlias = date | pd.Timestamp | str
PRESETS: tuple[str, ...] = (
    "last_7",
    "last_30",
    "last_90",
    "this_month",
    "last_month",
    "this_quarter",
    "last_quarter",
)


def _day(value: DateLike) -> pd.Timestamp:
    return pd.Timestamp(value).normalize()


def _is_rate_like(kpi: Kpi) -> bool:
    return kpi.display in (Display.PERCENT, Display.LIFT)


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

    A row counts in a period when the days it covers lie inside it (`kpi.select`): a
    range row cut by a period is left out of it, a row without any day of neither.

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
            current=optional_number(cur.total.get(kpi.id)),
            previous=optional_number(old.total.get(kpi.id)),
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
            current=optional_number(cur.total.get(name)),
            previous=optional_number(old.total.get(name)),
            reason_current=f"no {FIELDS[name].label.lower()} data",
            reason_previous=f"no {FIELDS[name].label.lower()} data",
        )
        for name in NUMERIC_FIELDS
    )
    return Comparison(current_period, prev, kpis, fields, cur, old)
