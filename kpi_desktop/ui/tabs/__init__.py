"""One module per main-window tab, and the context every tab gets with a report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kpi_desktop.core.series import DataView, FilterSelection


@dataclass(frozen=True)
class ReportContext:
    """What a tab needs besides the `KpiReport` itself: names, period, currency, targets."""

    workspace_name: str = ""
    currency: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    fact_rows: int = 0
    #: the bundled sample, not the user's data: tabs say so
    is_sample: bool = False
    #: workspace-wide targets: KPI id -> target in internal units (fractions for rates)
    targets: Mapping[str, float] = field(default_factory=dict)
    #: campaign key -> the user's note on it
    notes: Mapping[str, str] = field(default_factory=dict)
    #: the filter bar's choice; `start`/`end` above are its resolved dates
    selection: FilterSelection | None = None
    #: the whole filter as one line, for headings and exports:
    #: "Last 30 days: 28 Oct 2026 – 26 Nov 2026 (30 days) · all campaigns · all channels"
    filter_text: str = ""
    #: filtered comparisons and chart series over the workspace (None in bare tests)
    data: DataView | None = None

    @property
    def period_text(self) -> str:
        """`29 Aug 2026 – 26 Nov 2026 (90 days)`, or a plain phrase without dates."""
        if self.start is None or self.end is None:
            return "All dates"
        days = (self.end - self.start).days + 1
        plural = "day" if days == 1 else "days"
        return f"{_day(self.start)} – {_day(self.end)} ({days:,} {plural})"


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"  # no %-d: it is not portable to Windows
