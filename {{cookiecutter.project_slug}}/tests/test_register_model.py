"""Champion/challenger registration: the pure decision, and the step against the SDK's Model."""

from __future__ import annotations

import json
from unittest import mock

import pytest

from {{ cookiecutter.package_name }}.steps import register_model
from {{ cookiecutter.package_name }}.steps.register_model import Champion, challenger_metric, decide

ERROR = "normalized_root_mean_squared_error"


def test_the_first_model_is_registered():
    assert decide("accuracy", 0.9, None).register


@pytest.mark.parametrize("metric, challenger, champion, register", [
    ("accuracy", 0.95, 0.90, True),
    ("accuracy", 0.85, 0.90, False),
    ("accuracy", 0.90, 0.90, False),  # a tie keeps the champion
    (ERROR, 0.10, 0.20, True),  # lower is better for normalized errors
    (ERROR, 0.30, 0.20, False),
    ("r2_score", 0.7, 0.6, True),
])
def test_the_challenger_must_beat_the_champion(metric, challenger, champion, register):
    decision = decide(metric, challenger, Champion(3, metric, champion))
    assert decision.register is register
    assert f"{challenger:.6g}" in decision.reason and f"{champion:.6g}" in decision.reason


def test_forcing_registers_a_worse_model():
    assert decide("accuracy", 0.1, Champion(3, "accuracy", 0.9), force=True).register


def test_a_champion_measured_otherwise_is_not_comparable():
    decision = decide("accuracy", 0.5, Champion(2, "AUC_weighted", 0.9))
    assert decision.register and "not comparable" in decision.reason
    assert decide("accuracy", 0.5, Champion(2, None, None)).register


def test_the_best_child_run_is_the_challenger():
    automl_output = {
        "run_1": {"accuracy": [0.90], ERROR: [0.3]},
        "run_2": {"accuracy": [0.95], ERROR: [0.2]},
    }
    assert challenger_metric(automl_output, "accuracy") == 0.95
    assert challenger_metric(automl_output, ERROR) == 0.2
    assert challenger_metric({"primary_metric": "accuracy", "accuracy": 0.8}, "accuracy") == 0.8
    with pytest.raises(SystemExit, match="no value of 'r2_score'"):
        challenger_metric(automl_output, "r2_score")


@pytest.fixture
def step_inputs(tmp_path):
    model = tmp_path / "best_model"
    model.write_bytes(b"pickled model")
    metrics = tmp_path / "automl_metrics"
    metrics.write_text(json.dumps({"run_1": {"accuracy": [0.91]}, "run_2": {"accuracy": [0.93]}}))
    return ["--model-name", "my-model", "--model-file", str(model), "--metrics-file", str(metrics),
            "--task", "classification", "--primary-metric", "accuracy",
            "--training-dataset", "My Training", "--training-input", "training_data"]


@pytest.fixture
def azure(offline):
    """A step run on the offline workspace, a registered training dataset, Model patched."""
    from azureml.core import Run
    from azureml.core.model import Model
    from azureml.data.abstract_dataset import _DatasetRegistration

    dataset = offline.training_dataset
    dataset._registration = _DatasetRegistration(offline.workspace, "saved", "registered",
                                                 name="My Training", version=7)
    run = mock.Mock(spec=Run)
    run.experiment.workspace = offline.workspace
    run.input_datasets = {"training_data": dataset}
    run.parent.id = "pipeline-run-42"
    with mock.patch.object(Model, "list", autospec=True) as listed, \
            mock.patch.object(Model, "register", autospec=True) as registered:
        registered.return_value.version = 5
        yield run, dataset, listed, registered


def champion_model(value: float, metric: str = "accuracy"):
    from azureml.core.model import Model

    model = mock.Mock(spec=Model)
    model.version, model.tags = 4, {"primary_metric": metric, "primary_metric_value": str(value)}
    return model


def test_step_registers_a_better_model_with_its_tags_and_dataset(azure, step_inputs, capsys):
    from azureml.core import Dataset

    run, dataset, listed, registered = azure
    listed.return_value = [champion_model(0.90)]
    decision = register_model.main(step_inputs, run=run)
    assert decision.register
    listed.assert_called_once_with(run.experiment.workspace, name="my-model", latest=True)
    arguments = registered.call_args.kwargs
    assert arguments["model_name"] == "my-model"
    assert arguments["model_path"].endswith("model.pkl")
    assert arguments["datasets"] == [(Dataset.Scenario.TRAINING, dataset)]
    assert arguments["tags"] == {
        "primary_metric": "accuracy", "primary_metric_value": "0.93", "task": "classification",
        "training_dataset": "My Training", "training_dataset_version": "7",
        "pipeline_run_id": "pipeline-run-42",
    }
    printed = capsys.readouterr().out
    assert "0.93" in printed and "0.9" in printed and "decision: register" in printed


def test_step_keeps_a_better_champion(azure, step_inputs, capsys):
    run, _, listed, registered = azure
    listed.return_value = [champion_model(0.97)]
    assert not register_model.main(step_inputs, run=run).register
    registered.assert_not_called()
    assert "decision: do not register" in capsys.readouterr().out


def test_step_registers_the_first_version_and_forced_ones(azure, step_inputs):
    run, _, listed, registered = azure
    listed.return_value = []
    assert register_model.main(step_inputs, run=run).register
    listed.return_value = [champion_model(0.99)]
    assert register_model.main(step_inputs + ["--force"], run=run).register
    assert registered.call_count == 2
