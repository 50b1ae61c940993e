"""The workspace file: round trips, refusing bad files, overrides, campaigns, FX, recovery."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpi_desktop.core import kpi
from kpi_desktop.core.io.presets import PRESET_LABELS, PRESET_ROLES
from kpi_desktop.core.sample import large_facts
from kpi_desktop.core.schema import normalize_facts
from kpi_desktop.core.workspace import (
    ADJUSTMENT_SOURCE,
    APPLICATION_ID,
    SCHEMA_VERSION,
    Changes,
    RowKey,
    Workspace,
    WorkspaceError,
    migrate,
)


@dataclass
class FakeImport:
    """Duck-typed stand-in for `core.io.importer.ImportResult`."""

    facts: pd.DataFrame
    events: pd.DataFrame | None = None
    problems: list[str] = field(default_factory=list)
    preset: str = "meta_ads"
    mapping: dict[str, str] = field(default_factory=lambda: {"Amount spent (USD)": "spend"})
    supplies: frozenset[str] = frozenset({"spend", "users"})
    sha256: str = "a" * 64
    file_name: str = "meta.csv"
    currency: str = "USD"

    @property
    def role(self) -> str:
        return PRESET_ROLES.get(self.preset, "other")

    @property
    def label(self) -> str:
        return PRESET_LABELS.get(self.preset, "")


def facts_of(rows: list[dict]) -> pd.DataFrame:
    return normalize_facts(pd.DataFrame(rows))


def three_day_facts(users=(100, 200, 300), spend=(10.0, 20.0, 30.0), campaign="Autumn Sale"):
    return facts_of(
        [
            {
                "date": f"2026-09-0{i + 1}",
                "campaign": campaign,
                "channel": "Messenger",
                "users": u,
                "clicks": u // 10,
                "spend": s,
                "currency": "USD",
            }
            for i, (u, s) in enumerate(zip(users, spend, strict=True))
        ]
    )


@pytest.fixture
def ws():
    workspace = Workspace.new()
    yield workspace
    workspace.close()


def reopen(ws: Workspace, path: Path) -> Workspace:
    ws.save(path)
    return Workspace.open(path)


# -- file round trip ---------------------------------------------------------------------


def test_new_workspace_is_empty_and_clean(ws):
    assert ws.path is None
    assert ws.dirty is False
    assert len(ws.facts()) == 0
    assert ws.events() is None
    assert list(ws.campaigns().index) == []
    assert ws.report("campaign").rows.empty


def test_everything_round_trips_through_the_file(ws, tmp_path):
    ws.add_import(FakeImport(three_day_facts(), problems=["Sheet1 row 9: bad date"]))
    ws.set_reporting_currency("usd")
    ws.set_fx_rate("EUR", 1.1)
    ws.set_target("ctr", 0.12)
    ws.set_target("roas", 3.0, "autumn_sale")
    ws.set_note("autumn_sale", "Main push")
    ws.rename_campaign("autumn_sale", "Autumn Sale 2026")
    ws.add_link("https://x.example/?utm_source=fb", {"utm_source": "fb"}, "first")
    ws.set_setting("utm.lowercase", True)
    ws.edit_cell(1, "spend", 25.5)
    ws.edit_campaign_value("autumn_sale", "clicks", 100)
    assert ws.dirty is True
    path = tmp_path / "work.kpidesk"
    with reopen(ws, path) as again:
        assert ws.dirty is False
        assert ws.path == path
        assert again.path == path
        assert again.dirty is False
        assert again.reporting_currency == "USD"
        assert again.fx_rates() == {"EUR": 1.1}
        assert again.targets() == {None: {"ctr": 0.12}, "autumn_sale": {"roas": 3.0}}
        assert again.notes("autumn_sale") == "Main push"
        assert again.campaigns().loc["autumn_sale", "display_name"] == "Autumn Sale 2026"
        assert again.get_setting("utm.lowercase") is True
        assert again.get_setting("missing", 7) == 7
        links = again.links()
        assert links.loc[0, "url"] == "https://x.example/?utm_source=fb"
        assert links.loc[0, "utm_source"] == "fb"
        assert links.loc[0, "note"] == "first"
        (source,) = again.sources()
        assert (source.id, source.file_name, source.platform, source.sha256) == (
            "s1",
            "meta.csv",
            "meta_ads",
            "a" * 64,
        )
        assert source.warnings == ("Sheet1 row 9: bad date",)
        assert source.supplies == ("spend", "users")
        assert source.mapping == {"Amount spent (USD)": "spend"}
        pd.testing.assert_frame_equal(again.facts(), ws.facts())
        assert again.facts()["spend"].tolist()[:3] == [10.0, 25.5, 30.0]
        assert again.is_edited(1, "spend") is True
        assert again.imported_value(1, "spend") == 20.0
        assert again.report("campaign").rows.loc["autumn_sale", "clicks"] == 100.0


def test_file_is_sqlite_with_our_application_id_and_version(ws, tmp_path):
    path = tmp_path / "w.kpidesk"
    ws.add_import(FakeImport(three_day_facts()))
    ws.save(path)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("SELECT file_name, row_count FROM sources").fetchall() == [
            ("meta.csv", 3)
        ]
    finally:
        conn.close()


def test_events_round_trip_and_give_exact_users(ws, tmp_path):
    facts = three_day_facts(users=(2, 2, 1))
    events = pd.DataFrame(
        {
            "user": [1, 2, 1, 3, 1],
            "source_id": "x",
            "date": pd.to_datetime(["2026-09-01"] * 2 + ["2026-09-02"] * 2 + ["2026-09-03"]),
            "campaign_key": "autumn_sale",
            "channel": "Messenger",
            "variant": "",
        }
    )
    ws.add_import(FakeImport(facts, events=events))
    assert ws.report("campaign").rows.loc["autumn_sale", "users"] == 3.0
    with reopen(ws, tmp_path / "e.kpidesk") as again:
        assert again.events()["user"].tolist() == [1, 2, 1, 3, 1]
        assert set(again.events()["source_id"]) == {"s1"}
        assert again.report("campaign").rows.loc["autumn_sale", "users"] == 3.0


def test_save_untitled_without_path_is_refused(ws):
    with pytest.raises(WorkspaceError, match="no file yet"):
        ws.save()


def test_save_into_missing_folder_gives_a_workspace_error(ws, tmp_path):
    with pytest.raises(WorkspaceError, match=r"^Could not save w\.kpidesk"):
        ws.save(tmp_path / "nope" / "w.kpidesk")


def test_save_as_moves_the_path_and_keeps_the_old_file(ws, tmp_path):
    first, second = tmp_path / "a.kpidesk", tmp_path / "b.kpidesk"
    ws.save(first)
    ws.set_note("x", "later")
    ws.save_as(second)
    assert ws.path == second
    with Workspace.open(first) as a, Workspace.open(second) as b:
        assert a.notes("x") == ""
        assert b.notes("x") == "later"


# -- refusing files ----------------------------------------------------------------------


def _saved(tmp_path: Path) -> Path:
    ws = Workspace.from_facts(large_facts(2000, campaigns=5), currency="USD")
    path = tmp_path / "ok.kpidesk"
    ws.save(path)
    ws.close()
    return path


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda b: b"hello, world\n" * 20, r"^bad\.kpidesk is not a KPI Desk workspace\.$"),
        (lambda b: b"", r"^bad\.kpidesk is not a KPI Desk workspace\.$"),
        (lambda b: b[: len(b) // 2], r"^bad\.kpidesk is damaged and cannot be opened"),
        (lambda b: b[:4096], r"^bad\.kpidesk is damaged and cannot be opened"),
        (
            lambda b: b[: len(b) - 3000] + bytes(3000),
            r"^bad\.kpidesk is damaged and cannot be opened",
        ),
        (
            lambda b: b[:200] + bytes(range(256)) * 8 + b[200 + 2048 :],
            r"^bad\.kpidesk is damaged and cannot be opened",
        ),
    ],
    ids=["text", "empty", "half", "first-page", "zeroed-tail", "garbled-header-page"],
)
def test_damaged_or_foreign_files_are_refused_and_left_alone(tmp_path, damage, message):
    good = _saved(tmp_path).read_bytes()
    bad = tmp_path / "bad.kpidesk"
    bad.write_bytes(damage(good))
    before = bad.read_bytes()
    with pytest.raises(WorkspaceError, match=message):
        Workspace.open(bad)
    assert bad.read_bytes() == before


def test_flipped_bytes_inside_the_facts_blob_fail_the_checksum(tmp_path):
    path = _saved(tmp_path)
    data = bytearray(path.read_bytes())
    conn = sqlite3.connect(path)
    try:
        blob = conn.execute("SELECT facts FROM sources").fetchone()[0]
    finally:
        conn.close()
    at = bytes(data).index(blob[5000:5064])
    data[at + 10] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(WorkspaceError, match="fails its checksum"):
        Workspace.open(path)


def test_other_sqlite_databases_are_not_workspaces(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    try:
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
    finally:
        conn.close()
    with pytest.raises(WorkspaceError, match=r"^other\.db is not a KPI Desk workspace\.$"):
        Workspace.open(path)


def test_newer_format_is_refused_with_a_clear_message(tmp_path):
    path = _saved(tmp_path)
    conn = sqlite3.connect(path)
    try:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        conn.commit()
    finally:
        conn.close()
    before = path.read_bytes()
    with pytest.raises(WorkspaceError) as info:
        Workspace.open(path)
    assert info.value.message == (
        f"This workspace was saved by a newer version of KPI Desk (format {SCHEMA_VERSION + 1}); "
        f"this version opens formats up to {SCHEMA_VERSION}. Please update KPI Desk."
    )
    assert path.read_bytes() == before


def test_missing_file_gives_a_workspace_error(tmp_path):
    with pytest.raises(WorkspaceError, match=r"^Could not read nope\.kpidesk"):
        Workspace.open(tmp_path / "nope.kpidesk")


def test_migrate_creates_v1_from_an_empty_database():
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        assert migrate(conn) == 0
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"sources", "edits", "campaigns", "aliases", "targets", "fx_rates"} <= tables
        assert {"utm_links", "settings", "meta"} <= tables
        assert migrate(conn) == SCHEMA_VERSION  # idempotent
    finally:
        conn.close()


# -- overrides ---------------------------------------------------------------------------


def test_edit_is_an_override_beside_the_imported_value(ws):
    ws.add_import(FakeImport(three_day_facts()))
    changes = ws.edit_cell(1, "spend", 99)
    assert changes.rows == frozenset({1})
    assert changes.fields == frozenset({"spend"})
    assert changes.campaigns == frozenset({"autumn_sale"})
    assert ws.facts()["spend"].tolist() == [10.0, 99.0, 30.0]
    assert ws.is_edited(1, "spend") is True
    assert ws.is_edited(0, "spend") is False
    assert ws.is_edited(1, "users") is False
    assert ws.imported_value(1, "spend") == 20.0
    (record,) = ws.edits()
    assert (record.table, record.field, record.old_value, record.new_value) == (
        "facts",
        "spend",
        20.0,
        99.0,
    )
    assert record.row_key == RowKey("s1", "2026-09-02", "autumn_sale", "Messenger", "", 0)
    assert ws.report("campaign").rows.loc["autumn_sale", "spend"] == 139.0
    ws.revert_cell(1, "spend")
    assert ws.facts()["spend"].tolist() == [10.0, 20.0, 30.0]
    assert ws.is_edited(1, "spend") is False
    assert ws.edits() == []
    assert ws.report("campaign").rows.loc["autumn_sale", "spend"] == 60.0


def test_blank_edit_makes_a_cell_missing_not_zero(ws):
    ws.add_import(FakeImport(three_day_facts()))
    ws.edit_cell(0, "spend", "")
    assert np.isnan(ws.facts()["spend"].iat[0])
    assert ws.report("campaign").rows.loc["autumn_sale", "spend"] == 50.0


def test_typing_the_imported_value_back_drops_the_override(ws):
    ws.add_import(FakeImport(three_day_facts()))
    ws.edit_cell(2, "users", 5)
    ws.edit_cell(2, "users", 300)
    assert ws.edits() == []
    assert ws.is_edited(2, "users") is False


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("users", -1, "cannot be negative"),
        ("users", "abc", "must be a number"),
        ("spend", float("inf"), "finite"),
        ("campaign", "x", "cannot be edited"),
        ("date", "2026-01-01", "cannot be edited"),
    ],
)
def test_bad_edits_are_refused_and_change_nothing(ws, field, value, message):
    ws.add_import(FakeImport(three_day_facts()))
    before = ws.facts()
    with pytest.raises(ValueError, match=message):
        ws.edit_cell(0, field, value)
    pd.testing.assert_frame_equal(ws.facts(), before)
    assert ws.edits() == []


def test_paste_block_is_one_transaction(ws):
    ws.add_import(FakeImport(three_day_facts()))
    changes = ws.edit_cells([(0, "users", 1), (1, "users", 2), (2, "clicks", 3)])
    assert changes.rows == frozenset({0, 1, 2})
    assert changes.fields == frozenset({"users", "clicks"})
    assert ws.facts()["users"].tolist() == [1.0, 2.0, 300.0]
    with pytest.raises(ValueError, match="cannot be negative"):
        ws.edit_cells([(0, "users", 7), (1, "users", -2)])
    assert ws.facts()["users"].tolist() == [1.0, 2.0, 300.0]


def test_reimport_keeps_overrides_by_natural_key_and_reports_the_rest(ws):
    ws.add_import(FakeImport(three_day_facts()))
    ws.edit_cell(0, "spend", 11)  # 2026-09-01
    ws.edit_cell(2, "spend", 33)  # 2026-09-03: gone from the new file
    new = three_day_facts(users=(1, 2, 3), spend=(1.0, 2.0, 3.0))
    new = new.iloc[[1, 0]].reset_index(drop=True)  # reordered, and day 3 is gone
    result = FakeImport(new, sha256="b" * 64)
    replace = ws.find_replaceable(result)
    assert replace == "s1"  # same file name and platform
    changes = ws.add_import(result, replace=replace)
    assert changes.reset is True
    assert changes.sources == ("s1",)
    assert [(e.row_key.date, e.new_value) for e in changes.dropped_edits] == [("2026-09-03", 33.0)]
    facts = ws.facts()
    assert facts["date"].dt.day.tolist() == [2, 1]
    assert facts["spend"].tolist() == [2.0, 11.0]
    assert ws.is_edited(1, "spend") is True
    assert ws.imported_value(1, "spend") == 1.0
    assert [e.new_value for e in ws.orphaned_edits()] == [33.0]


def test_same_sha_is_offered_as_replace_even_under_another_name(ws):
    ws.add_import(FakeImport(three_day_facts()))
    assert ws.find_replaceable(FakeImport(three_day_facts(), file_name="copy.csv")) == "s1"
    other = FakeImport(three_day_facts(), file_name="ga4.csv", sha256="c" * 64, preset="ga4")
    assert ws.find_replaceable(other) is None


def test_duplicate_natural_keys_are_told_apart_by_their_order(ws):
    rows = [
        {"date": "2026-09-01", "campaign": "A", "source_medium": m, "visitors": v}
        for m, v in [("fb / cpc", 5), ("messenger / chatbot", 7)]
    ]
    ws.add_import(FakeImport(facts_of(rows)))
    ws.edit_cell(1, "visitors", 70)
    assert ws.row_key(0).dup == 0
    assert ws.row_key(1).dup == 1
    assert ws.facts()["visitors"].tolist() == [5.0, 70.0]


def test_overrides_survive_removing_and_restoring_their_source(ws):
    ws.add_import(FakeImport(three_day_facts()))
    ws.edit_cell(0, "users", 1)
    snapshot = ws.remove_source("s1")
    assert len(ws.facts()) == 0
    assert len(ws.orphaned_edits()) == 1
    ws.restore_source(snapshot)
    assert ws.facts()["users"].tolist() == [1.0, 200.0, 300.0]
    assert ws.orphaned_edits() == []


# -- campaigns ---------------------------------------------------------------------------


def test_manual_campaign_is_typed_in_and_editable(ws, tmp_path):
    ws.set_reporting_currency("USD")
    ws.add_campaign(
        "Spring Promo",
        values={"users": 1000, "clicks": 125, "spend": 400},
        date="2026-03-01",
        notes="typed in",
    )
    ws.add_manual_row("spring_promo", date="2026-04-01", values={"users": 500, "clicks": 50})
    camp = ws.campaigns().loc["spring_promo"]
    assert (camp["display_name"], camp["notes"], camp["manual"], camp["rows"]) == (
        "Spring Promo",
        "typed in",
        True,
        2,
    )
    report = ws.report("campaign")
    assert report.rows.loc["spring_promo", "ctr"] == pytest.approx(175 / 1500)
    daily = ws.daily("spring_promo")
    assert daily["date"].dt.month.tolist() == [3, 4]
    ws.edit_cell(int(daily["row_id"].iat[1]), "clicks", 60)
    with reopen(ws, tmp_path / "m.kpidesk") as again:
        assert again.report("campaign").rows.loc["spring_promo", "clicks"] == 185.0
        assert again.sources()[0].kind == "manual"
    with pytest.raises(ValueError, match="already exists"):
        ws.add_campaign("spring  promo")


def test_rename_changes_the_display_name_everywhere(ws):
    ws.add_import(FakeImport(three_day_facts()))
    ws.rename_campaign("autumn_sale", "Autumn Sale 2026")
    assert set(ws.facts()["campaign"]) == {"Autumn Sale 2026"}
    assert ws.report("campaign").rows.loc["autumn_sale", "campaign"] == "Autumn Sale 2026"
    ws.rename_campaign("autumn_sale", None)
    assert set(ws.facts()["campaign"]) == {"Autumn Sale"}


def test_delete_hides_a_campaign_and_restore_brings_it_back(ws, tmp_path):
    facts = pd.concat([three_day_facts(), three_day_facts(campaign="Loyalty Club")])
    ws.add_import(FakeImport(facts))
    ws.edit_cell(4, "users", 1)  # Loyalty Club, day 2
    ws.delete_campaign("loyalty_club")
    assert list(ws.campaigns().index) == ["autumn_sale"]
    assert ws.deleted_campaigns() == ["loyalty_club"]
    assert len(ws.facts()) == 3
    with reopen(ws, tmp_path / "d.kpidesk") as again:
        assert len(again.facts()) == 3
        again.restore_campaign("loyalty_club")
        assert again.facts()["users"].tolist() == [100.0, 200.0, 300.0, 100.0, 1.0, 300.0]


def test_aliases_rewrite_campaign_key_and_name_in_facts_and_events(ws):
    meta = three_day_facts(campaign="Autumn Sale")
    ga4 = three_day_facts(users=(1, 1, 1), campaign="autumn-sale-fb")
    ga4["source_id"] = "ga"
    events = pd.DataFrame(
        {
            "user": [7],
            "source_id": "x",
            "date": pd.to_datetime(["2026-09-01"]),
            "campaign_key": "autumn_sale_fb",
            "channel": "Messenger",
            "variant": "",
        }
    )
    ws.add_import(FakeImport(meta))
    # Another platform: two imports of one platform would not add up (DESIGN 4, Overlaps).
    ws.add_import(
        FakeImport(ga4, events=events, sha256="d" * 64, file_name="ga4.csv", preset="ga4")
    )
    assert sorted(ws.campaigns().index) == ["autumn_sale", "autumn_sale_fb"]
    ws.add_alias("autumn_sale_fb", "autumn_sale")
    facts = ws.facts()
    assert set(facts["campaign_key"]) == {"autumn_sale"}
    assert set(facts["campaign"]) == {"Autumn Sale"}
    assert ws.events()["campaign_key"].tolist() == ["autumn_sale"]
    assert list(ws.campaigns().index) == ["autumn_sale"]
    assert ws.campaigns().loc["autumn_sale", "aliases"] == ("autumn_sale_fb",)
    ws.remove_alias("autumn_sale_fb")
    assert sorted(set(ws.facts()["campaign_key"])) == ["autumn_sale", "autumn_sale_fb"]


def test_alias_chains_follow_the_new_canonical_campaign(ws):
    ws.add_alias("b", "a")
    ws.add_alias("a", "c")
    assert ws.aliases() == {"a": "c", "b": "c"}
    with pytest.raises(ValueError, match="alias of itself"):
        ws.add_alias("c", "a")


def test_targets_per_campaign_fall_back_to_the_workspace_default(ws):
    ws.set_target("ctr", 0.1)
    ws.set_target("ctr", 0.2, "autumn_sale")
    assert ws.target("ctr", "autumn_sale") == 0.2
    assert ws.target("ctr", "other") == 0.1
    assert ws.target("roas", "other") is None
    ws.set_target("ctr", None, "autumn_sale")
    assert ws.targets() == {None: {"ctr": 0.1}}
    with pytest.raises(ValueError, match="unknown KPI"):
        ws.set_target("nope", 1.0)


# -- campaign-level edits ----------------------------------------------------------------


def test_campaign_total_edit_pins_the_total_with_an_adjustment_row(ws, tmp_path):
    ws.add_import(FakeImport(three_day_facts()))
    changes = ws.edit_campaign_value("autumn_sale", "users", 1000)
    assert changes.reset is True  # a row appears
    report = ws.report("campaign")
    assert report.rows.loc["autumn_sale", "users"] == 1000.0
    assert report.rows.loc["autumn_sale", "ctr"] == pytest.approx(60 / 1000)
    daily = ws.daily("autumn_sale")
    assert daily["users"].tolist() == [100.0, 200.0, 300.0, 400.0]
    assert daily["source_id"].tolist()[-1] == ADJUSTMENT_SOURCE
    adjustment = int(daily["row_id"].iat[-1])
    assert ws.is_edited(adjustment, "users") is True
    with pytest.raises(ValueError, match="adjustment"):
        ws.edit_cell(adjustment, "users", 5)
    # A later daily edit keeps the typed total: the adjustment absorbs it.
    ws.edit_cell(0, "users", 150)
    assert ws.report("campaign").rows.loc["autumn_sale", "users"] == 1000.0
    assert ws.daily("autumn_sale")["users"].tolist() == [150.0, 200.0, 300.0, 350.0]
    assert ws.campaign_override("autumn_sale", "users") == 1000.0
    with reopen(ws, tmp_path / "c.kpidesk") as again:
        assert again.report("campaign").rows.loc["autumn_sale", "users"] == 1000.0
    ws.revert_campaign_value("autumn_sale", "users")
    assert ws.report("campaign").rows.loc["autumn_sale", "users"] == 650.0
    assert len(ws.facts()) == 3


def test_campaign_total_of_money_is_in_the_reporting_currency(ws):
    ws.set_reporting_currency("USD")
    ws.set_fx_rate("EUR", 2.0)
    facts = three_day_facts()
    facts["currency"] = "EUR"
    ws.add_import(FakeImport(facts))
    assert ws.report("campaign").rows.loc["autumn_sale", "spend"] == 120.0
    ws.edit_campaign_value("autumn_sale", "spend", 150)
    assert ws.report("campaign").rows.loc["autumn_sale", "spend"] == 150.0
    ws.set_fx_rate("EUR", 1.0)  # the typed total stays what the user typed
    assert ws.report("campaign").rows.loc["autumn_sale", "spend"] == 150.0
    with pytest.raises(ValueError, match="no campaign total"):
        ws.edit_campaign_value("autumn_sale", "ad_recall_exposed", 0.5)
    with pytest.raises(KeyError, match="no campaign 'nope'"):
        ws.edit_campaign_value("nope", "spend", 5)
    assert len(ws.facts()) == 4  # three days and one adjustment row


# -- currency ----------------------------------------------------------------------------


def test_money_without_a_rate_makes_money_kpis_undefined(ws):
    ws.set_reporting_currency("USD")
    facts = three_day_facts()
    facts["currency"] = ["USD", "GBP", "USD"]
    facts["conversions"] = 2.0
    facts["conversion_value"] = 50.0
    ws.add_import(FakeImport(facts))
    report = ws.report("campaign")
    assert np.isnan(report.rows.loc["autumn_sale", "roas"])
    assert report.reason("autumn_sale", "roas") == "no exchange rate for GBP"
    assert report.rows.loc["autumn_sale", "ctr"] == pytest.approx(60 / 600)
    ws.set_fx_rate("gbp", 1.25)
    assert ws.fx() == kpi.FxRates("USD", {"GBP": 1.25})
    report = ws.report("campaign")
    assert report.rows.loc["autumn_sale", "roas"] == pytest.approx(162.5 / 65.0)
    with pytest.raises(ValueError, match="positive"):
        ws.set_fx_rate("GBP", 0)


# -- incremental KPIs --------------------------------------------------------------------


@pytest.mark.parametrize("by", ["campaign", "channel", "variant", "date"])
def test_incremental_report_equals_a_fresh_one_after_edits(by):
    facts = large_facts(3000, campaigns=20, seed=3)
    facts.loc[facts.index[:40], "users"] = np.nan
    facts.loc[facts.index[40:60], "currency"] = "EUR"
    events = pd.DataFrame(
        {
            "user": np.arange(200) % 37,
            "source_id": "ev",
            "date": facts["date"].iloc[3000 - 200 :].to_numpy(),
            "campaign_key": facts["campaign_key"].iloc[3000 - 200 :].to_numpy(),
            "channel": facts["channel"].iloc[3000 - 200 :].to_numpy(),
            "variant": facts["variant"].iloc[3000 - 200 :].to_numpy(),
        }
    )
    facts.loc[facts.index[3000 - 200 :], "source_id"] = "ev"
    with Workspace.from_facts(facts, events=events, currency="USD") as ws:
        ws.set_fx_rate("EUR", 1.1)
        ws.edit_campaign_value("campaign_003", "spend", 5000)
        first = ws.report(by)
        rng = np.random.default_rng(5)
        for step in range(30):
            row = int(rng.integers(0, 3000))
            name = ["users", "spend", "clicks", "conversions", "conversion_value"][step % 5]
            value = None if step % 7 == 0 else float(rng.integers(0, 500))
            ws.edit_cell(row, name, value)
        cached = ws.report(by)
        fresh = kpi.report(ws.facts(), by, events=ws.events(), fx=ws.fx())
        pd.testing.assert_frame_equal(cached.rows, fresh.rows, check_exact=False, rtol=1e-9)
        pd.testing.assert_series_equal(cached.total, fresh.total, check_exact=False, rtol=1e-9)
        if by == "campaign":
            assert cached.rows.loc["campaign_003", "spend"] == pytest.approx(5000)
            # The cache was updated in place, not rebuilt by a full kpi.report.
            assert cached is not first
            assert ws._cube.cached("campaign_key") is cached


def test_facts_returned_earlier_do_not_change_under_the_caller(ws):
    ws.add_import(FakeImport(three_day_facts()))
    before = ws.facts()
    ws.edit_cell(0, "users", 1)
    assert before["users"].tolist() == [100.0, 200.0, 300.0]
    assert ws.facts()["users"].tolist() == [1.0, 200.0, 300.0]


def test_filtered_report_uses_edits_and_is_not_cached(ws):
    ws.add_import(FakeImport(three_day_facts()))
    ws.edit_cell(0, "users", 1000)
    report = ws.report("campaign", start="2026-09-01", end="2026-09-02")
    assert report.rows.loc["autumn_sale", "users"] == 1200.0


# -- recovery ----------------------------------------------------------------------------


def test_recovery_beside_the_file_is_found_opened_and_cleared_by_save(ws, tmp_path):
    path = tmp_path / "w.kpidesk"
    ws.add_import(FakeImport(three_day_facts()))
    ws.save(path)
    ws.edit_cell(0, "users", 7)
    written = ws.write_recovery()
    assert written == tmp_path / "w.kpidesk.recovery"
    assert Workspace.find_recovery(path) == written
    with Workspace.open_recovery(written) as recovered:
        assert recovered.path == path.resolve()
        assert recovered.dirty is True
        assert recovered.facts()["users"].tolist() == [7.0, 200.0, 300.0]
        recovered.save()
        assert not written.exists()
    with Workspace.open(path) as saved:
        assert saved.facts()["users"].tolist() == [7.0, 200.0, 300.0]


def test_untitled_recovery_goes_to_the_given_folder(ws, tmp_path):
    ws.set_note("a", "unsaved")
    with pytest.raises(ValueError, match="needs a folder"):
        ws.write_recovery()
    written = ws.write_recovery(tmp_path)
    assert written.parent == tmp_path
    assert written.name.endswith(".kpidesk.recovery")
    assert Workspace.find_recovery(tmp_path) == written
    with Workspace.open_recovery(written) as recovered:
        assert recovered.path is None
        assert recovered.notes("a") == "unsaved"
    ws.save(tmp_path / "named.kpidesk")
    assert not written.exists()
    assert Workspace.find_recovery(tmp_path) is None


def test_recovery_of_a_saved_state_is_not_kept(ws, tmp_path):
    ws.save(tmp_path / "w.kpidesk")
    written = ws.write_recovery()
    assert not written.exists()


def test_recovery_from_a_background_thread_while_editing(tmp_path):
    with Workspace.from_facts(large_facts(20_000, campaigns=10), currency="USD") as ws:
        ws.save(tmp_path / "w.kpidesk")
        errors: list[BaseException] = []
        stop = threading.Event()

        def autosave():
            try:
                while not stop.is_set():
                    ws.write_recovery()
            except BaseException as exc:  # reported below: threads swallow exceptions
                errors.append(exc)

        thread = threading.Thread(target=autosave)
        thread.start()
        try:
            for i in range(60):
                ws.edit_cell(i, "users", i)
        finally:
            stop.set()
            thread.join()
        assert errors == []
        ws.write_recovery()
        with Workspace.open_recovery(tmp_path / "w.kpidesk.recovery") as recovered:
            assert recovered.facts()["users"].iloc[:60].tolist() == [float(i) for i in range(60)]


# -- sample & misc -----------------------------------------------------------------------


def test_open_sample_is_an_untitled_copy_with_everything():
    with Workspace.open_sample() as ws:
        assert ws.path is None
        assert ws.dirty is False
        assert ws.reporting_currency == "USD"
        assert len(ws.campaigns()) == 6
        assert ws.notes("style_finder") == "Instagram DM bot recommending outfits."
        assert ws.targets()[None]["ctr"] == 0.12
        assert len(ws.links()) == 2
        with pytest.raises(WorkspaceError, match="no file yet"):
            ws.save()


def test_changes_merge_is_a_union():
    a = Changes(rows=frozenset({1}), fields=frozenset({"users"}), kpis_dirty=False)
    b = Changes(rows=frozenset({2}), fields=frozenset({"spend"}), sources=("s1",))
    merged = a.merge(b)
    assert merged.rows == frozenset({1, 2})
    assert merged.fields == frozenset({"users", "spend"})
    assert merged.kpis_dirty is True
    assert merged.sources == ("s1",)
    assert a.merge(Changes()).rows is None


def test_settings_must_be_json(ws):
    with pytest.raises(TypeError):
        ws.set_setting("x", object())
    assert ws.get_setting("x") is None


def test_facts_keep_canonical_dtypes_through_edits_aliases_and_files(ws, tmp_path):
    canonical = normalize_facts(pd.DataFrame()).dtypes
    ws.add_import(FakeImport(three_day_facts()))
    ws.add_import(FakeImport(three_day_facts(campaign="b"), sha256="f" * 64, file_name="b"))
    ws.add_alias("b", "autumn_sale")
    ws.rename_campaign("autumn_sale", "Renamed")
    ws.edit_cell(0, "users", 1)
    ws.edit_campaign_value("autumn_sale", "spend", 1000)
    expected = pd.concat([canonical, pd.Series({"row_id": np.dtype("int64")})])
    pd.testing.assert_series_equal(ws.facts().dtypes, expected)
    with reopen(ws, tmp_path / "t.kpidesk") as again:
        pd.testing.assert_series_equal(again.facts().dtypes, expected)
        pd.testing.assert_frame_equal(again.facts(), ws.facts())


def test_add_imports_replaces_same_files_and_warnings_say_what_matters(ws):
    ws.set_reporting_currency("USD")
    first = FakeImport(three_day_facts(), problems=["row 4: bad date"])
    gbp = three_day_facts(campaign="Style")
    gbp["currency"] = "GBP"
    second = FakeImport(gbp, sha256="2" * 64, file_name="ga4.csv", preset="ga4")
    changes = ws.add_imports([first, second])
    assert changes.sources == ("s1", "s2")
    assert ws.warnings() == [
        "meta.csv: row 4: bad date",
        "no exchange rate for GBP: money KPIs are undefined where they are involved",
    ]
    ws.edit_cell(2, "users", 1)
    again = FakeImport(three_day_facts().iloc[:2], sha256="3" * 64)  # same name and preset
    assert ws.add_imports([again]).sources == ("s1",)
    assert len(ws.facts()) == 5
    assert ws.warnings() == [
        "no exchange rate for GBP: money KPIs are undefined where they are involved",
        "1 edit(s) no longer match an imported row",
    ]
    assert ws.add_imports([again], replace_same=False).sources == ("s3",)
    assert len(ws.facts()) == 5  # the same rows again count once (DESIGN 4, Overlaps)


def test_view_state_settings_do_not_make_the_workspace_modified(tmp_path):
    ws = Workspace.new()
    ws.save(tmp_path / "w.kpidesk")
    assert not ws.dirty
    ws.set_setting("filter", {"preset": "last_7"}, view_state=True)
    assert not ws.dirty
    ws.set_setting("annotations", [{"date": "2026-11-01", "text": "TV spot"}])
    assert ws.dirty
    ws.save()
    assert Workspace.open(tmp_path / "w.kpidesk").get_setting("filter") == {"preset": "last_7"}


def test_file_shows_the_design_names_and_a_v1_file_migrates(tmp_path):
    path = tmp_path / "w.kpidesk"
    ws = Workspace.open_sample()
    ws.save(path)
    ws.close()
    with sqlite3.connect(path) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert {"sources", "facts", "event_users", "campaigns", "edits", "fx_rates"} <= names
        assert {"utm_links", "settings", "meta"} <= names
        version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        assert version == (str(SCHEMA_VERSION),)
        assert conn.execute("SELECT SUM(rows) FROM facts").fetchone()[0] > 800
    conn.close()
    # A version-1 file (before the views existed) opens and is brought up to date.
    with sqlite3.connect(path) as conn:
        conn.executescript("DROP VIEW facts; DROP VIEW event_users; PRAGMA user_version = 1;")
    conn.close()
    reopened = Workspace.open(path)
    assert len(reopened.facts()) > 800
    reopened.close()


def test_links_row_number_does_not_shadow_a_saved_utm_id():
    with Workspace.new() as ws:
        first = ws.add_link("https://x.example/?utm_source=fb", {"utm_source": "fb"})
        second = ws.add_link("https://x.example/?utm_id=c7", {"id": "c7"})
        links = ws.links()
        assert list(links["link_id"]) == [second, first]
        assert links.loc[0, "id"] == "c7"
        assert pd.isna(links.loc[1, "id"])  # no utm_id of its own: not the row number
        assert list(Workspace.new().links().columns) == ["link_id", "url", "created", "note"]


def test_a_v2_file_opens_and_gets_each_sources_role_and_label(tmp_path):
    path = tmp_path / "w.kpidesk"
    with Workspace.new() as ws:
        ws.add_import(FakeImport(three_day_facts()))
        ws.add_import(FakeImport(three_day_facts(), sha256="b" * 64, file_name="x.csv", preset="x"))
        ws.save(path)
        notes = [n.text for n in ws.merge_notes()]
    # Version 2 had no role or label columns: they came from the preset when merging.
    with sqlite3.connect(path) as conn:
        conn.executescript(
            "ALTER TABLE sources DROP COLUMN role; ALTER TABLE sources DROP COLUMN label;"
            " PRAGMA user_version = 2;"
        )
    conn.close()
    with Workspace.open(path) as again:
        assert [(s.role, s.label) for s in again.sources()] == [
            ("ad", "Meta Ads"),
            ("other", "x.csv"),
        ]
        assert [n.text for n in again.merge_notes()] == notes
        again.save(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
        rows = conn.execute("SELECT id, role, label FROM sources ORDER BY ordinal").fetchall()
        assert rows == [("s1", "ad", "Meta Ads"), ("s2", "other", "x.csv")]
    conn.close()
