"""Pure derivation of the effective facts: merge of sources, aliases, deletes, adjustments.

Every function here takes frames and plain values and returns new ones; the workspace's
`FactsTable` keeps the result and patches it in place on edits.

A campaign-level edit pins the campaign's total of an additive field over all dates: the
effective facts gain one "adjustment" row per such campaign (source id
`ADJUSTMENT_SOURCE`) holding typed value minus the sum of the campaign's other rows,
recomputed whenever those rows change, so the total always equals the typed value until
the edit is reverted. The row covers the campaign's data range (`campaign_ranges`: first
to last day of its dated rows), so it counts under every date filter holding that range,
like any range row, and is left out (never pro-rated) where a filter cuts it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kpi_desktop.core.schema import (
    ADJUSTMENT_SOURCE,
    FIELD_NAMES,
    NUMERIC_FIELDS,
    normalize_facts,
    with_coverage,
)
from kpi_desktop.core.workspace.sources import text_column

#: Ad platforms' own figures: kept for reference, not outcomes.
_REFERENCE_FIELDS = frozenset({"impressions", "ad_clicks", "ad_conversions", "ad_conversion_value"})
_FALLBACK_FIELDS = frozenset(
    {"conversions", "conversion_value", "ad_conversions", "ad_conversion_value"}
)


@dataclass(frozen=True)
class MergeSource:
    """What the merge needs to know about one stored source besides its facts."""

    source_id: str
    platform: str
    role: str
    label: str
    supplies: frozenset[str]
    currency: str


@dataclass(frozen=True)
class Merged:
    """Effective rows of the merge, its notes, and the fields it decides across sources."""

    facts: pd.DataFrame
    notes: tuple[Any, ...]  # core.io.merge.MergeNote
    # Fields whose value in one row depends on other sources' rows: an edit of one of
    # them needs the merge run again (an in-place update would miss the other rows).
    cross_source: frozenset[str]


def group_positions(values: pd.Series) -> dict[Any, np.ndarray]:
    """Label -> ascending row positions, as `groupby(dropna=False).indices` gives.

    A factorize and one stable argsort of small integer codes (a radix sort): about a
    third of the groupby's cost on a million rows, paid on the first edit after open.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    if not len(uniques):
        return {}
    small = np.int16 if len(uniques) < 2**15 else np.int32
    order = np.argsort(codes.astype(small), kind="stable")
    bounds = np.cumsum(np.bincount(codes, minlength=len(uniques)))[:-1]
    return dict(zip(uniques, np.split(order.astype(np.int64), bounds), strict=True))


def merge_sources(
    parts: list[pd.DataFrame],
    sources: Sequence[MergeSource] = (),
    aliases: Mapping[str, str] | None = None,
) -> Merged:
    """Effective facts from the sources' (already overridden) facts.

    THE single place where `kpi_desktop.core.io.merge.merge_facts` plugs in (DESIGN
    section 4: spend adds up, web analytics wins outcomes, the bot platform wins bot
    fields, 0 versus missing, the ad platforms' own conversions as a labelled fallback).
    Each part carries `_src` (source ordinal) and `_pos` (row in that source); every
    effective row stays one source row, in source order, so edits and `row_id`s trace
    back. The zero rows `merge_facts` adds (a supplying source covers the day but has no
    row for the campaign) are folded into a source row of the same campaign and day:
    its missing cell becomes 0. Aliases apply for the merge (one campaign and day,
    whatever its name in each source); rows keep their own key for `apply_campaigns`.
    """
    if not parts:
        frame = normalize_facts(pd.DataFrame())
        frame["_src"] = np.zeros(0, dtype=np.int32)
        frame["_pos"] = np.zeros(0, dtype=np.int64)
        return Merged(frame, (), frozenset())
    from kpi_desktop.core.io import merge

    infos = [
        merge.SourceInfo(
            source_id=s.source_id,
            preset=s.platform,
            role=s.role,
            label=s.label,
            supplies=s.supplies,
            currency=s.currency,
        )
        for s in sources
    ]
    if len(infos) != len(parts):  # no source descriptions: plain concatenation
        frame = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
        return Merged(frame.reset_index(drop=True), (), frozenset())
    fallback = not any("conversions" in s.supplies for s in sources) and any(
        s.role == "ad" and {"ad_conversions", "ad_conversion_value"} & s.supplies for s in sources
    )
    cross = set(_FALLBACK_FIELDS) if fallback else set()
    for name in NUMERIC_FIELDS:
        suppliers = [s for s in sources if name in s.supplies]
        if len(suppliers) > 1 and name not in merge.ADDITIVE_ACROSS_SOURCES:
            cross.add(name)
    if len(parts) == 1 and not fallback:
        # Nothing to merge: skip copying a possibly huge frame; the notes need no rows.
        _, notes = merge.merge_facts([parts[0].iloc[:0]], infos)
        return Merged(parts[0].reset_index(drop=True), tuple(notes), frozenset(cross))
    frames = []
    for source, part in zip(sources, parts, strict=True):
        frame = part.copy(deep=False)
        frame["_key0"] = frame["campaign_key"]
        if fallback and source.role == "ad":
            # A typed-in conversions value on an ad row wins over the ad figure.
            frame["_own_conversions"] = frame["conversions"]
            frame["_own_conversion_value"] = frame["conversion_value"]
        frames.append(frame)
    facts, notes = merge.merge_facts(frames, infos, dict(aliases or {}))
    notes = [*notes, *_ignored_notes(sources)]
    zero = facts["_src"].isna().to_numpy()
    if zero.any():
        cross |= _fold_zero_rows(facts, zero)
        facts = facts[~zero].reset_index(drop=True)
    facts["_src"] = facts["_src"].to_numpy(dtype=np.int32)
    facts["_pos"] = facts["_pos"].to_numpy(dtype=np.int64)
    facts["campaign_key"] = text_column(facts.pop("_key0").to_numpy(dtype=object), facts.index)
    for name in ("conversions", "conversion_value"):
        own = f"_own_{name}"
        if own in facts:
            values = facts.pop(own)
            facts[name] = facts[name].where(values.isna(), values)
    return Merged(facts, tuple(notes), frozenset(cross))


