"""The AutoML retraining pipeline, built offline with the real SDK: answers in, graph out."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import shlex
from unittest import mock

import pytest

from {{ cookiecutter.package_name }}.pipelines import retraining
from {{ cookiecutter.package_name }}.pipelines.automl_versions import (
    AutoMLVersionError,
    check_scoring_runtime,
    client_version,
)
from {{ cookiecutter.package_name }}.pipelines.describe import view
from {{ cookiecutter.package_name }}.pipelines.retraining import (
    AUTOML_STEP_NAME,
    METRICS_OUTPUT,
    MODEL_OUTPUT,
    REGISTER_STEP_NAME,
    AutoMLSettingsError,
    automl_config,
    build_retraining_pipeline,
)

OTHER_TASK_METRIC = {
    "classification": "r2_score",
    "regression": "accuracy",
    "forecasting": "AUC_weighted",
}


def replace(settings, section: str, **changes):
    changed = dataclasses.replace(getattr(settings, section), **changes)
    return dataclasses.replace(settings, **{section: changed})


@pytest.fixture(scope="module")
def built(settings):
    """The retraining pipeline built once for the module, and the context it was built in."""
    from {{ cookiecutter.package_name }}.pipelines.offline import offline_context

    with offline_context(settings) as context, contextlib.redirect_stdout(io.StringIO()):
        pipeline = build_retraining_pipeline(context, settings)
        errors = pipeline.validate()
        yield pipeline, errors


def node(pipeline, name):
    return next(n for n in pipeline.graph.module_nodes if n.name == name)


def param(graph_node, key):
    return graph_node.params[key].value


def test_automl_config_carries_the_answers(offline, settings):
    config = automl_config(offline, settings)
    chosen = config.user_settings
    task = settings.model.task
    # AutoML records forecasting as a time-series regression.
    assert chosen["task_type"] == ("regression" if task == "forecasting" else task)
    assert chosen["is_timeseries"] is (task == "forecasting")
    assert chosen["primary_metric"] == settings.primary_metric
    assert chosen["label_column_name"] == settings.data.label_column
    assert chosen["training_data"] is offline.training_dataset
    assert chosen["experiment_timeout_minutes"] == settings.automl.experiment_timeout_minutes
    assert chosen["max_concurrent_iterations"] == settings.automl.max_concurrent_iterations
    assert chosen["max_concurrent_iterations"] <= settings.compute.node_count
    assert chosen["n_cross_validations"] == settings.automl.n_cross_validations
    assert chosen["enable_early_stopping"] is True
    assert chosen["enable_voting_ensemble"] is True
    assert chosen["enable_stack_ensemble"] is False
    # Deprecated settings stay unset.
    assert chosen["num_classes"] is None
    assert chosen.get("blacklist_models") is None and chosen.get("whitelist_models") is None
    if task == "forecasting":
        forecasting = chosen["forecasting_parameters"]
        series = [spec.partition(":")[0] for spec in settings.data.time_series_id_columns]
        assert forecasting.time_column_name == settings.data.time_column
        assert forecasting.forecast_horizon == settings.data.forecast_horizon
        assert forecasting.time_series_id_column_names == (series or None)


def test_graph_builds_offline_and_carries_the_answers(built, settings):
    pipeline, errors = built
    assert errors == []
    automl = node(pipeline, AUTOML_STEP_NAME)
    assert param(automl, "primary_metric") == settings.primary_metric
    assert param(automl, "label_column_name") == settings.data.label_column
    assert param(automl, "experiment_timeout_minutes") == settings.automl.experiment_timeout_minutes
    assert param(automl, "max_concurrent_iterations") == settings.automl.max_concurrent_iterations
    assert param(automl, "MLCComputeType") == "AmlCompute"
    if settings.model.task == "forecasting":
        assert param(automl, "time_column_name") == settings.data.time_column
        assert param(automl, "max_horizon") == settings.data.forecast_horizon
    sent = json.loads(param(automl, "AutoMLConfig"))
    settings_sent = json.loads(sent["aml_settings_json_string"])
    assert settings_sent["primary_metric"] == settings.primary_metric


def test_outputs_are_named_alike_and_feed_the_registration(built, settings):
    pipeline, _ = built
    automl = node(pipeline, AUTOML_STEP_NAME)
    assert sorted(port.name for port in automl.outputs if not port.name.startswith("_")) == sorted(
        [METRICS_OUTPUT, MODEL_OUTPUT])
    register = node(pipeline, REGISTER_STEP_NAME)
    steps = {step.name: step for step in view(pipeline, "retraining").steps}
    text = steps[REGISTER_STEP_NAME].arguments
    for flag, value in [("--model-name", settings.model.name), ("--task", settings.model.task),
                        ("--primary-metric", settings.primary_metric),
                        ("--training-dataset", settings.data.training_dataset)]:
        assert text[text.index(flag) + 1] == shlex.quote(value)
    assert text[text.index("--model-file") + 1] == f"${MODEL_OUTPUT}"
    assert text[text.index("--metrics-file") + 1] == f"${METRICS_OUTPUT}"
    edges = {(e.source_port.node.name, e.dest_port.node.name, e.dest_port.name)
             for e in pipeline.graph.edges}
    assert (AUTOML_STEP_NAME, REGISTER_STEP_NAME, MODEL_OUTPUT) in edges
    assert (AUTOML_STEP_NAME, REGISTER_STEP_NAME, METRICS_OUTPUT) in edges
    assert param(register, "Script").endswith("steps/register_model.py")


def test_plan_shows_the_task_and_the_metric(settings):
    from {{ cookiecutter.package_name }}.pipelines.describe import render_text
    from {{ cookiecutter.package_name }}.pipelines.plan import plan

    text = render_text(plan(settings, ("retraining",))[0])
    assert f"--task {settings.model.task}" in text
    assert f"--primary-metric {settings.primary_metric}" in text


def test_a_metric_of_another_task_fails_before_anything_is_built(offline, settings):
    wrong = OTHER_TASK_METRIC[settings.model.task]
    edited = replace(settings, "model", primary_metric=wrong)
    message = f"{wrong}.*not a primary metric of {settings.model.task}"
    with mock.patch(f"{retraining.__name__}.AutoMLConfig") as config, \
            pytest.raises(AutoMLSettingsError, match=message):
        build_retraining_pipeline(offline, edited)
    config.assert_not_called()


def test_more_concurrent_trials_than_nodes_fail_clearly(offline, settings):
    edited = replace(settings, "automl", max_concurrent_iterations=settings.compute.node_count + 1)
    with pytest.raises(AutoMLSettingsError, match="max_concurrent_iterations.*node_count"):
        automl_config(offline, edited)


@pytest.mark.parametrize("change, message", [
    ({"experiment_timeout_minutes": 5}, "experiment_timeout_minutes = 5 is below"),
    ({"n_cross_validations": 1}, "n_cross_validations = 1"),
])
def test_other_invalid_automl_settings_fail_clearly(offline, settings, change, message):
    with pytest.raises(AutoMLSettingsError, match=message):
        automl_config(offline, replace(settings, "automl", **change))


def test_forecasting_without_a_time_column_fails_clearly(offline, settings):
    edited = replace(replace(settings, "model", task="forecasting", primary_metric="auto"),
                     "data", time_column="")
    with pytest.raises(AutoMLSettingsError, match="time_column is empty"):
        automl_config(offline, edited)


def test_scoring_environment_pins_the_training_automl_runtime(tmp_path):
    pinned = check_scoring_runtime()
    assert pinned.split(".")[:2] == client_version().split(".")[:2]
    moved = tmp_path / "scoring.yml"
    moved.write_text("dependencies:\n  - pip:\n      - azureml-train-automl-runtime==1.55.0\n")
    with pytest.raises(AutoMLVersionError, match="1.55.0.*would not unpickle"):
        check_scoring_runtime(moved, client="1.62.0")
