"""Workspace exports: the Excel report and the campaign CSV of a workspace selection.

The sample workspace's workbook is recalculated by LibreOffice when it is installed: a
real spreadsheet must open it without repairs and get our KPIs from its formulas.
"""

from __future__ import annotations

import csv
import io
import math
import os
import shutil
import subprocess
import zipfile
from importlib.resources import files
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kpi_desktop import cli
from kpi_desktop.core.kpi import KPIS
from kpi_desktop.core.progress import Cancelled
from kpi_desktop.core.report import (
    campaign_table,
    export_workspace_csv,
    export_workspace_xlsx,
    workspace_period,
)
from kpi_desktop.core.schema import normalize_facts
from kpi_desktop.core.workspace import Workspace

SAMPLE = Path(str(files("kpi_desktop") / "assets" / "sample.kpidesk"))
PERIOD = ("2026-10-28", "2026-11-26")
INJECTIONS = ('=HYPERLINK("http://evil.example","x")', "+49 hotline", "-minus", "@SUM(A1)")


@pytest.fixture(scope="module")
def sample() -> Workspace:
    return Workspace.open(SAMPLE)


def _columns(ws) -> dict[str, str]:
    return {cell.value: cell.column_letter for cell in ws[1] if cell.value}


def _rows(ws) -> dict[object, int]:
    return {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}


def _injection_workspace() -> Workspace:
    names = [*INJECTIONS, "Plain"]
    facts = normalize_facts(
        pd.DataFrame(
            [
                {"date": "2026-03-01", "campaign": n, "users": 10 + i, "clicks": 1 + i}
                for i, n in enumerate(names)
            ]
        )
    )
    return Workspace.from_facts(facts, currency="USD")


# --------------------------------------------------------------------------- Excel


def test_sample_workbook_has_the_report_sheets_and_filter(sample: Workspace, tmp_path: Path):
    path = tmp_path / "KPI report.xlsx"
    export_workspace_xlsx(sample, path, start=PERIOD[0], end=PERIOD[1])
    assert zipfile.ZipFile(path).testzip() is None
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Summary", "Campaigns", "Daily"]
    summary = wb["Summary"]
    assert summary["A1"].value == "KPI report"
    assert summary["B2"].value == "all campaigns · all channels"
    assert summary["B3"].value == "2026-10-28 – 2026-11-26"
    assert summary["B5"].value == "USD"
    campaigns = wb["Campaigns"]
    names = set(sample.campaigns()["display_name"])
    assert names <= set(_rows(campaigns))
    assert len(campaigns._charts) == 1
    assert len(wb["Daily"]._charts) == 1
    # Workspace targets reach the Summary's target column (CTR target 12 %).
    row = 10 + [k.id for k in KPIS].index("ctr")
    assert summary[f"F{row}"].value == pytest.approx(0.12)


def test_campaign_and_channel_filters_but_not_dates_reach_the_workbook(
    sample: Workspace, tmp_path: Path
):
    keys = list(sample.campaigns().index[:2])
    path = tmp_path / "filtered.xlsx"
    export_workspace_xlsx(
        sample, path, start=PERIOD[0], end=PERIOD[1], campaigns=keys, channels=["Messenger"]
    )
    wb = openpyxl.load_workbook(path)
    rows = _rows(wb["Campaigns"])
    expected = sample.report(
        "campaign", start=PERIOD[0], end=PERIOD[1], campaigns=keys, channels=["Messenger"]
    )
    assert set(rows) - {"Total"} == set(expected.rows["campaign"])
    names = sample.campaigns()["display_name"]
    assert wb["Summary"]["B2"].value == (
        f"Campaigns: {names[keys[0]]}, {names[keys[1]]} · Channels: Messenger"
    )
    # The previous period comes from the same facts (filtered by campaign, not by date).
    assert wb["Summary"]["B4"].value == "2026-09-28 – 2026-10-27"
    columns = _columns(wb["Campaigns"])
    users = wb["Campaigns"][f"{columns['Users']}{rows['Total']}"].value
    assert users == pytest.approx(expected.total["users"])


def test_an_open_end_is_closed_by_the_data(sample: Workspace):
    facts = sample.facts()
    assert workspace_period(facts, None, None) is None
    start, end = workspace_period(facts, "2026-11-01", None)
    assert (start, end) == (pd.Timestamp("2026-11-01"), facts["date"].max())
    start, _ = workspace_period(facts, None, "2026-09-30")
    assert start == facts["date"].min()


def test_cancelled_export_writes_nothing(sample: Workspace, tmp_path: Path):
    class Stop:
        def report(self, fraction: float, message: str = "") -> None:
            pass

        cancelled = True

    with pytest.raises(Cancelled):
        export_workspace_xlsx(sample, tmp_path / "x.xlsx", progress=Stop())
    assert os.listdir(tmp_path) == []


