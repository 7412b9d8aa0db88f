"""Pure scoring: a model and a frame in, a predictions frame out.

No file or Azure access here: the step scripts and local runners load the
model and the data, call these functions, and write what they return.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd

from .errors import ProjectError
from .feature_prep import prepare_features
from .schema import RowProblems, Schema, SchemaError, describe_problems

MODEL_FILE_SUFFIXES = (".pkl", ".joblib", ".pickle")


class ScoringError(ProjectError, RuntimeError):
    """The model could not be loaded or did not predict one value per row."""


def find_model_file(path: str | os.PathLike) -> Path:
    """A model path may be the pickle itself or a folder holding exactly one."""
    path = Path(path)
    if path.is_file():
        return path
    if path.is_dir():
        # "model_data" is the file name AutoML gives the best model of a pipeline run.
        candidates = sorted(
            p for p in path.rglob("*")
            if p.is_file() and (p.suffix.lower() in MODEL_FILE_SUFFIXES or p.name == "model_data")
        )
        if len(candidates) == 1:
            return candidates[0]
        found = ", ".join(p.name for p in candidates) or "none"
        raise ScoringError(
            f"{path}: expected one model file (.pkl, .joblib or model_data) in the folder, "
            f"found {found}; pass the file itself with --model"
        )
    raise ScoringError(f"{path}: no such model file; train one with `train-local` or download it")


def load_model(path: str | os.PathLike) -> Any:
    file = find_model_file(path)
    try:
        return joblib.load(file)
    except ModuleNotFoundError as error:
        raise ScoringError(
            f"{file}: the model needs the package {error.name!r}, which is not installed here. "
            "Score in an environment with the packages the model was trained with "
            "(see environments/ and the README on AutoML versions)."
        ) from error
    except Exception as error:
        raise ScoringError(
            f"{file}: cannot load the model ({type(error).__name__}: {error}); "
            "is it a model file written by joblib or pickle?"
        ) from error


def predict(model: Any, frame: pd.DataFrame, schema: Schema) -> pd.DataFrame:
    """Predict every row of an already checked frame.

    Returns the scoring columns (keys first) and the prediction column, in the
    frame's row order.
    """
    # The team's own feature preparation (user-owned module) runs before every prediction.
    inputs = prepare_features(frame.loc[:, list(schema.model_input_columns)])
    predictions = np.asarray(model.predict(inputs))
    if predictions.ndim > 1:
        predictions = predictions.reshape(len(predictions), -1)[:, 0]
    if len(predictions) != len(frame):
        raise ScoringError(
            f"the model returned {len(predictions)} predictions for {len(frame)} rows; "
            "it must return one prediction per row"
        )
    output = frame.loc[:, [column.name for column in schema.scoring_columns]].reset_index(drop=True)
    # Assign the array, not a Series: a Series would align on the index.
    output[schema.prediction_column] = predictions
    return output


def score_frame(model: Any, frame: pd.DataFrame, schema: Schema) -> pd.DataFrame:
    """Check ``frame`` against the schema (any bad row is an error) and predict it."""
    checked = schema.validate(frame)
    return predict(model, checked, schema)


def order_by_id(predictions: pd.DataFrame, schema: Schema) -> pd.DataFrame:
    """Predictions ordered by the id column when there is one (a stable sort), else unchanged.

    The scoring step and the parallel output step both end with this, so
    their files list the same rows in the same order.
    """
    if schema.id is None:
        return predictions
    return predictions.sort_values(schema.id.name, kind="stable").reset_index(drop=True)


def score_tolerant(
    model: Any, frame: pd.DataFrame, schema: Schema
) -> tuple[pd.DataFrame, RowProblems]:
    """Predict the rows that fit the schema; return them with the rows that did not.

    The parallel step uses this: bad rows count as failed items instead of
    failing the whole mini-batch.
    """
    checked, problems = schema.check(frame)
    if problems:
        keep = np.ones(len(checked), dtype=bool)
        keep[problems.positions] = False
        checked = checked.iloc[keep]
    if checked.empty:
        return pd.DataFrame(columns=list(schema.output_columns)), problems
    return predict(model, checked, schema), problems


__all__ = [
    "ScoringError",
    "SchemaError",
    "describe_problems",
    "find_model_file",
    "load_model",
    "order_by_id",
    "predict",
    "score_frame",
    "score_tolerant",
]
