"""Workbook formats and readers: .xls/.ods/.xlsm copies, the openpyxl fallback, merged cells."""

from pathlib import Path

import pandas as pd
import pytest

from kpi_desktop.core.io.errors import FileUnreadable
from kpi_desktop.core.io.importer import ImportOptions, import_file
from kpi_desktop.core.io.readers import workbook
from kpi_desktop.core.io.result import ImportResult

DATA = Path(__file__).resolve().parents[2] / "data" / "import"


def facts_without_source(result: ImportResult) -> pd.DataFrame:
    return result.facts.drop(columns="source_id")


# LibreOffice saved these copies of the .xlsx fixtures (make_fixtures.converted_copies).
COPIES = [
    ("bot_stats.xlsx", "bot_stats.xls"),
    ("bot_stats.xlsx", "bot_stats.ods"),
    ("meta_formatted.xlsx", "meta_formatted.xls"),
    ("meta_formatted.xlsx", "meta_formatted.ods"),
    ("meta_formatted.xlsx", "meta_formatted.xlsm"),
]


@pytest.mark.parametrize(("original", "copy"), COPIES)
def test_xls_ods_xlsm_copies_import_like_the_xlsx(original: str, copy: str) -> None:
    expected = import_file(DATA / original)
    result = import_file(DATA / copy)
    assert result.preset == expected.preset
    assert result.sheets == expected.sheets
    assert result.sheet == expected.sheet
    assert result.header_row == expected.header_row
    assert result.summary_rows_dropped == expected.summary_rows_dropped
    assert result.currency == expected.currency
    assert result.problems == []
    pd.testing.assert_frame_equal(facts_without_source(result), facts_without_source(expected))


@pytest.mark.parametrize("copy", ["bot_stats.xls", "bot_stats.ods"])
def test_bot_copies_keep_per_campaign_totals_and_events(copy: str) -> None:
    result = import_file(DATA / copy)
    sums = result.facts.groupby("campaign_key").sum(numeric_only=True, min_count=1)
    assert sums.loc["spring_sale_2025", "users"] == 300
    assert sums.loc["spring_sale_2025", "matched_responses"] == 105
    assert sums.loc["summer_bot_launch", "clicks"] == 4
    assert result.facts["users"].sum() == 350  # the Total row is still dropped
    events = import_file(DATA / copy, ImportOptions(sheet="Raw events"))
    original = import_file(DATA / "bot_stats.xlsx", ImportOptions(sheet="Raw events"))
    assert events.events is not None
    assert original.events is not None
    # User ids are text in every format, so they hash to the same codes.
    assert set(events.events["user"]) == set(original.events["user"])
    pd.testing.assert_frame_equal(facts_without_source(events), facts_without_source(original))


# ------------------------------------------------------------------ openpyxl fallback


@pytest.fixture
def calamine_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    import fastexcel

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise fastexcel.CalamineError("simulated: calamine cannot read this writer's output")

    monkeypatch.setattr(fastexcel, "read_excel", refuse)


@pytest.mark.usefixtures("calamine_fails")
@pytest.mark.parametrize("name", ["bot_stats.xlsx", "meta_formatted.xlsx", "meta_formatted.xlsm"])
def test_openpyxl_fallback_imports_the_same_facts(name: str) -> None:
    result = import_file(DATA / name)
    assert isinstance(result, ImportResult)
    expected_sums = {
        "bot_stats.xlsx": ("spring_sale_2025", "users", 300),
        "meta_formatted.xlsx": ("spring_sale_2025_–_messenger", "spend", 200.5),
        "meta_formatted.xlsm": ("spring_sale_2025_–_messenger", "spend", 200.5),
    }
    key, column, value = expected_sums[name]
    sums = result.facts.groupby("campaign_key").sum(numeric_only=True, min_count=1)
    assert sums.loc[key, column] == pytest.approx(value)
    assert result.problems == []


