"""The three exports say the same thing: CSV, Excel and the PDF's content agree cell for cell.

One workspace (the real fixtures imported by the CLI, with manual edits and money in a
currency with and without an exchange rate) is exported for one filter as CSV, as Excel
(read back as a viewer that does not recalculate sees it: the formulas' stored results)
and as the PDF's content; every campaign's inputs and KPIs must match (issue 11 item 9).
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from kpi_desktop.cli import run
from kpi_desktop.core import commands
from kpi_desktop.core import format as fmt
from kpi_desktop.core.kpi import KPIS
from kpi_desktop.core.report import export_workspace_csv, export_workspace_xlsx
from kpi_desktop.core.schema import FIELDS, INPUT_FIELDS, MONEY_FIELDS
from kpi_desktop.core.workspace import Workspace
from kpi_desktop.ui.pdf import gather_content
from kpi_desktop.ui.pdf.content import TABLE_FIELDS

IMPORT = Path(__file__).parents[1] / "data" / "import"
FILES = (
    "meta_ads.csv",
    "ga4_traffic.csv",
    "google_ads.csv",
    "bot_stats.xlsx",
    "meta_formatted.xlsx",
    "google_ads_de.csv",
)
START, END = "2025-03-03", "2025-03-04"  # the tester's two-day filter
MESSENGER = "Spring Sale 2025 – Messenger"  # spend 80 + 120.50 EUR in these two days


def _workspace(tmp_path: Path, eur_rate: float | None) -> Workspace:
    path = tmp_path / "walk.kpidesk"
    assert run(["import", *(str(IMPORT / name) for name in FILES), "--workspace", str(path)]) == 0
    ws = Workspace.open(path)
    facts = ws.facts()
    edits: list[commands.Command] = [commands.EditCampaignTotal(ws, "brand_pmax", "spend", 300)]
    [row] = facts.index[
        (facts["campaign_key"] == "spring_sale_2025") & (facts["date"] == "2025-03-04")
    ]
    edits.append(commands.EditCell(ws, int(facts.loc[row, "row_id"]), "users", 123))
    if eur_rate is not None:
        edits.append(commands.SetFxRate(ws, "EUR", eur_rate))
    for command in edits:
        command.do(ws)
    return ws


def _number(value: object) -> float | None:
    if value in (None, ""):
        return None
    if isinstance(value, str) and value.startswith("#"):
        return None  # an error such as #N/A is no number
    return float(value)  # type: ignore[arg-type]


def _xlsx(path: Path) -> tuple[dict[str, dict[str, object]], dict[str, object]]:
    """Campaigns sheet rows by name (stored results, as a non-recalculating viewer shows
    them) and the Summary sheet's input totals."""
    wb = openpyxl.load_workbook(path, data_only=True)
    sheet = wb["Campaigns"]
    header = [c.value for c in sheet[1]]
    rows = {}
    for values in sheet.iter_rows(min_row=2, values_only=True):
        if values[0] is None:
            break
        rows[str(values[0])] = dict(zip(header, values, strict=True))
    summary = {
        str(a): b
        for a, b in wb["Summary"].iter_rows(min_col=1, max_col=2, values_only=True)
        if a is not None
    }
    return rows, summary


def _csv(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row["Campaign"]: row for row in csv.DictReader(handle)}


@pytest.mark.parametrize("eur_rate", [None, 1.1], ids=["no EUR rate", "EUR rate"])
def test_csv_xlsx_and_pdf_agree_on_every_campaign(tmp_path: Path, eur_rate: float | None):
    ws = _workspace(tmp_path, eur_rate)
    currency = ws.reporting_currency
    export_workspace_csv(ws, tmp_path / "r.csv", start=START, end=END)
    export_workspace_xlsx(ws, tmp_path / "r.xlsx", start=START, end=END)
    from_csv = _csv(tmp_path / "r.csv")
    from_xlsx, summary = _xlsx(tmp_path / "r.xlsx")
    pdf = gather_content(ws, start=START, end=END)
    pdf_header = list(pdf.table_header)
    from_pdf = {row[0]: dict(zip(pdf_header, row, strict=True)) for row in pdf.table_rows}

    assert list(from_csv) == list(from_xlsx) == list(from_pdf)
    assert "Total" in from_csv
    assert MESSENGER in from_csv
    csv_header = list(next(iter(from_csv.values())))
    for name, xlsx_row in from_xlsx.items():
        csv_row, pdf_row = from_csv[name], from_pdf[name]
        for field in INPUT_FIELDS:
            label = FIELDS[field].label
            csv_title = f"{label} ({currency})" if field in MONEY_FIELDS else label
            shown = _number(xlsx_row[label])
            written = _number(csv_row[csv_title])
            assert (shown is None) == (written is None), (name, field, shown, written)
            if shown is not None:
                assert shown == pytest.approx(written, rel=1e-9), (name, field)
            if field in TABLE_FIELDS:
                pdf_title = pdf_header[1 + TABLE_FIELDS.index(field)]
                assert pdf_row[pdf_title] == fmt.field_value(field, shown, currency), (name, field)
        for kpi in KPIS:
            shown = _number(xlsx_row[kpi.name])
            [csv_title] = [t for t in csv_header if t == kpi.name or t.startswith(kpi.name + " (")]
            written = _number(csv_row[csv_title])
            expected = fmt.kpi_number(kpi, shown)
            assert (expected is None) == (written is None), (name, kpi.id, shown, written)
            if expected is not None:
                assert written == pytest.approx(expected, rel=1e-9, abs=1e-9), (name, kpi.id)
            assert pdf_row[kpi.name] == fmt.kpi_value(kpi, shown, currency), (name, kpi.id)

    # The tester's cells: what the CSV and PDF say, the workbook says too.
    messenger_spend = _number(from_xlsx[MESSENGER]["Spend"])
    total_spend = _number(from_xlsx["Total"]["Spend"])
    if eur_rate is None:
        assert messenger_spend is None  # EUR without a rate: no partial sum, anywhere
        assert total_spend is None
    else:
        assert messenger_spend == pytest.approx((80 + 120.5) * eur_rate)
        assert total_spend is not None
    bot_value = from_csv["Summer Bot Launch"][f"Conversion value ({currency})"]
    assert _number(from_xlsx["Summer Bot Launch"]["Conversion value"]) == _number(bot_value)
    # The Summary sheet's input totals are the Campaigns sheet's Total row.
    for field in ("spend", "conversion_value", "users", "conversions"):
        label = FIELDS[field].label
        assert _number(summary[label]) == _number(from_xlsx["Total"][label]), field
