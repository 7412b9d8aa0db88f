"""Submit a pipeline through its endpoint, with the parameters that change between runs.

One published pipeline serves every rerun: what differs is passed as
pipeline parameters (the model version to score with, the version of the
registered dataset to read, any other ``NAME=VALUE`` the pipeline declares).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..errors import ProjectError
from ..settings import Settings
from .publish import require_endpoint

# Parameter names the builders declare (pipelines/scoring.py: MODEL_VERSION_PARAMETER,
# DATASET_PARAMETER); tests build every pipeline and check that these exist.
MODEL_VERSION_PARAMETER = "model_version"
MODEL_VERSION_PIPELINES = ("scoring", "parallel-scoring")
# Pipeline -> its dataset parameter; the parameter is named after the settings.data field
# holding the registered dataset's name.
DATASET_PARAMETERS = {"scoring": "scoring_dataset", "parallel-scoring": "scoring_dataset"}
PARAMETER_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class RunFailedError(ProjectError):
    """A pipeline run ended in failure; the message names the failing step and its error."""


@dataclass(frozen=True)
class RunRequest:
    pipeline: str
    experiment_name: str
    parameters: dict[str, str] = field(default_factory=dict)  # string parameters
    dataset_version: str | None = None  # version of the pipeline's registered dataset

    @property
    def dataset_parameter(self) -> str | None:
        return DATASET_PARAMETERS.get(self.pipeline) if self.dataset_version else None


def run_request(
    settings: Settings,
    pipeline: str,
    *,
    model_version: str | None = None,
    dataset_version: str | None = None,
    assignments: Iterable[str] = (),
) -> RunRequest:
    """Check and gather a run's parameters; nothing is sent."""
    settings.pipeline_name(pipeline)  # refuses an unknown pipeline
    parameters: dict[str, str] = {}
    for assignment in assignments:
        name, sep, value = assignment.partition("=")
        name = name.strip()
        if not sep or not PARAMETER_NAME.match(name):
            raise ProjectError(
                f"--param {assignment!r}: write it as NAME=VALUE, e.g. --param note=nightly"
            )
        parameters[name] = value
    if model_version is not None:
        if pipeline not in MODEL_VERSION_PIPELINES:
            raise ProjectError(f"--model-version: the {pipeline} pipeline takes no model version")
        if model_version != "latest" and not (model_version.isdigit() and int(model_version) > 0):
            raise ProjectError(
                f"--model-version {model_version!r}: "
                "give a registered version (1, 2, ...) or latest"
            )
        parameters[MODEL_VERSION_PARAMETER] = model_version
    if dataset_version is not None:
        if pipeline not in DATASET_PARAMETERS:
            raise ProjectError(
                f"--dataset-version: the {pipeline} pipeline has no dataset parameter"
            )
        if not (dataset_version.isdigit() and int(dataset_version) > 0):
            raise ProjectError(
                f"--dataset-version {dataset_version!r}: give a registered version (1, 2, ...)"
            )
    return RunRequest(pipeline, settings.pipeline_name(pipeline), parameters, dataset_version)


def dataset_of(workspace, settings: Settings, request: RunRequest):
    """The registered dataset version a run asks for, or ``None``."""
    if request.dataset_parameter is None:
        return None
    from azureml.core import Dataset

    name = getattr(settings.data, request.dataset_parameter)
    try:
        return Dataset.get_by_name(workspace, name=name, version=int(request.dataset_version))
    except Exception:  # UserErrorException or a service error: the version is not registered
        raise ProjectError(
            f"dataset {name!r} has no version {request.dataset_version} "
            f"in workspace {workspace.name!r}"
        ) from None


def submit(workspace, settings: Settings, request: RunRequest, *, workflow_provider=None):
    """Submit the endpoint's default version with the request's parameters; returns the run."""
    endpoint = require_endpoint(workspace, settings, request.pipeline, workflow_provider)
    parameters: dict = dict(request.parameters)
    dataset = dataset_of(workspace, settings, request)
    if dataset is not None:
        parameters[request.dataset_parameter] = dataset
    return endpoint.submit(request.experiment_name, pipeline_parameters=parameters or None)


def failed_step_message(step_name: str, details: dict) -> str:
    """What a failed step's run details say went wrong, in one line."""
    error = (details or {}).get("error") or {}
    inner = error.get("error") if isinstance(error.get("error"), dict) else error
    message = (inner or {}).get("message") or "no error message recorded"
    code = (inner or {}).get("code")
    first_line = str(message).strip().splitlines()[0] if str(message).strip() else str(message)
    return f"step {step_name!r} failed" + (f" ({code})" if code else "") + f": {first_line}"


def wait(run, echo: Callable[[str], None] = print) -> str:
    """Stream the run's status until it ends; raise :class:`RunFailedError` naming the step."""
    echo(f"waiting for run {run.id}: {run.get_portal_url()}")
    run.wait_for_completion(show_output=True, raise_on_error=False)
    status = run.get_status()
    if status == "Finished":
        return status
    problems = [
        failed_step_message(step.display_name or step.id, step.get_details())
        for step in run.get_steps()
        if step.get_status() == "Failed"
    ]
    summary = "; ".join(problems) or f"the run ended as {status}"
    raise RunFailedError(f"run {run.id} {status.lower()}: {summary}. Logs: {run.get_portal_url()}")
