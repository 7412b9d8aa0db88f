"""Every name and number of the project, read once from ``settings.toml``.

The file ships inside the package, so the same settings reach the local
runners, the pipeline builders and the step scripts on Azure ML compute.
Set the environment variable ``BATCH_SCORING_SETTINGS`` to read another file.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import types
import typing
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import ProjectError

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


class SettingsError(ProjectError):
    """The settings file is missing, damaged, or does not fit this version of the project."""


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
    # At most compute.node_count: each concurrent trial takes one node.
    max_concurrent_iterations: int = 1
    # A number of folds, or "auto" (forecasting: rolling-origin folds AutoML sizes itself).
    n_cross_validations: int | str = "auto"


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
    new_data_polling_minutes: int = 5


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
            raise SettingsError(
                f"unknown pipeline {pipeline!r}; choose one of {', '.join(names)}"
            ) from None


def _section(cls, raw: dict, where: str, **converted):
    """Build the dataclass ``cls`` from the table ``where`` of the file, checking every type.

    Names missing from the file, names the file has but the project does not
    know, and values of the wrong type are errors that name the key.
    """
    table = raw
    for part in where.split("."):
        table = table.get(part) if isinstance(table, dict) else None
        if not isinstance(table, dict):
            raise SettingsError(f"table [{where}] is missing")
    values = {**table, **{key: value for key, value in converted.items() if value is not None}}
    hints = typing.get_type_hints(cls)
    fields = [field.name for field in dataclasses.fields(cls)]
    required = [field.name for field in dataclasses.fields(cls)
                if field.default is dataclasses.MISSING
                and field.default_factory is dataclasses.MISSING]
    missing = [name for name in required if name not in values]
    unknown = [name for name in values if name not in fields and not isinstance(values[name], dict)]
    if missing or unknown:
        problems = [f"missing key {where}.{name}" for name in missing]
        problems += [f"unknown key {where}.{name}" for name in unknown]
        raise SettingsError("; ".join(problems))
    present = [name for name in fields if name in values]
    for name in present:
        expected = hints[name]
        if dataclasses.is_dataclass(expected):
            continue
        value = values[name]
        origin = typing.get_origin(expected) or expected
        if origin is tuple:
            ok = isinstance(value, tuple) and all(isinstance(item, str) for item in value)
            expected_text = "a list of strings"
        else:
            # "int | None" and the like: any of the members; TOML has no null, so None is rare.
            members = typing.get_args(expected) if origin in _UNIONS else (origin,)
            members = tuple(m for m in members if isinstance(m, type))
            ok = value is None and type(None) in members or any(
                _is_instance(value, member) for member in members if member is not type(None)
            )
            expected_text = " or ".join(m.__name__ for m in members)
        if not ok:
            raise SettingsError(f"{where}.{name} must be {expected_text}, got {value!r}")
    return cls(**{name: values[name] for name in present})


_UNIONS = (typing.Union, types.UnionType)


def _is_instance(value, expected: type) -> bool:
    # bool is an int in Python; a count written as true is still wrong.
    if isinstance(value, bool) and expected is not bool:
        return False
    if expected is float and isinstance(value, int):
        return True  # TOML writes 5 for 5.0
    return isinstance(value, expected)


def _from_mapping(raw: dict) -> Settings:
    data = raw.get("data", {})
    model = _section(ModelSettings, raw, "model")
    if model.task not in DEFAULT_PRIMARY_METRICS:
        raise SettingsError(
            f"model.task must be one of {', '.join(DEFAULT_PRIMARY_METRICS)}, got {model.task!r}")
    project = raw.get("project", {})
    return Settings(
        project_name=_text(project, "project.name"),
        project_slug=_text(project, "project.slug"),
        package=_text(project, "project.package"),
        model=model,
        data=_section(
            DataSettings, raw, "data",
            feature_columns=_strings(data, "feature_columns"),
            time_series_id_columns=_strings(data, "time_series_id_columns"),
        ),
        compute=_section(ComputeSettings, raw, "compute"),
        parallel=_section(ParallelSettings, raw, "parallel"),
        automl=_section(AutoMLSettings, raw, "automl"),
        schedules=_section(
            ScheduleSettings, raw, "schedules",
            scoring=_section(Recurrence, raw, "schedules.scoring"),
            retraining=_section(Recurrence, raw, "schedules.retraining"),
        ),
        azure=_section(AzureNames, raw, "azure"),
    )


def _text(table: dict, key: str) -> str:
    value = table.get(key.rpartition(".")[2])
    if not isinstance(value, str):
        raise SettingsError(f"{key} must be str, got {value!r}")
    return value


def _strings(table: dict, key: str) -> tuple:
    """A TOML list as a tuple (frozen settings); anything else is left for the type check."""
    value = table.get(key)
    return tuple(value) if isinstance(value, list) else value


def load_settings(path: str | os.PathLike | None = None) -> Settings:
    """Read settings from ``path``, ``$BATCH_SCORING_SETTINGS`` or the packaged file."""
    chosen = Path(path or os.environ.get(SETTINGS_ENV_VAR) or DEFAULT_SETTINGS_PATH)
    fix = "regenerate the project or restore the file from the template (see the README)"
    try:
        raw = tomllib.loads(chosen.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(
            f"settings file not found: {chosen}; check ${SETTINGS_ENV_VAR} or {fix}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SettingsError(f"settings file {chosen} is not valid TOML ({error}); {fix}") from None
    try:
        return _from_mapping(raw)
    except (SettingsError, KeyError, TypeError) as error:
        raise SettingsError(
            f"settings file {chosen} does not fit this version of the project: {error}; {fix}"
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
        raise SettingsError(
            f"no project checkout around {Path(__file__).resolve().parent}: building pipelines "
            "needs the repository (install it with `pip install -e .` from the checkout)"
        )
    return root
