"""The workspace: facts, sources, edits, campaigns, FX rates, links and settings (DESIGN 5).

Provisional in-memory version that fixes the public API; the SQLite file format,
edits, atomic save and recovery are being built behind the same names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kpi_desktop.core import kpi
from kpi_desktop.core.schema import normalize_facts

SCHEMA_VERSION = 1


class WorkspaceError(ValueError):
    """A workspace file that cannot be opened or saved; `message` is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Changes:
    """What a mutation changed, so the UI refreshes only that.

    `rows` None means every row; `reset` asks views to rebuild (new import, open).
    """

    rows: frozenset[int] | None = None
    fields: frozenset[str] = frozenset()
    kpis_dirty: bool = True
    reset: bool = False


@dataclass
class Workspace:
    """One open workspace. Views read through it; every change goes through its methods."""

    path: Path | None = None
    _facts: pd.DataFrame = field(default_factory=lambda: normalize_facts(pd.DataFrame()))
    _events: pd.DataFrame | None = None
    _campaign_notes: dict[str, str] = field(default_factory=dict)
    _targets: dict[str | None, dict[str, float]] = field(default_factory=dict)
    _fx: dict[str, float] = field(default_factory=dict)
    _settings: dict[str, Any] = field(default_factory=dict)
    reporting_currency: str = ""
    dirty: bool = False

    @classmethod
    def new(cls) -> Workspace:
        return cls()

    @classmethod
    def from_facts(
        cls, facts: pd.DataFrame, *, events: pd.DataFrame | None = None, currency: str = ""
    ) -> Workspace:
        ws = cls(_facts=normalize_facts(facts), _events=events, reporting_currency=currency)
        return ws

    @classmethod
    def open_sample(cls) -> Workspace:
        """The bundled sample workspace, as an untitled copy."""
        from kpi_desktop.core import sample

        ws = cls.from_facts(sample.generate_sample(), currency=sample.SAMPLE_CURRENCY)
        ws._targets[None] = dict(sample.SAMPLE_TARGETS)
        ws._campaign_notes = {
            kpi_key: c.note for kpi_key, c in ((_key(c.name), c) for c in sample.CAMPAIGNS)
        }
        return ws

    # -- reading ---------------------------------------------------------------------
    def facts(self) -> pd.DataFrame:
        """Effective canonical facts (edits and aliases applied) with a stable `row_id`."""
        frame = self._facts.copy(deep=False)
        frame["row_id"] = range(len(frame))
        return frame

    def events(self) -> pd.DataFrame | None:
        return self._events

    def fx(self) -> kpi.FxRates:
        return kpi.FxRates(self.reporting_currency, dict(self._fx))

    def campaigns(self) -> pd.DataFrame:
        """One row per campaign key: display name and notes."""
        names = self._facts.groupby("campaign_key", sort=True)["campaign"].first()
        notes = names.index.map(lambda k: self._campaign_notes.get(k, ""))
        return pd.DataFrame({"display_name": names, "notes": list(notes)}, index=names.index)

    def targets(self) -> dict[str | None, dict[str, float]]:
        """Targets per KPI: campaign key (None = every campaign) -> kpi id -> target."""
        return {k: dict(v) for k, v in self._targets.items()}

    def report(
        self,
        by: str | Sequence[str] | None = "campaign",
        *,
        start: object = None,
        end: object = None,
        campaigns: Sequence[str] | None = None,
        channels: Sequence[str] | None = None,
    ) -> kpi.KpiReport:
        """KPIs over the selection, with the workspace's events and exchange rates."""
        facts = self.facts()
        mask = kpi.select(facts, start=start, end=end, campaigns=campaigns, channels=channels)
        events = self._events
        if events is not None and not mask.all():
            emask = kpi.select(events, start=start, end=end, campaigns=campaigns, channels=channels)
            events = events[emask]
        return kpi.report(facts[mask], by, events=events, fx=self.fx())

    def get_setting(self, key: str, default: Any = None) -> Any:
        return self._settings.get(key, default)

    def set_setting(self, key: str, value: Any) -> None:
        self._settings[key] = value
        self.dirty = True


def _key(name: str) -> str:
    from kpi_desktop.core.schema import campaign_key

    return campaign_key(name)
