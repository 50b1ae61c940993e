"""First paint of a 1,000,000-row campaign table (DESIGN section 10: < 150 ms).

Builds a million-row KPI report from `sample.large_facts` (not timed), then times what
the user waits for: the Campaigns tab taking the report (model caches its column
arrays, view sizes its columns) and painting its first screen. Also times a sort by a
KPI column and a filter, which are numpy permutations inside the model. Median of 3.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kpi_desktop.core import kpi, sample
from kpi_desktop.ui import style
from kpi_desktop.ui.session import ReportContext
from kpi_desktop.ui.tabs.campaigns_tab import CampaignsTab

TARGET_MS = 150.0


def million_row_report(rows: int) -> kpi.KpiReport:
    facts = sample.large_facts(rows)
    facts.index = pd.RangeIndex(rows, name="row")
    table = facts.join(kpi.compute_kpis(facts))
    total = kpi.aggregate(facts, None)
    total = total.join(kpi.compute_kpis(total)).iloc[0]
    return kpi.KpiReport(rows=table, total=total, by=("row",), users_exact=False)


def timed(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return (time.perf_counter() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    style.apply(app)  # type: ignore[arg-type]
    build = time.perf_counter()
    report = million_row_report(args.rows)
    print(f"built a {len(report.rows):,}-row report in {time.perf_counter() - build:.1f} s")
    context = ReportContext(currency="USD")
    paints, sorts, filters = [], [], []
    for _ in range(3):
        tab = CampaignsTab()
        tab.resize(1366, 760)
        tab.show()

        def first_paint(tab: CampaignsTab = tab) -> None:
            tab.show_report(report, context)
            tab.grab()  # paints every visible cell through the model, synchronously

        paints.append(timed(first_paint))
        column = tab.model.column_of("roas")
        sorts.append(
            timed(
                lambda t=tab, c=column: t.table_campaigns.sortByColumn(
                    c, Qt.SortOrder.DescendingOrder
                )
            )
        )
        filters.append(timed(lambda t=tab: t.edit_filter_campaigns.setText("campaign 01")))
        assert tab.model.rowCount() > 1
        tab.close()
        tab.deleteLater()
    paint = statistics.median(paints)
    verdict = "ok" if paint < TARGET_MS else "MISSED"
    target = f"target < {TARGET_MS:.0f} ms"
    print(f"first paint of {args.rows:,} rows: {paint:6.1f} ms ({target}) {verdict}")
    print(f"sort by ROAS (numpy argsort):     {statistics.median(sorts):6.1f} ms")
    print(f"filter by name:                   {statistics.median(filters):6.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
