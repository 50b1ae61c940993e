"""Deterministic sample data: six chatbot campaigns over 90 days, as a small business has them.

`build_sample` makes the sample workspace (`scripts/make_sample.py` saves it as the bundled
asset); benchmarks use `large_facts` for canonical data of any size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi_desktop.core.schema import NUMERIC_FIELDS, campaign_key, normalize_facts
from kpi_desktop.core.workspace import StoredSource, Workspace
from kpi_desktop.core.workspace.overrides import now

SAMPLE_START = pd.Timestamp("2026-08-29")
SAMPLE_DAYS = 90
SAMPLE_CURRENCY = "USD"


@dataclass(frozen=True)
class SampleCampaign:
    name: str
    channels: tuple[str, ...]
    variants: tuple[str, ...]
    users_per_day: float
    ctr: float  # clicks / users
    conversion_rate: float  # conversions / visitors
    order_value: float
    spend_per_day: float
    peak_day: int  # day index of the campaign's seasonal peak
    note: str
    launch_day: int = 0


CAMPAIGNS: tuple[SampleCampaign, ...] = (
    SampleCampaign(
        "Autumn Sale 2026",
        ("Messenger",),
        ("Quiz opener", "Discount opener"),
        420,
        0.13,
        0.055,
        78.0,
        105,
        40,
        "Main sales push; quiz opener vs discount opener test.",
    ),
    SampleCampaign(
        "Style Finder",
        ("Instagram",),
        ("",),
        260,
        0.17,
        0.041,
        96.0,
        70,
        70,
        "Instagram DM bot recommending outfits.",
    ),
    SampleCampaign(
        "Back to School",
        ("Messenger", "Instagram"),
        ("",),
        300,
        0.09,
        0.065,
        54.0,
        95,
        8,
        "Ran hot in early September, then tapered.",
    ),
    SampleCampaign(
        "Holiday Gift Guide",
        ("Messenger",),
        ("Carousel", "Quick replies"),
        150,
        0.15,
        0.062,
        118.0,
        80,
        88,
        "Gift-finder bot; brand-lift study with Meta.",
        launch_day=45,
    ),
    SampleCampaign(
        "Display Retargeting",
        ("DV360",),
        ("",),
        190,
        0.07,
        0.05,
        89.0,
        110,
        60,
        "Display-ad bot for cart abandoners; brand-lift study.",
    ),
    SampleCampaign(
        "Loyalty Club",
        ("Messenger", "Instagram"),
        ("",),
        110,
        0.21,
        0.083,
        64.0,
        22,
        50,
        "Low-cost retention bot for existing customers.",
    ),
)

#: Brand-lift studies (one row each over the campaign's flight): exposed vs control rates.
BRAND_LIFT: dict[str, dict[str, float]] = {
    "Holiday Gift Guide": {
        "ad_recall_exposed": 0.186,
        "ad_recall_control": 0.062,
        "intent_exposed": 0.124,
        "intent_control": 0.09,
    },
    "Display Retargeting": {
        "ad_recall_exposed": 0.141,
        "ad_recall_control": 0.097,
        "intent_exposed": 0.071,
        "intent_control": 0.066,
    },
}

#: Workspace-wide KPI targets for the sample (kpi id -> target in internal units).
SAMPLE_TARGETS: dict[str, float] = {
    "interactions_per_user": 2.5,
    "insights_per_user": 0.2,
    "ctr": 0.12,
    "matched_response_rate": 0.7,
    "cost_per_conversion": 40.0,
    "conversion_rate": 0.05,
    "roas": 3.0,
}


def generate_sample(seed: int = 7) -> pd.DataFrame:
    """The sample facts: one row per day x campaign x channel x variant, plus brand lift."""
    rng = np.random.default_rng(seed)
    days = pd.date_range(SAMPLE_START, periods=SAMPLE_DAYS, freq="D")
    day_index = np.arange(SAMPLE_DAYS)
    # Weekends are busier for a consumer chatbot; Monday is the quietest day.
    weekday_factor = np.array([0.85, 0.95, 1.0, 1.0, 1.05, 1.2, 1.15])[days.day_of_week]
    frames = []
    for campaign in CAMPAIGNS:
        season = 0.55 + 0.9 * np.exp(-(((day_index - campaign.peak_day) / 28.0) ** 2))
        live = day_index >= campaign.launch_day
        share = 1.0 / (len(campaign.channels) * len(campaign.variants))
        for c_i, channel in enumerate(campaign.channels):
            for v_i, variant in enumerate(campaign.variants):
                tilt = 1.0 + 0.12 * v_i - 0.08 * c_i  # the second variant converts a bit better
                base = campaign.users_per_day * share * season * weekday_factor
                users = rng.poisson(np.maximum(base, 1.0)) * live
                interactions = rng.binomial(users * 4, 0.62 + 0.02 * v_i)
                declared = rng.binomial(users, 0.18 + 0.05 * c_i)
                clicks = rng.binomial(users, min(campaign.ctr * tilt, 0.9))
                messages = rng.binomial(users * 2, 0.35)
                matched = rng.binomial(messages, 0.74 - 0.06 * c_i)
                visitors = rng.binomial(clicks, 0.86)
                conversions = rng.binomial(visitors, min(campaign.conversion_rate * tilt, 0.9))
                value = np.round(
                    conversions * campaign.order_value * rng.normal(1.0, 0.12, SAMPLE_DAYS), 2
                ).clip(0)
                spend = (
                    np.round(
                        campaign.spend_per_day
                        * share
                        * (0.8 + 0.4 * season / season.max())
                        * rng.normal(1.0, 0.07, SAMPLE_DAYS),
                        2,
                    ).clip(0)
                    * live
                )
                impressions = np.round(spend / rng.uniform(0.006, 0.011, SAMPLE_DAYS))
                ad_clicks = rng.binomial(impressions.astype(np.int64), 0.012)
                other = np.where(days.day == 1, round(90.0 * share, 2), np.nan)
                frames.append(
                    pd.DataFrame(
                        {
                            "date": days,
                            "campaign": campaign.name,
                            "channel": channel,
                            "variant": variant,
                            "users": users,
                            "interactions": interactions,
                            "declared_data_points": declared,
                            "clicks": clicks,
                            "matched_responses": matched,
                            "total_messages": messages,
                            "visitors": visitors,
                            "conversions": conversions,
                            "conversion_value": value,
                            "spend": spend,
                            "other_cost": other,
                            "impressions": impressions,
                            "ad_clicks": ad_clicks,
                            "source_medium": f"{channel.lower()} / chatbot",
                            "currency": SAMPLE_CURRENCY,
                            "source_id": "sample",
                        }
                    )[live]
                )
    daily = pd.concat(frames, ignore_index=True)
    lift_rows = [
        {"campaign": name, "channel": _campaign(name).channels[0], **rates}
        | {"currency": SAMPLE_CURRENCY, "source_id": "sample"}
        | _study_range(daily, name)
        for name, rates in BRAND_LIFT.items()
    ]
    frames.append(pd.DataFrame(lift_rows))
    return normalize_facts(pd.concat(frames, ignore_index=True))


def _study_range(daily: pd.DataFrame, name: str) -> dict[str, object]:
    """A brand-lift study covers its campaign's flight: the first to the last day it ran."""
    days = pd.to_datetime(daily.loc[daily["campaign"] == name, "date"])
    return {"first_day": days.min(), "last_day": days.max()}


