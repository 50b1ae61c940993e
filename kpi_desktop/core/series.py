"""Qt-free data behind the filter bar, dashboard cards and charts (DESIGN sections 3 and 7).

Everything the dashboard and the charts draw is computed here from `kpi` and `analysis`
and handed to the UI as frozen values: numbers in display units (percent for rates) and
the text `core.format` makes of them. Widgets only place them.

Speed: a date-range change must redraw the dashboard and the visible chart within
200 ms over a million fact rows (DESIGN section 10). `DataView` therefore sums the facts
once per data change into a daily cube (one row per day x campaign x channel x currency
x source, about 55,000 rows for a year of 50 campaigns on 3 channels) and answers every
filtered question from it. Sums of sums are the same sums, so every KPI stays a ratio of
sums over the original rows; rows that carry averaged study rates (brand lift) are kept
as they are, because a mean of means would differ.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from kpi_desktop.core import analysis, kpi
from kpi_desktop.core import format as fmt
from kpi_desktop.core.kpi import KPI_BY_ID, KPIS, Display, FxRates, Kpi, KpiReport
from kpi_desktop.core.schema import ADDITIVE_FIELDS, FIELDS, NUMERIC_FIELDS, RATE_FIELDS, Kind

if TYPE_CHECKING:
    from kpi_desktop.core.store import Workspace

# --------------------------------------------------------------------------- selection

ALL = "all"
CUSTOM = "custom"
PERIOD_LABELS: dict[str, str] = {
    ALL: "All dates",
    "last_7": "Last 7 days",
    "last_30": "Last 30 days",
    "last_90": "Last 90 days",
    "this_month": "This month",
    "last_month": "Last month",
    "this_quarter": "This quarter",
    "last_quarter": "Last quarter",
    CUSTOM: "Custom range",
}
DEFAULT_PRESET = "last_30"
#: Workspace setting keys (values are JSON).
FILTER_SETTING = "filter"
ANNOTATIONS_SETTING = "annotations"
#: More series than this collapse to the top MAX_SERIES - 1 plus "others" (STYLE: no rainbow).
MAX_SERIES = 8
#: Longer periods get weekly sparklines: 200 daily points in 120 pixels are noise.
WEEKLY_SPARK_DAYS = 120

Freq = Literal["D", "W", "M"]
Split = Literal["campaign", "channel"] | None


@dataclass(frozen=True)
class FilterSelection:
    """What the user chose in the filter bar; None lists mean "all".

    `start`/`end` matter for the custom preset only: other presets are resolved against
    the data (see `resolve_period`), so that a saved "last 30 days" stays the last 30.
    """

    preset: str = DEFAULT_PRESET
    start: dt.date | None = None
    end: dt.date | None = None
    campaigns: tuple[str, ...] | None = None  # canonical campaign keys
    channels: tuple[str, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict for `Workspace.set_setting`."""
        return {
            "preset": self.preset,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "campaigns": list(self.campaigns) if self.campaigns is not None else None,
            "channels": list(self.channels) if self.channels is not None else None,
        }

    @classmethod
    def from_json(cls, value: object) -> FilterSelection:
        """The selection saved by `to_json`; anything unreadable gives the default."""
        if not isinstance(value, Mapping):
            return cls()
        preset = value.get("preset")
        if preset not in PERIOD_LABELS:
            preset = DEFAULT_PRESET

        def day(text: object) -> dt.date | None:
            try:
                return dt.date.fromisoformat(str(text)) if text else None
            except ValueError:
                return None

        def names(items: object) -> tuple[str, ...] | None:
            if not isinstance(items, list):
                return None
            return tuple(str(i) for i in items)

        start, end = day(value.get("start")), day(value.get("end"))
        if preset == CUSTOM and (start is None or end is None or start > end):
            preset, start, end = DEFAULT_PRESET, None, None
        return cls(preset, start, end, names(value.get("campaigns")), names(value.get("channels")))


