"""Local AutoML (FLAML): train-local then score, for the project's task, metric and columns."""

from __future__ import annotations

import json

import joblib
import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.local.metrics import (
    FLAML_METRICS,
    automl_metric,
    lower_is_better,
)
from {{ cookiecutter.package_name }}.local.training import TrainingError, train
from {{ cookiecutter.package_name }}.simulate import simulate


def test_every_automl_metric_of_the_task_has_a_local_equivalent(settings):
    from azureml.train.automl.utilities import get_primary_metrics

    assert set(get_primary_metrics(settings.model.task)) <= set(FLAML_METRICS)


def test_automl_metrics_are_computed_as_automl_names_them():
    truth, predicted = np.array([1.0, 2.0, 3.0, 5.0]), np.array([1.0, 2.0, 3.0, 4.0])
    nmae = automl_metric("normalized_mean_absolute_error", truth, predicted, label_range=4.0)
    nrmse = automl_metric("normalized_root_mean_squared_error", truth, predicted, label_range=4.0)
    assert (nmae, nrmse) == (0.0625, 0.125)
    assert automl_metric("spearman_correlation", truth, predicted) == 1.0
    labels = np.array(["a", "b", "c", "a"])
    assert automl_metric("accuracy", labels, np.array(["a", "b", "c", "b"])) == 0.75
    assert automl_metric("norm_macro_recall", labels, labels, classes=["a", "b", "c"]) == 1.0
    assert lower_is_better("normalized_mean_absolute_error") and not lower_is_better("r2_score")


def test_train_local_then_score_works_for_the_task(tmp_path, settings, schema, capsys):
    model = tmp_path / "model.pkl"
    assert main(["train-local", "--output", str(model), "--time-budget", "2"]) == 0
    printed = capsys.readouterr().out
    assert settings.model.task in printed and settings.primary_metric in printed
    metrics = json.loads(model.with_suffix(".metrics.json").read_text())
    assert metrics["primary_metric"] == settings.primary_metric
    assert np.isfinite(metrics[settings.primary_metric])
    assert metrics["task"] == settings.model.task

    scoring = tmp_path / "scoring.csv"
    rows = 3 * max(settings.data.forecast_horizon, 4)
    assert main(["simulate", "--rows", str(rows), "--output", str(scoring)]) == 0
    predictions_file = tmp_path / "predictions.csv"
    assert main(["score", "--model", str(model), "--input", str(scoring), "--output",
                 str(predictions_file)]) == 0
    predictions = pd.read_csv(predictions_file)
    assert len(predictions) == rows
    assert predictions[schema.prediction_column].notna().all()
    if settings.model.task == "classification":
        trained_classes = set(joblib.load(model).automl.classes_)
        assert set(predictions[schema.prediction_column].astype(str)) <= trained_classes


def test_a_short_file_is_refused_with_the_reason(tmp_path, settings, schema):
    few = simulate(schema, 5).assign(**{schema.label.name: "x" if settings.model.task ==
                                        "classification" else 1.0})
    path = tmp_path / "few.csv"
    few.to_csv(path, index=False)
    with pytest.raises(TrainingError, match="5 labelled rows"):
        train(settings, tmp_path / "m.pkl", path, time_budget=1)

{%- if cookiecutter.task_type == "forecasting" %}


def test_forecasts_score_each_row_alone_after_training_on_earlier_periods(trained_model, schema,
                                                                          scoring_frame):
    from {{ cookiecutter.package_name }}.scoring import load_model, score_frame

    model = load_model(trained_model)
    future = scoring_frame(40)
    keys = [column.name for column in schema.key_columns]
    whole = score_frame(model, future, schema).set_index(keys)[schema.prediction_column]
    # Any order and any mini-batch: the parallel runner splits series anywhere.
    shuffled = future.sample(frac=1, random_state=0)
    halves = [score_frame(model, part, schema) for part in (shuffled.iloc[:13], shuffled.iloc[13:])]
    again = pd.concat(halves).set_index(keys)[schema.prediction_column]
    pd.testing.assert_series_equal(whole.sort_index(), again.sort_index())


def test_forecasts_are_measured_on_the_last_horizon_of_each_series(settings, schema):
    from {{ cookiecutter.package_name }}.demo_data import demo_training_frame
    from {{ cookiecutter.package_name }}.local.forecasting import series_keys, split_last_periods

    frame = schema.validate(demo_training_frame(schema, "forecasting")[0], with_label=True)
    series = tuple(column.name for column in schema.series_ids)
    training, held = split_last_periods(frame, schema.time.name, series,
                                        settings.data.forecast_horizon)
    for key, rows in held.groupby(series_keys(held, series).to_numpy()):
        earlier = training[series_keys(training, series) == key]
        assert len(rows) == min(settings.data.forecast_horizon, (len(rows) + len(earlier)) // 3)
        assert rows[schema.time.name].min() > earlier[schema.time.name].max()
{%- endif %}
