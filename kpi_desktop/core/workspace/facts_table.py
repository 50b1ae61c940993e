"""The effective facts of a workspace, kept derived and patched in place on edits.

Built by `effective` from the sources, overrides and catalog; an edit then writes only
the cells (and adjustment rows) it changes, with the row maps that trace every
effective row back to its source row, the group indices and the column buffers that
let an adjustment row be appended without copying a million rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from kpi_desktop.core import kpi
from kpi_desktop.core.format import is_missing
from kpi_desktop.core.workspace import effective, overlaps
from kpi_desktop.core.workspace.catalog import Catalog
from kpi_desktop.core.workspace.overrides import (
    CAMPAIGN_EDITABLE_FIELDS,
    Overrides,
    RowKey,
)
from kpi_desktop.core.workspace.sources import SourceSet


class FactsTable:
    """Effective facts with `row_id`, their row maps, indices and event users."""

    def __init__(self, sources: SourceSet, overrides: Overrides, catalog: Catalog) -> None:
        self._sources = sources
        self._overrides = overrides
        self._catalog = catalog
        self.invalidate()

    def invalidate(self) -> None:
        """Forget everything derived; the next read rebuilds it."""
        self._events_cache: pd.DataFrame | None = None
        self._events_known = False
        self._clear_rows()

    def _clear_rows(self) -> None:
        self._effective: pd.DataFrame | None = None
        # Column buffers with spare rows behind `_effective` (see `reserve`), and the
        # longest frame ever built over them: rows below it may be seen by callers.
        self._bufs: dict[str, np.ndarray] | None = None
        self._exposed = 0
        self._indices: dict[str, dict[Any, np.ndarray]] = {}
        self._event_indices: dict[str, dict[Any, np.ndarray]] = {}
        self._names: pd.Series | None = None
        # Row maps: effective row -> source code and position; source -> effective rows.
        self._row_src = np.zeros(0, dtype=np.int32)
        self._row_pos = np.zeros(0, dtype=np.int64)
        self._source_order: list[str] = []
        self._row_of: dict[str, np.ndarray] = {}
        self._edited_cells: dict[int, set[str]] = {}
        self._adjust_rows: dict[str, int] = {}
        self._ranges: dict[str, effective.DayRange] = {}
        self._merge_notes: tuple[Any, ...] = ()
        self._cross_source: frozenset[str] = frozenset()

    @property
    def built(self) -> bool:
        """Whether the effective facts are derived (not waiting for a rebuild)."""
        return self._effective is not None

    def frame(self) -> pd.DataFrame:
        """The effective facts (rebuilt when invalidated)."""
        if self._effective is None:
            self._rebuild()
        assert self._effective is not None
        return self._effective

    def merge_notes(self) -> tuple[Any, ...]:
        """The notes of the last merge."""
        self.frame()
        return self._merge_notes

    def cross_source(self) -> frozenset[str]:
        """Fields the merge decides across sources (edits of them need a rebuild)."""
        return self._cross_source

    # -- derived lookups ----------------------------------------------------------------
    def events(self) -> pd.DataFrame | None:
        """Event users of all sources (aliases applied, deleted campaigns left out)."""
        if not self._events_known:
            self._events_cache = self._build_events()
            self._events_known = True
        return self._events_cache

    def _build_events(self) -> pd.DataFrame | None:
        frames = [
            src.events for src in self._sources.all() if src.events is not None and len(src.events)
        ]
        if not frames:
            return None
        events = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        events = events.copy(deep=False)
        keys = events["campaign_key"].astype(object)
        aliases = self._catalog.aliases
        if aliases:
            events["campaign_key"] = keys.map(lambda k: aliases.get(k, k)).astype(object)
        deleted = self._catalog.deleted()
        if deleted:
            events = events[~events["campaign_key"].isin(deleted)].reset_index(drop=True)
        return events

    def fx(self) -> kpi.FxRates:
        """The workspace's exchange rates."""
        return self._catalog.fx()

    def index(self, column: str) -> dict[Any, np.ndarray]:
        """Label -> effective row ids, for one column."""
        index = self._indices.get(column)
        if index is None:
            index = self._indices[column] = effective.group_positions(self.frame()[column])
        return index

    def event_index(self, column: str) -> dict[Any, np.ndarray]:
        """Label -> event rows, for one column."""
        index = self._event_indices.get(column)
        if index is None:
            events = self.events()
            assert events is not None
            grouped = events.groupby(column, sort=False, dropna=False)
            index = self._event_indices[column] = dict(grouped.indices)
        return index

    def first_names(self) -> pd.Series:
        """Campaign key -> the name its first effective row carries."""
        if self._names is None:
            index = self.index("campaign_key")
            names = self.frame()["campaign"].to_numpy()
            self._names = pd.Series(
                {k: names[v[0]] for k, v in index.items()}, dtype=object
            ).sort_index()
        return self._names

    # -- rows and their sources ---------------------------------------------------------
    def locate(self, row_id: int) -> tuple[str, int]:
        """Source id and position of an effective row (not an adjustment row)."""
        eff = self.frame()
        rid = int(row_id)
        if not 0 <= rid < len(eff):
            raise IndexError(f"no row {row_id}")
        code = int(self._row_src[rid])
        if code < 0:
            raise ValueError(
                "This row is a campaign-total adjustment: edit the campaign's total instead."
            )
        return self._source_order[code], int(self._row_pos[rid])

    def row_of(self, source_id: str, pos: int) -> int:
        """Effective row id of a source row; -1 when it is not shown (deleted campaign)."""
        self.frame()
        return int(self._row_of[source_id][pos])

    def edited(self, row_id: int) -> set[str]:
        """Fields of an effective row that hold overrides."""
        self.frame()
        return self._edited_cells.get(int(row_id), set())

    def has_adjustment(self, key: str) -> bool:
        """Whether campaign `key` has an adjustment row."""
        return self._effective is not None and key in self._adjust_rows

    def campaign_range(self, key: str) -> effective.DayRange:
        """The days campaign `key`'s rows cover, first to last (NaT: none has a date).

        The coverage of its typed totals. Cell edits never move it; anything that changes
        which rows a campaign has (import, undo, alias, delete) rebuilds the facts.
        """
        found = self._ranges.get(key)
        if found is None:
            eff = self.frame()
            positions = self.index("campaign_key").get(key, np.zeros(0, dtype=np.int64))
            if key in self._adjust_rows:
                positions = positions[positions != self._adjust_rows[key]]
            found = self._ranges[key] = effective.covered_range(eff, positions)
        return found

    # -- building -----------------------------------------------------------------------
    def _rebuild(self) -> None:
        """Effective facts from the sources: overrides, merge, aliases, deletes, adjustments."""
        self._clear_rows()
        order = self._sources.ids()
        overrides, edited = self._resolved_overrides()
        found = self._overlaps(order)
        parts = [
            effective.overridden_part(self._sources[sid].facts, code, overrides.get(sid, ()))
            for code, sid in enumerate(order)
        ]
        # Rows a later import of the same platform replaces are left out (kept stored).
        parts = [p if k is None else p[k] for p, k in zip(parts, found.keep, strict=True)]
        eff = self._merge(parts, order)
        self._merge_notes = (
            *found.notes,
            *_hidden_edit_notes(found, order, edited),
            *self._merge_notes,
        )
        display = self._catalog.display_names()
        present: set[str] = set()
        for src in self._sources.all():
            present |= src.keys
        deleted = self._catalog.deleted()
        aliases = self._catalog.aliases
        eff = effective.apply_campaigns(
            eff, aliases=aliases, display=display, deleted=deleted, present=present
        )
        adjust_keys = sorted(self._overrides.pinned_campaigns() - deleted - set(aliases))
        if adjust_keys:
            names = effective.adjustment_names(adjust_keys, eff, display)
            ranges = effective.campaign_ranges(eff, adjust_keys)
            extra = effective.adjustment_frame(adjust_keys, names, self._catalog.currency, ranges)
            eff = pd.concat([eff, extra], ignore_index=True)
        self._map_rows(eff, order)
        for (sid, pos), fields in edited.items():
            rid = int(self._row_of[sid][pos])
            if rid >= 0:
                self._edited_cells[rid] = set(fields)
        for i, key in enumerate(adjust_keys):
            rid = len(eff) - len(adjust_keys) + i
            self._adjust_rows[key] = rid
            self._edited_cells[rid] = self._overrides.pinned_fields(key)
        self._effective = eff
        if adjust_keys:
            self.refresh_adjustments(adjust_keys)

    def _resolved_overrides(
        self,
    ) -> tuple[dict[str, list[tuple[int, str, float | None]]], dict[tuple[str, int], set[str]]]:
        """Facts overrides whose rows exist, per source, and the edited cells per row."""
        overrides: dict[str, list[tuple[int, str, float | None]]] = {}
        edited: dict[tuple[str, int], set[str]] = {}
        for key, rec in self._overrides.facts_edits():
            src = self._sources.get(key.source_id)
            pos = self._overrides.resolve(src.facts, src.keys, key) if src is not None else None
            if pos is not None:
                overrides.setdefault(key.source_id, []).append((pos, rec.field, rec.new_value))
                edited.setdefault((key.source_id, pos), set()).add(rec.field)
        return overrides, edited

    def _overlaps(self, order: list[str]) -> overlaps.Overlaps:
        """Which source rows count once overlapping imports of one platform are resolved."""
        from kpi_desktop.core.io.presets import PRESETS

        presets = frozenset(p.id for p in PRESETS)
        infos = [self._sources[sid].info for sid in order]
        described = [
            overlaps.OverlapSource(
                source_id=info.id,
                origin=overlaps.origin_of(info.platform, info.kind, presets),
                name=info.file_name or info.label or info.id,
                recency=(info.imported_at, code),
            )
            for code, info in enumerate(infos)
        ]
        frames = [self._sources[sid].facts for sid in order]
        return overlaps.resolve_overlaps(frames, described, self._catalog.aliases)

    def _merge(self, parts: list[pd.DataFrame], order: list[str]) -> pd.DataFrame:
        """Run the merge over the sources in `order`; keep its notes."""
        infos = [self._sources[sid].info for sid in order]
        labels = [i.label or i.file_name or i.id for i in infos]
        sources = [
            effective.MergeSource(
                source_id=info.id,
                platform=info.platform,
                role=info.role,
                # Two files of one platform are told apart by their file names.
                label=f"{label} ({info.file_name})"
                if labels.count(label) > 1 and info.file_name
                else label,
                supplies=frozenset(info.supplies),
                currency=info.currency,
            )
            for info, label in zip(infos, labels, strict=True)
        ]
        merged = effective.merge_sources(parts, sources, self._catalog.aliases)
        self._merge_notes = merged.notes
        self._cross_source = merged.cross_source
        return merged.facts

    def _map_rows(self, eff: pd.DataFrame, order: list[str]) -> None:
        """Take `_src`/`_pos` out of `eff` into the row maps; add `row_id`."""
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

    # -- patching cells -----------------------------------------------------------------
    def apply_cells(
        self, touched: Sequence[tuple[RowKey, str]]
    ) -> tuple[set[int], set[str], set[Any], set[int]]:
        """Write changed facts cells into the built effective facts.

        Returns the rows written, the fields written, the campaigns touched and the
        adjustment rows recomputed.
        """
        assert self._effective is not None
        by_field: dict[str, list[tuple[int, float | None]]] = {}
        for key, name in touched:
            src = self._sources[key.source_id]
            pos = self._overrides.resolve(src.facts, src.keys, key)
            assert pos is not None
            rid = int(self._row_of[key.source_id][pos])
            if rid < 0:
                continue  # a deleted campaign's row: not in the effective facts
            rec = self._overrides.get("facts", key, name)
            value = src.facts[name].iat[pos] if rec is None else rec.new_value
            by_field.setdefault(name, []).append((rid, value))
            cells = self._edited_cells.setdefault(rid, set())
            if rec is None:
                cells.discard(name)
            else:
                cells.add(name)
        rows: set[int] = set()
        for name, updates in by_field.items():
            self.set_values(name, updates)
            rows.update(rid for rid, _ in updates)
        keys = self.frame()["campaign_key"].to_numpy()
        campaigns = {keys[r] for r in rows}
        adjusted = self.refresh_adjustments(campaigns)
        return rows, set(by_field), campaigns, adjusted

    def set_values(self, name: str, updates: Sequence[tuple[int, float | None]]) -> None:
        """Write cells of one numeric column of the effective facts (copy on write)."""
        eff = self.frame()
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

    def ensure_reserved(self) -> None:
        """Make the column buffers (see `_reserve`) unless they exist."""
        if self._bufs is None:
            self._reserve()

    def _reserve(self) -> None:
        """Copy the effective facts into column buffers with spare rows at the end.

        Done when the first cached report is built (which has no latency budget), so a
        campaign-level edit appends its adjustment row by writing one row in place
        instead of copying a million. Frames handed out before stay valid: they view the
        first `_exposed` rows, and rows are only ever written in place at or beyond that
        (other writes copy the column first, see `set_values`).
        """
        eff = self.frame()
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

    # -- adjustment rows ----------------------------------------------------------------
    def campaign_total(self, key: str, field: str, *, exclude_adjustment: bool) -> float:
        """A campaign's total of `field` (as `kpi.aggregate` sums it)."""
        eff = self.frame()
        positions = self.index("campaign_key").get(key, np.zeros(0, dtype=np.int64))
        if exclude_adjustment and key in self._adjust_rows:
            positions = positions[positions != self._adjust_rows[key]]
        sub = eff.iloc[positions]
        events = self.events()
        if events is not None and field == "users":
            events = events[events["campaign_key"] == key]
        sums = kpi.aggregate(sub, None, events=events, fx=self.fx())
        value = sums[field].iloc[0]
        return 0.0 if is_missing(value) else float(value)

    def refresh_adjustments(self, keys: Iterable[str]) -> set[int]:
        """Recompute the adjustment rows of `keys`; returns the row ids that changed."""
        changed: set[int] = set()
        assert self._effective is not None
        eff = self._effective
        for key in keys:
            rid = self._adjust_rows.get(key)
            if rid is None:
                continue
            pinned = self._overrides.pinned(key)
            for name in CAMPAIGN_EDITABLE_FIELDS:
                if name in pinned:
                    rest = self.campaign_total(key, name, exclude_adjustment=True)
                    value = pinned[name] - rest
                elif np.isnan(eff[name].iat[rid]):
                    continue
                else:
                    value = np.nan  # a field whose pin was reverted: nothing to make up
                self.set_values(name, [(rid, value)])
                eff = self._effective
                changed.add(rid)
            self._edited_cells[rid] = set(pinned)
        return changed

    def append_adjustment(self, key: str) -> set[int]:
        """Add campaign `key`'s adjustment row at the end; returns the row ids that changed.

        Existing row ids stay valid (adjustment rows always come after source rows).
        """
        eff = self.frame()
        rid = len(eff)
        positions = self.index("campaign_key")[key]
        row = self._catalog.campaign(key)
        name = (row.display_name if row else None) or eff["campaign"].iat[int(positions[0])]
        extra = effective.adjustment_frame(
            [key], [name], self._catalog.currency, [self.campaign_range(key)]
        )
        extra = extra.drop(columns=["_src", "_pos"])
        extra["row_id"] = np.arange(rid, rid + 1, dtype=np.int64)
        # The row's values before it joins the facts (its campaign's other rows are all
        # there is to sum), so it is written once and no column is copied for it.
        pinned = self._overrides.pinned(key)
        for field, typed in pinned.items():
            rest = self.campaign_total(key, field, exclude_adjustment=True)
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
        new = self._effective = self._frame_from_bufs(rid + 1)
        self._row_src = np.append(self._row_src, np.int32(-1)).astype(self._row_src.dtype)
        self._row_pos = np.append(self._row_pos, 0).astype(self._row_pos.dtype)
        self._adjust_rows[key] = rid
        for column in list(self._indices):
            index = self._indices[column]
            label = new[column].iat[rid]
            if is_missing(label) or label is pd.NaT:
                del self._indices[column]  # a missing label is no dict key: rebuild lazily
            elif label in index:
                index[label] = np.append(index[label], rid)
            else:
                index[label] = np.array([rid], dtype=np.int64)
        self._edited_cells[rid] = set(pinned)
        return {rid}

    def remove_adjustment(self, key: str, columns: Iterable[str]) -> dict[str, Any]:
        """Drop campaign `key`'s adjustment row; later adjustment rows move up by one.

        Returns the removed row's label in each of `columns` (those of cached reports).
        """
        eff = self.frame()
        rid = self._adjust_rows.pop(key)
        extra = {column: eff[column].iat[rid] for column in columns}
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


def _hidden_edit_notes(
    found: overlaps.Overlaps, order: Sequence[str], edited: dict[tuple[str, int], set[str]]
) -> list[Any]:
    """Say how many edits sit on rows a later import replaced (kept, not counted)."""
    from kpi_desktop.core.io.merge import MergeNote

    code_of = {sid: code for code, sid in enumerate(order)}
    counts: dict[str, int] = {}
    for (sid, pos), fields in edited.items():
        keep = found.keep[code_of[sid]]
        if keep is not None and not keep[pos]:
            counts[sid] = counts.get(sid, 0) + len(fields)
    notes = []
    for sid, n in counts.items():
        name = next((note.sources[0] for note in found.notes if note.source_ids[:1] == (sid,)), sid)
        notes.append(
            MergeNote(
                overlaps.OVERLAP_FIELD,
                (name,),
                f"{n} edit{'s' if n != 1 else ''} on rows of {name} that a later import "
                f"replaced no longer count{'s' if n == 1 else ''} (kept: they apply again if "
                f"that import is removed)",
                (sid,),
            )
        )
    return notes
