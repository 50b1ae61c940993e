"""The workspace: one SQLite file with sources, facts, edits, campaigns, FX, links, settings.

DESIGN section 5. The file (`*.kpidesk`) is written with the standard `sqlite3` module:

========== ==============================================================================
table      holds
========== ==============================================================================
meta       key/value: app name, created, last known path (for recovery files)
sources    one row per import: file name, SHA-256, platform, mapping, import time,
           warnings, supplied fields, currency, and the source's facts (and event
           users) as Arrow IPC BLOBs (LZ4), each with a CRC-32 checked on open
edits      cell overrides: table ("facts" or "campaigns"), row key, field, old value
           (the imported one), new value, time. One row per overridden cell.
campaigns  display name, notes, manual flag, deleted flag (soft delete, undoable)
aliases    alias campaign key -> canonical campaign key
targets    KPI targets per campaign ('' = workspace-wide default)
fx_rates   currency -> rate (1 unit = rate units of the reporting currency)
utm_links  UTM link history
settings   key -> JSON value
========== ==============================================================================

`PRAGMA application_id` marks the file as ours and `PRAGMA user_version` is the schema
version (`migrate` upgrades older files step by step).

Why facts are BLOBs and not a row-per-fact SQL table: inserting 1M rows into SQLite and
reading them back into pandas costs seconds (`benchmarks/bench_store.py` prints it), far
over the import (< 3 s) and open budgets; an Arrow IPC BLOB per source loads in about
the time SQLite needs to copy the file. Everything a person might query or repair by
hand (sources, edits, campaigns, targets, rates, links, settings) is a plain table.

Working state: a live in-memory SQLite database is the truth for everything except the
derived pandas caches; every mutation writes through to it inside a transaction. Save
serialises that database and writes it atomically (temp file in the same folder, fsync,
`os.replace`, fsync of the folder); recovery files are written the same way from a
snapshot taken under a lock, so a background thread can autosave safely.

Edits are overrides, never writes into imported data. A facts row is addressed by its
natural key (source, date, imported campaign key, channel, variant, and the index among
identical keys in that source), so a re-import of the same source keeps the overrides
whose rows still exist and reports the others. A campaign-level edit (table
"campaigns", row key = canonical campaign key) pins the campaign's total of an additive
field over all dates: the effective facts gain one lifetime "adjustment" row per such
campaign (source id `ADJUSTMENT_SOURCE`) holding typed value minus the sum of the
campaign's other rows, recomputed whenever those rows change, so the total always equals
the typed value until the edit is reverted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import importlib.resources
import json
import math
import os
import sqlite3
import stat
import tempfile
import threading
import uuid
import weakref
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple, ParamSpec, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc

from kpi_desktop.core import kpi
from kpi_desktop.core.schema import (
    ADDITIVE_FIELDS,
    ADJUSTMENT_SOURCE,
    FIELD_NAMES,
    FIELDS,
    NUMERIC_FIELDS,
    RATE_FIELDS,
    Kind,
    campaign_key,
    normalize_facts,
)

SCHEMA_VERSION = 2
#: "KPID": lets Open tell our files from other SQLite databases.
APPLICATION_ID = 0x4B504944
SUFFIX = ".kpidesk"
RECOVERY_SUFFIX = ".recovery"
#: Source id of the synthetic rows that carry campaign-level edits.
#: Source id of the rows typed in by hand (Add campaign).
MANUAL_SOURCE = "manual"
#: Facts fields a user may override: the numbers. Dimensions are join keys, not data.
EDITABLE_FIELDS: tuple[str, ...] = NUMERIC_FIELDS
#: Fields a campaign-level edit may pin (a mean of rates has no "total" to pin).
CAMPAIGN_EDITABLE_FIELDS: tuple[str, ...] = ADDITIVE_FIELDS

_SQLITE_MAGIC = b"SQLite format 3\x00"
_KEY_COLUMNS = ("date", "campaign_key", "channel", "variant")
_DUP = "_dup"  # index of a row among rows with the same natural key in its source
_ARROW_OPTIONS = ipc.IpcWriteOptions(compression="lz4")


class WorkspaceError(ValueError):
    """A workspace file that cannot be opened or saved; `message` is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class EditRecord:
    """One override: `table` is "facts" (row_key = RowKey) or "campaigns" (campaign key)."""

    table: str
    row_key: RowKey | str
    field: str
    old_value: float | None
    new_value: float | None
    time: str


@dataclass(frozen=True)
class Changes:
    """What a mutation changed, so the UI refreshes only that.

    `rows` None means every row; `reset` asks views to rebuild (new import, open).
    `campaigns` are canonical keys whose campaign-table row changed (None: all);
    `scope` names other parts that changed ("campaigns", "targets", "notes", "fx",
    "sources", "aliases", "links", "settings"); `sources` are ids added or removed;
    `dropped_edits` are overrides that no longer match a row after a re-import.
    """

    rows: frozenset[int] | None = None
    fields: frozenset[str] = frozenset()
    kpis_dirty: bool = True
    reset: bool = False
    campaigns: frozenset[str] | None = frozenset()
    scope: frozenset[str] = frozenset()
    sources: tuple[str, ...] = ()
    dropped_edits: tuple[EditRecord, ...] = ()

    def merge(self, other: Changes) -> Changes:
        """The union of two changes (for a command made of several steps)."""
        rows = None if self.rows is None or other.rows is None else self.rows | other.rows
        camps = (
            None
            if self.campaigns is None or other.campaigns is None
            else self.campaigns | other.campaigns
        )
        return Changes(
            rows=rows,
            fields=self.fields | other.fields,
            kpis_dirty=self.kpis_dirty or other.kpis_dirty,
            reset=self.reset or other.reset,
            campaigns=camps,
            scope=self.scope | other.scope,
            sources=self.sources + tuple(s for s in other.sources if s not in self.sources),
            dropped_edits=self.dropped_edits + other.dropped_edits,
        )


NO_CHANGES = Changes(rows=frozenset(), kpis_dirty=False)


class RowKey(NamedTuple):
    """Natural key of an imported facts row; survives re-import, unlike a row number."""

    source_id: str
    date: str  # ISO day, "" for lifetime rows
    campaign_key: str  # as imported, before aliases
    channel: str
    variant: str
    dup: int = 0  # index among rows of the source with the same five values

    def to_json(self) -> str:
        return json.dumps(list(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> RowKey:
        values = json.loads(text)
        return cls(*values[:5], int(values[5]))


@dataclass
class SourceInfo:
    """What the workspace knows about one import (its facts are in `Workspace.facts`)."""

    id: str
    kind: str  # "import", "manual", "sample", "facts"
    file_name: str
    sha256: str
    platform: str
    mapping: Any
    imported_at: str
    warnings: tuple[str, ...]
    supplies: tuple[str, ...]
    currency: str
    rows: int


@dataclass
class _Source:
    info: SourceInfo
    facts: pd.DataFrame  # canonical columns + _dup, source_id = info.id
    events: pd.DataFrame | None
    keys: frozenset[str]  # imported campaign keys present


@dataclass(frozen=True)
class SourceSnapshot:
    """A removed source with its data, so undo/redo can put it back unchanged."""

    info: SourceInfo
    facts: pd.DataFrame
    events: pd.DataFrame | None
    ordinal: int


@dataclass
class _Cached:
    report: kpi.KpiReport
    column: str


P = ParamSpec("P")
R = TypeVar("R")


def _locked(method: Callable[P, R]) -> Callable[P, R]:
    """Run a method under the workspace lock (recovery snapshots run on another thread)."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with args[0]._lock:  # type: ignore[attr-defined]
            return method(*args, **kwargs)

    return wrapper


# -- schema & migrations --------------------------------------------------------------


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    # Statement by statement: executescript() would COMMIT the migration's transaction.
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _schema_v1(conn: sqlite3.Connection) -> None:
    _run_script(
        conn,
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE sources (
            id TEXT PRIMARY KEY, ordinal INTEGER NOT NULL, kind TEXT NOT NULL,
            file_name TEXT NOT NULL DEFAULT '', sha256 TEXT NOT NULL DEFAULT '',
            platform TEXT NOT NULL DEFAULT '', mapping TEXT NOT NULL DEFAULT 'null',
            imported_at TEXT NOT NULL, warnings TEXT NOT NULL DEFAULT '[]',
            supplies TEXT NOT NULL DEFAULT '[]', currency TEXT NOT NULL DEFAULT '',
            row_count INTEGER NOT NULL, facts BLOB NOT NULL, facts_crc INTEGER NOT NULL,
            events BLOB, events_crc INTEGER
        );
        CREATE TABLE edits (
            id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, row_key TEXT NOT NULL,
            field TEXT NOT NULL, old_value, new_value, time TEXT NOT NULL,
            pos_hint INTEGER, UNIQUE (tbl, row_key, field)
        );
        CREATE TABLE campaigns (
            key TEXT PRIMARY KEY, display_name TEXT, notes TEXT NOT NULL DEFAULT '',
            manual INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE aliases (alias_key TEXT PRIMARY KEY, campaign_key TEXT NOT NULL);
        CREATE TABLE targets (
            campaign_key TEXT NOT NULL, kpi_id TEXT NOT NULL, value REAL NOT NULL,
            PRIMARY KEY (campaign_key, kpi_id)
        );
        CREATE TABLE fx_rates (currency TEXT PRIMARY KEY, rate REAL NOT NULL);
        CREATE TABLE utm_links (
            id INTEGER PRIMARY KEY, url TEXT NOT NULL, params TEXT NOT NULL DEFAULT '{}',
            note TEXT NOT NULL DEFAULT '', created TEXT NOT NULL
        );
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """,
    )


def _schema_v2(conn: sqlite3.Connection) -> None:
    # Facts and event users live per source as checksummed Arrow IPC blobs: reading 1M
    # rows back from SQL rows took 7.7 s, from a blob 0.2 s. These views give them the
    # names of DESIGN section 5, so a look into the file finds them where expected.
    # One statement at a time: executescript() would commit the migration's transaction.
    conn.execute(
        "CREATE VIEW facts AS SELECT id AS source_id, row_count AS rows,"
        " 'arrow-ipc' AS format, facts AS data FROM sources"
    )
    conn.execute(
        "CREATE VIEW event_users AS SELECT id AS source_id, 'arrow-ipc' AS format,"
        " events AS data FROM sources WHERE events IS NOT NULL"
    )
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', '2')")


#: Step that brings a database from version n-1 to version n.
_MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _schema_v1, 2: _schema_v2}


def migrate(conn: sqlite3.Connection) -> int:
    """Bring a workspace database up to `SCHEMA_VERSION`, one step per version.

    Args:
        conn: an open connection (autocommit mode); version 0 means an empty database.

    Returns:
        The version the database had before.

    Raises:
        WorkspaceError: the database is from a newer KPI Desk.
    """
    before = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if before > SCHEMA_VERSION:
        raise WorkspaceError(
            f"This workspace was saved by a newer version of KPI Desk (format {before}); "
            f"this version opens formats up to {SCHEMA_VERSION}. Please update KPI Desk."
        )
    for version in range(before + 1, SCHEMA_VERSION + 1):
        conn.execute("BEGIN")
        try:
            _MIGRATIONS[version](conn)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    if before == 0:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    return before


# -- Arrow BLOBs ----------------------------------------------------------------------


