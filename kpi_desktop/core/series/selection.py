"""What the filter bar selects (period preset, campaigns, channels) and how it reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kpi_desktop.core import analysis

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
#: A new workspace opens on all its data: a preset could cut a source's reporting range.
DEFAULT_PRESET = ALL
#: Workspace setting keys (values are JSON).
FILTER_SETTING = "filter"
ANNOTATIONS_SETTING = "annotations"


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


def parse_annotations(value: object) -> list[tuple[dt.date, str]]:
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
