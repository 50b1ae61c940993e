"""The workspace merges its sources (DESIGN section 4): spend adds up, GA4 owns outcomes,
the bot platform owns bot fields, 0 versus missing, ad conversions as a labelled fallback;
edits on merged rows apply and revert; save and reopen keep it all."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from kpi_desktop import cli
from kpi_desktop.core.io.importer import import_file
from kpi_desktop.core.workspace import Workspace

DATA = Path(__file__).resolve().parents[2] / "data" / "import"
FILES = ("meta_ads.csv", "google_ads.csv", "ga4_traffic.csv")


def workspace(*names: str, aliases: bool = True) -> Workspace:
    ws = Workspace.new()
    ws.add_imports([import_file(DATA / name) for name in names])
    if aliases:
        ws.add_alias("spring_sale_2025_–_messenger", "spring_sale_2025")
        ws.add_alias("spring_sale_2025_–_search", "spring_sale_2025")
    return ws


def row(ws: Workspace, key: str) -> dict[str, float]:
    return ws.report().rows.loc[key].to_dict()


def test_spend_of_ad_platforms_adds_up_and_ga4_owns_conversions() -> None:
    ws = workspace(*FILES)
    spring = row(ws, "spring_sale_2025")
    assert spring["spend"] == pytest.approx(300.0 + 2500.0)  # Meta + Google Ads
    assert spring["conversions"] == 30  # GA4 key events, not the ad platforms' 5 + 4
    assert spring["conversion_value"] == pytest.approx(1500.0)
    assert spring["visitors"] == 1200
    assert spring["ad_conversions"] == pytest.approx(2 + 3 + 4)  # kept for reference
    assert row(ws, "brand_pmax")["spend"] == pytest.approx(150.0)
    summary = ws.merge_summary()
    assert "spend: sum of Meta Ads, Google Ads" in summary
    assert any(s.startswith("visitors, conversions, conversion value: from GA4") for s in summary)
    ignored = "own conversions (Meta Ads, Google Ads) are kept for reference"
    assert any(ignored in s for s in summary)
    assert {n.field for n in ws.merge_notes()} >= {"spend", "conversions", "visitors"}


def test_zero_when_a_supplying_source_has_no_row_missing_when_nobody_supplies() -> None:
    ws = workspace("google_ads.csv", "ga4_traffic.csv", aliases=False)
    pmax = row(ws, "brand_pmax")
    # GA4 covers the period and has no Brand PMax row: 0 conversions, not missing…
    assert pmax["conversions"] == 0
    assert pmax["visitors"] == 0
    # …and no source supplies bot users at all: missing.
    assert math.isnan(pmax["users"])
    # The zeros are folded into existing rows: every effective row is one source row.
    assert len(ws.facts()) == sum(s.rows for s in ws.sources())


def test_bot_platform_owns_bot_fields_over_another_source(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("date,campaign,users,spend\n2025-03-03,Spring Sale 2025,999,10\n")
    ws = Workspace.new()
    ws.add_imports([import_file(sheet), import_file(DATA / "bot_stats.xlsx")])
    spring = row(ws, "spring_sale_2025")
    assert spring["users"] == 300  # the bot's, the sheet's 999 set aside
    assert spring["spend"] == pytest.approx(10.0)
    assert any("users" in s and "Bot platform wins" in s for s in ws.merge_summary())


def test_without_web_analytics_ad_conversions_stand_in_labelled() -> None:
    ws = workspace("meta_ads.csv", aliases=False)
    assert row(ws, "spring_sale_2025_–_messenger")["conversions"] == 5
    assert any("ad platforms' own figures (Meta Ads)" in s for s in ws.merge_summary())


def test_edit_on_a_merged_row_applies_reverts_and_survives_save(tmp_path: Path) -> None:
    ws = workspace(*FILES)
    facts = ws.facts()
    meta_row = int(
        facts[(facts["campaign"] == "spring_sale_2025") & facts["spend"].eq(80.0)]["row_id"].iat[0]
    )
    ws.edit_cell(meta_row, "spend", 100.0)
    assert row(ws, "spring_sale_2025")["spend"] == pytest.approx(2820.0)
    ga4_row = int(facts[facts["conversions"].eq(30)]["row_id"].iat[0])
    ws.edit_cell(ga4_row, "conversions", 31)  # GA4 owns it: the merge runs again
    assert row(ws, "spring_sale_2025")["conversions"] == 31
    before = ws.report().rows.copy()

    path = tmp_path / "merged.kpidesk"
    ws.save(path)
    again = Workspace.open(path)
    after = again.report().rows
    assert after.loc["spring_sale_2025", "spend"] == pytest.approx(2820.0)
    assert after.loc["spring_sale_2025", "conversions"] == 31
    assert list(after.index) == list(before.index)
    assert again.merge_summary() == ws.merge_summary()

    again.revert_cell(meta_row, "spend")
    again.revert_cell(ga4_row, "conversions")
    spring = again.report().rows.loc["spring_sale_2025"]
    assert spring["spend"] == pytest.approx(2800.0)
    assert spring["conversions"] == 30


def test_edit_of_a_fallback_conversion_matches_a_fresh_merge(tmp_path: Path) -> None:
    ws = workspace("meta_ads.csv", "google_ads.csv", aliases=False)
    facts = ws.facts()
    rid = int(facts[facts["ad_conversions"].eq(3)]["row_id"].iat[0])
    ws.edit_cell(rid, "ad_conversions", 7)  # the stand-in conversions follow
    assert row(ws, "spring_sale_2025_–_messenger")["conversions"] == 2 + 7
    ws.edit_cell(rid, "conversions", 1)  # a typed conversions value wins
    assert row(ws, "spring_sale_2025_–_messenger")["conversions"] == 2 + 1
    ws.save(tmp_path / "w.kpidesk")
    fresh = Workspace.open(tmp_path / "w.kpidesk")
    assert fresh.report().rows["conversions"].to_dict() == ws.report().rows["conversions"].to_dict()


def test_cli_report_lists_merge_notes(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["report", *(str(DATA / f) for f in FILES), "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert "spend: sum of Meta Ads, Google Ads" in payload["warnings"]
    assert any("kept for reference, not counted" in w for w in payload["warnings"])
