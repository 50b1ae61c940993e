"""Presets: the UTM values a channel's links share, and the built-in ones."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from kpi_desktop.core.utm.params import UtmParams


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
