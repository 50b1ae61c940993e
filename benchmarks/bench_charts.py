"""Dashboard and chart redraws over 1,048,576 fact rows (DESIGN section 10).

Prints, median of several runs, against references measured in the same run:

1. Changing the date range in the filter bar with the Dashboard visible, and again with
   the Charts tab visible: from the combo change to the window's next frame (`grab()`
   renders it), including the report, comparison, sparklines and chart series.
   Target < 200 ms. Reference: the same report straight from the store on 1M rows.
2. First frame of a 1,000,000-point time chart with downsampling and clip-to-view
   (our `TimeSeriesChart`), against pyqtgraph plotting the same points without those
   options. Target < 100 ms.

Uses `sample.large_facts` as the facts (the event-log importer is not needed for this).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from kpi_desktop import app as composition
from kpi_desktop.core import sample, series
from kpi_desktop.core.workspace import Workspace
from kpi_desktop.ui import style
from kpi_desktop.ui.charts import palette
from kpi_desktop.ui.charts.time_chart import TimeSeriesChart
from kpi_desktop.ui.main_window import MainWindow
from kpi_desktop.ui.settings import Settings

REDRAW_TARGET_MS = 200.0
FRAME_TARGET_MS = 100.0
PRESETS = ("last_90", "last_30", "this_quarter", "last_7", "last_month", "this_month")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def redraws(window: MainWindow, tab_name: str, repeat: int) -> list[float]:
    bar = window.filter_bar
    assert bar is not None
    tab = window.tabs_main.findChild(type(window.dashboard_tab), tab_name) or next(
        window.tabs_main.widget(i)
        for i in range(window.tabs_main.count())
        if window.tabs_main.widget(i).objectName() == tab_name
    )
    window.tabs_main.setCurrentWidget(tab)
    window.grab()
    times = []
    for i in range(repeat):
        preset = PRESETS[i % len(PRESETS)]
        start = time.perf_counter()
        bar.combo_period.setCurrentIndex(bar.combo_period.findData(preset))
        window.grab()
        times.append(time.perf_counter() - start)
    return times


def first_frame(points: int, repeat: int) -> tuple[list[float], list[float], list[float]]:
    rng = np.random.default_rng(3)
    x = 1.7e9 + np.arange(points, dtype=float) * 60.0
    y = np.cumsum(rng.normal(0, 1, points))
    y[rng.integers(0, points, points // 1000)] = np.nan  # undefined points: gaps
    data = series.TimeChartData(
        measure="conversions",
        label="Conversions",
        unit="count",
        currency="",
        freq="D",
        x=x,
        lines=(series.LineData("Conversions", y),),
        target=None,
        collapsed=0,
    )
    ours, plain, thin = [], [], []
    for _ in range(repeat):
        chart = TimeSeriesChart()
        chart.resize(1200, 500)
        chart.show()
        chart.grab()
        start = time.perf_counter()
        chart.set_data(data)
        chart.grab()
        ours.append(time.perf_counter() - start)
        chart.close()
        chart.deleteLater()

        widget = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        widget.resize(1200, 500)
        widget.show()
        widget.grab()
        start = time.perf_counter()
        widget.plot(x, y, pen=palette.series_pen(0, ""), connect="finite")
        widget.grab()
        plain.append(time.perf_counter() - start)
        widget.close()
        widget.deleteLater()

        widget = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        widget.resize(1200, 500)
        widget.show()
        widget.grab()
        start = time.perf_counter()
        widget.plot(x, y, connect="finite")  # pyqtgraph's default 1-px pen
        widget.grab()
        thin.append(time.perf_counter() - start)
        widget.close()
        widget.deleteLater()
    return ours, plain, thin


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_048_576)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=6)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    style.apply(app)  # type: ignore[arg-type]

    start = time.perf_counter()
    ws = Workspace.from_facts(sample.large_facts(args.rows), currency="USD")
    print(
        f"built a workspace of {len(ws.facts()):,} fact rows in {time.perf_counter() - start:.1f} s"
    )
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        window = composition.create_window(settings)
        window.resize(1366, 860)
        window.show()
        start = time.perf_counter()
        window.set_workspace(ws, "bench")
        assert window.data_view is not None
        window.data_view.warm()
        print(f"opened it in the window (daily cube built) in {time.perf_counter() - start:.2f} s")
        dashboard = redraws(window, "tab_dashboard", args.repeat)
        charts = redraws(window, "tab_charts", args.repeat)
        ref = []
        for i in range(3):
            selection = series.FilterSelection(PRESETS[i])
            period = window.data_view.period(selection)
            assert period is not None
            t0 = time.perf_counter()
            ws.report("campaign", start=period[0], end=period[1])
            ref.append(time.perf_counter() - t0)
        # Filter choices are workspace settings: close without the save question.
        window._confirm_discard = lambda: True  # type: ignore[method-assign]
        window.close()
    print()
    print(
        f"date-range change, Dashboard visible:     {ms(statistics.median(dashboard))}  "
        f"(max {ms(max(dashboard)).strip()}; target < {REDRAW_TARGET_MS:.0f} ms)"
    )
    print(
        f"date-range change, Charts tab visible:    {ms(statistics.median(charts))}  "
        f"(max {ms(max(charts)).strip()}; target < {REDRAW_TARGET_MS:.0f} ms)"
    )
    print(f"reference: one filtered report straight from the 1M rows: {ms(statistics.median(ref))}")

    ours, plain, thin = first_frame(args.points, 3)
    ours_ms = statistics.median(ours)
    print()
    print(
        f"first frame of {args.points:,} points, downsampled + clip-to-view: "
        f"{ms(statistics.median(ours))}  (target < {FRAME_TARGET_MS:.0f} ms)"
    )
    print(
        f"reference: pyqtgraph, same points, no downsampling/clipping:  "
        f"{ms(statistics.median(plain))}  ({statistics.median(plain) / ours_ms:.1f}x slower)"
    )
    print(
        f"reference: the same, pyqtgraph's default 1-px pen:             "
        f"{ms(statistics.median(thin))}  ({statistics.median(thin) / ours_ms:.1f}x slower)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
