"""Period comparison, targets, significance, lift, series, funnel, ranking and forecast."""

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from kpi_desktop.core.analysis import (
    OTHERS,
    ab_test,
    brand_lift,
    channel_lift,
    compare_periods,
    forecast,
    funnel,
    period_presets,
    previous_period,
    rank_campaigns,
    target_status,
    time_series,
    top_n_series,
    two_proportion_test,
)
from kpi_desktop.core.kpi import KPI_BY_ID, report
from kpi_desktop.core.schema import normalize_facts


def facts(*rows: dict) -> pd.DataFrame:
    return normalize_facts(pd.DataFrame(list(rows)))


# --------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("today", "preset", "expected"),
    [
        ("2026-05-15", "last_7", (date(2026, 5, 8), date(2026, 5, 14))),
        ("2026-05-15", "last_30", (date(2026, 4, 15), date(2026, 5, 14))),
        ("2026-05-15", "last_90", (date(2026, 2, 14), date(2026, 5, 14))),
        ("2026-05-15", "this_month", (date(2026, 5, 1), date(2026, 5, 15))),
        ("2026-05-15", "last_month", (date(2026, 4, 1), date(2026, 4, 30))),
        ("2026-05-15", "this_quarter", (date(2026, 4, 1), date(2026, 5, 15))),
        ("2026-05-15", "last_quarter", (date(2026, 1, 1), date(2026, 3, 31))),
        ("2026-01-10", "last_month", (date(2025, 12, 1), date(2025, 12, 31))),
        ("2026-01-10", "last_quarter", (date(2025, 10, 1), date(2025, 12, 31))),
        ("2024-03-10", "last_month", (date(2024, 2, 1), date(2024, 2, 29))),
    ],
)
def test_period_presets(today, preset, expected):
    assert period_presets(today, preset) == expected


def test_unknown_preset_is_refused():
    with pytest.raises(ValueError, match="unknown period preset"):
        period_presets("2026-05-15", "last_year")


def test_previous_period_has_equal_length():
    start, end = previous_period("2026-03-08", "2026-03-14")
    assert (start, end) == (pd.Timestamp("2026-03-01"), pd.Timestamp("2026-03-07"))


def _two_periods() -> pd.DataFrame:
    day = {"campaign": "a", "users": 100, "clicks": 10, "spend": 100 / 2}
    return facts(
        {**day, "date": "2026-03-01", "visitors": 50, "conversions": 2},
        {**day, "date": "2026-03-02", "visitors": 50, "conversions": 3},
        {**day, "date": "2026-03-03", "users": 150, "clicks": 20, "visitors": 0, "spend": 75,
         "conversions": 0},
        {**day, "date": "2026-03-04", "users": 150, "clicks": 25, "visitors": 0, "spend": 75,
         "conversions": 0},
        # Outside both periods: must not count.
        {**day, "date": "2026-02-28", "users": 9_999, "clicks": 9_999},
    )  # fmt: skip


def test_compare_periods_rates_in_points_and_relative():
    result = compare_periods(_two_periods(), "2026-03-03", "2026-03-04")
    assert result.previous_period == (pd.Timestamp("2026-03-01"), pd.Timestamp("2026-03-02"))
    ctr = result.kpi("ctr")
    # 45 / 300 = 15 % against 20 / 200 = 10 %: +5 points, +50 %.
    assert ctr.current == pytest.approx(0.15)
    assert ctr.previous == pytest.approx(0.10)
    assert ctr.absolute == pytest.approx(0.05)
    assert ctr.points == pytest.approx(5.0)
    assert ctr.relative == pytest.approx(0.5)
    assert ctr.reason is None


def test_compare_periods_counts_and_money_relative_only():
    result = compare_periods(_two_periods(), "2026-03-03", "2026-03-04")
    users = result.field("users")
    assert (users.current, users.previous, users.absolute) == (300, 200, 100)
    assert users.relative == pytest.approx(0.5)
    assert users.points is None
    spend = result.field("spend")
    assert spend.relative == pytest.approx(0.5)  # 150 against 100
    cpc = result.kpi("interactions_per_user")
    assert cpc.current is None
    assert cpc.reason == "this period: no interactions data"


