"""Recorded overrides: cell edits addressed by natural `RowKey`, and campaign-total pins.

Edits are overrides, never writes into imported data. A facts row is addressed by its
natural key (source, date, imported campaign key, channel, variant, and the index among
identical keys in that source), so a re-import of the same source keeps the overrides
whose rows still exist and reports the others. A campaign-level edit (table
"campaigns", row key = canonical campaign key) pins the campaign's total of an additive
field over all dates (see `effective.adjustment_frame`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from kpi_desktop.core.format import is_missing
from kpi_desktop.core.schema import ADDITIVE_FIELDS, FIELDS, NUMERIC_FIELDS, Kind
from kpi_desktop.core.workspace.db import Database, EditRow

#: Facts fields a user may override: the numbers. Dimensions are join keys, not data.
EDITABLE_FIELDS: tuple[str, ...] = NUMERIC_FIELDS
#: Fields a campaign-level edit may pin (a mean of rates has no "total" to pin).
CAMPAIGN_EDITABLE_FIELDS: tuple[str, ...] = ADDITIVE_FIELDS
#: Index of a row among rows with the same natural key in its source (a facts column).
DUP = "_dup"
KEY_COLUMNS = ("date", "campaign_key", "channel", "variant")


class _Revert:
    """Type of `REVERT`."""

    def __repr__(self) -> str:
        return "REVERT"


#: Pass as the value to `Workspace.set_override` to drop an override.
REVERT: Any = _Revert()


class RowKey(NamedTuple):
    """Natural key of an imported facts row; survives re-import, unlike a row number."""

    source_id: str
    date: str  # ISO day, "" for lifetime rows
    campaign_key: str  # as imported, before aliases
    channel: str
    variant: str
    dup: int = 0  # index among rows of the source with the same five values

    def to_json(self) -> str:
        """The key as stored in the file."""
        return json.dumps(list(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> RowKey:
        """The key `to_json` wrote."""
        source_id, date, key, channel, variant, dup = json.loads(text)
        return cls(str(source_id), str(date), str(key), str(channel), str(variant), int(dup))


@dataclass(frozen=True)
class EditRecord:
    """One override: `table` is "facts" (row_key = RowKey) or "campaigns" (campaign key)."""

    table: str
    row_key: RowKey | str
    field: str
    old_value: float | None
    new_value: float | None
    time: str


def now() -> str:
    """The current time as stored in the file (UTC, seconds)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def as_value(name: str, value: object) -> float | None:
    """A user-typed value for a numeric field: None for blank, a finite float otherwise."""
    if is_missing(value) or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{FIELDS[name].label} must be a number, not {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{FIELDS[name].label} must be a finite number")
    if FIELDS[name].kind is Kind.COUNT and number < 0:
        raise ValueError(f"{FIELDS[name].label} cannot be negative")
    return number


def same(a: float | None, b: float | None) -> bool:
    """Equal values, where missing equals missing."""
    if a is None or b is None or is_missing(a) or is_missing(b):
        return is_missing(a) and is_missing(b)
    return float(a) == float(b)


def day(value: object) -> str:
    """ISO day of a date cell, "" when missing."""
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def dup_index(frame: pd.DataFrame) -> np.ndarray:
    """Index of each row among rows with the same natural key (0 for unique rows)."""
    if frame.empty:
        return np.zeros(0, dtype=np.int32)
    hashed = pd.Series(pd.util.hash_pandas_object(frame[list(KEY_COLUMNS)], index=False))
    if not hashed.duplicated().any():
        return np.zeros(len(frame), dtype=np.int32)
    dups: np.ndarray = hashed.groupby(hashed.to_numpy(), sort=False).cumcount().to_numpy(np.int32)
    return dups


def key_at(source_id: str, facts: pd.DataFrame, pos: int) -> RowKey:
    """Natural key of row `pos` of a source's facts."""
    return RowKey(
        source_id,
        day(facts["date"].iat[pos]),
        str(facts["campaign_key"].iat[pos]),
        str(facts["channel"].iat[pos]),
        str(facts["variant"].iat[pos]),
        int(facts[DUP].iat[pos]),
    )


class Overrides:
    """Every override of the workspace, written through to the database.

    Also remembers where each facts row key was last found in its source, so that
    resolving it again needs no scan of the source.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._edits: dict[tuple[str, str, str], EditRecord] = {}
        self._hints: dict[str, int] = {}  # row key -> its last known position

    def load(self, rows: Iterable[EditRow]) -> None:
        """Replace the in-memory overrides with the database's."""
        self._edits, self._hints = {}, {}
        for tbl, key, fld, old, new, when, hint in rows:
            row_key: RowKey | str = RowKey.from_json(key) if tbl == "facts" else key
            self._edits[(tbl, key, fld)] = EditRecord(tbl, row_key, fld, old, new, when)
            if tbl == "facts" and hint is not None:
                self._hints[key] = int(hint)

    def __iter__(self) -> Iterator[EditRecord]:
        return iter(self._edits.values())

    def get(self, table: str, key: RowKey | str, field: str) -> EditRecord | None:
        """The override of one cell, or None."""
        text = key.to_json() if isinstance(key, RowKey) else key
        return self._edits.get((table, text, field))

    def facts_edits(self) -> Iterator[tuple[RowKey, EditRecord]]:
        """Facts overrides with their row keys."""
        for rec in self._edits.values():
            if rec.table == "facts":
                assert isinstance(rec.row_key, RowKey)
                yield rec.row_key, rec

    # -- facts cells ----------------------------------------------------------------------
    def remember(self, key: RowKey, pos: int) -> None:
        """Note where `key` lives in its source."""
        self._hints[key.to_json()] = pos

    def resolve(self, facts: pd.DataFrame, keys: frozenset[str], key: RowKey) -> int | None:
        """Position of `key` in its source's facts: the remembered one if it still matches."""
        text = key.to_json()
        hint = self._hints.get(text)
        if hint is not None and hint < len(facts) and key_at(key.source_id, facts, hint) == key:
            return hint
        if key.campaign_key not in keys:
            return None
        mask = (
            (facts["campaign_key"] == key.campaign_key).to_numpy()
            & (facts["channel"] == key.channel).to_numpy()
            & (facts["variant"] == key.variant).to_numpy()
            & (facts[DUP] == key.dup).to_numpy()
        )
        dates = facts["date"]
        if key.date:
            mask &= (dates == pd.Timestamp(key.date)).to_numpy()
        else:
            mask &= dates.isna().to_numpy()
        found = np.flatnonzero(mask)
        if not len(found):
            return None
        self._hints[text] = int(found[0])
        return int(found[0])

    def drop_cell(self, key: RowKey, name: str) -> None:
        """Remove a facts override (call inside a transaction)."""
        text = key.to_json()
        self._db.delete_edit("facts", text, name)
        self._edits.pop(("facts", text, name), None)

    def set_cell(
        self, key: RowKey, name: str, value: float | None, imported: float | None, pos: int | None
    ) -> None:
        """Override a facts cell (call inside a transaction).

        `imported` is the source's value; for a row that no longer exists (`pos` None)
        the old value first recorded is kept.
        """
        text = key.to_json()
        old = self._edits.get(("facts", text, name))
        old_value = old.old_value if old is not None and pos is None else imported
        rec = EditRecord("facts", key, name, old_value, value, now())
        self._db.upsert_facts_edit(text, name, old_value, value, rec.time, pos)
        self._edits[("facts", text, name)] = rec
        if pos is not None:
            self._hints[text] = pos

    # -- campaign totals ------------------------------------------------------------------
    def pin(self, key: str, field: str, old_value: float | None, value: float) -> None:
        """Pin a campaign total (call inside a transaction)."""
        rec = EditRecord("campaigns", key, field, old_value, value, now())
        self._db.upsert_campaign_edit(key, field, old_value, value, rec.time)
        self._edits[("campaigns", key, field)] = rec

    def unpin(self, key: str, field: str) -> None:
        """Drop a campaign-total pin (call inside a transaction)."""
        self._db.delete_edit("campaigns", key, field)
        del self._edits[("campaigns", key, field)]

    def pinned(self, key: str) -> dict[str, float]:
        """Field -> typed total of campaign `key`'s campaign-level edits."""
        return {
            name: rec.new_value
            for (tbl, rkey, name), rec in self._edits.items()
            if tbl == "campaigns" and rkey == key and rec.new_value is not None
        }

    def pinned_fields(self, key: str) -> set[str]:
        """Fields of campaign `key` that hold a campaign-level edit."""
        return {k[2] for k in self._edits if k[0] == "campaigns" and k[1] == key}

    def pinned_campaigns(self) -> set[str]:
        """Campaign keys with at least one campaign-level edit."""
        return {k[1] for k in self._edits if k[0] == "campaigns"}
