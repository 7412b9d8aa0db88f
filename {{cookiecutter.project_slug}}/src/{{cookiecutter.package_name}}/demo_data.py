"""Labelled demo data for training without Azure.

The real iris or diabetes data that ship with scikit-learn when the answers
fit them; otherwise labelled data simulated from the schema, with a label
that depends on the features so that a model has something to learn.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .schema import Schema
from .simulate import simulate

DEMO_ROWS = 600


def _iris() -> pd.DataFrame:
    from sklearn.datasets import load_iris

    bunch = load_iris(as_frame=True)
    frame = bunch.frame.rename(columns=lambda name: name.replace(" (cm)", "").replace(" ", "_"))
    frame["target"] = bunch.target_names[bunch.target.to_numpy()]
    return frame


def _diabetes() -> pd.DataFrame:
    from sklearn.datasets import load_diabetes

    return load_diabetes(as_frame=True, scaled=False).frame


def _fits(schema: Schema, frame: pd.DataFrame) -> bool:
    return all(column.name in frame.columns and column.numeric for column in schema.features)


def demo_training_frame(schema: Schema, task: str, *, seed: int = 0) -> tuple[pd.DataFrame, str]:
    """A labelled frame for ``schema`` and a few words saying where it came from."""
    shipped = {"classification": (_iris, "iris"), "regression": (_diabetes, "diabetes")}
    if task in shipped and schema.time is None and not schema.series_ids:
        load, name = shipped[task]
        source = load()
        if _fits(schema, source):
            frame = source[[c.name for c in schema.features]].assign(
                **{schema.label.name: source["target"]}
            )
            if schema.id is not None:
                ids = simulate(Schema(features=(), id=schema.id), len(frame))[schema.id.name]
                frame.insert(0, schema.id.name, ids.to_numpy())
            return frame, f"the {name} data shipped with scikit-learn"
    return _simulated(schema, task, seed), "data simulated from the schema"


def _simulated(schema: Schema, task: str, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed + 1)
    rows = DEMO_ROWS
    frame = simulate(schema, rows, seed=seed)
    signal = np.zeros(rows)
    for column in schema.features:
        values = frame[column.name]
        if column.numeric:
            numbers = values.to_numpy(dtype=float)
            spread = numbers.std() or 1.0
            signal += rng.normal() * (numbers - numbers.mean()) / spread
        elif column.kind == "bool":
            signal += rng.normal() * values.to_numpy(dtype=float)
        elif column.kind == "str":
            codes = pd.factorize(values)[0]
            signal += rng.normal(size=codes.max() + 1)[codes]
    if schema.time is not None:
        # A trend and a weekly season, so that time carries signal too.
        days = (frame[schema.time.name] - frame[schema.time.name].min()).dt.days.to_numpy()
        signal += 0.05 * days + np.sin(2 * np.pi * days / 7)
    noise = rng.normal(scale=0.1, size=rows)
    if task == "classification":
        cuts = np.quantile(signal, [1 / 3, 2 / 3])
        classes = np.array(["class_a", "class_b", "class_c"], dtype=object)
        frame[schema.label.name] = classes[np.searchsorted(cuts, signal + noise)]
    else:
        frame[schema.label.name] = np.round(10 * signal + 50 + noise, 4)
    return frame
