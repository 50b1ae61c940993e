"""Raw bot event logs: daily facts per date x campaign x channel x variant, exact users."""

from pathlib import Path

import numpy as np
import pandas as pd

from kpi_desktop.core.io.importer import import_file
from kpi_desktop.core.kpi import aggregate

DATA = Path(__file__).resolve().parents[2] / "data" / "import"


def test_event_log_aggregates_to_daily_facts() -> None:
    result = import_file(DATA / "bot_events.csv")
    assert result.preset == "bot_events"
    facts = result.facts.set_index(["date", "campaign_key", "channel", "variant"])
    day1a = facts.loc[(pd.Timestamp("2025-03-03"), "spring_sale_2025", "Messenger", "A")]
    # 7001: message (matched), button click, link click; 7003 only had a delivery.
    assert day1a["users"] == 1
    assert day1a["interactions"] == 3
    assert day1a["clicks"] == 1
    assert day1a["total_messages"] == 1
    assert day1a["matched_responses"] == 1
    day1b = facts.loc[(pd.Timestamp("2025-03-03"), "spring_sale_2025", "Messenger", "B")]
    assert day1b["declared_data_points"] == 1
    assert day1b["interactions"] == 1
    assert result.facts["interactions"].sum() == 11
    assert result.facts["total_messages"].sum() == 6
    assert result.facts["matched_responses"].sum() == 4
    assert result.facts["users"].sum() == 8  # daily sums count 7001 three times


def test_event_users_are_exact_over_periods() -> None:
    result = import_file(DATA / "bot_events.csv")
    events = result.events
    assert events is not None
    assert list(events.columns) == [
        "user",
        "source_id",
        "date",
        "campaign_key",
        "channel",
        "variant",
    ]
    assert events["user"].dtype == np.int64
    total = aggregate(result.facts, None, events=events)
    assert total.loc["total", "users"] == 5  # 7001, 7002, 7004, 7005, 7006
    by_campaign = aggregate(result.facts, "campaign", events=events)
    assert by_campaign.loc["spring_sale_2025", "users"] == 4
    assert by_campaign.loc["summer_bot_launch", "users"] == 1


def test_same_user_ids_give_same_codes_across_files(tmp_path: Path) -> None:
    first = import_file(DATA / "bot_events.csv")
    copy = tmp_path / "copy.csv"
    copy.write_text((DATA / "bot_events.csv").read_text() + "\n")
    second = import_file(copy)
    assert first.events is not None
    assert second.events is not None
    assert set(first.events["user"]) == set(second.events["user"])
    assert first.source_id != second.source_id


def test_unknown_event_types_are_reported_once(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        "Timestamp,User ID,Campaign,Event type\n"
        "2025-03-03 10:00,1,A,message\n"
        "2025-03-03 10:01,2,A,teleport\n"
        "2025-03-03 10:02,3,A,teleport\n"
        "yesterday,4,A,message\n"
    )
    result = import_file(path)
    reasons = [p.reason for p in result.problems]
    assert any("“teleport” (2 events)" in r for r in reasons)
    assert any(p.row == 5 and "time" in p.reason for p in result.problems)
    assert result.facts["users"].sum() == 3
    assert result.facts["interactions"].sum() == 1
