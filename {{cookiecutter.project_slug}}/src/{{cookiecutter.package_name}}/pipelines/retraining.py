"""The retraining pipeline: an AutoMLStep, then a step that registers the best model.

Every AutoML setting comes from the settings file. :func:`check_automl_settings`
refuses combinations the service would reject (or silently misuse) before
anything is built or sent.
"""

from __future__ import annotations

from azureml.automl.core.forecasting_parameters import ForecastingParameters
from azureml.pipeline.core import Pipeline, PipelineData, PipelineParameter, TrainingOutput
from azureml.pipeline.steps import AutoMLStep, PythonScriptStep
from azureml.train.automl import AutoMLConfig
from azureml.train.automl.utilities import get_primary_metrics

from ..errors import ProjectError
from ..settings import Settings
from .automl_versions import check_scoring_runtime
from .context import BuildContext, script_path, source_directory
from .environments import register_environment, run_configuration

AUTOML_STEP_NAME = "automl_training"
REGISTER_STEP_NAME = "register_model"
REGISTER_SCRIPT = "steps/register_model.py"
# One name per output, used for the PipelineData and for the pipeline output alike.
METRICS_OUTPUT = "automl_metrics"
MODEL_OUTPUT = "best_model"
TRAINING_INPUT = "training_data"
FORCE_PARAMETER = "force_registration"
# The service refuses shorter AutoML experiments (AutoMLBaseSettings.MIN_EXPTIMEOUT_MINUTES).
MIN_TIMEOUT_MINUTES = 15
TASKS = ("classification", "regression", "forecasting")


class AutoMLSettingsError(ProjectError, ValueError):
    """The AutoML answers do not fit together; the message says which and how to fix it."""


def check_automl_settings(settings: Settings) -> None:
    """Refuse settings AutoML cannot run, naming the setting and the fix."""
    task = settings.model.task
    if task not in TASKS:
        raise AutoMLSettingsError(
            f"[model] task = {task!r} is not an AutoML task; use one of {', '.join(TASKS)}"
        )
    metric = settings.primary_metric
    valid = sorted(get_primary_metrics(task))
    if metric not in valid:
        raise AutoMLSettingsError(
            f"[model] primary_metric = {metric!r} is not a primary metric of {task}; "
            f'use "auto" or one of {", ".join(valid)}'
        )
    automl, compute = settings.automl, settings.compute
    if automl.experiment_timeout_minutes < MIN_TIMEOUT_MINUTES:
        raise AutoMLSettingsError(
            f"[automl] experiment_timeout_minutes = {automl.experiment_timeout_minutes} is below "
            f"AutoML's minimum of {MIN_TIMEOUT_MINUTES}; raise it "
            "(train-local --time-budget is the quick option)"
        )
    if not 1 <= automl.max_concurrent_iterations <= compute.node_count:
        raise AutoMLSettingsError(
            f"[automl] max_concurrent_iterations = {automl.max_concurrent_iterations} must be "
            "between 1 and "
            f"[compute] node_count = {compute.node_count}: each concurrent trial takes one node; "
            "lower it or raise node_count"
        )
    folds = automl.n_cross_validations
    if folds != "auto" and not (isinstance(folds, int) and folds >= 2):
        raise AutoMLSettingsError(
            f"[automl] n_cross_validations = {folds!r} must be "
            '"auto" or a whole number of at least 2'
        )
    if task == "forecasting":
        if not settings.data.time_column:
            raise AutoMLSettingsError(
                "[data] time_column is empty; forecasting needs the column holding each row's time"
            )
        if settings.data.forecast_horizon < 1:
            raise AutoMLSettingsError(
                f"[data] forecast_horizon = {settings.data.forecast_horizon} "
                "must be at least 1 period"
            )


def forecasting_parameters(settings: Settings) -> ForecastingParameters:
    data = settings.data
    series = [spec.partition(":")[0].strip() for spec in data.time_series_id_columns]
    return ForecastingParameters(
        time_column_name=data.time_column,
        forecast_horizon=data.forecast_horizon,
        # None would let AutoML guess series ids; the answers name them (none = one series).
        time_series_id_column_names=series or None,
    )


