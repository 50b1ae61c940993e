"""Site traffic is not a campaign (issue 11, item 2; DESIGN section 4).

GA4 rows without a campaign — (direct), (organic), (referral), (not set)… — are the whole
site's traffic: apart from every campaign row and total (and so from the cards and the
funnel), in `KpiReport.site_traffic` and the top-level `"site_traffic"` of `report` JSON.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpi_desktop.cli import run as main
from kpi_desktop.core import analysis, commands, kpi, series
from kpi_desktop.core.io.importer import import_file
from kpi_desktop.core.sample import large_facts
from kpi_desktop.core.schema import NUMERIC_FIELDS, normalize_facts
from kpi_desktop.core.workspace import ADJUSTMENT_SOURCE, Workspace

DATA = Path(__file__).parents[1] / "data" / "import"
GA4 = DATA / "site_traffic" / "ga4_with_direct.csv"
BOT = DATA / "bot_stats.xlsx"
CAMPAIGNS = ["spring_sale_2025", "summer_bot_launch"]


def _workspace(*files: Path) -> Workspace:
    ws = Workspace.new()
    ws.add_imports([import_file(path) for path in files])
    return ws


def test_campaignless_ga4_rows_are_site_traffic_not_in_rows_or_total() -> None:
    with _workspace(GA4, BOT) as ws:
        report = ws.report("campaign")
        assert sorted(report.rows.index) == CAMPAIGNS
        assert kpi.NO_CAMPAIGN not in set(report.rows["campaign"])
        total = report.total
        assert (total["visitors"], total["conversions"]) == (33, 4)
        assert total["conversion_value"] == pytest.approx(190.5)
        assert total["clicks"] == 40
        assert total["conversion_rate"] == pytest.approx(4 / 33)
        site = report.site_traffic
        assert site is not None
        assert (site["visitors"], site["conversions"]) == (8600, 76)
        assert site["conversion_value"] == pytest.approx(3680.25)
        assert site["conversion_rate"] == pytest.approx(76 / 8600)
        assert np.isnan(site["users"])
        assert np.isnan(site["clicks"])
        assert site[kpi.ROWS] == 4
        # The whole site is the GA4 totals row of the file.
        assert kpi.whole_site(report) == pytest.approx(
            {"visitors": 8633, "conversions": 80, "conversion_value": 3870.75}
        )
        assert report.reason(kpi.SITE_TRAFFIC, "ctr") == "no clicks to website data"


def test_the_funnel_and_cards_read_campaigns_only() -> None:
    with _workspace(GA4, BOT) as ws:
        report = ws.report("campaign")
        funnel = series.funnel_data(report.total)
        visitors = next(s for s in funnel.steps if s.step == "visitors")
        assert visitors.value == 33
        assert visitors.rate_from_previous is not None
        assert visitors.rate_from_previous <= 1.0  # 82.5 % of clicks, not 21,583 %
        assert funnel.rate_texts[3] == "82.5 % of clicks"
        cards = {c.kpi.id: c for c in series.dashboard_data(report, targets={}).cards}
        assert cards["conversion_rate"].value == pytest.approx(4 / 33)


@pytest.mark.parametrize("by", ["date", "channel", "variant"])
def test_every_grouping_leaves_site_traffic_out_of_rows_and_total(by: str) -> None:
    with _workspace(GA4, BOT) as ws:
        by_campaign = ws.report("campaign")
        other = ws.report(by)
        assert other.rows["visitors"].sum() == 33
        pd.testing.assert_series_equal(other.total, by_campaign.total)
        assert other.site_traffic is not None
        assert by_campaign.site_traffic is not None
        pd.testing.assert_series_equal(other.site_traffic, by_campaign.site_traffic)


def test_a_filtered_report_splits_the_same_way() -> None:
    with _workspace(GA4, BOT) as ws:
        whole = ws.report("campaign")
        filtered = ws.report("campaign", start="2025-03-01", end="2025-03-31")
        pd.testing.assert_frame_equal(filtered.rows, whole.rows)
        pd.testing.assert_series_equal(filtered.total, whole.total)
        assert filtered.site_traffic is not None
        assert whole.site_traffic is not None
        pd.testing.assert_series_equal(filtered.site_traffic, whole.site_traffic)


def test_without_campaignless_rows_there_is_no_site_traffic() -> None:
    with _workspace(BOT) as ws:
        report = ws.report("campaign")
        assert report.site_traffic is None
        assert kpi.whole_site(report) is None


def test_campaignless_bot_or_ad_rows_stay_a_no_campaign_group() -> None:
    # An export without a campaign column is not the site's traffic: its bot or spend
    # figures keep a group of their own, and its web figures stay with them.
    facts = normalize_facts(
        pd.DataFrame(
            {
                "campaign": ["a", "", "", ""],
                "users": [10, 20, np.nan, np.nan],
                "spend": [np.nan, np.nan, 5.0, 0.0],
                "visitors": [3, 4, 5, 100],
            }
        )
    )
    report = kpi.report(facts, "campaign")
    assert list(report.rows["campaign"]) == [kpi.NO_CAMPAIGN, "a"]
    assert list(report.rows["visitors"]) == [9, 3]
    assert report.total["visitors"] == 12
    # A spend of 0 is no spend: that row holds web figures only.
    assert report.site_traffic is not None
    assert report.site_traffic["visitors"] == 100


def test_time_series_leave_site_traffic_out() -> None:
    facts = normalize_facts(
        pd.DataFrame(
            {
                "date": pd.to_datetime(["2025-03-03", "2025-03-03", "2025-03-04"]),
                "campaign": ["a", "", ""],
                "visitors": [3.0, 500.0, 700.0],
                "conversions": [1.0, 5.0, 7.0],
            }
        )
    )
    visitors = analysis.time_series(facts, "visitors", "D")
    assert visitors["visitors"].tolist() == [3]  # the day of site traffic only is no point
    rate = analysis.time_series(facts, "conversion_rate", "D")
    assert rate["conversion_rate"].tolist()[0] == pytest.approx(1 / 3)


def test_report_json_has_site_traffic_apart(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    assert main(["report", str(GA4), str(BOT), "--format", "json", "-o", str(out)]) == 0
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert set(payload) == {"rows", "total", "site_traffic", "warnings"}
    assert [row["campaign"] for row in payload["rows"]] == CAMPAIGNS
    total = payload["total"]
    assert (total["visitors"], total["conversions"], total["conversion_value"]) == (33, 4, 190.5)
    empty = dict.fromkeys(NUMERIC_FIELDS)
    assert payload["site_traffic"] == {
        "campaign": "Site traffic (not a campaign)",
        **empty,
        "visitors": 8600,
        "conversions": 76,
        "conversion_value": 3680.25,
        "kpis": {
            "interactions_per_user": None,
            "insights_per_user": None,
            "ctr": None,
            "matched_response_rate": None,
            "cost_per_conversion": None,
            "conversion_rate": pytest.approx(76 / 8600 * 100),
            "roas": None,
            "ad_recall_lift": None,
            "purchase_intent_lift": None,
        },
    }
    assert list(payload["site_traffic"]) == list(total)  # the same keys as a row


def test_report_json_site_traffic_is_null_without_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(BOT), "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["site_traffic"] is None


def test_table_and_csv_print_site_traffic_apart_and_labelled(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["report", str(GA4), str(BOT)]) == 0
    lines = capsys.readouterr().out.splitlines()
    total_at = next(i for i, line in enumerate(lines) if line.startswith("Total "))
    assert set(lines[total_at + 1]) <= {"-", " "}  # a rule between the total and the line
    site = lines[total_at + 2]
    assert site.startswith("Site traffic (not a campaign)")
    assert "8,600" in site
    assert "3,680.25" in site
    assert any(line.startswith("note: site traffic is web analytics visits") for line in lines)
    assert main(["report", str(GA4), str(BOT), "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[-2].startswith("Total,")
    assert rows[-1].startswith("Site traffic (not a campaign),")


# -- the cached campaign reports -------------------------------------------------------------


def _with_site_traffic(facts: pd.DataFrame, every: int) -> pd.DataFrame:
    """Every `every`-th row made a campaign-less web analytics row (site traffic)."""
    out = facts.copy()
    site = out.index[::every]
    out.loc[site, ["campaign", "campaign_key"]] = ""
    others = [c for c in NUMERIC_FIELDS if c in out and c not in kpi.WEB_FIELDS]
    out.loc[site, others] = np.nan
    return out


def _assert_cached_is_fresh(ws: Workspace) -> None:
    facts = ws.facts()
    for by in ("campaign", "channel"):
        cached = ws.report(by)
        fresh = kpi.report(facts, by, events=ws.events(), fx=ws.fx())
        pd.testing.assert_frame_equal(cached.rows, fresh.rows, check_exact=False, rtol=1e-12)
        pd.testing.assert_series_equal(cached.total, fresh.total, check_exact=False, rtol=1e-12)
        assert (cached.site_traffic is None) == (fresh.site_traffic is None)
        if fresh.site_traffic is not None:
            assert cached.site_traffic is not None
            pd.testing.assert_series_equal(
                cached.site_traffic, fresh.site_traffic, check_exact=False, rtol=1e-12
            )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cached_reports_after_edits_equal_a_fresh_report(seed: int) -> None:
    facts = _with_site_traffic(large_facts(500, campaigns=6, seed=seed), every=7)
    rng = np.random.default_rng(seed)
    fields = ("users", "clicks", "visitors", "conversions", "conversion_value", "spend")
    with Workspace.from_facts(facts, currency="USD") as ws:
        keys = sorted(ws.report("campaign").rows.index)
        assert "" not in keys
        assert ws.report("channel").site_traffic is not None
        site_rows = np.flatnonzero(kpi.site_traffic_mask(ws.facts()))
        done: list[commands.Command] = []
        for step in range(40):
            name = fields[int(rng.integers(0, len(fields)))]
            if step % 4 == 0:  # a site traffic row: its web figures, or a bot figure
                row = int(site_rows[int(rng.integers(0, len(site_rows)))])
            else:
                row = int(rng.integers(0, len(ws.facts())))
            if ws.facts()["source_id"].iat[row] == ADJUSTMENT_SOURCE:
                continue
            action = step % 5
            cmd: commands.Command
            if action in (0, 1):
                cmd = commands.EditCell(ws, row, name, float(rng.integers(0, 400)))
            elif action == 2:
                cmd = commands.RevertCell(ws, row, name)
            elif action == 3:
                key = keys[int(rng.integers(0, len(keys)))]
                cmd = commands.EditCampaignTotal(ws, key, name, float(rng.integers(0, 9000)))
            else:
                if done:
                    done.pop().undo(ws)
                    _assert_cached_is_fresh(ws)
                continue
            cmd.do(ws)
            done.append(cmd)
            _assert_cached_is_fresh(ws)
        while done:
            done.pop().undo(ws)
        _assert_cached_is_fresh(ws)


def test_editing_a_site_traffic_row_moves_only_the_site_traffic_line() -> None:
    with _workspace(GA4, BOT) as ws:
        before = ws.report("campaign")
        ws.report("channel")
        direct = int(np.flatnonzero(ws.facts()["source_medium"] == "(direct) / (none)")[0])
        commands.EditCell(ws, direct, "visitors", 6000.0).do(ws)
        after = ws.report("campaign")
        assert after.site_traffic is not None
        assert after.site_traffic["visitors"] == 9600
        pd.testing.assert_series_equal(after.total, before.total)
        _assert_cached_is_fresh(ws)


def test_the_excel_daily_sheet_leaves_site_traffic_out() -> None:
    from kpi_desktop.core.report.data import workbook_data

    facts = normalize_facts(
        pd.DataFrame(
            {
                "date": ["2026-03-01", "2026-03-01", "2026-03-02", "2026-03-02"],
                "campaign": ["Spring", "", "Spring", ""],
                "visitors": [10.0, 500.0, 12.0, 600.0],
                "conversions": [1.0, 20.0, 2.0, 30.0],
            }
        )
    )
    data = workbook_data(facts, None, None, None)
    assert data.daily is not None
    # The daily sheet adds up to the Campaigns total (22), never the whole site (1,122).
    assert list(data.daily["visitors"]) == [10.0, 12.0]
    assert data.by_campaign.total["visitors"] == 22
