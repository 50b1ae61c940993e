"""The mapped columns of a read table: which rows are data, parsed into canonical facts.

A summary table (one row per day, campaign…) becomes facts here: numbers with one decimal
style per column, dates, texts, summary and totals rows dropped, rows that cannot be placed
reported. Raw event logs take the other path, `events.aggregate_events`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa

from kpi_desktop.core.io import detect, parse
from kpi_desktop.core.io.errors import Problem
from kpi_desktop.core.io.events import facts_frame
from kpi_desktop.core.io.parse import Decimal
from kpi_desktop.core.io.presets import (
    CAMPAIGN_ID,
    CURRENCY,
    DATE_END,
    DATE_START,
    EVENT,
    TIME,
    UNMATCHED,
    USER,
    Layout,
    Preset,
)
from kpi_desktop.core.io.readers import Table
from kpi_desktop.core.io.result import ImportResult
from kpi_desktop.core.progress import Progress, check
from kpi_desktop.core.schema import (
    ADDITIVE_FIELDS,
    FIELDS,
    MONEY_FIELDS,
    NUMERIC_FIELDS,
    Kind,
    campaign_keys,
)

if TYPE_CHECKING:
    from kpi_desktop.core.io.plan import Plan

#: Problems listed per column and reason before the rest are summed up in one line.
PROBLEMS_PER_COLUMN = 100

_TEXT_TARGETS = {name for name, f in FIELDS.items() if f.kind in (Kind.DIMENSION, Kind.TEXT)}
STRING_TARGETS = _TEXT_TARGETS | {CAMPAIGN_ID, CURRENCY, USER, EVENT}
_DIMENSION_TARGETS = ("campaign", CAMPAIGN_ID, "date", "channel", "variant", "source_medium")
#: Columns whose cells merged down several rows belong to each of those rows.
FILL_DOWN_TARGETS = frozenset(
    {*_DIMENSION_TARGETS, DATE_START, DATE_END, CURRENCY, "currency", TIME, USER}
)
#: Summary labels sit in the first column (Google Ads, GA4, hand-made) or in the campaign
#: or date column (bot platforms); other columns are not worth scanning.
_LABEL_TARGETS = ("campaign", "date", CAMPAIGN_ID)
_TEXT_COLUMNS = ("campaign", "channel", "variant", "source_medium", CAMPAIGN_ID, CURRENCY)


class Collector:
    """Collects problems, at most `PROBLEMS_PER_COLUMN` per column and reason."""

    def __init__(self, sheet: str) -> None:
        self.sheet = sheet
        self.problems: list[Problem] = []
        self.notes: list[str] = []  # how figures were obtained, for the import summary

    def cells(
        self,
        rows: np.ndarray,
        mask: np.ndarray,
        column: str,
        reason: str,
        values: pa.Array | None = None,
    ) -> None:
        hits = np.flatnonzero(mask)
        shown = hits[:PROBLEMS_PER_COLUMN]
        texts = (
            values.take(pa.array(shown)).to_pylist() if values is not None and len(shown) else []
        )
        for k, i in enumerate(shown):
            detail = f": “{texts[k]}”" if texts and texts[k] is not None else ""
            self.problems.append(Problem(self.sheet, int(rows[i]), column, f"{reason}{detail}"))
        if len(hits) > len(shown):
            self.problems.append(
                Problem(self.sheet, 0, column, f"{reason} — {len(hits) - len(shown):,} more")
            )

    def skipped_lines(self, table: Table) -> None:
        """Lines of a text file that did not fit the table; footers after it are not data."""
        last_row = int(table.row_numbers[-1]) if table.num_rows else 0
        for line, text in table.skipped:
            if line > last_row or not text.strip():
                continue
            self.problems.append(
                Problem("", line, "", "row skipped: its number of cells does not match the header")
            )


@dataclass
class Columns:
    """The mapped columns of a table as read, with their header texts."""

    table: Table
    targets: dict[int, str]  # column index -> target
    header_text: dict[int, str]
    by_target: dict[str, int] = field(init=False)
    column_name: dict[str, str] = field(init=False)  # target -> header text
    dropped_rows: list[int] = field(init=False, default_factory=list)  # summaries left out

    def __post_init__(self) -> None:
        self.by_target = {t: i for i, t in self.targets.items()}
        self.column_name = {t: self.header_text[i] for i, t in self.targets.items()}

    @property
    def first_column(self) -> int:
        return min(self.header_text)

    @property
    def arrays(self) -> dict[int, pa.Array]:
        return self.table.columns

    def array(self, target: str) -> pa.Array:
        return self.table.columns[self.by_target[target]]

    @property
    def is_event_log(self) -> bool:
        """A raw event log: one row per event with a user, an event type and a time."""
        by_target = self.by_target
        return all(t in by_target for t in (USER, EVENT)) and (
            TIME in by_target or "date" in by_target
        )


def rows_to_keep(columns: Columns, preset: Preset | None) -> tuple[np.ndarray, int]:
    """Rows with a value in a mapped column, minus summary rows; and how many were summaries."""
    arrays = columns.arrays
    targets = columns.targets
    keep = np.zeros(columns.table.num_rows, dtype=bool)
    for i in targets:
        if i in arrays:
            keep |= ~arrays[i].is_null().to_numpy(zero_copy_only=False)
    first = columns.first_column
    label_columns = [
        arrays[i]
        for i in sorted({first, *targets})
        if i in arrays and (i == first or targets.get(i) in _LABEL_TARGETS)
    ]
    summary = detect.label_rows(label_columns) & keep
    dropped = int(summary.sum())
    columns.dropped_rows.extend(int(r) for r in columns.table.row_numbers[summary])
    keep &= ~summary
    if preset is not None and preset.required and preset.required in columns.by_target:
        required = arrays.get(columns.by_target[preset.required])
        if required is not None:
            keep &= ~parse.missing_mask(required)
    return keep, dropped


@dataclass
class _Parsed:
    """The mapped columns parsed, full length (one entry per table row)."""

    numbers: dict[str, np.ndarray]
    cell_currency: dict[str, str]  # field -> currency written in its cells
    dates: np.ndarray | None
    starts: np.ndarray | None
    ends: np.ndarray | None
    texts: dict[str, np.ndarray]


@dataclass(frozen=True)
class FactRows:
    """Canonical facts of a summary table, with what the import result reports of them."""

    facts: pd.DataFrame
    currency: np.ndarray  # per fact row
    starts: np.ndarray | None  # reporting period per kept row, when the file has one
    ends: np.ndarray | None
    dropped: int  # summary and totals rows left out


def build_facts(
    columns: Columns,
    layout: Layout,
    keep: np.ndarray,
    collect: Collector,
    *,
    currency: str | None,
    source_id: str,
    progress: Progress,
) -> FactRows:
    """Parse the kept rows of a summary table into canonical facts (`keep` is updated)."""
    preset = layout.preset
    hint = _decimal_hint(columns, preset)
    parsed = _parse(columns, hint, keep, collect)
    derive_matched(parsed.numbers, columns, keep, collect)
    before = keep.copy()
    dropped = _drop_totals_rows(parsed, keep, columns.table.num_rows)
    columns.dropped_rows.extend(int(r) for r in columns.table.row_numbers[before & ~keep])
    _drop_undated(columns, parsed.dates, keep, collect)
    rows = np.flatnonzero(keep)
    check(progress, 0.85, "Building facts")
    frame = _frame(parsed, preset, rows)
    per_row = _currency(currency, layout, columns.by_target, parsed, rows)
    frame["currency"] = per_row
    frame["source_id"] = np.full(len(rows), source_id, dtype=object)
    starts = parsed.starts[rows] if parsed.starts is not None else None
    ends = parsed.ends[rows] if parsed.ends is not None else None
    return FactRows(facts_frame(frame), per_row, starts, ends, dropped)


def _decimal_hint(columns: Columns, preset: Preset | None) -> Decimal | None:
    """The file's decimal style: the preset's, else the numeric columns' majority."""
    hint: Decimal | None = preset.decimal if preset else None
    if hint is None:
        us = eu = 0
        for t in columns.by_target:
            if t in NUMERIC_FIELDS:
                a, b = parse.decimal_evidence(columns.array(t))
                us, eu = us + a, eu + b
        hint = "eu" if eu > us else "us" if us > eu else None
    return hint


