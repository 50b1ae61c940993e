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
    ANNOTATIONS = enum.auto()

    @property
    def keeps_facts(self) -> bool:
        """Only parts that leave the imported facts rows as they are changed (or nothing):
        targets, notes, links, settings, chart notes, exchange rates (money converts when
        summed; a new rate also reprices pinned campaign totals, so FX changes name every
        campaign in `Changes.campaigns` and the caches rebuild them)."""
        return self in _KEEPS_FACTS

    @property
    def outside_report(self) -> bool:
        """Only the link history, settings or chart notes changed: no KPI moved."""
        return self in _OUTSIDE_REPORT


_KEEPS_FACTS = (
    Scope.TARGETS | Scope.NOTES | Scope.LINKS | Scope.SETTINGS | Scope.FX | Scope.ANNOTATIONS
)
#: Parts that no KPI, period or campaign row depends on: the report need not be recomputed.
_OUTSIDE_REPORT = Scope.LINKS | Scope.SETTINGS | Scope.ANNOTATIONS


@dataclass(frozen=True)
class Changes:
    """What a mutation changed, so the UI refreshes only that.

    `rows` None means every row; `reset` asks views to rebuild (new import, open).
    `campaigns` are canonical keys whose campaign-table row changed (None: all);
    `scope` names other parts that changed; `sources` are ids added or removed;
    `dropped_edits` are overrides that no longer match a row after a re-import;
    `settings` are the keys of the workspace settings that changed.
    """

    rows: frozenset[int] | None = None
    fields: frozenset[str] = frozenset()
    kpis_dirty: bool = True
    reset: bool = False
    campaigns: frozenset[str] | None = frozenset()
    scope: Scope = Scope.NONE
    sources: tuple[str, ...] = ()
    dropped_edits: tuple[EditRecord, ...] = ()
    settings: frozenset[str] = frozenset()

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
            settings=self.settings | other.settings,
        )


NO_CHANGES = Changes(rows=frozenset(), kpis_dirty=False)