@pytest.mark.parametrize("sheet", ["Daily stats", "Raw events"])
def test_openpyxl_fallback_matches_fastexcel(sheet: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import fastexcel

    expected = import_file(DATA / "bot_stats.xlsx", ImportOptions(sheet=sheet))

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise fastexcel.CalamineError("simulated")

    monkeypatch.setattr(fastexcel, "read_excel", refuse)
    result = import_file(DATA / "bot_stats.xlsx", ImportOptions(sheet=sheet))
    # Cached formula values (the Total row, the rate column) are read, never evaluated.
    pd.testing.assert_frame_equal(facts_without_source(result), facts_without_source(expected))
    assert result.summary_rows_dropped == expected.summary_rows_dropped
    assert result.problems == expected.problems
    if expected.events is not None:
        assert result.events is not None
        pd.testing.assert_frame_equal(
            result.events.drop(columns="source_id"), expected.events.drop(columns="source_id")
        )


def test_fallback_when_only_loading_a_sheet_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    import fastexcel

    expected = import_file(DATA / "meta_formatted.xlsx")
    real = fastexcel.read_excel

    class HalfReader:
        def __init__(self, path: str) -> None:
            self.sheet_names = real(path).sheet_names

        def load_sheet(self, *_args: object, **_kwargs: object) -> None:
            raise fastexcel.CalamineError("simulated: unsupported cell record")

    monkeypatch.setattr(fastexcel, "read_excel", HalfReader)
    result = import_file(DATA / "meta_formatted.xlsx")
    pd.testing.assert_frame_equal(facts_without_source(result), facts_without_source(expected))


@pytest.mark.usefixtures("calamine_fails")
def test_fallback_checks_the_uncompressed_size_first(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[Path] = []
    monkeypatch.setattr(workbook, "OpenpyxlBook", lambda path: opened.append(path))
    with pytest.raises(FileUnreadable, match="more than the"):
        workbook.Workbook(DATA / "meta_formatted.xlsx", "xlsx", max_uncompressed=1000)
    assert opened == []


@pytest.mark.usefixtures("calamine_fails")
def test_fallback_failing_too_gives_one_clear_line(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "odd.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/workbook.xml", "<not really a workbook")
    with pytest.raises(FileUnreadable) as caught:
        import_file(path)
    assert "damaged or not a readable workbook" in caught.value.message
    assert "\n" not in caught.value.message


@pytest.mark.usefixtures("calamine_fails")
def test_xls_has_no_openpyxl_fallback() -> None:
    with pytest.raises(FileUnreadable, match="damaged or not a readable workbook"):
        import_file(DATA / "bot_stats.xls")


# ------------------------------------------------------------------ hand-made merged cells

MERGED_MAPPING: dict[str, str | None] = {
    "Messenger Users": "users",
    "Messenger Clicks to website": "clicks",
    "Website Besucher": "visitors",
    "Website Umsatz": "conversion_value",
}


def test_two_header_rows_under_a_merged_group_read_as_one_label() -> None:
    result = import_file(DATA / "handmade_merged.xlsx")
    assert result.header_row == 4
    # The title merged over the whole table is not a group; `Datum` merged down both
    # header rows stays `Datum`.
    assert result.headers == [
        "Datum",
        "Kampagne",
        "Messenger Users",
        "Messenger Clicks to website",
        "Website Besucher",
        "Website Umsatz",
        "Kosten",
    ]
    assert result.mapping["Datum"] == "date"
    assert result.mapping["Kampagne"] == "campaign"
    assert result.mapping["Kosten"] == "spend"


@pytest.mark.parametrize("calamine", [True, False])
def test_campaign_merged_down_its_rows_belongs_to_each(
    calamine: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not calamine:
        import fastexcel

        def refuse(*_args: object, **_kwargs: object) -> None:
            raise fastexcel.CalamineError("simulated")

        monkeypatch.setattr(fastexcel, "read_excel", refuse)
    result = import_file(DATA / "handmade_merged.xlsx", ImportOptions(mapping=MERGED_MAPPING))
    facts = result.facts
    assert facts["campaign"].tolist() == ["Frühjahrsaktion"] * 3 + ["Sommer-Bot"] * 2
    assert result.summary_rows_dropped == 1  # `Gesamt`, merged over two cells
    assert result.currency == "EUR"
    assert result.problems == []
    sums = facts.groupby("campaign_key").sum(numeric_only=True, min_count=1)
    spring = sums.loc["frühjahrsaktion"]
    assert spring["users"] == 300
    assert spring["clicks"] == 30
    assert spring["visitors"] == 240
    assert spring["spend"] == 150
    assert spring["conversion_value"] == pytest.approx(2500.0)  # `1.234,56 €` as text
    summer = sums.loc["sommer_bot"]
    assert summer["users"] == 90
    assert summer["conversion_value"] == pytest.approx(100.0)  # the empty cell is missing
    assert facts["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2025-03-03",
        "2025-03-04",
        "2025-03-05",
        "2025-03-03",
        "2025-03-04",
    ]


def test_merged_preview_shows_the_merged_value_in_each_row() -> None:
    result = import_file(DATA / "handmade_merged.xlsx")
    assert result.preview[5][1] == "Frühjahrsaktion"  # row 6, under B5:B7
    assert result.preview[0][1:] == []  # the merged title stays in its first cell


def test_merges_are_not_filled_into_number_columns(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Date", "Campaign", "Spend"])
    ws.append(["2025-03-03", "A", 100])
    ws.append(["2025-03-04", "A", None])
    ws.merge_cells("C2:C3")  # a budget merged over two days is not spent twice
    path = tmp_path / "budget.xlsx"
    wb.save(path)
    result = import_file(path)
    assert result.facts["spend"].sum() == 100
    assert result.facts["spend"].isna().sum() == 1
