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
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from kpi_desktop.core.io import detect, parse, presets
from kpi_desktop.core.io.errors import FileUnreadable, Problem
from kpi_desktop.core.io.events import EventColumns, aggregate_events, facts_frame
from kpi_desktop.core.io.presets import (
    CAMPAIGN_ID,
    CURRENCY,
    DATE_END,
    DATE_START,
    EVENT,
    MATCHED,
    TIME,
    USER,
    Layout,
    Preset,
)
from kpi_desktop.core.io.readers import (
    MAX_UNCOMPRESSED,
    ColumnType,
    Head,
    Table,
    TextFile,
    Workbook,
    check_zip,
    fill_merged,
    read_head_bytes,
    sniff_kind,
)
from kpi_desktop.core.progress import NullProgress, Progress, check
from kpi_desktop.core.schema import (
    ADDITIVE_FIELDS,
    FIELDS,
    MONEY_FIELDS,
    NUMERIC_FIELDS,
    Kind,
    campaign_keys,
)

PREVIEW_ROWS = 50
#: Problems listed per column and reason before the rest are summed up in one line.
PROBLEMS_PER_COLUMN = 100

_TEXT_TARGETS = {name for name, f in FIELDS.items() if f.kind in (Kind.DIMENSION, Kind.TEXT)}
_STRING_TARGETS = _TEXT_TARGETS | {CAMPAIGN_ID, CURRENCY, USER, EVENT}
_DIMENSION_TARGETS = ("campaign", CAMPAIGN_ID, "date", "channel", "variant", "source_medium")
#: Columns whose cells merged down several rows belong to each of those rows.
_FILL_DOWN_TARGETS = frozenset(
    {*_DIMENSION_TARGETS, DATE_START, DATE_END, CURRENCY, "currency", TIME, USER}
)


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


@dataclass
class ImportResult:
    """Everything one import produced; nothing is stored yet."""

    facts: pd.DataFrame
    events: pd.DataFrame | None
    problems: list[Problem]
    preset: str
    mapping: dict[str, str | None]
    supplies: frozenset[str]
    sheet: str
    sheets: list[str]
    header_row: int
    preview: list[list[object]]
    sha256: str
    file_name: str
    currency: str
    layout_signature: str = ""
    source_id: str = ""
    role: str = "other"
    label: str = ""
    period: tuple[dt.date | None, dt.date | None] = (None, None)
    headers: list[str] = field(default_factory=list)
    summary_rows_dropped: int = 0

    @property
    def kind(self) -> str:
        return "events" if self.events is not None else "facts"


@dataclass
class _Plan:
    sheet: str
    head: Head
    header: detect.HeaderGuess
    layout: Layout
    signature: str

    @property
    def header_row(self) -> int:
        return self.head.row_numbers[self.header.index]

    @property
    def has_rows_below(self) -> bool:
        below = self.head.rows[self.header.index + 1 :]
        return any(any(c not in (None, "") for c in row) for row in below)


def layout_signature(headers: Mapping[int, str]) -> str:
    """A short hash of the header cells, to remember a user's mapping per layout."""
    text = "\x1f".join(presets.normalize_header(headers[i])[0] for i in sorted(headers))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _plan(source: Workbook | TextFile, sheet: str, options: ImportOptions) -> _Plan | None:
    head = source.head(sheet)
    if options.header_row is not None and options.header_row in head.row_numbers:
        index = head.row_numbers.index(options.header_row)
        row = head.rows[index]
        columns = {j: str(c).strip() for j, c in enumerate(row) if c not in (None, "")}
        guess: detect.HeaderGuess | None = detect.HeaderGuess(index, columns, 0)
    else:
        guess = detect.find_header(head.rows)
    if guess is None:
        return None
    if isinstance(source, Workbook):
        guess = detect.join_group_labels(guess, head.rows, head.row_numbers, source.merges(sheet))
    signature = layout_signature(guess.columns)
    user_mapping = options.mapping
    if options.layout_signature is not None and options.layout_signature != signature:
        user_mapping = None
    layout = presets.resolve(guess.columns, options.preset, user_mapping)
    return _Plan(sheet, head, guess, layout, signature)


