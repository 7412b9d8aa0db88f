"""What every pipeline builder needs from a workspace, gathered in one object.

Online, :mod:`..operations.workspace` fills it from a real workspace; offline,
:mod:`.offline` fills it with the SDK's own classes and its dry-run service.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..settings import Settings, project_root


@dataclass(frozen=True)
class BuildContext:
    workspace: Any  # azureml.core.Workspace
    datastore: Any  # the default datastore: where run-scoped outputs go
    compute_target: Any  # azureml.core.compute.ComputeTarget
    scoring_dataset: Any  # azureml.data.TabularDataset
    training_dataset: Any  # azureml.data.TabularDataset
    workflow_provider: Any = None  # the dry-run service offline; None online

    def pipeline_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of ``Pipeline(...)`` for this context."""
        kwargs: dict[str, Any] = {"workspace": self.workspace, "default_datastore": self.datastore}
        if self.workflow_provider is not None:
            kwargs["_workflow_provider"] = self.workflow_provider
        return kwargs


def source_directory() -> str:
    """``src/``: the snapshot uploaded for every step, holding the whole package."""
    return str(project_root() / "src")


def script_path(settings: Settings, script: str) -> str:
    """A step script's path relative to :func:`source_directory`, e.g. ``pkg/steps/score.py``."""
    return f"{settings.package}/{script}"
