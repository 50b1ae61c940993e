"""Import one export file into canonical facts: the entry point of `core.io`.

`import_file(path, options, progress)` checks the file, picks the sheet with the table,
finds the header below any preamble, recognises the platform preset (or guesses from
header words), reads only the mapped columns in one pass, parses them vectorised, drops
summary and footer rows, and returns canonical facts (and, for raw event logs, the
distinct event users) with every rejected row or cell listed as a `Problem`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from kpi_desktop.core.io import detect, presets
from kpi_desktop.core.io.columns import (
    FILL_DOWN_TARGETS,
    STRING_TARGETS,
    Collector,
    Columns,
    build_facts,
    rows_to_keep,
    with_details,
)
from kpi_desktop.core.io.errors import FileUnreadable, Problem
from kpi_desktop.core.io.events import EventColumns, aggregate_events
from kpi_desktop.core.io.plan import Plan, choose_plan, plan_sheet, sheet_name
from kpi_desktop.core.io.presets import EVENT, MATCHED, TIME, USER
from kpi_desktop.core.io.readers import (
    MAX_UNCOMPRESSED,
    ColumnType,
    Kind,
    Source,
    TextFile,
    Workbook,
    check_zip_declared,
    check_zip_inflated,
    fill_merged,
    read_head_bytes,
    sniff_kind,
)
from kpi_desktop.core.io.result import ImportResult
from kpi_desktop.core.progress import NullProgress, Progress, check


@dataclass
class ImportOptions:
    """Choices the user made in the import dialog, passed back for a re-read.

    `mapping` (header text -> target or None) applies when `layout_signature` is None or
    equals the file's layout signature, so a mapping remembered for one layout is not
    forced onto another. `header_row` is a 1-based row/line number.
    """

    sheet: str | int | None = None
    mapping: dict[str, str | None] | None = None
    layout_signature: str | None = None
    preset: str | None = None
    header_row: int | None = None
    currency: str | None = None
    source_id: str | None = None
    max_uncompressed_bytes: int = MAX_UNCOMPRESSED


@dataclass(frozen=True)
class _File:
    """The file being imported and what is known of it before its table is parsed."""

    path: Path
    sheets: list[str]
    sha256: Callable[[], str]  # waits for the hash computed beside the read


@dataclass(frozen=True)
class _Outcome:
    """What parsing produced, before it is wrapped into an `ImportResult`."""

    facts: pd.DataFrame
    events: pd.DataFrame | None
    problems: list[Problem]
    supplies: frozenset[str]
    period: tuple[dt.date | None, dt.date | None]
    currency: np.ndarray  # per fact row
    dropped: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def import_file(
    path: str | os.PathLike[str],
    options: ImportOptions | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import one file; raise `FileUnreadable` (a ValueError) when it cannot be read at all.

    Args:
        path: an .xlsx/.xlsm/.xls/.ods workbook or a .csv/.tsv/.txt text file.
        options: sheet, mapping, preset or header overrides from the import dialog.
        progress: receives fractions 0..1; when `cancelled`, the import raises
            `kpi_desktop.core.progress.Cancelled` and changes nothing.

    Returns:
        An `ImportResult` with canonical facts, the events frame of a raw event log, and
        the rows and cells that were rejected.
    """
    options = options or ImportOptions()
    progress = progress or NullProgress()
    file = Path(path)
    check(progress, 0.0, f"Opening {file.name}")
    head_bytes = read_head_bytes(file)
    kind = sniff_kind(file, head_bytes)
    parts = None
    if kind in ("xlsx", "ods"):
        parts = check_zip_declared(file, options.max_uncompressed_bytes)
    with ThreadPoolExecutor(max_workers=2) as pool:
        # Hashing and proving the archive's sizes run beside the parse: hashlib, zlib and
        # calamine all release the GIL. The parse reads no part past its declared size
        # (checked above), so a lying archive costs no memory before it is refused.
        digest = pool.submit(_sha256, file)
        inflated = None if parts is None else pool.submit(check_zip_inflated, file, parts)
        try:
            result = _parse(file, kind, head_bytes, options, progress, digest.result)
        except Exception:
            if inflated is not None:
                inflated.result()  # a refused archive says more than the parse error
            raise
        if inflated is not None:
            inflated.result()
    check(progress, 1.0, "Imported")
    return result


