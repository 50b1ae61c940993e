"""TikTok, LinkedIn, Microsoft Advertising, Pinterest and Snapchat exports (issue 11 item 7).

Each fixture in `tests/data/import/platforms/` is in the platform's export layout (sources
in `tests/data/import/README.md`); every test imports through `import_file`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from kpi_desktop.core.io.importer import ImportOptions, import_file
from kpi_desktop.core.io.merge import merge_sources
from kpi_desktop.core.io.presets import PRESET_IDS, PRESET_LABELS, PRESET_ROLES

DATA = Path(__file__).resolve().parents[2] / "data" / "import" / "platforms"
#: Data rows of each fixture (campaign × day), without totals, preamble or footer.
ROWS = {
    "tiktok_ads.xlsx": 5,
    "linkedin_ads.csv": 5,
    "microsoft_ads.csv": 5,
    "pinterest_ads.csv": 3,
    "snapchat_ads.csv": 3,
}
AD_FIELDS = ["spend", "impressions", "ad_clicks", "ad_conversions", "ad_conversion_value"]

#: file, preset, header row, currency, {campaign: (spend, impressions, clicks, conv, value)},
#: summary rows dropped, days.
CASES = [
    (
        "tiktok_ads.xlsx",
        "tiktok_ads",
        1,
        "USD",
        {"Spring Sale TT": (120, 15000, 180, 9, 450), "Creators Q1": (60, 8000, 50, 1, 45)},
        1,
        ["2025-03-03", "2025-03-04", "2025-03-05"],
    ),
    (
        "linkedin_ads.csv",
        "linkedin_ads",
        5,
        "EUR",
        {"Webinar Leads": (300, 10500, 100, 6, 600), "Brand Always-On": (50, 17000, 25, 0, 0)},
        0,
        ["2025-03-03", "2025-03-04", "2025-03-05"],
    ),
    (
        "microsoft_ads.csv",
        "microsoft_ads",
        11,
        "USD",
        {"Brand Search": (90, 3600, 180, 9, 540), "Generic Search": (90, 4600, 70, 1, 60)},
        1,
        ["2025-03-03", "2025-03-04", "2025-03-05"],
    ),
    (
        "pinterest_ads.csv",
        "pinterest_ads",
        1,
        "",
        {"Home Decor Spring": (50, 6600, 65, 5, 210), "Recipes Always-On": (10, 2000, 12, 0, 0)},
        0,
        ["2025-03-03", "2025-03-04"],
    ),
    (
        "snapchat_ads.csv",
        "snapchat_ads",
        1,
        "GBP",
        {"Spring Drop": (100, 15000, 160, 6, 330), "AR Lens Launch": (60, 12000, 50, 0, 0)},
        0,
        ["2025-03-03", "2025-03-04"],
    ),
]


@pytest.mark.parametrize(
    ("name", "preset", "header_row", "currency", "totals", "dropped", "days"), CASES
)
def test_platform_export_is_recognised_and_read_as_ad_figures(
    name: str,
    preset: str,
    header_row: int,
    currency: str,
    totals: dict[str, tuple[float, ...]],
    dropped: int,
    days: list[str],
) -> None:
    result = import_file(DATA / name)
    assert result.preset == preset
    assert result.role == "ad"
    assert result.label == PRESET_LABELS[preset]
    assert result.header_row == header_row  # below any preamble
    assert result.currency == currency
    assert result.problems == []  # preamble, footer and totals rows are not errors
    assert result.summary_rows_dropped == dropped
    # Spend is spend; the platform's clicks, conversions and value are the ad_* fields,
    # never the outcomes a web analytics source supplies.
    assert result.supplies == frozenset(AD_FIELDS)
    facts = result.facts
    for outcome in ("clicks", "conversions", "conversion_value", "visitors"):
        assert facts[outcome].isna().all(), outcome
    assert sorted(set(facts["date"].dt.strftime("%Y-%m-%d"))) == days
    assert len(facts) == ROWS[name]  # one per campaign and day, nothing else
    sums = facts.groupby("campaign")[AD_FIELDS].sum()
    assert set(sums.index) == set(totals)
    for campaign, expected in totals.items():
        assert sums.loc[campaign].tolist() == pytest.approx(list(expected)), campaign


def test_new_presets_are_registered() -> None:
    for preset in ("tiktok_ads", "linkedin_ads", "microsoft_ads", "pinterest_ads", "snapchat_ads"):
        assert preset in PRESET_IDS
        assert PRESET_ROLES[preset] == "ad"


def test_microsoft_report_header_names_the_period_and_the_footer_is_not_a_row() -> None:
    result = import_file(DATA / "microsoft_ads.csv")
    assert [str(d) for d in result.period] == ["2025-03-03", "2025-03-05"]
    assert len(result.facts) == 5  # not the `Total` row, not the copyright line
    assert result.mapping["Conv."] == "ad_conversions"
    assert result.mapping["Revenue"] == "ad_conversion_value"
    assert result.mapping["Avg. CPC"] is None  # a rate the app derives


def _rewrite(path: Path, out: Path, order: list[str], drop: tuple[str, ...] = ()) -> None:
    """The LinkedIn fixture with its table columns reordered or dropped (preamble kept)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    preamble, table = lines[:4], list(csv.reader(lines[4:]))
    head = table[0]
    keep = [h for h in order if h not in drop] + [h for h in head if h not in order + list(drop)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows([[r[head.index(h)] for h in keep] for r in table])
    out.write_text("\n".join(preamble) + "\n" + buffer.getvalue(), encoding="utf-8")


@pytest.mark.parametrize("leads_first", [False, True])
def test_linkedin_with_leads_and_conversions_takes_conversions(
    leads_first: bool, tmp_path: Path
) -> None:
    path = DATA / "linkedin_ads.csv"
    if leads_first:  # the rule does not depend on where the columns stand
        path = tmp_path / "linkedin_leads_first.csv"
        _rewrite(DATA / "linkedin_ads.csv", path, ["Leads", "Start Date (in UTC)"])
    result = import_file(path)
    assert result.preset == "linkedin_ads"
    assert result.mapping["Conversions"] == "ad_conversions"
    assert result.mapping["Leads"] is None
    assert result.facts["ad_conversions"].sum() == 6  # conversions 2+3+1, not leads 9+7+5
    if leads_first:
        assert list(result.mapping)[:2] == ["Leads", "Start Date (in UTC)"]  # column order


def test_linkedin_lead_gen_export_without_conversions_takes_leads(tmp_path: Path) -> None:
    path = tmp_path / "linkedin_lead_gen.csv"
    _rewrite(DATA / "linkedin_ads.csv", path, [], drop=("Conversions",))
    result = import_file(path)
    assert result.preset == "linkedin_ads"
    assert result.mapping["Leads"] == "ad_conversions"
    assert result.facts["ad_conversions"].sum() == 21  # 9 + 7 + 5 + 0 + 0


def test_pinterest_outbound_clicks_win_over_pin_clicks(tmp_path: Path) -> None:
    result = import_file(DATA / "pinterest_ads.csv")
    assert result.mapping["Pin clicks"] is None  # listed before Outbound clicks
    assert result.mapping["Outbound clicks"] == "ad_clicks"
    lines = (DATA / "pinterest_ads.csv").read_text(encoding="utf-8").splitlines()
    rows = [r[:7] + r[8:] for r in csv.reader(lines)]  # without Outbound clicks
    path = tmp_path / "pinterest_pin_clicks.csv"
    path.write_text("\n".join(",".join(r) for r in rows), encoding="utf-8")
    only_pins = import_file(path)
    assert only_pins.mapping["Pin clicks"] == "ad_clicks"
    assert only_pins.facts["ad_clicks"].sum() == 115


def test_ad_conversions_stand_in_labelled_when_no_web_analytics_source() -> None:
    results = [import_file(DATA / name) for name, *_ in CASES]
    facts, notes = merge_sources(results)
    assert facts["spend"].sum() == pytest.approx(180 + 350 + 180 + 60 + 160)
    assert facts["conversions"].sum() == pytest.approx(10 + 6 + 10 + 5 + 6)
    note = next(n for n in notes if n.field == "conversions")
    assert "the ad platforms' own figures" in note.text
    for label in ("TikTok Ads", "LinkedIn Ads", "Microsoft Advertising", "Pinterest Ads"):
        assert label in note.text
    _, without = merge_sources(results, use_ad_conversions=False)
    assert not any(n.field == "conversions" for n in without)


def test_a_chosen_preset_reads_a_file_it_does_not_recognise(tmp_path: Path) -> None:
    """The preset picked in the import dialog applies its header map (Snapchat's
    `Swipe Ups` are ad clicks even in a file whose signature is incomplete)."""
    path = tmp_path / "snap_minimal.csv"
    path.write_text(
        "Date,Campaign Name,Spend,Swipe Ups,Purchases\n2025-03-03,Snap A,12.5,30,2\n",
        encoding="utf-8",
    )
    result = import_file(path, ImportOptions(preset="snapchat_ads"))
    assert result.preset == "snapchat_ads"
    assert result.mapping["Swipe Ups"] == "ad_clicks"
    assert result.mapping["Purchases"] == "ad_conversions"
    assert result.facts["spend"].tolist() == [12.5]
