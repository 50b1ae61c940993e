"""Canonical fields of the facts table (DESIGN section 2): names, kinds, units, labels."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

import numpy as np
import pandas as pd


class Kind(Enum):
    """What a field holds, which decides how it is parsed, summed and shown."""

    DIMENSION = "dimension"  # text that rows are grouped by
    DATE = "date"
    COUNT = "count"  # additive, >= 0 (conversions may be fractional, as Google Ads writes them)
    MONEY = "money"  # additive amount in the row's currency
    RATE = "rate"  # fraction 0..1 from a study; averaged, never summed
    TEXT = "text"  # carried along, not grouped by default


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: Kind
    description: str

    @property
    def is_numeric(self) -> bool:
        return self.kind in (Kind.COUNT, Kind.MONEY, Kind.RATE)

    @property
    def is_additive(self) -> bool:
        return self.kind in (Kind.COUNT, Kind.MONEY)


_FIELDS: tuple[Field, ...] = (
    Field("date", "Date", Kind.DATE, "Day (no time); empty for rows that cover a range"),
    Field("first_day", "First day", Kind.DATE, "First day the row covers (its date for a day)"),
    Field("last_day", "Last day", Kind.DATE, "Last day the row covers (its date for a day)"),
    Field("campaign", "Campaign", Kind.DIMENSION, "Campaign name as shown to the user"),
    Field("campaign_key", "Campaign key", Kind.DIMENSION, "Join key derived from the name"),
    Field("channel", "Channel", Kind.DIMENSION, "Messenger, Instagram, DV360, Website…"),
    Field("variant", "Variant", Kind.DIMENSION, "Conversation or creative variant (A/B)"),
    Field("users", "Users", Kind.COUNT, "People who actively engaged with the bot"),
    Field(
        "interactions",
        "Interactions",
        Kind.COUNT,
        "Quick-reply, button or carousel clicks and sent messages (not views)",
    ),
    Field(
        "declared_data_points",
        "Declared data points",
        Kind.COUNT,
        "Zero-party answers the bot collected",
    ),
    Field("clicks", "Clicks to website", Kind.COUNT, "Clicks from the bot to the website"),
    Field(
        "matched_responses",
        "Matched responses",
        Kind.COUNT,
        "Free-text messages the bot's NLP matched to an intent",
    ),
    Field("total_messages", "Total messages", Kind.COUNT, "Free-text messages received"),
    Field("visitors", "Visitors", Kind.COUNT, "Website visitors (sessions) that came from the bot"),
    Field("conversions", "Conversions", Kind.COUNT, "Purchases, sign-ups, bookings… from the bot"),
    Field("conversion_value", "Conversion value", Kind.MONEY, "Revenue of those conversions"),
    Field("spend", "Spend", Kind.MONEY, "Ad spend that drove traffic to the bot"),
    Field(
        "other_cost",
        "Other cost",
        Kind.MONEY,
        "Other costs of that traffic: platform fees, agency, creative",
    ),
    Field("ad_recall_exposed", "Ad recall (exposed)", Kind.RATE, "Ad-recall rate, exposed group"),
    Field("ad_recall_control", "Ad recall (control)", Kind.RATE, "Ad-recall rate, control group"),
    Field("intent_exposed", "Purchase intent (exposed)", Kind.RATE, "Intent rate, exposed group"),
    Field("intent_control", "Purchase intent (control)", Kind.RATE, "Intent rate, control group"),
    Field("impressions", "Impressions", Kind.COUNT, "The ad platform's impressions"),
    Field("ad_clicks", "Ad clicks", Kind.COUNT, "The ad platform's own clicks (reference)"),
    Field("ad_conversions", "Ad conversions", Kind.COUNT, "The ad platform's conversions"),
    Field(
        "ad_conversion_value",
        "Ad conversion value",
        Kind.MONEY,
        "The ad platform's conversion value (reference)",
    ),
    Field("source_medium", "Source / medium", Kind.DIMENSION, "e.g. messenger / chatbot"),
    Field("currency", "Currency", Kind.TEXT, "ISO 4217 code of the money fields"),
    Field("source_id", "Source", Kind.TEXT, "Which import the row came from"),
)

FIELDS: dict[str, Field] = {f.name: f for f in _FIELDS}
FIELD_NAMES: tuple[str, ...] = tuple(FIELDS)
DIMENSIONS: tuple[str, ...] = ("date", "campaign", "campaign_key", "channel", "variant")
NUMERIC_FIELDS: tuple[str, ...] = tuple(f.name for f in _FIELDS if f.is_numeric)
ADDITIVE_FIELDS: tuple[str, ...] = tuple(f.name for f in _FIELDS if f.is_additive)
MONEY_FIELDS: tuple[str, ...] = tuple(f.name for f in _FIELDS if f.kind is Kind.MONEY)
RATE_FIELDS: tuple[str, ...] = tuple(f.name for f in _FIELDS if f.kind is Kind.RATE)
TEXT_FIELDS: tuple[str, ...] = tuple(
    f.name for f in _FIELDS if f.kind in (Kind.DIMENSION, Kind.TEXT)
)
GROUPINGS: tuple[str, ...] = ("campaign", "date", "channel", "variant")
#: The day range every fact covers (DESIGN section 4, "Coverage"): a day row covers its
#: date; a row with only a reporting range (GA4 without a date dimension, a lifetime ad
#: export, a brand-lift study) covers that range; a row with neither covers nothing and
#: counts only under "All dates".
COVERAGE: tuple[str, str] = ("first_day", "last_day")
#: The fields the nine KPIs read, in the order a marketer reads the funnel: bot, website,
#: money, brand lift. Tables, reports and the campaign model show them in this order.
INPUT_FIELDS: tuple[str, ...] = (
    "users",
    "interactions",
    "declared_data_points",
    "clicks",
    "matched_responses",
    "total_messages",
    "visitors",
    "conversions",
    "conversion_value",
    "spend",
    "other_cost",
    "ad_recall_exposed",
    "ad_recall_control",
    "intent_exposed",
    "intent_control",
)

#: `source_id` of the rows that pin a campaign's all-dates total to a typed value (the
#: workspace's campaign-level edits). They belong to "all dates" only.
ADJUSTMENT_SOURCE = "adjustment"

_KEY_FOLD = re.compile(r"[\s_\-.]+")


def campaign_key(name: object) -> str:
    """Join key of a campaign name: lower-cased, trimmed, runs of space/_/-/. folded to `_`."""
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return ""
    text = str(name).strip().lower()
    return _KEY_FOLD.sub("_", text).strip("_")


def campaign_keys(names: pd.Series) -> pd.Series:
    """Vectorised `campaign_key` over a column of names (missing names give "").

    Works on the distinct names only: a million rows usually hold a few dozen campaigns.
    """
    codes, uniques = pd.factorize(names, use_na_sentinel=True)
    keys = np.array([campaign_key(name) for name in uniques] + [""], dtype=object)
    return pd.Series(keys[codes], index=names.index, dtype=object)


def empty_facts() -> pd.DataFrame:
    """A facts frame with every canonical column and no rows."""
    return normalize_facts(pd.DataFrame())


def normalize_facts(frame: pd.DataFrame) -> pd.DataFrame:
    """Return `frame` with every canonical column in canonical order and dtype.

    Numbers become float64 with NaN for missing (a blank cell is missing, not zero);
    dates become datetime64 days (NaT for rows without a day); a day row's coverage is
    its date (see `fill_coverage`); text stays object with "" for
    missing dimensions so that grouping keeps those rows. `campaign_key` is derived from
    `campaign` where absent. Extra columns are dropped.
    """
    n = len(frame)
    out: dict[str, pd.Series] = {}
    index = frame.index
    for name in FIELD_NAMES:
        field = FIELDS[name]
        col = frame[name] if name in frame.columns else None
        if field.is_numeric:
            out[name] = (
                pd.Series(np.full(n, np.nan), index=index)
                if col is None
                else pd.to_numeric(col, errors="coerce").astype("float64")
            )
        elif field.kind is Kind.DATE:
            out[name] = (
                pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
                if col is None
                else pd.to_datetime(col, errors="coerce").dt.normalize().astype("datetime64[ns]")
            )
        elif name == "campaign_key":
            continue
        else:
            out[name] = (
                pd.Series([""] * n, index=index, dtype=object)
                if col is None
                else col.astype("string").fillna("").str.strip().astype(object)
            )
    if "campaign_key" in frame.columns:
        key = frame["campaign_key"].astype("string").fillna("").astype(object)
        blank = (key == "").to_numpy()
        if blank.any():
            key = key.where(~blank, campaign_keys(out["campaign"]))
    else:
        key = campaign_keys(out["campaign"])
    out["campaign_key"] = key
    fill_coverage(out)
    result = pd.DataFrame({name: out[name] for name in FIELD_NAMES}, index=index)
    return result.reset_index(drop=True)


def fill_coverage(columns: dict[str, pd.Series]) -> None:
    """Set the coverage of day rows to their date, in place; a range missing one end
    covers the one day it names. Rows with neither keep NaT (they cover nothing)."""
    date = columns["date"]
    first, last = columns["first_day"], columns["last_day"]
    dated = date.notna().to_numpy()
    if dated.any():
        first = first.where(~dated, date)
        last = last.where(~dated, date)
    columns["first_day"] = first.where(first.notna(), last)
    columns["last_day"] = last.where(last.notna(), first)


def with_coverage(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with its coverage columns, derived from `date` where it has none (facts
    stored before coverage existed: a day row covers its date, an undated row nothing)."""
    if all(c in frame.columns for c in COVERAGE):
        return frame
    columns = {
        "date": frame["date"],
        **{
            c: frame[c]
            if c in frame.columns
            else pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
            for c in COVERAGE
        },
    }
    fill_coverage(columns)
    out = frame.copy(deep=False)
    for c in COVERAGE:
        out[c] = columns[c]
    return out
