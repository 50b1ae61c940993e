"""Links meet data: drift, campaigns with spend but no link, links with no traffic."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from kpi_desktop.core.schema import campaign_key
from kpi_desktop.core.utm.drift import DriftGroup, find_naming_drift
from kpi_desktop.core.utm.history import LinkRecord


def _split_source_medium(values: pd.Series) -> tuple[list[str], list[str]]:
    """ "facebook / chatbot" cells as a list of sources and a list of mediums."""
    sources: list[str] = []
    mediums: list[str] = []
    for value in values.dropna():
        text = str(value)
        if not text.strip():
            continue
        source, sep, medium = text.partition("/")
        sources.append(source.strip())
        if sep:
            mediums.append(medium.strip())
    return sources, mediums


@dataclass(frozen=True)
class CampaignGap:
    """A campaign that spent money but has no link in the history."""

    campaign: str
    key: str
    spend: float


@dataclass(frozen=True)
class LinksDataReport:
    """Where the links and the imported data disagree.

    `traffic_known` is False when no imported row has visitors: then no link is reported
    as without traffic, because there is nothing to compare with.
    """

    drift: tuple[DriftGroup, ...]
    spend_without_link: tuple[CampaignGap, ...]
    links_without_traffic: tuple[LinkRecord, ...]
    traffic_known: bool


def links_vs_data(
    links: Sequence[LinkRecord],
    facts: pd.DataFrame,
    aliases: Mapping[str, Mapping[str, str]] | None = None,
) -> LinksDataReport:
    """Compare the link history with the imported facts (DESIGN 6, "links and data meet").

    Args:
        links: the workspace's links.
        facts: canonical facts (campaign, campaign_key, channel, source_medium, spend,
            visitors); missing columns are treated as absent.
        aliases: kind ("source", "medium", "channel", "campaign") -> spelling -> the
            name it stands for.

    Returns:
        Naming drift of sources, mediums and channels across data and links, campaigns
        with spend but no link, and links whose campaign has no visitors in the data.
    """
    alias = {k: dict(v) for k, v in (aliases or {}).items()}
    n = len(facts)

    def column(name: str) -> pd.Series:
        if name in facts.columns:
            return facts[name]
        return pd.Series([None] * n, index=facts.index, dtype=object)

    drift = _drift(links, column("source_medium"), column("channel"), alias)
    campaign_alias = alias.get("campaign", {})

    def key_of(name: object) -> str:
        key = campaign_key(name)
        return campaign_key(campaign_alias.get(str(name), campaign_alias.get(key, key)))

    names = column("campaign").astype(object)
    keys = pd.Series(
        [key_of(k) if k else key_of(c) for k, c in zip(column("campaign_key"), names, strict=True)],
        index=facts.index,
        dtype=object,
    )
    linked = {key_of(link.campaign) for link in links}
    spend = pd.to_numeric(column("spend"), errors="coerce")
    gaps = _spend_without_link(keys, names, spend, linked) if n else []

    visitors = pd.to_numeric(column("visitors"), errors="coerce")
    traffic_known = bool(visitors.notna().any())
    no_traffic: list[LinkRecord] = []
    if traffic_known:
        with_traffic = set(keys[visitors.fillna(0) > 0])
        no_traffic = [link for link in links if key_of(link.campaign) not in with_traffic]
    return LinksDataReport(tuple(drift), tuple(gaps), tuple(no_traffic), traffic_known)


def _drift(
    links: Sequence[LinkRecord],
    source_medium: pd.Series,
    channel: pd.Series,
    alias: Mapping[str, Mapping[str, str]],
) -> list[DriftGroup]:
    """Drift of sources and mediums (data and links together) and of channels (data)."""
    sources, mediums = _split_source_medium(source_medium)
    sources += [link.params.source for link in links]
    mediums += [link.params.medium for link in links]
    return [
        *find_naming_drift(sources, "source", alias.get("source")),
        *find_naming_drift(mediums, "medium", alias.get("medium")),
        *find_naming_drift(channel.tolist(), "channel", alias.get("channel")),
    ]


def _spend_without_link(
    keys: pd.Series, names: pd.Series, spend: pd.Series, linked: set[str]
) -> list[CampaignGap]:
    """Campaigns (by key, sorted) with a positive total spend and no link."""
    gaps = []
    by_key = pd.DataFrame({"key": keys, "name": names, "spend": spend})
    by_key = by_key[by_key["key"] != ""]
    sums = by_key.groupby("key", sort=True).agg(
        name=("name", "first"), spend=("spend", lambda s: s.sum(min_count=1))
    )
    for key, row in sums.iterrows():
        if key not in linked and pd.notna(row["spend"]) and row["spend"] > 0:
            gaps.append(CampaignGap(str(row["name"]), str(key), float(row["spend"])))
    return gaps
