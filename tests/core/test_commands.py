"""Undo/redo commands: each undoes exactly, redo re-applies, edits to one cell merge."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import pytest
from undo_support import CommandStack

from kpi_desktop.core.commands import (
    AddAlias,
    AddCampaign,
    DeleteCampaign,
    EditCampaignTotal,
    EditCell,
    ImportSources,
    PasteBlock,
    RenameCampaign,
    RevertCampaignTotal,
    RevertCell,
    SetFxRate,
    SetNote,
    SetReportingCurrency,
    SetTarget,
)
from kpi_desktop.core.io.presets import PRESET_LABELS, PRESET_ROLES
from kpi_desktop.core.schema import normalize_facts
from kpi_desktop.core.workspace import Scope, Workspace


@dataclass
class FakeImport:
    facts: pd.DataFrame
    events: pd.DataFrame | None = None
    problems: list[str] = field(default_factory=list)
    preset: str = "meta_ads"
    mapping: dict[str, str] = field(default_factory=dict)
    supplies: frozenset[str] = frozenset({"spend"})
    sha256: str = "a" * 64
    file_name: str = "meta.csv"
    currency: str = "USD"

    @property
    def role(self) -> str:
        return PRESET_ROLES.get(self.preset, "other")

    @property
    def label(self) -> str:
        return PRESET_LABELS.get(self.preset, "")


def days(users=(100, 200, 300), campaign="Autumn Sale 2026") -> pd.DataFrame:
    return normalize_facts(
        pd.DataFrame(
            {
                "date": ["2026-09-01", "2026-09-02", "2026-09-03"],
                "campaign": campaign,
                "channel": "Messenger",
                "users": list(users),
                "spend": [10.0, 20.0, 30.0],
                "currency": "USD",
            }
        )
    )


@pytest.fixture
def ws():
    workspace = Workspace.new()
    workspace.add_import(FakeImport(days()))
    yield workspace
    workspace.close()


@pytest.fixture
def stack(ws):
    return CommandStack(ws)


def users(ws: Workspace) -> list[float]:
    return ws.facts()["users"].tolist()


def test_edit_cell_text_undo_redo(ws, stack):
    command = EditCell(ws, 1, "spend", 99)
    assert command.text == "Edit spend of Autumn Sale 2026"
    changes = stack.push(command)
    assert changes.rows == frozenset({1})
    assert ws.facts()["spend"].tolist() == [10.0, 99.0, 30.0]
    stack.undo()
    assert ws.facts()["spend"].tolist() == [10.0, 20.0, 30.0]
    assert ws.is_edited(1, "spend") is False
    stack.redo()
    assert ws.facts()["spend"].tolist() == [10.0, 99.0, 30.0]


def test_edits_of_one_cell_merge_into_one_undo_step(ws, stack):
    stack.push(EditCell(ws, 0, "users", 1))
    stack.push(EditCell(ws, 0, "users", 2))
    stack.push(EditCell(ws, 0, "users", 3))
    stack.push(EditCell(ws, 1, "users", 4))  # another cell: its own step
    assert len(stack.done) == 2
    assert users(ws) == [3.0, 4.0, 300.0]
    stack.undo()
    assert users(ws) == [3.0, 200.0, 300.0]
    stack.undo()
    assert users(ws) == [100.0, 200.0, 300.0]
    assert ws.edits() == []
    stack.redo()
    assert users(ws) == [3.0, 200.0, 300.0]


def test_undo_restores_an_earlier_override_not_the_imported_value(ws, stack):
    ws.edit_cell(0, "users", 50)
    stack.push(EditCell(ws, 0, "users", 60))
    stack.undo()
    assert users(ws) == [50.0, 200.0, 300.0]
    assert ws.is_edited(0, "users") is True


def test_revert_cell_command(ws, stack):
    ws.edit_cell(2, "users", 7)
    command = RevertCell(ws, 2, "users")
    assert command.text == "Revert users of Autumn Sale 2026"
    stack.push(command)
    assert users(ws) == [100.0, 200.0, 300.0]
    stack.undo()
    assert users(ws) == [100.0, 200.0, 7.0]


def test_paste_block_is_one_step(ws, stack):
    ws.edit_cell(2, "users", 7)
    command = PasteBlock(ws, [(0, "users", 1), (1, "users", 2), (2, "users", 3)])
    assert command.text == "Paste 3 cells"
    changes = stack.push(command)
    assert changes.rows == frozenset({0, 1, 2})
    assert users(ws) == [1.0, 2.0, 3.0]
    stack.undo()
    assert users(ws) == [100.0, 200.0, 7.0]
    stack.redo()
    assert users(ws) == [1.0, 2.0, 3.0]


def test_campaign_total_edit_merges_and_undoes(ws, stack):
    command = EditCampaignTotal(ws, "autumn_sale_2026", "users", 1000)
    assert command.text == "Edit users of Autumn Sale 2026"
    stack.push(command)
    stack.push(EditCampaignTotal(ws, "autumn_sale_2026", "users", 2000))
    assert len(stack.done) == 1
    assert ws.report("campaign").rows.loc["autumn_sale_2026", "users"] == 2000.0
    stack.undo()
    assert ws.report("campaign").rows.loc["autumn_sale_2026", "users"] == 600.0
    assert len(ws.facts()) == 3
    stack.redo()
    assert ws.report("campaign").rows.loc["autumn_sale_2026", "users"] == 2000.0
    stack.push(RevertCampaignTotal(ws, "autumn_sale_2026", "users"))
    assert ws.report("campaign").rows.loc["autumn_sale_2026", "users"] == 600.0
    stack.undo()
    assert ws.report("campaign").rows.loc["autumn_sale_2026", "users"] == 2000.0


def test_add_campaign_undo_removes_it(ws, stack):
    command = AddCampaign("Spring Promo", values={"users": 10}, date="2026-03-01")
    assert command.text == "Add campaign Spring Promo"
    stack.push(command)
    assert list(ws.campaigns().index) == ["autumn_sale_2026", "spring_promo"]
    stack.undo()
    assert list(ws.campaigns().index) == ["autumn_sale_2026"]
    assert len(ws.facts()) == 3
    stack.redo()
    assert ws.report("campaign").rows.loc["spring_promo", "users"] == 10.0


def test_rename_and_delete_campaign(ws, stack):
    rename = RenameCampaign(ws, "autumn_sale_2026", "Autumn Push")
    assert rename.text == "Rename Autumn Sale 2026 to Autumn Push"
    stack.push(rename)
    assert set(ws.facts()["campaign"]) == {"Autumn Push"}
    delete = DeleteCampaign(ws, "autumn_sale_2026")
    assert delete.text == "Delete campaign Autumn Push"
    stack.push(delete)
    assert len(ws.facts()) == 0
    stack.undo()
    assert users(ws) == [100.0, 200.0, 300.0]
    stack.undo()
    assert set(ws.facts()["campaign"]) == {"Autumn Sale 2026"}
    assert ws.display_name("autumn_sale_2026") is None


def test_set_target_note_fx_and_currency(ws, stack):
    ws.set_target("ctr", 0.1)
    stack.push(SetTarget(ws, "ctr", 0.2))
    stack.push(SetTarget(ws, "ctr", 0.3))  # merges
    assert ws.targets() == {None: {"ctr": 0.3}}
    stack.undo()
    assert ws.targets() == {None: {"ctr": 0.1}}
    stack.push(SetTarget(ws, "roas", 4.0, "autumn_sale_2026"))
    stack.undo()
    assert ws.targets() == {None: {"ctr": 0.1}}

    note = SetNote(ws, "autumn_sale_2026", "A")
    assert note.text == "Edit notes of Autumn Sale 2026"
    stack.push(note)
    stack.push(SetNote(ws, "autumn_sale_2026", "AB"))
    assert ws.notes("autumn_sale_2026") == "AB"
    stack.undo()
    assert ws.notes("autumn_sale_2026") == ""

    before = ws.reporting_currency  # adopted from the first import's currency
    stack.push(SetReportingCurrency(ws, "gbp"))
    assert ws.reporting_currency == "GBP"
    stack.push(SetFxRate(ws, "EUR", 1.1))
    stack.push(SetFxRate(ws, "EUR", 1.2))
    assert ws.fx_rates() == {"EUR": 1.2}
    stack.undo()
    assert ws.fx_rates() == {}
    stack.undo()
    assert ws.reporting_currency == before


def test_import_undo_removes_the_source_and_redo_restores_it():
    with Workspace.new() as ws:
        stack = CommandStack(ws)
        command = ImportSources([FakeImport(days())])
        assert command.text == "Import meta.csv"
        changes = stack.push(command)
        assert changes.reset is True
        assert changes.sources == ("s1",)
        ws.edit_cell(0, "users", 5)
        stack.undo()
        assert len(ws.facts()) == 0
        assert ws.sources() == []
        stack.redo()
        assert [s.id for s in ws.sources()] == ["s1"]
        assert users(ws) == [5.0, 200.0, 300.0]  # the override applies again


def test_undoing_the_first_import_gives_back_the_empty_reporting_currency():
    with Workspace.new() as ws:
        stack = CommandStack(ws)
        assert ws.reporting_currency == ""
        changes = stack.push(ImportSources([FakeImport(days(), currency="EUR")]))
        assert ws.reporting_currency == "EUR"  # adopted from the first money import
        changes = stack.undo()
        assert ws.reporting_currency == ""
        assert changes.scope & Scope.FX
        stack.redo()
        assert ws.reporting_currency == "EUR"


def test_reimport_as_replace_undo_brings_the_old_data_back(ws, stack):
    ws.edit_cell(0, "users", 5)
    new = FakeImport(days(users=(1, 2, 3)), sha256="b" * 64)
    replace = ws.find_replaceable(new)
    command = ImportSources([new], replace={0: replace})
    stack.push(command)
    assert users(ws) == [5.0, 2.0, 3.0]  # the override kept on the new data
    stack.undo()
    assert users(ws) == [5.0, 200.0, 300.0]
    assert ws.imported_value(1, "users") == 200.0
    stack.redo()
    assert users(ws) == [5.0, 2.0, 3.0]
    assert [s.id for s in ws.sources()] == ["s1"]


def test_import_several_files_is_one_step(ws, stack):
    second = FakeImport(days(campaign="Loyalty"), sha256="c" * 64, file_name="b.csv")
    third = FakeImport(days(campaign="Style"), sha256="d" * 64, file_name="c.csv")
    command = ImportSources([second, third])
    assert command.text == "Import 2 files"
    stack.push(command)
    assert len(ws.facts()) == 9
    stack.undo()
    assert [s.id for s in ws.sources()] == ["s1"]
    stack.redo()
    assert [s.id for s in ws.sources()] == ["s1", "s2", "s3"]


def test_add_alias_undo(ws, stack):
    ws.add_import(FakeImport(days(campaign="autumn-sale-fb"), sha256="e" * 64, file_name="x"))
    command = AddAlias(ws, "autumn_sale_fb", "autumn_sale_2026")
    assert command.text == "Merge autumn_sale_fb into Autumn Sale 2026"
    stack.push(command)
    assert list(ws.campaigns().index) == ["autumn_sale_2026"]
    # One campaign now, in two imports of one platform: the later counts (DESIGN 4, Overlaps).
    assert ws.report("campaign").rows.loc["autumn_sale_2026", "users"] == 600.0
    stack.undo()
    assert list(ws.campaigns().index) == ["autumn_sale_2026", "autumn_sale_fb"]


def test_commands_survive_row_ids_moving(ws, stack):
    """Cells are held by natural key: deleting another campaign shifts row ids."""
    ws.add_import(FakeImport(days(campaign="Zeta"), sha256="f" * 64, file_name="z.csv"))
    stack.push(EditCell(ws, 3, "users", 9))  # Zeta, day 1
    ws.delete_campaign("autumn_sale_2026")
    assert users(ws) == [9.0, 200.0, 300.0]  # Zeta's day 1 is row 0 now
    assert ws.is_edited(0, "users") is True
    stack.undo()
    assert users(ws) == [100.0, 200.0, 300.0]
    assert ws.edits() == []
    stack.redo()
    assert users(ws) == [9.0, 200.0, 300.0]
