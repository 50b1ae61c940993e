"""UTM links: building, parsing, validation, naming convention, presets, drift (DESIGN 6).

Qt-free. The builder respects an existing URL byte for byte: the query keeps its order,
valueless flags and odd keys; only the nine known `utm_*` keys are replaced (appended at
the end of the query in canonical order); a `#fragment`, including a single-page-app
route such as `#/route?tab=1`, stays last and unchanged. Each value is percent-encoded
once, a space as `%20`.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable
from urllib.parse import quote, unquote_plus

import pandas as pd

from kpi_desktop.core.schema import campaign_key

# -- parameters ------------------------------------------------------------------------

#: Form field name -> query key, in the order the builder appends them.
UTM_KEYS: dict[str, str] = {
    "source": "utm_source",
    "medium": "utm_medium",
    "campaign": "utm_campaign",
    "id": "utm_id",
    "term": "utm_term",
    "content": "utm_content",
    "source_platform": "utm_source_platform",
    "creative_format": "utm_creative_format",
    "marketing_tactic": "utm_marketing_tactic",
}
PARAM_NAMES: tuple[str, ...] = tuple(UTM_KEYS)
REQUIRED: tuple[str, ...] = ("source", "medium", "campaign")
PARAM_LABELS: dict[str, str] = {
    "source": "Source",
    "medium": "Medium",
    "campaign": "Campaign",
    "id": "Campaign ID",
    "term": "Term",
    "content": "Content",
    "source_platform": "Source platform",
    "creative_format": "Creative format",
    "marketing_tactic": "Marketing tactic",
}
PARAM_HELP: dict[str, str] = {
    "source": "Where the traffic comes from: messenger, instagram, newsletter…",
    "medium": "The kind of traffic: chatbot, email, display, qr…",
    "campaign": "The campaign; its key joins the link to the campaign's data",
    "id": "Campaign ID, for importing cost data into analytics",
    "term": "Paid search keyword",
    "content": "Which link or creative in the message, for A/B tests",
    "source_platform": "GA4: the platform that manages the traffic (e.g. dv360)",
    "creative_format": "GA4: the creative format (e.g. display, video, carousel)",
    "marketing_tactic": "GA4: targeting criteria (e.g. remarketing, prospecting)",
}
#: CLI option (`--source-platform`) -> field name (`source_platform`), DESIGN section 9.
CLI_OPTIONS: dict[str, str] = {name.replace("_", "-"): name for name in PARAM_NAMES}
_KEY_TO_NAME: dict[str, str] = {key: name for name, key in UTM_KEYS.items()}


@dataclass(frozen=True)
class UtmParams:
    """The nine UTM values as the user wrote them; "" means absent."""

    source: str = ""
    medium: str = ""
    campaign: str = ""
    id: str = ""
    term: str = ""
    content: str = ""
    source_platform: str = ""
    creative_format: str = ""
    marketing_tactic: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> UtmParams:
        """From field names or `utm_*` keys; unknown keys and None are ignored."""
        values: dict[str, str] = {}
        for key, value in data.items():
            name = _KEY_TO_NAME.get(str(key), str(key))
            if name in UTM_KEYS and value is not None and not _is_nan(value):
                values[name] = str(value)
        return cls(**values)

    def get(self, name: str) -> str:
        return str(getattr(self, name))

    def stripped(self) -> UtmParams:
        return UtmParams(**{name: self.get(name).strip() for name in PARAM_NAMES})

    def is_empty(self) -> bool:
        return not any(self.get(name) for name in PARAM_NAMES)


def _is_nan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


# -- URL validation and splitting -----------------------------------------------------

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_HOST_BAD = set(' \t\r\n<>"{}|\\^`%/?#@')
_PORT = re.compile(r"^\d{1,5}$")


@dataclass(frozen=True)
class _Parts:
    before_query: str
    query: str | None  # None: no "?" at all
    fragment: str | None  # None: no "#" at all


def _split(url: str) -> _Parts:
    fragment: str | None = None
    if "#" in url:
        url, fragment = url.split("#", 1)
    query: str | None = None
    if "?" in url:
        url, query = url.split("?", 1)
    return _Parts(url, query, fragment)


def validate_url(url: str) -> str | None:
    """Why `url` cannot be tagged, or None when it can.

    Only http and https URLs with a host are accepted; whitespace inside the URL, a
    host with invalid characters and a bad port are rejected with the reason.
    """
    text = url.strip()
    if not text:
        return "Enter the address of the page the link should open"
    for i, ch in enumerate(text):
        if ch.isspace():
            return f"The URL contains a space at position {i + 1}; write it as %20"
        if unicodedata.category(ch) == "Cc":
            return f"The URL contains a control character at position {i + 1}"
    match = _SCHEME.match(text)
    if match is None:
        return "The URL must start with https:// or http://"
    scheme = match.group(1).lower()
    if scheme not in ("http", "https"):
        return f"Only http and https links can be tagged, not '{scheme}:'"
    rest = text[match.end() :]
    if not rest.startswith("//"):
        return "The URL has no host: write it as https://example.com/…"
    before = _split(rest[2:]).before_query
    authority = before.split("/", 1)[0]
    hostport = authority.rsplit("@", 1)[-1]
    if hostport.startswith("["):  # IPv6 literal
        host, _, tail = hostport[1:].partition("]")
        if not host or not re.fullmatch(r"[0-9A-Fa-f:.]+", host):
            return "The IPv6 host in brackets is not valid"
        port = tail[1:] if tail.startswith(":") else None
        if tail and port is None:
            return "Unexpected text after the IPv6 host"
    else:
        host, sep, port_text = hostport.partition(":")
        port = port_text if sep else None
    if not host:
        return "The URL has no host (the site name after https://)"
    if port is not None and (not _PORT.match(port) or int(port) > 65535):
        return f"The port '{port}' is not a number from 0 to 65535"
    if not hostport.startswith("["):
        bad = sorted({ch for ch in host if ch in _HOST_BAD})
        if bad:
            return f"The host contains invalid characters: {' '.join(bad)}"
        if ".." in host or host.startswith("."):
            return "The host has an empty part between dots"
    return None


# -- naming convention -----------------------------------------------------------------

SPACE_CHOICES: dict[str, str | None] = {
    "_": "_",
    "-": "-",
    "keep": None,
}


@dataclass(frozen=True)
class NamingConvention:
    """The workspace's rules for UTM values; stored as JSON with `to_dict`/`from_dict`.

    Attributes:
        lowercase: lower-case every value.
        space_replacement: what a run of spaces becomes ("_", "-"); None keeps spaces.
        ascii_only: fold accents (`Été` -> `ete`); other non-ASCII letters stay.
        allowed_chars: body of a regex character class the value may contain after
            the changes above; the default `\\w.\\-` is letters and digits of any
            language, `_`, `.` and `-`; "" allows anything.
        max_length: longest value allowed; 0 means no limit.
        allowed_values: field name -> the only values that field may take.
        applies_to: which fields the convention is applied to.
    """

    lowercase: bool = True
    space_replacement: str | None = "_"
    ascii_only: bool = False
    allowed_chars: str = r"\w.\-"
    max_length: int = 100
    allowed_values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    applies_to: tuple[str, ...] = PARAM_NAMES

    @classmethod
    def off(cls) -> NamingConvention:
        """A convention that changes and rejects nothing beyond trimming."""
        return cls(lowercase=False, space_replacement=None, allowed_chars="", max_length=0)

    def __post_init__(self) -> None:
        if self.space_replacement not in (None, "_", "-", ""):
            raise ValueError(f"space replacement must be _, - or none: {self.space_replacement!r}")
        if self.allowed_chars:
            try:
                re.compile(f"[{self.allowed_chars}]")
            except re.error as exc:
                raise ValueError(f"allowed characters are not a valid set: {exc}") from exc
        if self.max_length < 0:
            raise ValueError("maximum length cannot be negative")
        unknown = [k for k in (*self.allowed_values, *self.applies_to) if k not in UTM_KEYS]
        if unknown:
            raise ValueError(f"unknown UTM fields: {', '.join(unknown)}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "lowercase": self.lowercase,
            "space_replacement": self.space_replacement,
            "ascii_only": self.ascii_only,
            "allowed_chars": self.allowed_chars,
            "max_length": self.max_length,
            "allowed_values": {k: list(v) for k, v in self.allowed_values.items()},
            "applies_to": list(self.applies_to),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NamingConvention:
        """From `to_dict` output (e.g. read back from JSON); missing keys take defaults."""
        default = cls()
        allowed = data.get("allowed_values") or {}
        return cls(
            lowercase=bool(data.get("lowercase", default.lowercase)),
            space_replacement=data.get("space_replacement", default.space_replacement),
            ascii_only=bool(data.get("ascii_only", default.ascii_only)),
            allowed_chars=str(data.get("allowed_chars", default.allowed_chars)),
            max_length=int(data.get("max_length", default.max_length) or 0),
            allowed_values={str(k): tuple(str(x) for x in v) for k, v in allowed.items() if v},
            applies_to=tuple(data.get("applies_to", default.applies_to)),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> NamingConvention:
        return cls.from_dict(json.loads(text))

    def normalize(self, name: str, value: str) -> tuple[str, list[str]]:
        """`value` with the convention's automatic changes, and the reasons for each."""
        reasons: list[str] = []
        if name not in self.applies_to:
            return value, reasons
        out = value
        if self.lowercase and out.lower() != out:
            out = out.lower()
            reasons.append("lower case")
        if self.ascii_only:
            folded = "".join(
                ch for ch in unicodedata.normalize("NFKD", out) if not unicodedata.combining(ch)
            )
            if folded != out:
                out = folded
                reasons.append("accents removed")
        if self.space_replacement is not None and re.search(r"\s", out):
            out = re.sub(r"\s+", self.space_replacement, out)
            shown = self.space_replacement or "nothing"
            reasons.append(f"spaces → {shown}")
        return out, reasons

    def check(self, name: str, value: str) -> str | None:
        """Why a normalised value breaks the convention, or None."""
        if name not in self.applies_to or not value:
            return None
        if self.allowed_chars:
            bad = sorted(set(re.sub(f"[{self.allowed_chars}]", "", value)))
            if bad:
                shown = " ".join("space" if ch == " " else ch for ch in bad)
                return f"Not allowed by the naming convention: {shown}"
        if self.max_length and len(value) > self.max_length:
            return f"Longer than {self.max_length} characters ({len(value)})"
        allowed = self.allowed_values.get(name)
        if allowed and value not in allowed:
            return (
                f"'{value}' is not an allowed {PARAM_LABELS[name].lower()} ({', '.join(allowed)})"
            )
        return None


