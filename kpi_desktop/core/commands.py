"""Undoable user intents over a `Workspace`, Qt-free (`ui/undo.py` wraps them in QUndoCommand).

Each command captures, when it is made, what it needs to undo itself: cells are held by
their natural `RowKey` (row ids change when sources come and go), and the previous
override, name, note, target, rate or source is kept. `do` is also redo. Commands with
the same `id` (>= 0) may merge, as QUndoCommand.mergeWith does: typing into one cell
several times is one undo step.
"""

from __future__ import annotations

import datetime as dt
import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kpi_desktop.core.schema import FIELDS
from kpi_desktop.core.series.selection import ANNOTATIONS_SETTING, parse_annotations
from kpi_desktop.core.workspace import (
    NO_CHANGES,
    REVERT,
    Changes,
    EditRecord,
    ImportedSource,
    RowKey,
    Scope,
    SourceSnapshot,
    Workspace,
)
from kpi_desktop.core.workspace.overlaps import OVERLAP_FIELD

#: Merge ids (QUndoCommand.id): only commands with equal ids are offered to merge_with.
EDIT_CELL_ID = 1
EDIT_CAMPAIGN_ID = 2
SET_TARGET_ID = 3
SET_NOTE_ID = 4
SET_FX_ID = 5
EDIT_BULK_CELL_ID = 6


class Command(ABC):
    """One user intent: `do` (and redo) and `undo` return what changed."""

    text: str = ""
    id: int = -1  # -1: never merges

    @abstractmethod
    def do(self, ws: Workspace) -> Changes:
        """Apply (or re-apply) the intent."""

    @abstractmethod
    def undo(self, ws: Workspace) -> Changes:
        """Put the workspace back as it was before `do`."""

    def merge_with(self, other: Command) -> bool:
        """Absorb `other` (the newer command) into this one; True when merged."""
        del other
        return False


def _campaign_name(ws: Workspace, row_id: int) -> str:
    return str(ws.facts()["campaign"].iat[int(row_id)])


def _label(field: str) -> str:
    return FIELDS[field].label.lower() if field in FIELDS else field


def _restore(previous: EditRecord | None) -> object:
    return REVERT if previous is None else previous.new_value


class EditCell(Command):
    """Type a value into one facts cell (an override beside the imported value)."""

    id = EDIT_CELL_ID

    def __init__(self, ws: Workspace, row_id: int, field: str, value: object) -> None:
        self.key: RowKey = ws.row_key(row_id)
        self.field = field
        self.value = value
        self.previous = ws.override("facts", self.key, field)
        self.text = f"Edit {_label(field)} of {_campaign_name(ws, row_id)}"

    def do(self, ws: Workspace) -> Changes:
        return ws.set_override(self.key, self.field, self.value)

    def undo(self, ws: Workspace) -> Changes:
        return ws.set_override(self.key, self.field, _restore(self.previous))

    def merge_with(self, other: Command) -> bool:
        if isinstance(other, EditCell) and (other.key, other.field) == (self.key, self.field):
            self.value = other.value
            return True
        return False


class RevertCell(Command):
    """Drop a cell's override: the imported value shows again."""

    def __init__(self, ws: Workspace, row_id: int, field: str) -> None:
        self.key = ws.row_key(row_id)
        self.field = field
        self.previous = ws.override("facts", self.key, field)
        self.text = f"Revert {_label(field)} of {_campaign_name(ws, row_id)}"

    def do(self, ws: Workspace) -> Changes:
        return ws.set_override(self.key, self.field, REVERT)

    def undo(self, ws: Workspace) -> Changes:
        return ws.set_override(self.key, self.field, _restore(self.previous))


class PasteBlock(Command):
    """Many cells typed at once (a paste or fill): one undo step, one transaction."""

    def __init__(self, ws: Workspace, cells: Iterable[tuple[int, str, object]]) -> None:
        self.cells: list[tuple[RowKey, str, object]] = []
        self.previous: list[EditRecord | None] = []
        for row_id, field, value in cells:
            key = ws.row_key(row_id)
            self.cells.append((key, field, value))
            self.previous.append(ws.override("facts", key, field))
        count = len(self.cells)
        self.text = f"Paste {count} cell{'s' if count != 1 else ''}"

    def do(self, ws: Workspace) -> Changes:
        return ws.set_overrides(self.cells)

    def undo(self, ws: Workspace) -> Changes:
        return ws.set_overrides(
            (key, field, _restore(prev))
            for (key, field, _), prev in zip(self.cells, self.previous, strict=True)
        )


