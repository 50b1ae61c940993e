"""The daily cube: facts summed per day x campaign x channel x currency x source.

A date-range change must redraw the dashboard and the visible chart within 200 ms over a
million fact rows (DESIGN section 10). The facts are therefore summed once per data
change into this cube (about 55,000 rows for a year of 50 campaigns on 3 channels) and
every filtered question is answered from it. Sums of sums are the same sums, so every
KPI stays a ratio of sums over the original rows; rows that carry averaged study rates
(brand lift) are kept as they are, because a mean of means would differ.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from kpi_desktop.core import kpi
from kpi_desktop.core.kpi import FxRates
from kpi_desktop.core.schema import NUMERIC_FIELDS, RATE_FIELDS

_CUBE_KEYS = ("date", "campaign_key", "channel", "currency", "source_id")


def daily_cube(facts: pd.DataFrame) -> pd.DataFrame:
    """Facts summed per day x campaign x channel x currency x source (money unconverted).

    The result is canonical facts again (same columns the core reads, no variant), so
    `kpi.report`, `analysis.compare_periods` and `analysis.time_series` give the same
    numbers on it as on `facts`. Sums keep pandas' `min_count=1` rule (all missing stays
    missing). Rows holding study rates are passed through unsummed.
    """
    rates = [c for c in RATE_FIELDS if c in facts]
    keep = (
        facts[rates].notna().any(axis=1).to_numpy() if rates else np.zeros(len(facts), dtype=bool)
    )
    rest = facts[~keep]
    keys = [k for k in _CUBE_KEYS if k in rest]
    if rest.empty:
        summed = rest.iloc[0:0]
    else:
        # kpi.aggregate without fx leaves money in its own currency: the cube is
        # currency-neutral and exchange rates apply when a report is made from it.
        summed = kpi.aggregate(rest, keys).reset_index()
        # Its study-rate columns stay: all missing there, as those rows had none.
        summed = summed.drop(columns=[kpi.ROWS, kpi.FX_MISSING], errors="ignore")
    passed = facts[keep]
    columns = [c for c in (*keys, "campaign", *NUMERIC_FIELDS) if c in facts]
    cube = pd.concat([summed, passed[columns]], ignore_index=True) if len(passed) else summed
    if "date" in cube:
        cube["date"] = pd.to_datetime(cube["date"])
    return cube


class DailyCube:
    """The daily cube of one workspace's facts, summed on first use.

    `read` gives it with money in the reporting currency when every currency has a
    rate; `update_campaigns` re-sums only the campaigns an edit touched.
    """

    def __init__(self, facts: pd.DataFrame) -> None:
        self._facts = facts
        self._raw: pd.DataFrame | None = None  # money in each row's own currency
        self._cube: pd.DataFrame | None = None  # what reports read: see `read`
        self._cube_fx: FxRates | None = None  # the rates `_cube` was converted with
        self._report_fx: FxRates | None = None  # rates still to apply when reading `_cube`

    @property
    def built(self) -> bool:
        """Whether the facts have been summed yet."""
        return self._raw is not None

    def read(self, fx: FxRates | None) -> tuple[pd.DataFrame, FxRates | None]:
        """The cube, with money already in the reporting currency when possible.

        Converting per report costs a per-row currency lookup in every aggregation (most
        of a dashboard refresh); when every currency has a rate the cube is converted
        once and read without rates. Otherwise it keeps its currencies, so that KPIs over
        money without a rate stay undefined with that reason.

        Returns:
            (cube rows, the rates still to apply when reporting from them).
        """
        if self._raw is None:
            self._raw = daily_cube(self._facts)
        if self._cube is None or self._cube_fx != fx:
            raw = self._raw
            self._cube_fx = fx
            if "currency" in raw and not kpi.missing_currencies(raw, fx):
                converted = kpi.convert_money(raw, fx)
                self._cube = converted.drop(columns=["currency", kpi.FX_MISSING])
                self._report_fx = None
            else:
                self._cube, self._report_fx = raw, fx
        return self._cube, self._report_fx

    def update_campaigns(self, facts: pd.DataFrame, campaigns: Collection[str]) -> None:
        """Re-sum only `campaigns` from `facts`, the workspace's facts after an edit."""
        self._facts = facts
        if self._raw is None:
            return  # nothing summed yet: `read` sums the new facts
        keys = list(campaigns)
        part = daily_cube(facts[facts["campaign_key"].isin(keys).to_numpy()])
        raw = self._raw
        kept = raw[~raw["campaign_key"].isin(keys).to_numpy()]
        self._raw = pd.concat([kept, part], ignore_index=True) if len(part) else kept
        self._cube = self._cube_fx = self._report_fx = None