def _choose(plans: list[_Plan | None]) -> _Plan | None:
    def score(item: tuple[int, _Plan | None]) -> tuple[int, int, int, int]:
        index, plan = item
        if plan is None:
            return (0, 0, 0, -index)
        return (
            1,
            int(plan.has_rows_below),
            int(plan.layout.preset_id != "generic") + int(bool(plan.layout.targets)),
            -index,
        )

    best = max(enumerate(plans), key=score, default=(0, None))
    return best[1]


def _preview(head: Head) -> list[list[object]]:
    return [
        [c.isoformat(sep=" ") if isinstance(c, dt.datetime) else c for c in row]
        for row in head.rows[:PREVIEW_ROWS]
    ]


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
    if kind in ("xlsx", "ods"):
        check_zip(file, options.max_uncompressed_bytes)
    with ThreadPoolExecutor(max_workers=1) as pool:
        # Hashing runs beside the parse: hashlib and calamine both release the GIL.
        digest = pool.submit(_sha256, file)
        source: Workbook | TextFile = (
            TextFile(file, head_bytes)
            if kind == "csv"
            else Workbook(file, kind, options.max_uncompressed_bytes)
        )
        sheets = list(source.sheets)
        check(progress, 0.05, "Looking for the table")
        if options.sheet is not None:
            name = _sheet_name(sheets, options.sheet, file)
            plan = _plan(source, name, options)
            if plan is None:
                raise FileUnreadable(f"Sheet “{name}” of “{file.name}” has no table.", str(file))
        else:
            plans = [_plan(source, name, options) for name in sheets]
            plan = _choose(plans)
            if plan is None:
                raise FileUnreadable(
                    f"“{file.name}” is empty: no table with column headers was found.",
                    str(file),
                )
        if not plan.has_rows_below and plan.head.estimated_rows <= plan.header_row:
            raise FileUnreadable(f"“{file.name}” has column headers but no data rows.", str(file))
        check(progress, 0.1, "Reading")
        result = _import_plan(source, plan, options, progress, file, digest.result)
        result.sheets = sheets
        result.sha256 = digest.result()
    check(progress, 1.0, "Imported")
    return result


def _sheet_name(sheets: list[str], wanted: str | int, file: Path) -> str:
    if isinstance(wanted, int):
        if 0 <= wanted < len(sheets):
            return sheets[wanted]
    elif wanted in sheets:
        return wanted
    raise FileUnreadable(f"“{file.name}” has no sheet “{wanted}”.", str(file))


def _read(source: Workbook | TextFile, plan: _Plan, types: dict[int, ColumnType]) -> Table:
    if isinstance(source, TextFile):
        width = max(len(plan.head.rows[plan.header.index]), max(types, default=0) + 1)
        return source.read(plan.header_row, width, types)
    return source.read(plan.sheet, plan.header_row, types)


class _Collector:
    """Collects problems, at most `PROBLEMS_PER_COLUMN` per column and reason."""

    def __init__(self, sheet: str) -> None:
        self.sheet = sheet
        self.problems: list[Problem] = []

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