# -- building and parsing --------------------------------------------------------------


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


def _is_utm_item(item: str) -> bool:
    key = item.split("=", 1)[0]
    return unquote_plus(key).strip().lower() in _KEY_TO_NAME


def encode_value(value: str) -> str:
    """Percent-encode a UTM value once: unreserved characters stay, a space is `%20`."""
    return quote(value, safe="", encoding="utf-8", errors="strict")


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
    used = UtmParams(**values)

    url_error = validate_url(url)
    if url_error:
        errors["url"] = url_error
        return BuildResult("", used, errors, warnings, tuple(changes))

    parts = _split(url.strip())
    items = parts.query.split("&") if parts.query else []
    kept = [item for item in items if not _is_utm_item(item)]
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


def parse_url(url: str) -> tuple[str, UtmParams]:
    """Split a (possibly tagged) URL into the URL without UTM keys and its UTM values.

    The rest of the query and the fragment are kept exactly; when only UTM keys were in
    the query, the `?` goes too. For a key given twice the first value wins; values are
    decoded (`%20` and `+` as a space).
    """
    parts = _split(url.strip())
    if parts.query is None:
        return url.strip(), UtmParams()
    items = parts.query.split("&") if parts.query else []
    kept: list[str] = []
    values: dict[str, str] = {}
    for item in items:
        if not _is_utm_item(item):
            kept.append(item)
            continue
        key, _, value = item.partition("=")
        name = _KEY_TO_NAME[unquote_plus(key).strip().lower()]
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


