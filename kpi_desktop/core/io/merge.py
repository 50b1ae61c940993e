"""Merging imported sources into one facts table, by campaign key and date (DESIGN section 4).

Rules: spend and other cost add up over sources (several ad platforms), as do the ad
platforms' own reference figures; for every other field one source wins per campaign and
day — web analytics for outcomes, the bot platform for bot fields (changeable). Where no
source supplies conversions, the ad platforms' own conversions and value may stand in,
labelled so. A field is 0 for a campaign when a source that supplies it covers the period
but has no row for that campaign; it stays missing when no source supplies it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi_desktop.core.io.events import facts_frame
from kpi_desktop.core.io.presets import BOT_FIELDS
from kpi_desktop.core.io.result import ImportResult
from kpi_desktop.core.schema import FIELD_NAMES, NUMERIC_FIELDS, empty_facts

ADDITIVE_ACROSS_SOURCES = frozenset(
    {"spend", "other_cost", "impressions", "ad_clicks", "ad_conversions", "ad_conversion_value"}
)
OUTCOME_FIELDS = frozenset({"visitors", "conversions", "conversion_value"})
DEFAULT_OUTCOME_PRIORITY = ("web", "other", "bot", "ad")
DEFAULT_BOT_PRIORITY = ("bot", "other", "web", "ad")
_RANK = "_rank"


@dataclass(frozen=True)
class SourceInfo:
    """What the merge needs to know about one source besides its facts."""

    source_id: str
    preset: str = "generic"
    role: str = "other"
    label: str = ""
    supplies: frozenset[str] = frozenset()
    period: tuple[dt.date | None, dt.date | None] = (None, None)
    currency: str = ""

    @classmethod
    def of(cls, result: ImportResult) -> SourceInfo:
        return cls(
            source_id=result.source_id,
            preset=result.preset,
            role=result.role,
            label=result.label or result.file_name or result.source_id,
            supplies=frozenset(result.supplies),
            period=result.period,
            currency=result.currency,
        )


@dataclass(frozen=True)
class MergeNote:
    """Which source(s) a field's values come from, in words for the UI."""

    field: str
    sources: tuple[str, ...]
    text: str
    source_ids: tuple[str, ...] = ()  # the stored sources concerned, where known


def _label(result: SourceInfo) -> str:
    return result.label or result.source_id


def _rank(result: SourceInfo, priority: Sequence[str]) -> int:
    """Position of a source in a priority list of source ids, preset ids or roles."""
    for position, name in enumerate(priority):
        if name in (result.source_id, result.preset, result.role):
            return position
    return len(priority)


def _covers(result: SourceInfo, facts: pd.DataFrame, dates: pd.Series) -> np.ndarray:
    """Which dates fall in the period a source covers (lifetime rows: any overlap)."""
    start, end = result.period
    if start is None and end is None:
        own = facts["date"].dropna()
        if len(own):
            start, end = own.min().date(), own.max().date()
        else:
            return np.ones(len(dates), dtype=bool)
    lo = pd.Timestamp(start) if start is not None else pd.Timestamp.min
    hi = pd.Timestamp(end) if end is not None else pd.Timestamp.max
    values = dates.to_numpy()
    inside = (values >= np.datetime64(lo)) & (values <= np.datetime64(hi))
    covered: np.ndarray = inside | pd.isna(values)
    return covered


def merge_sources(
    results: Sequence[ImportResult],
    aliases: Mapping[str, str] | None = None,
    outcome_priority: Sequence[str] | None = None,
    bot_priority: Sequence[str] | None = None,
    *,
    use_ad_conversions: bool = True,
) -> tuple[pd.DataFrame, list[MergeNote]]:
    """Merge imports into one canonical facts frame (see `merge_facts` for the rules).

    Args:
        results: the imports to combine.
        aliases: campaign key -> canonical key (confirmed alias pairs).
        outcome_priority: who wins visitors/conversions/value, first wins; entries are
            roles ("web", "bot", "ad", "other"), preset ids or source ids.
        bot_priority: the same for the bot fields.
        use_ad_conversions: with no source of conversions, use the ad platforms' own.

    Returns:
        (facts, notes): canonical facts and one note per field saying where it came from.
    """
    facts, notes = merge_facts(
        [r.facts for r in results],
        [SourceInfo.of(r) for r in results],
        aliases,
        outcome_priority,
        bot_priority,
        use_ad_conversions=use_ad_conversions,
    )
    return facts_frame(facts), notes