def resolve_period(
    selection: FilterSelection, last_day: dt.date | None
) -> tuple[dt.date, dt.date] | None:
    """The inclusive dates a selection means, or None for all dates.

    Presets count back from the latest day with data, not from the clock: the user works
    from exports, and "last 30 days" of an export that ends last Tuesday should be the
    30 days up to that Tuesday (the filter bar says which day that is).
    """
    if selection.preset == CUSTOM and selection.start and selection.end:
        return selection.start, selection.end
    if selection.preset in (ALL, CUSTOM) or last_day is None:
        return None
    # last_N periods end the day before "today"; this_* periods run to "today".
    today = last_day + dt.timedelta(days=1) if selection.preset.startswith("last_") else last_day
    if selection.preset in ("last_month", "last_quarter"):
        today = last_day
    return analysis.period_presets(today, selection.preset)


def day_text(day: dt.date) -> str:
    """`26 Nov 2026` (no %-d: not portable to Windows)."""
    return f"{day.day} {day:%b %Y}"


def period_text(period: tuple[dt.date, dt.date] | None) -> str:
    """`28 Oct 2026 – 26 Nov 2026 (30 days)`, or "All dates"."""
    if period is None:
        return "All dates"
    start, end = period
    days = (end - start).days + 1
    return f"{day_text(start)} – {day_text(end)} ({days:,} {'day' if days == 1 else 'days'})"


# --------------------------------------------------------------------------- display units


def display_scale(measure: str) -> float:
    """Factor from internal units to the units a chart axis shows (x100 for percent)."""
    k = KPI_BY_ID.get(measure)
    if k is not None:
        return 100.0 if k.display in (Display.PERCENT, Display.LIFT) else 1.0
    return 100.0 if FIELDS[measure].kind is Kind.RATE else 1.0


def measure_label(measure: str) -> str:
    """A KPI's name or a field's label."""
    k = KPI_BY_ID.get(measure)
    return k.name if k is not None else FIELDS[measure].label


def axis_unit(measure: str, currency: str = "") -> str:
    """The unit an axis carries: `%`, a currency code, `x`, `per user` or a count noun."""
    k = KPI_BY_ID.get(measure)
    if k is not None:
        match k.display:
            case Display.PERCENT | Display.LIFT:
                return "%"
            case Display.MONEY:
                return currency or "money"
            case Display.MULTIPLE:
                return "x"
            case Display.RATIO:
                return f"per {FIELDS[k.denominator].label.lower().rstrip('s')}"
    kind = FIELDS[measure].kind
    if kind is Kind.MONEY:
        return currency or "money"
    if kind is Kind.RATE:
        return "%"
    return "count"


def value_text(measure: str, display_value: float | None, currency: str = "") -> str:
    """A value given in display units, as `core.format` writes the measure."""
    if display_value is None or math.isnan(display_value):
        return fmt.EM_DASH
    value = display_value / display_scale(measure)
    k = KPI_BY_ID.get(measure)
    if k is not None:
        return fmt.kpi_value(k, value, currency)
    return fmt.field_value(measure, value, currency)


def change_text(k: Kpi | None, change: analysis.Change, measure: str = "") -> str:
    """`▲ +1.2 pp (+10.5 %)` for rates, `▼ −8.0 %` for counts and money; reason if none."""
    if change.absolute is None:
        return change.reason or "no comparison"
    if change.absolute == 0:
        return "■ no change"
    arrow = "▲" if change.absolute > 0 else "▼"
    relative = (
        f"{change.relative * 100:+,.1f} %".replace("-", "−")
        if change.relative is not None
        else "n/a"
    )
    rate_like = change.points is not None
    if rate_like:
        points = f"{change.points:+,.1f} pp".replace("-", "−")
        return f"{arrow} {points} ({relative})"
    if change.relative is None:
        # A count or money change from 0: the absolute change is all there is.
        shown = value_text(measure or change.id, abs(change.absolute))
        sign = "+" if change.absolute >= 0 else "−"
        return f"{arrow} {sign}{shown}"
    return f"{arrow} {relative}"


