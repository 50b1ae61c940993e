"""The headless command line: report on canonical files, exit codes, utm (DESIGN section 9)."""

import json
from pathlib import Path

import pytest

from kpi_desktop.cli import run

DATA = Path(__file__).parent.parent / "data" / "canonical"
SAMPLE = Path(__file__).parents[2] / "kpi_desktop" / "assets" / "sample.kpidesk"

WORKED = {
    "Interactions": ("interactions_per_user", 2.5),
    "Insights": ("insights_per_user", 0.05),
    "CTR": ("ctr", 12.5),
    "Matched": ("matched_response_rate", 50.0),
    "Cost": ("cost_per_conversion", 50.0),
    "ConvRate": ("conversion_rate", 5.0),
    "ROAS": ("roas", 5.0),
}


def _json_report(capsys, *args: str) -> dict:
    assert run(["report", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("name", ["worked_examples.csv", "worked_examples.xlsx"])
def test_report_reproduces_the_worked_examples(capsys, name):
    payload = _json_report(capsys, str(DATA / name))
    rows = {row["campaign"]: row for row in payload["rows"]}
    assert set(rows) == set(WORKED)
    for campaign, (kpi_id, expected) in WORKED.items():
        kpis = rows[campaign]["kpis"]
        assert kpis[kpi_id] == expected
        # every other KPI of that row lacks its inputs: null, never 0
        assert all(v is None for k, v in kpis.items() if k != kpi_id)
    assert payload["total"]["users"] == 23_000
    assert "users are the sum of daily users (no event log)" in payload["warnings"]


def test_report_table_shows_formatted_values(capsys):
    assert run(["report", str(DATA / "worked_examples.csv")]) == 0
    out = capsys.readouterr().out
    for text in ("2.50", "12.5 %", "50.0 %", "$50.00", "5.0 %", "5.00x", "0.05", "—"):
        assert text in out


def test_report_csv_has_header_and_total(capsys, tmp_path):
    out = tmp_path / "r.csv"
    assert (
        run(["report", str(DATA / "worked_examples.csv"), "--format", "csv", "-o", str(out)]) == 0
    )
    text = out.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("campaign,users,")
    assert lines[-1].startswith("Total,23000,")


def test_report_by_date_with_range_on_the_sample_workspace(capsys):
    payload = _json_report(
        capsys, str(SAMPLE), "--by", "date", "--from", "2026-11-01", "--to", "2026-11-07"
    )
    dates = [row["date"] for row in payload["rows"] if row["date"]]
    assert dates == [f"2026-11-0{d}" for d in range(1, 8)]
    by_campaign = _json_report(capsys, str(SAMPLE))
    assert by_campaign["total"]["kpis"]["ad_recall_lift"] == pytest.approx(106.0, abs=1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "nowhere.csv"], "no such file"),
        (["report", str(DATA)], "is a folder"),
        (["report", "DATA/unknown.csv"], "no column is a known field"),
        (["report", "DATA/corrupt.xlsx"], "corrupt.xlsx"),
        (["report", "DATA/worked_examples.csv", "--from", "soon"], "not a date"),
        (["report", "DATA/worked_examples.csv", "--by", "week"], "invalid choice"),
        (["utm", "javascript:alert(1)", "--source", "a", "--medium", "b", "--campaign", "c"], ""),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, args, message):
    args = [a.replace("DATA", str(DATA)) for a in args]
    assert run(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("kpi-desktop: error:")
    assert message in lines[0]
    assert "Traceback" not in captured.err


def test_import_creates_then_extends_a_workspace(capsys, tmp_path):
    target = tmp_path / "w.kpidesk"
    assert run(["import", str(DATA / "worked_examples.csv"), "--workspace", str(target)]) == 0
    assert target.exists()
    assert "worked_examples.csv: 7 rows" in capsys.readouterr().out
    payload = _json_report(capsys, str(target))
    assert payload["total"]["users"] == 23_000


def test_utm_prints_the_tagged_url(capsys):
    url = "https://shop.example/p?flag&a=1#/route?tab=1"
    assert run(["utm", url, "--source", "fb", "--medium", "chat", "--campaign", "Spring"]) == 0
    assert capsys.readouterr().out.strip() == (
        "https://shop.example/p?flag&a=1&utm_source=fb&utm_medium=chat&utm_campaign=Spring"
        "#/route?tab=1"
    )


def test_report_xlsx_uses_the_fx_rates_and_refuses_without_them(capsys, tmp_path):
    import openpyxl

    files = [
        str(Path(__file__).parent.parent / "data" / "import" / name)
        for name in ("meta_ads.csv", "currency/google_ads_eur.csv")
    ]
    out = tmp_path / "r.xlsx"
    assert run(["report", *files, "--format", "xlsx", "-o", str(out)]) == 2
    assert "money in EUR has no exchange rate to USD" in capsys.readouterr().err
    assert not out.exists()
    assert run(["report", *files, "--fx", "EUR=1.08", "--format", "xlsx", "-o", str(out)]) == 0
    sheet = openpyxl.load_workbook(out)["Campaigns"]
    header = {c.value: c.column_letter for c in sheet[1]}
    labels = {sheet[f"A{r}"].value: r for r in range(2, sheet.max_row + 1)}
    assert sheet[f"{header['Spend']}{labels['Autumn Search EU']}"].value == pytest.approx(216.0)
    assert sheet[f"{header['Spend']}{labels['Total']}"].value == pytest.approx(666.25)