# -- presets ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    """Values a channel's links share; empty fields are left as the user typed them."""

    name: str
    params: UtmParams
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "note": self.note, "params": self.params.to_dict()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Preset:
        return cls(
            str(data["name"]),
            UtmParams.from_dict(data.get("params", {})),
            str(data.get("note", "")),
        )

    def apply(self, params: UtmParams) -> UtmParams:
        """`params` with this preset's non-empty values written over them."""
        given = {k: v for k, v in self.params.to_dict().items() if v}
        return replace(params, **given)


PRESETS: tuple[Preset, ...] = (
    Preset(
        "Messenger",
        UtmParams(source="messenger", medium="chatbot", source_platform="meta"),
        "Links the Messenger bot sends",
    ),
    Preset(
        "Instagram",
        UtmParams(source="instagram", medium="chatbot", source_platform="meta"),
        "Links in Instagram DM conversations",
    ),
    Preset(
        "WhatsApp",
        UtmParams(source="whatsapp", medium="chatbot"),
        "Links the WhatsApp bot sends",
    ),
    Preset(
        "DV360 display",
        UtmParams(
            source="dv360", medium="display", source_platform="dv360", creative_format="display"
        ),
        "Display ads that open the bot or the site",
    ),
    Preset("Email", UtmParams(source="newsletter", medium="email"), "Newsletter links"),
    Preset(
        "QR / print",
        UtmParams(source="print", medium="qr", creative_format="qr_code"),
        "QR codes on posters, flyers, packaging",
    ),
)


