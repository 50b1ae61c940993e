"""`WorkspaceLinkStore`: the UTM builder's `LinkStore` over the open workspace.

Links go to the workspace's link history; the naming convention, presets, the
source/medium/channel aliases and the bulk table's rows are workspace settings (JSON).
Every change is a core command (`AddLink`, `SetSetting`, `SetBulkLinks`, `AddAlias`)
pushed through the session's one undo stack, so Edit › Undo reverts it like any edit.
The store follows the session's current workspace (it is asked through a callable).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from kpi_desktop.core import commands
from kpi_desktop.core.format import is_missing
from kpi_desktop.core.schema import campaign_key
from kpi_desktop.core.utm import PRESETS, LinkRecord, NamingConvention, Preset, parse_url
from kpi_desktop.ui.undo import CoreCommand, one_step

if TYPE_CHECKING:
    from kpi_desktop.core.workspace import Workspace

CONVENTION_SETTING = "utm.naming_convention"
PRESETS_SETTING = "utm.presets"
ALIASES_SETTING = "utm.aliases"
BULK_LINKS_SETTING = "utm.bulk_links"
#: The settings the UTM tab shows: a change to one of them refreshes the tab.
UTM_SETTINGS = frozenset({CONVENTION_SETTING, PRESETS_SETTING, ALIASES_SETTING})


class WorkspaceLinkStore:
    """`core.utm.LinkStore` over `workspace()`; every change goes through `push`.

    Args:
        workspace: returns the open workspace (None before one is open).
        push: runs a core command on the one undo stack (`Session.push`).
    """

    def __init__(
        self,
        workspace: Callable[[], Workspace | None],
        push: Callable[[CoreCommand], object],
    ) -> None:
        self._workspace = workspace
        self._push = push

    def _ws(self) -> Workspace | None:
        return self._workspace()

    # -- links ----------------------------------------------------------------------------
    def add_link(self, record: LinkRecord) -> None:
        ws = self._ws()
        if ws is None:
            return
        params = {**record.params.to_dict(), "base_url": record.base_url}
        params["created"] = record.created.isoformat()
        self._push(commands.AddLink(record.url, params, record.label))

    def links(self) -> list[LinkRecord]:
        """Oldest first, like `MemoryLinkStore` (the builder shows them newest first)."""
        ws = self._ws()
        if ws is None:
            return []
        frame = ws.links()
        out = []
        for row in reversed(frame.to_dict("records")):
            data = {k: v for k, v in row.items() if not is_missing(v)}
            data["label"] = data.get("note", "")
            data["created"] = _local(data.get("created"))
            if not data.get("base_url") and data.get("url"):
                # Links written without it (the bundled sample, the CLI) would reuse as
                # an empty URL field: take the page from the tagged link itself.
                data["base_url"] = parse_url(str(data["url"]))[0]
            try:
                out.append(LinkRecord.from_dict(data))
            except (KeyError, ValueError):
                continue  # a damaged history row is skipped, not fatal
        return out

    def campaign_names(self) -> list[str]:
        ws = self._ws()
        if ws is None:
            return []
        return [str(n) for n in ws.campaigns()["display_name"]]

    # -- settings -------------------------------------------------------------------------
    def naming_convention(self) -> NamingConvention:
        ws = self._ws()
        saved = None if ws is None else ws.get_setting(CONVENTION_SETTING)
        if isinstance(saved, dict):
            try:
                return NamingConvention.from_dict(saved)
            except (TypeError, ValueError, KeyError):
                pass  # an unreadable setting falls back to the default convention
        return NamingConvention()

    def set_naming_convention(self, convention: NamingConvention) -> None:
        ws = self._ws()
        if ws is not None:
            value = json.loads(convention.to_json())
            self._push(
                commands.SetSetting(ws, CONVENTION_SETTING, value, "Change naming convention")
            )

    def presets(self) -> list[Preset]:
        ws = self._ws()
        saved = None if ws is None else ws.get_setting(PRESETS_SETTING)
        if isinstance(saved, list):
            try:
                return [Preset.from_dict(p) for p in saved]
            except (TypeError, ValueError, KeyError):
                pass  # unreadable: the built-in presets
        return list(PRESETS)

    def save_presets(self, presets: Sequence[Preset]) -> None:
        ws = self._ws()
        if ws is not None:
            value = [p.to_dict() for p in presets]
            self._push(commands.SetSetting(ws, PRESETS_SETTING, value, "Change UTM presets"))

    # -- aliases and data -----------------------------------------------------------------
    def add_alias(self, kind: str, from_value: str, to_value: str) -> None:
        self.add_aliases(kind, {from_value: to_value})

    def add_aliases(self, kind: str, pairs: Mapping[str, str]) -> None:
        """Treat each spelling in `pairs` as its value: one undo step for all of them.

        Campaign aliases merge campaigns (`AddAlias`); source/medium/… aliases are a
        workspace setting the links-vs-data check reads.
        """
        ws = self._ws()
        if ws is None or not pairs:
            return
        shown = ", ".join(f"“{a}”" for a in pairs)
        target = f"“{next(iter(pairs.values()))}”"
        if kind == "campaign":
            merges = [
                commands.AddAlias(ws, campaign_key(a), campaign_key(b)) for a, b in pairs.items()
            ]
            step = one_step(merges, f"Merge {shown} into {target}")
            if step is not None:
                self._push(step)
            return
        saved = ws.get_setting(ALIASES_SETTING) or {}
        aliases = {k: dict(v) for k, v in saved.items()} if isinstance(saved, dict) else {}
        aliases.setdefault(kind, {}).update(pairs)
        text = f"Treat {kind} {shown} as {target}"
        self._push(commands.SetSetting(ws, ALIASES_SETTING, aliases, text))

    def aliases(self) -> dict[str, dict[str, str]]:
        ws = self._ws()
        if ws is None:
            return {}
        saved = ws.get_setting(ALIASES_SETTING) or {}
        out = {str(k): dict(v) for k, v in saved.items()} if isinstance(saved, dict) else {}
        campaigns = ws.aliases()
        if campaigns:
            out["campaign"] = {**out.get("campaign", {}), **campaigns}
        return out

    def facts(self) -> pd.DataFrame:
        ws = self._ws()
        return pd.DataFrame() if ws is None else ws.facts()

    # -- the bulk table -------------------------------------------------------------------
    def bulk_links(self) -> list[dict[str, str]]:
        ws = self._ws()
        saved = None if ws is None else ws.get_setting(BULK_LINKS_SETTING)
        if not isinstance(saved, list):
            return []
        return [{str(k): str(v) for k, v in r.items()} for r in saved if isinstance(r, dict)]

    def set_bulk_links(
        self, rows: Sequence[Mapping[str, str]], text: str, cell: tuple[int, str] | None = None
    ) -> None:
        ws = self._ws()
        if ws is not None:
            self._push(commands.SetBulkLinks(ws, BULK_LINKS_SETTING, rows, text, cell))


def _local(value: object) -> str | None:
    """An ISO time as naive local time (the builder's records are naive)."""
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if when.tzinfo is not None:
        when = when.astimezone().replace(tzinfo=None)
    return when.isoformat()
