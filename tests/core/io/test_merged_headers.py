"""Two header rows under merged group labels, flattened so that every column maps.

`tests/data/import/merged/two_row_header.{xlsx,ods}` hold one hand-made report: a title
merged over the table, `Performance` merged over Clicks/Impressions and `Cost` over
Spend/CPC, `Date` and `Campaign` merged down both header rows, campaigns merged down their
days and a `Total` row. An .xls cannot be written here (no xlwt, no LibreOffice), and
fastexcel does not expose an .xls sheet's merged ranges: see `Workbook.merges`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kpi_desktop.core.io.importer import ImportOptions, import_file
from kpi_desktop.core.io.presets import resolve
from kpi_desktop.core.io.readers import Merge, Workbook

DATA = Path(__file__).resolve().parents[2] / "data" / "import" / "merged"
FILES = ["two_row_header.xlsx", "two_row_header.ods"]
HEADERS = [
    "Date",
    "Campaign",
    "Performance Clicks",
    "Performance Impressions",
    "Cost Spend",
    "Cost CPC",
]


@pytest.mark.parametrize("name", FILES)
def test_group_labels_join_the_labels_under_them_and_every_column_maps(name: str) -> None:
    result = import_file(DATA / name)
    assert result.header_row == 3
    assert result.headers == HEADERS
    assert result.mapping == {
        "Date": "date",
        "Campaign": "campaign",
        "Performance Clicks": "clicks",
        "Performance Impressions": "impressions",
        "Cost Spend": "spend",
        "Cost CPC": None,  # a per-click cost: the app derives it, never imports it
    }
    assert result.problems == []
    assert result.summary_rows_dropped == 1  # the `Total` row
    facts = result.facts
    assert facts["campaign"].tolist() == ["Spring Sale"] * 2 + ["Brand Always-On"] * 2
    assert facts["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2025-03-03",
        "2025-03-04",
        "2025-03-03",
        "2025-03-04",
    ]
    sums = facts.groupby("campaign")[["clicks", "impressions", "spend"]].sum()
    assert sums.loc["Spring Sale"].tolist() == [30, 3000, 110]
    assert sums.loc["Brand Always-On"].tolist() == [12, 6500, 36]


def test_ods_merged_ranges_are_read_from_its_xml() -> None:
    book = Workbook(DATA / "two_row_header.ods", "ods")
    assert sorted(book.merges("Report"), key=lambda m: (m.first_row, m.first_col)) == [
        Merge(1, 0, 1, 5),  # the title
        Merge(2, 0, 3, 0),  # Date, down both header rows
        Merge(2, 1, 3, 1),
        Merge(2, 2, 2, 3),  # Performance
        Merge(2, 4, 2, 5),  # Cost
        Merge(4, 1, 5, 1),  # a campaign down its days
        Merge(6, 1, 7, 1),
    ]
    assert book.merges("No such sheet") == []


@pytest.mark.parametrize("name", FILES)
def test_a_user_mapping_keeps_the_joined_label(name: str) -> None:
    mapping: dict[str, str | None] = {"Performance Clicks": "ad_clicks", "Cost CPC": None}
    result = import_file(DATA / name, ImportOptions(mapping=mapping))
    assert result.mapping["Performance Clicks"] == "ad_clicks"
    assert result.facts["ad_clicks"].sum() == 42


def test_a_joined_label_that_is_known_is_kept_whole() -> None:
    """`Website Sessions` is no known header, so it maps as `Sessions`; the joined words
    `Key Events` (GA4's conversions) and `Amount Spent` are known headers themselves and
    map whole (`Events` or `Spent` alone would map to nothing)."""
    layout = resolve(
        {0: "Website Sessions", 1: "Key Events", 2: "Amount Spent"},
        groups={0: "Website", 1: "Key", 2: "Amount"},
    )
    assert layout.mapping["Website Sessions"] == "visitors"
    assert layout.mapping["Key Events"] == "conversions"
    assert layout.mapping["Amount Spent"] == "spend"
    bare = resolve({0: "Website Sessions", 1: "Events", 2: "Spent"})
    assert bare.mapping == {"Website Sessions": None, "Events": None, "Spent": None}