def _parse(
    file: Path,
    kind: Kind,
    head_bytes: bytes,
    options: ImportOptions,
    progress: Progress,
    sha256: Callable[[], str],
) -> ImportResult:
    """Open `file` as its kind, find the table and import it."""
    source: Source = (
        TextFile(file, head_bytes)
        if kind == "csv"
        else Workbook(file, kind, options.max_uncompressed_bytes)
    )
    known = _File(file, list(source.sheets), sha256)
    check(progress, 0.05, "Looking for the table")
    plan = _find_table(source, known, options)
    check(progress, 0.1, "Reading")
    return _import_plan(source, plan, options, progress, known)


def _find_table(source: Source, file: _File, options: ImportOptions) -> Plan:
    """The plan of the chosen sheet (or the likeliest), or a clear error."""
    name = file.path.name

    def plan(sheet: str) -> Plan | None:
        return plan_sheet(
            source,
            sheet,
            options.header_row,
            options.preset,
            options.mapping,
            options.layout_signature,
        )

    if options.sheet is not None:
        sheet = sheet_name(file.sheets, options.sheet, file.path)
        found = plan(sheet)
        if found is None:
            raise FileUnreadable(f"Sheet “{sheet}” of “{name}” has no table.", str(file.path))
    else:
        found = choose_plan([plan(sheet) for sheet in file.sheets])
        if found is None:
            raise FileUnreadable(
                f"“{name}” is empty: no table with column headers was found.", str(file.path)
            )
    if not found.has_rows_below and found.head.estimated_rows <= found.header_row:
        raise FileUnreadable(f"“{name}” has column headers but no data rows.", str(file.path))
    return found


def _read_columns(source: Source, plan: Plan) -> Columns:
    """Read the mapped columns (and the first, for summary labels) below the header."""
    targets = dict(plan.layout.targets)
    header_text = plan.header.columns
    first_column = min(header_text)
    types: dict[int, ColumnType] = {
        i: "string" if t in STRING_TARGETS else "guess" for i, t in targets.items()
    }
    types[first_column] = (
        "string"
        if first_column not in targets or targets[first_column] in STRING_TARGETS
        else types[first_column]
    )
    if isinstance(source, TextFile):
        width = max(len(plan.head.rows[plan.header.index]), max(types, default=0) + 1)
        table = source.read(plan.header_row, width, types)
    else:
        table = source.read(plan.sheet, plan.header_row, types)
        fill = [i for i, t in targets.items() if t in FILL_DOWN_TARGETS]
        table = fill_merged(table, source.merges(plan.sheet), fill)
    return Columns(table, targets, header_text)


def _import_plan(
    source: Source, plan: Plan, options: ImportOptions, progress: Progress, file: _File
) -> ImportResult:
    layout = plan.layout
    columns = _read_columns(source, plan)
    # The file's hash (computed beside the read) names the source unless the caller did;
    # known now, it is stamped once as the rows are built.
    source_id = options.source_id or f"{layout.preset_id}:{file.sha256()[:12]}"
    check(progress, 0.7, "Parsing")
    collect = Collector(plan.sheet if isinstance(source, Workbook) else "")
    collect.skipped_lines(columns.table)
    keep, dropped = rows_to_keep(columns, layout.preset)
    if columns.is_event_log:
        outcome = _events_outcome(columns, keep, collect, options.currency, source_id)
    else:
        outcome = _facts_outcome(plan, columns, keep, collect, options, source_id, progress)
    result = _result(plan, file, source_id, options.currency, outcome, dropped)
    return with_details(result, plan, columns, collect)


def _facts_outcome(
    plan: Plan,
    columns: Columns,
    keep: np.ndarray,
    collect: Collector,
    options: ImportOptions,
    source_id: str,
    progress: Progress,
) -> _Outcome:
    """A summary table's facts (`keep` loses the totals and undated rows)."""
    built = build_facts(
        columns,
        plan.layout,
        keep,
        collect,
        currency=options.currency,
        source_id=source_id,
        progress=progress,
    )
    period = _period(plan, built.facts, built.starts, built.ends)
    _cover_undated(built.facts, period)
    supplies = presets.supplies_of(columns.targets)
    return _Outcome(
        built.facts, None, collect.problems, supplies, period, built.currency, built.dropped
    )


