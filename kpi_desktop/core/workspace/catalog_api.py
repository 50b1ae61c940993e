"""The workspace's campaigns, targets, aliases, currency and link history (read and edit)."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from kpi_desktop.core import kpi
from kpi_desktop.core.format import is_missing
from kpi_desktop.core.schema import campaign_key, normalize_facts
from kpi_desktop.core.workspace.catalog import campaign_table
from kpi_desktop.core.workspace.changes import Changes, Scope
from kpi_desktop.core.workspace.overrides import EDITABLE_FIELDS, as_value
from kpi_desktop.core.workspace.sources import MANUAL_SOURCE
from kpi_desktop.core.workspace.state import WorkspaceState, locked


class CatalogApi(WorkspaceState):
    """Campaigns (manual, renamed, deleted, notes), targets, aliases, FX and UTM links."""

    def fx(self) -> kpi.FxRates:
        """Reporting currency and exchange rates, for `kpi.report`."""
        return self._catalog.fx()

    def fx_rates(self) -> dict[str, float]:
        """Currency -> rate (1 unit = rate units of the reporting currency)."""
        return self._catalog.fx_rates()

    @locked
    def campaigns(self) -> pd.DataFrame:
        """One row per campaign key: display name, notes, aliases, manual, rows."""
        return campaign_table(
            self._catalog, self._facts.first_names(), self._facts.index("campaign_key")
        )

    def deleted_campaigns(self) -> list[str]:
        """Keys of deleted campaigns (their data is kept so that delete can be undone)."""
        return sorted(self._catalog.deleted())

    def aliases(self) -> dict[str, str]:
        """Alias campaign key -> canonical campaign key."""
        return dict(self._catalog.aliases)

    def targets(self) -> dict[str | None, dict[str, float]]:
        """Targets per KPI: campaign key (None = every campaign) -> kpi id -> target."""
        return self._catalog.targets()

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
            if key in self.campaigns().index or key in self._catalog.aliases:
                raise ValueError(f"A campaign named {name.strip()!r} already exists")
            if key in self._catalog.deleted():
                raise ValueError(f"{name.strip()!r} was deleted: undo the delete instead")
            with self._tx():
                self._catalog.put_manual_campaign(key, name.strip(), notes)
                self._add_manual_row(
                    key, name.strip(), (date, channel, variant, values or {}), currency
                )
            return Changes(rows=None, reset=True, campaigns=None, scope=Scope.CAMPAIGNS)

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
                self._add_manual_row(
                    campaign_key_, name, (date, channel, variant, values or {}), currency
                )
            return Changes(rows=None, reset=True, campaigns=frozenset({campaign_key_}))

    def remove_manual_campaign(self, campaign_key_: str) -> Changes:
        """Undo of `add_campaign`: drop its manual rows and its campaign entry."""
        with self._lock, self._tx():
            rows = self._sources.manual_facts()
            if rows is not None:
                self._sources.replace_facts(
                    MANUAL_SOURCE, rows[rows["campaign_key"] != campaign_key_]
                )
            self._catalog.drop_campaign(campaign_key_)
            self._invalidate()
        return Changes(rows=None, reset=True, campaigns=None, scope=Scope.CAMPAIGNS)

    def _add_manual_row(
        self,
        key: str,
        name: str,
        row: tuple[object, str, str, Mapping[str, object]],
        currency: str | None,
    ) -> None:
        date, channel, variant, values = row
        record: dict[str, object] = {
            "date": date,
            "campaign": name,
            "campaign_key": key,
            "channel": channel,
            "variant": variant,
            "currency": self._catalog.currency if currency is None else currency,
        }
        for fname, value in values.items():
            if fname not in EDITABLE_FIELDS:
                raise ValueError(f"{fname!r} is not a number field")
            record[fname] = as_value(fname, value)
        self._sources.add_manual_facts(normalize_facts(pd.DataFrame([record])))
        self._invalidate()

    def rename_campaign(self, campaign_key_: str, name: str | None) -> Changes:
        """Set a campaign's display name (None or "" restores the imported name)."""
        with self._lock, self._tx():
            self._catalog.set_display_name(campaign_key_, (name or "").strip() or None)
            self._invalidate()
        return Changes(
            rows=None,
            fields=frozenset({"campaign"}),
            campaigns=frozenset({campaign_key_}),
            scope=Scope.CAMPAIGNS,
        )

    def display_name(self, campaign_key_: str) -> str | None:
        """The display name set by the user, or None (the imported name shows)."""
        row = self._catalog.campaign(campaign_key_)
        return None if row is None else row.display_name

    def delete_campaign(self, campaign_key_: str) -> Changes:
        """Hide a campaign and its rows; the data is kept so `restore_campaign` undoes it."""
        return self._set_deleted(campaign_key_, True)

    def restore_campaign(self, campaign_key_: str) -> Changes:
        """Undo `delete_campaign`."""
        return self._set_deleted(campaign_key_, False)

    def _set_deleted(self, key: str, deleted: bool) -> Changes:
        with self._lock, self._tx():
            self._catalog.set_deleted(key, deleted)
            self._invalidate()
        return Changes(rows=None, reset=True, campaigns=None, scope=Scope.CAMPAIGNS)

    def set_note(self, campaign_key_: str, text: str) -> Changes:
        """Set a campaign's notes."""
        with self._lock, self._tx():
            self._catalog.set_notes(campaign_key_, text)
        return Changes(
            rows=frozenset(),
            kpis_dirty=False,
            campaigns=frozenset({campaign_key_}),
            scope=Scope.NOTES,
        )

    def notes(self, campaign_key_: str) -> str:
        """A campaign's notes ("" when none)."""
        row = self._catalog.campaign(campaign_key_)
        return "" if row is None else str(row.notes)

    def set_target(
        self, kpi_id: str, value: float | None, campaign_key_: str | None = None
    ) -> Changes:
        """Set (or with None clear) a KPI target for a campaign or, with None, the workspace."""
        if kpi_id not in kpi.KPI_BY_ID:
            raise ValueError(f"unknown KPI {kpi_id!r}")
        ckey = campaign_key_ or ""
        number = None if value is None or is_missing(value) else float(value)
        if number is not None and not math.isfinite(number):
            raise ValueError("a target must be a finite number")
        with self._lock, self._tx():
            self._catalog.set_target(ckey, kpi_id, number)
        return Changes(
            rows=frozenset(),
            kpis_dirty=False,
            campaigns=None if not ckey else frozenset({ckey}),
            scope=Scope.TARGETS,
        )

    def target(self, kpi_id: str, campaign_key_: str | None = None) -> float | None:
        """The target that applies: the campaign's own, else the workspace default."""
        return self._catalog.target(kpi_id, campaign_key_)

    def add_alias(self, alias_key: str, campaign_key_: str) -> Changes:
        """Make campaign key `alias_key` part of campaign `campaign_key_` in facts and events."""
        alias_key = campaign_key(alias_key)
        aliases = self._catalog.aliases
        target = aliases.get(campaign_key_, campaign_key_)
        if not alias_key or alias_key == target:
            raise ValueError("a campaign cannot be an alias of itself")
        new = dict(aliases)
        new[alias_key] = target
        for alias, canon in list(new.items()):
            if canon == alias_key:
                new[alias] = target  # keys that pointed at the alias follow it
        return self.set_aliases(new)

    def remove_alias(self, alias_key: str) -> Changes:
        """Make `alias_key` a campaign of its own again."""
        new = dict(self._catalog.aliases)
        new.pop(alias_key, None)
        return self.set_aliases(new)

    def set_aliases(self, aliases: Mapping[str, str]) -> Changes:
        """Replace the whole alias table (used by undo)."""
        with self._lock, self._tx():
            self._catalog.set_aliases(aliases)
            self._invalidate()
        return Changes(rows=None, reset=True, campaigns=None, scope=Scope.ALIASES)

    def set_reporting_currency(self, code: str) -> Changes:
        """Set the currency money is reported in."""
        with self._lock, self._tx():
            self._catalog.set_currency(code)
            self._invalidate()
        return Changes(rows=None, campaigns=None, scope=Scope.FX)

    def set_fx_rate(self, currency: str, rate: float | None) -> Changes:
        """Set (or with None remove) the rate: 1 `currency` = `rate` reporting units."""
        code = currency.strip().upper()
        if not code:
            raise ValueError("a currency code is needed")
        number = None if rate is None or is_missing(rate) else float(rate)
        if number is not None and not (math.isfinite(number) and number > 0):
            raise ValueError("an exchange rate must be a positive number")
        with self._lock, self._tx():
            self._catalog.set_fx_rate(code, number)
            self._invalidate()  # money in reports and campaign adjustments change
        return Changes(rows=None, campaigns=None, scope=Scope.FX)

    def add_link(self, url: str, params: Mapping[str, str] | None = None, note: str = "") -> int:
        """Remember a built link; returns its id."""
        with self._lock, self._tx():
            return self._catalog.add_link(url, params or {}, note)

    def remove_link(self, link_id: int) -> None:
        """Forget a link from the history."""
        with self._lock, self._tx():
            self._catalog.remove_link(int(link_id))

    @locked
    def links(self) -> pd.DataFrame:
        """Link history, newest first: link_id, url, created, note, one column per parameter.

        `link_id` is the history row (for `remove_link`); it is not named `id` because a
        saved link's own parameters may hold an `id` (its utm_id).
        """
        return self._catalog.links()