def _fold_zero_rows(facts: pd.DataFrame, zero: np.ndarray) -> set[str]:
    """Write the merge's zero rows into the first source row of their campaign and day.

    Only missing cells become 0 (a value there already counts). Returns the fields that
    changed: their effective values depend on other sources' rows.
    """
    days = facts["date"].to_numpy().astype("datetime64[ns]").view(np.int64)
    keys = pd.DataFrame({"k": facts["campaign_key"].to_numpy(dtype=object), "d": days})
    first = keys[~zero].drop_duplicates(["k", "d"])
    lookup = pd.MultiIndex.from_frame(first)
    found = lookup.get_indexer(pd.MultiIndex.from_frame(keys[zero]))
    rows = first.index.to_numpy()[found]
    rows[found < 0] = -1
    changed: set[str] = set()
    for name in NUMERIC_FIELDS:
        values = facts[name].to_numpy()[zero]
        has = ~np.isnan(values) & (rows >= 0)
        if not has.any():
            continue
        column = facts[name].to_numpy(copy=True)
        targets = rows[has]
        targets = targets[np.isnan(column[targets])]
        if len(targets):
            column[targets] = 0.0
            facts[name] = column
            changed.add(name)
    return changed


def _ignored_notes(sources: Sequence[MergeSource]) -> list[Any]:
    """Say that the ad platforms' own conversions are not counted when others supply them."""
    from kpi_desktop.core.io.merge import MergeNote

    outcome = [s.label for s in sources if "conversions" in s.supplies]
    ads = [s.label for s in sources if s.role == "ad" and "ad_conversions" in s.supplies]
    if not outcome or not ads:
        return []
    own = ", ".join(dict.fromkeys(ads))
    return [
        MergeNote(
            "ad_conversions",
            tuple(dict.fromkeys(ads)),
            f"conversions from {', '.join(dict.fromkeys(outcome))}; the ad platforms' own "
            f"conversions ({own}) are kept for reference, not counted",
        )
    ]


def merge_summary(notes: Sequence[Any], imports: int) -> list[str]:
    """The merge notes a reader of a report should see, grouped by source.

    Outcome, cost and bot fields once several sources (`imports`) are merged, and always
    what later imports replaced (overlaps) and a fallback to (or the setting aside of)
    the ad platforms' own conversions.
    """
    from kpi_desktop.core.workspace.overlaps import OVERLAP_FIELD

    special = [n for n in notes if "ad platforms' own" in n.text]
    replaced = [n.text for n in notes if n.field == OVERLAP_FIELD]
    if imports < 2 and not special:
        return replaced
    out: list[str] = replaced
    single: dict[str, list[str]] = {}
    for note in notes:
        if note.field in _REFERENCE_FIELDS or note.field == OVERLAP_FIELD or note in special:
            continue
        label = note.sources[0] if len(note.sources) == 1 else ""
        if label and note.text.endswith(f": from {label}"):
            single.setdefault(label, []).append(note.text.removesuffix(f": from {label}"))
        else:
            out.append(note.text)
    out += [f"{', '.join(fields)}: from {label}" for label, fields in single.items()]
    return out + [n.text for n in special]