def test_compare_periods_undefined_stays_none_with_reason():
    result = compare_periods(_two_periods(), "2026-03-03", "2026-03-04")
    rate = result.kpi("conversion_rate")
    assert rate.current is None
    assert rate.previous == pytest.approx(0.05)  # 5 / 100
    assert (rate.absolute, rate.points, rate.relative) == (None, None, None)
    assert rate.reason == "this period: visitors is 0"
    cost = result.kpi("cost_per_conversion")
    assert cost.previous == pytest.approx(20.0)  # 100 / 5
    assert cost.reason == "this period: conversions is 0"


def test_compare_periods_with_a_chosen_previous_period_and_zero_base():
    data = facts(
        {"date": "2026-01-05", "campaign": "a", "users": 10, "clicks": 0},
        {"date": "2026-03-03", "campaign": "a", "users": 10, "clicks": 2},
    )
    result = compare_periods(
        data, "2026-03-01", "2026-03-31", previous=("2026-01-01", "2026-01-31")
    )
    ctr = result.kpi("ctr")
    assert ctr.previous == 0.0
    assert ctr.points == pytest.approx(20.0)
    assert ctr.relative is None
    assert ctr.reason == "previous value is 0: no relative change"


def test_compare_periods_count_a_range_row_only_where_it_lies_inside():
    study = {"campaign": "a", "ad_recall_exposed": 0.15, "ad_recall_control": 0.05}
    data = facts(
        {"date": "2026-03-02", "campaign": "a", "users": 10},
        {"date": "2026-03-01", "campaign": "a", "users": 20},
        {**study, "first_day": "2026-03-02", "last_day": "2026-03-02"},
        study,  # no day and no range: only under "All dates"
    )
    lift = compare_periods(data, "2026-03-02", "2026-03-02").kpi("ad_recall_lift")
    assert lift.current == pytest.approx(2.0)
    assert lift.previous is None  # never pro-rated, never counted in every period


def test_compare_periods_counts_unique_users_from_events_per_period():
    data = facts(
        {"date": "2026-03-01", "campaign": "a", "users": 2, "clicks": 1, "source_id": "log"},
        {"date": "2026-03-02", "campaign": "a", "users": 2, "clicks": 1, "source_id": "log"},
    )
    events = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-03-01", "2026-03-01", "2026-03-02", "2026-03-02"]),
            "campaign_key": ["a"] * 4,
            "channel": [""] * 4,
            "variant": [""] * 4,
            "user": [1, 2, 1, 3],
            "source_id": ["log"] * 4,
        }
    )
    result = compare_periods(data, "2026-03-02", "2026-03-02", events=events)
    assert result.field("users").current == 2  # users 1 and 3 on that day
    assert result.field("users").previous == 2


# --------------------------------------------------------------------------- targets


@pytest.mark.parametrize(
    ("kpi_id", "value", "target", "status"),
    [
        ("ctr", 0.12, 0.10, "good"),
        ("ctr", 0.10, 0.10, "good"),
        ("ctr", 0.095, 0.10, "warn"),
        ("ctr", 0.091, 0.10, "warn"),
        ("ctr", 0.089, 0.10, "bad"),
        ("cost_per_conversion", 45.0, 50.0, "good"),
        ("cost_per_conversion", 50.0, 50.0, "good"),
        ("cost_per_conversion", 55.0, 50.0, "warn"),
        ("cost_per_conversion", 55.5, 50.0, "bad"),
        ("ad_recall_lift", -0.05, 0.0, "bad"),
        ("ctr", None, 0.10, None),
        ("ctr", float("nan"), 0.10, None),
        ("ctr", 0.12, None, None),
    ],
)
def test_target_status(kpi_id, value, target, status):
    assert target_status(kpi_id, value, target) == status
    assert target_status(KPI_BY_ID[kpi_id], value, target) == status


# --------------------------------------------------------------------------- significance


