"""Vectorised parsing of imported columns: numbers, dates and text, with per-cell failures.

Every function takes one Arrow column as the reader gave it (typed cells from a workbook,
or text from a CSV) and returns numpy arrays plus a mask of cells it could not read, so
the importer can report them by row and keep the rest. No Python loop runs per cell:
work happens in Arrow compute kernels, and on the distinct values where they repeat.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

Decimal = Literal["us", "eu"]

#: Cell texts that mean "no value" in exports (Google Ads writes `--` for not applicable).
MISSING_TOKENS = (
    "",
    "-",
    "--",
    "—",
    "–",
    "n/a",
    "na",
    "n.a.",
    "null",
    "none",
    "nan",
    "#n/a",
    "#div/0!",
    "#value!",
    "(not set)",
)
CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW"}
CURRENCY_CODES = (
    "USD",
    "EUR",
    "GBP",
    "CHF",
    "JPY",
    "INR",
    "AUD",
    "CAD",
    "NZD",
    "SEK",
    "NOK",
    "DKK",
    "PLN",
    "CZK",
    "HUF",
    "BRL",
    "MXN",
    "ZAR",
    "SGD",
    "HKD",
    "CNY",
    "KRW",
    "TRY",
    "AED",
    "SAR",
    "ILS",
    "THB",
    "MYR",
    "IDR",
    "PHP",
    "RON",
    "BGN",
)
_CODES_RE = "|".join(CURRENCY_CODES)
_SPACES = r"[\s\x{00a0}\x{202f}\x{2009}\x{2007}']"
_SYMBOLS = "[" + "".join(re.escape(s) for s in CURRENCY_SYMBOLS) + "]"
_PLAIN = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_US_VALID = r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$"
_EU_VALID = r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)?(,\d+)?$"
# Cells that can only be read one way: a decimal part that is not 3 digits long, or both
# separators in their order, or several thousands groups.
_EU_EVIDENCE = (
    r"^[+-]?\d+(\.\d{3})*,(\d{1,2}|\d{4,})$|^[+-]?\d{1,3}(\.\d{3})+,\d+$"
    r"|^[+-]?\d{1,3}(\.\d{3}){2,}$"
)
_US_EVIDENCE = (
    r"^[+-]?\d+(,\d{3})*\.(\d{1,2}|\d{4,})$|^[+-]?\d{1,3}(,\d{3})+\.\d+$|^[+-]?\d{1,3}(,\d{3}){2,}$"
)

_EU_GROUPS = r"^[+-]?\d{1,3}(\.\d{3})+$"
_EXCEL_EPOCH = np.datetime64("1899-12-30", "s")


@dataclass
class Parsed:
    """One parsed column: values, which cells failed, and what was learned on the way."""

    values: np.ndarray  # float64 with NaN, or datetime64[s] with NaT, or object text
    bad: np.ndarray  # bool: a cell had a value that could not be read
    currency: str = ""  # currency met in the cells (symbol or code), most frequent
    decimal: Decimal | None = None  # the separator style decided for this column
    percent: bool = False  # some cells carried a % sign (values were divided by 100)


def _as_array(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(column, pa.ChunkedArray):
        return column.combine_chunks()
    return column


def _null_mask(column: pa.Array) -> np.ndarray:
    mask: np.ndarray = column.is_null().to_numpy(zero_copy_only=False)
    return mask


def _texts(column: pa.Array) -> pa.Array:
    """Any column as trimmed text (numbers without a spurious `.0`)."""
    column = _as_array(column)
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return pc.utf8_trim_whitespace(column.cast(pa.string()))
    if pa.types.is_floating(column.type):
        values = column.to_numpy(zero_copy_only=False)
        finite = np.isfinite(values)
        integral = finite & (np.floor(np.where(finite, values, 0)) == np.where(finite, values, 0))
        if integral[finite].all() and (np.abs(values[finite]) < 2**63).all():
            return pc.cast(column, pa.int64()).cast(pa.string())
    if pa.types.is_timestamp(column.type) or pa.types.is_date(column.type):
        return pc.strftime(column, format="%Y-%m-%d %H:%M:%S")
    if pa.types.is_null(column.type):
        return pa.nulls(len(column), pa.string())
    return column.cast(pa.string())


def parse_text(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Text cells as an object array of str ("" for empty), kept verbatim.

    Cells that look like formulas (`=`, `+`, `-`, `@`) stay plain text: nothing is
    evaluated. Long numeric IDs stay exact because they are never read as numbers here.
    """
    column = _as_array(column)
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        # Text repeats (campaigns, channels): trim the distinct values, not every cell.
        encoded = pc.dictionary_encode(column.cast(pa.string()))
        dictionary = pc.utf8_trim_whitespace(encoded.dictionary)
    else:
        encoded = pc.dictionary_encode(_texts(column))
        dictionary = encoded.dictionary
    uniques = np.array([*dictionary.to_pylist(), ""], dtype=object)
    indices = encoded.indices.fill_null(len(uniques) - 1).to_numpy(zero_copy_only=False)
    texts: np.ndarray = uniques[indices]
    return texts


