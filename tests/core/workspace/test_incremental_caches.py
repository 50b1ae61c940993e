"""The workspace's fast paths (incremental adjustment rows, cached reports and indices)
give exactly what a from-scratch `kpi.report` over the effective facts gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpi_desktop.core import commands, kpi
from kpi_desktop.core.sample import large_facts
from kpi_desktop.core.workspace import ADJUSTMENT_SOURCE, Workspace

FIELDS = ("users", "spend", "clicks", "conversions", "conversion_value")


def _events(facts: pd.DataFrame) -> pd.DataFrame:
    tail = facts.iloc[-60:]
    return pd.DataFrame(
        {
            "user": np.arange(60) % 17,
            "source_id": "ev",
            "date": tail["date"].to_numpy(),
            "campaign_key": tail["campaign_key"].to_numpy(),
            "channel": tail["channel"].to_numpy(),
            "variant": tail["variant"].to_numpy(),
        }
    )


def _assert_fresh(ws: Workspace) -> None:
    facts = ws.facts()
    assert facts["row_id"].tolist() == list(range(len(facts)))
    for by in ("campaign", "channel"):
        cached = ws.report(by)
        fresh = kpi.report(facts, by, events=ws.events(), fx=ws.fx())
        pd.testing.assert_frame_equal(cached.rows, fresh.rows, check_exact=False, rtol=1e-12)
        pd.testing.assert_series_equal(cached.total, fresh.total, check_exact=False, rtol=1e-12)
    # Every pinned campaign total holds, and each pinned campaign has one adjustment row.
    adjustments = facts[facts["source_id"] == ADJUSTMENT_SOURCE]
    pinned = {r.row_key for r in ws.edits() if r.table == "campaigns"}
    assert sorted(adjustments["campaign_key"]) == sorted(pinned)
    for rec in ws.edits():
        if rec.table == "campaigns":
            total = ws.report("campaign").rows.loc[rec.row_key, rec.field]
            assert total == pytest.approx(rec.new_value, rel=1e-12, abs=1e-9)
    # Indices and edited marks agree with the facts.
    for key, rows in ws._facts.index("campaign_key").items():
        assert (facts["campaign_key"].to_numpy()[rows] == key).all()
    assert sum(len(r) for r in ws._facts.index("campaign_key").values()) == len(facts)
    for rid in adjustments["row_id"]:
        key = facts["campaign_key"].iat[int(rid)]
        pins = {r.field for r in ws.edits() if r.table == "campaigns" and r.row_key == key}
        assert ws.edited_fields(int(rid)) == pins


@pytest.mark.parametrize(
    ("seed", "campaigns", "paste"), [(0, 8, 5), (1, 8, 5), (2, 8, 5), (3, 40, 30), (4, 40, 30)]
)
def test_random_edits_reverts_campaign_pins_and_undo_match_a_fresh_report(seed, campaigns, paste):
    facts = large_facts(600, campaigns=campaigns, seed=seed)
    facts.loc[facts.index[:25], "users"] = np.nan
    facts.loc[facts.index[25:40], "currency"] = "EUR"
    facts.loc[facts.index[-60:], "source_id"] = "ev"
    rng = np.random.default_rng(seed)
    with Workspace.from_facts(facts, events=_events(facts), currency="USD") as ws:
        ws.set_fx_rate("EUR", 1.1)
        keys = sorted(ws.report("campaign").rows.index)
        held = ws.facts()  # a frame handed out earlier must not change under its holder
        held_copy = held.copy(deep=True)
        done: list[commands.Command] = []
        for _step in range(60):
            action = rng.integers(0, 6)
            name = FIELDS[int(rng.integers(0, len(FIELDS)))]
            n_rows = len(ws.facts())
            row = int(rng.integers(0, n_rows))
            if ws.facts()["source_id"].iat[row] == ADJUSTMENT_SOURCE:
                continue
            key = keys[int(rng.integers(0, len(keys)))]
            if action == 0:
                value = None if rng.random() < 0.2 else float(rng.integers(0, 500))
                cmd: commands.Command = commands.EditCell(ws, row, name, value)
            elif action == 1:
                cmd = commands.RevertCell(ws, row, name)
            elif action == 2:
                cmd = commands.EditCampaignTotal(ws, key, name, float(rng.integers(0, 9000)))
            elif action == 3:
                cmd = commands.RevertCampaignTotal(ws, key, name)
            elif action == 4:
                cells = [
                    (int(r), FIELDS[int(rng.integers(0, 5))], float(rng.integers(0, 50)))
                    for r in rng.integers(0, n_rows, paste)
                    if ws.facts()["source_id"].iat[int(r)] != ADJUSTMENT_SOURCE
                ]
                cmd = commands.PasteBlock(ws, cells)
            else:
                if done:
                    done.pop().undo(ws)
                    _assert_fresh(ws)
                continue
            cmd.do(ws)
            done.append(cmd)
            _assert_fresh(ws)
        while done:
            done.pop().undo(ws)
        _assert_fresh(ws)
        assert not [r for r in ws.edits() if r.table == "campaigns"]
        pd.testing.assert_frame_equal(held, held_copy)


def test_many_appended_adjustment_rows_match_a_fresh_report():
    with Workspace.from_facts(large_facts(800, campaigns=30), currency="USD") as ws:
        keys = sorted(ws.report("campaign").rows.index)
        held = []
        for round_ in range(3):
            for i, key in enumerate(keys):
                ws.edit_campaign_value(key, FIELDS[i % 5], 1000.0 + i + round_)
                held.append((ws.facts(), ws.facts().copy(deep=True)))
            _assert_fresh(ws)
            for i, key in enumerate(reversed(keys)):
                if i % 3 == round_ % 3:
                    ws.revert_campaign_value(key, FIELDS[(len(keys) - 1 - i) % 5])
            _assert_fresh(ws)
        for frame, copy in held:
            pd.testing.assert_frame_equal(frame, copy)


def test_reverting_one_of_two_pinned_fields_unpins_it():
    with Workspace.from_facts(large_facts(300, campaigns=3), currency="USD") as ws:
        before = ws.report("campaign").rows.loc["campaign_001", "users"]
        ws.edit_campaign_value("campaign_001", "users", 5000)
        ws.edit_campaign_value("campaign_001", "spend", 7000)
        ws.revert_campaign_value("campaign_001", "users")
        assert ws.report("campaign").rows.loc["campaign_001", "users"] == pytest.approx(before)
        assert ws.report("campaign").rows.loc["campaign_001", "spend"] == pytest.approx(7000)
        _assert_fresh(ws)


def test_first_campaign_edit_keeps_row_ids_and_patches_the_cached_report():
    with Workspace.from_facts(large_facts(500, campaigns=5), currency="USD") as ws:
        report = ws.report("campaign")
        before = ws.facts()
        changes = ws.edit_campaign_value("campaign_002", "clicks", 12345)
        assert changes.reset is True
        after = ws.facts()
        assert len(after) == len(before) + 1
        pd.testing.assert_frame_equal(after.iloc[: len(before)], before)
        assert ws._cube.cached("campaign_key") is not report  # patched, not dropped
        assert ws.report("campaign").rows.loc["campaign_002", "clicks"] == 12345
        # Removing a middle adjustment row moves the later ones up by one.
        ws.edit_campaign_value("campaign_004", "spend", 10)
        ws.revert_campaign_value("campaign_002", "clicks")
        assert len(ws.facts()) == len(before) + 1
        assert ws.facts()["source_id"].iat[-1] == ADJUSTMENT_SOURCE
        assert ws.edited_fields(len(before)) == frozenset({"spend"})
        _assert_fresh(ws)