def _import_plan(
    source: Workbook | TextFile,
    plan: _Plan,
    options: ImportOptions,
    progress: Progress,
    file: Path,
    sha256: Callable[[], str],
) -> ImportResult:
    layout = plan.layout
    preset = layout.preset
    header_text = plan.header.columns
    targets = dict(layout.targets)
    first_column = min(header_text)
    types: dict[int, ColumnType] = {
        i: "string" if t in _STRING_TARGETS else "guess" for i, t in targets.items()
    }
    types[first_column] = (
        "string"
        if first_column not in targets or targets[first_column] in _STRING_TARGETS
        else types[first_column]
    )
    table = _read(source, plan, types)
    # The file's hash (computed beside the read) names the source unless the caller did;
    # known now, it is stamped once as the rows are built.
    options = replace(options, source_id=options.source_id or f"{layout.preset_id}:{sha256()[:12]}")
    if isinstance(source, Workbook):
        fill = [i for i, t in targets.items() if t in _FILL_DOWN_TARGETS]
        table = fill_merged(table, source.merges(plan.sheet), fill)
    check(progress, 0.7, "Parsing")
    collect = _Collector(plan.sheet if isinstance(source, Workbook) else "")
    by_target = {t: i for i, t in targets.items()}
    column_name = {t: header_text[i] for i, t in targets.items()}
    n = table.num_rows
    row_numbers = table.row_numbers
    arrays = {i: table.columns[i] for i in table.columns}

    # Lines of a text file that did not fit the table: footers after it are not data.
    last_row = int(row_numbers[-1]) if n else 0
    for line, text in table.skipped:
        if line > last_row or not text.strip():
            continue
        collect.problems.append(
            Problem("", line, "", "row skipped: its number of cells does not match the header")
        )

    keep = np.zeros(n, dtype=bool)
    for i in targets:
        if i in arrays:
            keep |= ~arrays[i].is_null().to_numpy(zero_copy_only=False)
    # Summary labels sit in the first column (Google Ads, GA4, hand-made) or in the
    # campaign or date column (bot platforms); other columns are not worth scanning.
    label_targets = ("campaign", "date", CAMPAIGN_ID)
    label_columns = [
        arrays[i]
        for i in sorted({first_column, *targets})
        if i in arrays and (i == first_column or targets.get(i) in label_targets)
    ]
    summary = detect.label_rows(label_columns) & keep
    dropped = int(summary.sum())
    keep &= ~summary
    if preset is not None and preset.required and preset.required in by_target:
        required = arrays.get(by_target[preset.required])
        if required is not None:
            keep &= ~parse.missing_mask(required)

    is_events = all(t in by_target for t in (USER, EVENT)) and (
        TIME in by_target or "date" in by_target
    )
    if is_events:
        return _finish_events(
            plan, options, table, arrays, keep, by_target, column_name, collect, dropped, file
        )

    # Numbers: one decimal style per column, with a file-wide fallback for undecided ones.
    numeric_targets = [t for t in by_target if t in NUMERIC_FIELDS]
    hint = preset.decimal if preset else None
    if hint is None:
        us = eu = 0
        for t in numeric_targets:
            a, b = parse.decimal_evidence(arrays[by_target[t]])
            us, eu = us + a, eu + b
        hint = "eu" if eu > us else "us" if us > eu else None
    numbers: dict[str, np.ndarray] = {}
    cell_currency: dict[str, str] = {}
    for t in numeric_targets:
        parsed = parse.parse_number(arrays[by_target[t]], hint)
        values = parsed.values
        if FIELDS[t].kind is not Kind.RATE and parsed.percent:
            pass  # a % in a count column is read as written; the user sees it in the preview
        collect.cells(
            row_numbers, parsed.bad & keep, column_name[t], "not a number", arrays[by_target[t]]
        )
        numbers[t] = values
        if parsed.currency:
            cell_currency[t] = parsed.currency
    dayfirst = hint == "eu"

    dates = None
    if "date" in by_target:
        parsed_date = parse.parse_date(arrays[by_target["date"]], dayfirst)
        dates = parsed_date.values
    starts = ends = None
    if DATE_START in by_target:
        starts = parse.parse_date(arrays[by_target[DATE_START]], dayfirst).values
    if DATE_END in by_target:
        ends = parse.parse_date(arrays[by_target[DATE_END]], dayfirst).values

    texts: dict[str, np.ndarray] = {}
    for t in ("campaign", "channel", "variant", "source_medium", CAMPAIGN_ID, CURRENCY, "currency"):
        if t in by_target:
            texts[t] = parse.parse_text(arrays[by_target[t]])
    if "currency" in texts:  # a column named after the canonical field is the per-row code
        texts.setdefault(CURRENCY, texts.pop("currency"))

    # Totals rows without a label: first or last row, dimensions empty, numbers = sums.
    dims_empty = np.ones(n, dtype=bool)
    for t in _DIMENSION_TARGETS:
        if t == "date" and dates is not None:
            dims_empty &= np.isnat(dates)
        elif t in texts:
            dims_empty &= texts[t] == ""
    additive = {t: v for t, v in numbers.items() if t in ADDITIVE_FIELDS}
    kept = np.flatnonzero(keep)
    if len(kept) > 1:
        for row in (int(kept[0]), int(kept[-1])):
            if keep[row] and detect.is_totals_row(row, dims_empty, additive, keep):
                keep[row] = False
                dropped += 1

    # Rows that cannot be placed: a date that is not a date, or none in a daily table.
    if dates is not None:
        bad_date = np.isnat(dates) & keep & ~parse.missing_mask(arrays[by_target["date"]])
        collect.cells(
            row_numbers,
            bad_date,
            column_name["date"],
            "row skipped: not a date",
            arrays[by_target["date"]],
        )
        keep &= ~bad_date
        no_date = np.isnat(dates) & keep
        if no_date.any() and (~np.isnat(dates) & keep).any():
            collect.cells(row_numbers, no_date, column_name["date"], "row skipped: no date")
            keep &= ~no_date

    rows = np.flatnonzero(keep)
    check(progress, 0.85, "Building facts")
    frame: dict[str, object] = {}
    if dates is not None:
        frame["date"] = parse.to_day(dates[rows])
    elif starts is not None:
        s = parse.to_day(starts[rows])
        e = parse.to_day(ends[rows]) if ends is not None else s
        # One day reported (starts == ends) is that day; a longer range is a lifetime row.
        frame["date"] = np.where(s == e, s, np.datetime64("NaT"))
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
    for t, values in numbers.items():
        column = values[rows]
        if preset is not None and t in preset.blank_is_zero:
            column = np.where(np.isnan(column), 0.0, column)
        frame[t] = column
    currency = _currency(options, layout, by_target, texts, cell_currency, rows)
    frame["currency"] = currency
    source_id = options.source_id or ""
    frame["source_id"] = np.full(len(rows), source_id, dtype=object)
    facts = facts_frame(frame)

    period = _period(plan, facts, starts, ends, rows)
    return _result(
        plan,
        options,
        file,
        facts,
        None,
        collect.problems,
        presets.supplies_of(targets),
        period,
        currency,
        dropped,
    )


