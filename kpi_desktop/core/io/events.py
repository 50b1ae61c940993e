"""Raw bot event logs aggregated to daily facts, keeping distinct users exact.

One row per event (timestamp, user id, campaign, channel, variant, event type, matched
flag) becomes one facts row per date x campaign x channel x variant, and an events frame
of the distinct (user, date, campaign_key, channel, variant) that `kpi.aggregate` counts
for exact unique users over any period. User ids are factorised once and turned into
stable 64-bit codes (a hash of the id text), so the same person in two exports of the
same bot is one user and codes never collide between files by accident.

Everything runs on integer codes with numpy: no per-event Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpi_desktop.core.io.errors import Problem
from kpi_desktop.core.io.parse import parse_bool, parse_date
from kpi_desktop.core.schema import FIELD_NAMES, FIELDS, Kind, campaign_keys, fill_coverage

# Event types, normalised to lower case with `_` for spaces and dashes.
MESSAGE_TYPES = frozenset(
    {
        "message",
        "text",
        "text_message",
        "user_message",
        "message_received",
        "free_text",
        "incoming_message",
        "msg",
        "user_input",
        "question",
        "utterance",
    }
)
CLICK_TYPES = frozenset(
    {
        "button_click",
        "button",
        "quick_reply",
        "quickreply",
        "carousel_click",
        "carousel",
        "postback",
        "menu_click",
        "persistent_menu",
        "card_click",
        "reply",
        "list_click",
    }
)
LINK_TYPES = frozenset(
    {
        "link_click",
        "url_click",
        "website_click",
        "click_to_website",
        "web_url",
        "cta_click",
        "link",
        "url_button_click",
    }
)
ATTRIBUTE_TYPES = frozenset(
    {
        "attribute_declared",
        "attribute",
        "data_collected",
        "declared_attribute",
        "attribute_set",
        "declared_data_point",
        "zero_party_data",
    }
)
#: Things that happen to a user without the user doing anything: not engagement.
PASSIVE_TYPES = frozenset(
    {
        "view",
        "impression",
        "message_sent",
        "bot_message",
        "delivered",
        "read",
        "message_delivered",
        "message_read",
        "sent",
        "outgoing",
        "broadcast",
        "seen",
        "outgoing_message",
        "bot_reply",
        "response",
    }
)

_CATEGORY_OTHER, _MESSAGE, _CLICK, _LINK, _ATTRIBUTE, _PASSIVE = range(6)


@dataclass
class EventColumns:
    """Columns of an event log as read (Arrow), with their sheet row numbers."""

    time: pa.Array
    user: pa.Array
    event: pa.Array
    row_numbers: np.ndarray
    campaign: pa.Array | None = None
    channel: pa.Array | None = None
    variant: pa.Array | None = None
    matched: pa.Array | None = None


def _category(names: list[str | None]) -> np.ndarray:
    out = np.full(len(names), _CATEGORY_OTHER, dtype=np.int8)
    for i, name in enumerate(names):  # once per distinct event type, not per event
        key = (name or "").strip().lower().replace(" ", "_").replace("-", "_")
        if key in MESSAGE_TYPES:
            out[i] = _MESSAGE
        elif key in CLICK_TYPES:
            out[i] = _CLICK
        elif key in LINK_TYPES:
            out[i] = _LINK
        elif key in ATTRIBUTE_TYPES:
            out[i] = _ATTRIBUTE
        elif key in PASSIVE_TYPES or not key:
            out[i] = _PASSIVE
    return out


def _codes(column: pa.Array | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Dictionary codes and the distinct trimmed texts ("" for empty).

    Encoding first and trimming the (small) dictionary afterwards keeps the per-row work
    inside one Arrow kernel.
    """
    if column is None:
        return np.zeros(n, dtype=np.int64), np.array([""], dtype=object)
    text = column if pa.types.is_string(column.type) else column.cast(pa.string())
    encoded = pc.dictionary_encode(text)
    dictionary = encoded.dictionary
    # Trimming and re-encoding the distinct texts stays in Arrow kernels, which release
    # the GIL: a million user ids never become Python strings before they are distinct.
    trimmed = pa.concat_arrays(
        [pc.utf8_trim_whitespace(dictionary.cast(pa.string())), pa.array([""], pa.string())]
    )
    merged = pc.dictionary_encode(trimmed)
    remap = merged.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    values = np.asarray(merged.dictionary.to_numpy(zero_copy_only=False), dtype=object)
    codes = encoded.indices.fill_null(len(dictionary)).to_numpy(zero_copy_only=False)
    return remap[codes.astype(np.int64)], values