def apply_campaigns(
    eff: pd.DataFrame,
    *,
    aliases: Mapping[str, str],
    display: Mapping[str, str],
    deleted: set[str],
    present: set[str],
) -> pd.DataFrame:
    """Aliases, display names and deletes, touching only the rows they concern.

    `present` are the campaign keys the sources hold (as imported).
    """
    rewrite = (set(aliases) | set(display)) & present
    if rewrite:
        keys = eff["campaign_key"]
        mask = keys.isin(rewrite).to_numpy()
        sub = eff.loc[mask, ["campaign", "campaign_key"]]
        canon = sub["campaign_key"].map(lambda k: aliases.get(k, k))
        # Campaign names follow the canonical campaign: its display name, or the
        # name its own rows carry.
        names = {}
        for key in set(canon):
            if key in display:
                names[key] = display[key]
                continue
            own = eff["campaign"][(keys == key).to_numpy()]
            if len(own):
                names[key] = own.iloc[0]
        new_names = canon.map(names).where(canon.isin(list(names)), sub["campaign"])
        key_column = keys.to_numpy(copy=True)
        key_column[mask] = canon.to_numpy()
        name_column = eff["campaign"].to_numpy(copy=True)
        name_column[mask] = new_names.to_numpy()
        eff = eff.copy(deep=False)
        eff["campaign_key"] = text_column(key_column, eff.index)
        eff["campaign"] = text_column(name_column, eff.index)
    if deleted:
        keep = ~eff["campaign_key"].isin(deleted).to_numpy()
        if not keep.all():
            eff = eff[keep].reset_index(drop=True)
    return eff


def adjustment_names(
    keys: Sequence[str], eff: pd.DataFrame, display: Mapping[str, str | None]
) -> list[str]:
    """Campaign names of adjustment rows: the display name, or the campaign's own."""
    names = []
    for key in keys:
        own = eff["campaign"][(eff["campaign_key"] == key).to_numpy()]
        names.append(display.get(key) or (own.iloc[0] if len(own) else key))
    return names


#: The days a campaign's rows cover: (first day, last day), NaT for a campaign without dates.
DayRange = tuple[pd.Timestamp, pd.Timestamp]


def covered_range(eff: pd.DataFrame, positions: np.ndarray) -> DayRange:
    """First and last day covered by the rows at `positions` (NaT when none has a date)."""
    first = eff["first_day"].iloc[positions].min() if len(positions) else pd.NaT
    last = eff["last_day"].iloc[positions].max() if len(positions) else pd.NaT
    if pd.isna(first) or pd.isna(last):
        return pd.NaT, pd.NaT
    return pd.Timestamp(first), pd.Timestamp(last)


def campaign_ranges(eff: pd.DataFrame, keys: Sequence[str]) -> list[DayRange]:
    """The data range of each campaign in `keys` over `eff` (without adjustment rows)."""
    if not keys:
        return []
    mask = eff["campaign_key"].isin(list(keys)).to_numpy()
    if "source_id" in eff:
        mask = mask & (eff["source_id"] != ADJUSTMENT_SOURCE).to_numpy()
    sub = eff.loc[mask, ["campaign_key", "first_day", "last_day"]]
    grouped = sub.groupby("campaign_key", sort=False)
    lo, hi = grouped["first_day"].min(), grouped["last_day"].max()
    out: list[DayRange] = []
    for key in keys:
        first, last = lo.get(key, pd.NaT), hi.get(key, pd.NaT)
        if pd.isna(first) or pd.isna(last):
            out.append((pd.NaT, pd.NaT))
        else:
            out.append((pd.Timestamp(first), pd.Timestamp(last)))
    return out


def adjustment_frame(
    keys: Sequence[str],
    names: Sequence[str],
    currency: str,
    ranges: Sequence[DayRange] | None = None,
) -> pd.DataFrame:
    """Empty adjustment rows for campaigns `keys` (values are filled in later), each
    covering its campaign's data range (`ranges`; none: they cover no day)."""
    frame = normalize_facts(
        pd.DataFrame(
            {
                "campaign": list(names),
                "campaign_key": list(keys),
                "currency": currency,
                "source_id": ADJUSTMENT_SOURCE,
            }
        )
    )
    if ranges is not None:
        for i, day in enumerate(("first_day", "last_day")):
            values = pd.Series([r[i] for r in ranges], index=frame.index, dtype="datetime64[ns]")
            frame[day] = values.astype(frame[day].dtype)
    frame["_src"] = np.int32(-1)
    frame["_pos"] = np.arange(len(keys), dtype=np.int64)
    return frame


def overridden_part(
    facts: pd.DataFrame, code: int, updates: Sequence[tuple[int, str, float | None]]
) -> pd.DataFrame:
    """A source's canonical facts with its overrides written in, tagged `_src`/`_pos`."""
    part = with_coverage(facts).loc[:, list(FIELD_NAMES)]
    by_field: dict[str, list[tuple[int, float | None]]] = {}
    for pos, name, value in updates:
        by_field.setdefault(name, []).append((pos, value))
    for name, cells in by_field.items():
        column = part[name].to_numpy(copy=True)
        for pos, value in cells:
            column[pos] = np.nan if value is None else value
        part[name] = column
    part["_src"] = np.full(len(part), code, dtype=np.int32)
    part["_pos"] = np.arange(len(part), dtype=np.int64)
    return part
