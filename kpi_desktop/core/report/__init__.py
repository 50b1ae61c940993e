"""Excel and CSV export of the KPIs (DESIGN section 8): live formulas, formats, charts.

`workbook` writes the Excel report (`summary`, `sheets`, `tables`, `formulas`, `formats`,
`cells` build its parts), `csv_export` the escaped CSV, `data` computes what both show,
and `workspace_export` runs them over a workspace selection; every file is written with
`core.atomic`.
"""

from kpi_desktop.core.report.csv_export import escape_csv_cell, write_csv
from kpi_desktop.core.report.data import campaign_label, campaign_table
from kpi_desktop.core.report.formats import kpi_format, money_format
from kpi_desktop.core.report.formulas import kpi_formula
from kpi_desktop.core.report.summary import SUMMARY_FIRST_KPI_ROW
from kpi_desktop.core.report.tables import CHART_PREFERENCE, CHART_SUFFIX
from kpi_desktop.core.report.workbook import write_xlsx
from kpi_desktop.core.report.workspace_export import (
    campaign_names,
    export_workspace_csv,
    export_workspace_xlsx,
    workspace_filter_text,
    workspace_period,
    workspace_selection,
)

__all__ = [
    "CHART_PREFERENCE",
    "CHART_SUFFIX",
    "SUMMARY_FIRST_KPI_ROW",
    "campaign_label",
    "campaign_names",
    "campaign_table",
    "escape_csv_cell",
    "export_workspace_csv",
    "export_workspace_xlsx",
    "kpi_format",
    "kpi_formula",
    "money_format",
    "workspace_filter_text",
    "workspace_period",
    "workspace_selection",
    "write_csv",
    "write_xlsx",
]