class EditCampaignTotal(Command):
    """Type a campaign's total of a field in the Campaigns table (blank reverts it)."""

    id = EDIT_CAMPAIGN_ID

    def __init__(self, ws: Workspace, campaign_key: str, field: str, value: object) -> None:
        self.key = campaign_key
        self.field = field
        self.value = value
        self.previous = ws.campaign_override(campaign_key, field)
        name = ws.campaigns()["display_name"].get(campaign_key, campaign_key)
        self.text = f"Edit {_label(field)} of {name}"

    def do(self, ws: Workspace) -> Changes:
        return ws.edit_campaign_value(self.key, self.field, self.value)

    def undo(self, ws: Workspace) -> Changes:
        if self.previous is None:
            return ws.revert_campaign_value(self.key, self.field)
        return ws.edit_campaign_value(self.key, self.field, self.previous)

    def merge_with(self, other: Command) -> bool:
        if isinstance(other, EditCampaignTotal) and (other.key, other.field) == (
            self.key,
            self.field,
        ):
            self.value = other.value
            return True
        return False


class RevertCampaignTotal(Command):
    """Unpin a campaign total: it is the sum of its rows again."""

    def __init__(self, ws: Workspace, campaign_key: str, field: str) -> None:
        self.key = campaign_key
        self.field = field
        self.previous = ws.campaign_override(campaign_key, field)
        name = ws.campaigns()["display_name"].get(campaign_key, campaign_key)
        self.text = f"Revert {_label(field)} of {name}"

    def do(self, ws: Workspace) -> Changes:
        return ws.revert_campaign_value(self.key, self.field)

    def undo(self, ws: Workspace) -> Changes:
        if self.previous is None:
            return NO_CHANGES
        return ws.edit_campaign_value(self.key, self.field, self.previous)


class AddCampaign(Command):
    """Add a campaign typed in by hand (see `Workspace.add_campaign`)."""

    def __init__(self, name: str, **row: Any) -> None:
        self.name = name
        self.row = row
        self.key = ""
        self.text = f"Add campaign {name.strip()}"

    def do(self, ws: Workspace) -> Changes:
        from kpi_desktop.core.schema import campaign_key

        self.key = campaign_key(self.name)
        return ws.add_campaign(self.name, **self.row)

    def undo(self, ws: Workspace) -> Changes:
        return ws.remove_manual_campaign(self.key)


class RenameCampaign(Command):
    """Change a campaign's display name."""

    def __init__(self, ws: Workspace, campaign_key: str, name: str) -> None:
        self.key = campaign_key
        self.name = name
        self.previous = ws.display_name(campaign_key)
        old = ws.campaigns()["display_name"].get(campaign_key, campaign_key)
        self.text = f"Rename {old} to {name.strip()}"

    def do(self, ws: Workspace) -> Changes:
        return ws.rename_campaign(self.key, self.name)

    def undo(self, ws: Workspace) -> Changes:
        return ws.rename_campaign(self.key, self.previous)


class DeleteCampaign(Command):
    """Delete a campaign (its data is kept, so undo restores it exactly)."""

    def __init__(self, ws: Workspace, campaign_key: str) -> None:
        self.key = campaign_key
        name = ws.campaigns()["display_name"].get(campaign_key, campaign_key)
        self.text = f"Delete campaign {name}"

    def do(self, ws: Workspace) -> Changes:
        return ws.delete_campaign(self.key)

    def undo(self, ws: Workspace) -> Changes:
        return ws.restore_campaign(self.key)


class SetTarget(Command):
    """Set or clear a KPI target for a campaign (or, with None, the whole workspace)."""

    id = SET_TARGET_ID

    def __init__(
        self, ws: Workspace, kpi_id: str, value: float | None, campaign_key: str | None = None
    ) -> None:
        self.kpi_id = kpi_id
        self.value = value
        self.key = campaign_key
        self.previous = ws.targets().get(campaign_key, {}).get(kpi_id)
        from kpi_desktop.core.kpi import KPI_BY_ID

        where = "" if campaign_key is None else f" of {campaign_key}"
        self.text = f"Set target for {KPI_BY_ID[kpi_id].name.lower()}{where}"

    def do(self, ws: Workspace) -> Changes:
        return ws.set_target(self.kpi_id, self.value, self.key)

    def undo(self, ws: Workspace) -> Changes:
        return ws.set_target(self.kpi_id, self.previous, self.key)

    def merge_with(self, other: Command) -> bool:
        if isinstance(other, SetTarget) and (other.kpi_id, other.key) == (self.kpi_id, self.key):
            self.value = other.value
            return True
        return False


