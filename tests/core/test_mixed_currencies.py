"""No sum silently drops inputs: money in a currency without a rate makes its sums undefined,
with the reason, in the report, the cached reports, the dashboard, the exports and the CLI
(issue 11 item 4; DESIGN sections 3, 4 and 9)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from kpi_desktop.cli import run
from kpi_desktop.core import commands, kpi, series
from kpi_desktop.core.kpi import FxRates, aggregate, report
from kpi_desktop.core.report import export_workspace_csv, export_workspace_xlsx
from kpi_desktop.core.sample import large_facts
from kpi_desktop.core.schema import normalize_facts
from kpi_desktop.core.series import FilterSelection
from kpi_desktop.core.workspace import ADJUSTMENT_SOURCE, Workspace

IMPORT = Path(__file__).parents[1] / "data" / "import"
META_USD = IMPORT / "meta_ads.csv"  # spend 300 + 150.25 = 450.25 USD
ADS_EUR = IMPORT / "currency" / "google_ads_eur.csv"  # spend 125 + 75 = 200 EUR
ADS_DE_EUR = IMPORT / "google_ads_de.csv"  # spend 1,266.50 + 733.50 + 500 = 2,500 EUR
GA4 = IMPORT / "ga4_traffic.csv"  # revenue without a currency


def _facts() -> pd.DataFrame:
    return normalize_facts(
        pd.DataFrame(
            {
                "date": ["2025-03-01", "2025-03-01", "2025-03-01", "2025-03-02", "2025-03-01"],
                "campaign": ["usd", "eur", "mixed", "mixed", "extra"],
                "spend": [100.0, 50.0, 10.0, 20.0, 40.0],
                "other_cost": [np.nan, np.nan, np.nan, np.nan, 5.0],
                "conversions": [2, 1, 1, 1, 4],
                "conversion_value": [300.0, 80.0, np.nan, np.nan, 60.0],
                "currency": ["USD", "EUR", "USD", "EUR", "USD"],
            }
        )
    )


def test_without_a_rate_money_sums_are_undefined_with_the_reason() -> None:
    result = report(_facts(), "campaign", fx=FxRates("USD", {}))
    rows = result.rows
    assert rows.loc["usd", "spend"] == 100
    assert rows.loc["usd", "roas"] == 3
    for key in ("eur", "mixed"):  # all or part of the spend is in EUR: no partial sum
        assert math.isnan(rows.loc[key, "spend"])
        assert result.reason(key, "spend") == "no exchange rate for EUR"
        assert math.isnan(rows.loc[key, "cost_per_conversion"])
        assert result.reason(key, "cost_per_conversion") == "no exchange rate for EUR"
    assert math.isnan(rows.loc["eur", "conversion_value"])
    # The mixed campaign's value is simply missing: no reason, never "no rate".
    assert math.isnan(rows.loc["mixed", "conversion_value"])
    assert result.reason("mixed", "conversion_value") is None
    assert rows.loc["mixed", "conversions"] == 2  # counts still add up
    # The total: spend of USD alone (150) would read as the whole; it is undefined.
    assert math.isnan(result.total["spend"])
    assert math.isnan(result.total["conversion_value"])
    assert result.reason("total", "spend") == "no exchange rate for EUR"
    assert math.isnan(result.total["roas"])
    assert result.reason("total", "roas") == "no exchange rate for EUR"
    assert result.total["other_cost"] == 5  # all of it is in USD
    assert result.reason("total", "other_cost") is None
    assert result.reason("total", "conversions") is None
    # The same in a per-day aggregate.
    daily = aggregate(_facts(), "date", fx=FxRates("USD", {}))
    assert daily["spend"].isna().all()


def test_a_rate_gives_exact_sums() -> None:
    result = report(_facts(), "campaign", fx=FxRates("USD", {"EUR": 1.08}))
    rows = result.rows
    assert rows.loc["eur", "spend"] == pytest.approx(54.0)
    assert rows.loc["mixed", "spend"] == pytest.approx(10 + 21.6)
    assert result.total["spend"] == pytest.approx(100 + 54 + 31.6 + 40)
    assert result.total["conversion_value"] == pytest.approx(300 + 86.4 + 60)
    assert result.total["roas"] == pytest.approx(446.4 / 225.6)
    assert result.total["cost_per_conversion"] == pytest.approx((225.6 + 5) / 9)
    assert result.reason("total", "spend") is None
    assert result.missing_fx == ()


def test_money_of_one_field_without_rate_leaves_the_others_defined() -> None:
    facts = normalize_facts(
        pd.DataFrame(
            {
                "campaign": ["a", "a"],
                "spend": [40.0, np.nan],
                "other_cost": [np.nan, 5.0],
                "conversions": [4, np.nan],
                "conversion_value": [80.0, np.nan],
                "currency": ["USD", "GBP"],
            }
        )
    )
    result = report(facts, None, fx=FxRates("USD", {}))
    assert result.total["spend"] == 40
    assert result.total["roas"] == 2  # its money is all in USD
    assert math.isnan(result.total["other_cost"])
    assert result.reason("total", "other_cost") == "no exchange rate for GBP"
    # an optional addend without a rate is not 0: cost per conversion is undefined
    assert math.isnan(result.total["cost_per_conversion"])
    assert result.reason("total", "cost_per_conversion") == "no exchange rate for GBP"


def test_zero_money_needs_no_rate() -> None:
    facts = normalize_facts(
        pd.DataFrame({"campaign": ["a", "b"], "spend": [30.0, 0.0], "currency": ["USD", "EUR"]})
    )
    fx = FxRates("USD", {})
    assert kpi.missing_currencies(facts, fx) == ()
    assert report(facts, None, fx=fx).total["spend"] == 30


def _mixed_workspace() -> Workspace:
    facts = large_facts(300, campaigns=6, seed=7)
    facts.loc[facts.index[20:30], "currency"] = "EUR"
    return Workspace.from_facts(facts, currency="USD")


def _assert_cached_is_fresh(ws: Workspace) -> None:
    for by in ("campaign", "channel"):
        cached = ws.report(by)
        fresh = kpi.report(ws.facts(), by, events=ws.events(), fx=ws.fx())
        pd.testing.assert_frame_equal(cached.rows, fresh.rows, check_exact=False, rtol=1e-12)
        pd.testing.assert_series_equal(cached.total, fresh.total, check_exact=False, rtol=1e-12)


def test_cached_reports_stay_exact_when_edits_add_or_remove_money_without_rate() -> None:
    with _mixed_workspace() as ws:
        _assert_cached_is_fresh(ws)
        assert math.isnan(ws.report("campaign").total["spend"])
        eur_rows = [int(r) for r in np.flatnonzero(ws.facts()["currency"] == "EUR")]
        usd_row = int(np.flatnonzero(ws.facts()["currency"] == "USD")[0])
        done: list[commands.Command] = [commands.EditCell(ws, usd_row, "spend", 123.0)]
        done[-1].do(ws)
        _assert_cached_is_fresh(ws)
        # Blank every EUR money cell: the totals are defined again (summed anew, not a
        # delta on an undefined base).
        cells = [(r, f, None) for r in eur_rows for f in ("spend", "conversion_value")]
        done.append(commands.PasteBlock(ws, cells))
        done[-1].do(ws)
        _assert_cached_is_fresh(ws)
        total = ws.report("campaign").total
        assert not math.isnan(total["spend"])
        usd = ws.facts()[ws.facts()["source_id"] != ADJUSTMENT_SOURCE]
        assert total["spend"] == pytest.approx(usd["spend"].sum())
        # Money in EUR again in one cell: undefined again.
        done.append(commands.EditCell(ws, eur_rows[0], "spend", 9.0))
        done[-1].do(ws)
        _assert_cached_is_fresh(ws)
        assert math.isnan(ws.report("campaign").total["spend"])
        key = str(ws.facts()["campaign_key"].iat[eur_rows[0]])
        done.append(commands.EditCampaignTotal(ws, key, "conversions", 77.0))
        done[-1].do(ws)
        _assert_cached_is_fresh(ws)
        while done:
            done.pop().undo(ws)
            _assert_cached_is_fresh(ws)


def test_daily_cube_dashboard_and_exports_show_undefined_money(tmp_path: Path) -> None:
    ws = Workspace.from_facts(_facts(), currency="USD")
    view = series.DataView(ws)
    selection = FilterSelection("custom", dt.date(2025, 3, 1), dt.date(2025, 3, 2))
    result = view.report(selection)
    assert math.isnan(result.total["spend"])
    assert result.reason("total", "spend") == "no exchange rate for EUR"
    assert result.rows.loc["usd", "spend"] == 100
    dashboard = view.dashboard(selection, result, targets={}, currency="USD")
    roas = dashboard.card("roas")
    assert roas.value_text == "—"
    assert roas.reason == "no exchange rate for EUR"
    assert roas.detail.startswith("— ")  # no partial revenue or spend on the card

    xlsx = tmp_path / "r.xlsx"
    export_workspace_xlsx(ws, xlsx)
    sheet = openpyxl.load_workbook(xlsx)["Campaigns"]
    header = {c.value: c.column_letter for c in sheet[1]}
    labels = {sheet[f"A{r}"].value: r for r in range(2, sheet.max_row + 1)}
    usd_spend = sheet[f"{header['Spend']}{labels['usd']}"]
    assert usd_spend.value == 100
    for name in ("eur", "mixed", "Total"):
        spend = sheet[f"{header['Spend']}{labels[name]}"]
        assert spend.value is None
        assert spend.comment is not None
        assert "no exchange rate for EUR" in spend.comment.text
    other = sheet[f"{header['Other cost']}{labels['Total']}"]
    assert other.value == 5
    assert other.comment is None

    path = tmp_path / "r.csv"
    export_workspace_csv(ws, path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        records = {r["Campaign"]: r for r in csv.DictReader(handle)}
    assert records["usd"]["Spend (USD)"] == "100"
    assert records["eur"]["Spend (USD)"] == ""  # never a partial sum
    assert records["Total"]["Spend (USD)"] == ""

    ws.set_fx_rate("EUR", 1.08)
    again = series.DataView(ws).report(selection)
    assert again.total["spend"] == pytest.approx(225.6)


# -- through the command line, with real exports


def _report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(["report", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_refuses_mixed_currencies_without_a_rate(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _report(capsys, str(META_USD), str(ADS_EUR), "--format", "json")
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    # the reporting currency is that of the largest spend: 450.25 USD against 200 EUR
    assert "money in EUR has no exchange rate to USD" in err
    assert "--fx EUR=RATE" in err
    code, _, err = _report(capsys, str(META_USD), str(ADS_DE_EUR))  # 2,500 EUR is larger
    assert code == 2
    assert "money in USD has no exchange rate to EUR" in err
    code, _, err = _report(capsys, str(META_USD), str(ADS_DE_EUR), "--currency", "usd")
    assert code == 2
    assert "money in EUR has no exchange rate to USD" in err


def test_cli_fx_gives_exact_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _report(
        capsys, str(META_USD), str(ADS_EUR), "--fx", "EUR=1.08", "--format", "json"
    )
    assert code == 0, err
    payload = json.loads(out)
    rows = {r["campaign"]: r for r in payload["rows"]}
    assert rows["Autumn Search EU"]["spend"] == pytest.approx(216.0)  # 200 EUR x 1.08
    assert rows["Autumn Search EU"]["ad_conversion_value"] == pytest.approx(432.0)  # 400 EUR
    assert rows["Spring Sale 2025 – Messenger"]["spend"] == pytest.approx(300.0)
    assert rows["Summer Bot Launch"]["spend"] == pytest.approx(150.25)
    assert payload["total"]["spend"] == pytest.approx(666.25)  # 450.25 + 216
    # the EUR file's own numbers, converted: 216 spend / 3 conversions = 72.00
    assert rows["Autumn Search EU"]["kpis"]["cost_per_conversion"] == pytest.approx(72.0)
    assert not any("exchange rate" in w for w in payload["warnings"])
    # The other way round: EUR reports, a USD rate converts the Meta spend.
    code, out, err = _report(
        capsys, str(META_USD), str(ADS_DE_EUR), "--fx", "USD=0.9", "--format", "json"
    )
    assert code == 0, err
    assert json.loads(out)["total"]["spend"] == pytest.approx(2500 + 450.25 * 0.9)


def test_cli_uses_the_rates_stored_in_a_workspace_unless_fx_overrides(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    saved = tmp_path / "w.kpidesk"
    assert run(["import", str(META_USD), str(ADS_EUR), "--workspace", str(saved)]) == 0
    with Workspace.open(saved) as ws:
        assert ws.reporting_currency == "USD"
        ws.set_fx_rate("EUR", 1.1)
        ws.save(saved)
    capsys.readouterr()

    def total_spend(*args: str) -> float:
        code, out, err = _report(capsys, str(saved), *args, "--format", "json")
        assert code == 0, err
        return float(json.loads(out)["total"]["spend"])

    assert total_spend() == pytest.approx(450.25 + 200 * 1.1)
    assert total_spend("--fx", "EUR=1.08") == pytest.approx(666.25)
    # Reporting in EUR restates the stored rate: 1 USD = 1 / 1.1 EUR.
    assert total_spend("--currency", "EUR") == pytest.approx(200 + 450.25 / 1.1)
    with Workspace.open(saved) as ws:  # the file itself is untouched
        assert ws.fx_rates() == {"EUR": 1.1}


def test_cli_says_ga4_revenue_is_in_the_reporting_currency(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = _report(capsys, str(META_USD), str(GA4), "--format", "json")
    assert code == 0, err
    warnings = json.loads(out)["warnings"]
    assert (
        "ga4_traffic.csv: conversion value carries no currency and is taken to be in USD, "
        "the reporting currency"
    ) in warnings


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fx", "EUR=abc"], "--fx 'EUR=abc': the rate must be a positive number"),
        (["--fx", "EUR=0"], "--fx 'EUR=0': the rate must be a positive number"),
        (["--fx", "EUR=-1.2"], "--fx 'EUR=-1.2': the rate must be a positive number"),
        (["--fx", "EU=1.08"], "--fx 'EU=1.08': a currency is a 3-letter code"),
        (["--fx", "EUR"], "--fx 'EUR': write CODE=RATE"),
        (["--fx", "EUR=1.08", "--fx", "EUR=1.1"], "--fx gives two rates for EUR"),
        (["--currency", "dollars"], "--currency 'dollars': a currency is a 3-letter code"),
    ],
)
def test_cli_bad_rates_are_one_clear_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = _report(capsys, str(META_USD), str(ADS_EUR), *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert message in err
    assert "Traceback" not in err
