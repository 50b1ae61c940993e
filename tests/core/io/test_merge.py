"""Merging sources: spend adds up, one source wins other fields, 0 versus missing."""

from pathlib import Path

import numpy as np
import pytest

from kpi_desktop.core.io.importer import import_file
from kpi_desktop.core.io.merge import merge_events, merge_sources, suggest_aliases
from kpi_desktop.core.kpi import aggregate

DATA = Path(__file__).resolve().parents[2] / "data" / "import"
ALIASES = {
    "spring_sale_2025_–_messenger": "spring_sale_2025",
    "spring_sale_2025_–_search": "spring_sale_2025",
}


def load(*names: str) -> list:
    return [import_file(DATA / name) for name in names]


def test_spend_adds_up_across_ad_platforms() -> None:
    meta, google = load("meta_ads.csv", "google_ads.csv")
    facts, notes = merge_sources([meta, google], aliases=ALIASES)
    sums = aggregate(facts, "campaign")
    assert sums.loc["spring_sale_2025", "spend"] == pytest.approx(300.0 + 2500.0)
    assert sums.loc["brand_pmax", "spend"] == pytest.approx(150.0)
    spend = next(n for n in notes if n.field == "spend")
    assert spend.sources == ("Meta Ads", "Google Ads")
    assert "sum of" in spend.text


def test_ga4_wins_conversions_and_ad_figures_stay_reference() -> None:
    meta, ga4, bot = load("meta_ads.csv", "ga4_exploration.csv", "bot_stats.xlsx")
    facts, notes = merge_sources([meta, ga4, bot], aliases=ALIASES)
    sums = aggregate(facts, "campaign")
    assert sums.loc["spring_sale_2025", "conversions"] == 35  # GA4 key events
    assert sums.loc["spring_sale_2025", "ad_conversions"] == 5  # Meta's own purchases
    assert sums.loc["spring_sale_2025", "users"] == 300  # the bot's users
    assert sums.loc["spring_sale_2025", "spend"] == pytest.approx(300.0)
    fields = {n.field for n in notes}
    assert {"conversions", "users", "spend"} <= fields


def test_web_analytics_beats_other_source_for_the_same_campaign_and_day(tmp_path: Path) -> None:
    other = tmp_path / "sheet.csv"
    other.write_text("date,campaign,conversions,visitors\n2025-03-03,spring_sale_2025,99,999\n")
    ga4 = import_file(DATA / "ga4_exploration.csv")
    hand = import_file(other)
    facts, notes = merge_sources([hand, ga4])
    day = facts[
        (facts["campaign_key"] == "spring_sale_2025")
        & (facts["date"] == np.datetime64("2025-03-03"))
    ]
    assert day["conversions"].sum(min_count=1) == 15
    assert day["visitors"].sum(min_count=1) == 600
    note = next(n for n in notes if n.field == "conversions")
    assert note.sources[0] == "GA4"
    # Priority can be changed per workspace: the hand-made sheet first.
    facts, _ = merge_sources([hand, ga4], outcome_priority=("other", "web"))
    day = facts[
        (facts["campaign_key"] == "spring_sale_2025")
        & (facts["date"] == np.datetime64("2025-03-03"))
    ]
    assert day["conversions"].sum(min_count=1) == 99


def test_zero_when_covered_without_row_missing_when_not_supplied() -> None:
    meta, bot = load("meta_ads.csv", "bot_stats.xlsx")
    # Meta's "Summer Bot Launch" matches the bot's; Meta's spring campaign is aliased.
    facts, _ = merge_sources([meta, bot], aliases=ALIASES)
    sums = aggregate(facts, "campaign")
    # The bot covers Mar 3-5 but has no row for a campaign only Meta knows: 0 users.
    facts2, _ = merge_sources([meta, bot])
    sums2 = aggregate(facts2, "campaign")
    assert sums2.loc["spring_sale_2025_–_messenger", "users"] == 0
    assert sums2.loc["spring_sale_2025_–_messenger", "interactions"] == 0
    # Nobody supplies visitors: missing, not 0.
    assert np.isnan(sums.loc["spring_sale_2025", "visitors"])
    assert np.isnan(sums2.loc["spring_sale_2025_–_messenger", "visitors"])
    # Meta covers the period but has no row for the bot-only campaign days: spend 0.
    assert sums2.loc["spring_sale_2025", "spend"] == 0


def test_ad_conversions_stand_in_without_web_analytics() -> None:
    meta, google = load("meta_ads.csv", "google_ads.csv")
    facts, notes = merge_sources([meta, google], aliases=ALIASES)
    sums = aggregate(facts, "campaign")
    assert sums.loc["spring_sale_2025", "conversions"] == pytest.approx(5 + 4.0)
    note = next(n for n in notes if n.field == "conversions")
    assert "ad platforms' own figures" in note.text
    facts, _ = merge_sources([meta, google], aliases=ALIASES, use_ad_conversions=False)
    assert facts["conversions"].isna().all()


def test_alias_suggestions_pair_utm_and_platform_names() -> None:
    meta, ga4, google, dv360 = load(
        "meta_ads.csv", "ga4_traffic.csv", "google_ads.csv", "dv360.csv"
    )
    suggestions = suggest_aliases([meta, ga4, google, dv360])
    pairs = {(s.key, s.canonical) for s in suggestions}
    assert ("spring_sale_2025_–_messenger", "spring_sale_2025") in pairs
    assert ("spring_sale_2025_–_search", "spring_sale_2025") in pairs
    assert ("spring_sale_2025_–_dv360", "spring_sale_2025") in pairs
    assert all(s.canonical != "brand_pmax" for s in suggestions)


def test_merge_events_applies_aliases() -> None:
    events_result = import_file(DATA / "bot_events.csv")
    events = merge_events([events_result], {"spring_sale_2025": "spring"})
    assert events is not None
    assert "spring" in set(events["campaign_key"])
    assert merge_events([import_file(DATA / "meta_ads.csv")]) is None


def test_merge_facts_keeps_row_references_for_the_store() -> None:
    from kpi_desktop.core.io.merge import SourceInfo, merge_facts

    meta, bot = load("meta_ads.csv", "bot_stats.xlsx")
    frames = []
    for ordinal, result in enumerate((meta, bot)):
        frame = result.facts.copy()
        frame["_src"] = ordinal
        frame["_pos"] = np.arange(len(frame))
        frames.append(frame)
    facts, _ = merge_facts(frames, [SourceInfo.of(meta), SourceInfo.of(bot)])
    assert list(facts.columns[-2:]) == ["_src", "_pos"]
    real = facts[facts["_pos"].notna()]
    assert len(real) == len(meta.facts) + len(bot.facts)
    filler = facts[facts["_pos"].isna()]
    assert len(filler) > 0
    assert (filler[["users", "spend"]].fillna(0).sum(axis=1) == 0).all()
