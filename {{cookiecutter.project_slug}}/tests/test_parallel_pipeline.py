"""The parallel scoring pipeline built offline with the real SDK: config, wiring, environment."""

from __future__ import annotations

import contextlib
import io
import warnings
from pathlib import Path

import pytest
from azureml.data import OutputFileDatasetConfig
from azureml.data.dataset_consumption_config import DatasetConsumptionConfig
from azureml.pipeline.core import PipelineData, PipelineParameter
from azureml.pipeline.steps import ParallelRunStep, PythonScriptStep

from {{ cookiecutter.package_name }}.local.minibatches import parse_size
from {{ cookiecutter.package_name }}.local.parallel import DEFAULT_ENTRY_SCRIPT
from {{ cookiecutter.package_name }}.pipelines import parallel_scoring
from {{ cookiecutter.package_name }}.pipelines.describe import view
from {{ cookiecutter.package_name }}.steps import collect_output
from {{ cookiecutter.package_name }}.steps import parallel_score as entry


@pytest.fixture
def steps(offline, settings):
    with warnings.catch_warnings():
        warnings.simplefilter(
            "error", UserWarning
        )  # the SDK warns when the environment lacks dataset-runtime
        return parallel_scoring.build_parallel_steps(offline, settings)


def test_parallel_run_config_carries_the_answers(steps, settings):
    parallel_step, _ = steps
    assert isinstance(parallel_step, ParallelRunStep)
    config = parallel_step._parallel_run_config
    assert config.node_count == settings.compute.node_count
    assert config.process_count_per_node == settings.compute.process_count_per_node
    # The SDK stores bytes; the local runner reads the same answer the same way.
    assert config.mini_batch_size == parse_size(settings.parallel.mini_batch_size)
    assert config.error_threshold == settings.parallel.error_threshold
    assert config.allowed_failed_count == settings.parallel.allowed_failed_count
    assert config.run_invocation_timeout == settings.parallel.run_invocation_timeout
    assert config.run_max_try == settings.parallel.run_max_try
    assert config.logging_level == settings.parallel.logging_level
    # run() writes parquet parts itself (scored_parts.py); the step only counts its rows.
    assert config.output_action == "summary_only"
    assert config.compute_target.name == settings.compute.name
    script = Path(config.source_directory) / config.entry_script
    assert script.resolve() == Path(entry.__file__).resolve() == DEFAULT_ENTRY_SCRIPT


def test_environment_has_what_a_tabular_parallel_step_needs(steps, settings):
    parallel_step, collect_step = steps
    environment = parallel_step._parallel_run_config.environment
    assert environment.name == settings.azure.scoring_environment
    pip = " ".join(environment.python.conda_dependencies.pip_packages)
    assert "azureml-core" in pip and "azureml-dataset-runtime[fuse,pandas]" in pip
    # The collect step reuses the same image: it needs pandas and pyarrow, not the register env.
    assert collect_step._runconfig.environment.name == settings.azure.scoring_environment


def test_input_is_the_scoring_dataset_in_direct_mode_and_arguments_are_keywords(steps, settings):
    parallel_step, _ = steps
    (consumption,) = parallel_step._inputs
    assert isinstance(consumption, DatasetConsumptionConfig) and consumption.mode == "direct"
    arguments = parallel_step._arguments
    assert all(str(argument).startswith("--") for argument in arguments[::2])
    assert arguments[arguments.index("--model-name") + 1] == settings.model.name
    version = arguments[arguments.index("--model-version") + 1]
    assert isinstance(version, PipelineParameter) and version.default_value == "latest"


def test_entry_script_and_collect_step_accept_the_arguments_they_are_given(steps, tmp_path):
    parallel_step, collect_step = steps

    def as_text(argument):
        if isinstance(argument, PipelineParameter):
            return str(argument.default_value)
        # Data arrive as folders; the SDK keeps outputs as placeholders in the arguments.
        if isinstance(argument, (OutputFileDatasetConfig, PipelineData)) or str(
            argument
        ).startswith("DatasetOutputConfig:"):
            return str(tmp_path)
        return str(argument)

    driver_arguments = ["--mini_batch_size", "1MB", "--output", "out"]  # the driver's own, ignored
    args = entry.parse_args(driver_arguments + [as_text(a) for a in parallel_step._arguments])
    assert args.model_name and args.model_version == "latest" and args.model_path is None
    assert args.output_dir is None  # on Azure ML the parts go to EntryScript().output_dir
    collect_args = collect_output.parse_args([as_text(a) for a in collect_step._arguments])
    assert collect_args.rows_dir == str(tmp_path) and collect_args.output_dir == str(tmp_path)


def test_the_whole_graph_builds_validates_and_wires_collect_after_the_parallel_step(
    offline, settings
):
    with contextlib.redirect_stdout(io.StringIO()):
        pipeline = parallel_scoring.build_parallel_scoring_pipeline(offline, settings)
        assert pipeline.validate() == []
    graph = view(pipeline, settings.pipeline_name("parallel-scoring"))
    names = {step.name for step in graph.steps}
    assert names == {parallel_scoring.PARALLEL_STEP_NAME, parallel_scoring.COLLECT_STEP_NAME}
    assert (
        parallel_scoring.PARALLEL_STEP_NAME,
        parallel_scoring.COLLECT_STEP_NAME,
        parallel_scoring.ROWS_OUTPUT_NAME,
    ) in graph.edges
    (collect_step,) = [
        step for step in graph.steps if step.name == parallel_scoring.COLLECT_STEP_NAME
    ]
    assert parallel_scoring.OUTPUT_NAME in collect_step.outputs


def test_collect_step_reads_the_parallel_output(steps):
    parallel_step, collect_step = steps
    assert isinstance(collect_step, PythonScriptStep)
    (rows,) = parallel_step._output
    assert isinstance(rows, PipelineData) and rows.name == parallel_scoring.ROWS_OUTPUT_NAME
    assert rows in collect_step._inputs
