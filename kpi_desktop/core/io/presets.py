"""Platform presets: how each export's headers map to canonical fields, and what it supplies.

Ownership (DESIGN section 4): ad platforms supply spend and keep their own clicks,
impressions, conversions and value as `ad_clicks`, `impressions`, `ad_conversions` and
`ad_conversion_value`; Meta's `Results` are not conversions. GA4 supplies visitors
(sessions), conversions (key events) and conversion value (revenue), keeping its
source / medium. The bot platform supplies the bot fields.

Headers are compared after `normalize_header`: lower case, single spaces, and a currency
in brackets removed (and remembered), so `Amount spent (USD)` is `amount spent`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from kpi_desktop.core.io.preset_types import Kind as Kind
from kpi_desktop.core.io.preset_types import Preset as Preset
from kpi_desktop.core.io.preset_types import Role as Role
from kpi_desktop.core.io.preset_types import cols as _cols
from kpi_desktop.core.io.presets_ads import AD_PLATFORM_PRESETS
from kpi_desktop.core.io.synonyms import UNMATCHED_HEADERS, header_map
from kpi_desktop.core.schema import FIELD_NAMES, FIELDS, NUMERIC_FIELDS

# Targets that are not canonical fields but steer the import.
DATE_START = "@date_start"  # Meta's "Reporting starts"
DATE_END = "@date_end"
CAMPAIGN_ID = "@campaign_id"  # kept as text for summary-row detection, not imported
CURRENCY = "@currency"  # a per-row currency code column
TIME = "@time"  # event logs
USER = "@user"
EVENT = "@event"
MATCHED = "@matched"
#: Bot messages not understood (fallback / default reply): matched = received − these.
UNMATCHED = "@unmatched"
ROLES = (DATE_START, DATE_END, CAMPAIGN_ID, CURRENCY, TIME, USER, EVENT, MATCHED, UNMATCHED)

BOT_FIELDS = frozenset(
    {
        "users",
        "interactions",
        "declared_data_points",
        "clicks",
        "matched_responses",
        "total_messages",
    }
)
#: GA4's placeholders in campaign columns: traffic without a campaign.
PSEUDO_CAMPAIGNS = frozenset(
    {
        "(direct)",
        "(organic)",
        "(referral)",
        "(not set)",
        "(none)",
        "(not provided)",
        "(cross-network)",
        "(data not available)",
        "(other)",
    }
)

_CURRENCY_IN_HEADER = re.compile(
    r"\s*[\(\[]\s*(?P<code>[A-Z]{3}|[$€£¥₹])\s*[\)\]]\s*|\s+in\s+(?P<code2>[A-Z]{3})\s*$"
)
_SYMBOL_CODES = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}


def normalize_header(cell: object) -> tuple[str, str]:
    """(normalised header, currency named in it): `Amount spent (USD)` -> (`amount spent`, USD)."""
    if cell is None:
        return "", ""
    text = unicodedata.normalize("NFC", str(cell)).replace("\u00a0", " ").replace("\ufeff", "")
    text = text.strip()
    currency = ""
    found = _CURRENCY_IN_HEADER.search(text)
    if found:
        code = found.group("code") or found.group("code2") or ""
        currency = _SYMBOL_CODES.get(code, code)
        text = (text[: found.start()] + " " + text[found.end() :]).strip()
    return re.sub(r"\s+", " ", text).lower(), currency


def _named(columns: dict[str, str | None]) -> dict[str, str]:
    """The entries of a header map that name a target (ignored headers left out)."""
    return {h: t for h, t in columns.items() if t}


_AD_REFERENCE = frozenset(
    {"spend", "impressions", "ad_clicks", "ad_conversions", "ad_conversion_value"}
)

META = Preset(
    id="meta_ads",
    label="Meta Ads",
    role="ad",
    columns=_cols(
        # German interface (Werbeanzeigenmanager) beside the English one.
        at_date_start=["reporting starts", "berichtsbeginn"],
        at_date_end=["reporting ends", "berichtsende"],
        campaign=["campaign name", "name der kampagne", "kampagnenname"],
        at_campaign_id=["campaign id", "kampagnen-id"],
        date=["day", "tag"],
        spend=["amount spent", "ausgegebener betrag"],
        impressions=["impressions", "impressionen"],
        ad_clicks=["link clicks", "link-klicks"],
        ad_conversions=["purchases", "käufe"],
        ad_conversion_value=["purchases conversion value", "conversion-wert für käufe"],
        channel=["platform", "plattform"],
        variant=["ad name", "name der werbeanzeige"],
        ignore=[
            "auslieferung der kampagne",
            "ergebnisse",
            "ergebnisindikator",
            "kosten pro ergebnis",
            "reichweite",
            "frequenz",
            "cpc (kosten pro link-klick)",
            "ctr (link-klickrate)",
            "cpm (kosten pro 1.000 impressionen)",
            "begonnene messaging-unterhaltungen",
            "name der anzeigengruppe",
            "campaign delivery",
            "results",
            "result indicator",
            "cost per results",
            "cost per result",
            "reach",
            "frequency",
            "cpc (cost per link click)",
            "ctr (link click-through rate)",
            "messaging conversations started",
            "cost per messaging conversation started",
            "cpm (cost per 1,000 impressions)",
            "ad set name",
            "ends",
            "attribution setting",
            "budget",
            "budget type",
        ],
    ),
    signature=(
        frozenset(
            {"campaign name", "ad set name", "ad name", "name der kampagne", "kampagnenname"}
        ),
        frozenset({"amount spent", "ausgegebener betrag"}),
        frozenset(
            {
                "reporting starts",
                "results",
                "link clicks",
                "impressions",
                "reach",
                "berichtsbeginn",
                "ergebnisse",
                "reichweite",
            }
        ),
    ),
    blank_is_zero=frozenset({"ad_conversions", "ad_conversion_value", "ad_clicks"}),
)

GOOGLE_ADS = Preset(
    id="google_ads",
    label="Google Ads",
    role="ad",
    columns=_cols(
        campaign=["campaign"],
        at_campaign_id=["campaign id"],
        date=["day", "date"],
        at_currency=["currency code", "currency"],
        impressions=["impr.", "impressions"],
        ad_clicks=["clicks"],
        spend=["cost"],
        ad_conversions=["conversions"],
        ad_conversion_value=["conv. value", "conversion value", "total conv. value"],
        ignore=[
            "campaign state",
            "campaign status",
            "campaign type",
            "ctr",
            "avg. cpc",
            "cost / conv.",
            "conv. rate",
            "conv. value / cost",
            "interactions",
            "interaction rate",
            "avg. cost",
            "budget",
            "status",
            "network",
            "search impr. share",
            "optimization score",
            "bid strategy type",
            # "All conv." counts every action (store visits, calls, cross-device…): a
            # decoy beside "Conversions"; ratios are derived by the app, never imported.
            "all conv.",
            "all conv. value",
            "all conv. rate",
            "cost / all conv.",
            "all conv. value / cost",
            "value / conv.",
            "value / all conv.",
            "conv. value / click",
            "view-through conv.",
            "cross-device conv.",
            "conversions (by conv. time)",
            "conv. value (by conv. time)",
        ],
    ),
    signature=(
        frozenset({"campaign"}),
        frozenset({"cost"}),
        frozenset(
            {"impr.", "avg. cpc", "campaign state", "currency code", "conv. value", "cost / conv."}
        ),
    ),
)

GOOGLE_ADS_DE = Preset(
    id="google_ads",
    label="Google Ads",
    role="ad",
    columns=_cols(
        campaign=["kampagne"],
        at_campaign_id=["kampagnen-id", "kampagnen id"],
        date=["tag", "datum"],
        at_currency=["währungscode", "währung"],
        impressions=["impr.", "impressionen"],
        ad_clicks=["klicks"],
        spend=["kosten"],
        ad_conversions=["conversions", "conv."],
        ad_conversion_value=["conv.-wert", "conversion-wert", "konv.-wert"],
        ignore=[
            "kampagnenstatus",
            "status der kampagne",
            "kampagnentyp",
            "ctr",
            "durchschn. cpc",
            "kosten/conv.",
            "kosten / conv.",
            "conv.-rate",
            "konv.-rate",
            "conv.-wert/kosten",
            "conv.-wert / kosten",
            "interaktionen",
            "budget",
        ],
    ),
    signature=(frozenset({"kampagne"}), frozenset({"kosten"})),
    decimal="eu",
)

GA4 = Preset(
    id="ga4",
    label="GA4",
    role="web",
    columns=_cols(
        campaign=[
            "session campaign",
            "session manual campaign name",
            "campaign",
            "session campaign name",
            "sitzungskampagne",
        ],
        source_medium=[
            "session source / medium",
            "source / medium",
            "session source/medium",
            "sitzungsquelle/-medium",
            "sitzung – quelle/medium",
        ],
        date=["date", "datum"],
        visitors=["sessions", "sitzungen"],
        # "Key events" is the 2024 name of "Conversions" (both kept).
        conversions=["key events", "conversions", "schlüsselereignisse"],
        conversion_value=["total revenue", "purchase revenue", "revenue", "gesamtumsatz"],
        ignore=[
            # Rates and per-session figures the app derives itself: never imported as counts.
            "user key event rate",
            "key event rate",
            "rate der schlüsselereignisse der sitzung",
            "sitzungen mit interaktionen",
            "interaktionsrate",
            "ereignisanzahl",
            "ereignisse pro sitzung",
            "durchschnittliche interaktionszeit pro sitzung",
            "standard-channelgruppe der sitzung",
            "nutzer",
            "aktive nutzer",
            "neue nutzer",
            "nutzer insgesamt",
            "session default channel group",
            "session primary channel group",
            "engaged sessions",
            "engagement rate",
            "average engagement time per session",
            "events per session",
            "event count",
            "session key event rate",
            "session conversion rate",
            "users",
            "total users",
            "active users",
            "new users",
            "bounce rate",
            "views",
            "session source",
            "session medium",
        ],
    ),
    signature=(
        frozenset(
            {
                "session campaign",
                "session manual campaign name",
                "session source / medium",
                "session default channel group",
                "session campaign name",
                "sitzungskampagne",
                "sitzungsquelle/-medium",
            }
        ),
        frozenset({"sessions", "key events", "engaged sessions", "sitzungen"}),
    ),
    pseudo_campaigns=PSEUDO_CAMPAIGNS,
)

DV360 = Preset(
    id="dv360",
    label="DV360",
    role="ad",
    columns=_cols(
        date=["date"],
        at_currency=["advertiser currency"],
        campaign=["insertion order"],
        at_campaign_id=["insertion order id"],
        variant=["creative"],
        impressions=["impressions"],
        ad_clicks=["clicks"],
        ad_conversions=["total conversions"],
        spend=["revenue (adv currency)", "revenue"],
        ignore=[
            "advertiser",
            "advertiser id",
            "line item",
            "line item id",
            "click rate (ctr)",
            "post-click conversions",
            "post-view conversions",
            "trueview views",
            "creative id",
            "campaign",
            "campaign id",
        ],
    ),
    signature=(
        frozenset({"insertion order"}),
        frozenset({"advertiser currency", "revenue (adv currency)"}),
    ),
    channel="DV360",
    required=CURRENCY,
)

_BOT_DIMENSIONS = _cols(
    date=["date", "day", "datum"],
    campaign=["campaign", "campaign name", "flow", "utm_campaign"],
    channel=["channel", "platform"],
    variant=["variant", "flow variant", "a/b variant", "ab variant", "version"],
)

BOT_STATS = Preset(
    id="bot_stats",
    label="Bot platform",
    role="bot",
    columns={
        **_BOT_DIMENSIONS,
        **_cols(
            users=["users", "unique users", "engaged users", "active users", "people"],
            interactions=[
                "interactions",
                "brand interactions",
                "engagements",
                "total interactions",
            ],
            declared_data_points=[
                "declared data points",
                "attributes collected",
                "declared attributes",
                "zero-party data points",
                "data points",
                "insights collected",
            ],
            clicks=["clicks to website", "website clicks", "link clicks", "url clicks", "clicks"],
            matched_responses=[
                "matched responses",
                "matched intents",
                "successful responses",
                "matched messages",
            ],
            total_messages=[
                "total messages",
                "messages",
                "free-text messages",
                "questions asked",
                "messages received",
                "received messages",
                "incoming messages",
                "inbound messages",
                "user messages",
            ],
            at_unmatched=UNMATCHED_HEADERS,
            ignore=[
                "matched response rate",
                "fallback rate",
                "unmatched rate",
                "new users",
                "returning users",
                "ctr",
                "bot",
                "bot name",
            ],
        ),
    },
    signature=(
        frozenset({"users", "unique users", "engaged users", "active users"}),
        frozenset(
            {
                "interactions",
                "brand interactions",
                "matched responses",
                "matched intents",
                "declared data points",
                "clicks to website",
                "total messages",
                "unmatched phrases",
                "attributes collected",
                "messages received",
                "fallback messages",
                "default replies",
            }
        ),
    ),
)

BOT_EVENTS = Preset(
    id="bot_events",
    label="Bot platform (events)",
    role="bot",
    kind="events",
    columns={
        **_BOT_DIMENSIONS,
        **_cols(
            at_time=[
                "timestamp",
                "time",
                "event time",
                "datetime",
                "date time",
                "created at",
                "timestamp (utc)",
            ],
            at_user=[
                "user id",
                "user",
                "psid",
                "contact id",
                "subscriber id",
                "user_id",
                "sender id",
            ],
            at_event=["event type", "event", "type", "event_type", "action"],
            at_matched=["matched", "nlp matched", "is matched", "intent matched", "matched intent"],
            ignore=[
                "session id",
                "intent",
                "attribute",
                "value",
                "button",
                "bot",
                "message",
                "text",
                "url",
                "bot name",
            ],
        ),
    },
    signature=(
        frozenset(
            {"user id", "user", "psid", "contact id", "subscriber id", "user_id", "sender id"}
        ),
        frozenset({"event type", "event", "type", "event_type", "action"}),
        frozenset(
            {
                "timestamp",
                "time",
                "event time",
                "datetime",
                "date time",
                "created at",
                "timestamp (utc)",
                "date",
            }
        ),
    ),
)

PRESETS: tuple[Preset, ...] = (
    META,
    GOOGLE_ADS,
    GOOGLE_ADS_DE,
    GA4,
    DV360,
    *AD_PLATFORM_PRESETS,
    BOT_EVENTS,
    BOT_STATS,
)
PRESET_IDS = (
    "meta_ads",
    "google_ads",
    "ga4",
    "dv360",
    *(p.id for p in AD_PLATFORM_PRESETS),
    "bot_stats",
    "bot_events",
    "canonical",
    "generic",
)
PRESET_LABELS = {p.id: p.label for p in PRESETS} | {
    "canonical": "Canonical table",
    "generic": "Other source",
}
PRESET_ROLES: dict[str, Role] = {p.id: p.role for p in PRESETS} | {
    "canonical": "other",
    "generic": "other",
}

#: Header words of unknown layouts, for a best guess (the user corrects it in the preview).
SYNONYMS: dict[str, str] = {
    **{h: t for h, t in BOT_STATS.columns.items() if t},
    **header_map(),
}

_LABELS = {FIELDS[name].label.lower(): name for name in FIELD_NAMES}


def canonical_target(header: str) -> str | None:
    """The canonical field a header names exactly: the field name or its label."""
    if header in FIELDS:
        return header
    spaced = header.replace(" ", "_")
    if spaced in FIELDS:
        return spaced
    return _LABELS.get(header)


def is_canonical_layout(headers: Sequence[str]) -> bool:
    """A table whose headers are the canonical field names themselves (our own export)."""
    named = [h for h in headers if h]
    exact = [h for h in named if h in FIELDS]
    numeric = [h for h in exact if h in NUMERIC_FIELDS]
    # Our own export names every column canonically; a table that mixes in other words
    # is a guess (which still maps the canonical names exactly).
    return len(exact) >= 2 and bool(numeric) and len(exact) == len(named)


def recognise(headers: Sequence[str]) -> Preset | None:
    """The preset whose signature fits the headers best, if any."""
    best: Preset | None = None
    best_score = 0
    for preset in PRESETS:
        score = preset.matches(headers)
        if score > best_score:
            best, best_score = preset, score
    return best


@dataclass(frozen=True)
class Layout:
    """A resolved column mapping for one header row."""

    preset_id: str
    preset: Preset | None
    mapping: dict[str, str | None]  # original header text -> target or None
    targets: dict[int, str]  # absolute column index -> target (only mapped columns)
    header_currency: dict[int, str] = field(default_factory=dict)  # column -> currency


def guess_target(header: str) -> str | None:
    """Best guess for an unknown header: exact canonical name, label, or a synonym."""
    return canonical_target(header) or SYNONYMS.get(header)


def resolve(
    headers: Mapping[int, str],
    preset_id: str | None = None,
    user_mapping: Mapping[str, str | None] | None = None,
    groups: Mapping[int, str] | None = None,
) -> Layout:
    """Map header cells (column index -> original text) to targets.

    The preset is recognised from the headers unless `preset_id` names one; a user mapping
    (header text -> target) overrides per header. A target is used once: a second column
    for the same field is left unmapped (the first one wins, a preset's weak header last).
    `groups` holds the merged group label put before a header (`Cost` in `Cost Spend`).
    """
    normal: dict[int, str] = {}
    currencies: dict[int, str] = {}
    for index, text in headers.items():
        norm, currency = _header_name(str(text), (groups or {}).get(index, ""))
        normal[index] = norm
        if currency:
            currencies[index] = currency
    names = list(normal.values())
    preset: Preset | None = None
    chosen = preset_id
    if chosen is None:
        if is_canonical_layout(names):
            chosen = "canonical"
        else:
            preset = recognise(names)
            if preset is not None and _mixes_roles(preset, names):
                preset = None  # a hand-made tracker: every known column, by name
            chosen = preset.id if preset else "generic"
    elif chosen not in ("canonical", "generic"):
        candidates = [p for p in PRESETS if p.id == chosen]
        preset = max(candidates, key=lambda p: sum(h in p.columns for h in names), default=None)
    mapping: dict[str, str | None] = {}
    targets: dict[int, str] = {}
    used: set[str] = set()
    weak = preset.weak if preset is not None else frozenset()
    for index in sorted(headers, key=lambda i: (normal[i] in weak, i)):
        original = str(headers[index])
        norm = normal[index]
        if not norm:
            continue
        if user_mapping is not None and original in user_mapping:
            target = user_mapping[original]
        elif chosen == "canonical":
            target = norm if norm in FIELDS else None
        elif preset is not None:
            target = preset.columns[norm] if norm in preset.columns else _fallback(preset, norm)
        else:
            target = guess_target(norm)
        if target in ("campaign_key", "source_id"):
            target = None  # derived by the import itself
        if target is not None and target in used:
            target = None
        if target is not None:
            used.add(target)
            targets[index] = target
        mapping[original] = target
    if weak:
        mapping = {
            h: mapping[h] for h in (str(headers[i]) for i in sorted(headers)) if h in mapping
        }
    return Layout(chosen, preset, mapping, targets, currencies)


def _header_name(text: str, group: str) -> tuple[str, str]:
    """A header's normalised name and currency. Under a merged group label (`Cost Spend`)
    it is read without the group, unless the joined words are themselves a known header."""
    norm, currency = normalize_header(text)
    if group and text.startswith(group):
        under, under_currency = normalize_header(text[len(group) :])
        known = guess_target(norm) is not None or any(norm in p.columns for p in PRESETS)
        if under and not known:
            return under, currency or under_currency
    return norm, currency


_DIMENSIONS = frozenset({"date", "campaign", "channel", "variant", "currency", CURRENCY})
#: What a header a preset does not know may be, by the preset's role (DESIGN section 4).
_ROLE_FIELDS: dict[str, frozenset[str]] = {
    "ad": _DIMENSIONS | {"spend", "other_cost"} | _AD_REFERENCE,
    "web": _DIMENSIONS | {"visitors", "conversions", "conversion_value", "source_medium"},
    "bot": _DIMENSIONS | BOT_FIELDS | {UNMATCHED},
}
#: An ad platform's own conversions, value and clicks are reference fields, never outcomes.
_AD_MEANING = {
    "conversions": "ad_conversions",
    "conversion_value": "ad_conversion_value",
    "clicks": "ad_clicks",
}


def _fallback(preset: Preset, header: str) -> str | None:
    """A header the preset does not list, guessed by name within what its role supplies."""
    if preset.kind != "facts":
        return None
    guess = guess_target(header)
    if guess is not None and preset.role == "ad":
        guess = _AD_MEANING.get(guess, guess)
    return guess if guess in _ROLE_FIELDS.get(preset.role, frozenset()) else None


def _mixes_roles(preset: Preset, headers: Sequence[str]) -> bool:
    """A sheet that resembles one preset but holds figures its role never supplies (a bot
    or ad layout with spend, visitors and revenue beside it): a hand-made tracker."""
    if preset.kind != "facts":
        return False
    allowed = _ROLE_FIELDS.get(preset.role, frozenset())
    for header in headers:
        guess = None if header in preset.columns else guess_target(header)
        if guess is not None and preset.role == "ad":
            guess = _AD_MEANING.get(guess, guess)
        if guess in NUMERIC_FIELDS and guess not in allowed:
            return True
    return False


def supplies_of(targets: Mapping[int, str] | Sequence[str], kind: Kind = "facts") -> frozenset[str]:
    """Canonical numeric fields a source supplies, from its mapped targets."""
    values = set(targets.values()) if isinstance(targets, Mapping) else set(targets)
    if kind == "events":
        fields = set(BOT_FIELDS)
        if MATCHED not in values:
            fields.discard("matched_responses")
        return frozenset(fields)
    fields = {v for v in values if v in NUMERIC_FIELDS}
    if UNMATCHED in values and "total_messages" in values:
        fields.add("matched_responses")  # derived: received − unmatched
    return frozenset(fields)


def valid_targets() -> tuple[str, ...]:
    """Every target a user may pick in the mapping dialog."""
    derived = {"campaign_key", "source_id", "first_day", "last_day"}  # coverage: from dates
    return tuple(f for f in FIELD_NAMES if f not in derived) + ROLES


AD_REFERENCE_FIELDS = _AD_REFERENCE
