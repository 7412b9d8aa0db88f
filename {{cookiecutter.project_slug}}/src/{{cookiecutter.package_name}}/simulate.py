"""Synthetic data that fits the schema, built column by column with numpy.

Vectorised: ten million rows take seconds, not hours. Numeric columns follow
a reference frame's ranges when one is given (the demo data), so simulated
scoring data looks like what the model was trained on.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import ProjectError
from .schema import Column, Schema

CATEGORIES_PER_TEXT_COLUMN = 5
SERIES_WHEN_GROUPED = 5
DEFAULT_START = "2026-01-01"


def simulate(
    schema: Schema,
    rows: int,
    *,
    seed: int = 0,
    reference: pd.DataFrame | None = None,
    start: str | None = None,
) -> pd.DataFrame:
    """``rows`` rows holding the schema's scoring columns (no label).

    Series of a time column start at ``start``; by default on the day after
    the reference's last time (scoring data follows the training data, as a
    forecast does), or on DEFAULT_START without a reference.
    """
    if rows < 1:
        raise ProjectError(f"the number of rows must be at least 1, got {rows}")
    if start is None:
        start = _day_after(reference, schema.time)
    rng = np.random.default_rng(seed)
    columns: dict[str, object] = {}
    if schema.id is not None:
        columns[schema.id.name] = _ids(schema.id, rows)
    if schema.time is not None:
        columns.update(_series_keys(schema, rows, start))
    elif schema.series_ids:
        for column in schema.series_ids:
            columns[column.name] = _values(column, rows, rng, None)
    for column in schema.features:
        columns[column.name] = _values(column, rows, rng, reference)
    return pd.DataFrame(columns)


def _day_after(reference: pd.DataFrame | None, time: Column | None) -> str:
    if reference is None or time is None or time.name not in reference:
        return DEFAULT_START
    last = pd.to_datetime(reference[time.name], errors="coerce").max()
    return DEFAULT_START if pd.isna(last) else str((last + pd.Timedelta(days=1)).date())


def _ids(column: Column, rows: int) -> np.ndarray:
    numbers = np.arange(1, rows + 1)
    if column.kind == "int":
        return numbers
    # Zero-padded text ids sort the same as text and as numbers.
    width = len(str(rows))
    return np.char.zfill(numbers.astype(str), width).astype(object)


def _series_keys(schema: Schema, rows: int, start: str) -> dict[str, object]:
    series = SERIES_WHEN_GROUPED if schema.series_ids else 1
    series = min(series, rows)
    per_series = -(-rows // series)
    position = np.arange(rows)
    series_index = position // per_series
    step = position % per_series
    keys: dict[str, object] = {
        schema.time.name: pd.Timestamp(start) + pd.to_timedelta(step, unit="D"),
    }
    for column in schema.series_ids:
        if column.kind in ("int", "float"):
            keys[column.name] = series_index
        else:
            labels = np.array([f"{column.name}_{i}" for i in range(series)], dtype=object)
            keys[column.name] = labels[series_index]
    return keys


def _values(column: Column, rows: int, rng: np.random.Generator, reference: pd.DataFrame | None):
    if column.kind in ("float", "int"):
        low, high = 0.0, 100.0
        if reference is not None and column.name in reference:
            known = pd.to_numeric(reference[column.name], errors="coerce").dropna()
            if not known.empty:
                low, high = float(known.min()), float(known.max())
        values = rng.uniform(low, high if high > low else low + 1.0, rows)
        return np.rint(values).astype(np.int64) if column.kind == "int" else np.round(values, 4)
    if column.kind == "bool":
        return rng.random(rows) < 0.5
    if column.kind == "datetime":
        days = rng.integers(0, 365, rows)
        return pd.Timestamp(DEFAULT_START) + pd.to_timedelta(days, unit="D")
    labels = np.array(
        [f"{column.name}_{i}" for i in range(CATEGORIES_PER_TEXT_COLUMN)], dtype=object
    )
    return labels[rng.integers(0, len(labels), rows)]