def merge_facts(
    frames: Sequence[pd.DataFrame],
    sources: Sequence[SourceInfo],
    aliases: Mapping[str, str] | None = None,
    outcome_priority: Sequence[str] | None = None,
    bot_priority: Sequence[str] | None = None,
    *,
    use_ad_conversions: bool = True,
) -> tuple[pd.DataFrame, list[MergeNote]]:
    """Merge sources' facts frames (the store's entry point).

    Extra columns of the frames (e.g. the store's `_src`/`_pos` row references) are kept;
    rows added for the 0-versus-missing rule have them missing (NaN). Losing values of a
    field are blanked (NaN) in place, so every row still traces back to its source row.

    Returns:
        (facts, notes): every source's rows plus zero rows, canonical columns first.
    """
    results = list(sources)
    if not results:
        return empty_facts(), []
    priorities = (
        tuple(bot_priority or DEFAULT_BOT_PRIORITY),
        tuple(outcome_priority or DEFAULT_OUTCOME_PRIORITY),
    )
    copies = _with_aliases(frames, dict(aliases or {}))
    supplies = [set(result.supplies) for result, _ in zip(results, copies, strict=True)]
    suppliers = {f: [i for i, s in enumerate(supplies) if f in s] for f in NUMERIC_FIELDS}
    additive = set(ADDITIVE_ACROSS_SOURCES)
    notes: list[MergeNote] = []
    if use_ad_conversions and not suppliers["conversions"]:
        notes += _ad_conversions(results, copies, supplies, suppliers, additive)
    _fill_zeros(results, copies, supplies)
    merged = pd.concat(copies, ignore_index=True) if len(copies) > 1 else copies[0]
    origin = np.concatenate([np.full(len(f), i) for i, f in enumerate(copies)])
    for name in NUMERIC_FIELDS:
        who = suppliers[name]
        if not who:
            continue
        if name in additive or len(who) == 1:
            if not any(n.field == name for n in notes):
                notes.append(_from_note(name, [_label(results[i]) for i in who], additive))
            continue
        priority = priorities[0] if name in BOT_FIELDS else priorities[1]
        notes.append(_pick_winner(merged, origin, name, results, who, priority))
    return _canonical(merged.reset_index(drop=True)), notes


def _with_aliases(frames: Sequence[pd.DataFrame], aliases: dict[str, str]) -> list[pd.DataFrame]:
    """Copies of the frames (the merge writes into them), campaign aliases applied."""
    out = []
    for original in frames:
        frame = original.copy()
        if aliases:
            frame["campaign_key"] = frame["campaign_key"].map(lambda k: aliases.get(k, k))
        out.append(frame)
    return out


def _ad_conversions(
    results: Sequence[SourceInfo],
    frames: list[pd.DataFrame],
    supplies: list[set[str]],
    suppliers: dict[str, list[int]],
    additive: set[str],
) -> list[MergeNote]:
    """Let the ad platforms' own conversions and value stand in (no web analytics source)."""
    notes = []
    ads = [
        i
        for i, r in enumerate(results)
        if r.role == "ad" and {"ad_conversions", "ad_conversion_value"} & supplies[i]
    ]
    for target, source in (
        ("conversions", "ad_conversions"),
        ("conversion_value", "ad_conversion_value"),
    ):
        used = [i for i in ads if source in supplies[i]]
        for i in used:
            frames[i][target] = frames[i][source]
            supplies[i].add(target)
        if used:
            suppliers[target] = used
            additive.add(target)  # each platform's own figures, added like spend
            names = tuple(_label(results[i]) for i in used)
            notes.append(
                MergeNote(
                    target,
                    names,
                    f"{target.replace('_', ' ')}: the ad platforms' own figures "
                    f"({', '.join(names)}), as no web analytics source was imported",
                )
            )
    return notes


def _from_note(name: str, labels: list[str], additive: set[str]) -> MergeNote:
    """The note of a field with one source, or added up over its sources."""
    verb = "sum of" if len(labels) > 1 and name in additive else "from"
    return MergeNote(name, tuple(labels), f"{name.replace('_', ' ')}: {verb} {', '.join(labels)}")


def _pick_winner(
    merged: pd.DataFrame,
    origin: np.ndarray,
    name: str,
    results: Sequence[SourceInfo],
    who: list[int],
    priority: Sequence[str],
) -> MergeNote:
    """Blank the losing values of `name` per campaign and day; say who wins."""
    ranks = np.array([_rank(results[i], priority) * 1000 + i for i in range(len(results))])
    row_rank = ranks[origin].astype(float)
    present = merged[name].notna().to_numpy()
    row_rank[~present] = np.inf
    keys = [merged["campaign_key"], merged["date"].fillna(pd.Timestamp(0))]
    best = pd.Series(row_rank).groupby(keys, dropna=False).transform("min").to_numpy()
    losing = present & (row_rank > best)
    merged.loc[losing, name] = np.nan
    order = sorted(who, key=lambda i: ranks[i])
    winner = _label(results[order[0]])
    return MergeNote(
        name,
        tuple(_label(results[i]) for i in order),
        f"{name.replace('_', ' ')}: {winner} wins over "
        f"{', '.join(_label(results[i]) for i in order[1:])}",
    )


def _canonical(merged: pd.DataFrame) -> pd.DataFrame:
    """Canonical columns first, then the frames' extra columns (row references)."""
    extras = [c for c in merged.columns if c not in FIELD_NAMES]
    canonical = facts_frame(merged)
    for column in extras:
        canonical[column] = merged[column].to_numpy()
    return canonical