def missing_mask(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """True where a cell is empty or holds a token that means "no value"."""
    column = _as_array(column)
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return _null_mask(column)
    lowered = pc.utf8_lower(pc.utf8_trim_whitespace(column))
    hit = pc.is_in(lowered, value_set=pa.array(MISSING_TOKENS)).fill_null(True)
    mask: np.ndarray = hit.to_numpy(zero_copy_only=False) | _null_mask(column)
    return mask


def decimal_evidence(column: pa.Array | pa.ChunkedArray) -> tuple[int, int]:
    """How many cells can only be read US-style (1,234.56) and only EU-style (1.234,56)."""
    column = _as_array(column)
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return 0, 0
    if _plain_cast(column) is not None:
        return 0, 0
    clean = _strip(column)[0]
    us = pc.sum(pc.match_substring_regex(clean, _US_EVIDENCE).cast(pa.int64())).as_py() or 0
    eu = pc.sum(pc.match_substring_regex(clean, _EU_EVIDENCE).cast(pa.int64())).as_py() or 0
    return int(us), int(eu)


def _strip(column: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Remove spaces, currency marks, percent and accounting parentheses.

    Returns the cleaned text, a mask of cells that had `%`, and the currency mark found.
    """
    text = pc.replace_substring_regex(column, _SPACES, "")
    # After the spaces are gone a code sits at either end: `USD1,200.00`, `1.234,56EUR`.
    mark = rf"^(?:{_SYMBOLS}|{_CODES_RE})|(?:{_SYMBOLS}|{_CODES_RE})$"
    currency = (
        pc.extract_regex(pc.utf8_upper(text), rf"(?P<c>{mark})").field("c")
        if len(text)
        else pa.array([], pa.string())
    )
    text = pc.replace_substring_regex(text, rf"(?i){mark}", "")
    percent = pc.match_substring(text, "%")
    text = pc.replace_substring(text, "%", "")
    text = pc.replace_substring_regex(text, r"^\((.*)\)$", r"-\1")
    text = pc.replace_substring_regex(text, r"^(.*\d)-$", r"-\1")  # trailing minus (SAP)
    return text, percent, currency


def _plain_cast(column: pa.Array) -> pa.Array | None:
    """The column cast straight to float when every cell is a plain number (or empty).

    This is the common case for big files, and one C++ cast is far cheaper than the
    regular expressions of the general path.
    """
    try:
        return pc.cast(column, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def parse_number(column: pa.Array | pa.ChunkedArray, decimal: Decimal | None = None) -> Parsed:
    """Numbers from typed cells or text: `1,234.56`, `1.234,56 €`, `12.5%`, `(80)`, `--`.

    The separator style is decided for the whole column from cells that can be read only
    one way; `decimal` is the file-wide guess used when the column alone cannot tell
    (`1,234` alone could be either). Percent cells are divided by 100.
    """
    column = _as_array(column)
    n = len(column)
    if pa.types.is_boolean(column.type):
        values = pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False)
        return Parsed(values.astype(np.float64), np.zeros(n, dtype=bool))
    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
        values = pc.cast(column, pa.float64()).fill_null(np.nan).to_numpy(zero_copy_only=False)
        return Parsed(values, np.zeros(n, dtype=bool))
    if pa.types.is_null(column.type):
        return Parsed(np.full(n, np.nan), np.zeros(n, dtype=bool))
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        # Dates or durations in a number column: not numbers the user meant.
        return Parsed(np.full(n, np.nan), ~_null_mask(column))
    plain_values = _plain_cast(column)
    if plain_values is not None and not (
        decimal == "eu" and pc.any(pc.match_substring_regex(column, _EU_GROUPS)).as_py()
    ):
        values = plain_values.fill_null(np.nan).to_numpy(zero_copy_only=False)
        return Parsed(values, np.zeros(n, dtype=bool))
    missing = missing_mask(column)
    text, percent, currency = _strip(column)
    plain = pc.match_substring_regex(text, _PLAIN)
    grouped = decimal == "eu" and pc.any(pc.match_substring_regex(text, _EU_GROUPS)).as_py()
    if (
        pc.all(pc.or_kleene(plain, pc.is_null(text))).as_py()
        and not pc.any(percent).as_py()
        and not grouped
    ):
        # The common case (clean CSV numbers): one cast, nothing else to decide.
        values = pc.cast(pc.if_else(plain, text, None), pa.float64())
        values = values.fill_null(np.nan).to_numpy(zero_copy_only=False)
        return Parsed(values, np.zeros(n, dtype=bool), _mode(currency))
    us, eu = decimal_evidence(column)
    style: Decimal = "eu" if eu > us else "us" if us > eu else (decimal or "us")
    if style == "us":
        styled = pc.match_substring_regex(text, _US_VALID)
        normal = pc.replace_substring(text, ",", "")
    else:
        styled = pc.match_substring_regex(text, _EU_VALID)
        normal = pc.replace_substring(pc.replace_substring(text, ".", ""), ",", ".")
    has_digit = pc.match_substring_regex(text, r"\d")
    styled = pc.and_(styled, has_digit).fill_null(False)
    # A plain `1234.5` in a European column is a number cell the reader turned into text.
    plain = pc.match_substring_regex(text, _PLAIN).fill_null(False)
    normal = pc.if_else(styled, normal, pc.if_else(plain, text, pa.scalar(None, pa.string())))
    valid = pc.or_(styled, plain)
    numbers = pc.cast(normal, pa.float64())
    values = numbers.fill_null(np.nan).to_numpy(zero_copy_only=False).copy()
    pct = percent.fill_null(False).to_numpy(zero_copy_only=False)
    values[pct] /= 100.0
    ok = valid.to_numpy(zero_copy_only=False)
    bad = ~ok & ~missing
    values[missing] = np.nan
    return Parsed(values, bad, _mode(currency), style, bool(pct.any()))


def _mode(currency: pa.Array) -> str:
    if not len(currency) or currency.null_count == len(currency):
        return ""
    counts = pc.value_counts(currency.drop_null())
    if not len(counts):
        return ""
    best = max(counts.to_pylist(), key=lambda item: item["counts"])["values"]
    return CURRENCY_SYMBOLS.get(best, str(best).upper())


_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d",
    "%Y%m%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%m/%d/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y %H:%M",
    "%m/%d/%y",
    "%d/%m/%y",
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%y",
    "%d-%m-%Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%d %b %Y",
    "%d %B %Y",
    "%a, %b %d, %Y",
)
_DAYFIRST = {f for f in _DATE_FORMATS if f.startswith("%d")}
_MONTHFIRST = {f for f in _DATE_FORMATS if f.startswith("%m")}


def _serial_to_datetime(values: np.ndarray) -> np.ndarray:
    """Excel serial days (1900 system) to datetime64[s]; NaT outside plausible dates."""
    out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[s]")
    ok = np.isfinite(values) & (values >= 1) & (values < 2_958_466)
    seconds = np.round(values[ok] * 86400).astype(np.int64)
    out[ok] = _EXCEL_EPOCH + seconds.astype("timedelta64[s]")
    return out


def _numbers_to_datetime(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Numbers in a date column: YYYYMMDD (GA4) when they look like it, else Excel serials."""
    finite = np.isfinite(values)
    out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[s]")
    ymd = finite & (values >= 19000101) & (values <= 21001231) & (values == np.floor(values))
    if ymd.any():
        as_int = values[ymd].astype(np.int64)
        text = pa.array(as_int.astype(str))
        parsed = pc.strptime(text, format="%Y%m%d", unit="s", error_is_null=True)
        out[ymd] = parsed.to_numpy(zero_copy_only=False).astype("datetime64[s]")
    serial = finite & ~ymd
    out[serial] = _serial_to_datetime(values[serial])
    bad = finite & np.isnat(out)
    return out, bad


def _normalise_date_text(text: pa.Array) -> pa.Array:
    text = pc.replace_substring_regex(text, r"^(\d{4}-\d{2}-\d{2})T", r"\1 ")
    text = pc.replace_substring_regex(text, r"(\d{2}:\d{2}:\d{2})[.,]\d+", r"\1")
    text = pc.replace_substring_regex(
        text, r"(\d{2}:\d{2}(:\d{2})?)\s*(Z|[+-]\d{2}:?\d{2}|UTC)$", r"\1"
    )
    return pc.replace_substring_regex(text, r"\s+", " ")


def parse_date(column: pa.Array | pa.ChunkedArray, dayfirst: bool | None = None) -> Parsed:
    """Dates and date-times from real date cells, Excel serials, `YYYYMMDD`, ISO, US or
    European text. The text format is chosen per column from its distinct values; `dayfirst`
    settles 03/04/2025 when no value in the column can (a day above 12 settles it)."""
    column = _as_array(column)
    n = len(column)
    if pa.types.is_timestamp(column.type):
        if column.type.tz is not None:
            column = column.cast(pa.timestamp(column.type.unit))  # wall-clock time as read
        values = column.to_numpy(zero_copy_only=False)
        return Parsed(values.astype("datetime64[s]"), np.zeros(n, dtype=bool))
    if pa.types.is_date(column.type):
        values = pc.cast(column, pa.timestamp("s")).to_numpy(zero_copy_only=False)
        return Parsed(values.astype("datetime64[s]"), np.zeros(n, dtype=bool))
    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
        numbers = pc.cast(column, pa.float64()).fill_null(np.nan).to_numpy(zero_copy_only=False)
        values, bad = _numbers_to_datetime(numbers)
        return Parsed(values, bad)
    if pa.types.is_null(column.type):
        return Parsed(np.full(n, np.datetime64("NaT"), dtype="datetime64[s]"), np.zeros(n, bool))
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return Parsed(np.full(n, np.datetime64("NaT"), dtype="datetime64[s]"), ~_null_mask(column))
    # Dates repeat: encode once, then normalise and parse only the distinct texts.
    encoded = pc.dictionary_encode(column)
    uniques = _normalise_date_text(pc.utf8_trim_whitespace(encoded.dictionary))
    parsed = _parse_unique_dates(uniques, dayfirst)
    unique_missing = missing_mask(uniques)
    indices = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    has = indices >= 0
    values = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    values[has] = parsed[indices[has]]
    missing = ~has
    missing[has] = unique_missing[indices[has]]
    bad = np.isnat(values) & ~missing
    return Parsed(values, bad)


def _parse_unique_dates(uniques: pa.Array, dayfirst: bool | None) -> np.ndarray:
    out = np.full(len(uniques), np.datetime64("NaT"), dtype="datetime64[s]")
    if not len(uniques):
        return out
    sample = uniques.slice(0, 500)
    scores: Counter[str] = Counter()
    for fmt in _DATE_FORMATS:
        hits = pc.strptime(sample, format=fmt, unit="s", error_is_null=True)
        scores[fmt] = len(hits) - hits.null_count
    ranked = [f for f, s in sorted(scores.items(), key=lambda kv: -kv[1]) if s > 0]
    # 03/04/2025 reads both ways: when both orders fit every sample equally, the hint (or
    # the month-first default of the US-English exports) decides.
    day, month = (
        max((scores[f] for f in _DAYFIRST), default=0),
        max((scores[f] for f in _MONTHFIRST), default=0),
    )
    if day == month and day > 0:
        prefer = _DAYFIRST if dayfirst else _MONTHFIRST
        ranked.sort(key=lambda f: (-scores[f], f not in prefer))
    for fmt in ranked:
        todo = np.isnat(out)
        if not todo.any():
            break
        if (fmt in _DAYFIRST and day < month) or (fmt in _MONTHFIRST and month < day):
            continue  # the other order was proven by the data; never mix both
        hits = pc.strptime(uniques, format=fmt, unit="s", error_is_null=True)
        got = hits.to_numpy(zero_copy_only=False).astype("datetime64[s]")
        fill = todo & ~np.isnat(got)
        out[fill] = got[fill]
    todo = np.isnat(out)
    if todo.any():
        # Numbers written as text: Excel serials and YYYYMMDD from a text column.
        numeric = (
            pc.cast(
                pc.if_else(pc.match_substring_regex(uniques, r"^\d+(\.\d+)?$"), uniques, None),
                pa.float64(),
            )
            .fill_null(np.nan)
            .to_numpy(zero_copy_only=False)
        )
        got, _ = _numbers_to_datetime(numeric)
        fill = todo & ~np.isnat(got)
        out[fill] = got[fill]
    return out


def parse_bool(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Truthy flags (TRUE, 1, yes, y, matched, x, ✓) as a bool array; anything else False."""
    column = _as_array(column)
    flags: np.ndarray
    if pa.types.is_boolean(column.type):
        flags = column.fill_null(False).to_numpy(zero_copy_only=False)
    elif pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
        values = pc.cast(column, pa.float64()).fill_null(0).to_numpy(zero_copy_only=False)
        flags = values != 0
    else:
        text = pc.utf8_lower(_texts(column))
        truthy = pa.array(["true", "1", "yes", "y", "matched", "x", "✓", "wahr", "ja", "t", "1.0"])
        flags = pc.is_in(text, value_set=truthy).fill_null(False).to_numpy(zero_copy_only=False)
    return flags


def to_day(values: np.ndarray) -> np.ndarray:
    """datetime64 values floored to the day, as datetime64[ns] for pandas."""
    return values.astype("datetime64[D]").astype("datetime64[ns]")


def parse_date_text(text: str, dayfirst: bool | None = None) -> dt.date | None:
    """One date written as text (from a preamble line), or None."""
    parsed = parse_date(pa.array([text]), dayfirst)
    value = parsed.values[0]
    if np.isnat(value):
        return None
    day: dt.date = value.astype("datetime64[D]").astype(dt.date)
    return day