def change_is_good(k: Kpi, change: analysis.Change) -> bool | None:
    """Whether the change moved the KPI the right way (None when flat or unknown)."""
    if change.absolute is None or change.absolute == 0:
        return None
    return (change.absolute > 0) == k.higher_is_better


STATUS_TEXT: dict[str, str] = {
    "good": "✓ On target",
    "warn": "! Just short of target",
    "bad": "✗ Off target",
}


def status_text(k: Kpi, status: str | None, target: float | None, currency: str = "") -> str:
    """`✓ On target (≥ 12.0 %)`: a symbol and words, so status never rests on colour."""
    if target is None:
        return "No target set"
    sign = "≥" if k.higher_is_better else "≤"
    shown = fmt.kpi_value(k, target, currency)
    if status is None:
        return f"Target {sign} {shown}: no value to compare"
    return f"{STATUS_TEXT[status]} ({sign} {shown})"


# --------------------------------------------------------------------------- the cube

_CUBE_KEYS = ("date", "campaign_key", "channel", "currency", "source_id")


def daily_cube(facts: pd.DataFrame) -> pd.DataFrame:
    """Facts summed per day x campaign x channel x currency x source (money unconverted).

    The result is canonical facts again (same columns the core reads, no variant), so
    `kpi.report`, `analysis.compare_periods` and `analysis.time_series` give the same
    numbers on it as on `facts`. Sums keep pandas' `min_count=1` rule (all missing stays
    missing). Rows holding study rates are passed through unsummed.
    """
    rates = [c for c in RATE_FIELDS if c in facts]
    keep = (
        facts[rates].notna().any(axis=1).to_numpy() if rates else np.zeros(len(facts), dtype=bool)
    )
    rest = facts[~keep]
    keys = [k for k in _CUBE_KEYS if k in rest]
    if rest.empty:
        summed = rest.iloc[0:0]
    else:
        # kpi.aggregate without fx leaves money in its own currency: the cube is
        # currency-neutral and exchange rates apply when a report is made from it.
        summed = kpi.aggregate(rest, keys).reset_index()
        # Its study-rate columns stay: all missing there, as those rows had none.
        summed = summed.drop(columns=[kpi.ROWS, kpi.FX_MISSING], errors="ignore")
    passed = facts[keep]
    columns = [c for c in (*keys, "campaign", *NUMERIC_FIELDS) if c in facts]
    cube = pd.concat([summed, passed[columns]], ignore_index=True) if len(passed) else summed
    if "date" in cube:
        cube["date"] = pd.to_datetime(cube["date"])
    return cube


# --------------------------------------------------------------------------- values


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


@dataclass(frozen=True)
class FunnelData:
    """Users → interactions → clicks → visitors → conversions with the step rates."""

    steps: tuple[analysis.FunnelStep, ...]
    labels: tuple[str, ...]
    value_texts: tuple[str, ...]
    rate_texts: tuple[str, ...]  # "" for the first step


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


DETAIL_WORDS: dict[str, str] = {
    "users": "users",
    "interactions": "interactions",
    "declared_data_points": "data points",
    "clicks": "clicks",
    "matched_responses": "matched",
    "total_messages": "messages",
    "visitors": "visitors",
    "conversions": "conversions",
    "conversion_value": "revenue",
    "spend": "spend",
    "other_cost": "other cost",
    "ad_recall_exposed": "exposed",
    "ad_recall_control": "control",
    "intent_exposed": "exposed",
    "intent_control": "control",
}


def detail_text(k: Kpi, sums: Mapping[str, object], currency: str = "") -> str:
    """Numerator and denominator as the card shows them: `16,213 clicks / 123,694 users`."""

    def part(name: str) -> str:
        value = fmt.optional_number(sums.get(name))
        return f"{fmt.field_value(name, value, currency)} {DETAIL_WORDS[name]}"

    numerator = part(k.numerator)
    for addend in k.addends:
        if fmt.optional_number(sums.get(addend)) is not None:
            numerator = f"({numerator} + {part(addend)})"
    return f"{numerator} / {part(k.denominator)}"


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