def _fill_zeros(
    results: Sequence[SourceInfo], frames: list[pd.DataFrame], supplies: list[set[str]]
) -> None:
    """Add 0 rows for campaigns that a supplying source covers but has no row for."""
    if len(frames) < 2:
        return
    everything = pd.concat(
        [f[["campaign", "campaign_key", "date"]] for f in frames], ignore_index=True
    )
    everything = everything[everything["campaign_key"] != ""]
    pairs = everything.drop_duplicates(["campaign_key", "date"])
    for i, (result, frame) in enumerate(zip(results, frames, strict=True)):
        fields = sorted(supplies[i] & set(NUMERIC_FIELDS))
        if not fields or not len(pairs):
            continue
        own = set(frame["campaign_key"])
        missing = pairs[~pairs["campaign_key"].isin(own)]
        missing = missing[_covers(result, frame, missing["date"])]
        if not len(missing):
            continue
        filler = pd.DataFrame(
            {
                "date": missing["date"].to_numpy(),
                "campaign": missing["campaign"].to_numpy(dtype=object),
                "campaign_key": missing["campaign_key"].to_numpy(dtype=object),
                "source_id": result.source_id,
                "currency": result.currency,
                **{f: np.zeros(len(missing)) for f in fields},
            }
        )
        frames[i] = pd.concat([frame, facts_frame(filler)], ignore_index=True, sort=False)


def merge_events(
    results: Sequence[ImportResult], aliases: Mapping[str, str] | None = None
) -> pd.DataFrame | None:
    """The event users of all sources, with campaign aliases applied."""
    parts = [r.events for r in results if r.events is not None and len(r.events)]
    if not parts:
        return None
    events = pd.concat(parts, ignore_index=True)
    if aliases:
        events["campaign_key"] = events["campaign_key"].map(lambda k: aliases.get(k, k))
    return events


# ------------------------------------------------------------------ alias suggestions

#: Words that say where a campaign runs, not which campaign it is.
NOISE_WORDS = frozenset(
    {
        "messenger",
        "instagram",
        "ig",
        "fb",
        "facebook",
        "meta",
        "whatsapp",
        "wa",
        "search",
        "display",
        "dv360",
        "google",
        "ads",
        "pmax",
        "web",
        "website",
        "chatbot",
        "bot",
        "the",
        "campaign",
        "kampagne",
        "video",
        "youtube",
        "tiktok",
        "sms",
        "email",
    }
)


@dataclass(frozen=True)
class AliasSuggestion:
    """Two campaign keys from different sources that are probably one campaign."""

    key: str  # the key to map
    canonical: str  # the key to map it to
    sources: tuple[str, str]
    score: float  # 0..1


def _core(key: str) -> tuple[str, ...]:
    tokens = [t for t in re.split(r"[^0-9a-zà-ÿß]+", key.lower()) if t]
    return tuple(t for t in tokens if t not in NOISE_WORDS)


def suggest_aliases(
    results: Sequence[ImportResult], threshold: float = 0.8
) -> list[AliasSuggestion]:
    """Pairs of campaign keys from different sources that look like the same campaign.

    `spring_sale_2025` (a GA4 utm_campaign) and `Spring Sale 2025 – Messenger` (Meta) share
    their words once channel words are set aside. The canonical side is the web analytics
    key (utm_campaign values are the campaign keys), else the bot platform's, else the
    shorter one. The user confirms before anything is merged.
    """
    return suggest_key_aliases(
        [(r.source_id, r.role, r.facts["campaign_key"]) for r in results], threshold
    )


def suggest_key_aliases(
    sources: Sequence[tuple[str, str, pd.Series]], threshold: float = 0.8
) -> list[AliasSuggestion]:
    """`suggest_aliases` over (source id, role, campaign keys) triples (for the store)."""
    role_order = {"web": 0, "bot": 1, "other": 2, "ad": 3}
    keys: list[tuple[str, int, str]] = []  # (key, role rank, source label)
    seen: set[tuple[str, str]] = set()
    for source_id, role, column in sources:
        for key in pd.unique(column):
            if key and (key, source_id) not in seen:
                seen.add((key, source_id))
                keys.append((str(key), role_order.get(role, 2), source_id))
    out: dict[tuple[str, str], AliasSuggestion] = {}
    for a in range(len(keys)):
        for b in range(a + 1, len(keys)):
            ka, ra, sa = keys[a]
            kb, rb, sb = keys[b]
            if sa == sb or ka == kb:
                continue
            ca, cb = _core(ka), _core(kb)
            if not ca or not cb:
                continue
            if ca == cb:
                score = 1.0
            else:
                common = len(set(ca) & set(cb)) / len(set(ca) | set(cb))
                ratio = difflib.SequenceMatcher(None, " ".join(ca), " ".join(cb)).ratio()
                score = min(common, ratio) if common >= 0.5 else 0.0
            if score < threshold:
                continue
            if (ra, len(ka)) <= (rb, len(kb)):
                canonical, other = ka, kb
                from_sources = (sb, sa)
            else:
                canonical, other = kb, ka
                from_sources = (sa, sb)
            pair = (other, canonical)
            if pair not in out or out[pair].score < score:
                out[pair] = AliasSuggestion(other, canonical, from_sources, score)
    return sorted(out.values(), key=lambda s: (-s.score, s.key))
