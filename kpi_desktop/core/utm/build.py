"""Tagging a URL with UTM values (`build_url`) and reading them back (`parse_url`)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import unquote_plus

from kpi_desktop.core.utm.convention import NamingConvention
from kpi_desktop.core.utm.params import (
    KEY_TO_NAME,
    PARAM_LABELS,
    PARAM_NAMES,
    REQUIRED,
    UTM_KEYS,
    UtmParams,
)
from kpi_desktop.core.utm.url import encode_value, is_utm_item, split_url, validate_url


@dataclass(frozen=True)
class Change:
    """One automatic change the convention made to a value."""

    field: str
    before: str
    after: str
    reason: str

    def describe(self) -> str:
        return f"{PARAM_LABELS[self.field]}: '{self.before}' → '{self.after}' ({self.reason})"


@dataclass(frozen=True)
class BuildResult:
    """The tagged URL with what went wrong and what the convention changed.

    `url` is "" when the base URL cannot be tagged; otherwise it is built even when a
    parameter has an error, so that the preview shows what would be produced.
    `errors` and `warnings` map "url" or a field name to a message for the user.
    """

    url: str
    params: UtmParams
    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)
    changes: tuple[Change, ...] = ()

    @property
    def ok(self) -> bool:
        return bool(self.url) and not self.errors


_ENCODED = re.compile(r"%[0-9A-Fa-f]{2}")


def build_url(
    url: str, params: UtmParams, convention: NamingConvention | None = None
) -> BuildResult:
    """Tag `url` with `params`, applying `convention` (None: values are only trimmed).

    Args:
        url: the landing page; an existing query and fragment are kept as they are and
            existing `utm_*` keys of the nine parameters are dropped in favour of `params`.
        params: the values as typed; empty values are left out of the URL.
        convention: the workspace's naming convention.

    Returns:
        The tagged URL, the values used, per-field errors and warnings, and the changes
        the convention made.
    """
    values, errors, warnings, changes = _checked_values(params, convention)
    used = UtmParams(**values)

    url_error = validate_url(url)
    if url_error:
        errors["url"] = url_error
        return BuildResult("", used, errors, warnings, tuple(changes))

    parts = split_url(url.strip())
    items = parts.query.split("&") if parts.query else []
    kept = [item for item in items if not is_utm_item(item)]
    tags = [
        f"{UTM_KEYS[name]}={encode_value(values[name])}"
        for name in PARAM_NAMES
        if values[name] and not any(unicodedata.category(c) == "Cs" for c in values[name])
    ]
    query_items = kept + tags
    out = parts.before_query
    if query_items:
        out += "?" + "&".join(query_items)
    elif parts.query is not None and len(kept) == len(items):
        out += "?" + parts.query
    if parts.fragment is not None:
        out += "#" + parts.fragment
    return BuildResult(out, used, errors, warnings, tuple(changes))


def _checked_values(
    params: UtmParams, convention: NamingConvention | None
) -> tuple[dict[str, str], dict[str, str], dict[str, str], list[Change]]:
    """The values to send (trimmed, normalised) with their errors, warnings and changes."""
    errors: dict[str, str] = {}
    warnings: dict[str, str] = {}
    changes: list[Change] = []
    values: dict[str, str] = {}
    for name in PARAM_NAMES:
        raw = params.get(name)
        value = raw.strip()
        if convention is not None and value:
            value, reasons = convention.normalize(name, value)
            if reasons:
                changes.append(Change(name, raw.strip(), value, ", ".join(reasons)))
            problem = convention.check(name, value)
            if problem:
                errors[name] = problem
        if value and any(unicodedata.category(ch) in ("Cc", "Cs") for ch in value):
            errors[name] = "Contains a control character"
        elif (encoded := _ENCODED.search(value)) and name not in errors:
            warnings[name] = (
                f"Looks already percent-encoded; {encoded.group(0)} will be sent "
                f"as {encode_value(encoded.group(0))}"
            )
        if not value and name in REQUIRED:
            errors[name] = f"{PARAM_LABELS[name]} is required"
        values[name] = value
    return values, errors, warnings, changes


def parse_url(url: str) -> tuple[str, UtmParams]:
    """Split a (possibly tagged) URL into the URL without UTM keys and its UTM values.

    The rest of the query and the fragment are kept exactly; when only UTM keys were in
    the query, the `?` goes too. For a key given twice the first value wins; values are
    decoded (`%20` and `+` as a space).
    """
    parts = split_url(url.strip())
    if parts.query is None:
        return url.strip(), UtmParams()
    items = parts.query.split("&") if parts.query else []
    kept: list[str] = []
    values: dict[str, str] = {}
    for item in items:
        if not is_utm_item(item):
            kept.append(item)
            continue
        key, _, value = item.partition("=")
        name = KEY_TO_NAME[unquote_plus(key).strip().lower()]
        values.setdefault(name, unquote_plus(value, errors="replace"))
    base = parts.before_query
    if kept:
        base += "?" + "&".join(kept)
    elif not values:
        base += "?" + parts.query
    if parts.fragment is not None:
        base += "#" + parts.fragment
    return base, UtmParams(**values)


def looks_tagged(url: str) -> bool:
    """Whether `url` carries any of the nine UTM keys (a pasted, already tagged link)."""
    return not parse_url(url)[1].is_empty()
