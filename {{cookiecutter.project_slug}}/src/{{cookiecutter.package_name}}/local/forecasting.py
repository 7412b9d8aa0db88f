"""Forecasting locally: one model over all series, measured on the last horizon of each.

Why one model with the series ids as features, and not FLAML's ``ts_forecast``:
its learners build lag features from one ordered series and forecast from the
end of its training data, step after step. That needs one model per series, a
frame per series that starts right after training, and a recursion per batch
whose cost grows with the number of periods ahead, so the parallel runner's
mini-batches (which split series anywhere) could not score it. A regression
on the time column's calendar features (FLAML derives year, month, day,
day of week, day of year), the series ids and the known features scores each
row on its own, in any order and any mini-batch. It is also how Azure AutoML
forecasts by default: one model over all series, series ids as features, no
target lags unless asked for.

What stays forecasting: the model is measured on the last ``forecast_horizon``
periods of each series after training on the periods before them, as a
forecast would be.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SINGLE_SERIES = "(one series)"


def series_keys(frame: pd.DataFrame, series_columns: tuple[str, ...]) -> pd.Series:
    """One key per row: the series ids as text, joined by " / "."""
    if not series_columns:
        return pd.Series(SINGLE_SERIES, index=frame.index, dtype=object)
    text = frame.loc[:, list(series_columns)].astype(str).astype(object)
    keys = text.iloc[:, 0]
    for name in series_columns[1:]:
        keys = keys + " / " + text[name]
    return keys.astype(object)


def split_last_periods(
    frame: pd.DataFrame, time_column: str, series_columns: tuple[str, ...], periods: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hold out the last ``periods`` rows of each series (at most a third of it) for measuring."""
    keys = series_keys(frame, series_columns)
    rank = frame.groupby(keys.to_numpy())[time_column].rank(method="first", ascending=False)
    size = keys.map(keys.value_counts())
    held = (rank <= np.minimum(periods, size // 3)).to_numpy()
    return frame.loc[~held], frame.loc[held]