def _parse(columns: Columns, hint: Decimal | None, keep: np.ndarray, collect: Collector) -> _Parsed:
    """Numbers (one decimal style per column, `hint` for undecided ones), dates, texts."""
    row_numbers = columns.table.row_numbers
    numbers: dict[str, np.ndarray] = {}
    cell_currency: dict[str, str] = {}
    for t in (t for t in columns.by_target if t in NUMERIC_FIELDS or t == UNMATCHED):
        # A % in a count column is read as written; the user sees it in the preview.
        number = parse.parse_number(columns.array(t), hint)
        collect.cells(
            row_numbers, number.bad & keep, columns.column_name[t], "not a number", columns.array(t)
        )
        numbers[t] = number.values
        if number.currency:
            cell_currency[t] = number.currency
    dayfirst = hint == "eu"

    def dates(target: str) -> np.ndarray | None:
        if target not in columns.by_target:
            return None
        return parse.parse_date(columns.array(target), dayfirst).values

    texts: dict[str, np.ndarray] = {}
    for t in (*_TEXT_COLUMNS, "currency"):
        if t in columns.by_target:
            texts[t] = parse.parse_text(columns.array(t))
    if "currency" in texts:  # a column named after the canonical field is the per-row code
        texts.setdefault(CURRENCY, texts.pop("currency"))
    return _Parsed(numbers, cell_currency, dates("date"), dates(DATE_START), dates(DATE_END), texts)