def test_two_proportion_test_by_hand():
    # 10 % of 1,000 against 13 % of 1,000. Pooled p = 0.115,
    # SE = sqrt(0.115 * 0.885 * 2/1000) = 0.014267, z = 0.03 / SE = 2.1027, p = 0.0355;
    # unpooled SE = sqrt(0.09/1000 + 0.1131/1000) = 0.014251, CI = 0.03 ± 1.96 SE.
    test = two_proportion_test(100, 1_000, 130, 1_000)
    assert test.rate_a == pytest.approx(0.10)
    assert test.rate_b == pytest.approx(0.13)
    assert test.difference == pytest.approx(0.03)
    assert test.relative_lift == pytest.approx(0.3)
    assert test.z == pytest.approx(2.10274, abs=1e-5)
    assert test.p_value == pytest.approx(0.035488, abs=1e-6)
    assert test.ci_low == pytest.approx(0.002068, abs=1e-6)
    assert test.ci_high == pytest.approx(0.057932, abs=1e-6)
    assert test.significant
    # n = (1.96 sqrt(2 · 0.115 · 0.885) + 0.8416 sqrt(0.09 + 0.1131))² / 0.03² = 1773.98.
    assert test.required_per_group == 1_774
    assert test.more_needed == 2 * 774
    assert test.underpowered


def test_two_proportion_test_without_variation():
    test = two_proportion_test(0, 100, 0, 200)
    assert (test.z, test.p_value) == (0.0, 1.0)
    assert test.required_per_group is None
    assert not test.significant


@pytest.mark.parametrize(
    ("s_a", "n_a", "s_b", "n_b"), [(1, 0, 1, 10), (11, 10, 1, 10), (-1, 5, 1, 5)]
)
def test_two_proportion_test_refuses_non_proportions(s_a, n_a, s_b, n_b):
    with pytest.raises(ValueError, match="trials"):
        two_proportion_test(s_a, n_a, s_b, n_b)


def _variants() -> pd.DataFrame:
    return facts(
        {"campaign": "a", "variant": "A", "users": 600, "clicks": 60, "visitors": 1_000,
         "conversions": 50},
        {"campaign": "a", "variant": "A", "users": 400, "clicks": 40},
        {"campaign": "a", "variant": "B", "users": 1_000, "clicks": 130, "visitors": 1_000,
         "conversions": 60},
        {"campaign": "a", "variant": "C", "users": 10, "clicks": 12, "visitors": 0,
         "conversions": 0},
        {"campaign": "a", "variant": "", "users": 50_000, "clicks": 1},
    )  # fmt: skip


def test_ab_test_on_ctr():
    results = ab_test(_variants(), "ctr")
    assert [r.variant for r in results] == ["B", "C"]
    b = results[0]
    assert b.baseline == "A"
    assert b.test is not None
    assert b.test.trials_a == 1_000  # 600 + 400: sums over rows; the empty variant is out
    assert b.test.p_value == pytest.approx(0.035488, abs=1e-6)
    assert b.advice == "significant (p = 0.035)"
    c = results[1]
    assert c.test is None
    assert c.reason == "C: clicks to website exceed users: not a proportion, no test"


def test_ab_test_on_conversion_rate_says_how_many_more_are_needed():
    b, c = ab_test(_variants(), "conversion_rate")
    # 5 % against 6 % of 1,000 visitors each: p = 0.327; 80 % power needs 8,158 per group.
    assert b.test is not None
    assert b.test.p_value == pytest.approx(0.32668, abs=1e-5)
    assert b.test.required_per_group == 8_158
    assert b.advice == "not significant yet: needs 14,316 more visitors"
    assert c.reason == "C: visitors is 0"


def test_ab_test_with_a_chosen_baseline_and_errors():
    results = ab_test(_variants(), "ctr", baseline="B")
    assert [r.variant for r in results] == ["A", "C"]
    assert results[0].test is not None
    assert results[0].test.difference == pytest.approx(-0.03)
    with pytest.raises(ValueError, match="A/B tests apply to"):
        ab_test(_variants(), "roas")
    with pytest.raises(ValueError, match="unknown baseline"):
        ab_test(_variants(), "ctr", baseline="Z")
    assert ab_test(facts({"campaign": "a", "users": 1}), "ctr") == []