def _encode(frame: pd.DataFrame) -> bytes:
    """A frame as one LZ4-compressed Arrow IPC stream; text is dictionary-encoded."""
    arrays = []
    for name in frame.columns:
        column = frame[name]
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
            values = column.astype(object).to_numpy()
            arrays.append(pa.array(values, type=pa.string(), from_pandas=True).dictionary_encode())
        elif column.dtype.kind == "f":
            # NaN stays a float value (not an Arrow null) so decoding is zero-copy.
            arrays.append(pa.array(column.to_numpy()))
        else:
            arrays.append(pa.Array.from_pandas(column))
    table = pa.Table.from_arrays(arrays, names=[str(c) for c in frame.columns])
    sink = pa.BufferOutputStream()
    with ipc.new_stream(sink, table.schema, options=_ARROW_OPTIONS) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def _decode(blob: bytes) -> tuple[pd.DataFrame, frozenset[str]]:
    """The frame of `_encode`, and its campaign keys (free from the Arrow dictionary)."""
    table = ipc.open_stream(pa.py_buffer(blob)).read_all()
    # One block per column: later single-column edits then copy one column, not all.
    frame = table.to_pandas(split_blocks=True)
    keys: frozenset[str] = frozenset()
    for name in frame.columns:
        if isinstance(frame[name].dtype, pd.CategoricalDtype):
            if name == "campaign_key":
                column = frame[name]
                keys = frozenset(column.cat.categories[np.unique(column.cat.codes)])
            frame[name] = frame[name].astype(object)
    return frame, keys


def _dup_index(frame: pd.DataFrame) -> np.ndarray:
    """Index of each row among rows with the same natural key (0 for unique rows)."""
    if frame.empty:
        return np.zeros(0, dtype=np.int32)
    hashed = pd.Series(pd.util.hash_pandas_object(frame[list(_KEY_COLUMNS)], index=False))
    if not hashed.duplicated().any():
        return np.zeros(len(frame), dtype=np.int32)
    return hashed.groupby(hashed.to_numpy(), sort=False).cumcount().to_numpy(np.int32)


# -- small helpers --------------------------------------------------------------------


def _group_positions(values: pd.Series) -> dict[Any, np.ndarray]:
    """Label -> ascending row positions, as `groupby(dropna=False).indices` gives.

    A factorize and one stable argsort of small integer codes (a radix sort): about a
    third of the groupby's cost on a million rows, paid on the first edit after open.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    if not len(uniques):
        return {}
    small = np.int16 if len(uniques) < 2**15 else np.int32
    order = np.argsort(codes.astype(small), kind="stable")
    bounds = np.cumsum(np.bincount(codes, minlength=len(uniques)))[:-1]
    return dict(zip(uniques, np.split(order.astype(np.int64), bounds), strict=True))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _as_value(name: str, value: object) -> float | None:
    """A user-typed value for a numeric field: None for blank, a finite float otherwise."""
    if _is_missing(value) or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{FIELDS[name].label} must be a number, not {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{FIELDS[name].label} must be a finite number")
    if FIELDS[name].kind is Kind.COUNT and number < 0:
        raise ValueError(f"{FIELDS[name].label} cannot be negative")
    return number


def _same(a: float | None, b: float | None) -> bool:
    if _is_missing(a) or _is_missing(b):
        return _is_missing(a) and _is_missing(b)
    return float(a) == float(b)  # type: ignore[arg-type]


def _text(values: np.ndarray, index: pd.Index) -> pd.Series:
    """A text column of canonical dtype (object, as normalize_facts makes).

    pandas 3 infers its `str` dtype when a column is set from an object array.
    """
    return pd.Series(values, index=index, dtype=object)


def _day(value: object) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")  # type: ignore[arg-type]


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a directory; NTFS journals the rename itself.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash leaves either the old or the new file.

    Writes a temp file in the same folder (same file system, so the rename is atomic),
    fsyncs it, `os.replace`s the target and fsyncs the folder so the rename is durable.
    """
    folder = path.parent
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            # Keep the permissions of the file being replaced (mkstemp makes it 0600).
            os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(folder)


#: Ad platforms' own figures: kept for reference, not outcomes.
_REFERENCE_FIELDS = frozenset({"impressions", "ad_clicks", "ad_conversions", "ad_conversion_value"})
_FALLBACK_FIELDS = frozenset(
    {"conversions", "conversion_value", "ad_conversions", "ad_conversion_value"}
)


@dataclass(frozen=True)
class MergeSource:
    """What the merge needs to know about one stored source besides its facts."""

    source_id: str
    platform: str
    role: str
    label: str
    supplies: frozenset[str]
    currency: str


@dataclass(frozen=True)
class _Merged:
    facts: pd.DataFrame
    notes: tuple[Any, ...]  # core.io.merge.MergeNote
    # Fields whose value in one row depends on other sources' rows: an edit of one of
    # them needs the merge run again (an in-place update would miss the other rows).
    cross_source: frozenset[str]


def _merge_sources(
    parts: list[pd.DataFrame],
    sources: Sequence[MergeSource] = (),
    aliases: Mapping[str, str] | None = None,
) -> _Merged:
    """Effective facts from the sources' (already overridden) facts.

    THE single place where `kpi_desktop.core.io.merge.merge_facts` plugs in (DESIGN
    section 4: spend adds up, web analytics wins outcomes, the bot platform wins bot
    fields, 0 versus missing, the ad platforms' own conversions as a labelled fallback).
    Each part carries `_src` (source ordinal) and `_pos` (row in that source); every
    effective row stays one source row, in source order, so edits and `row_id`s trace
    back. The zero rows `merge_facts` adds (a supplying source covers the day but has no
    row for the campaign) are folded into a source row of the same campaign and day:
    its missing cell becomes 0. Aliases apply for the merge (one campaign and day,
    whatever its name in each source); rows keep their own key for `_apply_campaigns`.
    """
    if not parts:
        frame = normalize_facts(pd.DataFrame())
        frame["_src"] = np.zeros(0, dtype=np.int32)
        frame["_pos"] = np.zeros(0, dtype=np.int64)
        return _Merged(frame, (), frozenset())
    from kpi_desktop.core.io import merge

    infos = [
        merge.SourceInfo(
            source_id=s.source_id,
            preset=s.platform,
            role=s.role,
            label=s.label,
            supplies=s.supplies,
            currency=s.currency,
        )
        for s in sources
    ]
    if len(infos) != len(parts):  # no source descriptions: plain concatenation
        frame = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
        return _Merged(frame.reset_index(drop=True), (), frozenset())
    fallback = not any("conversions" in s.supplies for s in sources) and any(
        s.role == "ad" and {"ad_conversions", "ad_conversion_value"} & s.supplies for s in sources
    )
    cross = set(_FALLBACK_FIELDS) if fallback else set()
    for name in NUMERIC_FIELDS:
        suppliers = [s for s in sources if name in s.supplies]
        if len(suppliers) > 1 and name not in merge.ADDITIVE_ACROSS_SOURCES:
            cross.add(name)
    if len(parts) == 1 and not fallback:
        # Nothing to merge: skip copying a possibly huge frame; the notes need no rows.
        _, notes = merge.merge_facts([parts[0].iloc[:0]], infos)
        return _Merged(parts[0].reset_index(drop=True), tuple(notes), frozenset(cross))
    frames = []
    for source, part in zip(sources, parts, strict=True):
        frame = part.copy(deep=False)
        frame["_key0"] = frame["campaign_key"]
        if fallback and source.role == "ad":
            # A typed-in conversions value on an ad row wins over the ad figure.
            frame["_own_conversions"] = frame["conversions"]
            frame["_own_conversion_value"] = frame["conversion_value"]
        frames.append(frame)
    facts, notes = merge.merge_facts(frames, infos, dict(aliases or {}))
    notes = [*notes, *_ignored_notes(sources)]
    zero = facts["_src"].isna().to_numpy()
    if zero.any():
        cross |= _fold_zero_rows(facts, zero)
        facts = facts[~zero].reset_index(drop=True)
    facts["_src"] = facts["_src"].to_numpy(dtype=np.int32)
    facts["_pos"] = facts["_pos"].to_numpy(dtype=np.int64)
    facts["campaign_key"] = _text(facts.pop("_key0").to_numpy(dtype=object), facts.index)
    for name in ("conversions", "conversion_value"):
        own = f"_own_{name}"
        if own in facts:
            values = facts.pop(own)
            facts[name] = facts[name].where(values.isna(), values)
    return _Merged(facts, tuple(notes), frozenset(cross))


def _fold_zero_rows(facts: pd.DataFrame, zero: np.ndarray) -> set[str]:
    """Write the merge's zero rows into the first source row of their campaign and day.

    Only missing cells become 0 (a value there already counts). Returns the fields that
    changed: their effective values depend on other sources' rows.
    """
    days = facts["date"].to_numpy().astype("datetime64[ns]").view(np.int64)
    keys = pd.DataFrame({"k": facts["campaign_key"].to_numpy(dtype=object), "d": days})
    first = keys[~zero].drop_duplicates(["k", "d"])
    lookup = pd.MultiIndex.from_frame(first)
    found = lookup.get_indexer(pd.MultiIndex.from_frame(keys[zero]))
    rows = first.index.to_numpy()[found]
    rows[found < 0] = -1
    changed: set[str] = set()
    for name in NUMERIC_FIELDS:
        values = facts[name].to_numpy()[zero]
        has = ~np.isnan(values) & (rows >= 0)
        if not has.any():
            continue
        column = facts[name].to_numpy(copy=True)
        targets = rows[has]
        targets = targets[np.isnan(column[targets])]
        if len(targets):
            column[targets] = 0.0
            facts[name] = column
            changed.add(name)
    return changed


def _ignored_notes(sources: Sequence[MergeSource]) -> list[Any]:
    """Say that the ad platforms' own conversions are not counted when others supply them."""
    from kpi_desktop.core.io.merge import MergeNote

    outcome = [s.label for s in sources if "conversions" in s.supplies]
    ads = [s.label for s in sources if s.role == "ad" and "ad_conversions" in s.supplies]
    if not outcome or not ads:
        return []
    own = ", ".join(dict.fromkeys(ads))
    return [
        MergeNote(
            "ad_conversions",
            tuple(dict.fromkeys(ads)),
            f"conversions from {', '.join(dict.fromkeys(outcome))}; the ad platforms' own "
            f"conversions ({own}) are kept for reference, not counted",
        )
    ]


_CANONICAL_DTYPES = normalize_facts(pd.DataFrame()).dtypes


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """`normalize_facts(frame)`, skipped when the frame already is canonical.

    The importer hands over canonical frames; normalising 1M rows again costs seconds
    (campaign keys are recomputed row by row).
    """
    if list(frame.columns) == list(FIELD_NAMES) and frame.dtypes.equals(_CANONICAL_DTYPES):
        return frame.reset_index(drop=True)
    return normalize_facts(frame)


def _single_currency(facts: pd.DataFrame) -> str:
    codes = {c for c in facts["currency"].unique() if c} if "currency" in facts else set()
    return codes.pop() if len(codes) == 1 else ""


def _result_attr(result: object, name: str, default: Any = None) -> Any:
    return getattr(result, name, default)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


# -- the workspace --------------------------------------------------------------------


