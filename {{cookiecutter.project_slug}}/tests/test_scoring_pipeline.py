"""The scoring pipeline built offline with the real SDK: step, arguments, data, compute, env."""

from __future__ import annotations

import contextlib
import io
import logging
import shlex
from pathlib import Path

import pytest
import yaml
from azureml.core.runconfig import DEFAULT_CPU_IMAGE, DockerConfiguration
from azureml.data import OutputFileDatasetConfig
from azureml.data.dataset_consumption_config import DatasetConsumptionConfig
from azureml.pipeline.core import PipelineParameter
from azureml.pipeline.steps import PythonScriptStep

from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.pipelines import scoring
from {{ cookiecutter.package_name }}.pipelines.environments import conda_file
from {{ cookiecutter.package_name }}.pipelines.offline import offline_context
from {{ cookiecutter.package_name }}.steps import score as score_step

# How the SDK writes an output in the argument list until a run resolves its path.
OUTPUT_ARGUMENT = f"DatasetOutputConfig:{scoring.OUTPUT_NAME}"


def build(context, settings):
    with contextlib.redirect_stdout(io.StringIO()):  # the SDK prints progress while it builds
        return scoring.build_scoring_pipeline(context, settings)


@pytest.fixture(scope="module")
def offline(settings):
    """One offline workspace for the module: building it reads nothing but takes a second."""
    with offline_context(settings) as context:
        yield context


@pytest.fixture
def step(offline, settings):
    return scoring.build_scoring_step(offline, settings)


def argument_after(step, flag):
    arguments = step._arguments
    return arguments[arguments.index(flag) + 1]


def test_step_runs_the_packaged_script(step, settings):
    assert isinstance(step, PythonScriptStep)
    assert step.name == scoring.STEP_NAME
    script = Path(step._source_directory) / step._script_name
    assert script.is_file()
    assert script.resolve() == Path(score_step.__file__).resolve()
    assert step._script_name.startswith(f"{settings.package}/")


def test_arguments_carry_every_name_from_settings(step, settings):
    assert argument_after(step, "--model-name") == settings.model.name
    assert argument_after(step, "--input-name") == scoring.INPUT_NAME
    assert argument_after(step, "--dataset-name") == settings.data.scoring_dataset
    assert argument_after(step, "--output-format") == settings.data.output_format
    version = argument_after(step, "--model-version")
    assert isinstance(version, PipelineParameter)
    assert (version.name, version.default_value) == (scoring.MODEL_VERSION_PARAMETER, "latest")


def test_the_step_script_accepts_the_arguments_it_is_given(step, tmp_path):
    """Builder and script agree on every flag: Azure ML would only find out at run time."""
    def as_text(argument):
        if isinstance(argument, PipelineParameter):
            return str(argument.default_value)
        if argument == OUTPUT_ARGUMENT:
            return str(tmp_path)
        return str(argument)

    args = score_step.parse_args([as_text(a) for a in step._arguments])
    assert args.model_name and args.input_name == scoring.INPUT_NAME
    assert args.output_dir == str(tmp_path) and args.model_path is None


def test_input_is_the_named_dataset_in_direct_mode(step, offline):
    (consumption,) = step._inputs
    assert isinstance(consumption, DatasetConsumptionConfig)
    assert consumption.name == scoring.INPUT_NAME
    assert consumption.mode == "direct"
    assert isinstance(consumption.dataset, PipelineParameter)
    assert consumption.dataset.name == scoring.DATASET_PARAMETER
    assert consumption.dataset.default_value is offline.scoring_dataset


def test_output_is_run_scoped(step, offline, settings):
    assert argument_after(step, "--output-dir") == OUTPUT_ARGUMENT
    (output,) = step._outputs
    assert isinstance(output, OutputFileDatasetConfig)
    assert output.name == scoring.OUTPUT_NAME
    datastore, path = output.destination
    assert datastore.name == offline.datastore.name  # the workspace's default datastore
    assert "{run-id}" in path and path.startswith(settings.azure.scoring_pipeline)
    assert settings.data.scoring_dataset in output._registration.name


def test_compute_target_is_the_answered_cluster(step, settings):
    assert step._compute_target.name == settings.compute.name


def test_environment_uses_docker_configuration(step, settings):
    runconfig = step._runconfig
    assert runconfig.environment.name == settings.azure.scoring_environment
    assert isinstance(runconfig.docker, DockerConfiguration) and runconfig.docker.use_docker
    assert runconfig.environment.docker.base_image == DEFAULT_CPU_IMAGE
    # The deprecated switch stays untouched (setting it logs a deprecation warning).
    assert runconfig.environment.docker._enabled is False
    pip = runconfig.environment.python.conda_dependencies.pip_packages
    assert any(package.startswith("azureml-core==") for package in pip)


def test_no_deprecation_warning_while_building(offline, settings, caplog):
    with caplog.at_level(logging.WARNING):
        build(offline, settings)
    assert "deprecated" not in caplog.text


def test_conda_specifications_pin_the_python_version(settings):
    for name in ("scoring", "register"):
        spec = yaml.safe_load(conda_file(name).read_text(encoding="utf-8"))
        assert f"python={settings.azure.python_version}" in spec["dependencies"]


def test_pipeline_graph_validates(offline, settings):
    pipeline = build(offline, settings)
    with contextlib.redirect_stdout(io.StringIO()):
        assert pipeline.validate() == []
    graph = pipeline.graph
    (node,) = graph.module_nodes
    assert node.name == scoring.STEP_NAME
    assert node.params["Target"].value == settings.compute.name
    assert node.params["Script"].value == f"{settings.package}/steps/score.py"
    sources = {edge.source_port.node.name for edge in graph.edges
               if edge.dest_port.name == scoring.INPUT_NAME}
    assert sources == {scoring.INPUT_NAME}
    # Both are overridable per run: the model version and the scoring dataset (its version).
    assert set(graph.params) == {scoring.MODEL_VERSION_PARAMETER, scoring.DATASET_PARAMETER}


def test_plan_shows_compute_and_names(settings, capsys):
    assert main(["plan", "scoring"]) == 0
    text = capsys.readouterr().out
    assert f"pipeline {settings.azure.scoring_pipeline}" in text
    assert f"compute:     {settings.compute.name}" in text
    assert f"environment: {settings.azure.scoring_environment}" in text
    assert f"--model-name {shlex.quote(settings.model.name)}" in text
    assert f"--dataset-name {shlex.quote(settings.data.scoring_dataset)}" in text
    assert f"--output-format {settings.data.output_format}" in text
    assert f"{settings.azure.scoring_pipeline}/" + "{run-id}/predictions" in text
    assert "model_version = latest" in text


def test_plan_mermaid(capsys):
    assert main(["plan", "scoring", "--mermaid"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("flowchart LR") and scoring.STEP_NAME in text


def test_plan_of_every_pipeline_names_the_compute_of_every_step(settings):
    from {{ cookiecutter.package_name }}.pipelines import PIPELINES
    from {{ cookiecutter.package_name }}.pipelines.plan import plan

    views = plan(settings, PIPELINES)
    assert [view.name for view in views] == [settings.pipeline_name(p) for p in PIPELINES]
    for view in views:
        for step in view.steps:
            assert step.compute == settings.compute.name, (view.name, step.name)