def derive_matched(
    numbers: dict[str, np.ndarray], columns: Columns, keep: np.ndarray, collect: Collector
) -> None:
    """Matched responses = messages received − unmatched (fallback, default-reply…) messages,
    for bot exports that count the misses instead of the matches; said in the notes."""
    unmatched = numbers.pop(UNMATCHED, None)
    if unmatched is None or "matched_responses" in numbers:
        return
    missed = columns.column_name[UNMATCHED]
    if "total_messages" not in numbers:
        collect.notes.append(
            f"Matched responses cannot be derived from “{missed}”: the file has no column of "
            "messages received, so the matched response rate is — (no data)."
        )
        return
    received = numbers["total_messages"]
    matched = received - unmatched
    negative = matched < 0
    collect.cells(
        columns.table.row_numbers,
        negative & keep,
        missed,
        "more unmatched than received messages: matched responses left empty",
    )
    numbers["matched_responses"] = np.where(negative, np.nan, matched)
    collect.notes.append(
        f"Matched responses derived: “{columns.column_name['total_messages']}” − “{missed}” "
        "(the file has no column of matched messages)."
    )


def _drop_totals_rows(parsed: _Parsed, keep: np.ndarray, n: int) -> int:
    """Totals rows without a label: first or last row, dimensions empty, numbers = sums."""
    dims_empty = np.ones(n, dtype=bool)
    for t in _DIMENSION_TARGETS:
        if t == "date" and parsed.dates is not None:
            dims_empty &= np.isnat(parsed.dates)
        elif t in parsed.texts:
            dims_empty &= parsed.texts[t] == ""
    additive = {t: v for t, v in parsed.numbers.items() if t in ADDITIVE_FIELDS}
    kept = np.flatnonzero(keep)
    dropped = 0
    if len(kept) > 1:
        for row in (int(kept[0]), int(kept[-1])):
            if keep[row] and detect.is_totals_row(row, dims_empty, additive, keep):
                keep[row] = False
                dropped += 1
    return dropped


