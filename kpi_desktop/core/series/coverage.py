"""What a date filter left out, and where a KPI's inputs cover different days.

Every fact covers a day range (`schema.COVERAGE`); `kpi.select` keeps a row under a date
filter only when that range lies inside the filter (DESIGN section 4, "Coverage"). This
module says what that cost, in words a marketer can act on: which source's rows a filter
cut (with the range they cover and the KPIs that lost inputs), which rows have no date at
all (they count only under "All dates"), and which KPIs set a numerator over some days
against a denominator over others. Nothing here is pro-rated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpi_desktop.core import kpi
from kpi_desktop.core.kpi import KPIS, Kpi
from kpi_desktop.core.schema import ADJUSTMENT_SOURCE, FIELDS, INPUT_FIELDS
from kpi_desktop.core.series.selection import day_text

Period = tuple[dt.date | None, dt.date | None]
#: At most this many day ranges are named in one sentence.
MAX_RANGES = 3


@dataclass(frozen=True)
class LeftOut:
    """Rows of one source that a date filter left out (or that cover no day at all)."""

    source: str  # the source as the user knows it (file name or label)
    first: dt.date | None  # the days its rows cover; None when they cover none
    last: dt.date | None
    fields: tuple[str, ...]  # input fields those rows hold values of

    @property
    def range_text(self) -> str:
        if self.first is None or self.last is None:
            return "no dates"
        return range_text(self.first, self.last)

    def sentence(self, *, counted: bool = False) -> str:
        """One sentence; `counted`: the rows count (no date filter) and are only flagged."""
        if self.first is None:
            tail = "they count only under All dates" if counted else "left out of any date range"
            return f"{self.source} has rows without a date or reporting range: {tail}."
        return (
            f"{self.source} covers {self.range_text} as one range, which this date filter "
            "cuts: left out, never pro-rated."
        )

    def cut_by(self, period: tuple[dt.date, dt.date] | None) -> bool:
        """Whether `period` cuts this range (overlaps it without holding all of it)."""
        if period is None or self.first is None or self.last is None:
            return False
        start, end = period
        overlaps = self.first <= end and self.last >= start
        return overlaps and not (start <= self.first and self.last <= end)

    def touches(self, k: Kpi) -> bool:
        return bool(set(self.fields) & set(k.fields))


@dataclass(frozen=True)
class Coverage:
    """What the coverage rule did to one selection."""

    left_out: tuple[LeftOut, ...] = ()  # cut by the date filter, or undated under one
    undated: tuple[LeftOut, ...] = ()  # counted (no date filter) although they cover no day
    mismatch: Mapping[str, str] = field(default_factory=dict)  # KPI id -> sentence

    def for_kpi(self, k: Kpi) -> tuple[str, ...]:
        """Sentences about the inputs `k` lost (or counts without dates)."""
        lost = [e.sentence() for e in self.left_out if e.touches(k)]
        lost += [e.sentence(counted=True) for e in self.undated if e.touches(k)]
        return tuple(lost)

    def warnings(self) -> list[str]:
        """Every sentence, each naming the KPIs concerned (for the command line)."""
        out = []
        for entries, counted in ((self.left_out, False), (self.undated, True)):
            for entry in entries:
                names = [k.name for k in KPIS if entry.touches(k)]
                affects = f" Affects: {', '.join(names)}." if names else ""
                out.append(entry.sentence(counted=counted) + affects)
        out += [f"{kpi.KPI_BY_ID[i].name}: {text}" for i, text in self.mismatch.items()]
        return out


def source_names(sources: Iterable[object]) -> dict[str, str]:
    """Source id -> how a note names it: its label with its file name, e.g.
    `GA4 (traffic.csv)`, for the workspace's stored sources."""
    out = {}
    for source in sources:
        sid, label, file = (str(getattr(source, a, "") or "") for a in ("id", "label", "file_name"))
        if label and file and label != file:
            out[sid] = f"{label} ({file})"
        else:
            out[sid] = label or file or sid
    out.setdefault(ADJUSTMENT_SOURCE, "A typed campaign total")
    return out


def range_text(first: dt.date, last: dt.date) -> str:
    """`3 Mar 2025 – 5 Mar 2025`, or one day."""
    return day_text(first) if first == last else f"{day_text(first)} – {day_text(last)}"


def coverage(
    facts: pd.DataFrame,
    period: Period | None,
    labels: Mapping[str, str] | None = None,
) -> Coverage:
    """What `period` leaves out of `facts` (already filtered by campaign and channel), and
    the KPIs whose inputs cover different days in what it keeps."""
    names = dict(labels or {})
    if "first_day" not in facts or not len(facts):
        return Coverage()
    first, last = facts["first_day"], facts["last_day"]
    bare = first.isna() | last.isna()
    if "source_id" in facts:
        bare &= facts["source_id"] != ADJUSTMENT_SOURCE
    if period is None:
        undated = _by_source(facts[bare.to_numpy()], names)
        return Coverage(undated=undated, mismatch=mismatches(facts))
    if period[0] is None and period[1] is None:
        return coverage(facts, None, labels)
    start = pd.Timestamp(period[0]) if period[0] is not None else pd.Timestamp.min
    end = pd.Timestamp(period[1]) if period[1] is not None else pd.Timestamp.max
    inside = kpi.select(facts, start=period[0], end=period[1]).to_numpy()
    overlaps = ((first <= end) & (last >= start)).to_numpy()
    cut = overlaps & ~inside
    left = _by_source(facts[cut], names) + _by_source(facts[bare.to_numpy()], names)
    return Coverage(left_out=left, mismatch=mismatches(facts[inside]))


