"""The workspace's small tables: campaigns, aliases, targets, FX, settings and UTM links.

Each is kept in memory and written through to the database (call the setters inside a
workspace transaction).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kpi_desktop.core import kpi
from kpi_desktop.core.workspace.db import Database
from kpi_desktop.core.workspace.overrides import now

#: Settings key of the reporting currency (kept out of `settings()`).
_CURRENCY_KEY = "__reporting_currency__"


@dataclass
class CampaignRow:
    """What the user set on a campaign: display name, notes, manual, soft delete."""

    display_name: str | None = None
    notes: str = ""
    manual: bool = False
    deleted: bool = False


class Catalog:
    """Campaign rows, aliases, targets, exchange rates, settings and the link history."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._campaigns: dict[str, CampaignRow] = {}
        self._aliases: dict[str, str] = {}
        self._targets: dict[str, dict[str, float]] = {}
        self._fx: dict[str, float] = {}
        self._settings: dict[str, Any] = {}
        self._currency = ""

    def load(self) -> None:
        """Read every table from the database."""
        self._campaigns = {
            key: CampaignRow(name, notes, bool(manual), bool(deleted))
            for key, name, notes, manual, deleted in self._db.campaigns()
        }
        self._aliases = self._db.aliases()
        self._targets = {}
        for ckey, kpi_id, value in self._db.targets():
            self._targets.setdefault(ckey, {})[kpi_id] = float(value)
        self._fx = self._db.fx_rates()
        self._settings = {k: json.loads(v) for k, v in self._db.settings().items()}
        self._currency = str(self._settings.pop(_CURRENCY_KEY, ""))

    # -- campaigns ----------------------------------------------------------------------
    def campaign(self, key: str) -> CampaignRow | None:
        """A campaign's row, or None when the user set nothing on it."""
        return self._campaigns.get(key)

    def campaign_keys(self) -> list[str]:
        """Keys of campaign rows."""
        return list(self._campaigns)

    def display_names(self) -> dict[str, str]:
        """Campaign key -> display name, for campaigns that have one."""
        return {k: r.display_name for k, r in self._campaigns.items() if r.display_name}

    def deleted(self) -> set[str]:
        """Keys of deleted campaigns."""
        return {k for k, r in self._campaigns.items() if r.deleted}

    def _row(self, key: str) -> CampaignRow:
        row = self._campaigns.get(key)
        if row is None:
            row = self._campaigns[key] = CampaignRow()
            self._db.insert_campaign(key)
        return row

    def put_manual_campaign(self, key: str, name: str, notes: str) -> None:
        """A campaign typed in by hand."""
        self._db.put_manual_campaign(key, name, notes)
        self._campaigns[key] = CampaignRow(name, notes, manual=True)

    def drop_campaign(self, key: str) -> None:
        """Forget a campaign's row."""
        self._db.delete_campaign(key)
        self._campaigns.pop(key, None)

    def set_display_name(self, key: str, name: str | None) -> None:
        """Set (None: clear) a campaign's display name."""
        self._row(key).display_name = name
        self._db.update_campaign(key, "display_name", name)

    def set_deleted(self, key: str, deleted: bool) -> None:
        """Soft-delete or restore a campaign."""
        self._row(key).deleted = deleted
        self._db.update_campaign(key, "deleted", int(deleted))

    def set_notes(self, key: str, text: str) -> None:
        """Set a campaign's notes."""
        self._row(key).notes = text
        self._db.update_campaign(key, "notes", text)

    # -- aliases ------------------------------------------------------------------------
    @property
    def aliases(self) -> Mapping[str, str]:
        """Alias campaign key -> canonical campaign key (read-only view)."""
        return self._aliases

    def set_aliases(self, aliases: Mapping[str, str]) -> None:
        """Replace the whole alias table."""
        self._db.replace_aliases(aliases.items())
        self._aliases = dict(aliases)

    # -- targets ------------------------------------------------------------------------
    def targets(self) -> dict[str | None, dict[str, float]]:
        """Campaign key (None = every campaign) -> kpi id -> target."""
        return {(k or None): dict(v) for k, v in self._targets.items() if v}

    def set_target(self, key: str, kpi_id: str, value: float | None) -> None:
        """Set (None: clear) a target; key "" is the workspace default."""
        self._db.set_target(key, kpi_id, value)
        if value is None:
            self._targets.get(key, {}).pop(kpi_id, None)
        else:
            self._targets.setdefault(key, {})[kpi_id] = value

    def target(self, kpi_id: str, key: str | None) -> float | None:
        """The campaign's own target, else the workspace default."""
        own = self._targets.get(key or "", {}).get(kpi_id)
        if own is None and key:
            own = self._targets.get("", {}).get(kpi_id)
        return own

    # -- currency -----------------------------------------------------------------------
    @property
    def currency(self) -> str:
        """The reporting currency ("" = no conversion)."""
        return self._currency

    def set_currency(self, code: str) -> None:
        """Set the reporting currency (normalised to upper case)."""
        self._currency = (code or "").strip().upper()
        self._db.set_setting(_CURRENCY_KEY, json.dumps(self._currency))

    def fx(self) -> kpi.FxRates:
        """Reporting currency and exchange rates."""
        return kpi.FxRates(self._currency, dict(self._fx))

    def fx_rates(self) -> dict[str, float]:
        """Currency -> rate."""
        return dict(self._fx)

    def set_fx_rate(self, code: str, rate: float | None) -> None:
        """Set (None: remove) an exchange rate."""
        self._db.set_fx_rate(code, rate)
        if rate is None:
            self._fx.pop(code, None)
        else:
            self._fx[code] = rate

    # -- settings -----------------------------------------------------------------------
    def setting(self, key: str, default: Any = None) -> Any:
        """A setting's JSON value, or `default`."""
        return self._settings.get(key, default)

    def set_setting(self, key: str, value: Any) -> None:
        """Store a JSON-serialisable setting."""
        text = json.dumps(value)
        self._db.set_setting(key, text)
        self._settings[key] = json.loads(text)

    def delete_setting(self, key: str) -> None:
        """Forget a setting (`setting` then answers its default)."""
        self._db.delete_setting(key)
        self._settings.pop(key, None)

    # -- UTM links ----------------------------------------------------------------------
    def add_link(self, url: str, params: Mapping[str, str], note: str) -> int:
        """Remember a built link; returns its id."""
        return self._db.add_link(url, json.dumps(dict(params), ensure_ascii=False), note, now())

    def remove_link(self, link_id: int) -> None:
        """Forget a link."""
        self._db.remove_link(link_id)

    def links(self) -> pd.DataFrame:
        """Link history, newest first: link_id, url, created, note, one column per parameter."""
        records = []
        for i, u, p, n, c in self._db.links():
            record = {"link_id": i, "url": u, "created": c, "note": n, **json.loads(p)}
            record["link_id"] = i  # the row number wins over a parameter of that name
            records.append(record)
        columns = ["link_id", "url", "created", "note"]
        return pd.DataFrame(records, columns=None if records else columns)


def campaign_table(
    catalog: Catalog, names: pd.Series, index: Mapping[Any, np.ndarray]
) -> pd.DataFrame:
    """One row per campaign key: display name, notes, aliases, manual, rows.

    Args:
        catalog: the campaign rows and aliases.
        names: campaign key -> name of its first effective row.
        index: campaign key -> its effective rows.
    """
    aliases = catalog.aliases
    keys = list(names.index)
    for key in catalog.campaign_keys():
        row = catalog.campaign(key)
        if row is not None and not row.deleted and key not in aliases and key not in names.index:
            keys.append(key)
    keys.sort()
    display, notes, alias_lists, manual, counts = [], [], [], [], []
    for key in keys:
        row = catalog.campaign(key) or CampaignRow()
        display.append(row.display_name or names.get(key, key))
        notes.append(row.notes)
        alias_lists.append(tuple(sorted(a for a, c in aliases.items() if c == key)))
        manual.append(row.manual)
        counts.append(len(index.get(key, ())))
    return pd.DataFrame(
        {
            "display_name": display,
            "notes": notes,
            "aliases": alias_lists,
            "manual": manual,
            "rows": counts,
        },
        index=pd.Index(keys, name="campaign_key", dtype=object),
    )
