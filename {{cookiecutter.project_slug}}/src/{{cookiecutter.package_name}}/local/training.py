"""Local training: a local AutoML (FLAML) standing in for the AutoML retraining pipeline.

Same task, same primary metric, a time budget: FLAML searches learners and
their settings within the budget on most of the rows, the best is measured
with AutoML's own metric on held-out rows (the last horizon of each series
for forecasting), then refitted on all rows. The model is written with
joblib and the metrics beside it, so the scoring commands score what this
writes exactly as they score a registered model.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..demo_data import demo_training_frame
from ..errors import ProjectError
from ..schema import Schema
from ..settings import Settings
from ..tabular_io import atomic_path, read_frame
from .forecasting import split_last_periods
from .metrics import FLAML_METRICS, automl_metric, flaml_metric, needs_probabilities

# Seconds of search when none is given: quick enough for `make demo`. The Azure run's budget
# ([automl] experiment_timeout_minutes) is the choice for a real local retraining.
DEFAULT_TIME_BUDGET_SECONDS = 15
# FLAML's gradient boosting and forests: strong, fast, and all score with the project's packages.
ESTIMATORS = ["lgbm", "rf", "extra_tree"]
HELD_OUT_SHARE = 0.2
# Share of the budget for the search; the rest measures and refits the best.
SEARCH_SHARE = 0.8


class TrainingError(ProjectError, RuntimeError):
    """Local training cannot run as asked; the message says why and what to change."""


@dataclass(frozen=True)
class TrainingResult:
    model_path: Path
    metrics_path: Path
    metrics: dict
    source: str


class TabularPredictor:
    """A fitted FLAML AutoML behind ``predict(frame)`` on the schema's model input columns."""

    def __init__(self, automl, columns: tuple[str, ...]):
        self.automl = automl
        self.columns = columns

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.automl.predict(flaml_inputs(frame.loc[:, list(self.columns)])))

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.automl.predict_proba(flaml_inputs(frame.loc[:, list(self.columns)])))


def flaml_inputs(frame: pd.DataFrame) -> pd.DataFrame:
    """Plain dtypes FLAML handles alike in pandas 1.5 and 3: floats, datetimes, text as objects."""
    converted = {}
    for name in frame.columns:
        values = frame[name]
        if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
            converted[name] = values.astype("Float64").astype(float)
        elif pd.api.types.is_datetime64_any_dtype(values):
            converted[name] = values
        else:
            converted[name] = values.astype(object).where(values.notna(), "missing")
    return pd.DataFrame(converted, index=frame.index)


def _automl(**fit_arguments):
    from flaml.automl import AutoML
    from threadpoolctl import threadpool_limits

    logging.getLogger("flaml.automl.logger").setLevel(logging.WARNING)
    automl = AutoML()
    # One thread: on small data, learners using every core are ten times slower on shared cores.
    with warnings.catch_warnings(), threadpool_limits(limits=1):
        warnings.simplefilter("ignore")
        automl.fit(n_jobs=1, verbose=0, log_file_name="", **fit_arguments)
    if automl.best_estimator is None:
        raise TrainingError(
            f"no model finished within {fit_arguments.get('time_budget')} s; raise --time-budget"
        )
    return automl


def _refit(search, x, y, fit_arguments: dict):
    """The best learner and settings found, fitted once on ``x`` and ``y``."""
    best = search.best_estimator
    return _automl(
        X_train=x,
        y_train=y,
        estimator_list=[best],
        starting_points={best: search.best_config},
        max_iter=1,
        **fit_arguments,
    )


def _held_out(frame: pd.DataFrame, schema: Schema, settings: Settings, seed: int):
    """Rows to learn from and rows to measure on: the last horizon of each series, or a share."""
    from sklearn.model_selection import train_test_split

    if settings.model.task == "forecasting":
        series = tuple(column.name for column in schema.series_ids)
        return split_last_periods(frame, schema.time.name, series, settings.data.forecast_horizon)
    label = frame[schema.label.name]
    stratify = None
    if settings.model.task == "classification" and label.value_counts().min() >= 2:
        stratify = label.astype(str)
    return train_test_split(frame, test_size=HELD_OUT_SHARE, random_state=seed, stratify=stratify)