def presets_to_json(presets: Sequence[Preset]) -> str:
    return json.dumps([p.to_dict() for p in presets], ensure_ascii=False)


def presets_from_json(text: str) -> list[Preset]:
    return [Preset.from_dict(item) for item in json.loads(text)]


# -- link history and the store protocol -----------------------------------------------


@dataclass(frozen=True)
class LinkRecord:
    """One link made with the builder, as kept in the workspace's history."""

    url: str
    base_url: str
    params: UtmParams
    label: str = ""
    created: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))

    @property
    def campaign(self) -> str:
        return self.params.campaign

    @property
    def campaign_key(self) -> str:
        return campaign_key(self.params.campaign)

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "base_url": self.base_url,
            "label": self.label,
            "created": self.created.isoformat(),
            **self.params.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LinkRecord:
        created = data.get("created")
        return cls(
            url=str(data["url"]),
            base_url=str(data.get("base_url", "")),
            params=UtmParams.from_dict(data),
            label=str(data.get("label", "") or ""),
            created=datetime.fromisoformat(str(created)) if created else datetime.now(),
        )

    @classmethod
    def from_result(cls, base_url: str, result: BuildResult, label: str = "") -> LinkRecord:
        return cls(url=result.url, base_url=base_url.strip(), params=result.params, label=label)


