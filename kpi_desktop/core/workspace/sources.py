"""The workspace's sources: imports taken through a typed protocol, stored and restored."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np
import pandas as pd

from kpi_desktop.core.schema import FIELD_NAMES, normalize_facts
from kpi_desktop.core.workspace import blobs
from kpi_desktop.core.workspace.db import Database, SourceRow
from kpi_desktop.core.workspace.overrides import DUP, dup_index, now

#: Source id of the rows typed in by hand (Add campaign).
MANUAL_SOURCE = "manual"


class ImportedSource(Protocol):
    """What the workspace reads of an import (`core.io.result.ImportResult`)."""

    @property
    def facts(self) -> pd.DataFrame: ...
    @property
    def events(self) -> pd.DataFrame | None: ...
    @property
    def problems(self) -> Sequence[object]: ...
    @property
    def preset(self) -> str: ...
    @property
    def mapping(self) -> object: ...
    @property
    def supplies(self) -> Collection[str]: ...
    @property
    def sha256(self) -> str: ...
    @property
    def file_name(self) -> str: ...
    @property
    def currency(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def label(self) -> str: ...


@dataclass
class StoredSource:
    """What the workspace knows about one stored source (its facts are in `facts()`)."""

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
    role: str = "other"  # "ad", "web", "bot" or "other", as the import decided
    label: str = ""  # how notes name the source ("" until stored: the file name or id)


@dataclass
class LoadedSource:
    """A stored source with its data in memory."""

    info: StoredSource
    facts: pd.DataFrame  # canonical columns + _dup, source_id = info.id
    events: pd.DataFrame | None
    keys: frozenset[str]  # imported campaign keys present


@dataclass(frozen=True)
class SourceSnapshot:
    """A removed source with its data, so undo/redo can put it back unchanged."""

    info: StoredSource
    facts: pd.DataFrame
    events: pd.DataFrame | None
    ordinal: int


def text_column(values: np.ndarray, index: pd.Index) -> pd.Series:
    """A text column of canonical dtype (object, as normalize_facts makes).

    pandas 3 infers its `str` dtype when a column is set from an object array.
    """
    return pd.Series(values, index=index, dtype=object)


_CANONICAL_DTYPES = normalize_facts(pd.DataFrame()).dtypes


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """`normalize_facts(frame)`, skipped when the frame already is canonical.

    The importer hands over canonical frames; normalising 1M rows again costs seconds
    (campaign keys are recomputed row by row).
    """
    if list(frame.columns) == list(FIELD_NAMES) and frame.dtypes.equals(_CANONICAL_DTYPES):
        return frame.reset_index(drop=True)
    return normalize_facts(frame)


def single_currency(facts: pd.DataFrame) -> str:
    """The one currency of a frame's rows, "" when none or several."""
    codes = {c for c in facts["currency"].unique() if c} if "currency" in facts else set()
    return codes.pop() if len(codes) == 1 else ""


