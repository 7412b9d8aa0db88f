"""The AutoML versions that train and the versions that score must be the same.

AutoML trains with the runtime of the client SDK that submits the run; its
model unpickles only where the same runtime (and the pandas, numpy and
scikit-learn it pins) is installed. ``environments/scoring.yml`` pins that
runtime: this check fails, before anything is built, when the client SDK has
moved to another major.minor than the pin.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import ProjectError
from ..settings import project_root

RUNTIME_PACKAGE = "azureml-train-automl-runtime"


class AutoMLVersionError(ProjectError, RuntimeError):
    """The scoring environment would not unpickle the models AutoML trains."""


def pinned_runtime(conda_file: Path) -> str:
    """The version of the AutoML runtime pinned in a conda specification."""
    text = conda_file.read_text(encoding="utf-8")
    found = re.search(rf"^\s*-\s*{re.escape(RUNTIME_PACKAGE)}==([0-9][^\s#]*)", text, re.MULTILINE)
    if found is None:
        raise AutoMLVersionError(
            f"{conda_file} pins no {RUNTIME_PACKAGE}; scoring an AutoML model needs the runtime "
            f"that trained it: add `- {RUNTIME_PACKAGE}==<version of azureml-train-automl-client>`"
        )
    return found.group(1)


def client_version() -> str:
    from azureml.train.automl import VERSION

    return VERSION


def major_minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def check_scoring_runtime(conda_file: Path | None = None, client: str | None = None) -> str:
    """Refuse to build retraining when the scoring pin and the client SDK differ; return the pin."""
    conda_file = conda_file or project_root() / "environments" / "scoring.yml"
    client = client or client_version()
    pinned = pinned_runtime(conda_file)
    if major_minor(pinned) != major_minor(client):
        raise AutoMLVersionError(
            f"AutoML would train with azureml-train-automl-client {client}, but {conda_file.name} "
            f"pins {RUNTIME_PACKAGE}=={pinned}: its models would not unpickle there. "
            "Update the pins in environments/scoring.yml (docs/retraining.md, "
            '"When AutoML\'s versions move") or '
            f"install azureml-train-automl-client~={'.'.join(major_minor(pinned))}.0"
        )
    return pinned
