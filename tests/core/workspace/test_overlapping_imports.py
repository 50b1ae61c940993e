"""Overlapping imports of one platform never double count (issue 11 item 3, DESIGN 4).

Real Meta Ads Manager and Google Ads CSV layouts in tests/data/import/overlap/ (written
by make_overlap.py there): January 1-20 and January 10-31 of one ad account, with
different figures on the overlap days, and one export of the whole month.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpi_desktop import cli
from kpi_desktop.core.commands import ImportSources
from kpi_desktop.core.io.importer import import_file
from kpi_desktop.core.schema import normalize_facts
from kpi_desktop.core.workspace import Workspace
from kpi_desktop.core.workspace.overlaps import (
    DAILY_WON,
    OVERLAP_FIELD,
    OverlapSource,
    resolve_overlaps,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "import" / "overlap"
EARLY, LATE = DATA / "meta_jan_1_20.csv", DATA / "meta_jan_10_31.csv"
UNION, AGAIN = DATA / "meta_jan_union.csv", DATA / "meta_jan_1_20_again.csv"
GOOGLE = DATA / "google_ads_jan_10_12.csv"
WINTER, BRAND = "winter_sale_2025_–_messenger", "brand_awareness_q1"
FIELDS = ["spend", "impressions", "ad_clicks"]


def imported(*paths: Path) -> Workspace:
    ws = Workspace.new()
    for path in paths:
        ImportSources([import_file(path)]).do(ws)
    return ws


def by_day(ws: Workspace) -> pd.DataFrame:
    """Sums per campaign and day of the effective facts."""
    facts = ws.facts()
    return facts.groupby(["campaign_key", "date"])[FIELDS].sum().sort_index()


def spend_on(ws: Workspace, key: str, day: str) -> float:
    facts = ws.facts()
    rows = facts[(facts["campaign_key"] == key) & (facts["date"] == pd.Timestamp(day))]
    return float(rows["spend"].sum())


def test_two_overlapping_exports_give_the_union_export_figures() -> None:
    union = imported(UNION)
    both = imported(EARLY, LATE)
    pd.testing.assert_frame_equal(by_day(both), by_day(union))
    assert both.report("campaign").total["spend"] == pytest.approx(3964.5)
    # Summed as before, the 11 shared days would count twice.
    naive = sum(float(import_file(p).facts["spend"].sum()) for p in (EARLY, LATE))
    assert naive > 3964.5 + 500
    # The later file's figures on the overlap days, the earlier file's before them.
    late = import_file(LATE).facts
    assert spend_on(both, WINTER, "2025-01-12") == float(
        late.loc[late["date"] == pd.Timestamp("2025-01-12"), "spend"].sum()
    )
    assert spend_on(both, WINTER, "2025-01-05") == spend_on(imported(EARLY), WINTER, "2025-01-05")


def test_import_summary_says_which_days_were_replaced_from_which_file() -> None:
    ws = imported(EARLY)
    command = ImportSources([import_file(LATE)])
    command.do(ws)
    text = (
        "11 days of Winter Sale 2025 – Messenger in meta_jan_1_20.csv replaced by "
        "meta_jan_10_31.csv"
    )
    assert [line[: len(text)] for line in command.summary] == [text]
    assert any(line.startswith(text) for line in ws.merge_summary())


def test_an_identical_reexport_counts_once() -> None:
    once = imported(EARLY)
    twice = imported(EARLY, AGAIN)
    pd.testing.assert_frame_equal(by_day(twice), by_day(once))
    notes = [n.text for n in twice.merge_notes() if n.field == OVERLAP_FIELD]
    assert notes == [
        "20 days of Winter Sale 2025 – Messenger, Brand Awareness Q1 in meta_jan_1_20.csv are "
        "identical in meta_jan_1_20_again.csv: counted once"
    ]


def test_a_campaign_the_newer_file_lacks_keeps_its_rows() -> None:
    both = imported(EARLY, LATE)
    brand = by_day(both).loc[BRAND]
    assert len(brand) == 20
    pd.testing.assert_frame_equal(brand, by_day(imported(EARLY)).loc[BRAND])


def test_spend_still_adds_across_different_platforms() -> None:
    meta = imported(EARLY, LATE)
    ws = imported(EARLY, LATE, GOOGLE)
    for day, cost in (("2025-01-10", 100.0), ("2025-01-11", 110.0), ("2025-01-12", 120.0)):
        assert spend_on(ws, WINTER, day) == pytest.approx(spend_on(meta, WINTER, day) + cost)
    assert not [n for n in ws.merge_notes() if n.field == OVERLAP_FIELD and "google" in n.text]


def test_undo_of_the_newer_import_brings_the_older_rows_back() -> None:
    ws = imported(EARLY)
    before = by_day(ws)
    command = ImportSources([import_file(LATE)])
    command.do(ws)
    assert not by_day(ws).loc[WINTER].equals(before.loc[WINTER])
    command.undo(ws)
    pd.testing.assert_frame_equal(by_day(ws), before)
    command.do(ws)  # redo
    pd.testing.assert_frame_equal(by_day(ws), by_day(imported(UNION)))


def test_an_edit_on_a_replaced_row_is_kept_and_reported_then_counts_again_on_undo() -> None:
    """DESIGN 5's rule for edits whose row is gone: kept, reported, applied when it returns."""
    ws = imported(EARLY)
    facts = ws.facts()

    def row(day: str) -> int:
        hit = facts[(facts["campaign_key"] == WINTER) & (facts["date"] == pd.Timestamp(day))]
        return int(hit["row_id"].iloc[0])

    ws.edit_cell(row("2025-01-12"), "spend", 999.0)  # an overlap day
    ws.edit_cell(row("2025-01-05"), "spend", 555.0)  # a day only the older file has
    command = ImportSources([import_file(LATE)])
    changes = command.do(ws)
    assert [rec.row_key.date for rec in changes.dropped_edits] == ["2025-01-12"]  # type: ignore[union-attr]
    assert spend_on(ws, WINTER, "2025-01-05") == 555.0  # survives: its row still counts
    assert spend_on(ws, WINTER, "2025-01-12") != 999.0  # the later import's figure
    assert any("1 edit on rows of meta_jan_1_20.csv" in line for line in ws.merge_summary())
    assert len(ws.edits()) == 2  # nothing deleted
    command.undo(ws)
    assert spend_on(ws, WINTER, "2025-01-12") == 999.0


