"""Forecasting locally: one FLAML ``ts_forecast`` model per series, wrapped to score frames.

Why per series: FLAML's time-series learners build lag features from one
ordered series, so rows of several series interleaved in one frame would
feed one series' values into another's lags. Each series therefore gets its
own search (the time budget is shared out) and its own model.

:class:`SeriesForecaster` takes the schema's model input frame (time column,
series ids, features) and returns one prediction per row: each row is placed
by its timestamp on its series' grid after the last training period, so a
frame may hold any subset of future periods, in any order, split into any
mini-batches. Rows that are not after the training data, not on the series'
frequency, or of an unknown series are errors that name them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import ProjectError

SINGLE_SERIES = "(one series)"


class ForecastingError(ProjectError, ValueError):
    """The data do not fit a forecast; the message names the series and the rows."""


def series_keys(frame: pd.DataFrame, series_columns: tuple[str, ...]) -> pd.Series:
    """One key per row: the series ids as text, joined by " / "."""
    if not series_columns:
        return pd.Series(SINGLE_SERIES, index=frame.index, dtype=object)
    text = frame.loc[:, list(series_columns)].astype(str).astype(object)
    keys = text.iloc[:, 0]
    for name in series_columns[1:]:
        keys = keys + " / " + text[name]
    return keys.astype(object)


def regular_frequency(times: pd.Series, key: str) -> str:
    """The series' frequency (a pandas alias); gaps, repeats or too few periods are errors."""
    ordered = pd.DatetimeIndex(times).sort_values()
    name = key
    if ordered.has_duplicates:
        repeated = ordered[ordered.duplicated()][0]
        raise ForecastingError(
            f"series {name}: time {repeated} appears more than once; "
            "aggregate the rows to one per period"
        )
    if len(ordered) < 3:
        raise ForecastingError(
            f"series {name}: {len(ordered)} period(s); a forecast needs at least 3"
        )
    frequency = pd.infer_freq(ordered)
    if frequency is None:
        raise ForecastingError(
            f"series {name}: the times are not regularly spaced (from {ordered[0]} "
            f"to {ordered[-1]}); fill the missing periods or aggregate to a regular one"
        )
    return frequency


@dataclass
class SeriesForecaster:
    """Per-series FLAML forecasters behind a ``predict(frame)`` that returns one value per row."""

    time_column: str
    series_columns: tuple[str, ...]
    feature_columns: tuple[str, ...]
    frequency: str
    models: dict = field(default_factory=dict)  # series key -> fitted flaml AutoML
    last_times: dict = field(default_factory=dict)  # series key -> last training time

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        predictions = np.full(len(frame), np.nan)
        keys = series_keys(frame, self.series_columns).to_numpy()
        times = pd.to_datetime(frame[self.time_column]).to_numpy()
        features = as_model_features(frame.loc[:, list(self.feature_columns)])
        for key in dict.fromkeys(keys):
            positions = np.flatnonzero(keys == key)
            predictions[positions] = self._forecast(
                key, pd.DatetimeIndex(times[positions]), features.iloc[positions]
            )
        return predictions

    def _forecast(self, key: str, times: pd.DatetimeIndex, features: pd.DataFrame) -> np.ndarray:
        if key not in self.models:
            known = ", ".join(list(self.models)[:5])
            raise ForecastingError(
                f"series {key} was not in the training data "
                f"(known: {known}); retrain with its history"
            )
        last = self.last_times[key]
        grid = pd.date_range(start=last, end=max(times.max(), last), freq=self.frequency)[1:]
        steps = grid.get_indexer(times)
        if (steps < 0).any():
            bad = times[steps < 0][0]
            raise ForecastingError(
                f"series {key}: time {bad} is not a {self.frequency} period after the "
                f"training data, which ends at {last}; a forecast scores later periods only"
            )
        # The future frame FLAML expects: every period up to the last asked for, known features
        # taken from the rows, carried over to the periods no row asks for.
        future = pd.DataFrame(index=range(len(grid)), columns=list(features.columns), dtype=float)
        future.iloc[steps] = features.to_numpy(dtype=float)
        future = future.ffill().bfill()
        future.insert(0, self.time_column, grid)
        forecast = np.asarray(self.models[key].predict(future), dtype=float)
        return forecast[steps]


def as_model_features(frame: pd.DataFrame) -> pd.DataFrame:
    """Features as numbers for the time-series learners: booleans 0/1, text as category codes."""
    converted = {}
    for name in frame.columns:
        values = frame[name]
        if pd.api.types.is_bool_dtype(values):
            converted[name] = values.astype("Float64").astype(float)
        elif pd.api.types.is_numeric_dtype(values):
            converted[name] = values.astype(float)
        elif pd.api.types.is_datetime64_any_dtype(values):
            converted[name] = values.astype("int64").astype(float) / 86400e9  # days since 1970
        else:
            # Stable codes for text: a hash, so scoring frames need no vocabulary.
            converted[name] = (
                pd.util.hash_pandas_object(values.astype(str), index=False).astype(float) % 9973
            )
    return pd.DataFrame(converted, index=frame.index)


def split_last_periods(
    frame: pd.DataFrame, time_column: str, series_columns: tuple[str, ...], periods: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hold out the last ``periods`` of each series (at most a third of it) for measuring."""
    keys = series_keys(frame, series_columns)
    rank = frame.groupby(keys.to_numpy())[time_column].rank(method="first", ascending=False)
    size = keys.map(keys.value_counts())
    held = (rank <= np.minimum(periods, size // 3)).to_numpy()
    return frame.loc[~held], frame.loc[held]
