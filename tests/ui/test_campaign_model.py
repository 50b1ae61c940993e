"""The campaign table model without widgets: Qt's model checks, formatting, sort, filter."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt

from kpi_desktop.core import format as fmt
from kpi_desktop.core.commands import EditCampaignTotal
from kpi_desktop.core.kpi import KPI_BY_ID, KpiReport
from kpi_desktop.core.workspace import Workspace
from kpi_desktop.ui.models.campaign_model import (
    COLUMNS,
    TOTAL_LABEL,
    CampaignTableModel,
    edit_text,
    parse_input,
)

DISPLAY = Qt.ItemDataRole.DisplayRole


@pytest.fixture
def report(sample: Workspace) -> KpiReport:
    return sample.report("campaign")


@pytest.fixture
def model(report: KpiReport, sample: Workspace) -> CampaignTableModel:
    model = CampaignTableModel()
    model.set_report(report, sample.reporting_currency, {"loyalty_club": "Retention bot"})
    return model


def names(model: CampaignTableModel) -> list[str]:
    return [model.index(r, 0).data() for r in range(1, model.rowCount())]


def test_qt_model_checks_pass(qtmodeltester, model: CampaignTableModel) -> None:
    qtmodeltester.check(model)


def test_qt_model_checks_pass_when_empty_sorted_and_filtered(
    qtmodeltester, model: CampaignTableModel
) -> None:
    qtmodeltester.check(CampaignTableModel())
    model.sort(model.column_of("roas"), Qt.SortOrder.DescendingOrder)
    model.set_filter_text("o")
    qtmodeltester.check(model)


def test_one_row_per_campaign_and_a_total_on_top(model, report) -> None:
    assert model.rowCount() == len(report.rows) + 1
    assert model.columnCount() == len(COLUMNS)
    assert model.index(0, 0).data() == TOTAL_LABEL
    assert model.index(0, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(0, 0).data(model.RowKeyRole) is None
    assert names(model) == list(report.rows["campaign"])


def test_cells_are_formatted_by_core_format(model, report, sample) -> None:
    currency = sample.reporting_currency
    row = list(report.rows.index).index("autumn_sale_2026") + 1
    values = report.rows.loc["autumn_sale_2026"]
    for key in ("users", "spend", "ad_recall_exposed"):
        cell = model.index(row, model.column_of(key))
        assert cell.data() == fmt.field_value(key, values[key], currency)
    for kpi_id in ("interactions_per_user", "ctr", "cost_per_conversion", "roas"):
        cell = model.index(row, model.column_of(kpi_id))
        assert cell.data() == fmt.kpi_value(KPI_BY_ID[kpi_id], values[kpi_id], currency)
    total = model.index(0, model.column_of("roas"))
    assert total.data() == fmt.kpi_value(KPI_BY_ID["roas"], report.total["roas"], currency)
    assert model.index(row, model.column_of("users")).data() == "40,311"
    assert model.index(row, model.column_of("spend")).data().startswith("$")
    assert model.index(row, model.column_of("roas")).data().endswith("x")


def test_numbers_are_right_aligned_and_names_left(model) -> None:
    right = model.index(1, model.column_of("users")).data(Qt.ItemDataRole.TextAlignmentRole)
    left = model.index(1, 0).data(Qt.ItemDataRole.TextAlignmentRole)
    assert Qt.AlignmentFlag(right) & Qt.AlignmentFlag.AlignRight
    assert Qt.AlignmentFlag(left) & Qt.AlignmentFlag.AlignLeft


def test_undefined_kpi_is_an_em_dash_with_its_reason(model, report) -> None:
    row = list(report.rows.index).index("autumn_sale_2026") + 1
    cell = model.index(row, model.column_of("ad_recall_lift"))
    assert cell.data() == fmt.EM_DASH
    assert cell.data(model.SortRole) is None
    assert cell.data(model.ValueRole) is None
    assert "no ad recall (exposed) data" in cell.data(Qt.ItemDataRole.ToolTipRole)


def test_roles_give_native_values(model, report) -> None:
    row = list(report.rows.index).index("loyalty_club") + 1
    cell = model.index(row, model.column_of("roas"))
    assert cell.data(model.SortRole) == pytest.approx(report.rows.loc["loyalty_club", "roas"])
    assert model.index(row, 0).data(model.RowKeyRole) == "loyalty_club"
    assert model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole) == "Retention bot"


def test_header_tooltips_describe_fields_and_formulas(model) -> None:
    tip = model.headerData(model.column_of("clicks"), Qt.Orientation.Horizontal, 3)
    assert "Clicks from the bot to the website" in tip
    tip = model.headerData(model.column_of("ctr"), Qt.Orientation.Horizontal, 3)
    assert "clicks / users" in tip


def test_sort_by_roas_puts_the_best_campaign_first(model, report) -> None:
    model.sort(model.column_of("roas"), Qt.SortOrder.DescendingOrder)
    assert names(model)[0] == report.rows.sort_values("roas").iloc[-1]["campaign"]
    assert names(model)[0] == "Loyalty Club"
    assert model.index(0, 0).data() == TOTAL_LABEL  # pinned
    model.sort(model.column_of("roas"), Qt.SortOrder.AscendingOrder)
    assert names(model)[0] == "Display Retargeting"


@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_undefined_values_sort_last_both_ways(model, order) -> None:
    column = model.column_of("ad_recall_lift")
    model.sort(column, order)
    values = [model.index(r, column).data(model.SortRole) for r in range(1, model.rowCount())]
    assert values[:2] != [None, None]
    assert values[2:] == [None] * (len(values) - 2)
    defined = values[:2]
    assert defined == sorted(defined, reverse=order == Qt.SortOrder.DescendingOrder)


def test_sort_by_name_and_back_to_report_order(model, report) -> None:
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert names(model) == sorted(report.rows["campaign"], reverse=True)
    model.sort(-1)
    assert names(model) == list(report.rows["campaign"])


def test_sort_keeps_persistent_indexes_on_their_rows(model) -> None:
    row = names(model).index("Style Finder") + 1
    persistent = QPersistentModelIndex(model.index(row, 3))
    model.sort(model.column_of("users"), Qt.SortOrder.DescendingOrder)
    assert model.index(persistent.row(), 0).data() == "Style Finder"
    assert persistent.column() == 3


def test_filter_is_case_insensitive_and_keeps_the_total(qtbot, model) -> None:
    with qtbot.waitSignal(model.modelReset):
        model.set_filter_text("  SCHOOL ")
    assert names(model) == ["Back to School"]
    assert model.visible_count() == 1
    assert model.campaign_count() == 6
    assert model.index(0, 0).data() == TOTAL_LABEL
    model.set_filter_text("")
    assert len(names(model)) == 6


def test_new_report_with_same_campaigns_updates_cells_in_place(qtbot, model, sample) -> None:
    # Every campaign has days in November (the brand-lift studies, without a day or a
    # range, count only under "All dates": Holiday Gift Guide has no day before October).
    report = sample.report("campaign", start="2026-11-01")
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.dataChanged):
        model.set_report(report, "USD")
    row = names(model).index("Autumn Sale 2026") + 1
    expected = report.rows.loc["autumn_sale_2026", "users"]
    assert model.index(row, model.column_of("users")).data(model.ValueRole) == expected


def test_report_with_other_campaigns_resets(qtbot, model, sample) -> None:
    report = sample.report("campaign", campaigns=["loyalty_club"])
    with qtbot.waitSignal(model.modelReset):
        model.set_report(report, "USD")
    assert names(model) == ["Loyalty Club"]


def test_works_without_a_campaign_column() -> None:
    facts = pd.DataFrame({"channel": ["Messenger", "DV360"], "users": [10, 0], "clicks": [1, 2]})
    report = Workspace.from_facts(facts).report("channel")
    model = CampaignTableModel()
    model.set_report(report)
    assert names(model) == ["DV360", "Messenger"]
    ctr = model.index(1, model.column_of("ctr"))
    assert ctr.data() == fmt.EM_DASH
    assert "users is 0" in ctr.data(Qt.ItemDataRole.ToolTipRole)
    assert not math.isnan(model.index(2, model.column_of("ctr")).data(model.SortRole))


def test_editable_model_passes_qt_checks_and_refuses_bad_entries(qtmodeltester, qtbot) -> None:
    ws = Workspace.open_sample()
    ws.set_setting(fmt.DECIMAL_MARK_SETTING, ".")  # typed numbers read 1,250 as 1250
    pushed: list[object] = []
    model = CampaignTableModel()
    model.set_workspace(ws, pushed.append)
    model.set_editable(True)
    model.set_report(ws.report("campaign"), "USD")
    qtmodeltester.check(model)
    spend = model.index(1, model.column_of("spend"))
    assert spend.flags() & Qt.ItemFlag.ItemIsEditable
    assert not model.index(1, model.column_of("roas")).flags() & Qt.ItemFlag.ItemIsEditable
    assert not model.index(0, model.column_of("spend")).flags() & Qt.ItemFlag.ItemIsEditable
    with qtbot.waitSignal(model.edit_refused) as refused:
        assert not model.setData(spend, "-3")
    assert "0 or more" in refused.args[0]
    assert pushed == []
    assert model.setData(spend, "$1,250")
    assert pushed[0].text.startswith("Edit spend of")
    assert isinstance(pushed[0], EditCampaignTotal)
    assert pushed[0].value == 1250
    ws.set_setting(fmt.DECIMAL_MARK_SETTING, ",")  # the model reads the setting each time
    assert model.setData(spend, "$1,250")
    assert isinstance(pushed[1], EditCampaignTotal)
    assert pushed[1].value == 1.25


@pytest.mark.parametrize(
    ("field", "text", "decimal", "expected"),
    [
        ("spend", "1.234,50", ",", 1234.5),
        ("spend", "1234.50", ",", 1234.5),
        ("spend", "1.234", ",", 1234.0),
        ("spend", "1.234", ".", 1.234),
        ("spend", "€ 1 234,50", ",", 1234.5),
        ("spend", "$1,250", ".", 1250.0),
        ("users", "1.200", ",", 1200.0),
        ("users", "1,200", ".", 1200.0),
        ("ad_recall_exposed", "12,5 %", ",", 0.125),
        ("ad_recall_exposed", "12.5", ".", 0.125),
        ("ad_recall_exposed", "12,5", ".", 0.125),
        ("spend", "", ",", None),
        ("spend", fmt.EM_DASH, ".", None),
        ("spend", 12.5, ",", 12.5),  # a number, not text: nothing to read
    ],
)
def test_parse_input_reads_the_decimal_mark(
    field: str, text: object, decimal: str, expected: float | None
) -> None:
    assert parse_input(field, text, decimal) == expected


@pytest.mark.parametrize(
    ("field", "text", "decimal", "reason"),
    [
        ("spend", "1.234,50", ".", "is written like 1.234,50 (decimal comma)"),
        ("spend", "1,234.50", ",", "is written like 1,234.50 (decimal point)"),
        ("spend", "-1.234,50 €", ",", "Spend must be an amount of 0 or more."),
        ("users", "1,5", ",", "Users must be a whole number of 0 or more."),
        ("users", "1.234,5", ",", "Users must be a whole number of 0 or more."),
        ("ad_recall_exposed", "150", ".", "must be a percentage from 0 to 100"),
        ("conversions", "lots", ".", "Conversions must be a number like 1,234.50, not “lots”."),
    ],
)
def test_parse_input_refuses_with_one_sentence(
    field: str, text: str, decimal: str, reason: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(reason)):
        parse_input(field, text, decimal)


@pytest.mark.parametrize("decimal", [".", ","])
@pytest.mark.parametrize(
    ("field", "value"),
    [("spend", 5.125), ("spend", 1234.5), ("users", 1234.0), ("ad_recall_exposed", 0.12345)],
)
def test_edit_text_reads_back_as_the_same_number(field: str, value: float, decimal: str) -> None:
    text = edit_text(field, value, decimal)
    assert parse_input(field, text, decimal) == pytest.approx(value)


def test_daily_model_passes_qt_checks(qtmodeltester) -> None:
    from kpi_desktop.ui.models.daily_model import DailyModel

    ws = Workspace.open_sample()
    model = DailyModel(ws, "loyalty_club", lambda command: command.do(ws))
    qtmodeltester.check(model)
    users = model.index(0, model.column_of("users"))
    assert model.setData(users, "12")
    model.reload()
    assert model.index(0, model.column_of("users")).data(model.EditedRole)
    qtmodeltester.check(model)
