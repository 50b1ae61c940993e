"""Forecast of a summed field over the next days, with a band."""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from kpi_desktop.core.analysis.timeseries import time_series
from kpi_desktop.core.kpi import FxRates
from kpi_desktop.core.schema import ADDITIVE_FIELDS

_NORMAL = NormalDist()


@dataclass(frozen=True)
class Forecast:
    """A forecast of a summed field over the next days, with a band at `level`.

    `daily` has columns forecast, lower, upper per future day; `total`, `lower` and
    `upper` are for the whole horizon. The band comes from the residuals of the fit and
    assumes independent days; it ignores the uncertainty of the fit itself, so it is
    a little narrow for short histories.
    """

    measure: str
    history: pd.Series  # observed daily sums (days without data left out)
    fitted: pd.Series
    daily: pd.DataFrame
    total: float | None
    lower: float | None
    upper: float | None
    level: float
    method: str
    reason: str | None


MIN_FORECAST_DAYS = 3
MIN_WEEKLY_DAYS = 14


def forecast(
    facts: pd.DataFrame,
    field_name: str,
    *,
    horizon: int = 7,
    events: pd.DataFrame | None = None,
    fx: FxRates | None = None,
    level: float = 0.8,
) -> Forecast:
    """Forecast the daily sums of a count or money field for the next `horizon` days.

    Model: ordinary least squares of the daily sum on a linear trend, plus day-of-week
    effects once there are at least two weeks of data. Days without data are gaps, not
    zeros, and are left out of the fit. Forecasts and bands are clipped at 0 because
    counts and money cannot be negative.

    Args:
        facts: canonical facts, already filtered (the history to learn from).
        field_name: an additive field, e.g. "conversions" or "spend".
        horizon: number of days to forecast after the last day with data.
        events: event users, for exact daily unique users.
        fx: reporting currency and rates.
        level: coverage of the band (0.8 = 80 %).

    Returns:
        A `Forecast`; with too little data its values are None with a reason.

    Raises:
        ValueError: for a field that is not summed (KPIs, rates, dimensions).
    """
    if field_name not in ADDITIVE_FIELDS:
        raise ValueError(f"forecasts work on summed fields, not {field_name!r}")
    series = time_series(facts, field_name, "D", events=events, fx=fx)[field_name]
    history = series.dropna()
    if len(history) < MIN_FORECAST_DAYS:
        return _too_short(field_name, history, level)
    model = _TrendModel(pd.DatetimeIndex(history.index), len(history) >= MIN_WEEKLY_DAYS)
    fitted, sigma = model.fit(history.to_numpy(dtype=float))
    future = pd.date_range(history.index[-1] + pd.Timedelta(days=1), periods=horizon, freq="D")
    point = np.clip(model.predict(future), 0.0, None)
    z = _NORMAL.inv_cdf(0.5 + level / 2)
    daily = pd.DataFrame(
        {
            "forecast": point,
            "lower": np.clip(point - z * sigma, 0.0, None),
            "upper": point + z * sigma,
        },
        index=pd.DatetimeIndex(future, name="period"),
    )
    total = float(point.sum())
    # Independent daily errors add in variance: the band of a sum grows with sqrt(days).
    half = z * sigma * math.sqrt(horizon)
    method = "linear trend + weekday effects" if model.weekly else "linear trend"
    return Forecast(
        field_name,
        history,
        pd.Series(fitted, index=history.index),
        daily,
        total,
        max(0.0, total - half),
        total + half,
        level,
        method,
        None,
    )


def _too_short(field_name: str, history: pd.Series, level: float) -> Forecast:
    """The forecast of a history with too few days: no values, and why."""
    return Forecast(
        field_name,
        history,
        pd.Series(dtype=float),
        pd.DataFrame(columns=["forecast", "lower", "upper"], dtype=float),
        None,
        None,
        None,
        level,
        "none",
        f"needs at least {MIN_FORECAST_DAYS} days with data",
    )


class _TrendModel:
    """Least squares on a linear trend, plus day-of-week effects when `weekly`."""

    def __init__(self, days: pd.DatetimeIndex, weekly: bool) -> None:
        self.days, self.weekly = days, weekly
        self.origin = days[0]
        self.coef = np.zeros(0)

    def design(self, index: pd.DatetimeIndex) -> np.ndarray:
        t = ((index - self.origin) / pd.Timedelta(days=1)).to_numpy(dtype=float)
        columns = [np.ones_like(t), t]
        if self.weekly:
            # Monday is the reference day; one effect for each other weekday.
            columns += [(index.day_of_week == d).astype(float) for d in range(1, 7)]
        return np.column_stack(columns)

    def fit(self, y: np.ndarray) -> tuple[np.ndarray, float]:
        """Fit to the observed sums; returns the fitted values and the residual spread."""
        x = self.design(self.days)
        self.coef, *_ = np.linalg.lstsq(x, y, rcond=None)
        fitted = x @ self.coef
        dof = len(y) - np.linalg.matrix_rank(x)
        sigma = math.sqrt(float(np.sum((y - fitted) ** 2)) / dof) if dof > 0 else 0.0
        return fitted, sigma

    def predict(self, index: pd.DatetimeIndex) -> np.ndarray:
        return self.design(index) @ self.coef