def jsonable(value: Any) -> Any:
    """`value` as plain JSON types (sets sorted, unknown objects as text)."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def stored_from_import(result: ImportedSource, rows: int) -> StoredSource:
    """The description of an import, before it has an id."""
    return StoredSource(
        id="",
        kind="import",
        file_name=result.file_name or "",
        sha256=result.sha256 or "",
        platform=result.preset or "",
        mapping=jsonable(result.mapping),
        imported_at=now(),
        warnings=tuple(str(p) for p in (result.problems or ())),
        supplies=tuple(sorted(str(s) for s in (result.supplies or ()))),
        currency=result.currency or "",
        rows=rows,
        role=result.role or "other",
        label=result.label or "",
    )


class SourceSet:
    """The sources in import order, written through to the database."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sources: dict[str, LoadedSource] = {}

    def load(self) -> None:
        """Read every source from the database, checking checksums and row counts."""
        self._sources = {}
        for row in self._db.sources():
            name = row.file_name or row.id
            if blobs.checksum(row.facts) != row.facts_crc or (
                row.events is not None and blobs.checksum(row.events) != row.events_crc
            ):
                raise ValueError(f"data of source {name} fails its checksum")
            facts, keys = blobs.decode(row.facts)
            if len(facts) != row.row_count or DUP not in facts:
                raise ValueError(f"data of source {name} is incomplete")
            events = blobs.decode(row.events)[0] if row.events is not None else None
            info = StoredSource(
                row.id,
                row.kind,
                row.file_name,
                row.sha256,
                row.platform,
                json.loads(row.mapping),
                row.imported_at,
                tuple(json.loads(row.warnings)),
                tuple(json.loads(row.supplies)),
                row.currency,
                row.row_count,
                row.role,
                row.label,
            )
            self._sources[row.id] = LoadedSource(info, facts, events, keys)

    def __contains__(self, source_id: object) -> bool:
        return source_id in self._sources

    def __getitem__(self, source_id: str) -> LoadedSource:
        return self._sources[source_id]

    def get(self, source_id: str) -> LoadedSource | None:
        """A source, or None."""
        return self._sources.get(source_id)

    def ids(self) -> list[str]:
        """Source ids in import order."""
        return list(self._sources)

    def all(self) -> list[LoadedSource]:
        """The sources in import order."""
        return list(self._sources.values())

    def ordinal(self, source_id: str) -> int:
        """A source's place in import order (kept by replace and restore)."""
        return self._db.ordinal(source_id)

    def snapshot(self, source_id: str) -> SourceSnapshot:
        """A source's data, for undo."""
        src = self._sources[source_id]
        return SourceSnapshot(replace(src.info), src.facts, src.events, self.ordinal(source_id))

    def next_id(self) -> str:
        """A new source id ("s1", "s2"…), never reused within the file."""
        n = int(self._db.get_meta("next_source") or "1")
        while f"s{n}" in self._sources:
            n += 1
        self._db.set_meta("next_source", str(n + 1))
        return f"s{n}"

    def find_replaceable(self, result: ImportedSource) -> str | None:
        """Id of a source that `result` would replace (same SHA-256, or same file+platform)."""
        sha = result.sha256 or ""
        name = result.file_name or ""
        for src in self._sources.values():
            if sha and src.info.sha256 == sha:
                return src.info.id
        for src in self._sources.values():
            if name and src.info.file_name == name and src.info.platform == (result.preset or ""):
                return src.info.id
        return None

    def insert(
        self,
        info: StoredSource,
        facts: pd.DataFrame,
        events: pd.DataFrame | None,
        *,
        ordinal: int | None = None,
    ) -> None:
        """Store a source (call inside a transaction). Facts get their source id and `_dup`."""
        frame = facts.reset_index(drop=True)
        frame["source_id"] = text_column(np.full(len(frame), info.id, dtype=object), frame.index)
        if DUP not in facts:
            frame[DUP] = dup_index(frame)
        if events is not None:
            events = events.copy(deep=False)
            ids = np.full(len(events), info.id, dtype=object)
            events["source_id"] = text_column(ids, events.index)
        info.rows = len(frame)
        info.label = info.label or info.file_name or info.id
        if ordinal is None:
            ordinal = self._db.next_ordinal()
        facts_blob = blobs.encode(frame)
        events_blob = blobs.encode(events) if events is not None else None
        row = SourceRow(
            info.id,
            info.kind,
            info.file_name,
            info.sha256,
            info.platform,
            info.role,
            info.label,
            json.dumps(jsonable(info.mapping)),
            info.imported_at,
            json.dumps(list(info.warnings)),
            json.dumps(list(info.supplies)),
            info.currency,
            len(frame),
            facts_blob,
            blobs.checksum(facts_blob),
            events_blob,
            None if events_blob is None else blobs.checksum(events_blob),
        )
        self._db.insert_source(row, ordinal)
        source = LoadedSource(info, frame, events, frozenset(pd.unique(frame["campaign_key"])))
        # Keep the sources in ordinal order, as `load` reads them.
        items = [(self.ordinal(s), s, v) for s, v in self._sources.items()]
        items.append((ordinal, info.id, source))
        self._sources = {sid: src for _, sid, src in sorted(items, key=lambda t: t[0])}

    def delete(self, source_id: str) -> None:
        """Remove a source (call inside a transaction)."""
        self._db.delete_source(source_id)
        del self._sources[source_id]

    def replace_facts(self, source_id: str, facts: pd.DataFrame) -> None:
        """Store new facts for a source in its place (or drop it when `facts` is empty)."""
        src = self._sources[source_id]
        info, ordinal = replace(src.info), self.ordinal(source_id)
        self.delete(source_id)
        if len(facts):
            self.insert(info, facts.reset_index(drop=True), None, ordinal=ordinal)

    def manual_facts(self) -> pd.DataFrame | None:
        """The rows typed in by hand (without `_dup`), or None."""
        src = self._sources.get(MANUAL_SOURCE)
        return None if src is None else src.facts.drop(columns=[DUP])

    def add_manual_facts(self, new: pd.DataFrame) -> None:
        """Append rows typed in by hand to the manual source (made on first use)."""
        old = self.manual_facts()
        if old is None:
            info = StoredSource(
                MANUAL_SOURCE, "manual", "", "", "manual", None, now(), (), (), "", 0
            )
            self.insert(info, new, None)
            return
        self.replace_facts(MANUAL_SOURCE, pd.concat([old, new], ignore_index=True))