def _train(frame, schema: Schema, settings: Settings, metric: str, budget: float, seed: int):
    task = settings.model.task
    columns = schema.model_input_columns
    classes = []
    if task == "classification":
        classes = sorted(frame[schema.label.name].astype(str).unique())
    target = flaml_metric(metric, len(classes))

    def inputs(rows: pd.DataFrame):
        label = rows[schema.label.name]
        label = label.astype(str) if classes else label.astype(float)
        return flaml_inputs(rows.loc[:, list(columns)]), label

    training, held = _held_out(frame, schema, settings, seed)
    (x_train, y_train), (x_held, y_held), (x, y) = inputs(training), inputs(held), inputs(frame)
    # Forecasting is a regression over calendar features, series ids and features (forecasting.py).
    fit_arguments = {"task": "classification" if classes else "regression", "metric": target.name,
                     "seed": seed}
    search = _automl(
        X_train=x_train,
        y_train=y_train,
        estimator_list=ESTIMATORS,
        time_budget=budget * SEARCH_SHARE,
        **fit_arguments,
    )
    probabilities = search.predict_proba(x_held) if needs_probabilities(metric) else None
    value = automl_metric(
        metric,
        y_held,
        search.predict(x_held),
        probabilities=probabilities,
        classes=list(search.classes_) if classes else None,
        label_range=_spread(y),
    )
    final = _refit(search, x, y, fit_arguments)
    return TabularPredictor(final, columns), value, search, target


def _spread(label: pd.Series) -> float:
    """The label's range: AutoML's normalisation of error metrics."""
    values = pd.to_numeric(label, errors="coerce")
    return float(values.max() - values.min()) or 1.0


def train(
    settings: Settings,
    output: str | os.PathLike,
    data: str | os.PathLike | None = None,
    *,
    seed: int = 0,
    time_budget: float = DEFAULT_TIME_BUDGET_SECONDS,
) -> TrainingResult:
    """Search the task's best model within ``time_budget`` seconds; write it and its metrics."""
    if time_budget <= 0:
        raise TrainingError(
            f"the time budget must be a positive number of seconds, got {time_budget}"
        )
    schema = Schema.from_settings(settings)
    task, metric = settings.model.task, settings.primary_metric
    if metric not in FLAML_METRICS:
        raise TrainingError(
            f"[model] primary_metric = {metric!r} is not an AutoML primary metric; "
            f'use "auto" or one of {", ".join(FLAML_METRICS)}'
        )
    if data is None:
        raw, source = demo_training_frame(schema, task, seed=seed)
    else:
        raw, source = read_frame(data, schema), str(data)
    frame = schema.validate(raw, with_label=True)
    frame = frame[frame[schema.label.name].notna()]
    if len(frame) < 20:
        raise TrainingError(
            f"{source}: {len(frame)} labelled rows; local training needs at least 20"
        )
    model, value, search, target = _train(frame, schema, settings, metric, time_budget, seed)
    metrics = {
        metric: value,
        "primary_metric": metric,
        "task": task,
        "rows": int(len(frame)),
        "measured_on": "held-out rows"
        if task != "forecasting"
        else "the last horizon of each series",
        "flaml_metric": target.name,
        "flaml_metric_exact": target.exact,
        "best_estimator": search.best_estimator,
        "time_budget_seconds": time_budget,
    }
    import joblib

    model_path = Path(output)
    with atomic_path(model_path) as temporary:
        joblib.dump(model, temporary)
    metrics_path = model_path.with_suffix(".metrics.json")
    with atomic_path(metrics_path) as temporary:
        temporary.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    return TrainingResult(model_path, metrics_path, metrics, source)
