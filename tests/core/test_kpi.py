"""KPI formulas, aggregation rules and the worked examples of DESIGN section 3."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_desktop.core import format as fmt
from kpi_desktop.core.kpi import (
    KPI_BY_ID,
    KPIS,
    FxRates,
    aggregate,
    compute,
    compute_kpis,
    field_sums,
    report,
    select,
    undefined_reason,
)
from kpi_desktop.core.schema import ADDITIVE_FIELDS, campaign_key, normalize_facts

WORKED = [
    ("interactions_per_user", {"interactions": 25_000, "users": 10_000}, 2.5, "2.50"),
    ("ctr", {"clicks": 1_000, "users": 8_000}, 0.125, "12.5 %"),
    ("matched_response_rate", {"matched_responses": 100, "total_messages": 200}, 0.5, "50.0 %"),
    ("cost_per_conversion", {"spend": 5_000, "conversions": 100}, 50.0, "$50.00"),
    ("conversion_rate", {"conversions": 100, "visitors": 2_000}, 0.05, "5.0 %"),
    ("roas", {"conversion_value": 1_000, "spend": 200}, 5.0, "5.00x"),
    ("insights_per_user", {"declared_data_points": 250, "users": 5_000}, 0.05, "0.05"),
    ("ad_recall_lift", {"ad_recall_exposed": 0.15, "ad_recall_control": 0.05}, 2.0, "+200 %"),
    ("purchase_intent_lift", {"intent_exposed": 0.138, "intent_control": 0.1}, 0.38, "+38 %"),
]


@pytest.mark.parametrize(("kpi_id", "sums", "expected", "shown"), WORKED)
def test_worked_examples(kpi_id, sums, expected, shown):
    kpi = KPI_BY_ID[kpi_id]
    value = compute(kpi, sums)
    assert value == pytest.approx(expected)
    assert fmt.kpi_value(kpi, value, "USD") == shown
    assert undefined_reason(kpi, sums) is None


def test_worked_examples_through_facts_split_over_days():
    facts = normalize_facts(
        pd.DataFrame(
            {
                "date": ["2025-03-01", "2025-03-02"],
                "campaign": ["Spring Sale", "spring_sale"],
                "users": [4_000, 6_000],
                "interactions": [10_000, 15_000],
                "spend": [2_000, 3_000],
                "conversions": [40, 60],
            }
        )
    )
    result = report(facts, "campaign")
    assert len(result.rows) == 1
    row = result.rows.iloc[0]
    assert row["interactions_per_user"] == pytest.approx(2.5)
    assert row["cost_per_conversion"] == pytest.approx(50.0)
    assert row["campaign"] == "Spring Sale"


def test_ratio_of_sums_not_mean_of_ratios():
    facts = normalize_facts(
        pd.DataFrame({"campaign": ["a", "b"], "clicks": [1, 99], "users": [10, 100]})
    )
    total = report(facts, "campaign").total
    assert total["ctr"] == pytest.approx(100 / 110)


@pytest.mark.parametrize(
    ("sums", "reason"),
    [
        ({"clicks": 5, "users": 0}, "users is 0"),
        ({"clicks": 5}, "no users data"),
        ({"users": 5}, "no clicks to website data"),
        ({"clicks": float("nan"), "users": 3}, "no clicks to website data"),
    ],
)
def test_undefined_has_reason_and_never_zero(sums, reason):
    kpi = KPI_BY_ID["ctr"]
    assert compute(kpi, sums) is None
    assert undefined_reason(kpi, sums) == reason
    assert fmt.kpi_value(kpi, None) == "—"


def test_other_cost_is_optional_addend():
    kpi = KPI_BY_ID["cost_per_conversion"]
    assert compute(kpi, {"spend": 400, "conversions": 10}) == pytest.approx(40)
    assert compute(kpi, {"spend": 400, "other_cost": 100, "conversions": 10}) == pytest.approx(50)
    assert compute(kpi, {"other_cost": 100, "conversions": 10}) is None


def test_blank_is_missing_and_sum_of_all_missing_is_missing():
    facts = normalize_facts(
        pd.DataFrame(
            {"campaign": ["a", "a", "b"], "users": [10, None, None], "clicks": [1, 2, None]}
        )
    )
    sums = aggregate(facts, "campaign")
    assert sums.loc["a", "users"] == 10
    assert sums.loc["a", "clicks"] == 3
    assert math.isnan(sums.loc["b", "users"])
    assert math.isnan(sums.loc["b", "clicks"])


def test_missing_visitors_never_replaced_by_clicks():
    facts = normalize_facts(pd.DataFrame({"campaign": ["a"], "clicks": [50], "conversions": [5]}))
    result = report(facts, "campaign")
    assert math.isnan(result.total["conversion_rate"])
    assert result.reason("total", "conversion_rate") == "no visitors data"


def test_unique_users_from_event_log():
    facts = normalize_facts(
        pd.DataFrame(
            {
                "date": ["2025-03-01", "2025-03-02"],
                "campaign": ["a", "a"],
                "users": [2, 2],
                "clicks": [1, 1],
                "source_id": ["log", "log"],
            }
        )
    )
    events = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-03-01", "2025-03-01", "2025-03-02", "2025-03-02"]),
            "campaign_key": ["a"] * 4,
            "channel": [""] * 4,
            "variant": [""] * 4,
            "user": [1, 2, 1, 2],
            "source_id": ["log"] * 4,
        }
    )
    result = report(facts, "campaign", events=events)
    assert result.users_exact
    assert result.total["users"] == 2  # the same two people on both days
    by_day = report(facts, "date", events=events)
    assert list(by_day.rows["users"]) == [2, 2]
    assert not report(facts, "campaign").users_exact
    assert report(facts, "campaign").total["users"] == 4


def test_currencies_never_added_without_rate():
    facts = normalize_facts(
        pd.DataFrame(
            {
                "campaign": ["a", "b"],
                "spend": [100, 100],
                "conversions": [1, 1],
                "currency": ["USD", "EUR"],
            }
        )
    )
    no_rate = report(facts, "campaign", fx=FxRates("USD", {}))
    assert math.isnan(no_rate.total["cost_per_conversion"])
    assert no_rate.reason("total", "cost_per_conversion") == "no exchange rate for EUR"
    assert no_rate.rows.loc["a", "cost_per_conversion"] == 100
    with_rate = report(facts, "campaign", fx=FxRates("USD", {"EUR": 1.1}))
    assert with_rate.total["cost_per_conversion"] == pytest.approx(105)


def test_select_by_date_and_campaign():
    facts = normalize_facts(
        pd.DataFrame(
            {
                "date": ["2025-03-01", "2025-03-05", None],
                "campaign": ["a", "b", "a"],
                "users": [1, 2, 3],
            }
        )
    )
    mask = select(facts, start="2025-03-02", end="2025-03-31")
    assert list(mask) == [False, True, False]  # no day and no range: only "All dates"
    assert list(select(facts, campaigns=["a"])) == [True, False, True]


@pytest.mark.parametrize(
    ("name", "key"),
    [("  Spring Sale ", "spring_sale"), ("Spring--Sale.2025", "spring_sale_2025"), (None, "")],
)
def test_campaign_key(name, key):
    assert campaign_key(name) == key


counts = st.one_of(st.none(), st.integers(min_value=0, max_value=10**9).map(float))
row = st.fixed_dictionaries(dict.fromkeys(ADDITIVE_FIELDS, counts))


@settings(max_examples=150, deadline=None)
@given(st.lists(row, min_size=1, max_size=8), st.lists(st.sampled_from("abc"), min_size=8))
def test_aggregate_then_compute_equals_compute_on_summed_rows(rows, campaigns):
    frame = pd.DataFrame(rows)
    frame["campaign"] = campaigns[: len(rows)]
    facts = normalize_facts(frame)
    per_campaign = aggregate(facts, "campaign")
    regrouped = per_campaign[list(ADDITIVE_FIELDS)].sum(min_count=1).to_frame().T
    direct = aggregate(facts, None)
    pd.testing.assert_frame_equal(
        compute_kpis(regrouped).reset_index(drop=True),
        compute_kpis(direct).reset_index(drop=True),
        check_exact=False,
        rtol=1e-9,
    )


floats = st.one_of(
    st.none(),
    st.floats(min_value=0, max_value=1e308, allow_nan=False),
    st.floats(min_value=0, max_value=1e-300),
)


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries(dict.fromkeys(ADDITIVE_FIELDS, floats)))
def test_no_input_gives_inf_or_negative_or_exception(sums):
    clean = {k: v for k, v in sums.items() if v is not None}
    frame = pd.DataFrame([clean]) if clean else pd.DataFrame(index=[0])
    values = compute_kpis(frame)
    for kpi in KPIS:
        value = compute(kpi, clean)
        assert value is None or (math.isfinite(value) and (value >= 0 or kpi.minus_one))
        column = values[kpi.id].to_numpy()
        assert not np.isinf(column).any()
        reason = undefined_reason(kpi, clean)
        assert (value is None) == (reason is not None)


def test_grouped_field_that_is_entirely_missing_stays_missing():
    facts = normalize_facts(pd.DataFrame({"campaign": ["a", "b"], "users": [1, 2]}))
    sums = aggregate(facts, "campaign")
    assert sums["spend"].isna().all()
    assert list(sums["users"]) == [1, 2]


def test_total_report_uses_events_and_fx():
    facts = normalize_facts(
        pd.DataFrame({"campaign": ["a"], "spend": [10.0], "conversions": [1], "currency": ["EUR"]})
    )
    result = report(facts, None, fx=FxRates("USD", {"EUR": 2.0}))
    assert result.rows.iloc[0]["cost_per_conversion"] == pytest.approx(20.0)


def test_same_user_code_in_two_event_logs_is_one_person():
    facts = normalize_facts(
        pd.DataFrame({"campaign": ["a", "a"], "users": [1, 1], "source_id": ["log1", "log2"]})
    )
    events = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-03-01", "2025-03-01"]),
            "campaign_key": ["a", "a"],
            "channel": ["", ""],
            "variant": ["", ""],
            "user": [5, 5],
            "source_id": ["log1", "log2"],
        }
    )
    assert report(facts, "campaign", events=events).total["users"] == 1


def test_rows_without_a_campaign_are_named_so():
    # Bot data without a campaign is a group of its own; campaign-less web analytics rows
    # are site traffic instead (tests/core/test_site_traffic.py).
    facts = normalize_facts(pd.DataFrame({"campaign": ["a", None, ""], "users": [1, 2, 3]}))
    rows = report(facts, "campaign").rows
    assert list(rows["campaign"]) == ["(no campaign)", "a"]
    assert list(rows["users"]) == [5, 1]


def test_field_sums_is_the_summing_of_aggregate():
    facts = normalize_facts(
        pd.DataFrame(
            {
                "campaign": ["a", "a", "b", "b"],
                "users": [1.0, None, None, None],
                "spend": [10.0, 5.0, 2.0, None],
                "currency": ["USD", "EUR", "USD", "USD"],
                "ad_recall_exposed": [0.2, 0.4, None, 0.1],
            }
        )
    )
    names = ["users", "spend", "ad_recall_exposed"]
    codes = np.array([0, 0, 1, 1])
    sums = field_sums(facts, names, codes, 2, factor=np.array([1.0, 2.0, 1.0, 1.0]))
    assert sums["users"][0] == 1.0
    assert np.isnan(sums["users"][1])  # all missing stays missing
    assert list(sums["spend"]) == [20.0, 2.0]  # EUR converted at 2
    assert sums["ad_recall_exposed"] == pytest.approx([0.3, 0.1])  # rates are means
    grouped = aggregate(facts, "campaign", fx=FxRates("USD", {"EUR": 2.0}))
    assert list(grouped["spend"]) == [20.0, 2.0]
    total = field_sums(facts, ["spend"], positions=np.array([0, 2]))
    assert list(total["spend"]) == [12.0]