def _by_source(rows: pd.DataFrame, names: Mapping[str, str]) -> tuple[LeftOut, ...]:
    """One entry per source: the days its rows cover and the fields they hold."""
    if not len(rows):
        return ()
    sources = rows["source_id"] if "source_id" in rows else pd.Series("", index=rows.index)
    out = []
    for source, part in rows.groupby(sources.to_numpy(), sort=True):
        held = tuple(f for f in INPUT_FIELDS if f in part and part[f].notna().any())
        if not held:
            continue
        lo, hi = part["first_day"].min(), part["last_day"].max()
        covered = not (pd.isna(lo) or pd.isna(hi))
        out.append(
            LeftOut(
                names.get(str(source), str(source) or "a source"),
                lo.date() if covered else None,
                hi.date() if covered else None,
                held,
            )
        )
    return tuple(out)


def mismatches(facts: pd.DataFrame, kpis: Iterable[Kpi] = KPIS) -> dict[str, str]:
    """KPI id -> sentence, for each KPI whose numerator and denominator inputs cover
    different days in `facts` (rows that cover no day are left aside: flagged apart)."""
    if "first_day" not in facts or not len(facts):
        return {}
    cache: dict[str, list[tuple[int, int]]] = {}

    def days(names: Sequence[str]) -> list[tuple[int, int]]:
        parts = []
        for name in names:
            if name not in cache:
                cache[name] = _covered(facts, name)
            parts += cache[name]
        return _union(parts)

    out: dict[str, str] = {}
    for k in kpis:
        top, bottom = days((k.numerator, *k.addends)), days((k.denominator,))
        if top and bottom and top != bottom:
            out[k.id] = (
                f"{_label(k.numerator)} covers {_days_text(top)} but {_label(k.denominator)} "
                f"covers {_days_text(bottom)}: the numerator and denominator cover different days."
            )
    return out


def _label(name: str) -> str:
    return FIELDS[name].label.lower() if name in FIELDS else name


def _covered(facts: pd.DataFrame, name: str) -> list[tuple[int, int]]:
    """The day ranges (days since the epoch, inclusive) of the rows holding `name`."""
    if name not in facts:
        return []
    held = facts[name].notna().to_numpy()
    first = facts["first_day"].to_numpy(dtype="datetime64[D]")[held]
    last = facts["last_day"].to_numpy(dtype="datetime64[D]")[held]
    ok = ~(np.isnat(first) | np.isnat(last))
    if not ok.any():
        return []
    pairs = np.unique(
        np.stack([first[ok].astype(np.int64), last[ok].astype(np.int64)], axis=1), axis=0
    )
    return _union([(int(a), int(b)) for a, b in pairs])


def _union(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, merged day ranges (adjacent days join)."""
    merged: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if merged and a <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _days_text(ranges: list[tuple[int, int]]) -> str:
    epoch = dt.date(1970, 1, 1)
    texts = [
        range_text(epoch + dt.timedelta(days=a), epoch + dt.timedelta(days=b))
        for a, b in ranges[:MAX_RANGES]
    ]
    more = len(ranges) - MAX_RANGES
    return ", ".join(texts) + (f" and {more} more ranges" if more > 0 else "")


def coverage_warnings(
    facts: pd.DataFrame,
    start: dt.date | None,
    end: dt.date | None,
    labels: Mapping[str, str] | None = None,
    *,
    campaigns: Sequence[str] | None = None,
    channels: Sequence[str] | None = None,
) -> list[str]:
    """`Coverage.warnings` of a report over `facts` (all of a workspace's) with filters."""
    if campaigns is not None or channels is not None:
        facts = facts[kpi.select(facts, campaigns=campaigns, channels=channels).to_numpy()]
    period = None if start is None and end is None else (start, end)
    return coverage(facts, period, labels).warnings()


def ranges_of(rows: pd.DataFrame, labels: Mapping[str, str] | None = None) -> tuple[LeftOut, ...]:
    """One entry per source and distinct range of `rows` (range rows)."""
    names = dict(labels or {})
    if not len(rows):
        return ()
    out = []
    keys = [rows["source_id"].to_numpy(), rows["first_day"].to_numpy(), rows["last_day"].to_numpy()]
    for (source, first, last), part in rows.groupby(keys, sort=True):
        held = tuple(f for f in INPUT_FIELDS if f in part and part[f].notna().any())
        label = names.get(str(source), str(source) or "a source")
        out.append(LeftOut(label, pd.Timestamp(first).date(), pd.Timestamp(last).date(), held))
    return tuple(out)