class Workspace:
    """One open workspace. Views read through it; every change goes through its methods.

    Attributes:
        path: the workspace file, None while untitled (Save then needs a path).
        dirty: True when there are changes since the last save or open.
    """

    def __init__(self) -> None:
        self.path: Path | None = None
        self.dirty = False
        self._lock = threading.RLock()
        self._db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        # Close the connection when the workspace is dropped, even without close().
        self._finalizer = weakref.finalize(self, self._db.close)
        self._uid = uuid.uuid4().hex[:12]
        self._generation = 0  # mutation counter; recovery files compare against it
        self._saved_generation = 0
        self._recovery_files: set[Path] = set()
        self._init_state()
        migrate(self._db)
        self._set_meta("app", "KPI Desk")
        self._set_meta("created", _now())

    def _init_state(self) -> None:
        self._sources: dict[str, _Source] = {}
        self._edits: dict[tuple[str, str, str], EditRecord] = {}
        self._campaign_rows: dict[str, dict[str, Any]] = {}
        self._aliases: dict[str, str] = {}
        self._targets: dict[str, dict[str, float]] = {}
        self._fx: dict[str, float] = {}
        self._settings: dict[str, Any] = {}
        self._currency = ""
        self._hints: dict[str, int] = {}  # row key -> its last known position in the source
        self._invalidate()

    def _invalidate(self) -> None:
        self._effective: pd.DataFrame | None = None
        # Column buffers with spare rows behind `_effective` (see `_reserve`), and the
        # longest frame ever built over them: rows below it may be seen by callers.
        self._bufs: dict[str, np.ndarray] | None = None
        self._exposed = 0
        self._events_cache: pd.DataFrame | bool | None = False  # False: not computed
        self._indices: dict[str, dict[Any, np.ndarray]] = {}
        self._event_indices: dict[str, dict[Any, np.ndarray]] = {}
        self._reports: dict[str, _Cached] = {}
        self._names: pd.Series | None = None

    # -- life cycle ---------------------------------------------------------------------
    @classmethod
    def new(cls) -> Workspace:
        """An empty untitled workspace."""
        return cls()

    @classmethod
    def from_facts(
        cls, facts: pd.DataFrame, *, events: pd.DataFrame | None = None, currency: str = ""
    ) -> Workspace:
        """An untitled workspace holding canonical facts, one source per `source_id`."""
        ws = cls.new()
        facts = _canonical(facts)
        ids = list(pd.unique(facts["source_id"])) or ["facts"]
        with ws._tx():
            ws._write_currency(currency)
            for sid in ids:
                name = str(sid) or "facts"
                part = facts[facts["source_id"] == sid] if len(ids) > 1 else facts
                ev = None
                if events is not None:
                    ev = events[events["source_id"] == sid] if len(ids) > 1 else events
                    ev = ev if len(ev) else None
                info = SourceInfo(name, "facts", "", "", "", None, _now(), (), (), currency, 0)
                ws._insert_source(info, part, ev)
        ws._mark_clean()
        return ws

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Workspace:
        """Open a workspace file.

        Raises:
            WorkspaceError: unreadable, not a workspace, damaged, or from a newer version;
                nothing is changed (the file is only read).
        """
        target = Path(path)
        try:
            data = target.read_bytes()
        except OSError as exc:
            raise WorkspaceError(f"Could not read {target.name}: {exc.strerror or exc}") from exc
        ws = cls._from_bytes(data, target.name)
        ws.path = target
        ws._set_meta("path", str(target.resolve()))
        ws._mark_clean()
        return ws

    @classmethod
    def open_sample(cls) -> Workspace:
        """The bundled sample workspace, as an untitled copy (Save asks for a path)."""
        asset = importlib.resources.files("kpi_desktop").joinpath("assets", "sample.kpidesk")
        try:
            data = asset.read_bytes()
        except OSError:
            return build_sample()  # the asset is generated by scripts/make_sample.py
        ws = cls._from_bytes(data, "sample.kpidesk")
        ws._set_meta("path", "")
        ws._mark_clean()
        return ws

    @classmethod
    def _from_bytes(cls, data: bytes, name: str) -> Workspace:
        if len(data) < 100 or not data.startswith(_SQLITE_MAGIC):
            raise WorkspaceError(f"{name} is not a KPI Desk workspace.")
        ws = cls()
        try:
            ws._db.deserialize(data)
            app_id = ws._db.execute("PRAGMA application_id").fetchone()[0]
            if app_id != APPLICATION_ID:
                raise WorkspaceError(f"{name} is not a KPI Desk workspace.")
            if ws._db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("integrity check failed")
            migrate(ws._db)
            ws._load()
        except WorkspaceError:
            ws.close()
            raise
        except (sqlite3.Error, pa.ArrowException, ValueError, KeyError, TypeError) as exc:
            ws.close()
            raise WorkspaceError(f"{name} is damaged and cannot be opened ({exc}).") from exc
        return ws

    def _load(self) -> None:
        db = self._db
        self._init_state()
        rows = db.execute(
            "SELECT id, kind, file_name, sha256, platform, mapping, imported_at, warnings,"
            " supplies, currency, row_count, facts, facts_crc, events, events_crc"
            " FROM sources ORDER BY ordinal"
        ).fetchall()
        for row in rows:
            (sid, kind, fname, sha, platform, mapping, when, warns, supplies, cur, count) = row[:11]
            facts_blob, facts_crc, events_blob, events_crc = row[11:]
            if zlib.crc32(facts_blob) != facts_crc or (
                events_blob is not None and zlib.crc32(events_blob) != events_crc
            ):
                raise ValueError(f"data of source {fname or sid} fails its checksum")
            facts, keys = _decode(facts_blob)
            if len(facts) != count or _DUP not in facts:
                raise ValueError(f"data of source {fname or sid} is incomplete")
            events = _decode(events_blob)[0] if events_blob is not None else None
            info = SourceInfo(
                sid,
                kind,
                fname,
                sha,
                platform,
                json.loads(mapping),
                when,
                tuple(json.loads(warns)),
                tuple(json.loads(supplies)),
                cur,
                count,
            )
            self._sources[sid] = _Source(info, facts, events, keys)
        for tbl, key, fld, old, new, when, hint in db.execute(
            "SELECT tbl, row_key, field, old_value, new_value, time, pos_hint FROM edits"
        ):
            row_key: RowKey | str = RowKey.from_json(key) if tbl == "facts" else key
            self._edits[(tbl, key, fld)] = EditRecord(tbl, row_key, fld, old, new, when)
            if tbl == "facts" and hint is not None:
                self._hints[key] = int(hint)
        for key, name, notes, manual, deleted in db.execute(
            "SELECT key, display_name, notes, manual, deleted FROM campaigns"
        ):
            self._campaign_rows[key] = {
                "display_name": name,
                "notes": notes,
                "manual": bool(manual),
                "deleted": bool(deleted),
            }
        self._aliases = dict(db.execute("SELECT alias_key, campaign_key FROM aliases"))
        for ckey, kpi_id, value in db.execute("SELECT campaign_key, kpi_id, value FROM targets"):
            self._targets.setdefault(ckey, {})[kpi_id] = float(value)
        self._fx = {c: float(r) for c, r in db.execute("SELECT currency, rate FROM fx_rates")}
        self._settings = {
            k: json.loads(v) for k, v in db.execute("SELECT key, value FROM settings")
        }
        self._currency = str(self._settings.pop("__reporting_currency__", ""))

    def _mark_clean(self) -> None:
        """The state now equals a file on disk (or a fresh start): nothing to recover."""
        self.dirty = False
        self._saved_generation = self._generation

    def close(self) -> None:
        """Close the working database; the object is unusable afterwards."""
        self._finalizer()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- saving and recovery --------------------------------------------------------------
    def save(self, path: str | os.PathLike[str] | None = None) -> None:
        """Save atomically to `path` (or the current path); clears dirty and recovery files.

        Raises:
            WorkspaceError: untitled without a path, or the file cannot be written.
        """
        target = Path(path) if path is not None else self.path
        if target is None:
            raise WorkspaceError("This workspace has no file yet: choose where to save it.")
        with self._lock:
            self._set_meta("path", str(target.resolve()))
            self._set_meta("saved", _now())
            data = self._db.serialize()
            generation = self._generation
        try:
            atomic_write(target, data)
        except OSError as exc:
            raise WorkspaceError(f"Could not save {target.name}: {exc.strerror or exc}") from exc
        with self._lock:
            self.path = target
            self._saved_generation = generation
            self.dirty = self._generation != generation
            stale = {*self._recovery_files, self.recovery_path()}
            self._recovery_files.clear()
        for file in stale:
            with contextlib.suppress(OSError):
                file.unlink()

    def save_as(self, path: str | os.PathLike[str]) -> None:
        """Save to a new path, which becomes the workspace's path."""
        self.save(path)

    def recovery_path(self, folder: str | os.PathLike[str] | None = None) -> Path:
        """Where `write_recovery(folder)` writes: beside the file, or in `folder`."""
        if folder is None:
            if self.path is None:
                raise ValueError("an untitled workspace needs a folder for its recovery file")
            return self.path.with_name(self.path.name + RECOVERY_SUFFIX)
        stem = self.path.stem if self.path is not None else "untitled"
        return Path(folder) / f"{stem}-{self._uid}{SUFFIX}{RECOVERY_SUFFIX}"

    def write_recovery(self, path: str | os.PathLike[str] | None = None) -> Path:
        """Write the current state to a recovery file; safe to call from another thread.

        The snapshot is taken under the workspace lock (a consistent copy of the working
        database); the slow write happens outside it with no shared connection.

        Args:
            path: folder for the recovery file; required while untitled, otherwise the
                file goes beside the workspace.

        Returns:
            The recovery file written.
        """
        with self._lock:
            target = self.recovery_path(path)
            data = self._db.serialize()
            generation = self._generation
        atomic_write(target, data)
        with self._lock:
            if generation <= self._saved_generation:
                # A save finished meanwhile: this snapshot is already on disk.
                with contextlib.suppress(OSError):
                    target.unlink()
            else:
                self._recovery_files.add(target)
        return target

    @staticmethod
    def find_recovery(path: str | os.PathLike[str]) -> Path | None:
        """A recovery file left by a crash: beside workspace `path`, or the newest in a folder."""
        where = Path(path)
        if where.is_dir():
            found = sorted(
                where.glob(f"*{SUFFIX}{RECOVERY_SUFFIX}"), key=lambda p: p.stat().st_mtime
            )
            return found[-1] if found else None
        candidate = where.with_name(where.name + RECOVERY_SUFFIX)
        return candidate if candidate.exists() else None

    @classmethod
    def open_recovery(cls, recovery: str | os.PathLike[str]) -> Workspace:
        """Open a recovery file: path set to the workspace it belongs to, marked dirty.

        The recovery file is removed after the next successful save.
        """
        source = Path(recovery)
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise WorkspaceError(f"Could not read {source.name}: {exc.strerror or exc}") from exc
        ws = cls._from_bytes(data, source.name)
        origin = ws._get_meta("path")
        ws.path = Path(origin) if origin else None
        ws.dirty = True
        ws._generation, ws._saved_generation = 1, 0
        ws._recovery_files.add(source)
        return ws

    # -- database plumbing ----------------------------------------------------------------
    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One transaction under the lock; a failure leaves database and caches unchanged."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                self._load()  # caches may be half-updated: rebuild them from the database
                raise
            self._db.execute("COMMIT")
            self._generation += 1
            self.dirty = True

    def _set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def _get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    # -- reading --------------------------------------------------------------------------
    @property
    def reporting_currency(self) -> str:
        """ISO code that money is reported in ("" = no conversion)."""
        return self._currency

    @reporting_currency.setter
    def reporting_currency(self, value: str) -> None:
        self.set_reporting_currency(value)

    @_locked
    def facts(self) -> pd.DataFrame:
        """Effective canonical facts (edits and aliases applied) with a stable `row_id`.

        `row_id` is the row's position; it stays valid until a `Changes` with
        `reset=True`. Cached: the returned frame is a cheap copy-on-write view.
        """
        return self._eff().copy(deep=False)

    @_locked
    def events(self) -> pd.DataFrame | None:
        """Event users of all sources (aliases applied, deleted campaigns left out)."""
        if self._events_cache is False:
            frames = [
                src.events
                for src in self._sources.values()
                if src.events is not None and len(src.events)
            ]
            if not frames:
                self._events_cache = None
            else:
                events = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
                events = events.copy(deep=False)
                keys = events["campaign_key"].astype(object)
                if self._aliases:
                    events["campaign_key"] = keys.map(lambda k: self._aliases.get(k, k)).astype(
                        object
                    )
                deleted = self._deleted()
                if deleted:
                    events = events[~events["campaign_key"].isin(deleted)].reset_index(drop=True)
                self._events_cache = events
        return None if self._events_cache is None else self._events_cache  # type: ignore[return-value]

    def fx(self) -> kpi.FxRates:
        """Reporting currency and exchange rates, for `kpi.report`."""
        return kpi.FxRates(self._currency, dict(self._fx))

    def fx_rates(self) -> dict[str, float]:
        """Currency -> rate (1 unit = rate units of the reporting currency)."""
        return dict(self._fx)

    @_locked
    def campaigns(self) -> pd.DataFrame:
        """One row per campaign key: display name, notes, aliases, manual, rows."""
        names = self._first_names()
        keys = list(names.index)
        for key, row in self._campaign_rows.items():
            if not row["deleted"] and key not in self._aliases and key not in names.index:
                keys.append(key)
        keys.sort()
        display, notes, aliases, manual, counts = [], [], [], [], []
        index = self._index("campaign_key")
        for key in keys:
            row = self._campaign_rows.get(key, {})
            display.append(row.get("display_name") or names.get(key, key))
            notes.append(row.get("notes", ""))
            aliases.append(tuple(sorted(a for a, c in self._aliases.items() if c == key)))
            manual.append(bool(row.get("manual", False)))
            counts.append(len(index.get(key, ())))
        return pd.DataFrame(
            {
                "display_name": display,
                "notes": notes,
                "aliases": aliases,
                "manual": manual,
                "rows": counts,
            },
            index=pd.Index(keys, name="campaign_key", dtype=object),
        )

    def deleted_campaigns(self) -> list[str]:
        """Keys of deleted campaigns (their data is kept so that delete can be undone)."""
        return sorted(self._deleted())

    def aliases(self) -> dict[str, str]:
        """Alias campaign key -> canonical campaign key."""
        return dict(self._aliases)

    def targets(self) -> dict[str | None, dict[str, float]]:
        """Targets per KPI: campaign key (None = every campaign) -> kpi id -> target."""
        return {(k or None): dict(v) for k, v in self._targets.items() if v}

    def sources(self) -> list[SourceInfo]:
        """The workspace's sources in import order."""
        return [replace(s.info) for s in self._sources.values()]

    @_locked
    def daily(self, campaign_key: str) -> pd.DataFrame:
        """Effective rows of one campaign (canonical key), by date, with their `row_id`."""
        eff = self._eff()
        rows = self._index("campaign_key").get(campaign_key)
        if rows is None:
            return eff.iloc[0:0].copy(deep=False)
        frame = eff.iloc[rows]
        return frame.sort_values(["date", "channel", "variant"], na_position="last", kind="stable")

    @_locked
    def report(
        self,
        by: str | Sequence[str] | None = "campaign",
        *,
        start: object = None,
        end: object = None,
        campaigns: Sequence[str] | None = None,
        channels: Sequence[str] | None = None,
    ) -> kpi.KpiReport:
        """KPIs over the selection, with the workspace's events and exchange rates.

        Unfiltered reports by one grouping are cached and updated incrementally on edits.
        """
        unfiltered = start is None and end is None and campaigns is None and channels is None
        column = None
        if unfiltered and by is not None:
            names = [by] if isinstance(by, str) else list(by)
            if len(names) == 1:
                column = "campaign_key" if names[0] == "campaign" else names[0]
        if column is not None:
            cached = self._reports.get(column)
            if cached is None:
                report = kpi.report(self._eff(), by, events=self.events(), fx=self.fx())
                cached = self._reports[column] = _Cached(report, column)
                # The index the incremental updates need, built now rather than inside
                # the first edit (which has a latency budget; this table has none).
                self._index(column)
                if self._bufs is None:
                    self._reserve()
            return cached.report
        facts = self._eff()
        events = self.events()
        mask = kpi.select(facts, start=start, end=end, campaigns=campaigns, channels=channels)
        if events is not None and not mask.all():
            emask = kpi.select(events, start=start, end=end, campaigns=campaigns, channels=channels)
            events = events[emask]
        return kpi.report(facts[mask], by, events=events, fx=self.fx())

    def get_setting(self, key: str, default: Any = None) -> Any:
        """A workspace setting (JSON value), or `default`."""
        return self._settings.get(key, default)

    def set_setting(self, key: str, value: Any, *, view_state: bool = False) -> None:
        """Store a JSON-serialisable workspace setting.

        `view_state` settings (the filter a user last looked at) are saved with the
        workspace but do not by themselves make it "modified": closing after merely
        looking at another period must not ask to save.
        """
        text = json.dumps(value)
        was_dirty = self.dirty
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (key, text))
            self._settings[key] = json.loads(text)
        if view_state:
            self.dirty = was_dirty

    # -- edits ----------------------------------------------------------------------------
    def row_key(self, row_id: int) -> RowKey:
        """Natural key of an effective row (raises for adjustment rows and bad ids)."""
        src, pos = self._locate(row_id)
        key = self._key_at(src, pos)
        # Remember where the key lives so resolving it later needs no scan of the source.
        self._hints[key.to_json()] = pos
        return key

    def row_id(self, key: RowKey) -> int | None:
        """The effective row with natural key `key`, or None (gone or deleted)."""
        with self._lock:
            src = self._sources.get(key.source_id)
            if src is None:
                return None
            pos = self._resolve(src, key)
            if pos is None:
                return None
            self._eff()
            rid = self._row_of[key.source_id][pos]
            return None if rid < 0 else int(rid)

    def is_edited(self, row_id: int, field: str) -> bool:
        """Whether a facts cell holds an override (campaign adjustments count as edited)."""
        with self._lock:
            self._eff()
            return field in self._edited_cells.get(int(row_id), ())

    def edited_fields(self, row_id: int) -> frozenset[str]:
        """Fields of a row that hold overrides."""
        with self._lock:
            self._eff()
            return frozenset(self._edited_cells.get(int(row_id), ()))

    def imported_value(self, row_id: int, field: str) -> float | None:
        """The value a source supplied for a cell, whatever overrides it."""
        src, pos = self._locate(row_id)
        value = self._sources[src].facts[field].iat[pos]
        return None if _is_missing(value) else float(value)

    def override(self, table: str, key: RowKey | str, field: str) -> EditRecord | None:
        """The override of one cell, or None."""
        text = key.to_json() if isinstance(key, RowKey) else key
        return self._edits.get((table, text, field))

    def edits(self) -> list[EditRecord]:
        """Every override, in the order they were first made."""
        return list(self._edits.values())

    def orphaned_edits(self) -> list[EditRecord]:
        """Facts overrides whose row no longer exists (kept; they apply again if it returns)."""
        with self._lock:
            out = []
            for rec in self._edits.values():
                if rec.table != "facts":
                    continue
                assert isinstance(rec.row_key, RowKey)
                src = self._sources.get(rec.row_key.source_id)
                if src is None or self._resolve(src, rec.row_key) is None:
                    out.append(rec)
            return out

    def edit_cell(self, row_id: int, field: str, value: object) -> Changes:
        """Override one facts cell; typing the imported value back removes the override."""
        return self.edit_cells([(row_id, field, value)])

    def edit_cells(self, cells: Iterable[tuple[int, str, object]]) -> Changes:
        """Override many facts cells at once (a paste): one transaction, one `Changes`."""
        with self._lock:
            items = []
            for row_id, name, value in cells:
                if name not in EDITABLE_FIELDS:
                    raise ValueError(f"{name!r} cannot be edited")
                items.append((self.row_key(row_id), name, _as_value(name, value)))
            return self._set_overrides(items)

    def revert_cell(self, row_id: int, field: str) -> Changes:
        """Drop the override of one cell: the imported value shows again."""
        with self._lock:
            return self._set_overrides([(self.row_key(row_id), field, _REVERT)])

    def set_override(self, key: RowKey, field: str, value: object) -> Changes:
        """Override a cell by natural key; `value=REVERT` drops the override (for undo)."""
        return self.set_overrides([(key, field, value)])

    def set_overrides(self, items: Iterable[tuple[RowKey, str, object]]) -> Changes:
        """Override cells by natural key in one transaction (`REVERT` drops one)."""
        parsed = []
        for key, name, value in items:
            if name not in EDITABLE_FIELDS:
                raise ValueError(f"{name!r} cannot be edited")
            parsed.append((key, name, value if value is _REVERT else _as_value(name, value)))
        with self._lock:
            return self._set_overrides(parsed)

    def _set_overrides(self, items: Sequence[tuple[RowKey, str, object]]) -> Changes:
        touched: list[tuple[RowKey, str]] = []
        with self._tx() as db:
            for key, name, value in items:
                src = self._sources.get(key.source_id)
                text = key.to_json()
                pos = self._resolve(src, key) if src is not None else None
                imported = None
                if pos is not None and src is not None:
                    raw = src.facts[name].iat[pos]
                    imported = None if _is_missing(raw) else float(raw)
                if value is _REVERT or (pos is not None and _same(value, imported)):  # type: ignore[arg-type]
                    db.execute(
                        "DELETE FROM edits WHERE tbl = 'facts' AND row_key = ? AND field = ?",
                        (text, name),
                    )
                    self._edits.pop(("facts", text, name), None)
                else:
                    old = self._edits.get(("facts", text, name))
                    old_value = old.old_value if old is not None and pos is None else imported
                    rec = EditRecord("facts", key, name, old_value, value, _now())  # type: ignore[arg-type]
                    db.execute(
                        "INSERT INTO edits (tbl, row_key, field, old_value, new_value, time,"
                        " pos_hint) VALUES ('facts', ?, ?, ?, ?, ?, ?) ON CONFLICT"
                        " (tbl, row_key, field) DO UPDATE SET new_value = excluded.new_value,"
                        " old_value = excluded.old_value, time = excluded.time,"
                        " pos_hint = excluded.pos_hint",
                        (text, name, old_value, value, rec.time, pos),
                    )
                    self._edits[("facts", text, name)] = rec
                    if pos is not None:
                        self._hints[text] = pos
                if pos is not None:
                    touched.append((key, name))
        return self._apply_cell_changes(touched)

    def _apply_cell_changes(self, touched: list[tuple[RowKey, str]]) -> Changes:
        """Update the cached effective facts and reports for changed cells, incrementally."""
        if (
            self._effective is not None
            and getattr(self, "_cross_source_fields", None)
            and (self._cross_source_fields & {n for _, n in touched})
        ):
            self._invalidate()  # the merge decides these fields: run it again (same rows)
        if self._effective is None:
            return Changes(rows=None, fields=frozenset(n for _, n in touched))
        by_field: dict[str, list[tuple[int, float | None]]] = {}
        for key, name in touched:
            src = self._sources[key.source_id]
            pos = self._resolve(src, key)
            assert pos is not None
            rid = int(self._row_of[key.source_id][pos])
            if rid < 0:
                continue  # a deleted campaign's row: not in the effective facts
            rec = self._edits.get(("facts", key.to_json(), name))
            value = src.facts[name].iat[pos] if rec is None else rec.new_value
            by_field.setdefault(name, []).append((rid, value))
            cells = self._edited_cells.setdefault(rid, set())
            if rec is None:
                cells.discard(name)
            else:
                cells.add(name)
        rows: set[int] = set()
        for name, updates in by_field.items():
            self._set_values(name, updates)
            rows.update(rid for rid, _ in updates)
        keys = self._eff()["campaign_key"].to_numpy()
        campaigns = {keys[r] for r in rows}
        adjusted = self._refresh_adjustments(campaigns)
        rows |= adjusted
        fields = set(by_field) | (set(CAMPAIGN_EDITABLE_FIELDS) if adjusted else set())
        self._update_reports(rows, fields, values_only=True)
        return Changes(
            rows=frozenset(rows),
            fields=frozenset(by_field),
            campaigns=frozenset(campaigns),
        )

    # -- campaign-level edits -------------------------------------------------------------
    def campaign_override(self, campaign_key_: str, field: str) -> float | None:
        """The typed campaign total of a field, or None when not pinned."""
        rec = self._edits.get(("campaigns", campaign_key_, field))
        return None if rec is None else rec.new_value

    def edit_campaign_value(self, campaign_key_: str, field: str, value: object) -> Changes:
        """Pin a campaign's total of an additive field over all dates (blank = revert).

        Money is in the reporting currency. The campaign's daily rows keep their values;
        a lifetime adjustment row makes up the difference (see the module docstring).
        """
        if field not in CAMPAIGN_EDITABLE_FIELDS:
            raise ValueError(f"{FIELDS[field].label} has no campaign total to edit")
        number = _as_value(field, value)
        if number is None:
            return self.revert_campaign_value(campaign_key_, field)
        with self._lock:
            if campaign_key_ not in self._index("campaign_key"):
                raise KeyError(f"no campaign {campaign_key_!r} with data")
            old = self._edits.get(("campaigns", campaign_key_, field))
            if old is not None:
                old_value = old.old_value
            else:
                old_value = self._campaign_total(campaign_key_, field, exclude_adjustment=False)
            rec = EditRecord("campaigns", campaign_key_, field, old_value, number, _now())
            with self._tx() as db:
                db.execute(
                    "INSERT INTO edits (tbl, row_key, field, old_value, new_value, time)"
                    " VALUES ('campaigns', ?, ?, ?, ?, ?) ON CONFLICT (tbl, row_key, field)"
                    " DO UPDATE SET new_value = excluded.new_value, time = excluded.time",
                    (campaign_key_, field, old_value, number, rec.time),
                )
                self._edits[("campaigns", campaign_key_, field)] = rec
            return self._adjustments_changed(campaign_key_, field)

    def revert_campaign_value(self, campaign_key_: str, field: str) -> Changes:
        """Unpin a campaign total: it is the sum of the campaign's rows again."""
        with self._lock:
            if ("campaigns", campaign_key_, field) not in self._edits:
                return NO_CHANGES
            with self._tx() as db:
                db.execute(
                    "DELETE FROM edits WHERE tbl = 'campaigns' AND row_key = ? AND field = ?",
                    (campaign_key_, field),
                )
                del self._edits[("campaigns", campaign_key_, field)]
            return self._adjustments_changed(campaign_key_, field)

    def _adjustments_changed(self, key: str, field: str) -> Changes:
        had = self._effective is not None and key in self._adjust_rows
        needs = any(k[0] == "campaigns" and k[1] == key for k in self._edits)
        if self._effective is not None and had != needs:
            # An adjustment row appears or goes: patch the effective facts, indices and
            # cached reports for this one row instead of rebuilding a million rows.
            # Row ids may shift (reset), but only this campaign's data changed.
            touched: frozenset[str] | None = frozenset({key})
            if needs and key in self._index("campaign_key") and key not in self._aliases:
                rows = self._append_adjustment(key)
                self._update_reports(rows, {field})
            elif not needs:
                extra = self._remove_adjustment(key)
                self._update_reports(set(), {field}, extra)
            else:
                self._invalidate()
                touched = None
            return Changes(rows=None, fields=frozenset({field}), reset=True, campaigns=touched)
        if self._effective is None:
            return Changes(rows=None, fields=frozenset({field}), reset=True, campaigns=None)
        rows = self._refresh_adjustments({key})
        self._update_reports(rows, set(CAMPAIGN_EDITABLE_FIELDS), values_only=True)
        return Changes(rows=frozenset(rows), fields=frozenset({field}), campaigns=frozenset({key}))

    def _append_adjustment(self, key: str) -> set[int]:
        """Add campaign `key`'s adjustment row at the end; returns the row ids that changed.

        Existing row ids stay valid (adjustment rows always come after source rows).
        """
        eff = self._eff()
        rid = len(eff)
        positions = self._index("campaign_key")[key]
        row = self._campaign_rows.get(key, {})
        name = row.get("display_name") or eff["campaign"].iat[int(positions[0])]
        extra = self._adjustment_frame([key], eff, names=[name])
        extra = extra.drop(columns=["_src", "_pos"])
        extra["row_id"] = np.arange(rid, rid + 1, dtype=np.int64)
        # The row's values before it joins the facts (its campaign's other rows are all
        # there is to sum), so it is written once and no column is copied for it.
        pinned = self._pinned(key)
        for field, typed in pinned.items():
            rest = self._campaign_total(key, field, exclude_adjustment=True)
            extra[field] = typed - rest
        if (
            self._bufs is None
            or rid < self._exposed
            or rid >= min(len(b) for b in self._bufs.values())
            or list(self._bufs) != list(eff.columns)
        ):
            self._reserve()
        assert self._bufs is not None
        for column, buf in self._bufs.items():
            buf[rid] = extra[column].to_numpy()[0]
        new = self._frame_from_bufs(rid + 1)
        self._effective = new
        self._row_src = np.append(self._row_src, np.int32(-1)).astype(self._row_src.dtype)
        self._row_pos = np.append(self._row_pos, 0).astype(self._row_pos.dtype)
        self._adjust_rows[key] = rid
        self._edited_cells[rid] = {k[2] for k in self._edits if k[0] == "campaigns" and k[1] == key}
        for column in list(self._indices):
            index = self._indices[column]
            label = new[column].iat[rid]
            if _is_missing(label) or label is pd.NaT:
                del self._indices[column]  # a missing label is no dict key: rebuild lazily
            elif label in index:
                index[label] = np.append(index[label], rid)
            else:
                index[label] = np.array([rid], dtype=np.int64)
        self._edited_cells[rid] = set(pinned)
        return {rid}

    def _remove_adjustment(self, key: str) -> dict[str, Any]:
        """Drop campaign `key`'s adjustment row; later adjustment rows move up by one.

        Returns the removed row's label per cached report column, for `_update_reports`.
        """
        eff = self._eff()
        rid = self._adjust_rows.pop(key)
        extra = {column: eff[column].iat[rid] for column in self._reports}
        if rid == len(eff) - 1:
            # Over the buffers (rows below `_exposed` stay as they are), or a
            # copy-on-write slice: no copy of a million rows either way.
            new = self._frame_from_bufs(rid) if self._bufs is not None else eff.iloc[:rid]
        else:
            new = eff.drop(index=rid).reset_index(drop=True)
            new["row_id"] = np.arange(len(new), dtype=np.int64)
            self._bufs = None
        self._effective = new
        self._row_src = np.delete(self._row_src, rid)
        self._row_pos = np.delete(self._row_pos, rid)
        self._adjust_rows = {k: r - 1 if r > rid else r for k, r in self._adjust_rows.items()}
        self._edited_cells = {
            (r - 1 if r > rid else r): cells for r, cells in self._edited_cells.items() if r != rid
        }
        for index in self._indices.values():
            for label, rows in list(index.items()):
                if not len(rows) or rows[-1] < rid:
                    continue
                rows = rows[rows != rid]
                rows[rows > rid] -= 1
                if len(rows):
                    index[label] = rows
                else:
                    del index[label]
        return extra

    def _campaign_total(self, key: str, field: str, *, exclude_adjustment: bool) -> float:
        eff = self._eff()
        positions = self._index("campaign_key").get(key, np.zeros(0, dtype=np.int64))
        if exclude_adjustment and key in self._adjust_rows:
            positions = positions[positions != self._adjust_rows[key]]
        sub = eff.iloc[positions]
        events = self.events()
        if events is not None and field == "users":
            events = events[events["campaign_key"] == key]
        sums = kpi.aggregate(sub, None, events=events, fx=self.fx())
        value = sums[field].iloc[0]
        return 0.0 if _is_missing(value) else float(value)

    def _pinned(self, key: str) -> dict[str, float]:
        """Field -> typed total of campaign `key`'s campaign-level edits."""
        return {
            name: rec.new_value
            for (tbl, rkey, name), rec in self._edits.items()
            if tbl == "campaigns" and rkey == key and rec.new_value is not None
        }

    # -- effective facts storage ----------------------------------------------------------
    def _reserve(self) -> None:
        """Copy the effective facts into column buffers with spare rows at the end.

        Done when the first cached report is built (which has no latency budget), so a
        campaign-level edit appends its adjustment row by writing one row in place
        instead of copying a million. Frames handed out before stay valid: they view the
        first `_exposed` rows, and rows are only ever written in place at or beyond that
        (other writes copy the column first, see `_set_values`).
        """
        eff = self._eff()
        n = len(eff)
        capacity = n + max(1024, n // 32)
        bufs: dict[str, np.ndarray] = {}
        for name in eff.columns:
            values = eff[name].to_numpy()
            buf = np.empty(capacity, dtype=values.dtype)
            buf[:n] = values
            if values.dtype == object:
                buf[n:] = None
            bufs[str(name)] = buf
        self._bufs = bufs
        self._exposed = 0
        self._effective = self._frame_from_bufs(n)

    def _frame_from_bufs(self, n: int) -> pd.DataFrame:
        assert self._bufs is not None
        columns = {
            name: pd.Series(buf[:n], dtype=buf.dtype, copy=False)
            for name, buf in self._bufs.items()
        }
        self._exposed = max(self._exposed, n)
        return pd.DataFrame(columns, copy=False)

    def _set_values(self, name: str, updates: Sequence[tuple[int, float | None]]) -> None:
        """Write cells of one numeric column of the effective facts (copy on write)."""
        eff = self._eff()
        n = len(eff)
        if self._bufs is None:
            column = eff[name].to_numpy(copy=True)
            for rid, value in updates:
                column[rid] = np.nan if value is None else value
            eff[name] = column
            return
        old = self._bufs[name]
        buf = np.empty_like(old)
        buf[:n] = old[:n]
        for rid, value in updates:
            buf[rid] = np.nan if value is None else value
        self._bufs[name] = buf
        self._effective = self._frame_from_bufs(n)

    def _refresh_adjustments(self, keys: Iterable[str]) -> set[int]:
        """Recompute the adjustment rows of `keys`; returns the row ids that changed."""
        changed: set[int] = set()
        assert self._effective is not None
        eff = self._effective
        for key in keys:
            rid = self._adjust_rows.get(key)
            if rid is None:
                continue
            pinned = self._pinned(key)
            for name in CAMPAIGN_EDITABLE_FIELDS:
                if name in pinned:
                    rest = self._campaign_total(key, name, exclude_adjustment=True)
                    value = pinned[name] - rest
                elif np.isnan(eff[name].iat[rid]):
                    continue
                else:
                    value = np.nan  # a field whose pin was reverted: nothing to make up
                self._set_values(name, [(rid, value)])
                eff = self._effective
                changed.add(rid)
            self._edited_cells[rid] = set(pinned)
        return changed

    # -- incremental report updates -------------------------------------------------------
    def _update_reports(
        self,
        rows: set[int],
        fields: set[str],
        removed: Mapping[str, Any] | None = None,
        *,
        values_only: bool = False,
    ) -> None:
        """Recompute the cached reports' groups of `rows` and patch their totals.

        `removed` maps a report column to the label of a row that just left the facts:
        its group is recomputed too (and a group left empty drops that cached report).
        `values_only`: only the values of `fields` changed in `rows` (no row came or
        went), so only those fields' sums of the groups are recomputed, one column each,
        rather than regrouping every column of the groups' rows.
        """
        if not rows and not removed:
            return
        eff = self._eff()
        events = self.events()
        fx = self.fx()
        event_sources = set() if events is None else set(events["source_id"].unique())
        for column, cached in list(self._reports.items()):
            if column == "date":
                # NaT group labels do not round-trip through dict lookups: recompute.
                del self._reports[column]
                continue
            index = self._index(column)
            values = eff[column].to_numpy()
            wanted = dict.fromkeys(values[r] for r in sorted(rows))
            if removed is not None and column in removed:
                wanted[removed[column]] = None
            groups = list(wanted)
            if not groups:
                continue
            if not all(g in index and g in cached.report.rows.index for g in groups):
                # A group appeared or vanished: the table changes shape, rebuild it lazily.
                del self._reports[column]
                continue
            old = cached.report
            if values_only:
                quick = self._field_sums(eff, index, groups, fields, fx, event_sources)
                if quick is not None:
                    sums_columns = [
                        c for c in old.rows.columns if c != "campaign" and c not in kpi.KPI_BY_ID
                    ]
                    fresh = old.rows.loc[groups, sums_columns].copy()
                    for name, values in quick.items():
                        fresh[name] = values
                    self._patch_report(cached, eff, fresh, fields)
                    continue
            positions = np.concatenate([index[g] for g in groups])
            sub = eff.iloc[positions]
            if event_sources:
                # As kpi.aggregate does over all facts: event sources' users come from
                # distinct event users, even where this subset has no events.
                sub = sub.copy()
                sub.loc[sub["source_id"].isin(event_sources), "users"] = np.nan
            sub_events = None
            if events is not None:
                eindex = self._event_index(column)
                parts = [eindex[g] for g in groups if g in eindex]
                sub_events = events.iloc[np.concatenate(parts)] if parts else events.iloc[0:0]
            fresh = kpi.aggregate(sub, column, events=sub_events, fx=fx)
            self._patch_report(cached, eff, fresh, fields)

    @staticmethod
    def _field_sums(
        eff: pd.DataFrame,
        index: Mapping[Any, np.ndarray],
        groups: list[Any],
        fields: set[str],
        fx: kpi.FxRates,
        event_sources: set[str],
    ) -> dict[str, np.ndarray] | None:
        """`kpi.aggregate`'s sums of `fields` for `groups`, from those columns alone.

        None when that is not enough: users of event-log sources (distinct people),
        or money in a currency without a rate (the group's fx_missing may change).
        """
        if "users" in fields and event_sources:
            return None
        parts = [index[g] for g in groups]
        positions = np.concatenate(parts)
        codes = np.repeat(np.arange(len(groups)), [len(p) for p in parts])
        money = [f for f in fields if f in kpi.MONEY_FIELDS]
        factor = None
        if money and fx.reporting:
            currency = eff["currency"].to_numpy()[positions]
            cur_codes, uniques = pd.factorize(currency, use_na_sentinel=False)
            rates = [fx.rate("" if pd.isna(c) else str(c)) for c in uniques]
            table = np.array([np.nan if r is None else r for r in rates], dtype=np.float64)
            factor = table[cur_codes]
            if np.isnan(factor).any():
                return None
        out: dict[str, np.ndarray] = {}
        for name in sorted(fields):
            values = eff[name].to_numpy(dtype="float64")[positions]
            if factor is not None and name in money:
                values = values * factor
            present = ~np.isnan(values)
            count = np.bincount(codes[present], minlength=len(groups))
            total = np.bincount(
                codes[present], weights=values[present], minlength=len(groups)
            ).astype(np.float64)
            if name in RATE_FIELDS:
                with np.errstate(invalid="ignore", divide="ignore"):
                    total = total / count
            total[count == 0] = np.nan
            out[name] = total
        return out

    @staticmethod
    def _patch_report(
        cached: _Cached, eff: pd.DataFrame, fresh: pd.DataFrame, fields: set[str]
    ) -> None:
        """Put recomputed group sums `fresh` into a cached report; patch its total."""
        old = cached.report
        table = old.rows.copy()
        sums_columns = [c for c in fresh.columns if c != "campaign"]
        labels = fresh.index
        before = table.loc[labels, sums_columns]
        table.loc[labels, sums_columns] = fresh[sums_columns].to_numpy()
        kpis = kpi.compute_kpis(table.loc[labels, sums_columns])
        table.loc[labels, list(kpis.columns)] = kpis.to_numpy()
        total = old.total.copy()
        for name in sums_columns:
            if name in RATE_FIELDS:
                if name in fields:  # a mean has no delta form: recompute that column
                    total[name] = eff[name].mean()
                continue
            delta = (fresh[name].fillna(0.0) - before[name].fillna(0.0)).sum()
            base = 0.0 if _is_missing(total[name]) else float(total[name])
            total[name] = base + delta if table[name].notna().any() else np.nan
        tkpis = kpi.compute_kpis(total[sums_columns].to_frame().T.astype(float))
        for kpi_id in tkpis.columns:
            total[kpi_id] = tkpis[kpi_id].iloc[0]
        cached.report = replace(old, rows=table, total=total)

    def _index(self, column: str) -> dict[Any, np.ndarray]:
        index = self._indices.get(column)
        if index is None:
            index = self._indices[column] = _group_positions(self._eff()[column])
        return index

    def _event_index(self, column: str) -> dict[Any, np.ndarray]:
        index = self._event_indices.get(column)
        if index is None:
            events = self.events()
            assert events is not None
            grouped = events.groupby(column, sort=False, dropna=False)
            index = self._event_indices[column] = dict(grouped.indices)
        return index

    def _first_names(self) -> pd.Series:
        if self._names is None:
            eff = self._eff()
            index = self._index("campaign_key")
            names = eff["campaign"].to_numpy()
            self._names = pd.Series(
                {k: names[v[0]] for k, v in index.items()}, dtype=object
            ).sort_index()
        return self._names

    # -- effective facts ------------------------------------------------------------------
    def _eff(self) -> pd.DataFrame:
        if self._effective is None:
            self._rebuild()
        assert self._effective is not None
        return self._effective

    def _rebuild(self) -> None:
        """Effective facts from the sources: overrides, merge, aliases, deletes, adjustments."""
        self._indices, self._event_indices, self._reports, self._names = {}, {}, {}, None
        self._bufs, self._exposed = None, 0
        parts = []
        order = list(self._sources)
        overrides: dict[str, list[tuple[int, str, float | None]]] = {}
        edited: dict[tuple[str, int], set[str]] = {}
        for (tbl, _text, name), rec in self._edits.items():
            if tbl != "facts":
                continue
            assert isinstance(rec.row_key, RowKey)
            src = self._sources.get(rec.row_key.source_id)
            pos = self._resolve(src, rec.row_key) if src is not None else None
            if pos is not None:
                overrides.setdefault(rec.row_key.source_id, []).append((pos, name, rec.new_value))
                edited.setdefault((rec.row_key.source_id, pos), set()).add(name)
        for code, sid in enumerate(order):
            src = self._sources[sid]
            part = src.facts.loc[:, list(FIELD_NAMES)]
            by_field: dict[str, list[tuple[int, float | None]]] = {}
            for pos, name, value in overrides.get(sid, ()):
                by_field.setdefault(name, []).append((pos, value))
            for name, updates in by_field.items():
                column = part[name].to_numpy(copy=True)
                for pos, value in updates:
                    column[pos] = np.nan if value is None else value
                part[name] = column
            part["_src"] = np.full(len(part), code, dtype=np.int32)
            part["_pos"] = np.arange(len(part), dtype=np.int64)
            parts.append(part)
        eff = self._merge_parts(parts, order)
        eff = self._apply_campaigns(eff)
        adjust_keys = sorted(
            {k[1] for k in self._edits if k[0] == "campaigns"}
            - self._deleted()
            - set(self._aliases)
        )
        if adjust_keys:
            eff = pd.concat([eff, self._adjustment_frame(adjust_keys, eff)], ignore_index=True)
        src_codes = eff.pop("_src").to_numpy()
        positions = eff.pop("_pos").to_numpy()
        eff["row_id"] = np.arange(len(eff), dtype=np.int64)
        self._row_src = src_codes
        self._row_pos = positions
        self._source_order = order
        self._row_of = {}
        for code, sid in enumerate(order):
            mapping = np.full(len(self._sources[sid].facts), -1, dtype=np.int64)
            mine = np.flatnonzero(src_codes == code) if len(order) > 1 else np.arange(len(eff))
            mine = mine[src_codes[mine] == code]
            mapping[positions[mine]] = mine
            self._row_of[sid] = mapping
        self._edited_cells = {}
        for (sid, pos), names in edited.items():
            rid = int(self._row_of[sid][pos])
            if rid >= 0:
                self._edited_cells[rid] = set(names)
        self._adjust_rows = {}
        n_adjust = len(adjust_keys)
        for i, key in enumerate(adjust_keys):
            rid = len(eff) - n_adjust + i
            self._adjust_rows[key] = rid
            self._edited_cells[rid] = {
                k[2] for k in self._edits if k[0] == "campaigns" and k[1] == key
            }
        self._effective = eff
        if adjust_keys:
            self._refresh_adjustments(adjust_keys)

    def _merge_parts(self, parts: list[pd.DataFrame], order: list[str]) -> pd.DataFrame:
        """Run `_merge_sources` over the sources in `order`; keep its notes for the UI."""
        from kpi_desktop.core.io.presets import PRESET_LABELS, PRESET_ROLES

        infos = [self._sources[sid].info for sid in order]
        labels = [PRESET_LABELS.get(i.platform) or i.file_name or i.id for i in infos]
        sources = [
            MergeSource(
                source_id=info.id,
                platform=info.platform,
                role=PRESET_ROLES.get(info.platform, "other"),
                # Two files of one platform are told apart by their file names.
                label=f"{label} ({info.file_name})"
                if labels.count(label) > 1 and info.file_name
                else label,
                supplies=frozenset(info.supplies),
                currency=info.currency,
            )
            for info, label in zip(infos, labels, strict=True)
        ]
        merged = _merge_sources(parts, sources, self._aliases)
        self._merge_notes = merged.notes
        self._cross_source_fields = merged.cross_source
        return merged.facts

    @_locked
    def merge_notes(self) -> list[Any]:
        """Where each field's values come from (`core.io.merge.MergeNote`: field,
        sources, text), e.g. "spend: sum of Meta Ads, Google Ads"."""
        self._eff()
        return list(getattr(self, "_merge_notes", ()))

    def merge_summary(self) -> list[str]:
        """The merge notes a reader of a report should see, grouped by source: outcome,
        cost and bot fields once several sources are merged, and always a fallback to
        (or the setting aside of) the ad platforms' own conversions."""
        notes = self.merge_notes()
        imports = [s for s in self._sources.values() if s.info.kind != "manual"]
        special = [n for n in notes if "ad platforms' own" in n.text]
        if len(imports) < 2 and not special:
            return []
        out: list[str] = []
        single: dict[str, list[str]] = {}
        for note in notes:
            if note.field in _REFERENCE_FIELDS or note in special:
                continue
            label = note.sources[0] if len(note.sources) == 1 else ""
            if label and note.text.endswith(f": from {label}"):
                single.setdefault(label, []).append(note.text.removesuffix(f": from {label}"))
            else:
                out.append(note.text)
        out += [f"{', '.join(fields)}: from {label}" for label, fields in single.items()]
        return out + [n.text for n in special]

    def _apply_campaigns(self, eff: pd.DataFrame) -> pd.DataFrame:
        """Aliases, display names and deletes, touching only the rows they concern."""
        present: set[str] = set()
        for src in self._sources.values():
            present |= src.keys
        display = {
            k: r["display_name"] for k, r in self._campaign_rows.items() if r["display_name"]
        }
        rewrite = (set(self._aliases) | set(display)) & present
        if rewrite:
            keys = eff["campaign_key"]
            mask = keys.isin(rewrite).to_numpy()
            sub = eff.loc[mask, ["campaign", "campaign_key"]]
            canon = sub["campaign_key"].map(lambda k: self._aliases.get(k, k))
            # Campaign names follow the canonical campaign: its display name, or the
            # name its own rows carry.
            names = {}
            for key in set(canon):
                if key in display:
                    names[key] = display[key]
                    continue
                own = eff["campaign"][(keys == key).to_numpy()]
                if len(own):
                    names[key] = own.iloc[0]
            new_names = canon.map(names).where(canon.isin(list(names)), sub["campaign"])
            key_column = keys.to_numpy(copy=True)
            key_column[mask] = canon.to_numpy()
            name_column = eff["campaign"].to_numpy(copy=True)
            name_column[mask] = new_names.to_numpy()
            eff = eff.copy(deep=False)
            eff["campaign_key"] = _text(key_column, eff.index)
            eff["campaign"] = _text(name_column, eff.index)
        deleted = self._deleted()
        if deleted:
            keep = ~eff["campaign_key"].isin(deleted).to_numpy()
            if not keep.all():
                eff = eff[keep].reset_index(drop=True)
        return eff

    def _adjustment_frame(
        self, keys: list[str], eff: pd.DataFrame, names: list[str] | None = None
    ) -> pd.DataFrame:
        if names is None:
            names = []
            for key in keys:
                row = self._campaign_rows.get(key, {})
                own = eff["campaign"][(eff["campaign_key"] == key).to_numpy()]
                names.append(row.get("display_name") or (own.iloc[0] if len(own) else key))
        frame = normalize_facts(
            pd.DataFrame(
                {
                    "campaign": names,
                    "campaign_key": keys,
                    "currency": self._currency,
                    "source_id": ADJUSTMENT_SOURCE,
                }
            )
        )
        frame["_src"] = np.int32(-1)
        frame["_pos"] = np.arange(len(keys), dtype=np.int64)
        return frame

    def _deleted(self) -> set[str]:
        return {k for k, r in self._campaign_rows.items() if r["deleted"]}

    def _locate(self, row_id: int) -> tuple[str, int]:
        with self._lock:
            eff = self._eff()
            rid = int(row_id)
            if not 0 <= rid < len(eff):
                raise IndexError(f"no row {row_id}")
            code = int(self._row_src[rid])
            if code < 0:
                raise ValueError(
                    "This row is a campaign-total adjustment: edit the campaign's total instead."
                )
            return self._source_order[code], int(self._row_pos[rid])

    def _key_at(self, sid: str, pos: int) -> RowKey:
        facts = self._sources[sid].facts
        return RowKey(
            sid,
            _day(facts["date"].iat[pos]),
            str(facts["campaign_key"].iat[pos]),
            str(facts["channel"].iat[pos]),
            str(facts["variant"].iat[pos]),
            int(facts[_DUP].iat[pos]),
        )

    def _resolve(self, src: _Source | None, key: RowKey) -> int | None:
        """Position of `key` in its source: the remembered position if it still matches."""
        if src is None:
            return None
        text = key.to_json()
        hint = self._hints.get(text)
        if hint is not None and hint < len(src.facts) and self._key_at(key.source_id, hint) == key:
            return hint
        if key.campaign_key not in src.keys:
            return None
        facts = src.facts
        mask = (
            (facts["campaign_key"] == key.campaign_key).to_numpy()
            & (facts["channel"] == key.channel).to_numpy()
            & (facts["variant"] == key.variant).to_numpy()
            & (facts[_DUP] == key.dup).to_numpy()
        )
        dates = facts["date"]
        if key.date:
            mask &= (dates == pd.Timestamp(key.date)).to_numpy()
        else:
            mask &= dates.isna().to_numpy()
        found = np.flatnonzero(mask)
        if not len(found):
            return None
        self._hints[text] = int(found[0])
        return int(found[0])

    @staticmethod
    def _keys_of(facts: pd.DataFrame) -> frozenset[str]:
        return frozenset(pd.unique(facts["campaign_key"]))

    # -- sources --------------------------------------------------------------------------
    def find_replaceable(self, result: object) -> str | None:
        """Id of a source that `result` would replace (same SHA-256, or same file+platform)."""
        sha = str(_result_attr(result, "sha256", "") or "")
        name = str(_result_attr(result, "file_name", "") or "")
        platform = _platform(result)
        for src in self._sources.values():
            if sha and src.info.sha256 == sha:
                return src.info.id
        for src in self._sources.values():
            if name and src.info.file_name == name and src.info.platform == platform:
                return src.info.id
        return None

    def add_import(self, result: object, *, replace: str | None = None) -> Changes:
        """Add an importer's `ImportResult` (duck-typed) as a source.

        Args:
            result: has `facts`, `events`, `problems`, `preset`, `mapping`, `supplies`,
                `sha256`, `file_name`, `currency`.
            replace: id of a source this import replaces (see `find_replaceable`); it
                keeps that id so overrides that still match a row keep applying.

        Returns:
            Changes with `reset`, the new source id in `sources`, and the overrides of a
            replaced source that no longer match a row in `dropped_edits`.
        """
        facts = _canonical(_result_attr(result, "facts"))
        events = _result_attr(result, "events")
        problems = tuple(str(p) for p in (_result_attr(result, "problems") or ()))
        info = SourceInfo(
            id="",
            kind="import",
            file_name=str(_result_attr(result, "file_name", "") or ""),
            sha256=str(_result_attr(result, "sha256", "") or ""),
            platform=_platform(result),
            mapping=_jsonable(_result_attr(result, "mapping")),
            imported_at=_now(),
            warnings=problems,
            supplies=tuple(sorted(str(s) for s in (_result_attr(result, "supplies") or ()))),
            currency=str(_result_attr(result, "currency", "") or ""),
            rows=len(facts),
        )
        with self._lock:
            if replace is not None and replace not in self._sources:
                raise KeyError(f"no source {replace!r}")
            with self._tx():
                ordinal = None
                if replace is not None:
                    ordinal = self._ordinal(replace)
                    self._delete_source(replace)
                info.id = replace or self._next_source_id()
                self._insert_source(info, facts, events, ordinal=ordinal)
            if not self._currency:
                # A new workspace reports in the currency of its first money-bearing import.
                found = info.currency or _single_currency(facts)
                if found:
                    self.set_reporting_currency(found)
            dropped = tuple(
                r
                for r in self.orphaned_edits()
                if isinstance(r.row_key, RowKey) and r.row_key.source_id == info.id
            )
            return Changes(
                rows=None,
                reset=True,
                campaigns=None,
                scope=frozenset({"sources"}),
                sources=(info.id,),
                dropped_edits=dropped,
            )

    def add_imports(self, results: Iterable[object], *, replace_same: bool = True) -> Changes:
        """Add several import results; with `replace_same`, a result that matches an
        existing source (`find_replaceable`) replaces it instead of doubling its rows.

        The non-interactive form of the GUI's "offered as replace" (CLI, scripts).
        """
        changes = NO_CHANGES
        for result in results:
            old = self.find_replaceable(result) if replace_same else None
            changes = changes.merge(self.add_import(result, replace=old))
        return changes

    def warnings(self) -> list[str]:
        """What a reader of a report should know: import problems, missing exchange
        rates, overrides that no longer match a row."""
        out = []
        for src in self._sources.values():
            name = src.info.file_name or src.info.id
            out.extend(f"{name}: {problem}" for problem in src.info.warnings)
        missing = kpi.missing_currencies(self.facts(), self.fx())
        if missing:
            out.append(
                f"no exchange rate for {', '.join(missing)}: money KPIs are undefined "
                f"where they are involved"
            )
        orphans = len(self.orphaned_edits())
        if orphans:
            out.append(f"{orphans} edit(s) no longer match an imported row")
        return out

    def remove_source(self, source_id: str) -> SourceSnapshot:
        """Remove a source (its overrides stay, orphaned); returns it for `restore_source`."""
        with self._lock:
            src = self._sources[source_id]
            snapshot = SourceSnapshot(
                replace(src.info), src.facts, src.events, self._ordinal(source_id)
            )
            with self._tx():
                self._delete_source(source_id)
            return snapshot

    def restore_source(self, snapshot: SourceSnapshot) -> Changes:
        """Put back a removed source (replacing one with the same id) at its old place."""
        with self._lock, self._tx():
            if snapshot.info.id in self._sources:
                self._delete_source(snapshot.info.id)
            self._insert_source(
                replace(snapshot.info), snapshot.facts, snapshot.events, ordinal=snapshot.ordinal
            )
        return Changes(
            rows=None,
            reset=True,
            campaigns=None,
            scope=frozenset({"sources"}),
            sources=(snapshot.info.id,),
        )

    def source_snapshot(self, source_id: str) -> SourceSnapshot:
        """A source's data, for undo of a replacing import."""
        src = self._sources[source_id]
        return SourceSnapshot(replace(src.info), src.facts, src.events, self._ordinal(source_id))

    def _ordinal(self, source_id: str) -> int:
        row = self._db.execute("SELECT ordinal FROM sources WHERE id = ?", (source_id,)).fetchone()
        return int(row[0])

    def _next_source_id(self) -> str:
        n = int(self._get_meta("next_source") or "1")
        while f"s{n}" in self._sources:
            n += 1
        self._set_meta("next_source", str(n + 1))
        return f"s{n}"

    def _insert_source(
        self,
        info: SourceInfo,
        facts: pd.DataFrame,
        events: pd.DataFrame | None,
        *,
        ordinal: int | None = None,
    ) -> None:
        """Store a source (call inside `_tx`). Facts get their source id and `_dup`."""
        frame = facts.reset_index(drop=True)
        frame["source_id"] = _text(np.full(len(frame), info.id, dtype=object), frame.index)
        if _DUP not in facts:
            frame[_DUP] = _dup_index(frame)
        if events is not None:
            events = events.copy(deep=False)
            events["source_id"] = _text(np.full(len(events), info.id, dtype=object), events.index)
        info.rows = len(frame)
        if ordinal is None:
            row = self._db.execute("SELECT COALESCE(MAX(ordinal), 0) + 1 FROM sources").fetchone()
            ordinal = int(row[0])
        facts_blob = _encode(frame)
        events_blob = _encode(events) if events is not None else None
        self._db.execute(
            "INSERT INTO sources (id, ordinal, kind, file_name, sha256, platform, mapping,"
            " imported_at, warnings, supplies, currency, row_count, facts, facts_crc, events,"
            " events_crc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                info.id,
                ordinal,
                info.kind,
                info.file_name,
                info.sha256,
                info.platform,
                json.dumps(_jsonable(info.mapping)),
                info.imported_at,
                json.dumps(list(info.warnings)),
                json.dumps(list(info.supplies)),
                info.currency,
                len(frame),
                facts_blob,
                zlib.crc32(facts_blob),
                events_blob,
                None if events_blob is None else zlib.crc32(events_blob),
            ),
        )
        source = _Source(info, frame, events, self._keys_of(frame))
        # Keep `self._sources` in ordinal order, as `_load` reads it.
        items = [(self._ordinal(s), s, v) for s, v in self._sources.items()]
        items.append((ordinal, info.id, source))
        self._sources = {sid: src for _, sid, src in sorted(items, key=lambda t: t[0])}
        self._invalidate()

    def _delete_source(self, source_id: str) -> None:
        self._db.execute("DELETE FROM sources WHERE id = ?", (source_id,))
        del self._sources[source_id]
        self._invalidate()

    # -- campaigns ------------------------------------------------------------------------
    def add_campaign(
        self,
        name: str,
        *,
        values: Mapping[str, object] | None = None,
        date: object = None,
        channel: str = "",
        variant: str = "",
        currency: str | None = None,
        notes: str = "",
    ) -> Changes:
        """Add a campaign typed in by hand: one manual row (lifetime when `date` is None).

        Raises:
            ValueError: empty name, or a campaign with that key already exists.
        """
        key = campaign_key(name)
        if not key:
            raise ValueError("A campaign needs a name")
        with self._lock:
            if key in self.campaigns().index or key in self._aliases:
                raise ValueError(f"A campaign named {name.strip()!r} already exists")
            if key in self._deleted():
                raise ValueError(f"{name.strip()!r} was deleted: undo the delete instead")
            with self._tx() as db:
                db.execute(
                    "INSERT OR REPLACE INTO campaigns (key, display_name, notes, manual, deleted)"
                    " VALUES (?, ?, ?, 1, 0)",
                    (key, name.strip(), notes),
                )
                self._campaign_rows[key] = {
                    "display_name": name.strip(),
                    "notes": notes,
                    "manual": True,
                    "deleted": False,
                }
                self._add_manual_rows(
                    key, name.strip(), [(date, channel, variant, values or {})], currency
                )
            return Changes(rows=None, reset=True, campaigns=None, scope=frozenset({"campaigns"}))

    def add_manual_row(
        self,
        campaign_key_: str,
        *,
        date: object = None,
        channel: str = "",
        variant: str = "",
        values: Mapping[str, object] | None = None,
        currency: str | None = None,
    ) -> Changes:
        """Add one typed-in row (e.g. a month's numbers) to a campaign."""
        with self._lock:
            names = self.campaigns()
            if campaign_key_ not in names.index:
                raise KeyError(f"no campaign {campaign_key_!r}")
            name = str(names.loc[campaign_key_, "display_name"])
            with self._tx():
                self._add_manual_rows(
                    campaign_key_, name, [(date, channel, variant, values or {})], currency
                )
            return Changes(rows=None, reset=True, campaigns=frozenset({campaign_key_}))

    def remove_manual_campaign(self, campaign_key_: str) -> Changes:
        """Undo of `add_campaign`: drop its manual rows and its campaign entry."""
        with self._lock, self._tx() as db:
            src = self._sources.get(MANUAL_SOURCE)
            if src is not None:
                rest = src.facts[src.facts["campaign_key"] != campaign_key_]
                info = replace(src.info)
                ordinal = self._ordinal(MANUAL_SOURCE)
                self._delete_source(MANUAL_SOURCE)
                if len(rest):
                    self._insert_source(
                        info,
                        rest.drop(columns=[_DUP]).reset_index(drop=True),
                        None,
                        ordinal=ordinal,
                    )
            db.execute("DELETE FROM campaigns WHERE key = ?", (campaign_key_,))
            self._campaign_rows.pop(campaign_key_, None)
            self._invalidate()
        return Changes(rows=None, reset=True, campaigns=None, scope=frozenset({"campaigns"}))

    def _add_manual_rows(
        self,
        key: str,
        name: str,
        rows: Sequence[tuple[object, str, str, Mapping[str, object]]],
        currency: str | None,
    ) -> None:
        records = []
        for date, channel, variant, values in rows:
            record: dict[str, object] = {
                "date": date,
                "campaign": name,
                "campaign_key": key,
                "channel": channel,
                "variant": variant,
                "currency": self._currency if currency is None else currency,
            }
            for fname, value in values.items():
                if fname not in EDITABLE_FIELDS:
                    raise ValueError(f"{fname!r} is not a number field")
                record[fname] = _as_value(fname, value)
            records.append(record)
        new = normalize_facts(pd.DataFrame(records))
        src = self._sources.get(MANUAL_SOURCE)
        if src is None:
            info = SourceInfo(
                MANUAL_SOURCE, "manual", "", "", "manual", None, _now(), (), (), "", 0
            )
            self._insert_source(info, new, None)
            return
        old = src.facts.drop(columns=[_DUP])
        info, ordinal = replace(src.info), self._ordinal(MANUAL_SOURCE)
        self._delete_source(MANUAL_SOURCE)
        self._insert_source(info, pd.concat([old, new], ignore_index=True), None, ordinal=ordinal)

    def _campaign_row(self, key: str) -> dict[str, Any]:
        row = self._campaign_rows.get(key)
        if row is None:
            row = {"display_name": None, "notes": "", "manual": False, "deleted": False}
            self._campaign_rows[key] = row
            self._db.execute("INSERT INTO campaigns (key) VALUES (?)", (key,))
        return row

    def rename_campaign(self, campaign_key_: str, name: str | None) -> Changes:
        """Set a campaign's display name (None or "" restores the imported name)."""
        text = (name or "").strip() or None
        with self._lock, self._tx() as db:
            self._campaign_row(campaign_key_)["display_name"] = text
            db.execute("UPDATE campaigns SET display_name = ? WHERE key = ?", (text, campaign_key_))
            self._invalidate()
        return Changes(
            rows=None,
            fields=frozenset({"campaign"}),
            campaigns=frozenset({campaign_key_}),
            scope=frozenset({"campaigns"}),
        )

    def display_name(self, campaign_key_: str) -> str | None:
        """The display name set by the user, or None (the imported name shows)."""
        row = self._campaign_rows.get(campaign_key_)
        return None if row is None else row["display_name"]

    def delete_campaign(self, campaign_key_: str) -> Changes:
        """Hide a campaign and its rows; the data is kept so `restore_campaign` undoes it."""
        return self._set_deleted(campaign_key_, True)

    def restore_campaign(self, campaign_key_: str) -> Changes:
        """Undo `delete_campaign`."""
        return self._set_deleted(campaign_key_, False)

    def _set_deleted(self, key: str, deleted: bool) -> Changes:
        with self._lock, self._tx() as db:
            self._campaign_row(key)["deleted"] = deleted
            db.execute("UPDATE campaigns SET deleted = ? WHERE key = ?", (int(deleted), key))
            self._invalidate()
        return Changes(rows=None, reset=True, campaigns=None, scope=frozenset({"campaigns"}))

    def set_note(self, campaign_key_: str, text: str) -> Changes:
        """Set a campaign's notes."""
        with self._lock, self._tx() as db:
            self._campaign_row(campaign_key_)["notes"] = text
            db.execute("UPDATE campaigns SET notes = ? WHERE key = ?", (text, campaign_key_))
        return Changes(
            rows=frozenset(),
            kpis_dirty=False,
            campaigns=frozenset({campaign_key_}),
            scope=frozenset({"notes"}),
        )

    def notes(self, campaign_key_: str) -> str:
        """A campaign's notes ("" when none)."""
        row = self._campaign_rows.get(campaign_key_)
        return "" if row is None else str(row["notes"])

    def set_target(
        self, kpi_id: str, value: float | None, campaign_key_: str | None = None
    ) -> Changes:
        """Set (or with None clear) a KPI target for a campaign or, with None, the workspace."""
        if kpi_id not in kpi.KPI_BY_ID:
            raise ValueError(f"unknown KPI {kpi_id!r}")
        ckey = campaign_key_ or ""
        number = None if _is_missing(value) else float(value)  # type: ignore[arg-type]
        if number is not None and not math.isfinite(number):
            raise ValueError("a target must be a finite number")
        with self._lock, self._tx() as db:
            if number is None:
                db.execute(
                    "DELETE FROM targets WHERE campaign_key = ? AND kpi_id = ?", (ckey, kpi_id)
                )
                self._targets.get(ckey, {}).pop(kpi_id, None)
            else:
                db.execute(
                    "INSERT OR REPLACE INTO targets VALUES (?, ?, ?)", (ckey, kpi_id, number)
                )
                self._targets.setdefault(ckey, {})[kpi_id] = number
        return Changes(
            rows=frozenset(),
            kpis_dirty=False,
            campaigns=None if not ckey else frozenset({ckey}),
            scope=frozenset({"targets"}),
        )

    def target(self, kpi_id: str, campaign_key_: str | None = None) -> float | None:
        """The target that applies: the campaign's own, else the workspace default."""
        own = self._targets.get(campaign_key_ or "", {}).get(kpi_id)
        if own is None and campaign_key_:
            own = self._targets.get("", {}).get(kpi_id)
        return own

    def add_alias(self, alias_key: str, campaign_key_: str) -> Changes:
        """Make campaign key `alias_key` part of campaign `campaign_key_` in facts and events."""
        alias_key = campaign_key(alias_key)
        target = self._aliases.get(campaign_key_, campaign_key_)
        if not alias_key or alias_key == target:
            raise ValueError("a campaign cannot be an alias of itself")
        new = dict(self._aliases)
        new[alias_key] = target
        for alias, canon in list(new.items()):
            if canon == alias_key:
                new[alias] = target  # keys that pointed at the alias follow it
        return self.set_aliases(new)

    def remove_alias(self, alias_key: str) -> Changes:
        """Make `alias_key` a campaign of its own again."""
        new = dict(self._aliases)
        new.pop(alias_key, None)
        return self.set_aliases(new)

    def set_aliases(self, aliases: Mapping[str, str]) -> Changes:
        """Replace the whole alias table (used by undo)."""
        with self._lock, self._tx() as db:
            db.execute("DELETE FROM aliases")
            db.executemany("INSERT INTO aliases VALUES (?, ?)", sorted(aliases.items()))
            self._aliases = dict(aliases)
            self._invalidate()
        return Changes(rows=None, reset=True, campaigns=None, scope=frozenset({"aliases"}))

    # -- currency -------------------------------------------------------------------------
    def set_reporting_currency(self, code: str) -> Changes:
        """Set the currency money is reported in."""
        with self._lock, self._tx():
            self._write_currency(code)
            self._invalidate()
        return Changes(rows=None, campaigns=None, scope=frozenset({"fx"}))

    def _write_currency(self, code: str) -> None:
        self._currency = (code or "").strip().upper()
        self._db.execute(
            "INSERT OR REPLACE INTO settings VALUES ('__reporting_currency__', ?)",
            (json.dumps(self._currency),),
        )

    def set_fx_rate(self, currency: str, rate: float | None) -> Changes:
        """Set (or with None remove) the rate: 1 `currency` = `rate` reporting units."""
        code = currency.strip().upper()
        if not code:
            raise ValueError("a currency code is needed")
        number = None if _is_missing(rate) else float(rate)  # type: ignore[arg-type]
        if number is not None and not (math.isfinite(number) and number > 0):
            raise ValueError("an exchange rate must be a positive number")
        with self._lock, self._tx() as db:
            if number is None:
                db.execute("DELETE FROM fx_rates WHERE currency = ?", (code,))
                self._fx.pop(code, None)
            else:
                db.execute("INSERT OR REPLACE INTO fx_rates VALUES (?, ?)", (code, number))
                self._fx[code] = number
            self._invalidate()  # money in reports and campaign adjustments change
        return Changes(rows=None, campaigns=None, scope=frozenset({"fx"}))

    # -- UTM link history -----------------------------------------------------------------
    def add_link(self, url: str, params: Mapping[str, str] | None = None, note: str = "") -> int:
        """Remember a built link; returns its id."""
        with self._lock, self._tx() as db:
            cursor = db.execute(
                "INSERT INTO utm_links (url, params, note, created) VALUES (?, ?, ?, ?)",
                (url, json.dumps(dict(params or {}), ensure_ascii=False), note, _now()),
            )
            return int(cursor.lastrowid or 0)

    def remove_link(self, link_id: int) -> None:
        """Forget a link from the history."""
        with self._lock, self._tx() as db:
            db.execute("DELETE FROM utm_links WHERE id = ?", (int(link_id),))

    @_locked
    def links(self) -> pd.DataFrame:
        """Link history, newest first: link_id, url, created, note, one column per parameter.

        `link_id` is the history row (for `remove_link`); it is not named `id` because a
        saved link's own parameters may hold an `id` (its utm_id).
        """
        rows = self._db.execute(
            "SELECT id, url, params, note, created FROM utm_links ORDER BY id DESC"
        ).fetchall()
        records = []
        for i, u, p, n, c in rows:
            record = {"link_id": i, "url": u, "created": c, "note": n, **json.loads(p)}
            record["link_id"] = i  # the row number wins over a parameter of that name
            records.append(record)
        columns = ["link_id", "url", "created", "note"]
        return pd.DataFrame(records, columns=None if records else columns)


