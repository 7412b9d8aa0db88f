"""Build pipelines with no network and no credentials.

The SDK ships an in-memory stand-in for the pipeline service (the dry-run
service caller of ``azureml-pipeline-core``). Around it this module sets up
a workspace object with a placeholder token, the default blob datastore,
the compute cluster, and unregistered stand-ins for the two datasets, and
patches the three workspace look-ups that would otherwise reach Azure.
Everything built here is a real SDK object: steps, graphs, published
pipelines, endpoints and schedules.
"""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Iterator
from unittest import mock

from ..settings import Settings
from .context import BuildContext

SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000"
RESOURCE_GROUP = "offline-resource-group"
WORKSPACE_NAME = "offline-workspace"


def _placeholder_token() -> str:
    """A well-formed but unsigned JWT: the SDK decodes tokens, it never sends this one."""

    def part(payload: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")

    return ".".join([part({"alg": "none", "typ": "JWT"}), part({"exp": 4102444800}), "offline"])


def offline_workspace():
    from azureml.core import Workspace
    from azureml.core.authentication import TokenAuthentication

    token = _placeholder_token()
    return Workspace(
        SUBSCRIPTION_ID,
        RESOURCE_GROUP,
        WORKSPACE_NAME,
        auth=TokenAuthentication(lambda audience: token),
        _disable_service_check=True,
        _location="offline",
    )


def offline_compute_target(workspace, settings: Settings):
    """An ``AmlCompute`` object built from the answers, without asking the service."""
    from azureml.core.compute import AmlCompute

    # ComputeTarget.__new__ asks the service for the cluster; build the object directly.
    compute = object.__new__(AmlCompute)
    compute._workspace = workspace
    compute.name = settings.compute.name
    compute.type = "AmlCompute"
    compute.vm_size = settings.compute.vm_size
    compute.scale_settings = mock.Mock(
        minimum_node_count=0, maximum_node_count=settings.compute.node_count
    )
    compute.provisioning_state = "Succeeded"
    return compute


def stand_in_dataset(datastore, path: str):
    """An unregistered tabular dataset over ``path``; not validated, so nothing is read."""
    from azureml.core import Dataset

    return Dataset.Tabular.from_delimited_files(
        (datastore, f"{path}/*.csv"), validate=False, infer_column_types=False
    )


@contextlib.contextmanager
def offline_context(settings: Settings) -> Iterator[BuildContext]:
    """A :class:`BuildContext` whose pipelines build, validate and publish in memory."""
    from azureml.core import Workspace
    from azureml.data.azure_storage_datastore import AzureBlobDatastore
    from azureml.pipeline.core._aeva_provider import _AevaWorkflowProvider
    from azureml.pipeline.core._restclients.aeva.dryrun_service_caller import DryRunServiceCaller

    with contextlib.ExitStack() as patches:
        # The SDK fetches the list of Azure clouds on first use; offline there is none to fetch.
        patches.enter_context(mock.patch(
            "azureml._vendor.azure_cli_core.azureml_cloud._Clouds._get_clouds", return_value=[]))
        workspace = offline_workspace()
        datastore = AzureBlobDatastore(
            workspace, "workspaceblobstore", "offline-container", "offlineaccount"
        )
        compute = offline_compute_target(workspace, settings)
        patches.enter_context(mock.patch.object(
            Workspace, "compute_targets", new_callable=mock.PropertyMock,
            return_value={compute.name: compute}))
        patches.enter_context(mock.patch.object(
            Workspace, "service_context", new_callable=mock.PropertyMock,
            return_value=mock.MagicMock()))
        patches.enter_context(mock.patch.object(
            Workspace, "get_default_datastore", return_value=datastore))
        # Building a graph registers unregistered datasets; offline there is nowhere to register.
        patches.enter_context(mock.patch(
            "azureml.data.abstract_dataset.AbstractDataset._ensure_saved", return_value=None))
        # AutoMLStep checks the workspace's curated AutoML environments while it builds (the
        # released SDK takes itself for a non-production build: its index URL gains "index.html"):
        # the one service call of an AutoML graph build, and only a check.
        patches.enter_context(mock.patch(
            "azureml.pipeline.steps.automl_step.validate_non_prod_env_exists", return_value=None))
        provider = _AevaWorkflowProvider(DryRunServiceCaller(), mock.MagicMock(), workspace)
        yield BuildContext(
            workspace=workspace,
            datastore=datastore,
            compute_target=compute,
            scoring_dataset=stand_in_dataset(datastore, settings.azure.scoring_data_path),
            training_dataset=stand_in_dataset(datastore, settings.azure.training_data_path),
            workflow_provider=provider,
        )