def _drop_undated(
    columns: Columns, dates: np.ndarray | None, keep: np.ndarray, collect: Collector
) -> None:
    """Rows that cannot be placed: a date that is not a date, or none in a daily table."""
    if dates is None:
        return
    row_numbers = columns.table.row_numbers
    name = columns.column_name["date"]
    array = columns.array("date")
    bad_date = np.isnat(dates) & keep & ~parse.missing_mask(array)
    collect.cells(row_numbers, bad_date, name, "row skipped: not a date", array)
    keep &= ~bad_date
    no_date = np.isnat(dates) & keep
    if no_date.any() and (~np.isnat(dates) & keep).any():
        collect.cells(row_numbers, no_date, name, "row skipped: no date")
        keep &= ~no_date


def _frame(parsed: _Parsed, preset: Preset | None, rows: np.ndarray) -> dict[str, object]:
    """The kept rows' canonical columns (currency and source id are added by the caller)."""
    frame: dict[str, object] = {}
    if parsed.dates is not None:
        frame["date"] = parse.to_day(parsed.dates[rows])
    elif parsed.starts is not None:
        s = parse.to_day(parsed.starts[rows])
        e = parse.to_day(parsed.ends[rows]) if parsed.ends is not None else s
        # One day reported (starts == ends) is that day; a longer range is a range row
        # that covers [starts, ends] (DESIGN section 4, "Coverage").
        frame["date"] = np.where(s == e, s, np.datetime64("NaT"))
        frame["first_day"], frame["last_day"] = s, e
    texts = parsed.texts
    campaign = texts.get("campaign")
    if campaign is not None:
        campaign = campaign[rows]
        if preset is not None and preset.pseudo_campaigns:
            lowered = pd.Series(campaign, dtype=object).str.lower().to_numpy(dtype=object)
            pseudo = np.isin(lowered, list(preset.pseudo_campaigns))
            campaign = np.where(pseudo, "", campaign).astype(object)
        frame["campaign"] = campaign
        frame["campaign_key"] = _keys(campaign)
    for t in ("channel", "variant", "source_medium"):
        if t in texts:
            frame[t] = texts[t][rows]
    if "channel" not in frame and preset is not None and preset.channel:
        frame["channel"] = np.full(len(rows), preset.channel, dtype=object)
    for t, values in parsed.numbers.items():
        column = values[rows]
        if preset is not None and t in preset.blank_is_zero:
            column = np.where(np.isnan(column), 0.0, column)
        frame[t] = column
    return frame


def _keys(names: np.ndarray) -> np.ndarray:
    """Campaign keys computed once per distinct name."""
    codes, uniques = pd.factorize(pd.Series(names, dtype=object))
    if not len(uniques):
        return np.array([""] * len(names), dtype=object)
    keys = campaign_keys(pd.Series(np.asarray(uniques, dtype=object), dtype=object))
    out: np.ndarray = np.asarray(keys.to_numpy(dtype=object))[codes]
    return out


def _currency(
    chosen: str | None,
    layout: Layout,
    by_target: dict[str, int],
    parsed: _Parsed,
    rows: np.ndarray,
) -> np.ndarray:
    """Currency per row: the row's currency column, else the header's, else the cells'."""
    fallback = chosen or ""
    if not fallback:
        for t in MONEY_FIELDS:
            if t in by_target and by_target[t] in layout.header_currency:
                fallback = layout.header_currency[by_target[t]]
                break
    if not fallback:
        cells = parsed.cell_currency
        fallback = next((cells[t] for t in MONEY_FIELDS if t in cells), "")
    if CURRENCY in parsed.texts and not chosen:
        column = pd.Series(parsed.texts[CURRENCY][rows], dtype=object).str.strip().str.upper()
        codes: np.ndarray = column.where(column != "", fallback).to_numpy(dtype=object)
        return codes
    return np.full(len(rows), fallback, dtype=object)


def with_details(
    result: ImportResult, plan: Plan, columns: Columns, collect: Collector
) -> ImportResult:
    """`result` with the notes, where its headers and preview rows sit, and the rows left out."""
    return replace(
        result,
        notes=[*result.notes, *collect.notes],
        header_columns=sorted(plan.header.columns),
        preview_rows=list(plan.head.row_numbers[: len(result.preview)]),
        dropped_rows=sorted(set(columns.dropped_rows)),
    )
