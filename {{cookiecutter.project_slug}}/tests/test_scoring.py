"""Pure scoring: one prediction per row, in order, keys carried; clear rules for model files."""

from __future__ import annotations

import dataclasses

import joblib
import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.schema import Column, SchemaError
from {{ cookiecutter.package_name }}.scoring import (
    ScoringError,
    find_model_file,
    load_model,
    order_by_id,
    predict,
    score_frame,
    score_tolerant,
)
from {{ cookiecutter.package_name }}.simulate import simulate


class RowNumberModel:
    """Predicts the position of each row it is given: shows the order predictions come back in."""

    def __init__(self, shape=None, extra_rows=0):
        self.shape, self.extra_rows = shape, extra_rows

    def predict(self, frame):
        values = np.arange(len(frame) + self.extra_rows)
        return values.reshape(-1, 1).repeat(2, axis=1) if self.shape == "2d" else values


@pytest.fixture(scope="module")
def model(trained_model):
    return load_model(trained_model)


def test_trained_model_predicts_one_value_per_row_in_input_order(model, schema, scoring_frame):
    frame = scoring_frame(25, seed=4)
    predictions = score_frame(model, frame, schema)
    assert len(predictions) == 25
    assert list(predictions.columns) == list(schema.output_columns)
    checked = schema.validate(frame)
    expected = model.predict(checked.loc[:, list(schema.model_input_columns)])
    assert predictions[schema.prediction_column].tolist() == list(expected)
    assert predictions[schema.prediction_column].notna().all()


def test_key_and_feature_columns_are_carried_unchanged(model, schema, scoring_frame):
    frame = scoring_frame(10, seed=5)
    predictions = score_frame(model, frame, schema)
    checked = schema.validate(frame).reset_index(drop=True)
    for column in schema.scoring_columns:
        pd.testing.assert_series_equal(predictions[column.name], checked[column.name])


def test_predictions_follow_row_positions_not_the_index(schema):
    frame = simulate(schema, 6)
    frame.index = [50, 40, 30, 20, 10, 0]
    predictions = score_frame(RowNumberModel(), frame, schema)
    assert predictions[schema.prediction_column].tolist() == [0, 1, 2, 3, 4, 5]
    assert predictions.index.tolist() == list(range(6))
    first = schema.scoring_columns[0].name
    assert predictions[first].tolist() == schema.validate(frame)[first].tolist()


def test_two_dimensional_output_keeps_the_first_column(schema):
    predictions = score_frame(RowNumberModel("2d"), simulate(schema, 4), schema)
    assert predictions[schema.prediction_column].tolist() == [0, 1, 2, 3]


def test_wrong_number_of_predictions_is_an_error(schema):
    with pytest.raises(ScoringError, match="returned 5 predictions for 3 rows"):
        score_frame(RowNumberModel(extra_rows=2), simulate(schema, 3), schema)


def test_score_frame_refuses_bad_rows(schema):
    frame = simulate(schema, 3).drop(columns=[schema.features[0].name])
    with pytest.raises(SchemaError, match=repr(schema.features[0].name)):
        score_frame(RowNumberModel(), frame, schema)


def test_score_tolerant_scores_good_rows_and_reports_bad_ones(schema):
    schema = dataclasses.replace(schema, features=schema.features + (Column("extra", "float"),))
    frame = simulate(schema, 5).astype({"extra": object})
    frame.loc[1, "extra"] = "oops"
    predictions, problems = score_tolerant(RowNumberModel(), frame, schema)
    assert problems.positions == [1] and "extra" in problems.reasons[1]
    assert len(predictions) == 4
    all_bad = frame.assign(extra="oops")
    predictions, problems = score_tolerant(RowNumberModel(), all_bad, schema)
    assert predictions.empty and list(predictions.columns) == list(schema.output_columns)
    assert problems.positions == [0, 1, 2, 3, 4]


def test_order_by_id_sorts_stably_only_with_an_id(schema):
    with_id = dataclasses.replace(schema, id=Column("row_id", "int"))
    frame = predict(RowNumberModel(), with_id.validate(simulate(with_id, 4)), with_id)
    shuffled = frame.iloc[[2, 0, 3, 1]]
    assert order_by_id(shuffled, with_id)["row_id"].tolist() == [1, 2, 3, 4]
    without = dataclasses.replace(schema, id=None)
    assert order_by_id(shuffled, without) is shuffled


def test_find_model_file_rules(tmp_path):
    model = tmp_path / "m.pkl"
    joblib.dump({"a": 1}, model)
    assert find_model_file(model) == model
    folder = tmp_path / "registered"
    (folder / "outputs").mkdir(parents=True)
    (folder / "outputs" / "notes.txt").write_text("ignored", encoding="utf-8")
    automl = folder / "outputs" / "model_data"  # AutoML's name for a pipeline's best model
    automl.write_bytes(b"x")
    assert find_model_file(folder) == automl
    (folder / "second.joblib").write_bytes(b"x")
    with pytest.raises(ScoringError, match="found model_data, second.joblib"):
        find_model_file(folder)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ScoringError, match="found none"):
        find_model_file(empty)
    with pytest.raises(ScoringError, match="no such model file"):
        find_model_file(tmp_path / "absent.pkl")


def test_load_model_names_a_file_that_is_not_a_model(tmp_path):
    path = tmp_path / "model.pkl"
    path.write_text("plain text", encoding="utf-8")
    with pytest.raises(ScoringError, match="cannot load the model"):
        load_model(path)
