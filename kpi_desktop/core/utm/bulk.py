"""Bulk mode: a table of links, its column names, and building every row at once."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from kpi_desktop.core.format import is_missing
from kpi_desktop.core.schema import campaign_key
from kpi_desktop.core.utm.build import build_url
from kpi_desktop.core.utm.convention import NamingConvention
from kpi_desktop.core.utm.params import PARAM_LABELS, PARAM_NAMES, UTM_KEYS, UtmParams

BULK_COLUMNS: tuple[str, ...] = ("label", "url", *PARAM_NAMES)
TAGGED_COLUMN = "tagged_url"
ERRORS_COLUMN = "errors"
BULK_HEADERS: dict[str, str] = {
    "label": "Label",
    "url": "URL",
    **PARAM_LABELS,
    TAGGED_COLUMN: "Tagged URL",
    ERRORS_COLUMN: "Problems",
}
_HEADER_ALIASES: dict[str, str] = {
    "base_url": "url",
    "landing_page": "url",
    "link": "url",
    "page": "url",
    "name": "label",
    "campaign_id": "id",
    **{key: name for name, key in UTM_KEYS.items()},
    **{campaign_key(label): name for name, label in PARAM_LABELS.items()},
}


def canonical_bulk_column(header: object) -> str | None:
    """The bulk column a spreadsheet header means (`utm_source`, `Source`…), or None."""
    key = campaign_key(header)
    if key in BULK_COLUMNS or key in (TAGGED_COLUMN, ERRORS_COLUMN):
        return key
    return _HEADER_ALIASES.get(key)


def bulk_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` reduced to the bulk input columns, all text ("" for missing)."""
    out = pd.DataFrame(index=range(len(frame)))
    taken: set[str] = set()
    for column in frame.columns:
        name = canonical_bulk_column(column)
        if name in BULK_COLUMNS and name not in taken:
            taken.add(name)
            values = frame[column].tolist()
            out[name] = ["" if is_missing(v) else str(v).strip() for v in values]
    for name in BULK_COLUMNS:
        if name not in out.columns:
            out[name] = [""] * len(frame)
    return out[list(BULK_COLUMNS)].astype(object)


def bulk_build(frame: pd.DataFrame, convention: NamingConvention | None = None) -> pd.DataFrame:
    """Build every row of a table of links.

    Args:
        frame: one row per link with a URL column and the UTM columns; headers may be
            field names, `utm_*` keys or labels.
        convention: applied to every row, as in the single-link builder.

    Returns:
        The input columns, `tagged_url` ("" when the row's URL cannot be tagged) and
        `errors`: per row a dict of column -> message (empty when the row is fine).
    """
    out = bulk_frame(frame)
    tagged: list[str] = []
    errors: list[dict[str, str]] = []
    for row in out.itertuples(index=False):
        values = row._asdict()
        result = build_url(values["url"], UtmParams.from_dict(values), convention)
        tagged.append(result.url)
        errors.append(dict(result.errors))
    out[TAGGED_COLUMN] = tagged
    out[ERRORS_COLUMN] = errors
    return out


def errors_text(errors: Mapping[str, str]) -> str:
    """`{"source": "Source is required"}` as one line for a spreadsheet cell."""
    return "; ".join(f"{BULK_HEADERS.get(k, k)}: {v}" for k, v in errors.items())
