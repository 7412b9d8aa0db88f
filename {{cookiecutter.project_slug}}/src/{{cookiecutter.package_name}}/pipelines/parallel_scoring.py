"""The parallel scoring pipeline: a ParallelRunStep over the cluster, then the collect step.

The parallel step runs ``steps/parallel_score.py`` in ``node_count`` x
``process_count_per_node`` workers over mini-batches of the scoring dataset
and each ``run()`` writes its scored rows as one parquet part into the step's
pipeline-scoped output folder (``output_action="summary_only"``: the step
itself only counts rows). The collect step turns the parts into one ordered
predictions file with a header, in a run-scoped output registered as a
dataset. Every number comes from the ``[parallel]`` and ``[compute]`` settings.
"""

from __future__ import annotations

from azureml.data import OutputFileDatasetConfig
from azureml.pipeline.core import Pipeline, PipelineData, PipelineParameter
from azureml.pipeline.steps import ParallelRunConfig, ParallelRunStep, PythonScriptStep

from ..settings import Settings
from .context import BuildContext, script_path, source_directory
from .environments import run_configuration, scoring_environment
from .scoring import MODEL_VERSION_PARAMETER, scoring_input

PARALLEL_STEP_NAME = "parallel-score"
COLLECT_STEP_NAME = "collect-predictions"
ENTRY_SCRIPT = "steps/parallel_score.py"
COLLECT_SCRIPT = "steps/collect_output.py"
ROWS_OUTPUT_NAME = "scored_rows"
OUTPUT_NAME = "predictions"


def parallel_run_config(context: BuildContext, settings: Settings) -> ParallelRunConfig:
    parallel = settings.parallel
    return ParallelRunConfig(
        source_directory=source_directory(),
        entry_script=script_path(settings, ENTRY_SCRIPT),
        # azureml-core + azureml-dataset-runtime[fuse,pandas] (tabular mini-batches) and the
        # packages the model was trained with.
        environment=scoring_environment(settings),
        compute_target=context.compute_target,
        node_count=settings.compute.node_count,
        process_count_per_node=settings.compute.process_count_per_node,
        mini_batch_size=parallel.mini_batch_size,
        error_threshold=parallel.error_threshold,
        allowed_failed_count=parallel.allowed_failed_count,
        run_invocation_timeout=parallel.run_invocation_timeout,
        run_max_try=parallel.run_max_try,
        logging_level=parallel.logging_level,
        # run() writes parquet parts to EntryScript().output_dir (scored_parts.py); the step
        # only counts the elements run() returns, for error_threshold.
        output_action="summary_only",
        description=f"Scores {settings.data.scoring_dataset} with {settings.model.name}, "
        "in parallel",
    )


def predictions_output(context: BuildContext, settings: Settings) -> OutputFileDatasetConfig:
    """A run-scoped folder (Azure ML expands ``{run-id}``), registered as a dataset when done."""
    destination = (
        context.datastore,
        settings.azure.parallel_scoring_pipeline + "/{run-id}/predictions",
    )
    return OutputFileDatasetConfig(name=OUTPUT_NAME, destination=destination).register_on_complete(
        name=f"{settings.data.scoring_dataset} parallel predictions"
    )


def build_parallel_steps(
    context: BuildContext, settings: Settings
) -> tuple[ParallelRunStep, PythonScriptStep]:
    model_version = PipelineParameter(name=MODEL_VERSION_PARAMETER, default_value="latest")
    scored_rows = PipelineData(ROWS_OUTPUT_NAME, datastore=context.datastore)
    parallel_step = ParallelRunStep(
        name=PARALLEL_STEP_NAME,
        parallel_run_config=parallel_run_config(context, settings),
        inputs=[scoring_input(context)],
        output=scored_rows,
        # Keyword arguments only (ParallelRunStep rejects positional ones); init() reads them.
        arguments=["--model-name", settings.model.name, "--model-version", model_version],
        allow_reuse=False,
    )
    # The collect step needs pandas and pyarrow, which the register environment (azureml-core
    # only) lacks; the scoring environment has both and its image is already built for the
    # parallel step, so reusing it costs no second image build.
    collect_step = PythonScriptStep(
        name=COLLECT_STEP_NAME,
        script_name=script_path(settings, COLLECT_SCRIPT),
        source_directory=source_directory(),
        arguments=[
            "--rows-dir",
            scored_rows,
            "--output-dir",
            predictions_output(context, settings),
            "--output-format",
            settings.data.output_format,
        ],
        inputs=[scored_rows],
        compute_target=context.compute_target,
        runconfig=run_configuration(scoring_environment(settings)),
        allow_reuse=False,
    )
    return parallel_step, collect_step


def build_parallel_scoring_pipeline(context: BuildContext, settings: Settings) -> Pipeline:
    steps = build_parallel_steps(context, settings)
    return Pipeline(
        steps=list(steps),
        description=f"Scores {settings.data.scoring_dataset} with {settings.model.name} "
        f"on {settings.compute.node_count} nodes",
        **context.pipeline_kwargs(),
    )
