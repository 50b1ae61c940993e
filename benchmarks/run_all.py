"""Run every benchmark script in turn and print its figures (`make bench`).

Each script compares against a reference measured in the same run, so the ratios mean
something on any machine; `--quick` passes smaller inputs where a script supports it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
SCRIPTS = (
    "bench_kpi.py",
    "bench_import.py",
    "bench_import_ui.py",
    "bench_store.py",
    "bench_table.py",
    "bench_edit_ui.py",
    "bench_charts.py",
    "bench_startup.py",
)


def main() -> int:
    quick = "--quick" in sys.argv[1:]
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    failed = []
    for name in SCRIPTS:
        script = HERE / name
        if not script.exists():
            continue
        print(f"\n=== {name}", flush=True)
        args = [sys.executable, str(script)]
        if quick and "--quick" in script.read_text(encoding="utf-8"):
            args.append("--quick")
        if subprocess.run(args, env=env, check=False).returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