_REVERT: Any = object()
#: Pass as the value to `Workspace.set_override` to drop an override.
REVERT: Any = _REVERT


def _platform(result: object) -> str:
    preset = _result_attr(result, "preset")
    if preset is None:
        return ""
    return str(getattr(preset, "name", None) or getattr(preset, "id", None) or preset)


def build_sample() -> Workspace:
    """The sample workspace built from `core.sample` (what `scripts/make_sample.py` saves)."""
    from kpi_desktop.core import sample

    ws = Workspace.new()
    facts = normalize_facts(sample.generate_sample())
    with ws._tx():
        ws._write_currency(sample.SAMPLE_CURRENCY)
        info = SourceInfo(
            "sample",
            "sample",
            "sample data",
            "",
            "sample",
            None,
            _now(),
            (),
            tuple(sorted(NUMERIC_FIELDS)),
            sample.SAMPLE_CURRENCY,
            0,
        )
        ws._insert_source(info, facts, None)
    for kpi_id, value in sample.SAMPLE_TARGETS.items():
        ws.set_target(kpi_id, value)
    for campaign in sample.CAMPAIGNS:
        ws.set_note(campaign_key(campaign.name), campaign.note)
    ws.add_link(
        "https://shop.example.com/autumn?utm_source=facebook&utm_medium=messenger"
        "&utm_campaign=autumn_sale_2026&utm_content=quiz_opener",
        {
            "utm_source": "facebook",
            "utm_medium": "messenger",
            "utm_campaign": "autumn_sale_2026",
            "utm_content": "quiz_opener",
        },
        "Autumn Sale bot, quiz opener",
    )
    ws.add_link(
        "https://shop.example.com/style?utm_source=instagram&utm_medium=chatbot"
        "&utm_campaign=style_finder",
        {"utm_source": "instagram", "utm_medium": "chatbot", "utm_campaign": "style_finder"},
        "Style Finder DM bot",
    )
    ws._mark_clean()
    return ws