def _epoch_seconds(index: pd.Index) -> np.ndarray:
    stamps = pd.DatetimeIndex(index)
    if stamps.tz is not None:
        stamps = stamps.tz_convert(None)
    return stamps.asi8.astype(np.float64) / 1e9 if len(stamps) else np.zeros(0)


def annotations(value: object) -> list[tuple[dt.date, str]]:
    """The annotations kept in the workspace setting, sorted by date; bad entries skipped."""
    out = []
    if isinstance(value, list):
        for item in value:
            if not isinstance(item, Mapping):
                continue
            try:
                day = dt.date.fromisoformat(str(item.get("date")))
            except ValueError:
                continue
            out.append((day, str(item.get("text", ""))))
    return sorted(out)


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
) -> DashboardData:
    """Cards, funnel and ranking from a by-campaign report (and, when given, a comparison
    with the previous period and each KPI's `time_series` for the sparklines)."""
    cards = []
    total = report.total
    for k in KPIS:
        value = fmt.optional_number(total.get(k.id))
        reason = report.reason("total", k.id) if value is None else None
        if value is None and reason is None:
            reason = "not enough data"
        change = comparison.kpi(k.id) if comparison is not None else None
        target = fmt.optional_number(targets.get(k.id))
        status = analysis.target_status(k, value, target)
        spark = (sparks or {}).get(k.id)
        has_spark = spark is not None and k.id in spark
        cards.append(
            KpiCardData(
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
                spark_x=_epoch_seconds(spark.index) if has_spark else np.zeros(0),  # type: ignore[union-attr]
                spark_y=(
                    spark[k.id].to_numpy(dtype=float) * display_scale(k.id)  # type: ignore[index]
                    if has_spark
                    else np.zeros(0)
                ),
            )
        )
    return DashboardData(
        period=period,
        previous=previous,
        cards=tuple(cards),
        funnel=funnel_data(total),
        ranking=ranking_data(report, rank_kpi, currency),
    )


# --------------------------------------------------------------------------- the view


@dataclass
class _State:
    facts: pd.DataFrame
    raw_cube: pd.DataFrame | None = None  # money in each row's own currency
    cube: pd.DataFrame | None = None  # what reports read: see DataView._cube
    cube_fx: FxRates | None = None  # the rates `cube` was converted with
    report_fx: FxRates | None = None  # rates still to apply when reading `cube`
    events: pd.DataFrame | None = None
    last_day: dt.date | None = None
    first_day: dt.date | None = None
    names: dict[str, str] = field(default_factory=dict)
    channels: tuple[str, ...] = ()