@runtime_checkable
class LinkStore(Protocol):
    """What the UTM builder needs from a workspace; `MemoryLinkStore` is the reference."""

    def add_link(self, record: LinkRecord) -> None: ...
    def links(self) -> list[LinkRecord]: ...
    def campaign_names(self) -> list[str]: ...
    def naming_convention(self) -> NamingConvention: ...
    def set_naming_convention(self, convention: NamingConvention) -> None: ...
    def presets(self) -> list[Preset]: ...
    def save_presets(self, presets: Sequence[Preset]) -> None: ...
    def add_alias(self, kind: str, from_value: str, to_value: str) -> None: ...
    def aliases(self) -> dict[str, dict[str, str]]: ...
    def facts(self) -> pd.DataFrame: ...


class MemoryLinkStore:
    """An in-memory `LinkStore`, for tests and as the builder's default."""

    def __init__(
        self,
        *,
        facts: pd.DataFrame | None = None,
        campaigns: Iterable[str] = (),
        links: Iterable[LinkRecord] = (),
        convention: NamingConvention | None = None,
        presets: Iterable[Preset] | None = None,
    ) -> None:
        self._facts = facts if facts is not None else pd.DataFrame()
        self._campaigns = list(campaigns)
        self._links = list(links)
        self._convention = convention if convention is not None else NamingConvention()
        self._presets = list(PRESETS if presets is None else presets)
        self._aliases: dict[str, dict[str, str]] = {}

    def add_link(self, record: LinkRecord) -> None:
        self._links.append(record)

    def links(self) -> list[LinkRecord]:
        return list(self._links)

    def campaign_names(self) -> list[str]:
        names = list(self._campaigns)
        if "campaign" in self._facts.columns:
            names += [str(n) for n in self._facts["campaign"].dropna().unique() if str(n)]
        return list(dict.fromkeys(names))

    def naming_convention(self) -> NamingConvention:
        return self._convention

    def set_naming_convention(self, convention: NamingConvention) -> None:
        self._convention = convention

    def presets(self) -> list[Preset]:
        return list(self._presets)

    def save_presets(self, presets: Sequence[Preset]) -> None:
        self._presets = list(presets)

    def add_alias(self, kind: str, from_value: str, to_value: str) -> None:
        self._aliases.setdefault(kind, {})[from_value] = to_value

    def aliases(self) -> dict[str, dict[str, str]]:
        return {k: dict(v) for k, v in self._aliases.items()}

    def facts(self) -> pd.DataFrame:
        return self._facts


def search_links(links: Sequence[LinkRecord], query: str) -> list[LinkRecord]:
    """Links whose label, URL or any UTM value contains every word of `query`."""
    words = query.lower().split()
    if not words:
        return list(links)
    out = []
    for link in links:
        hay = " ".join([link.label, link.url, *link.params.to_dict().values()]).lower()
        if all(w in hay for w in words):
            out.append(link)
    return out


def links_frame(links: Sequence[LinkRecord]) -> pd.DataFrame:
    """The history as a table for export: time, label, URL, base URL and the nine values."""
    columns = ["created", "label", "url", "base_url", *PARAM_NAMES]
    rows = [link.to_dict() for link in links]
    return pd.DataFrame(rows, columns=columns).astype(object)


# -- bulk mode -------------------------------------------------------------------------

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
            out[name] = ["" if v is None or _is_nan(v) else str(v).strip() for v in values]
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


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_unescape(value: str) -> str:
    if value.startswith("'") and value[1:2] and value[1] in _FORMULA_START:
        return value[1:]
    return value


def write_links_table(frame: pd.DataFrame, path: str | Path) -> None:
    """Write a bulk or history table to .csv (UTF-8 with BOM) or .xlsx, atomically.

    An `errors` column of dicts is written as text. CSV cells that a spreadsheet would
    run as a formula are escaped with a leading `'`; xlsx cells are always text.
    """
    target = Path(path)
    table = frame.copy()
    if ERRORS_COLUMN in table.columns:
        table[ERRORS_COLUMN] = [
            errors_text(e) if isinstance(e, Mapping) else str(e) for e in table[ERRORS_COLUMN]
        ]
    headers = [str(c) for c in table.columns]
    rows = [["" if v is None or _is_nan(v) else v for v in row] for row in table.itertuples(False)]
    tmp = target.with_name(f".{target.name}.tmp")
    suffix = target.suffix.lower()
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerows([[_csv_safe(v) for v in row] for row in rows])
        tmp.write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")
    elif suffix == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "Links"
        sheet.append(headers)
        for row in rows:
            sheet.append([str(v) for v in row])
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                cell.data_type = "s"  # a value starting with "=" stays text, never a formula
        book.save(tmp)
    else:
        raise ValueError(f"Links can be saved as .csv or .xlsx, not '{suffix or target.name}'")
    tmp.replace(target)


