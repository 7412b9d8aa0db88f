"""The scoring pipeline: one PythonScriptStep that scores the scoring dataset."""

from __future__ import annotations

from azureml.data import OutputFileDatasetConfig
from azureml.data.dataset_consumption_config import DatasetConsumptionConfig
from azureml.pipeline.core import Pipeline, PipelineParameter
from azureml.pipeline.steps import PythonScriptStep

from ..settings import Settings
from .context import BuildContext, script_path, source_directory
from .environments import run_configuration, scoring_environment

STEP_NAME = "score"
SCRIPT = "steps/score.py"
INPUT_NAME = "scoring_data"
OUTPUT_NAME = "predictions"
# Names of the parameters a run or a published pipeline may override.
MODEL_VERSION_PARAMETER = "model_version"
DATASET_PARAMETER = "scoring_dataset"


def scoring_input(
    context: BuildContext, parameter: str = DATASET_PARAMETER
) -> DatasetConsumptionConfig:
    """The scoring dataset as a named, direct input whose version a run may override."""
    dataset = PipelineParameter(name=parameter, default_value=context.scoring_dataset)
    return DatasetConsumptionConfig(INPUT_NAME, dataset, mode="direct")


def predictions_output(context: BuildContext, settings: Settings) -> OutputFileDatasetConfig:
    """A run-scoped output folder (``{run-id}`` in the path), registered as a dataset when done."""
    # "{run-id}" is expanded by Azure ML at run time.
    destination = (context.datastore, settings.azure.scoring_pipeline + "/{run-id}/predictions")
    return OutputFileDatasetConfig(name=OUTPUT_NAME, destination=destination).register_on_complete(
        name=f"{settings.data.scoring_dataset} predictions"
    )


def build_scoring_step(context: BuildContext, settings: Settings) -> PythonScriptStep:
    model_version = PipelineParameter(name=MODEL_VERSION_PARAMETER, default_value="latest")
    data = scoring_input(context)
    return PythonScriptStep(
        name=STEP_NAME,
        script_name=script_path(settings, SCRIPT),
        source_directory=source_directory(),
        arguments=[
            "--model-name", settings.model.name,
            "--model-version", model_version,
            "--input-name", INPUT_NAME,
            # Passing the input among the arguments too is what makes its dataset parameter
            # overridable per run (the SDK registers it only from the arguments).
            "--input-dataset", data,
            "--dataset-name", settings.data.scoring_dataset,
            "--output-dir", predictions_output(context, settings),
            "--output-format", settings.data.output_format,
        ],
        inputs=[data],
        compute_target=context.compute_target,
        runconfig=run_configuration(scoring_environment(settings)),
        allow_reuse=False,
    )


def build_scoring_pipeline(context: BuildContext, settings: Settings) -> Pipeline:
    step = build_scoring_step(context, settings)
    return Pipeline(
        steps=[step],
        description=f"Scores {settings.data.scoring_dataset} with {settings.model.name}",
        **context.pipeline_kwargs(),
    )
