"""The workspace's edits of data: facts-cell overrides and pinned campaign totals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import pandas as pd

from kpi_desktop.core.format import is_missing
from kpi_desktop.core.schema import FIELDS
from kpi_desktop.core.workspace.changes import NO_CHANGES, Changes
from kpi_desktop.core.workspace.overrides import (
    CAMPAIGN_EDITABLE_FIELDS,
    EDITABLE_FIELDS,
    REVERT,
    EditRecord,
    RowKey,
    as_value,
    key_at,
    same,
)
from kpi_desktop.core.workspace.state import WorkspaceState, locked


class EditsApi(WorkspaceState):
    """Override facts cells (by row id or natural key) and pin campaign totals.

    A cell edit patches only the cells, adjustment rows and report groups it touches;
    the first pin of a campaign appends its adjustment row (see `effective`).
    """

    @locked
    def row_key(self, row_id: int) -> RowKey:
        """Natural key of an effective row (raises for adjustment rows and bad ids)."""
        sid, pos = self._facts.locate(row_id)
        key = key_at(sid, self._sources[sid].facts, pos)
        # Remember where the key lives so resolving it later needs no scan of the source.
        self._overrides.remember(key, pos)
        return key

    @locked
    def row_id(self, key: RowKey) -> int | None:
        """The effective row with natural key `key`, or None (gone or deleted)."""
        pos = self._position(key)
        if pos is None:
            return None
        rid = self._facts.row_of(key.source_id, pos)
        return None if rid < 0 else rid

    @locked
    def is_edited(self, row_id: int, field: str) -> bool:
        """Whether a facts cell holds an override (campaign adjustments count as edited)."""
        return field in self._facts.edited(row_id)

    @locked
    def edited_fields(self, row_id: int) -> frozenset[str]:
        """Fields of a row that hold overrides."""
        return frozenset(self._facts.edited(row_id))

    @locked
    def imported_value(self, row_id: int, field: str) -> float | None:
        """The value a source supplied for a cell, whatever overrides it."""
        sid, pos = self._facts.locate(row_id)
        value = self._sources[sid].facts[field].iat[pos]
        return None if is_missing(value) else float(value)

    def override(self, table: str, key: RowKey | str, field: str) -> EditRecord | None:
        """The override of one cell, or None."""
        return self._overrides.get(table, key, field)

    def edits(self) -> list[EditRecord]:
        """Every override, in the order they were first made."""
        return list(self._overrides)

    @locked
    def orphaned_edits(self) -> list[EditRecord]:
        """Facts overrides whose row no longer exists (kept; they apply again if it returns)."""
        return [rec for key, rec in self._overrides.facts_edits() if self._position(key) is None]

    def edit_cell(self, row_id: int, field: str, value: object) -> Changes:
        """Override one facts cell; typing the imported value back removes the override."""
        return self.edit_cells([(row_id, field, value)])

    @locked
    def edit_cells(self, cells: Iterable[tuple[int, str, object]]) -> Changes:
        """Override many facts cells at once (a paste): one transaction, one `Changes`."""
        items = []
        for row_id, name, value in cells:
            if name not in EDITABLE_FIELDS:
                raise ValueError(f"{name!r} cannot be edited")
            items.append((self.row_key(row_id), name, as_value(name, value)))
        return self._set_overrides(items)

    @locked
    def revert_cell(self, row_id: int, field: str) -> Changes:
        """Drop the override of one cell: the imported value shows again."""
        return self._set_overrides([(self.row_key(row_id), field, REVERT)])

    def set_override(self, key: RowKey, field: str, value: object) -> Changes:
        """Override a cell by natural key; `value=REVERT` drops the override (for undo)."""
        return self.set_overrides([(key, field, value)])

    def set_overrides(self, items: Iterable[tuple[RowKey, str, object]]) -> Changes:
        """Override cells by natural key in one transaction (`REVERT` drops one)."""
        parsed = []
        for key, name, value in items:
            if name not in EDITABLE_FIELDS:
                raise ValueError(f"{name!r} cannot be edited")
            parsed.append((key, name, value if value is REVERT else as_value(name, value)))
        with self._lock:
            return self._set_overrides(parsed)

    def _set_overrides(self, items: Sequence[tuple[RowKey, str, object]]) -> Changes:
        touched: list[tuple[RowKey, str]] = []
        with self._tx():
            for key, name, value in items:
                src = self._sources.get(key.source_id)
                pos = self._position(key)
                imported = None
                if pos is not None and src is not None:
                    raw = src.facts[name].iat[pos]
                    imported = None if is_missing(raw) else float(raw)
                if value is REVERT or (pos is not None and same(value, imported)):  # type: ignore[arg-type]
                    self._overrides.drop_cell(key, name)
                else:
                    self._overrides.set_cell(key, name, value, imported, pos)  # type: ignore[arg-type]
                if pos is not None:
                    touched.append((key, name))
        return self._apply_cell_changes(touched)

    def _apply_cell_changes(self, touched: list[tuple[RowKey, str]]) -> Changes:
        """Update the effective facts and cached reports for changed cells, incrementally."""
        names = {n for _, n in touched}
        if self._facts.built and self._facts.cross_source() & names:
            self._invalidate()  # the merge decides these fields: run it again (same rows)
        if not self._facts.built:
            return Changes(rows=None, fields=frozenset(names))
        rows, fields, campaigns, adjusted = self._facts.apply_cells(touched)
        rows |= adjusted
        summed = fields | (set(CAMPAIGN_EDITABLE_FIELDS) if adjusted else set())
        self._cube.update(rows, summed, values_only=True)
        return Changes(
            rows=frozenset(rows), fields=frozenset(fields), campaigns=frozenset(campaigns)
        )

    def campaign_override(self, campaign_key_: str, field: str) -> float | None:
        """The typed campaign total of a field, or None when not pinned."""
        rec = self._overrides.get("campaigns", campaign_key_, field)
        return None if rec is None else rec.new_value

    def edit_campaign_value(self, campaign_key_: str, field: str, value: object) -> Changes:
        """Pin a campaign's total of an additive field over all dates (blank = revert).

        Money is in the reporting currency. The campaign's daily rows keep their values;
        an adjustment row covering the campaign's data range (`campaign_range`) makes up
        the difference (see `effective`): date filters holding that range count it.
        """
        if field not in CAMPAIGN_EDITABLE_FIELDS:
            raise ValueError(f"{FIELDS[field].label} has no campaign total to edit")
        number = as_value(field, value)
        if number is None:
            return self.revert_campaign_value(campaign_key_, field)
        with self._lock:
            if campaign_key_ not in self._facts.index("campaign_key"):
                raise KeyError(f"no campaign {campaign_key_!r} with data")
            old = self._overrides.get("campaigns", campaign_key_, field)
            if old is not None:
                old_value = old.old_value
            else:
                old_value = self._facts.campaign_total(
                    campaign_key_, field, exclude_adjustment=False
                )
            with self._tx():
                self._overrides.pin(campaign_key_, field, old_value, number)
            return self._adjustments_changed(campaign_key_, field)

    @locked
    def campaign_range(self, campaign_key_: str) -> tuple[dt.date, dt.date] | None:
        """The days a typed total of the campaign covers: first to last day of its data.

        A date filter holding this range counts the typed totals; one that cuts it leaves
        them out (never pro-rated). None: the campaign has no dated rows (its typed totals
        count only under All dates).
        """
        first, last = self._facts.campaign_range(campaign_key_)
        if pd.isna(first) or pd.isna(last):
            return None
        return first.date(), last.date()

    @locked
    def revert_campaign_value(self, campaign_key_: str, field: str) -> Changes:
        """Unpin a campaign total: it is the sum of the campaign's rows again."""
        if self._overrides.get("campaigns", campaign_key_, field) is None:
            return NO_CHANGES
        with self._tx():
            self._overrides.unpin(campaign_key_, field)
        return self._adjustments_changed(campaign_key_, field)

    def _adjustments_changed(self, key: str, field: str) -> Changes:
        had = self._facts.has_adjustment(key)
        needs = bool(self._overrides.pinned_fields(key))
        fields = frozenset({field})
        if self._facts.built and had != needs:
            # An adjustment row appears or goes: patch the effective facts, indices and
            # cached reports for this one row instead of rebuilding a million rows.
            # Row ids may shift (reset), but only this campaign's data changed.
            touched: frozenset[str] | None = frozenset({key})
            if (
                needs
                and key in self._facts.index("campaign_key")
                and key not in self._catalog.aliases
            ):
                self._cube.update(self._facts.append_adjustment(key), fields)
            elif not needs:
                extra = self._facts.remove_adjustment(key, self._cube.columns())
                self._cube.update(set(), fields, extra)
            else:
                self._invalidate()
                touched = None
            return Changes(rows=None, fields=fields, reset=True, campaigns=touched)
        if not self._facts.built:
            return Changes(rows=None, fields=fields, reset=True, campaigns=None)
        rows = self._facts.refresh_adjustments({key})
        self._cube.update(rows, set(CAMPAIGN_EDITABLE_FIELDS), values_only=True)
        return Changes(rows=frozenset(rows), fields=fields, campaigns=frozenset({key}))
