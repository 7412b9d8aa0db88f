"""The scoring step script, run with local paths as a module and as Azure ML runs it (a file)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import joblib
import numpy as np
import pytest
from sklearn.dummy import DummyClassifier, DummyRegressor

from {{ cookiecutter.package_name }}.simulate import simulate
from {{ cookiecutter.package_name }}.steps import score as score_step
from {{ cookiecutter.package_name }}.tabular_io import read_frame, write_frame


def test_step_writes_predictions_into_the_output_folder(tmp_path, trained_model, schema, settings,
                                                        scoring_frame):
    frame = scoring_frame(9).iloc[::-1]  # reversed: ids (if any) arrive out of order
    data = write_frame(frame, tmp_path / "in" / "part.parquet")
    written = score_step.main([
        "--model-path", str(trained_model), "--input-path", str(data.parent),
        "--output-dir", str(tmp_path / "out"), "--output-format", settings.data.output_format,
    ])
    assert written == tmp_path / "out" / f"predictions.{settings.data.output_format}"
    predictions = read_frame(written, schema)
    assert len(predictions) == 9
    assert list(predictions.columns) == list(schema.output_columns)
    if schema.id is not None:
        ids = schema.validate(predictions)[schema.id.name].tolist()
        assert ids == sorted(ids)


def test_step_logs_the_dataset_id_azure_ml_fills_in(tmp_path, trained_model, scoring_frame,
                                                     capsys):
    data = write_frame(scoring_frame(3), tmp_path / "in.parquet")
    score_step.main([
        "--model-path", str(trained_model), "--input-path", str(data),
        "--input-dataset", "0a1b2c", "--output-file", str(tmp_path / "out.csv"),
    ])
    assert "(dataset id 0a1b2c)" in capsys.readouterr().out


def test_step_refuses_mixed_local_and_azure_sources():
    with pytest.raises(SystemExit):
        score_step.parse_args(["--model-name", "m", "--model-path", "p", "--input-path", "x",
                               "--output-file", "o.csv"])


def test_step_runs_as_a_script_file(tmp_path, settings, schema):
    """Azure ML runs ``python <package>/steps/score.py`` from the snapshot of src/."""
    # Any real model will do here, and one that loads fast keeps the test quick.
    constant = DummyClassifier() if settings.model.task == "classification" else DummyRegressor()
    model = tmp_path / "model.pkl"
    joblib.dump(constant.fit(np.zeros((3, 1)), ["a", "b", "b"] if settings.model.task ==
                             "classification" else [1.0, 2.0, 3.0]), model)
    data = write_frame(simulate(schema, 4), tmp_path / "in.csv")
    output = tmp_path / "out.csv"
    script = Path(score_step.__file__)
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, str(script), "--model-path", str(model),
         "--input-path", str(data), "--output-file", str(output)],
        capture_output=True, text=True, cwd=tmp_path, env=environment, timeout=300)
    assert result.returncode == 0, result.stderr
    predictions = read_frame(output)
    assert len(predictions) == 4 and set(predictions[schema.prediction_column]) == {
        "b" if settings.model.task == "classification" else 2.0}
    assert "scored 4 rows" in result.stdout