def test_channel_lift():
    data = facts(
        {"campaign": "a", "channel": "Messenger", "visitors": 600, "conversions": 36},
        {"campaign": "b", "channel": "Instagram", "visitors": 400, "conversions": 24},
        {"campaign": "a", "channel": "Website", "visitors": 1_000, "conversions": 40},
        {"campaign": "a", "channel": "Email", "visitors": 0, "conversions": 0},
    )
    lift = channel_lift(data, ["Messenger", "Instagram"], "Website")
    # 60 / 1,000 = 6 % against 40 / 1,000 = 4 %: +50 %, +2 points; z = 2.052, p = 0.0402.
    assert lift.rate == pytest.approx(0.06)
    assert lift.reference == pytest.approx(0.04)
    assert lift.lift == pytest.approx(0.5)
    assert lift.points == pytest.approx(2.0)
    assert lift.test is not None
    assert lift.test.z == pytest.approx(2.05196, abs=1e-5)
    assert lift.test.p_value == pytest.approx(0.040174, abs=1e-6)
    email = channel_lift(data, "Messenger", "Email")
    assert email.lift is None
    assert email.test is None
    assert email.reason == "Email: visitors is 0"


def test_brand_lift_matches_the_worked_example():
    lift = brand_lift(0.15, 1_000, 0.05, 1_000)
    assert lift.lift == pytest.approx(2.0)  # +200 %, as DESIGN section 3
    assert lift.points == pytest.approx(10.0)
    assert lift.test is not None
    assert lift.test.z == pytest.approx(7.45356, abs=1e-5)  # 0.10 / sqrt(0.1 · 0.9 · 0.002)
    assert lift.test.significant
    assert brand_lift(1.5, 10, 0.1, 10).reason == "rates must be fractions between 0 and 1"
    assert brand_lift(0.2, 0, 0.1, 10).reason == "both groups need people"
    zero = brand_lift(0.2, 100, 0.0, 100)
    assert zero.lift is None
    assert zero.reason == "reference rate is 0: no relative lift"


# --------------------------------------------------------------------------- series


def _daily() -> pd.DataFrame:
    return facts(
        # Monday 2 March 2026 .. Tuesday 10 March; nothing on the 4th; the 5th has 0 users.
        {"date": "2026-03-02", "campaign": "Alpha", "channel": "Messenger", "users": 100,
         "clicks": 10},
        {"date": "2026-03-02", "campaign": "Beta", "channel": "", "users": 10, "clicks": 5},
        {"date": "2026-03-03", "campaign": "Alpha", "channel": "Messenger", "users": 300,
         "clicks": 60},
        {"date": "2026-03-05", "campaign": "Alpha", "channel": "Messenger", "users": 0,
         "clicks": 0},
        {"date": "2026-03-10", "campaign": "Beta", "channel": "", "users": 40, "clicks": 2},
        {"campaign": "Alpha", "users": 5_000, "clicks": 5_000},  # lifetime: no period
    )  # fmt: skip


def test_time_series_daily_gaps_are_nan_never_zero():
    series = time_series(_daily(), "ctr")
    assert list(series.columns) == ["ctr"]
    assert series.index[0] == pd.Timestamp("2026-03-02")
    assert len(series) == 9  # every day from the 2nd to the 10th
    values = series["ctr"]
    assert values["2026-03-02"] == pytest.approx(15 / 110)  # ratio of sums, not mean of ratios
    assert values["2026-03-03"] == pytest.approx(0.2)
    assert math.isnan(values["2026-03-04"])  # no data
    assert math.isnan(values["2026-03-05"])  # users 0: undefined
    users = time_series(_daily(), "users")["users"]
    assert users["2026-03-05"] == 0
    assert math.isnan(users["2026-03-04"])


def test_time_series_weekly_and_monthly_are_ratio_of_sums():
    weekly = time_series(_daily(), "ctr", "W")["ctr"]
    assert list(weekly.index) == [pd.Timestamp("2026-03-02"), pd.Timestamp("2026-03-09")]
    assert weekly.iloc[0] == pytest.approx(75 / 410)
    assert weekly.iloc[1] == pytest.approx(2 / 40)
    data = pd.concat([_daily(), facts({"date": "2026-05-20", "campaign": "x", "users": 4})])
    monthly = time_series(data, "users", "M")["users"]
    assert list(monthly.index) == [pd.Timestamp(f"2026-0{m}-01") for m in (3, 4, 5)]
    assert monthly.iloc[0] == 450
    assert math.isnan(monthly.iloc[1])
    assert monthly.iloc[2] == 4