def _period(
    plan: Plan, facts: pd.DataFrame, starts: np.ndarray | None, ends: np.ndarray | None
) -> tuple[dt.date | None, dt.date | None]:
    """The reporting period: the preamble's, else the period columns', else the dates'."""
    pre_start, pre_end = detect.preamble_period(plan.head.rows[: plan.header.index])
    if pre_start is not None or pre_end is not None:
        return pre_start, pre_end
    if starts is not None and len(starts):
        e = ends if ends is not None else starts
        if (~np.isnat(starts)).any():
            return _as_date(np.nanmin(starts)), _as_date(np.nanmax(e))
    dates = facts["date"].dropna()
    if len(dates):
        return dates.min().date(), dates.max().date()
    return None, None


def _cover_undated(facts: pd.DataFrame, period: tuple[dt.date | None, dt.date | None]) -> None:
    """Rows with neither a day nor a range of their own cover the file's reporting period
    (a GA4 report without a date dimension names it in its preamble), in place."""
    start, end = period
    if start is None or end is None or not len(facts):
        return
    bare = (facts["first_day"].isna() & facts["date"].isna()).to_numpy()
    if bare.any():
        facts.loc[bare, "first_day"] = pd.Timestamp(start)
        facts.loc[bare, "last_day"] = pd.Timestamp(end)


def _as_date(value: np.datetime64) -> dt.date | None:
    if np.isnat(value):
        return None
    day: dt.date = value.astype("datetime64[D]").astype(dt.date)
    return day


def _events_outcome(
    columns: Columns,
    keep: np.ndarray,
    collect: Collector,
    currency: str | None,
    source_id: str,
) -> _Outcome:
    """A raw event log's daily facts and distinct users."""
    rows = np.flatnonzero(keep)
    take = pa.array(rows) if len(rows) != len(keep) else None

    def col(target: str) -> pa.Array | None:
        if target not in columns.by_target:
            return None
        array = columns.array(target)
        return array.take(take) if take is not None else array

    time = col(TIME) if TIME in columns.by_target else col("date")
    user, event = col(USER), col(EVENT)
    assert time is not None
    assert user is not None
    assert event is not None
    log = EventColumns(
        time=time,
        user=user,
        event=event,
        row_numbers=columns.table.row_numbers[rows],
        campaign=col("campaign"),
        channel=col("channel"),
        variant=col("variant"),
        matched=col(MATCHED),
    )
    facts, events, problems = aggregate_events(
        log, source_id=source_id, sheet=collect.sheet, headers=dict(columns.column_name)
    )
    collect.problems.extend(problems)
    if currency:
        facts["currency"] = pd.Series(np.full(len(facts), currency, dtype=object), dtype=object)
    dates = facts["date"].dropna()
    period = (dates.min().date(), dates.max().date()) if len(dates) else (None, None)
    per_row = np.full(len(facts), currency or "", dtype=object)
    supplies = presets.supplies_of(list(columns.by_target), "events")
    return _Outcome(facts, events, collect.problems, supplies, period, per_row, 0)


def _result(
    plan: Plan,
    file: _File,
    source_id: str,
    chosen_currency: str | None,
    outcome: _Outcome,
    dropped: int,
) -> ImportResult:
    layout = plan.layout
    preset = layout.preset
    values = pd.Series(outcome.currency, dtype=object)
    values = values[values != ""]
    main_currency = str(values.mode().iloc[0]) if len(values) else (chosen_currency or "")
    return ImportResult(
        facts=outcome.facts,
        events=outcome.events,
        problems=outcome.problems,
        preset=layout.preset_id,
        mapping=dict(layout.mapping),
        supplies=outcome.supplies,
        sheet=plan.sheet,
        sheets=file.sheets,
        header_row=plan.header_row,
        preview=plan.preview,
        sha256=file.sha256(),
        file_name=file.path.name,
        currency=main_currency,
        layout_signature=plan.signature,
        source_id=source_id,
        role=presets.PRESET_ROLES.get(layout.preset_id, "other"),
        label=preset.label if preset else presets.PRESET_LABELS.get(layout.preset_id, ""),
        period=outcome.period,
        headers=[plan.header.columns[i] for i in sorted(plan.header.columns)],
        summary_rows_dropped=dropped + outcome.dropped,
    )