def _keys(names: np.ndarray) -> np.ndarray:
    """Campaign keys computed once per distinct name."""
    codes, uniques = pd.factorize(pd.Series(names, dtype=object))
    keys = campaign_keys(pd.Series(np.asarray(uniques, dtype=object), dtype=object))
    return (
        np.asarray(keys.to_numpy(dtype=object))[codes]
        if len(uniques)
        else np.array([""] * len(names), dtype=object)
    )


def _currency(
    options: ImportOptions,
    layout: Layout,
    by_target: dict[str, int],
    texts: dict[str, np.ndarray],
    cell_currency: dict[str, str],
    rows: np.ndarray,
) -> np.ndarray:
    """Currency per row: the row's currency column, else the header's, else the cells'."""
    fallback = options.currency or ""
    if not fallback:
        for t in MONEY_FIELDS:
            if t in by_target and by_target[t] in layout.header_currency:
                fallback = layout.header_currency[by_target[t]]
                break
    if not fallback:
        fallback = next((cell_currency[t] for t in MONEY_FIELDS if t in cell_currency), "")
    if CURRENCY in texts and not options.currency:
        column = pd.Series(texts[CURRENCY][rows], dtype=object).str.strip().str.upper()
        return column.where(column != "", fallback).to_numpy(dtype=object)
    return np.full(len(rows), fallback, dtype=object)