def user_codes(values: np.ndarray) -> np.ndarray:
    """Stable int64 codes of user id texts (a 64-bit hash of each distinct id)."""
    values = values.astype(object)
    hashed = np.empty(len(values), dtype=np.uint64)
    for chunk in _chunks(len(values)):  # one C call per chunk lets the UI thread in
        hashed[chunk] = pd.util.hash_array(values[chunk], categorize=False)
    return hashed.view(np.int64)


def aggregate_events(
    columns: EventColumns, *, source_id: str, sheet: str, headers: Mapping[str, str]
) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem]]:
    """Daily facts and distinct event users from a raw event log.

    Args:
        columns: the log's columns as read.
        source_id: stamped on every facts and events row.
        sheet: for problem locations.
        headers: target -> header text, for problem locations.

    Returns:
        (facts, events, problems): canonical facts per date x campaign x channel x
        variant; events with `user` (int64), `source_id`, `date`, `campaign_key`,
        `channel`, `variant`; rows that could not be used.
    """
    n = len(columns.row_numbers)
    problems: list[Problem] = []
    times = parse_date(columns.time).values
    user_idx, user_values = _codes(columns.user, n)
    has_user = user_idx != _code_of(user_values, "")
    valid = _report_unusable(problems, sheet, columns.row_numbers, headers, times, has_user)
    event_idx, event_values = _codes(columns.event, n)
    category = _category(list(event_values))[event_idx]
    _report_unknown_types(problems, sheet, headers, (event_idx, event_values), category, valid)
    keep = valid & (category != _PASSIVE)
    rows = np.flatnonzero(keep)
    if not len(rows):
        return _empty(source_id), _empty_events(), problems
    dims = _dimensions(columns, n)
    groups = _group(times.astype("datetime64[D]").astype(np.int64), dims, rows)
    # Distinct users per group from the distinct (group, user) pairs, which are also the
    # events frame.
    n_users = len(user_values)
    pairs = pd.unique(groups.inverse.astype(np.int64) * n_users + user_idx[rows])
    users = _Users(pairs // n_users, pairs % n_users, user_codes(user_values))
    matched = parse_bool(columns.matched)[rows] if columns.matched is not None else None
    facts = _group_facts(groups, dims, category[rows], matched, users, source_id)
    return facts, _user_events(groups, dims, users, source_id), problems


@dataclass(frozen=True)
class _Dimensions:
    """Per-event codes of the grouping dimensions (campaign key, channel, variant)."""

    key: np.ndarray  # per event: index into key_values
    key_values: np.ndarray
    first_name: np.ndarray  # display name of each key: its first spelling in the file
    channel: np.ndarray
    channel_values: np.ndarray
    variant: np.ndarray
    variant_values: np.ndarray


@dataclass(frozen=True)
class _Groups:
    """Kept events grouped by day x campaign key x channel x variant."""

    inverse: np.ndarray  # group of each kept event
    date: np.ndarray  # per group: date (datetime64[ns]), key, channel and variant codes
    key: np.ndarray
    channel: np.ndarray
    variant: np.ndarray

    @property
    def count(self) -> int:
        return len(self.date)


@dataclass(frozen=True)
class _Users:
    """The distinct (group, user) pairs, and every user's stable code."""

    group: np.ndarray
    user: np.ndarray
    codes: np.ndarray


def _report_unusable(
    problems: list[Problem],
    sheet: str,
    row_numbers: np.ndarray,
    headers: Mapping[str, str],
    times: np.ndarray,
    has_user: np.ndarray,
) -> np.ndarray:
    """Report events without a time or a user; return the mask of usable events."""
    has_time = ~np.isnat(times)
    time_header, user_header = headers.get("@time", ""), headers.get("@user", "")
    reason = "event skipped: the time is not a date"
    _report(problems, sheet, row_numbers, ~has_time, time_header, reason)
    reason = "event skipped: no user id"
    _report(problems, sheet, row_numbers, has_time & ~has_user, user_header, reason)
    usable: np.ndarray = has_time & has_user
    return usable


def _report_unknown_types(
    problems: list[Problem],
    sheet: str,
    headers: Mapping[str, str],
    types: tuple[np.ndarray, np.ndarray],
    category: np.ndarray,
    valid: np.ndarray,
) -> None:
    """One problem per unknown event type among the usable events, with its count.

    `types` is the events' type codes and the distinct type names.
    """
    unknown = (category == _CATEGORY_OTHER) & valid
    if not unknown.any():
        return
    codes, names = types
    names, counts = np.unique(names[codes[unknown]], return_counts=True)
    for name, count in zip(names.tolist(), counts.tolist(), strict=True):
        problems.append(
            Problem(
                sheet,
                0,
                headers.get("@event", ""),
                f"event type “{name}” ({count:,} events) is not a known bot event; "
                "counted for users only",
            )
        )


def _dimensions(columns: EventColumns, n: int) -> _Dimensions:
    camp_idx, camp_values = _codes(columns.campaign, n)
    keys = campaign_keys(pd.Series(camp_values, dtype=object)).to_numpy(dtype=object)
    key_codes, key_values = pd.factorize(keys)
    first_name = pd.Series(camp_values).groupby(key_codes).first().to_numpy(dtype=object)
    chan_idx, chan_values = _codes(columns.channel, n)
    var_idx, var_values = _codes(columns.variant, n)
    return _Dimensions(
        key_codes[camp_idx],
        np.asarray(key_values, dtype=object),
        first_name,
        chan_idx,
        chan_values,
        var_idx,
        var_values,
    )


def _group(days: np.ndarray, dims: _Dimensions, rows: np.ndarray) -> _Groups:
    """Group the kept events (`rows`) by one integer code per day x key x channel x variant."""
    day = days[rows]
    day0 = int(day.min())
    sizes = [
        int(day.max()) - day0 + 1,
        len(dims.key_values) or 1,
        len(dims.channel_values),
        len(dims.variant_values),
    ]
    group = day - day0
    codes = (dims.key[rows], dims.channel[rows], dims.variant[rows])
    for size, code in zip(sizes[1:], codes, strict=True):
        group = group * size + code
    # Hash-based factorisation: several times faster than sorting a million keys.
    inverse, groups = pd.factorize(group)
    g_day, g_key, g_chan, g_var = _decode(np.asarray(groups), sizes)
    dates = (g_day + day0).astype("datetime64[D]").astype("datetime64[ns]")
    return _Groups(inverse, dates, g_key, g_chan, g_var)


def _group_facts(
    groups: _Groups,
    dims: _Dimensions,
    cat: np.ndarray,
    matched: np.ndarray | None,
    users: _Users,
    source_id: str,
) -> pd.DataFrame:
    """One facts row per group: distinct users and event counts by category."""
    ng = groups.count

    def count(mask: np.ndarray) -> np.ndarray:
        counted: np.ndarray = np.bincount(
            groups.inverse, weights=mask.astype(np.float64), minlength=ng
        )
        return counted

    return facts_frame(
        {
            "date": groups.date,
            "campaign": dims.first_name[groups.key] if len(dims.first_name) else "",
            "campaign_key": dims.key_values[groups.key],
            "channel": dims.channel_values[groups.channel],
            "variant": dims.variant_values[groups.variant],
            "users": np.bincount(users.group, minlength=ng).astype(np.float64),
            "interactions": count((cat == _MESSAGE) | (cat == _CLICK) | (cat == _LINK)),
            "declared_data_points": count(cat == _ATTRIBUTE),
            "clicks": count(cat == _LINK),
            "total_messages": count(cat == _MESSAGE),
            "matched_responses": count((cat == _MESSAGE) & matched)
            if matched is not None
            else np.full(ng, np.nan),
            "currency": "",
            "source_id": source_id,
        }
    )


def _user_events(groups: _Groups, dims: _Dimensions, users: _Users, source_id: str) -> pd.DataFrame:
    """The events frame: one row per distinct user x day x key x channel x variant."""
    # The text columns are filled into one object block chunk by chunk: pandas would
    # otherwise stack separate columns into that block in one GIL-holding copy, a stall
    # of the UI thread on a million rows (and convert them to its str dtype first).
    texts = np.empty((4, len(users.group)), dtype=object)
    for chunk in _chunks(len(users.group)):
        group_of = users.group[chunk]
        texts[0, chunk] = source_id
        texts[1, chunk] = dims.key_values[groups.key[group_of]]
        texts[2, chunk] = dims.channel_values[groups.channel[group_of]]
        texts[3, chunk] = dims.variant_values[groups.variant[group_of]]
    events = pd.DataFrame(
        texts.T,
        columns=["source_id", "campaign_key", "channel", "variant"],
        dtype=object,
        copy=False,
    )
    events.insert(0, "user", pd.Series(users.codes[users.user], dtype=np.int64))
    events.insert(2, "date", pd.Series(groups.date[users.group]))
    return events


def _chunks(n: int, size: int = 1 << 16) -> list[slice]:
    """Slices of `size` rows: between two chunks another thread (the UI) can run."""
    return [slice(start, min(start + size, n)) for start in range(0, n, size)]


def _code_of(values: np.ndarray, text: str) -> int:
    found = np.flatnonzero(values == text)
    return int(found[0]) if len(found) else -1


def _decode(groups: np.ndarray, sizes: list[int]) -> tuple[np.ndarray, ...]:
    out = []
    rest = groups
    for size in reversed(sizes[1:]):
        out.append(rest % size)
        rest = rest // size
    out.append(rest)
    return tuple(reversed(out))


def _report(
    problems: list[Problem],
    sheet: str,
    rows: np.ndarray,
    mask: np.ndarray,
    column: str,
    reason: str,
    limit: int = 100,
) -> None:
    hits = np.flatnonzero(mask)
    problems.extend(Problem(sheet, int(rows[i]), column, reason) for i in hits[:limit])
    if len(hits) > limit:
        problems.append(Problem(sheet, 0, column, f"{reason} — {len(hits) - limit:,} more rows"))


def facts_frame(frame: pd.DataFrame | Mapping[str, object]) -> pd.DataFrame:
    """Canonical facts layout (as `schema.normalize_facts` gives) for columns built here.

    Building the columns in their final dtypes directly is much faster on big frames than
    the generic normalisation, which re-derives keys and re-strips text per row; text
    columns are made object Series explicitly because pandas would otherwise convert them
    to its string dtype and back.
    """
    columns = frame if isinstance(frame, Mapping) else {c: frame[c] for c in frame.columns}
    n = len(frame) if isinstance(frame, pd.DataFrame) else _length(columns)
    out: dict[str, pd.Series] = {}
    index = pd.RangeIndex(n)
    for name in FIELD_NAMES:
        field = FIELDS[name]
        value = columns.get(name)
        if isinstance(value, pd.Series):
            value = value.to_numpy()
        if field.is_numeric:
            data = np.full(n, np.nan) if value is None else np.asarray(value, dtype=np.float64)
        elif field.kind is Kind.DATE:
            data = (
                np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
                if value is None
                else np.asarray(value).astype("datetime64[ns]")
            )
        elif value is None:
            data = np.full(n, "", dtype=object)
        elif isinstance(value, str):
            data = np.full(n, value, dtype=object)
        else:
            data = np.asarray(value, dtype=object)
        out[name] = pd.Series(data, index=index, dtype=data.dtype, copy=False)
    fill_coverage(out)
    return pd.DataFrame(out, columns=list(FIELD_NAMES), copy=False)


def _length(columns: Mapping[str, object]) -> int:
    for value in columns.values():
        if not isinstance(value, str) and hasattr(value, "__len__"):
            return len(value)
    return 0


def _empty(source_id: str) -> pd.DataFrame:
    return facts_frame(pd.DataFrame())


def _empty_events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "user": pd.Series(dtype=np.int64),
            "source_id": pd.Series(dtype=object),
            "date": pd.Series(dtype="datetime64[ns]"),
            "campaign_key": pd.Series(dtype=object),
            "channel": pd.Series(dtype=object),
            "variant": pd.Series(dtype=object),
        }
    )