class SetNote(Command):
    """Edit a campaign's notes (consecutive edits of one note merge)."""

    id = SET_NOTE_ID

    def __init__(self, ws: Workspace, campaign_key: str, text: str) -> None:
        self.key = campaign_key
        self.note = text
        self.previous = ws.notes(campaign_key)
        name = ws.campaigns()["display_name"].get(campaign_key, campaign_key)
        self.text = f"Edit notes of {name}"

    def do(self, ws: Workspace) -> Changes:
        return ws.set_note(self.key, self.note)

    def undo(self, ws: Workspace) -> Changes:
        return ws.set_note(self.key, self.previous)

    def merge_with(self, other: Command) -> bool:
        if isinstance(other, SetNote) and other.key == self.key:
            self.note = other.note
            return True
        return False


class SetFxRate(Command):
    """Set or remove an exchange rate."""

    id = SET_FX_ID

    def __init__(self, ws: Workspace, currency: str, rate: float | None) -> None:
        self.currency = currency.strip().upper()
        self.rate = rate
        self.previous = ws.fx_rates().get(self.currency)
        self.text = f"Set exchange rate for {self.currency}"

    def do(self, ws: Workspace) -> Changes:
        return ws.set_fx_rate(self.currency, self.rate)

    def undo(self, ws: Workspace) -> Changes:
        return ws.set_fx_rate(self.currency, self.previous)

    def merge_with(self, other: Command) -> bool:
        if isinstance(other, SetFxRate) and other.currency == self.currency:
            self.rate = other.rate
            return True
        return False


class ImportSources(Command):
    """Import one or more files' results; undo removes them, redo puts the same data back.

    `replace` maps a result's position to the id of the source it replaces (see
    `Workspace.find_replaceable`); the replaced source comes back on undo.
    """

    def __init__(
        self, results: Sequence[ImportedSource], replace: Mapping[int, str] | None = None
    ) -> None:
        self.results = list(results)
        self.replace = dict(replace or {})
        self.added: list[str] = []
        self.replaced: dict[str, SourceSnapshot] = {}
        self.undone: list[SourceSnapshot] = []
        #: the reporting currency before the first `do` (an import into a new workspace
        #: sets it) and after it, so undo and redo put each back
        self.currency_before: str | None = None
        self.currency_after = ""
        names = [r.file_name or "data" for r in self.results]
        self.text = f"Import {names[0]}" if len(names) == 1 else f"Import {len(names)} files"
        self.last_changes: Changes = NO_CHANGES
        #: what the import replaced of earlier imports of the same platform, in words
        #: ("11 days of Spring Sale in a.csv replaced by b.csv (the later import)")
        self.summary: list[str] = []

    def do(self, ws: Workspace) -> Changes:
        shown = _counted_edits(ws)
        changes = self._do(ws)
        # Edits on rows that a later import of the same platform now replaces are kept
        # (they apply again on undo) but no longer count: say so, as for a re-import.
        hidden = tuple(
            rec
            for rec in shown
            if isinstance(rec.row_key, RowKey)
            and rec.row_key.source_id not in self.added
            and ws.row_id(rec.row_key) is None
        )
        if hidden:
            changes = changes.merge(Changes(rows=frozenset(), dropped_edits=hidden))
        self.summary = [
            note.text
            for note in ws.merge_notes()
            if note.field == OVERLAP_FIELD and set(note.source_ids[1:]) & set(self.added)
        ]
        self.last_changes = changes
        return changes

    def _do(self, ws: Workspace) -> Changes:
        changes = NO_CHANGES
        if self.undone:  # redo: the exact sources that undo took out
            for snapshot in self.undone:
                changes = changes.merge(ws.restore_source(snapshot))
            self.undone = []
            if ws.reporting_currency != self.currency_after:
                changes = changes.merge(ws.set_reporting_currency(self.currency_after))
        else:
            self.currency_before = ws.reporting_currency
            self.added = []
            for i, result in enumerate(self.results):
                old = self.replace.get(i)
                if old is not None:
                    self.replaced[old] = ws.source_snapshot(old)
                step = ws.add_import(result, replace=old)
                self.added.extend(step.sources)
                changes = changes.merge(step)
            self.currency_after = ws.reporting_currency
        return changes

    def undo(self, ws: Workspace) -> Changes:
        changes = NO_CHANGES
        undone = []
        for source_id in reversed(self.added):
            undone.append(ws.remove_source(source_id))
            if source_id in self.replaced:
                ws.restore_source(self.replaced[source_id])
            changes = changes.merge(
                Changes(rows=None, reset=True, campaigns=None, sources=(source_id,))
            )
        self.undone = list(reversed(undone))
        before = self.currency_before
        if before is not None and ws.reporting_currency != before:
            changes = changes.merge(ws.set_reporting_currency(before))
        return changes