def test_time_series_by_campaign_and_channel():
    by_campaign = time_series(_daily(), "clicks", "W", by="campaign")
    assert list(by_campaign.columns) == ["Alpha", "Beta"]
    assert by_campaign.loc["2026-03-02", "Alpha"] == 70
    assert math.isnan(by_campaign.loc["2026-03-09", "Alpha"])
    by_channel = time_series(_daily(), "ctr", "D", by="channel")
    assert set(by_channel.columns) == {"Messenger", "(no channel)"}
    assert by_channel.loc["2026-03-10", "(no channel)"] == pytest.approx(0.05)


def test_time_series_with_events_counts_people_once_per_period():
    data = facts(
        {"date": "2026-03-02", "campaign": "a", "users": 2, "source_id": "log"},
        {"date": "2026-03-03", "campaign": "a", "users": 2, "source_id": "log"},
    )
    events = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-03-02", "2026-03-02", "2026-03-03", "2026-03-03"]),
            "campaign_key": ["a"] * 4,
            "channel": [""] * 4,
            "variant": [""] * 4,
            "user": [1, 2, 1, 2],
            "source_id": ["log"] * 4,
        }
    )
    assert list(time_series(data, "users", "D", events=events)["users"]) == [2, 2]
    assert list(time_series(data, "users", "W", events=events)["users"]) == [2]


def test_time_series_refuses_unknown_measures_and_handles_no_dates():
    with pytest.raises(ValueError, match="unknown field or KPI"):
        time_series(_daily(), "campaign")
    with pytest.raises(ValueError, match="frequency"):
        time_series(_daily(), "users", "Y")  # type: ignore[arg-type]
    empty = time_series(facts({"campaign": "a", "users": 1}), "users")
    assert empty.empty


def _three_campaigns() -> pd.DataFrame:
    return facts(
        {"date": "2026-03-02", "campaign": "A", "users": 100, "clicks": 10},
        {"date": "2026-03-02", "campaign": "B", "users": 10, "clicks": 5},
        {"date": "2026-03-02", "campaign": "C", "users": 30, "clicks": 3},
        {"date": "2026-03-03", "campaign": "A", "users": 100, "clicks": 20},
    )


def test_top_n_series_sums_fields_into_others():
    frame = time_series(_three_campaigns(), "users", by="campaign")
    top = top_n_series(frame, 1)
    assert list(top.columns) == ["A", OTHERS]
    assert top.loc["2026-03-02", OTHERS] == 40
    assert math.isnan(top.loc["2026-03-03", OTHERS])  # all others missing: missing, not 0
    assert top_n_series(frame, 5).equals(frame)


def test_top_n_series_recomputes_kpi_others_from_sums():
    frame = time_series(_three_campaigns(), "ctr", by="campaign")
    top = top_n_series(frame, 1)
    assert list(top.columns) == ["A", OTHERS]  # A has the most users
    # (5 + 3) / (10 + 30) = 20 %, where the mean of 50 % and 10 % would say 30 %.
    assert top.loc["2026-03-02", OTHERS] == pytest.approx(0.2)
    assert top.loc["2026-03-03", "A"] == pytest.approx(0.2)
    assert math.isnan(top.loc["2026-03-03", OTHERS])
    again = top_n_series(top, 1)  # still a ratio of sums after a second collapse
    assert again.loc["2026-03-02", OTHERS] == pytest.approx(0.2)


# --------------------------------------------------------------------------- funnel, ranking


def test_funnel():
    steps = funnel(
        {"users": 1_000, "interactions": 2_500, "clicks": 125, "visitors": 100, "conversions": 5}
    )
    assert [s.step for s in steps] == ["users", "interactions", "clicks", "visitors", "conversions"]
    assert [s.value for s in steps] == [1_000, 2_500, 125, 100, 5]
    assert steps[0].rate_from_previous is None
    assert [s.rate_from_previous for s in steps[1:]] == pytest.approx([2.5, 0.05, 0.8, 0.05])


def test_funnel_with_missing_and_zero_steps():
    steps = funnel({"users": 0, "interactions": 0, "clicks": 3, "visitors": float("nan")})
    assert steps[1].rate_from_previous is None  # from 0 users
    assert steps[3].value is None
    assert steps[3].rate_from_previous is None
    assert steps[4] == ("conversions", None, None)