def automl_config(context: BuildContext, settings: Settings) -> AutoMLConfig:
    """The AutoML experiment of the answers; AutoMLSettingsError first if they don't fit."""
    check_automl_settings(settings)
    task = settings.model.task
    automl = settings.automl
    extra = {}
    if task == "forecasting":
        extra["forecasting_parameters"] = forecasting_parameters(settings)
    return AutoMLConfig(
        task=task,
        primary_metric=settings.primary_metric,
        training_data=context.training_dataset,
        label_column_name=settings.data.label_column,
        compute_target=context.compute_target,
        # Minutes, not hours: the one time setting, never mixed with experiment_timeout_hours.
        experiment_timeout_minutes=automl.experiment_timeout_minutes,
        max_concurrent_iterations=automl.max_concurrent_iterations,
        # Folds give the metric that decides champion/challenger a steadier estimate than one split;
        # forecasting uses "auto" (rolling-origin folds sized to the horizon).
        n_cross_validations=automl.n_cross_validations,
        # Stop when the score stops improving: the timeout is a ceiling, not the usual cost.
        enable_early_stopping=True,
        # The voting ensemble is cheap and often the best; the stack ensemble needs a held-out
        # meta-learner fit, slows scoring and is off for time series anyway.
        enable_voting_ensemble=True,
        enable_stack_ensemble=False,
        # Explanations cost an extra child run and nothing downstream reads them.
        model_explainability=False,
        featurization="auto",
        # The snapshot AutoML uploads: src/ (with its .amlignore), not the whole checkout.
        path=source_directory(),
        **extra,
    )


def automl_outputs(context: BuildContext) -> tuple[PipelineData, PipelineData]:
    """The metrics of every child run and the best model, as run-scoped pipeline data."""
    metrics = PipelineData(
        METRICS_OUTPUT,
        datastore=context.datastore,
        pipeline_output_name=METRICS_OUTPUT,
        training_output=TrainingOutput(type="Metrics"),
    )
    model = PipelineData(
        MODEL_OUTPUT,
        datastore=context.datastore,
        pipeline_output_name=MODEL_OUTPUT,
        training_output=TrainingOutput(type="Model"),
    )
    return metrics, model


def build_automl_step(context: BuildContext, settings: Settings, metrics, model) -> AutoMLStep:
    return AutoMLStep(
        name=AUTOML_STEP_NAME,
        automl_config=automl_config(context, settings),
        outputs=[metrics, model],
        # The outputs above are the ones the registration reads; no duplicate default outputs.
        enable_default_model_output=False,
        enable_default_metrics_output=False,
        allow_reuse=False,
    )


def build_register_step(
    context: BuildContext, settings: Settings, metrics, model
) -> PythonScriptStep:
    force = PipelineParameter(name=FORCE_PARAMETER, default_value="false")
    training = context.training_dataset.as_named_input(TRAINING_INPUT)
    return PythonScriptStep(
        name=REGISTER_STEP_NAME,
        script_name=script_path(settings, REGISTER_SCRIPT),
        source_directory=source_directory(),
        arguments=[
            "--model-name",
            settings.model.name,
            "--model-file",
            model,
            "--metrics-file",
            metrics,
            "--task",
            settings.model.task,
            "--primary-metric",
            settings.primary_metric,
            "--training-dataset",
            settings.data.training_dataset,
            "--training-input",
            TRAINING_INPUT,
            "--force",
            force,
        ],
        inputs=[model, metrics, training],
        compute_target=context.compute_target,
        # Registration only talks to the workspace: the small azureml-core environment.
        runconfig=run_configuration(register_environment(settings)),
        allow_reuse=False,
    )


def build_retraining_pipeline(context: BuildContext, settings: Settings) -> Pipeline:
    # A model the scoring environment could not unpickle is not worth training.
    check_scoring_runtime()
    metrics, model = automl_outputs(context)
    automl_step = build_automl_step(context, settings, metrics, model)
    register_step = build_register_step(context, settings, metrics, model)
    return Pipeline(
        steps=[automl_step, register_step],
        description=(
            f"AutoML {settings.model.task} on {settings.data.training_dataset} "
            f"({settings.primary_metric}), registering {settings.model.name} "
            "when it beats the latest"
        ),
        **context.pipeline_kwargs(),
    )
