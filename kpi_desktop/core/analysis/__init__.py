"""Analysis behind the dashboard: periods, targets, A/B tests, lifts, forecast, series (DESIGN §7).

Every number here comes from `kpi.aggregate`/`kpi.report` (ratio of sums); this package
only compares, tests and reshapes those numbers. Undefined values stay None (or NaN in
frames) with a reason, never 0.
"""

from kpi_desktop.core.analysis.forecasting import (
    MIN_FORECAST_DAYS,
    MIN_WEEKLY_DAYS,
    Forecast,
    forecast,
)
from kpi_desktop.core.analysis.funnels import FUNNEL_STEPS, FunnelStep, funnel
from kpi_desktop.core.analysis.lift import Lift, brand_lift, channel_lift
from kpi_desktop.core.analysis.periods import (
    PRESETS,
    Change,
    Comparison,
    DateLike,
    compare_periods,
    events_in_period,
    period_presets,
    previous_period,
)
from kpi_desktop.core.analysis.ranking import RankedCampaign, Ranking, rank_campaigns
from kpi_desktop.core.analysis.significance import (
    PROPORTION_KPIS,
    AbResult,
    ProportionTest,
    ab_test,
    two_proportion_test,
)
from kpi_desktop.core.analysis.targets import WARN_TOLERANCE, Status, target_status
from kpi_desktop.core.analysis.timeseries import OTHERS, Freq, time_series, top_n_series

__all__ = [
    "FUNNEL_STEPS",
    "MIN_FORECAST_DAYS",
    "MIN_WEEKLY_DAYS",
    "OTHERS",
    "PRESETS",
    "PROPORTION_KPIS",
    "WARN_TOLERANCE",
    "AbResult",
    "Change",
    "Comparison",
    "DateLike",
    "Forecast",
    "Freq",
    "FunnelStep",
    "Lift",
    "ProportionTest",
    "RankedCampaign",
    "Ranking",
    "Status",
    "ab_test",
    "brand_lift",
    "channel_lift",
    "compare_periods",
    "events_in_period",
    "forecast",
    "funnel",
    "period_presets",
    "previous_period",
    "rank_campaigns",
    "target_status",
    "time_series",
    "top_n_series",
    "two_proportion_test",
]