def _counted_edits(ws: Workspace) -> list[EditRecord]:
    """Facts edits whose row counts now (before an import that may replace it)."""
    return [
        rec
        for rec in ws.edits()
        if rec.table == "facts"
        and isinstance(rec.row_key, RowKey)
        and ws.row_id(rec.row_key) is not None
    ]


class AddAlias(Command):
    """Make one campaign key part of another campaign."""

    def __init__(self, ws: Workspace, alias_key: str, campaign_key: str) -> None:
        self.alias_key = alias_key
        self.key = campaign_key
        self.previous = ws.aliases()
        name = ws.campaigns()["display_name"].get(campaign_key, campaign_key)
        self.text = f"Merge {alias_key} into {name}"

    def do(self, ws: Workspace) -> Changes:
        return ws.add_alias(self.alias_key, self.key)

    def undo(self, ws: Workspace) -> Changes:
        return ws.set_aliases(self.previous)


class SetReportingCurrency(Command):
    """Change the reporting currency."""

    def __init__(self, ws: Workspace, code: str) -> None:
        self.code = code
        self.previous = ws.reporting_currency
        self.text = f"Report in {code.strip().upper()}"

    def do(self, ws: Workspace) -> Changes:
        return ws.set_reporting_currency(self.code)

    def undo(self, ws: Workspace) -> Changes:
        return ws.set_reporting_currency(self.previous)


# -- settings, chart notes and UTM links: data too, so undoable like the rest -------------------


def _json_copy(value: Any) -> Any:
    """A deep copy of a JSON value, so a command never shares a list with the workspace."""
    return json.loads(json.dumps(value))


class SetSetting(Command):
    """Change one workspace setting (naming convention, UTM presets, value aliases…).

    Undo puts the previous value back, or removes the setting if there was none.
    """

    def __init__(
        self, ws: Workspace, key: str, value: Any, text: str, scope: Scope = Scope.SETTINGS
    ) -> None:
        self.key = key
        self.value = _json_copy(value)
        self.had_value = ws.has_setting(key)
        self.previous = _json_copy(ws.get_setting(key)) if self.had_value else None
        self.text = text
        self.scope = scope

    def do(self, ws: Workspace) -> Changes:
        ws.set_setting(self.key, self.value)
        return self._changes()

    def undo(self, ws: Workspace) -> Changes:
        if self.had_value:
            ws.set_setting(self.key, self.previous)
        else:
            ws.delete_setting(self.key)
        return self._changes()

    def _changes(self) -> Changes:
        return Changes(
            rows=frozenset(),
            kpis_dirty=False,
            scope=self.scope,
            settings=frozenset({self.key}),
        )


class AddAnnotation(SetSetting):
    """Pin a dated note on the time charts (kept with the workspace)."""

    def __init__(self, ws: Workspace, day: dt.date, note: str) -> None:
        notes = sorted([*parse_annotations(ws.get_setting(ANNOTATIONS_SETTING, [])), (day, note)])
        value = [{"date": d.isoformat(), "text": t} for d, t in notes]
        when = f"{day.day} {day:%b %Y}"
        text = f"Add chart note on {when}"
        super().__init__(ws, ANNOTATIONS_SETTING, value, text, scope=Scope.ANNOTATIONS)


class SetBulkLinks(SetSetting):
    """Replace the rows of the UTM bulk-links table (kept as a workspace setting).

    `cell` names the (row, column) typed into; typing into the same cell again merges
    into one undo step, as in the Campaigns table.
    """

    def __init__(
        self,
        ws: Workspace,
        key: str,
        rows: Sequence[Mapping[str, str]],
        text: str,
        cell: tuple[int, str] | None = None,
    ) -> None:
        super().__init__(ws, key, [dict(r) for r in rows], text, Scope.LINKS)
        self.cell = cell
        self.id = EDIT_BULK_CELL_ID if cell is not None else -1

    def merge_with(self, other: Command) -> bool:
        if not isinstance(other, SetBulkLinks) or self.cell is None or other.cell != self.cell:
            return False
        self.value = other.value
        return True


class AddLink(Command):
    """Save a built UTM link to the workspace's link history."""

    def __init__(self, url: str, params: Mapping[str, str], note: str = "") -> None:
        self.url = url
        self.params = dict(params)
        self.note = note
        self.link_id: int | None = None
        what = note or url
        self.text = f"Save link {what if len(what) <= 40 else what[:39] + '…'}"

    def do(self, ws: Workspace) -> Changes:
        self.link_id = ws.add_link(self.url, self.params, self.note)
        return _links_changed()

    def undo(self, ws: Workspace) -> Changes:
        if self.link_id is not None:
            ws.remove_link(self.link_id)
            self.link_id = None
        return _links_changed()


def _links_changed() -> Changes:
    return Changes(rows=frozenset(), kpis_dirty=False, scope=Scope.LINKS)