def _ranked() -> pd.DataFrame:
    return facts(
        {"campaign": "Alpha", "spend": 100, "conversions": 5, "users": 100, "clicks": 10},
        {"campaign": "Beta", "spend": 100, "conversions": 2, "users": 100, "clicks": 30},
        {"campaign": "Gamma", "spend": 100, "conversions": 0, "users": 100, "clicks": 20},
        {"campaign": "Delta", "spend": 100, "conversions": 10, "users": 0, "clicks": 0},
    )


def test_rank_campaigns_lower_is_better_and_skips_undefined():
    result = report(_ranked(), "campaign")
    ranking = rank_campaigns(result, "cost_per_conversion", 2)
    # Delta $10, Alpha $20, Beta $50; Gamma has no conversions and is skipped.
    assert [(c.name, c.value) for c in ranking.best] == [("Delta", 10.0), ("Alpha", 20.0)]
    assert [(c.name, c.value) for c in ranking.worst] == [("Beta", 50.0)]
    one = rank_campaigns(result, "cost_per_conversion", 1)
    assert [c.key for c in one.best] == ["delta"]
    assert [c.key for c in one.worst] == ["beta"]


def test_rank_campaigns_higher_is_better():
    ranking = rank_campaigns(report(_ranked(), "campaign"), "ctr", 1)
    assert [c.name for c in ranking.best] == ["Beta"]
    assert [c.name for c in ranking.worst] == ["Alpha"]
    assert ranking.best[0].value == pytest.approx(0.3)


# --------------------------------------------------------------------------- forecast


def _history(values, start="2026-03-02") -> pd.DataFrame:
    days = pd.date_range(start, periods=len(values), freq="D")
    rows = [
        {"date": d, "campaign": "a", "conversions": v}
        for d, v in zip(days, values, strict=True)
        if v is not None
    ]
    return facts(*rows)


def test_forecast_trend_and_band_by_hand():
    # Line through (0,1) (1,3) (2,1) (3,3): slope 0.4, intercept 1.4; residuals
    # -0.4 1.2 -1.2 0.4, RSS 3.2, sigma = sqrt(3.2 / 2); next day 3.0 ± 1.2816 sigma.
    result = forecast(_history([1, 3, 1, 3]), "conversions", horizon=1)
    assert result.reason is None
    assert result.method == "linear trend"
    assert result.daily.index[0] == pd.Timestamp("2026-03-06")
    assert result.total == pytest.approx(3.0)
    half = 1.2815516 * math.sqrt(1.6)
    assert result.lower == pytest.approx(3.0 - half)
    assert result.upper == pytest.approx(3.0 + half)
    assert list(result.fitted) == pytest.approx([1.4, 1.8, 2.2, 2.6])


def test_forecast_weekly_pattern_is_exact_on_exact_data():
    days = pd.date_range("2026-03-02", periods=21, freq="D")  # starts on a Monday
    values = [10 + 2 * t + (30 if d.day_of_week >= 5 else 0) for t, d in enumerate(days)]
    result = forecast(_history(values), "conversions", horizon=7)
    assert result.method == "linear trend + weekday effects"
    expected = [10 + 2 * t + (30 if t % 7 >= 5 else 0) for t in range(21, 28)]
    assert list(result.daily["forecast"]) == pytest.approx(expected)
    assert result.total == pytest.approx(sum(expected))
    assert result.upper == pytest.approx(sum(expected))  # no residuals, no band


def test_forecast_leaves_gaps_out_of_the_fit_and_clips_at_zero():
    result = forecast(_history([10, 8, None, 4, 2]), "conversions", horizon=3)
    # A day without data is a gap: the line 10 - 2t still fits exactly.
    assert len(result.history) == 4
    assert list(result.daily["forecast"]) == pytest.approx([0.0, 0.0, 0.0])
    assert result.lower == 0.0


def test_forecast_needs_data_and_a_summed_field():
    short = forecast(_history([1, 2]), "conversions")
    assert short.total is None
    assert short.reason == "needs at least 3 days with data"
    with pytest.raises(ValueError, match="summed fields"):
        forecast(_history([1, 2, 3]), "ctr")
    assert np.isnan(time_series(_history([1, None, 3]), "conversions").iloc[1, 0])
