"""What a workspace mutation changed (`Changes`), so the UI refreshes only that."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from kpi_desktop.core.workspace.overrides import EditRecord


class Scope(enum.Flag):
    """Parts of a workspace besides facts rows that a mutation changed."""

    NONE = 0
    CAMPAIGNS = enum.auto()
    TARGETS = enum.auto()
    NOTES = enum.auto()
    FX = enum.auto()
    SOURCES = enum.auto()
    ALIASES = enum.auto()
    LINKS = enum.auto()
    SETTINGS = enum.auto()

    @property
    def keeps_facts(self) -> bool:
        """Only parts that leave the facts rows as they are changed (or nothing did):
        targets, notes, links, settings, exchange rates (money converts when summed)."""
        return self in _KEEPS_FACTS


_KEEPS_FACTS = Scope.TARGETS | Scope.NOTES | Scope.LINKS | Scope.SETTINGS | Scope.FX


@dataclass(frozen=True)
class Changes:
    """What a mutation changed, so the UI refreshes only that.

    `rows` None means every row; `reset` asks views to rebuild (new import, open).
    `campaigns` are canonical keys whose campaign-table row changed (None: all);
    `scope` names other parts that changed; `sources` are ids added or removed;
    `dropped_edits` are overrides that no longer match a row after a re-import.
    """

    rows: frozenset[int] | None = None
    fields: frozenset[str] = frozenset()
    kpis_dirty: bool = True
    reset: bool = False
    campaigns: frozenset[str] | None = frozenset()
    scope: Scope = Scope.NONE
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