def test_a_missing_folder_fails_and_leaves_nothing(sample: Workspace, tmp_path: Path):
    with pytest.raises(FileNotFoundError):
        export_workspace_xlsx(sample, tmp_path / "missing" / "x.xlsx")
    with pytest.raises(FileNotFoundError):
        export_workspace_csv(sample, tmp_path / "missing" / "x.csv")
    assert os.listdir(tmp_path) == []


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="needs POSIX permissions that apply (root writes anywhere)",
)
def test_an_unwritable_folder_fails_and_leaves_nothing(sample: Workspace, tmp_path: Path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(PermissionError):
            export_workspace_xlsx(sample, folder / "x.xlsx")
        assert os.listdir(folder) == []
    finally:
        folder.chmod(0o700)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_opens_the_sample_report_and_recalculates_our_kpis(
    sample: Workspace, tmp_path: Path
):
    source = tmp_path / "source"
    source.mkdir()
    path = source / "sample.xlsx"
    export_workspace_xlsx(sample, path, start=PERIOD[0], end=PERIOD[1])
    out = tmp_path / "recalculated"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    wb = openpyxl.load_workbook(out / path.name, data_only=True)
    assert wb.sheetnames == ["Summary", "Campaigns", "Daily"]
    ws = wb["Campaigns"]
    columns, rows = _columns(ws), _rows(ws)
    expected = sample.report("campaign", start=PERIOD[0], end=PERIOD[1])
    labelled = [(v["campaign"], v) for _, v in expected.rows.iterrows()]
    for name, values in [*labelled, ("Total", expected.total)]:
        for kpi in KPIS:
            shown = ws[f"{columns[kpi.name]}{rows[name]}"].value
            if math.isnan(values[kpi.id]):
                assert shown in (None, ""), (name, kpi.id, shown)
            else:
                assert shown == pytest.approx(values[kpi.id], rel=1e-9), (name, kpi.id)


# --------------------------------------------------------------------------- CSV


def test_campaign_csv_has_bom_total_and_our_numbers(sample: Workspace, tmp_path: Path):
    path = tmp_path / "campaigns.csv"
    export_workspace_csv(sample, path, start=PERIOD[0], end=PERIOD[1])
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data
    rows = list(csv.DictReader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    expected = sample.report("campaign", start=PERIOD[0], end=PERIOD[1])
    assert [r["Campaign"] for r in rows] == [*expected.rows["campaign"], "Total"]
    total = rows[-1]
    assert int(total["Users"]) == expected.total["users"]  # counts read as integers
    assert float(total["Chatbot CTR to website (%)"]) == pytest.approx(expected.total["ctr"] * 100)
    assert float(total["Cost per conversion (USD)"]) == pytest.approx(
        expected.total["cost_per_conversion"]
    )
    # Undefined KPIs are empty cells, never 0.
    undefined = [r for r in rows if r["Ad recall lift (%)"] == ""]
    # The sample's two brand-lift studies carry no day and no range: they count only
    # under "All dates" (DESIGN section 4, "Coverage"), so no campaign has a lift here.
    assert len(undefined) == len(rows)


def test_campaign_csv_escapes_formula_injection(tmp_path: Path):
    ws = _injection_workspace()
    path = tmp_path / "campaigns.csv"
    export_workspace_csv(ws, path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    names = [r[0] for r in rows[1:]]
    for name in INJECTIONS:
        assert "'" + name in names
    assert "Plain" in names
    assert not any(n.startswith(("=", "+", "-", "@")) for n in names)


def test_campaign_table_keeps_missing_values_missing():
    ws = _injection_workspace()
    table = campaign_table(ws.report("campaign"), "USD")
    assert table.iloc[-1]["Campaign"] == "Total"
    assert str(table["Users"].dtype) == "Int64"
    assert table["Conversion rate (%)"].isna().all()  # no visitors: undefined, not 0


# --------------------------------------------------------------------------- command line


def test_cli_writes_the_excel_report(tmp_path: Path):
    out = tmp_path / "report.xlsx"
    args = ["report", str(SAMPLE), "--format", "xlsx", "--from", PERIOD[0], "--to", PERIOD[1]]
    status = cli.run([*args, "-o", str(out)])
    assert status == 0
    wb = openpyxl.load_workbook(out)
    assert wb["Summary"]["B3"].value == "2026-10-28 – 2026-11-26"


def test_cli_writes_the_excel_report_of_a_csv(tmp_path: Path):
    source = tmp_path / "facts.csv"
    source.write_text(
        "date,campaign,users,clicks,visitors,conversions\n2026-03-01,Alpha,8000,1000,2000,100\n",
        encoding="utf-8",
    )
    out = tmp_path / "report.xlsx"
    assert cli.run(["report", str(source), "--format", "xlsx", "-o", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    assert "Alpha" in _rows(wb["Campaigns"])


def test_cli_document_formats_need_an_output(capsys: pytest.CaptureFixture[str]):
    assert cli.run(["report", str(SAMPLE), "--format", "xlsx"]) == 2
    assert "needs -o OUT" in capsys.readouterr().err
