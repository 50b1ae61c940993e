"""The `Workspace`: one open workspace file behind a lock, with undoable mutations.

DESIGN section 5. A thin front: it serialises access (recovery snapshots run on another
thread), wraps each mutation in one transaction of the working database, counts
mutations for recovery files and says what changed (`Changes`); the parts do the work:
`db` (SQL), `sources`, `overrides`, `catalog`, `facts_table`/`effective` (the derived
effective facts), `files` (atomic save and recovery) and `core.cube` (cached reports).
"""

from __future__ import annotations

import importlib.resources
import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from kpi_desktop.core import atomic, kpi
from kpi_desktop.core.cube import report_column
from kpi_desktop.core.workspace import effective, files
from kpi_desktop.core.workspace.catalog_api import CatalogApi
from kpi_desktop.core.workspace.changes import NO_CHANGES, Changes, Scope
from kpi_desktop.core.workspace.edits_api import EditsApi
from kpi_desktop.core.workspace.errors import WorkspaceError
from kpi_desktop.core.workspace.overrides import RowKey, now
from kpi_desktop.core.workspace.sources import (
    ImportedSource,
    SourceSnapshot,
    StoredSource,
    canonical,
    single_currency,
    stored_from_import,
)
from kpi_desktop.core.workspace.state import WorkspaceState, locked