def _period(
    plan: _Plan,
    facts: pd.DataFrame,
    starts: np.ndarray | None,
    ends: np.ndarray | None,
    rows: np.ndarray,
) -> tuple[dt.date | None, dt.date | None]:
    pre_start, pre_end = detect.preamble_period(plan.head.rows[: plan.header.index])
    if pre_start is not None or pre_end is not None:
        return pre_start, pre_end
    if starts is not None and len(rows):
        s = starts[rows]
        e = ends[rows] if ends is not None else s
        if (~np.isnat(s)).any():
            return _as_date(np.nanmin(s)), _as_date(np.nanmax(e))
    dates = facts["date"].dropna()
    if len(dates):
        return dates.min().date(), dates.max().date()
    return None, None


def _as_date(value: np.datetime64) -> dt.date | None:
    if np.isnat(value):
        return None
    return value.astype("datetime64[D]").astype(dt.date)


def _result(
    plan: _Plan,
    options: ImportOptions,
    file: Path,
    facts: pd.DataFrame,
    events: pd.DataFrame | None,
    problems: list[Problem],
    supplies: frozenset[str],
    period: tuple[dt.date | None, dt.date | None],
    currency: np.ndarray,
    dropped: int,
) -> ImportResult:
    layout = plan.layout
    preset: Preset | None = layout.preset
    values = pd.Series(currency, dtype=object)
    values = values[values != ""]
    main_currency = str(values.mode().iloc[0]) if len(values) else (options.currency or "")
    return ImportResult(
        facts=facts,
        events=events,
        problems=problems,
        preset=layout.preset_id,
        mapping=dict(layout.mapping),
        supplies=supplies,
        sheet=plan.sheet,
        sheets=[],
        header_row=plan.header_row,
        preview=_preview(plan.head),
        sha256="",
        file_name=file.name,
        currency=main_currency,
        layout_signature=plan.signature,
        source_id=options.source_id or "",
        role=presets.PRESET_ROLES.get(layout.preset_id, "other"),
        label=preset.label if preset else presets.PRESET_LABELS.get(layout.preset_id, ""),
        period=period,
        headers=[plan.header.columns[i] for i in sorted(plan.header.columns)],
        summary_rows_dropped=dropped,
    )


def _finish_events(
    plan: _Plan,
    options: ImportOptions,
    table: Table,
    arrays: dict[int, pa.Array],
    keep: np.ndarray,
    by_target: dict[str, int],
    column_name: dict[str, str],
    collect: _Collector,
    dropped: int,
    file: Path,
) -> ImportResult:
    rows = np.flatnonzero(keep)
    take = pa.array(rows) if len(rows) != len(keep) else None

    def col(target: str) -> pa.Array | None:
        if target not in by_target:
            return None
        array = arrays[by_target[target]]
        return array.take(take) if take is not None else array

    time = col(TIME) if TIME in by_target else col("date")
    assert time is not None
    user, event = col(USER), col(EVENT)
    assert user is not None
    assert event is not None
    columns = EventColumns(
        time=time,
        user=user,
        event=event,
        row_numbers=table.row_numbers[rows],
        campaign=col("campaign"),
        channel=col("channel"),
        variant=col("variant"),
        matched=col(MATCHED),
    )
    headers = {t: column_name[t] for t in column_name}
    facts, events, problems = aggregate_events(
        columns, source_id=options.source_id or "", sheet=collect.sheet, headers=headers
    )
    collect.problems.extend(problems)
    if options.currency:
        facts["currency"] = pd.Series(
            np.full(len(facts), options.currency, dtype=object), dtype=object
        )
    dates = facts["date"].dropna()
    period = (dates.min().date(), dates.max().date()) if len(dates) else (None, None)
    currency = np.full(len(facts), options.currency or "", dtype=object)
    return _result(
        plan,
        options,
        file,
        facts,
        events,
        collect.problems,
        presets.supplies_of(list(by_target), "events"),
        period,
        currency,
        dropped,
    )
