"""Naming drift: one source, medium or channel written several ways."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kpi_desktop.core.format import is_missing
from kpi_desktop.core.schema import campaign_key

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
        if is_missing(value):
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
