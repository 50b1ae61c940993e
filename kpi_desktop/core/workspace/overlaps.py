"""Overlapping imports of one platform: the later import wins (DESIGN section 4, Overlaps).

Two exports of the same platform never add up for the same campaign and day. For each
origin (the platform preset; the presets capture no account ID yet, so two accounts of
one platform count as one origin) x campaign (aliases applied) x day, the rows of the
latest import that has any row there count and the older imports' rows there are left
out, so identical re-exports count once and campaigns the newer file lacks keep their
rows. A row with no day (a reporting range) is left out where daily rows of the same
origin and campaign exist (the daily rows win); among range rows of one origin and
campaign, the later import wins. Nothing stored is deleted: this is part of the
derivation of the effective facts, so removing (undoing) the newer import brings the
older rows back.

A pure function over the sources' facts; `FactsTable` applies its masks and carries the
edits of replaced rows to the row with the same natural key in the winning import.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi_desktop.core.io.merge import MergeNote
from kpi_desktop.core.schema import NUMERIC_FIELDS

#: `MergeNote.field` of the notes that say what a later import replaced.
OVERLAP_FIELD = "(overlap)"
#: `Overlaps.winner` of a range row left out because daily rows of its campaign count.
DAILY_WON = -2
_NAT = np.iinfo(np.int64).min


@dataclass(frozen=True)
class OverlapSource:
    """What the overlap rule needs to know about one stored source besides its facts.

    `origin` is "" for sources that take no part (hand-made files, typed-in rows):
    those add up as before. `recency` orders imports: the largest is the latest.
    """

    source_id: str
    origin: str
    name: str
    recency: tuple[str, int]


@dataclass(frozen=True)
class Overlaps:
    """Per source (in the order given): which rows count, and who replaced the others.

    `keep[i]` is None when every row of source i counts, else a bool mask over its rows;
    `winner[i]` gives, for each row left out, the index of the source whose rows count
    instead (or `DAILY_WON`), -1 for kept rows.
    """

    keep: tuple[np.ndarray | None, ...]
    winner: tuple[np.ndarray | None, ...]
    notes: tuple[MergeNote, ...]

    @classmethod
    def none(cls, n: int) -> Overlaps:
        return cls((None,) * n, (None,) * n, ())


def origin_of(platform: str, kind: str, presets: frozenset[str]) -> str:
    """The origin of a stored source: its platform preset, "" when it is not one."""
    return platform if kind == "import" and platform in presets else ""


def resolve_overlaps(
    facts: Sequence[pd.DataFrame],
    sources: Sequence[OverlapSource],
    aliases: Mapping[str, str] | None = None,
) -> Overlaps:
    """Which rows of each source count once overlapping imports of one origin are resolved."""
    n = len(sources)
    if n != len(facts):
        raise ValueError("one source description per facts frame")
    by_origin: dict[str, list[int]] = {}
    for i, src in enumerate(sources):
        if src.origin:
            by_origin.setdefault(src.origin, []).append(i)
    keep: list[np.ndarray | None] = [None] * n
    winner: list[np.ndarray | None] = [None] * n
    notes: list[MergeNote] = []
    rank = {i: r for r, i in enumerate(sorted(range(n), key=lambda i: sources[i].recency))}
    for codes in by_origin.values():
        if len(codes) < 2 and not _mixed(facts[codes[0]]):
            continue
        frame = _keys(facts, codes, rank, dict(aliases or {}))
        lost = _resolve(frame)
        if (lost == -1).all():
            continue
        for code in codes:
            mine = (frame["code"] == code).to_numpy()
            beaten = lost[mine]
            if (beaten == -1).all():
                continue
            order = np.argsort(frame["pos"].to_numpy()[mine])
            keep[code] = beaten[order] == -1
            winner[code] = beaten[order]
        notes += _notes(frame, lost, facts, sources)
    return Overlaps(tuple(keep), tuple(winner), tuple(notes))


def _mixed(frame: pd.DataFrame) -> bool:
    """Whether one source has both daily rows and rows with no day."""
    dates = frame["date"]
    return bool(len(frame)) and bool(dates.isna().any()) and bool(dates.notna().any())


def _keys(
    facts: Sequence[pd.DataFrame],
    codes: Sequence[int],
    rank: Mapping[int, int],
    aliases: dict[str, str],
) -> pd.DataFrame:
    """Source code, position, recency rank, campaign (aliases applied) and day of each row."""
    parts = []
    for code in codes:
        frame = facts[code]
        keys = frame["campaign_key"].astype(object)
        if aliases:
            keys = keys.map(lambda k: aliases.get(k, k))
        days = frame["date"].to_numpy().astype("datetime64[ns]").view(np.int64)
        parts.append(
            pd.DataFrame(
                {
                    "code": np.full(len(frame), code, dtype=np.int64),
                    "pos": np.arange(len(frame), dtype=np.int64),
                    "rank": np.full(len(frame), rank[code], dtype=np.int64),
                    "camp": keys.to_numpy(dtype=object),
                    "day": days,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _resolve(frame: pd.DataFrame) -> np.ndarray:
    """Per row: -1 when it counts, else the code of the source that wins, or `DAILY_WON`."""
    code_of_rank = dict(zip(frame["rank"], frame["code"], strict=False))
    rank = frame["rank"].to_numpy()
    daily = frame["day"].to_numpy() != _NAT
    lost = np.full(len(frame), -1, dtype=np.int64)
    # Daily rows: per campaign and day, the latest import that has a row there.
    best = frame.groupby(["camp", "day"], sort=False)["rank"].transform("max").to_numpy()
    beaten = daily & (rank < best)
    lost[beaten] = [code_of_rank[r] for r in best[beaten]]
    # Range rows: the latest import among range rows of a campaign; none where daily rows
    # of the campaign count (their ranges are not stored, so any daily row overlaps).
    ranged = ~daily
    if ranged.any():
        sub = frame[ranged]
        best_range = sub.groupby("camp", sort=False)["rank"].transform("max").to_numpy()
        older = sub["rank"].to_numpy() < best_range
        idx = np.flatnonzero(ranged)
        lost[idx[older]] = [code_of_rank[r] for r in best_range[older]]
        with_days = set(frame["camp"].to_numpy()[daily & (lost == -1)])
        covered = sub["camp"].isin(with_days).to_numpy() & ~older
        lost[idx[covered]] = DAILY_WON
    return lost


def _notes(
    frame: pd.DataFrame,
    lost: np.ndarray,
    facts: Sequence[pd.DataFrame],
    sources: Sequence[OverlapSource],
) -> list[MergeNote]:
    """One note per replaced source and winner: how many days of which campaigns."""
    out: list[MergeNote] = []
    codes = frame["code"].to_numpy()
    days = frame["day"].to_numpy()
    for loser in dict.fromkeys(codes[lost != -1]):
        mine = (codes == loser) & (lost != -1)
        for win in dict.fromkeys(lost[mine]):
            rows = mine & (lost == win)
            names = _campaign_names(facts[int(loser)], frame["pos"].to_numpy()[rows])
            old, new = sources[int(loser)], sources[int(win)] if win >= 0 else None
            ids = (old.source_id,) if new is None else (old.source_id, new.source_id)
            if new is None:
                text = (
                    f"{old.name}: the reporting-range rows of {names} are left out: daily "
                    f"rows of the same campaign count instead"
                )
            else:
                n_days = len(set(days[rows]))
                what = f"{n_days} day{'s' if n_days != 1 else ''} of {names}"
                if _identical(frame, rows, codes == win, facts):
                    text = f"{what} in {old.name} are identical in {new.name}: counted once"
                else:
                    text = f"{what} in {old.name} replaced by {new.name} (the later import)"
            labels = (old.name,) if new is None else (old.name, new.name)
            out.append(MergeNote(OVERLAP_FIELD, labels, text, ids))
    return out


def _campaign_names(facts: pd.DataFrame, positions: np.ndarray) -> str:
    """Names of the campaigns of some rows: up to three, else how many."""
    names = list(dict.fromkeys(str(n) for n in facts["campaign"].to_numpy()[positions]))
    if len(names) > 3:
        return f"{len(names)} campaigns"
    return ", ".join(names)


def _identical(
    frame: pd.DataFrame, lost: np.ndarray, winning: np.ndarray, facts: Sequence[pd.DataFrame]
) -> bool:
    """Whether the replaced rows sum to the same figures as the winner's in their groups."""
    groups = set(zip(frame["camp"].to_numpy()[lost], frame["day"].to_numpy()[lost], strict=True))
    pairs = zip(frame["camp"].to_numpy(), frame["day"].to_numpy(), strict=True)
    inside = np.fromiter((p in groups for p in pairs), dtype=bool, count=len(frame))
    sums = []
    for mask in (lost, winning & inside):
        rows = frame[mask]
        values = pd.concat(
            [
                facts[int(code)].iloc[part["pos"].to_numpy()][list(NUMERIC_FIELDS)]
                for code, part in rows.groupby("code", sort=False)
            ],
            ignore_index=True,
        )
        sums.append(values.sum(min_count=1).to_numpy(dtype=float))
    return bool(np.allclose(sums[0], sums[1], equal_nan=True))