def test_a_cell_edit_after_the_overlap_is_patched_like_a_rebuild() -> None:
    ws = imported(EARLY, LATE)
    facts = ws.facts()
    report = ws.report("campaign")  # builds the caches the edit patches
    assert len(report.rows)
    rid = int(
        facts[(facts["campaign_key"] == WINTER) & (facts["date"] == pd.Timestamp("2025-01-15"))][
            "row_id"
        ].iloc[0]
    )
    ws.edit_cell(rid, "spend", 1.0)
    patched = ws.report("campaign").total["spend"]
    ws._invalidate()
    assert ws.report("campaign").total["spend"] == pytest.approx(patched)
    assert spend_on(ws, WINTER, "2025-01-15") == 1.0


def test_the_cli_report_totals_equal_one_export_of_the_union() -> None:
    def report(*paths: Path) -> dict[str, object]:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert cli.run(["report", *(str(p) for p in paths), "--format", "json"]) == 0
        return json.loads(out.getvalue())  # type: ignore[no-any-return]

    both, union = report(EARLY, LATE), report(UNION)
    assert both["total"] == union["total"]
    assert both["rows"] == union["rows"]
    assert any("replaced by meta_jan_10_31.csv" in w for w in both["warnings"])  # type: ignore[union-attr]


# -- the pure rule, on small frames -----------------------------------------------------------


def facts(rows: list[tuple[str, str | None, float]], channel: str = "") -> pd.DataFrame:
    frame = normalize_facts(
        pd.DataFrame(
            {
                "campaign": [r[0] for r in rows],
                "date": [pd.Timestamp(r[1]) if r[1] else pd.NaT for r in rows],
                "spend": [r[2] for r in rows],
                "channel": channel,
            }
        )
    )
    frame["_dup"] = np.zeros(len(frame), dtype=np.int32)
    return frame


def source(sid: str, origin: str, when: str) -> OverlapSource:
    return OverlapSource(sid, origin, f"{sid}.csv", (when, 0))


def test_daily_rows_win_over_a_range_row_of_the_same_platform_and_campaign() -> None:
    lifetime = facts([("A", None, 300.0), ("B", None, 50.0)])
    daily = facts([("A", "2025-01-01", 100.0), ("A", "2025-01-02", 120.0)])
    found = resolve_overlaps(
        [lifetime, daily], [source("s1", "meta_ads", "1"), source("s2", "meta_ads", "2")]
    )
    assert found.keep[0] is not None
    assert found.keep[0].tolist() == [False, True]
    assert found.winner[0] is not None
    assert found.winner[0].tolist() == [DAILY_WON, -1]
    assert found.keep[1] is None
    assert found.notes[0].text.startswith("s1.csv: the reporting-range rows of A are left out")


def test_the_later_import_wins_by_import_time_and_other_origins_add_up() -> None:
    older = facts([("A", "2025-01-01", 1.0)])
    newer = facts([("A", "2025-01-01", 2.0)])
    other = facts([("A", "2025-01-01", 4.0)])
    handmade = facts([("A", "2025-01-01", 8.0)])
    found = resolve_overlaps(
        [newer, other, older, handmade],
        [
            source("s1", "meta_ads", "2025-01-02"),
            source("s2", "google_ads", "2025-01-01"),
            source("s3", "meta_ads", "2025-01-01"),  # stored after s1, imported before it
            source("s4", "", "2025-01-03"),
        ],
    )
    assert [k is None for k in found.keep] == [True, True, False, True]
    assert found.winner[2] is not None
    assert found.winner[2].tolist() == [0]


def test_aliases_make_one_campaign_and_a_single_source_is_left_alone() -> None:
    one = facts([("A", "2025-01-01", 1.0)])
    two = facts([("A2", "2025-01-01", 2.0)])
    sources = [source("s1", "meta_ads", "1"), source("s2", "meta_ads", "2")]
    assert resolve_overlaps([one, two], sources).keep == (None, None)
    aliased = resolve_overlaps([one, two], sources, {"a2": "a"})
    assert aliased.keep[0] is not None
    assert not aliased.keep[0].any()
    assert resolve_overlaps([one], sources[:1]).keep == (None,)
