"""Qt-free data behind the filter bar, dashboard cards and charts (DESIGN sections 3 and 7).

Everything the dashboard and the charts draw is computed here from `kpi` and `analysis`
and handed to the UI as frozen values: numbers in display units (percent for rates) and
the text `core.format` makes of them. Widgets only place them. `DataView` answers every
filtered question from the daily cube (`core.cube`), so that a date-range change over a
million fact rows redraws within 200 ms (DESIGN section 10).
"""

from kpi_desktop.core.series.charts import (
    MAX_SERIES,
    BarChartData,
    Freq,
    FunnelData,
    LineData,
    Split,
    TimeChartData,
    campaign_bars,
    chart_measures,
    funnel_data,
    time_chart_data,
)
from kpi_desktop.core.series.coverage import Coverage, LeftOut, coverage, range_text
from kpi_desktop.core.series.dashboard import (
    WEEKLY_SPARK_DAYS,
    DashboardData,
    KpiCardData,
    RankingData,
    dashboard_data,
    ranking_data,
)
from kpi_desktop.core.series.display import (
    axis_unit,
    change_is_good,
    change_text,
    detail_text,
    display_scale,
    measure_label,
    status_text,
    value_text,
)
from kpi_desktop.core.series.selection import (
    ALL,
    ANNOTATIONS_SETTING,
    CUSTOM,
    DEFAULT_PRESET,
    FILTER_SETTING,
    PERIOD_LABELS,
    FilterSelection,
    day_text,
    filter_summary,
    parse_annotations,
    period_text,
    resolve_period,
)
from kpi_desktop.core.series.view import DataView

__all__ = [
    "ALL",
    "ANNOTATIONS_SETTING",
    "CUSTOM",
    "DEFAULT_PRESET",
    "FILTER_SETTING",
    "MAX_SERIES",
    "PERIOD_LABELS",
    "WEEKLY_SPARK_DAYS",
    "BarChartData",
    "Coverage",
    "DashboardData",
    "DataView",
    "FilterSelection",
    "Freq",
    "FunnelData",
    "KpiCardData",
    "LeftOut",
    "LineData",
    "RankingData",
    "Split",
    "TimeChartData",
    "axis_unit",
    "campaign_bars",
    "change_is_good",
    "change_text",
    "chart_measures",
    "coverage",
    "dashboard_data",
    "day_text",
    "detail_text",
    "display_scale",
    "filter_summary",
    "funnel_data",
    "measure_label",
    "parse_annotations",
    "period_text",
    "range_text",
    "ranking_data",
    "resolve_period",
    "status_text",
    "time_chart_data",
    "value_text",
]
