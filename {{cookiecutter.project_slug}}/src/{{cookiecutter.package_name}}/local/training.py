"""Local training: the stand-in for the AutoML retraining pipeline.

Trains a scikit-learn model on a labelled file (or the demo data) and writes
it with joblib, together with a metrics file, so that the scoring commands
can score what it writes exactly as they score a registered model.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import accuracy_score, mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OrdinalEncoder

from ..demo_data import demo_training_frame
from ..schema import Schema
from ..settings import Settings
from ..tabular_io import atomic_path, read_frame


@dataclass(frozen=True)
class TrainingResult:
    model_path: Path
    metrics_path: Path
    metrics: dict
    source: str


def datetime_parts(frame: pd.DataFrame) -> np.ndarray:
    """Numeric features from datetime columns (module level, so models pickle)."""
    parts = []
    for name in frame.columns:
        values = pd.to_datetime(frame[name])
        parts += [values.dt.year, values.dt.month, values.dt.day, values.dt.dayofweek]
    return np.column_stack([np.asarray(p, dtype=float) for p in parts]) if parts else np.empty((len(frame), 0))


def build_model(schema: Schema, task: str) -> Pipeline:
    model_inputs = {c.name: c for c in [schema.time, *schema.series_ids, *schema.features] if c is not None}
    numeric = [n for n, c in model_inputs.items() if c.numeric]
    categorical = [n for n, c in model_inputs.items() if c.kind in ("str", "bool")]
    dates = [n for n, c in model_inputs.items() if c.kind == "datetime"]
    encoder = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan,
                             encoded_missing_value=np.nan)
    transformers = [("numeric", "passthrough", numeric)]
    if categorical:
        to_text = FunctionTransformer(_as_text, feature_names_out="one-to-one")
        transformers.append(("categorical", Pipeline([("text", to_text), ("codes", encoder)]), categorical))
    if dates:
        transformers.append(("dates", FunctionTransformer(datetime_parts), dates))
    estimator = (HistGradientBoostingClassifier(random_state=0) if task == "classification"
                 else HistGradientBoostingRegressor(random_state=0))
    return Pipeline([("features", ColumnTransformer(transformers)), ("model", estimator)])


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype("object").where(frame.notna(), "missing").astype(str)


def train(settings: Settings, output: str | os.PathLike, data: str | os.PathLike | None = None,
          *, seed: int = 0) -> TrainingResult:
    """Train on ``data`` (or the demo data) and write the model and its metrics."""
    schema = Schema.from_settings(settings)
    task = settings.model.task
    if data is None:
        raw, source = demo_training_frame(schema, task, seed=seed)
    else:
        raw, source = read_frame(data, schema), str(data)
    frame = schema.validate(raw, with_label=True)
    frame = frame[frame[schema.label.name].notna()]
    features = frame.loc[:, list(schema.model_input_columns)]
    label = frame[schema.label.name]
    stratify = label if task == "classification" and label.value_counts().min() >= 2 else None
    x_train, x_test, y_train, y_test = train_test_split(
        features, label, test_size=0.25, random_state=seed, stratify=stratify)
    model = build_model(schema, task).fit(x_train, y_train)
    predicted = model.predict(x_test)
    if task == "classification":
        metrics = {"accuracy": float(accuracy_score(y_test, predicted))}
    else:
        rmse = float(np.sqrt(mean_squared_error(y_test, predicted)))
        spread = float(label.max() - label.min()) or 1.0
        metrics = {"normalized_root_mean_squared_error": rmse / spread}
    metrics.update({"rows": int(len(frame)), "task": task})
    model_path = Path(output)
    import joblib

    with atomic_path(model_path) as temporary:
        joblib.dump(model, temporary)
    metrics_path = model_path.with_suffix(".metrics.json")
    with atomic_path(metrics_path) as temporary:
        temporary.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    return TrainingResult(model_path, metrics_path, metrics, source)
