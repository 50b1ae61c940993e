"""KPI aggregation over 1,048,576 canonical rows, by campaign, by day and in total.

Prints seconds per aggregation and the reference: a plain pandas groupby of the same
sums done row-ratio-wise (what a naive spreadsheet-port would do).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from kpi_desktop.core import kpi
from kpi_desktop.core.sample import large_facts


def _best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_048_576)
    args = parser.parse_args()
    start = time.perf_counter()
    facts = large_facts(args.rows)
    print(f"generated {len(facts):,} canonical rows in {time.perf_counter() - start:.2f} s")
    mask = kpi.select(facts, start="2026-10-01", end="2026-12-31").to_numpy()
    for by in ("campaign", "date", "channel", None):
        seconds = _best(lambda by=by: kpi.report(facts, by))
        print(f"KPIs by {by or 'total':<8}: {seconds * 1000:8.1f} ms  (target < 200 ms)")
    seconds = _best(lambda: kpi.report(facts[mask], "campaign"))
    print(f"KPIs by campaign, one-quarter filter: {seconds * 1000:8.1f} ms")

    # Reference: the mean of per-row ratios, grouped with pandas (wrong and slower).
    def naive() -> None:
        ratio = facts["clicks"] / facts["users"].replace(0, np.nan)
        facts.assign(ctr=ratio).groupby("campaign")[["ctr"]].mean()

    print(f"reference pandas groupby of one row-ratio: {_best(naive) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
