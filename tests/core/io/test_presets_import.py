"""Every platform fixture imports to the per-campaign totals computed by hand."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpi_desktop.core.io.importer import ImportOptions, import_file
from kpi_desktop.core.schema import normalize_facts

DATA = Path(__file__).resolve().parents[2] / "data" / "import"
SPRING_META = "spring_sale_2025_–_messenger"


def totals(path: str, **options: object) -> tuple[object, pd.DataFrame]:
    result = import_file(DATA / path, ImportOptions(**options) if options else None)
    sums = result.facts.groupby("campaign_key").sum(numeric_only=True, min_count=1)
    return result, sums


def test_meta_csv_drops_account_summary_and_keeps_ad_fields() -> None:
    result, sums = totals("meta_ads.csv")
    assert result.preset == "meta_ads"
    assert result.currency == "USD"
    assert result.summary_rows_dropped == 1
    assert sums.loc[SPRING_META, "spend"] == pytest.approx(300.0)
    assert sums.loc["summer_bot_launch", "spend"] == pytest.approx(150.25)
    assert sums.loc[SPRING_META, "impressions"] == 3700
    assert sums.loc[SPRING_META, "ad_clicks"] == 140
    # Empty purchase cells on data rows mean 0; Results are never conversions.
    assert sums.loc[SPRING_META, "ad_conversions"] == 5
    assert sums.loc[SPRING_META, "ad_conversion_value"] == 250
    assert sums.loc["summer_bot_launch", "ad_conversions"] == 0
    assert result.facts["conversions"].isna().all()
    assert result.facts["clicks"].isna().all()
    assert result.mapping["Results"] is None
    assert result.supplies == {
        "spend",
        "impressions",
        "ad_clicks",
        "ad_conversions",
        "ad_conversion_value",
    }
    assert len(result.facts) == 6
    assert result.period == (pd.Timestamp("2025-03-03").date(), pd.Timestamp("2025-03-05").date())


def test_meta_formatted_xlsx_table_at_b4_below_banner() -> None:
    result, sums = totals("meta_formatted.xlsx")
    assert result.sheets == ["Raw Data Report", "Report info"]
    assert result.sheet == "Raw Data Report"
    assert result.header_row == 4
    assert result.currency == "EUR"
    assert sums.loc[SPRING_META, "spend"] == pytest.approx(200.5)
    assert sums.loc["summer_bot_launch", "spend"] == 50
    assert list(result.facts["date"].dt.strftime("%Y-%m-%d")) == [
        "2025-03-03",
        "2025-03-04",
        "2025-03-03",
    ]
    assert result.preview[0][1] == "Meta Ads Manager – Shop Account"


@pytest.mark.parametrize("name", ["google_ads.csv", "google_ads_excel.csv"])
def test_google_ads_drops_total_rows(name: str) -> None:
    result, sums = totals(name)
    assert result.preset == "google_ads"
    assert result.header_row == 3
    assert result.summary_rows_dropped == 4
    key = "spring_sale_2025_–_search"
    assert sums.loc[key, "spend"] == pytest.approx(2500.0)
    assert sums.loc[key, "impressions"] == 10_000
    assert sums.loc[key, "ad_conversions"] == pytest.approx(4.0)
    assert sums.loc[key, "ad_conversion_value"] == pytest.approx(400.0)
    assert sums.loc["brand_pmax", "spend"] == pytest.approx(150.0)
    assert result.facts["spend"].sum() == pytest.approx(2650.0)
    assert set(result.facts["currency"]) == {"USD"}
    assert result.period[0] == pd.Timestamp("2025-03-03").date()
    assert result.problems == []


def test_google_ads_german_numbers_and_dates() -> None:
    result, sums = totals("google_ads_de.csv")
    assert result.preset == "google_ads"
    key = "frühjahrsaktion_2025"
    assert sums.loc[key, "spend"] == pytest.approx(2500.0)
    assert sums.loc[key, "impressions"] == 10_000
    assert sums.loc[key, "ad_conversion_value"] == pytest.approx(1400.0)
    assert sums.loc[key, "ad_conversions"] == pytest.approx(4.0)
    assert "2025-03-13" in set(result.facts["date"].dt.strftime("%Y-%m-%d"))
    assert result.currency == "EUR"
    assert result.summary_rows_dropped == 1


def test_ga4_traffic_acquisition() -> None:
    result, sums = totals("ga4_traffic.csv")
    assert result.preset == "ga4"
    assert result.header_row == 10
    assert result.summary_rows_dropped == 1  # the totals row under the header
    assert sums.loc["spring_sale_2025", "visitors"] == 1200
    assert sums.loc["spring_sale_2025", "conversions"] == 30
    assert sums.loc["summer_bot_launch", "conversion_value"] == pytest.approx(320.5)
    # Pseudo-campaigns are not campaigns: their traffic has no campaign, source kept.
    assert "(direct)" not in set(result.facts["campaign"])
    no_campaign = result.facts[result.facts["campaign_key"] == ""]
    assert set(no_campaign["source_medium"]) == {"(direct) / (none)", "google / organic"}
    assert result.facts["visitors"].sum() == 9600
    assert result.facts["users"].isna().all()  # GA4 users are not bot users
    assert result.supplies == {"visitors", "conversions", "conversion_value"}
    assert result.period == (pd.Timestamp("2025-03-03").date(), pd.Timestamp("2025-03-05").date())


def test_ga4_exploration_grand_total_and_yyyymmdd() -> None:
    result, sums = totals("ga4_exploration.csv")
    assert result.preset == "ga4"
    assert result.summary_rows_dropped == 1
    assert sums.loc["spring_sale_2025", "visitors"] == 1650
    assert sums.loc["spring_sale_2025", "conversion_value"] == pytest.approx(1750.0)
    assert list(result.facts["date"].dt.strftime("%Y%m%d")) == ["20250303", "20250304", "20250305"]


def test_dv360_footer_and_totals_are_not_data() -> None:
    result, sums = totals("dv360.csv")
    assert result.preset == "dv360"
    key = "spring_sale_2025_–_dv360"
    assert sums.loc[key, "spend"] == pytest.approx(250.0)
    assert sums.loc[key, "impressions"] == 25_000
    assert set(result.facts["channel"]) == {"DV360"}
    assert set(result.facts["currency"]) == {"EUR"}
    assert result.problems == []


def test_bot_stats_xlsx_with_banner_and_formula_total_row() -> None:
    result, sums = totals("bot_stats.xlsx")
    assert result.preset == "bot_stats"
    assert result.sheet == "Daily stats"
    assert result.sheets == ["Daily stats", "Raw events", "Declared attributes"]
    assert result.header_row == 6
    assert sums.loc["spring_sale_2025", "users"] == 300
    assert sums.loc["spring_sale_2025", "interactions"] == 700
    assert sums.loc["spring_sale_2025", "matched_responses"] == 105
    assert sums.loc["spring_sale_2025", "total_messages"] == 135
    assert sums.loc["summer_bot_launch", "clicks"] == 4
    assert result.facts["users"].sum() == 350  # the Total row (cached formulas) is dropped
    assert result.summary_rows_dropped == 1


def test_bot_stats_other_sheet_on_request() -> None:
    result = import_file(DATA / "bot_stats.xlsx", ImportOptions(sheet="Raw events"))
    assert result.preset == "bot_events"
    assert result.events is not None
    assert result.events["user"].nunique() == 5  # 7003 only had a message delivered


def test_handmade_cp1252_semicolon_with_gesamt() -> None:
    result, sums = totals("handmade_de.csv")
    assert result.preset == "generic"
    assert result.currency == "EUR"
    assert sums.loc["frühjahrsaktion", "spend"] == pytest.approx(2000.0)
    assert sums.loc["frühjahrsaktion", "conversion_value"] == pytest.approx(4000.0)
    assert sums.loc["frühjahrsaktion", "visitors"] == 2000
    assert np.isnan(sums.loc["sommer_bot", "conversion_value"])  # blank is missing
    assert result.summary_rows_dropped == 1


def test_canonical_headers_import_as_is_and_formulas_stay_text() -> None:
    result = import_file(DATA / "canonical.csv")
    assert result.preset == "canonical"
    assert all(result.mapping[h] == h for h in result.mapping)
    assert result.facts["users"].tolist() == [100, 120, 10]
    assert result.facts["campaign"].iloc[2] == '=HYPERLINK("http://evil")'
    assert result.facts["variant"].tolist() == ["A", "B", ""]


@pytest.mark.parametrize(
    "name",
    [
        "meta_ads.csv",
        "meta_formatted.xlsx",
        "google_ads.csv",
        "google_ads_excel.csv",
        "google_ads_de.csv",
        "ga4_traffic.csv",
        "ga4_exploration.csv",
        "dv360.csv",
        "bot_stats.xlsx",
        "bot_events.csv",
        "handmade_de.csv",
        "canonical.csv",
    ],
)
def test_facts_are_canonical(name: str) -> None:
    result = import_file(DATA / name)
    pd.testing.assert_frame_equal(result.facts, normalize_facts(result.facts))
    assert (result.facts["source_id"] == result.source_id).all()
    assert len(result.sha256) == 64
    assert result.file_name == name
    assert result.layout_signature


def test_user_mapping_is_applied_for_its_layout_only() -> None:
    first = import_file(DATA / "meta_ads.csv")
    mapping = dict(first.mapping)
    mapping["Results"] = "conversions"  # the user insists
    again = import_file(
        DATA / "meta_ads.csv",
        ImportOptions(mapping=mapping, layout_signature=first.layout_signature),
    )
    assert again.facts["conversions"].sum() == 260
    assert "conversions" in again.supplies
    other = import_file(
        DATA / "meta_ads.csv", ImportOptions(mapping=mapping, layout_signature="something else")
    )
    assert other.facts["conversions"].isna().all()
