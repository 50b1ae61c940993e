"""Unreadable files give one clear message; bad rows and cells are reported, the rest kept."""

import zipfile
from pathlib import Path

import pytest

from kpi_desktop.core.io.errors import FileUnreadable, Problem
from kpi_desktop.core.io.importer import ImportOptions, import_file
from kpi_desktop.core.progress import CallbackProgress, Cancelled

DATA = Path(__file__).resolve().parents[2] / "data" / "import"


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("bad_empty.csv", "is empty"),
        ("bad_header_only.csv", "no data rows"),
        ("bad_png.xlsx", "not an Excel workbook"),
        ("bad_corrupt.xlsx", "damaged"),
        ("bad_encrypted.xlsx", "password-protected"),
        ("bad_zip_bomb.xlsx", "zip bomb"),
        ("bad_not_a_table.txt", "no table"),
        ("does_not_exist.csv", "does not exist"),
    ],
)
def test_unreadable_files_give_one_clear_line(name: str, words: str) -> None:
    with pytest.raises(FileUnreadable) as caught:
        import_file(DATA / name)
    message = caught.value.message
    assert words in message
    assert name in message
    assert "\n" not in message
    assert isinstance(caught.value, ValueError)


def test_uncompressed_size_is_checked_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", "<a/>" * 300_000)
    with pytest.raises(FileUnreadable, match="more than the"):
        import_file(path, ImportOptions(max_uncompressed_bytes=1_000_000))


def test_binary_file_named_csv(tmp_path: Path) -> None:
    path = tmp_path / "image.csv"
    path.write_bytes((DATA / "bad_png.xlsx").read_bytes())
    with pytest.raises(FileUnreadable, match="not a text file"):
        import_file(path)


def test_workbook_named_csv(tmp_path: Path) -> None:
    path = tmp_path / "book.csv"
    path.write_bytes((DATA / "meta_formatted.xlsx").read_bytes())
    with pytest.raises(FileUnreadable, match="rename it"):
        import_file(path)


def test_bad_rows_and_cells_are_reported_and_the_rest_imported() -> None:
    result = import_file(DATA / "bad_rows.csv")
    assert Problem("", 3, "Users", "not a number: “lots”") in result.problems
    assert Problem("", 4, "Date", "row skipped: not a date: “not a date”") in result.problems
    assert any(p.row == 6 and "number of cells" in p.reason for p in result.problems)
    assert len(result.problems) == 3
    facts = result.facts
    assert len(facts) == 4
    assert facts["interactions"].sum() == 740
    # The unreadable cell is missing, not 0; `n/a` is missing without a complaint.
    assert facts["users"].isna().sum() == 1
    assert facts["clicks"].isna().sum() == 1
    # Text cells that look like formulas or signs stay plain text.
    assert set(facts["campaign"]) == {"Spring Sale 2025", "-5% Promo", "+plus"}


def test_bad_cells_in_a_workbook_name_sheet_row_and_column(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Stats"
    ws.append(["Report"])
    ws.append([])
    ws.append(["Date", "Campaign", "Users", "Interactions"])
    ws.append(["2025-03-03", "A", 10, 20])
    ws.append(["2025-03-04", "A", "ten", 30])
    ws.append(["2025-03-05", "=1+1", 5, "@x"])
    path = tmp_path / "stats.xlsx"
    wb.save(path)
    result = import_file(path)
    assert Problem("Stats", 5, "Users", "not a number: “ten”") in result.problems
    assert Problem("Stats", 6, "Interactions", "not a number: “@x”") in result.problems
    assert result.facts["users"].sum() == 15
    assert result.header_row == 3


def test_progress_reports_and_cancel() -> None:
    seen: list[float] = []
    progress = CallbackProgress(lambda fraction, _message: seen.append(fraction))
    import_file(DATA / "google_ads.csv", progress=progress)
    assert seen[0] == 0.0
    assert seen[-1] == 1.0
    assert seen == sorted(seen)
    cancelling = CallbackProgress()
    cancelling.cancel()
    with pytest.raises(Cancelled):
        import_file(DATA / "google_ads.csv", progress=cancelling)


def test_line_numbers_count_line_breaks_inside_quoted_cells(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text(
        "Date,Campaign,Users\n"
        '2025-03-03,"Spring\nSale",10\n'
        '2025-03-04,"Spring ""big""\n\nSale",ten\n'
        "2025-03-05,A,5,extra\n"
        "2025-03-06,A,7\n"
    )
    result = import_file(path)
    assert Problem("", 4, "Users", "not a number: “ten”") in result.problems
    assert any(p.row == 7 and "number of cells" in p.reason for p in result.problems)
    assert result.facts["campaign"].tolist()[0] == "Spring\nSale"
    assert result.facts["users"].sum() == 17


def test_line_numbers_after_a_preamble_with_multiline_cells(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text(
        "Campaign report\n"
        "March 2025\n"
        "Date,Campaign,Users\n"
        '2025-03-03,"two\nlines",10\n'
        "2025-03-04,B,lots\n"
    )
    result = import_file(path)
    assert result.header_row == 3
    assert Problem("", 6, "Users", "not a number: “lots”") in result.problems
