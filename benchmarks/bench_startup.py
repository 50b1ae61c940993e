"""Cold start to first paint (DESIGN section 10): KPI Desk against a naive reference app.

Each app runs in a fresh `python` process with `KPI_DESKTOP_T0` set to the launch time;
it prints `first_paint_s=…` at the first paint of its main window and exits. The
reference imports pandas and pyqtgraph before it shows a QMainWindow, as an app that
loads everything up front would. One warm-up run of each (file cache, .pyc files),
then the median of `--runs` runs; prints both figures and the ratio (target <= 0.6).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 0.6

REFERENCE_APP = """
import os, sys, time
t0 = float(os.environ["KPI_DESKTOP_T0"])
import pandas
import pyqtgraph
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


class Window(QMainWindow):
    painted = False

    def paintEvent(self, event):
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            QTimer.singleShot(0, self.report)

    def report(self):
        print(f"first_paint_s={time.time() - t0:.4f}", flush=True)
        app.quit()


app = QApplication(sys.argv)
window = Window()
window.setCentralWidget(QLabel("Reference"))
window.resize(1366, 860)
window.show()
app.exec()
"""


def first_paint(command: list[str], config_home: str) -> float:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["KPI_DESKTOP_EXIT_AFTER_PAINT"] = "1"
    env["XDG_CONFIG_HOME"] = config_home  # never read or write the user's settings
    env["KPI_DESKTOP_T0"] = repr(time.time())
    done = subprocess.run(
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    for line in done.stdout.splitlines():
        if line.startswith("first_paint_s="):
            return float(line.split("=", 1)[1])
    raise RuntimeError(f"{command} printed no first paint:\n{done.stdout}\n{done.stderr}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    ours_cmd = [sys.executable, "-m", "kpi_desktop"]
    reference_cmd = [sys.executable, "-c", REFERENCE_APP]
    with tempfile.TemporaryDirectory() as config_home:
        first_paint(ours_cmd, config_home)  # warm-up: compile .pyc, fill the file cache
        first_paint(reference_cmd, config_home)
        ours, reference = [], []
        for _ in range(args.runs):  # interleaved, so load on the machine hits both alike
            ours.append(first_paint(ours_cmd, config_home))
            reference.append(first_paint(reference_cmd, config_home))
    ours_s, reference_s = statistics.median(ours), statistics.median(reference)
    ratio = ours_s / reference_s
    print(f"KPI Desk first paint:        {ours_s * 1000:7.0f} ms  (runs: {_ms(ours)})")
    print(f"pandas+pyqtgraph reference:  {reference_s * 1000:7.0f} ms  (runs: {_ms(reference)})")
    verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
    print(f"ratio: {ratio:.2f}x (target <= {TARGET_RATIO}x) {verdict}")
    return 0


def _ms(values: list[float]) -> str:
    return ", ".join(f"{v * 1000:.0f}" for v in values)


if __name__ == "__main__":
    sys.exit(main())