class DataView:
    """Filtered reports, comparisons and chart series over one workspace.

    Build once per workspace; call `invalidate` when the data changes (a `Changes`
    with `kpis_dirty` or `reset`). Targets and exchange rates are read at each call,
    so changing them needs no rebuild.
    """

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._state: _State | None = None

    def invalidate(self, campaigns: frozenset[str] | None = None) -> None:
        """Forget what the data changed; with `campaigns`, only those campaigns changed.

        An edit touches one campaign (a paste a few): rebuilding only their part of the
        cube keeps an edit on a million rows interactive instead of re-summing them all.
        """
        state = self._state
        if not campaigns or state is None or state.raw_cube is None:
            self._state = None
            return
        facts = self.workspace.facts()
        keys = list(campaigns)
        part = daily_cube(facts[facts["campaign_key"].isin(keys).to_numpy()])
        raw = state.raw_cube
        kept = raw[~raw["campaign_key"].isin(keys).to_numpy()]
        state.raw_cube = pd.concat([kept, part], ignore_index=True) if len(part) else kept
        state.cube = state.cube_fx = state.report_fx = None
        state.facts = facts
        camps = self.workspace.campaigns()
        state.names = {str(k): str(v) for k, v in camps["display_name"].items()}

    def _get(self) -> _State:
        if self._state is None:
            facts = self.workspace.facts()
            dates = facts["date"].dropna() if "date" in facts else pd.Series(dtype="datetime64[ns]")
            state = _State(facts, events=self.workspace.events())
            if len(dates):
                state.first_day, state.last_day = dates.min().date(), dates.max().date()
            camps = self.workspace.campaigns()
            state.names = {str(k): str(v) for k, v in camps["display_name"].items()}
            if "channel" in facts:
                state.channels = tuple(
                    sorted(str(c) for c in pd.unique(facts["channel"].dropna()) if str(c))
                )
            self._state = state
        return self._state

    def _cube(self) -> pd.DataFrame:
        """The daily cube, with money already in the reporting currency when possible.

        Converting per report costs a per-row currency lookup in every aggregation (most
        of a dashboard refresh); when every currency has a rate the cube is converted
        once and read without rates. Otherwise it keeps its currencies, so that KPIs over
        money without a rate stay undefined with that reason.
        """
        state = self._get()
        fx = self.workspace.fx()
        if state.raw_cube is None:
            state.raw_cube = daily_cube(state.facts)
        if state.cube is None or state.cube_fx != fx:
            raw = state.raw_cube
            state.cube_fx = fx
            if "currency" in raw and not kpi.missing_currencies(raw, fx):
                converted = kpi.convert_money(raw, fx)
                state.cube = converted.drop(columns=["currency", kpi.FX_MISSING])
                state.report_fx = None
            else:
                state.cube, state.report_fx = raw, fx
        return state.cube

    def warm(self) -> None:
        """Build the cube now (after an import, before the user touches a filter)."""
        self._cube()

    # -- annotations (kept in a workspace setting: the store has no annotation table yet)
    def annotations(self) -> list[tuple[dt.date, str]]:
        return annotations(self.workspace.get_setting(ANNOTATIONS_SETTING, []))

    def add_annotation(self, day: dt.date, text: str) -> list[tuple[dt.date, str]]:
        """Save a dated note in the workspace; returns every note, sorted by date."""
        notes = [*self.annotations(), (day, text)]
        self.workspace.set_setting(
            ANNOTATIONS_SETTING, [{"date": d.isoformat(), "text": t} for d, t in sorted(notes)]
        )
        return self.annotations()

    # -- what the filter bar lists
    @property
    def data_range(self) -> tuple[dt.date, dt.date] | None:
        state = self._get()
        if state.first_day is None or state.last_day is None:
            return None
        return state.first_day, state.last_day

    def campaign_names(self) -> dict[str, str]:
        """Campaign key -> display name, in name order."""
        names = self._get().names
        return dict(sorted(names.items(), key=lambda kv: kv[1].lower()))

    def channel_names(self) -> tuple[str, ...]:
        return self._get().channels

    def period(self, selection: FilterSelection) -> tuple[dt.date, dt.date] | None:
        return resolve_period(selection, self._get().last_day)

    @staticmethod
    def is_unfiltered(selection: FilterSelection, period: object) -> bool:
        return period is None and selection.campaigns is None and selection.channels is None

    def _fx(self) -> FxRates | None:
        self._cube()
        return self._get().report_fx

    def _subset(
        self, selection: FilterSelection, *, dated: bool
    ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
        """Cube rows and events for the campaigns/channels (and with `dated`, the period)."""
        cube = self._cube()
        events = self._get().events
        period = self.period(selection) if dated else None
        start, end = period if period else (None, None)
        mask = kpi.select(
            cube, start=start, end=end, campaigns=selection.campaigns, channels=selection.channels
        )
        subset = cube if mask.all() else cube[mask.to_numpy()]
        if events is not None and (
            selection.campaigns is not None or selection.channels is not None
        ):
            emask = kpi.select(events, campaigns=selection.campaigns, channels=selection.channels)
            events = events[emask.to_numpy()]
        if events is not None and period is not None:
            events = analysis.events_in_period(
                events, pd.Timestamp(period[0]), pd.Timestamp(period[1])
            )
        return subset, events

    # -- reports
    def report(self, selection: FilterSelection, by: str = "campaign") -> KpiReport:
        """The KPI report over the selection; equal to `Workspace.report` with its filters."""
        period = self.period(selection)
        if self.is_unfiltered(selection, period):
            return self.workspace.report(by)  # cached and updated in place by the store
        subset, events = self._subset(selection, dated=True)
        return kpi.report(subset, by, events=events, fx=self._fx())

    def dashboard(
        self,
        selection: FilterSelection,
        report: KpiReport,
        *,
        targets: Mapping[str, float],
        rank_kpi: str = "roas",
        currency: str = "",
    ) -> DashboardData:
        """Cards (value, change, sparkline, status), funnel and ranking for the selection."""
        period = self.period(selection)
        subset, events = self._subset(selection, dated=False)
        comparison = None
        previous = None
        if period is not None:
            comparison = analysis.compare_periods(
                subset, period[0], period[1], events=events, fx=self._fx()
            )
            previous = (
                comparison.previous_period[0].date(),
                comparison.previous_period[1].date(),
            )
            current = subset[kpi.select(subset, start=period[0], end=period[1]).to_numpy()]
        else:
            current = subset
        spark_events = events
        if period is not None and events is not None:
            spark_events = analysis.events_in_period(
                events, pd.Timestamp(period[0]), pd.Timestamp(period[1])
            )
        days = (period[1] - period[0]).days + 1 if period else None
        if days is None and self.data_range is not None:
            first, last = self.data_range
            days = (last - first).days + 1
        freq: Freq = "W" if days and days > WEEKLY_SPARK_DAYS else "D"
        sparks = {
            k.id: analysis.time_series(current, k.id, freq, events=spark_events, fx=self._fx())
            for k in KPIS
        }
        return dashboard_data(
            report,
            comparison=comparison,
            sparks=sparks,
            targets=targets,
            rank_kpi=rank_kpi,
            currency=currency,
            period=period,
            previous=previous,
        )

    def time_chart(
        self,
        selection: FilterSelection,
        measure: str,
        freq: Freq = "D",
        split: Split = None,
        *,
        targets: Mapping[str, float] | None = None,
        currency: str = "",
    ) -> TimeChartData:
        """A KPI or field over time; more than MAX_SERIES series fold into "others"."""
        subset, events = self._subset(selection, dated=True)
        frame = analysis.time_series(subset, measure, freq, by=split, events=events, fx=self._fx())
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
            x=_epoch_seconds(frame.index),
            lines=lines,
            target=None if target is None else target * scale,
            collapsed=collapsed,
        )


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


def filter_summary(
    selection: FilterSelection,
    period: tuple[dt.date, dt.date] | None,
    campaign_names: Mapping[str, str],
    channels: Sequence[str],
) -> str:
    """`Last 30 days: 28 Oct 2026 – 26 Nov 2026 (30 days) · 2 of 6 campaigns · all channels`."""
    label = PERIOD_LABELS.get(selection.preset, selection.preset)
    parts = [period_text(period) if period is None else f"{label}: {period_text(period)}"]
    if selection.campaigns is None:
        parts.append("all campaigns")
    elif len(selection.campaigns) == 1:
        key = selection.campaigns[0]
        parts.append(campaign_names.get(key, key))
    else:
        parts.append(f"{len(selection.campaigns)} of {len(campaign_names)} campaigns")
    if selection.channels is None:
        parts.append("all channels")
    else:
        parts.append(", ".join(selection.channels) if selection.channels else "no channels")
    if len(channels) == 0 and selection.channels is None:
        parts.pop()
    return " · ".join(parts)
