"""Window responsiveness during a big import (DESIGN section 10, the import issue).

Imports the 1,048,576-row event-log .xlsx of `bench_import.py` through
`kpi_desktop.ui.tasks.run_task` while an offscreen QApplication runs a 10 ms QTimer, and
prints the largest gap between two ticks (the longest the UI thread could not run)
against the 100 ms target, with the import time. Run `bench_import.py` first or let this
script generate the input (same file under `benchmarks/out/`).

`--quick` uses the 100k-row input.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_import import EVENT_HEADER, OUT, ensure, event_chunks, write_xlsx

TICK_MS = 10
TARGET_MS = 100


def measure(path: Path) -> dict[str, object]:
    """Run one import in the background and record the gaps between timer ticks."""
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from kpi_desktop.core.io.importer import import_file
    from kpi_desktop.ui.tasks import run_task

    app = QApplication.instance() or QApplication([])
    gaps: list[tuple[float, float]] = []  # (gap seconds, seconds since start)
    progress: list[tuple[float, float, str]] = []
    outcome: dict[str, object] = {}
    loop = QEventLoop()
    started = time.perf_counter()
    last = started

    def tick() -> None:
        nonlocal last
        now = time.perf_counter()
        gaps.append((now - last, now - started))
        last = now

    def done(result: object) -> None:
        outcome["seconds"] = time.perf_counter() - started
        outcome["result"] = result
        loop.quit()

    def failed(exc: BaseException) -> None:
        outcome["error"] = exc
        loop.quit()

    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    timer.start()
    run_task(
        import_file,
        str(path),
        on_done=done,
        on_error=failed,
        on_progress=lambda f, m: progress.append((time.perf_counter() - started, f, m)),
    )
    loop.exec()
    timer.stop()
    QCoreApplication.processEvents()  # deliver the task's last queued signals
    del app
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    worst, at = max(gaps, default=(0.0, 0.0))
    over = [g for g, _ in gaps if g * 1000 > TARGET_MS]
    # The phase running when the worst stall ended: the last progress message before it.
    phase = next((m for t, _, m in reversed(progress) if t <= at), "")
    return {
        "seconds": outcome["seconds"],
        "worst_ms": worst * 1000,
        "worst_at": at,
        "phase": phase,
        "stalls": len(over),
        "ticks": len(gaps),
        "progress": progress,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the 100k-row input")
    parser.add_argument("--phases", action="store_true", help="print every progress report")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    rows = 100_000 if args.quick else 1_048_575
    name = "events_quick.xlsx" if args.quick else "events.xlsx"
    path = ensure(
        OUT / name, lambda: write_xlsx(OUT / name, "Events", EVENT_HEADER, event_chunks(rows))
    )
    result = measure(path)
    print(f"Import in the background: {rows + 1:,}-row event-log xlsx, UI timer every {TICK_MS} ms")
    print(f"  import time (run_task):     {result['seconds']:8.2f} s")
    print(
        f"  worst UI stall:             {result['worst_ms']:8.0f} ms  (target <= {TARGET_MS} ms; "
        f"at {result['worst_at']:.1f} s, during “{result['phase']}”)"
    )
    print(f"  ticks over {TARGET_MS} ms:           {result['stalls']:8d}  of {result['ticks']:,}")
    if args.phases:
        for t, fraction, message in result["progress"]:  # type: ignore[union-attr]
            print(f"    {t:7.2f} s  {fraction:5.2f}  {message}")


if __name__ == "__main__":
    main()