class Workspace(EditsApi, CatalogApi, WorkspaceState):
    """One open workspace. Views read through it; every change goes through its methods.

    Attributes:
        path: the workspace file, None while untitled (Save then needs a path).
        dirty: True when there are changes since the last save or open.
    """

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
        facts = canonical(facts)
        ids = list(pd.unique(facts["source_id"])) or ["facts"]
        with ws._tx():
            ws._catalog.set_currency(currency)
            for sid in ids:
                part = facts[facts["source_id"] == sid] if len(ids) > 1 else facts
                ev = None
                if events is not None:
                    ev = events[events["source_id"] == sid] if len(ids) > 1 else events
                    ev = ev if len(ev) else None
                info = StoredSource(
                    str(sid) or "facts", "facts", "", "", "", None, now(), (), (), currency, 0
                )
                ws._add_source(info, part, ev)
        ws._mark_clean()
        return ws

    def add_source(
        self,
        info: StoredSource,
        facts: pd.DataFrame,
        events: pd.DataFrame | None = None,
        *,
        currency: str | None = None,
    ) -> Changes:
        """Store canonical facts as a source described by `info` (its `id` must be new).

        For data that does not come from an import (the sample); `currency`, when
        given, becomes the reporting currency in the same transaction.
        """
        with self._tx():
            if currency is not None:
                self._catalog.set_currency(currency)
            self._add_source(info, canonical(facts), events)
        return Changes(
            rows=None, reset=True, campaigns=None, scope=Scope.SOURCES, sources=(info.id,)
        )

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Workspace:
        """Open a workspace file.

        Raises:
            WorkspaceError: unreadable, not a workspace, damaged, or from a newer version;
                nothing is changed (the file is only read).
        """
        target = Path(path)
        ws = cls._from_bytes(files.read_workspace_file(target), target.name)
        ws.path = target
        ws._db.set_meta("path", str(target.resolve()))
        ws._mark_clean()
        return ws

    @classmethod
    def open_sample(cls) -> Workspace:
        """The bundled sample workspace, as an untitled copy (Save asks for a path)."""
        asset = importlib.resources.files("kpi_desktop").joinpath("assets", "sample.kpidesk")
        try:
            data = asset.read_bytes()  # made by scripts/make_sample.py, shipped as package data
        except OSError as exc:
            raise WorkspaceError(
                "The sample workspace is missing from this installation; reinstall KPI Desk."
            ) from exc
        ws = cls._from_bytes(data, "sample.kpidesk")
        ws._db.set_meta("path", "")
        ws._mark_clean()
        return ws

    @classmethod
    def _from_bytes(cls, data: bytes, name: str) -> Workspace:
        ws = cls()
        try:
            ws._db.deserialize(data, name)
            ws._load()
        except WorkspaceError:
            ws.close()
            raise
        except (sqlite3.Error, pa.ArrowException, ValueError, KeyError, TypeError) as exc:
            ws.close()
            raise WorkspaceError(f"{name} is damaged and cannot be opened ({exc}).") from exc
        return ws

    def mark_clean(self) -> None:
        """Declare the current state saved-equivalent (a freshly built workspace)."""
        with self._lock:
            self._mark_clean()

    def close(self) -> None:
        """Close the working database; the object is unusable afterwards."""
        self._db.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def save(self, path: str | os.PathLike[str] | None = None) -> None:
        """Save atomically to `path` (or the current path); clears dirty and recovery files.

        Raises:
            WorkspaceError: untitled without a path, or the file cannot be written.
        """
        target = Path(path) if path is not None else self.path
        if target is None:
            raise WorkspaceError("This workspace has no file yet: choose where to save it.")
        with self._lock:
            self._db.set_meta("path", str(target.resolve()))
            self._db.set_meta("saved", now())
            data = self._db.serialize()
            generation = self._generation
        files.save_workspace_file(target, data)
        with self._lock:
            self.path = target
            self._saved_generation = generation
            self.dirty = self._generation != generation
            stale = {*self._recovery_files, self.recovery_path()}
            self._recovery_files.clear()
        files.remove_quietly(stale)

    def save_as(self, path: str | os.PathLike[str]) -> None:
        """Save to a new path, which becomes the workspace's path."""
        self.save(path)

    def vacuum(self) -> None:
        """Drop free pages of the working database (keeps a built file small)."""
        with self._lock:
            self._db.vacuum()

    def recovery_path(self, folder: str | os.PathLike[str] | None = None) -> Path:
        """Where `write_recovery(folder)` writes: beside the file, or in `folder`."""
        where = None if folder is None else Path(folder)
        return files.recovery_path(self.path, where, self._uid)

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
        atomic.atomic_write(target, data)
        with self._lock:
            if generation <= self._saved_generation:
                # A save finished meanwhile: this snapshot is already on disk.
                files.remove_quietly({target})
            else:
                self._recovery_files.add(target)
        return target

    @staticmethod
    def find_recovery(path: str | os.PathLike[str]) -> Path | None:
        """A recovery file left by a crash: beside workspace `path`, or the newest in a folder."""
        return files.find_recovery(Path(path))

    @classmethod
    def open_recovery(cls, recovery: str | os.PathLike[str]) -> Workspace:
        """Open a recovery file: path set to the workspace it belongs to, marked dirty.

        The recovery file is removed after the next successful save.
        """
        source = Path(recovery)
        ws = cls._from_bytes(files.read_workspace_file(source), source.name)
        origin = ws._db.get_meta("path")
        ws.path = Path(origin) if origin else None
        ws.dirty = True
        ws._generation, ws._saved_generation = 1, 0
        ws._recovery_files.add(source)
        return ws

    @property
    def reporting_currency(self) -> str:
        """ISO code that money is reported in ("" = no conversion)."""
        return self._catalog.currency

    @reporting_currency.setter
    def reporting_currency(self, value: str) -> None:
        self.set_reporting_currency(value)

    @locked
    def facts(self) -> pd.DataFrame:
        """Effective canonical facts (edits and aliases applied) with a stable `row_id`.

        `row_id` is the row's position; it stays valid until a `Changes` with
        `reset=True`. Cached: the returned frame is a cheap copy-on-write view.
        """
        return self._facts.frame().copy(deep=False)

    @locked
    def events(self) -> pd.DataFrame | None:
        """Event users of all sources (aliases applied, deleted campaigns left out)."""
        return self._facts.events()

    def sources(self) -> list[StoredSource]:
        """The workspace's sources in import order."""
        return [replace(s.info) for s in self._sources.all()]

    @locked
    def daily(self, campaign_key: str) -> pd.DataFrame:
        """Effective rows of one campaign (canonical key), by date, with their `row_id`."""
        eff = self._facts.frame()
        rows = self._facts.index("campaign_key").get(campaign_key)
        if rows is None:
            return eff.iloc[0:0].copy(deep=False)
        frame = eff.iloc[rows]
        return frame.sort_values(["date", "channel", "variant"], na_position="last", kind="stable")

    @locked
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
        column = report_column(by) if unfiltered else None
        if column is not None and by is not None:
            cached = self._cube.cached(column)
            if cached is None:
                cached = self._cube.build(column, by)
                # The index the incremental updates need, built now rather than inside
                # the first edit (which has a latency budget; this table has none).
                self._facts.index(column)
                self._facts.ensure_reserved()
            return cached
        facts = self._facts.frame()
        events = self._facts.events()
        mask = kpi.select(facts, start=start, end=end, campaigns=campaigns, channels=channels)
        if events is not None and not mask.all():
            emask = kpi.select(events, start=start, end=end, campaigns=campaigns, channels=channels)
            events = events[emask]
        return kpi.report(facts[mask], by, events=events, fx=self.fx())

    def get_setting(self, key: str, default: Any = None) -> Any:
        """A workspace setting (JSON value), or `default`."""
        return self._catalog.setting(key, default)

    def set_setting(self, key: str, value: Any, *, view_state: bool = False) -> None:
        """Store a JSON-serialisable workspace setting.

        `view_state` settings (the filter a user last looked at) are saved with the
        workspace but do not by themselves make it "modified": closing after merely
        looking at another period must not ask to save.
        """
        was_dirty = self.dirty
        with self._tx():
            self._catalog.set_setting(key, value)
        if view_state:
            self.dirty = was_dirty

    def delete_setting(self, key: str) -> None:
        """Forget a workspace setting (`get_setting` then answers its default)."""
        with self._tx():
            self._catalog.delete_setting(key)

    def has_setting(self, key: str) -> bool:
        """True when the workspace stores a value for `key`."""
        missing = object()
        return self._catalog.setting(key, missing) is not missing

    @locked
    def merge_notes(self) -> list[Any]:
        """Where each field's values come from (`core.io.merge.MergeNote`: field,
        sources, text), e.g. "spend: sum of Meta Ads, Google Ads"."""
        return list(self._facts.merge_notes())

    def merge_summary(self) -> list[str]:
        """The merge notes a reader of a report should see, grouped by source: outcome,
        cost and bot fields once several sources are merged, and always a fallback to
        (or the setting aside of) the ad platforms' own conversions."""
        imports = [s for s in self._sources.all() if s.info.kind != "manual"]
        return effective.merge_summary(self.merge_notes(), len(imports))

    def warnings(self) -> list[str]:
        """What a reader of a report should know: import problems, missing exchange
        rates, overrides that no longer match a row."""
        out: list[str] = []
        for src in self._sources.all():
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

    def find_replaceable(self, result: ImportedSource) -> str | None:
        """Id of a source that `result` would replace (same SHA-256, or same file+platform)."""
        return self._sources.find_replaceable(result)

    def add_import(self, result: ImportedSource, *, replace: str | None = None) -> Changes:
        """Add an importer's `ImportResult` as a source.

        Args:
            result: the import (see `ImportedSource` for what is read of it).
            replace: id of a source this import replaces (see `find_replaceable`); it
                keeps that id so overrides that still match a row keep applying.

        Returns:
            Changes with `reset`, the new source id in `sources`, and the overrides of a
            replaced source that no longer match a row in `dropped_edits`.
        """
        facts = canonical(result.facts)
        info = stored_from_import(result, len(facts))
        with self._lock:
            if replace is not None and replace not in self._sources:
                raise KeyError(f"no source {replace!r}")
            with self._tx():
                ordinal = None
                if replace is not None:
                    ordinal = self._sources.ordinal(replace)
                    self._delete_source(replace)
                info.id = replace or self._sources.next_id()
                self._add_source(info, facts, result.events, ordinal=ordinal)
            if not self._catalog.currency:
                # A new workspace reports in the currency of its first money-bearing import.
                found = info.currency or single_currency(facts)
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
                scope=Scope.SOURCES,
                sources=(info.id,),
                dropped_edits=dropped,
            )

    def add_imports(
        self, results: Iterable[ImportedSource], *, replace_same: bool = True
    ) -> Changes:
        """Add several import results; with `replace_same`, a result that matches an
        existing source (`find_replaceable`) replaces it instead of doubling its rows.

        The non-interactive form of the GUI's "offered as replace" (CLI, scripts).
        """
        changes = NO_CHANGES
        for result in results:
            old = self.find_replaceable(result) if replace_same else None
            changes = changes.merge(self.add_import(result, replace=old))
        return changes

    @locked
    def remove_source(self, source_id: str) -> SourceSnapshot:
        """Remove a source (its overrides stay, orphaned); returns it for `restore_source`."""
        snapshot = self._sources.snapshot(source_id)
        with self._tx():
            self._delete_source(source_id)
        return snapshot

    def restore_source(self, snapshot: SourceSnapshot) -> Changes:
        """Put back a removed source (replacing one with the same id) at its old place."""
        with self._lock, self._tx():
            if snapshot.info.id in self._sources:
                self._delete_source(snapshot.info.id)
            self._add_source(
                replace(snapshot.info), snapshot.facts, snapshot.events, ordinal=snapshot.ordinal
            )
        return Changes(
            rows=None,
            reset=True,
            campaigns=None,
            scope=Scope.SOURCES,
            sources=(snapshot.info.id,),
        )

    def source_snapshot(self, source_id: str) -> SourceSnapshot:
        """A source's data, for undo of a replacing import."""
        return self._sources.snapshot(source_id)
