"""The nine UTM parameters: query keys, labels, help texts and the `UtmParams` value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from kpi_desktop.core.format import is_missing

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
KEY_TO_NAME: dict[str, str] = {key: name for name, key in UTM_KEYS.items()}


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
            name = KEY_TO_NAME.get(str(key), str(key))
            if name in UTM_KEYS and not is_missing(value):
                values[name] = str(value)
        return cls(**values)

    def get(self, name: str) -> str:
        return str(getattr(self, name))

    def stripped(self) -> UtmParams:
        return UtmParams(**{name: self.get(name).strip() for name in PARAM_NAMES})

    def is_empty(self) -> bool:
        return not any(self.get(name) for name in PARAM_NAMES)
