"""Real layouts beyond the five presets (issue 11, item 7), through `import_file`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kpi_desktop.core.io.importer import import_file

DATA = Path(__file__).resolve().parents[2] / "data" / "import"


def sums(name: str) -> tuple[object, dict[str, dict[str, float]]]:
    result = import_file(DATA / name)
    grouped = result.facts.groupby("campaign").sum(numeric_only=True, min_count=1)
    return result, grouped.to_dict(orient="index")


def test_ga4_key_events_are_conversions_and_the_rate_is_ignored() -> None:
    result, by = sums("ga4_key_events.csv")
    assert result.preset == "ga4"
    assert result.mapping["Key events"] == "conversions"
    assert result.mapping["Session key event rate"] is None
    assert result.mapping["User key event rate"] is None
    assert by["spring_sale_2025"]["conversions"] == 20
    assert by["summer_bot_launch"]["conversion_value"] == 600
    assert result.dropped_rows == [11]  # the totals row under the header


def test_google_ads_conv_value_is_the_ad_value_and_decoys_stay_out() -> None:
    result, by = sums("google_ads_conv_value.csv")
    assert result.preset == "google_ads"
    mapping = result.mapping
    assert mapping["Conv. value"] == "ad_conversion_value"
    assert mapping["Conversions"] == "ad_conversions"
    for decoy in ("All conv.", "All conv. value", "Conv. value / cost", "Value / conv."):
        assert mapping[decoy] is None, decoy
    spring = by["Spring Sale 2025 – Search"]
    assert spring["ad_conversions"] == pytest.approx(3.5)
    assert spring["ad_conversion_value"] == 420
    assert spring["spend"] == 1500
    assert result.facts["conversions"].isna().all()
    assert result.facts["conversion_value"].isna().all()
    assert result.dropped_rows == [7, 8]


def test_bot_fallback_derives_matched_and_says_so() -> None:
    result, by = sums("bot_fallback.csv")
    assert result.preset == "bot_stats"
    assert result.mapping["Fallback messages"] == "@unmatched"
    assert by["spring_sale_2025"]["matched_responses"] == 270  # 350 received − 80 fallback
    assert by["summer_bot_launch"]["matched_responses"] == 15
    assert "matched_responses" in result.supplies
    assert any("derived" in note for note in result.notes)
    assert result.summary_rows_dropped == 1


def test_bot_unmatched_without_received_says_why_the_rate_is_missing() -> None:
    result, _ = sums("bot_fallback_no_received.csv")
    assert "matched_responses" not in result.supplies
    assert result.facts["matched_responses"].isna().all()
    assert result.notes
    assert "cannot be derived" in result.notes[0]


def test_more_unmatched_than_received_is_a_cell_problem(tmp_path: Path) -> None:
    path = tmp_path / "bot.csv"
    path.write_text(
        "Date,Campaign,Users,Messages received,Unmatched messages\n"
        "2025-03-03,a,10,20,5\n2025-03-04,a,10,20,25\n",
        "utf-8",
    )
    result = import_file(path)
    matched = result.facts["matched_responses"].to_numpy()
    assert matched[0] == 15
    assert np.isnan(matched[1])
    assert [(p.row, p.column) for p in result.problems] == [(3, "Unmatched messages")]


def test_mixed_tracker_maps_every_known_column() -> None:
    result, by = sums("tracker_mixed.xlsx")
    assert result.preset == "generic"
    assert result.header_row == 3
    assert {h: t for h, t in result.mapping.items() if t} == {
        "Date": "date",
        "Campaign": "campaign",
        "Users": "users",
        "Interactions": "interactions",
        "Clicks to website": "clicks",
        "Messages received": "total_messages",
        "Unmatched messages": "@unmatched",
        "Spend (EUR)": "spend",
        "Agency fees": "other_cost",
        "Visitors": "visitors",
        "Orders": "conversions",
        "Revenue (EUR)": "conversion_value",
    }
    spring = by["Spring Sale"]
    assert spring["spend"] == pytest.approx(140.5)
    assert spring["visitors"] == 160
    assert spring["conversion_value"] == pytest.approx(350.5)
    assert spring["matched_responses"] == 270
    assert result.currency == "EUR"
    assert result.dropped_rows == [7]


def test_german_ga4_export() -> None:
    result, by = sums("ga4_de.csv")
    assert result.preset == "ga4"
    assert result.mapping["Schlüsselereignisse"] == "conversions"
    assert result.mapping["Gesamtumsatz"] == "conversion_value"
    assert result.mapping["Rate der Schlüsselereignisse der Sitzung"] is None
    assert by["spring_sale_2025"]["visitors"] == 1000
    assert by["spring_sale_2025"]["conversion_value"] == pytest.approx(1500.5)
    assert str(result.period[0]) == "2025-03-03"
    assert str(result.period[1]) == "2025-03-05"
    assert result.summary_rows_dropped == 1


def test_german_meta_export_keeps_purchases_as_ad_fields() -> None:
    result, by = sums("meta_ads_de.csv")
    assert result.preset == "meta_ads"
    assert result.currency == "EUR"
    assert result.mapping["Käufe"] == "ad_conversions"
    assert result.mapping["Ergebnisse"] is None
    assert by["Spring Sale"]["spend"] == pytest.approx(165.5)
    assert by["Spring Sale"]["ad_conversion_value"] == 180
    assert result.facts["conversions"].isna().all()
    assert result.summary_rows_dropped == 1