def _campaign(name: str) -> SampleCampaign:
    return next(c for c in CAMPAIGNS if c.name == name)


def large_facts(rows: int, campaigns: int = 50, seed: int = 1) -> pd.DataFrame:
    """Canonical facts of any size for benchmarks: random days, campaigns and channels."""
    rng = np.random.default_rng(seed)
    names = np.array([f"Campaign {i:03d}" for i in range(campaigns)], dtype=object)
    channels = np.array(["Messenger", "Instagram", "DV360"], dtype=object)
    users = rng.integers(0, 500, rows)
    frame = pd.DataFrame(
        {
            "date": SAMPLE_START + pd.to_timedelta(rng.integers(0, 365, rows), unit="D"),
            "campaign": names[rng.integers(0, campaigns, rows)],
            "channel": channels[rng.integers(0, 3, rows)],
            "variant": np.where(rng.random(rows) < 0.5, "A", "B").astype(object),
            "users": users,
            "interactions": users * 2 + rng.integers(0, 50, rows),
            "declared_data_points": rng.integers(0, 50, rows),
            "clicks": users // 8,
            "matched_responses": rng.integers(0, 100, rows),
            "total_messages": rng.integers(100, 200, rows),
            "visitors": users // 9,
            "conversions": users // 150,
            "conversion_value": np.round(rng.random(rows) * 300, 2),
            "spend": np.round(rng.random(rows) * 100, 2),
            "currency": SAMPLE_CURRENCY,
            "source_id": "bench",
        }
    )
    return normalize_facts(frame)


def build_sample() -> Workspace:
    """The sample workspace: `generate_sample` facts, targets, notes and two UTM links."""
    ws = Workspace.new()
    info = StoredSource(
        id="sample",
        kind="sample",
        file_name="sample data",
        sha256="",
        platform="sample",
        mapping=None,
        imported_at=now(),
        warnings=(),
        supplies=tuple(sorted(NUMERIC_FIELDS)),
        currency=SAMPLE_CURRENCY,
        rows=0,
    )
    ws.add_source(info, normalize_facts(generate_sample()), currency=SAMPLE_CURRENCY)
    for kpi_id, value in SAMPLE_TARGETS.items():
        ws.set_target(kpi_id, value)
    for campaign in CAMPAIGNS:
        ws.set_note(campaign_key(campaign.name), campaign.note)
    ws.add_link(
        "https://shop.example.com/autumn?utm_source=facebook&utm_medium=messenger"
        "&utm_campaign=autumn_sale_2026&utm_content=quiz_opener",
        {
            "utm_source": "facebook",
            "utm_medium": "messenger",
            "utm_campaign": "autumn_sale_2026",
            "utm_content": "quiz_opener",
        },
        "Autumn Sale bot, quiz opener",
    )
    ws.add_link(
        "https://shop.example.com/style?utm_source=instagram&utm_medium=chatbot"
        "&utm_campaign=style_finder",
        {"utm_source": "instagram", "utm_medium": "chatbot", "utm_campaign": "style_finder"},
        "Style Finder DM bot",
    )
    ws.mark_clean()
    return ws
