"""UTM links: building, parsing, validation, naming convention, presets, drift (DESIGN 6).

Qt-free. The builder respects an existing URL byte for byte: the query keeps its order,
valueless flags and odd keys; only the nine known `utm_*` keys are replaced (appended at
the end of the query in canonical order); a `#fragment`, including a single-page-app
route such as `#/route?tab=1`, stays last and unchanged. Each value is percent-encoded
once, a space as `%20`.

Modules: `params` (the nine parameters), `url` (validation), `convention` (naming
rules), `build` (tagging and parsing), `presets`, `history` (link records and the
`LinkStore` protocol), `bulk` and `table_io` (tables of links), `qr`, `drift` and
`links_data` (links against the imported data), `files` (atomic file replacement).
"""

from kpi_desktop.core.utm.build import BuildResult, Change, build_url, looks_tagged, parse_url
from kpi_desktop.core.utm.bulk import (
    BULK_COLUMNS,
    BULK_HEADERS,
    ERRORS_COLUMN,
    TAGGED_COLUMN,
    bulk_build,
    bulk_frame,
    canonical_bulk_column,
    errors_text,
)
from kpi_desktop.core.utm.convention import SPACE_CHOICES, NamingConvention
from kpi_desktop.core.utm.drift import ABBREVIATIONS, DriftGroup, drift_key, find_naming_drift
from kpi_desktop.core.utm.history import (
    LinkRecord,
    LinkStore,
    MemoryLinkStore,
    links_frame,
    search_links,
)
from kpi_desktop.core.utm.links_data import CampaignGap, LinksDataReport, links_vs_data
from kpi_desktop.core.utm.params import (
    CLI_OPTIONS,
    PARAM_HELP,
    PARAM_LABELS,
    PARAM_NAMES,
    REQUIRED,
    UTM_KEYS,
    UtmParams,
)
from kpi_desktop.core.utm.presets import PRESETS, Preset, presets_from_json, presets_to_json
from kpi_desktop.core.utm.qr import qr_bytes, qr_scale
from kpi_desktop.core.utm.table_io import read_links_table, write_links_table
from kpi_desktop.core.utm.url import encode_value, validate_url

__all__ = [
    "ABBREVIATIONS",
    "BULK_COLUMNS",
    "BULK_HEADERS",
    "CLI_OPTIONS",
    "ERRORS_COLUMN",
    "PARAM_HELP",
    "PARAM_LABELS",
    "PARAM_NAMES",
    "PRESETS",
    "REQUIRED",
    "SPACE_CHOICES",
    "TAGGED_COLUMN",
    "UTM_KEYS",
    "BuildResult",
    "CampaignGap",
    "Change",
    "DriftGroup",
    "LinkRecord",
    "LinkStore",
    "LinksDataReport",
    "MemoryLinkStore",
    "NamingConvention",
    "Preset",
    "UtmParams",
    "build_url",
    "bulk_build",
    "bulk_frame",
    "canonical_bulk_column",
    "drift_key",
    "encode_value",
    "errors_text",
    "find_naming_drift",
    "links_frame",
    "links_vs_data",
    "looks_tagged",
    "parse_url",
    "presets_from_json",
    "presets_to_json",
    "qr_bytes",
    "qr_scale",
    "read_links_table",
    "search_links",
    "validate_url",
    "write_links_table",
]