def read_links_table(path: str | Path) -> pd.DataFrame:
    """Read a table of links from .csv/.txt or .xlsx as text; formulas are never evaluated."""
    source = Path(path)
    suffix = source.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        raw = source.read_bytes()
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        try:
            dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
                text[:4096], delimiters=",;\t"
            )
        except csv.Error:
            dialect = csv.excel
        records = list(csv.reader(io.StringIO(text), dialect))
    elif suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        book = load_workbook(source, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            records = [
                ["" if v is None else str(v) for v in row]
                for row in sheet.iter_rows(values_only=True)
            ]
        finally:
            book.close()
    else:
        raise ValueError(f"Links can be read from .csv or .xlsx, not '{suffix or source.name}'")
    records = [r for r in records if any(str(v).strip() for v in r)]
    if not records:
        return bulk_frame(pd.DataFrame())
    header, *body = records
    width = len(header)
    body = [(r + [""] * width)[:width] for r in body]
    body = [
        [v[1:] if v.startswith("'") and v[1:2] in _FORMULA_START else v for v in r] for r in body
    ]
    frame = pd.DataFrame(body, columns=[str(h) for h in header], dtype=object)
    if not any(canonical_bulk_column(h) == "url" for h in header):
        raise ValueError("The table has no URL column (a header such as 'url' or 'landing page')")
    return bulk_frame(frame)


# -- QR codes --------------------------------------------------------------------------


def _qr(url: str) -> Any:
    import segno

    return segno.make(url, error="m", micro=False)


def qr_scale(url: str, size_px: int, border: int = 4) -> int:
    """The whole-pixel module size whose symbol is closest to `size_px` without exceeding it."""
    width, _ = _qr(url).symbol_size(scale=1, border=border)
    return max(1, size_px // width)


def qr_bytes(url: str, kind: str = "png", size_px: int = 512, border: int = 4) -> bytes:
    """The QR code of `url` as PNG or SVG bytes, drawn locally, about `size_px` wide."""
    if kind not in ("png", "svg"):
        raise ValueError(f"QR codes are saved as png or svg, not {kind}")
    out = io.BytesIO()
    _qr(url).save(out, kind=kind, scale=qr_scale(url, size_px, border), border=border)
    return out.getvalue()


# -- naming drift and links vs data ----------------------------------------------------

#: Known abbreviations and spellings -> the name they stand for (after key folding).
ABBREVIATIONS: dict[str, str] = {
    "fb": "facebook",
    "face_book": "facebook",
    "meta": "facebook",
    "ig": "instagram",
    "insta": "instagram",
    "fbm": "messenger",
    "fb_messenger": "messenger",
    "facebook_messenger": "messenger",
    "msgr": "messenger",
    "wa": "whatsapp",
    "whats_app": "whatsapp",
    "yt": "youtube",
    "tw": "twitter",
    "x": "twitter",
    "li": "linkedin",
    "linked_in": "linkedin",
    "tt": "tiktok",
    "tik_tok": "tiktok",
    "e_mail": "email",
    "mail": "email",
    "adwords": "google",
    "google_ads": "google",
    "dv_360": "dv360",
    "display_video_360": "dv360",
    "bot": "chatbot",
    "chat_bot": "chatbot",
    "ppc": "cpc",
}
_DOMAIN = re.compile(r"^(?:www|m|l|lm|web)\.|\.(?:com|net|org)$")


def drift_key(value: object) -> str:
    """What a source/medium/channel name means: folded, domains and abbreviations resolved."""
    text = str(value).strip().lower()
    while True:
        stripped = _DOMAIN.sub("", text)
        if stripped == text:
            break
        text = stripped
    key = campaign_key(text)
    return ABBREVIATIONS.get(key, key)


@dataclass(frozen=True)
class DriftGroup:
    """Several spellings of one name; `canonical` is the suggested right one."""

    kind: str
    key: str
    canonical: str
    variants: tuple[tuple[str, int], ...]  # (spelling, rows), most frequent first

    @property
    def others(self) -> tuple[str, ...]:
        return tuple(v for v, _ in self.variants if v != self.canonical)

    def describe(self) -> str:
        shown = ", ".join(f"{v} ({n})" for v, n in self.variants)
        return f"{self.kind} '{self.canonical}' is written {len(self.variants)} ways: {shown}"


def find_naming_drift(
    values: Iterable[object], kind: str = "source", aliases: Mapping[str, str] | None = None
) -> list[DriftGroup]:
    """Groups of values that name the same thing in different ways.

    `Facebook`, `facebook`, ` facebook ` and `fb` fall into one group: case, spaces,
    separators, `www.`/`.com` and known abbreviations (`ABBREVIATIONS`) are ignored.
    Values in `aliases` are first mapped to their target. The canonical spelling is the
    one equal to the group's meaning (`facebook`) if present, else the most frequent.
    """
    alias = dict(aliases or {})
    counts: Counter[str] = Counter()
    for value in values:
        if value is None or _is_nan(value):
            continue
        text = str(value)
        if not text.strip():
            continue
        counts[alias.get(text, text)] += 1
    groups: dict[str, list[tuple[str, int]]] = {}
    for text, n in counts.items():
        groups.setdefault(drift_key(text), []).append((text, n))
    out = []
    for key, variants in groups.items():
        if len(variants) < 2:
            continue
        variants.sort(key=lambda vn: (-vn[1], vn[0]))
        exact = [v for v, _ in variants if v == key]
        canonical = exact[0] if exact else variants[0][0]
        out.append(DriftGroup(kind, key, canonical, tuple(variants)))
    out.sort(key=lambda g: (g.kind, g.key))
    return out


def _split_source_medium(values: pd.Series) -> tuple[list[str], list[str]]:
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

    sources, mediums = _split_source_medium(column("source_medium"))
    sources += [link.params.source for link in links]
    mediums += [link.params.medium for link in links]
    drift = [
        *find_naming_drift(sources, "source", alias.get("source")),
        *find_naming_drift(mediums, "medium", alias.get("medium")),
        *find_naming_drift(column("channel").tolist(), "channel", alias.get("channel")),
    ]

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
    gaps = []
    if n:
        by_key = pd.DataFrame({"key": keys, "name": names, "spend": spend})
        by_key = by_key[by_key["key"] != ""]
        sums = by_key.groupby("key", sort=True).agg(
            name=("name", "first"), spend=("spend", lambda s: s.sum(min_count=1))
        )
        for key, row in sums.iterrows():
            if key not in linked and pd.notna(row["spend"]) and row["spend"] > 0:
                gaps.append(CampaignGap(str(row["name"]), str(key), float(row["spend"])))

    visitors = pd.to_numeric(column("visitors"), errors="coerce")
    traffic_known = bool(visitors.notna().any())
    no_traffic: list[LinkRecord] = []
    if traffic_known:
        with_traffic = set(keys[visitors.fillna(0) > 0])
        no_traffic = [link for link in links if key_of(link.campaign) not in with_traffic]
    return LinksDataReport(tuple(drift), tuple(gaps), tuple(no_traffic), traffic_known)
