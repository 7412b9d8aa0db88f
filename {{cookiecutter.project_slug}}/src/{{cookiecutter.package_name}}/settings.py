"""Every name and number of the project, read once from ``settings.toml``.

The file ships inside the package, so the same settings reach the local
runners, the pipeline builders and the step scripts on Azure ML compute.
Set the environment variable ``BATCH_SCORING_SETTINGS`` to read another file.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

SETTINGS_ENV_VAR = "BATCH_SCORING_SETTINGS"
DEFAULT_SETTINGS_PATH = Path(__file__).with_name("settings.toml")

# What AutoML optimises when the answer was "auto": the SDK's defaults per task.
DEFAULT_PRIMARY_METRICS = {
    "classification": "accuracy",
    "regression": "normalized_root_mean_squared_error",
    "forecasting": "normalized_root_mean_squared_error",
}


@dataclass(frozen=True)
class ModelSettings:
    name: str
    task: str
    primary_metric: str


@dataclass(frozen=True)
class DataSettings:
    training_dataset: str
    scoring_dataset: str
    label_column: str
    feature_columns: tuple[str, ...]
    id_column: str
    time_column: str
    time_series_id_columns: tuple[str, ...]
    forecast_horizon: int
    prediction_column: str
    output_format: str


@dataclass(frozen=True)
class ComputeSettings:
    name: str
    vm_size: str
    node_count: int
    process_count_per_node: int
    idle_seconds_before_scaledown: int


@dataclass(frozen=True)
class ParallelSettings:
    mini_batch_size: str
    error_threshold: int
    run_invocation_timeout: int
    run_max_try: int
    allowed_failed_count: int
    logging_level: str


@dataclass(frozen=True)
class AutoMLSettings:
    experiment_timeout_minutes: int


@dataclass(frozen=True)
class Recurrence:
    frequency: str  # Minute, Hour, Day, Week, Month, or none
    interval: int
    time: str  # HH:MM, may be empty for Minute and Hour

    @property
    def enabled(self) -> bool:
        return self.frequency != "none"


@dataclass(frozen=True)
class ScheduleSettings:
    time_zone: str
    score_on_new_data: bool
    scoring: Recurrence
    retraining: Recurrence


@dataclass(frozen=True)
class AzureNames:
    scoring_pipeline: str
    parallel_scoring_pipeline: str
    retraining_pipeline: str
    scoring_environment: str
    register_environment: str
    training_data_path: str
    scoring_data_path: str
    python_version: str


@dataclass(frozen=True)
class Settings:
    project_name: str
    project_slug: str
    package: str
    model: ModelSettings
    data: DataSettings
    compute: ComputeSettings
    parallel: ParallelSettings
    automl: AutoMLSettings
    schedules: ScheduleSettings
    azure: AzureNames

    @property
    def primary_metric(self) -> str:
        """The AutoML primary metric, with "auto" resolved for the task."""
        if self.model.primary_metric == "auto":
            return DEFAULT_PRIMARY_METRICS[self.model.task]
        return self.model.primary_metric

    def pipeline_name(self, pipeline: str) -> str:
        """Azure ML name of ``scoring``, ``parallel-scoring`` or ``retraining``."""
        names = {
            "scoring": self.azure.scoring_pipeline,
            "parallel-scoring": self.azure.parallel_scoring_pipeline,
            "retraining": self.azure.retraining_pipeline,
        }
        try:
            return names[pipeline]
        except KeyError:
            raise ValueError(
                f"unknown pipeline {pipeline!r}; choose one of {', '.join(names)}"
            ) from None


def _from_mapping(raw: dict) -> Settings:
    data = raw["data"]
    schedules = raw["schedules"]
    return Settings(
        project_name=raw["project"]["name"],
        project_slug=raw["project"]["slug"],
        package=raw["project"]["package"],
        model=ModelSettings(**raw["model"]),
        data=DataSettings(
            **{
                **data,
                "feature_columns": tuple(data["feature_columns"]),
                "time_series_id_columns": tuple(data["time_series_id_columns"]),
            }
        ),
        compute=ComputeSettings(**raw["compute"]),
        parallel=ParallelSettings(**raw["parallel"]),
        automl=AutoMLSettings(**raw["automl"]),
        schedules=ScheduleSettings(
            time_zone=schedules["time_zone"],
            score_on_new_data=schedules["score_on_new_data"],
            scoring=Recurrence(**schedules["scoring"]),
            retraining=Recurrence(**schedules["retraining"]),
        ),
        azure=AzureNames(**raw["azure"]),
    )


def load_settings(path: str | os.PathLike | None = None) -> Settings:
    """Read settings from ``path``, ``$BATCH_SCORING_SETTINGS`` or the packaged file."""
    chosen = Path(path or os.environ.get(SETTINGS_ENV_VAR) or DEFAULT_SETTINGS_PATH)
    try:
        raw = tomllib.loads(chosen.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SystemExit(f"settings file not found: {chosen}") from None
    except tomllib.TOMLDecodeError as error:
        raise SystemExit(f"settings file {chosen} is not valid TOML: {error}") from None
    try:
        return _from_mapping(raw)
    except (KeyError, TypeError) as error:
        raise SystemExit(
            f"settings file {chosen} does not match this version of the project ({error}); "
            "regenerate the project or restore the file from the template"
        ) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The project's settings, read once per process."""
    return load_settings()


def project_root() -> Path:
    """The project checkout holding ``src/`` and ``environments/``.

    Pipelines are built from a checkout (the step scripts are uploaded from
    ``src/``), so this fails clearly when the package was installed elsewhere.
    """
    root = Path(__file__).resolve().parents[2]
    if not (root / "environments").is_dir():
        raise SystemExit(
            f"no project checkout around {Path(__file__).resolve().parent}: building pipelines "
            "needs the repository (install it with `pip install -e .` from the checkout)"
        )
    return root
