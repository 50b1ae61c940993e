"""The link history: `LinkRecord`, the `LinkStore` protocol and its in-memory version."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

import pandas as pd

from kpi_desktop.core.schema import campaign_key
from kpi_desktop.core.utm.build import BuildResult
from kpi_desktop.core.utm.convention import NamingConvention
from kpi_desktop.core.utm.params import PARAM_NAMES, UtmParams
from kpi_desktop.core.utm.presets import PRESETS, Preset


@dataclass(frozen=True)
class LinkRecord:
    """One link made with the builder, as kept in the workspace's history."""

    url: str
    base_url: str
    params: UtmParams
    label: str = ""
    created: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))

    @property
    def campaign(self) -> str:
        return self.params.campaign

    @property
    def campaign_key(self) -> str:
        return campaign_key(self.params.campaign)

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "base_url": self.base_url,
            "label": self.label,
            "created": self.created.isoformat(),
            **self.params.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LinkRecord:
        created = data.get("created")
        return cls(
            url=str(data["url"]),
            base_url=str(data.get("base_url", "")),
            params=UtmParams.from_dict(data),
            label=str(data.get("label", "") or ""),
            created=datetime.fromisoformat(str(created)) if created else datetime.now(),
        )

    @classmethod
    def from_result(cls, base_url: str, result: BuildResult, label: str = "") -> LinkRecord:
        return cls(url=result.url, base_url=base_url.strip(), params=result.params, label=label)


@runtime_checkable
class LinkStore(Protocol):
    """What the UTM builder needs from a workspace; `MemoryLinkStore` is the reference."""

    def add_link(self, record: LinkRecord) -> None: ...
    def links(self) -> list[LinkRecord]: ...
    def campaign_names(self) -> list[str]: ...
    def naming_convention(self) -> NamingConvention: ...
    def set_naming_convention(self, convention: NamingConvention) -> None: ...
    def presets(self) -> list[Preset]: ...
    def save_presets(self, presets: Sequence[Preset]) -> None: ...
    def add_alias(self, kind: str, from_value: str, to_value: str) -> None: ...
    def add_aliases(self, kind: str, pairs: Mapping[str, str]) -> None: ...
    def aliases(self) -> dict[str, dict[str, str]]: ...
    def facts(self) -> pd.DataFrame: ...
    def bulk_links(self) -> list[dict[str, str]]: ...
    def set_bulk_links(
        self, rows: Sequence[Mapping[str, str]], text: str, cell: tuple[int, str] | None = None
    ) -> None: ...


class MemoryLinkStore:
    """An in-memory `LinkStore`, for tests and as the builder's default."""

    def __init__(
        self,
        *,
        facts: pd.DataFrame | None = None,
        campaigns: Iterable[str] = (),
        links: Iterable[LinkRecord] = (),
        convention: NamingConvention | None = None,
        presets: Iterable[Preset] | None = None,
    ) -> None:
        self._facts = facts if facts is not None else pd.DataFrame()
        self._campaigns = list(campaigns)
        self._links = list(links)
        self._convention = convention if convention is not None else NamingConvention()
        self._presets = list(PRESETS if presets is None else presets)
        self._aliases: dict[str, dict[str, str]] = {}
        self._bulk: list[dict[str, str]] = []

    def add_link(self, record: LinkRecord) -> None:
        self._links.append(record)

    def links(self) -> list[LinkRecord]:
        return list(self._links)

    def campaign_names(self) -> list[str]:
        names = list(self._campaigns)
        if "campaign" in self._facts.columns:
            names += [str(n) for n in self._facts["campaign"].dropna().unique() if str(n)]
        return list(dict.fromkeys(names))

    def naming_convention(self) -> NamingConvention:
        return self._convention

    def set_naming_convention(self, convention: NamingConvention) -> None:
        self._convention = convention

    def presets(self) -> list[Preset]:
        return list(self._presets)

    def save_presets(self, presets: Sequence[Preset]) -> None:
        self._presets = list(presets)

    def add_alias(self, kind: str, from_value: str, to_value: str) -> None:
        self.add_aliases(kind, {from_value: to_value})

    def add_aliases(self, kind: str, pairs: Mapping[str, str]) -> None:
        self._aliases.setdefault(kind, {}).update(pairs)

    def bulk_links(self) -> list[dict[str, str]]:
        """The bulk table's rows (inputs only; tagged URLs are rebuilt from them)."""
        return [dict(r) for r in self._bulk]

    def set_bulk_links(
        self, rows: Sequence[Mapping[str, str]], text: str, cell: tuple[int, str] | None = None
    ) -> None:
        """Replace the bulk rows; `text` and `cell` describe the change (for an undo step)."""
        del text, cell  # nothing to undo here: the workspace's store makes it a command
        self._bulk = [dict(r) for r in rows]

    def aliases(self) -> dict[str, dict[str, str]]:
        return {k: dict(v) for k, v in self._aliases.items()}

    def facts(self) -> pd.DataFrame:
        return self._facts


def search_links(links: Sequence[LinkRecord], query: str) -> list[LinkRecord]:
    """Links whose label, URL or any UTM value contains every word of `query`."""
    words = query.lower().split()
    if not words:
        return list(links)
    out = []
    for link in links:
        hay = " ".join([link.label, link.url, *link.params.to_dict().values()]).lower()
        if all(w in hay for w in words):
            out.append(link)
    return out


def links_frame(links: Sequence[LinkRecord]) -> pd.DataFrame:
    """The history as a table for export: time, label, URL, base URL and the nine values."""
    columns = ["created", "label", "url", "base_url", *PARAM_NAMES]
    rows = [link.to_dict() for link in links]
    return pd.DataFrame(rows, columns=columns).astype(object)
