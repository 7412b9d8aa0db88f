"""The workspace and how to sign in to it, in one place.

Where the workspace is (first match wins):

1. the environment variables ``AZURE_SUBSCRIPTION_ID``, ``AZURE_RESOURCE_GROUP`` and
   ``AZUREML_WORKSPACE_NAME`` (CI, containers);
2. a ``config.json`` (or ``.azureml/config.json``) in the current folder or a parent,
   as downloaded from the studio; it is git-ignored.

How to sign in (``AZUREML_AUTH`` chooses; without it the first that applies):

- ``service-principal``: ``AZURE_TENANT_ID``, ``AZURE_CLIENT_ID``, ``AZURE_CLIENT_SECRET``;
- ``cli``: the Azure CLI's login (``az login``, or ``azure/login`` in CI);
- ``msi``: the managed identity of the machine (``AZURE_CLIENT_ID`` picks a user-assigned one);
- ``interactive``: the SDK's browser or device-code login.

Secrets are read from the environment and handed to the SDK in memory only:
they are never written to a file, printed, or passed to a pipeline step.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import ProjectError
from ..pipelines.context import BuildContext
from ..settings import Settings

LOCATION_VARIABLES = ("AZURE_SUBSCRIPTION_ID", "AZURE_RESOURCE_GROUP", "AZUREML_WORKSPACE_NAME")
SERVICE_PRINCIPAL_VARIABLES = ("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET")
AUTH_VARIABLE = "AZUREML_AUTH"
AUTH_METHODS = ("service-principal", "cli", "msi", "interactive")
CONFIG_NAMES = ("config.json", ".azureml/config.json")
CONFIG_KEYS = ("subscription_id", "resource_group", "workspace_name")

HOW_TO_CONFIGURE = (
    "either download config.json from the workspace's overview page in Azure ML studio into "
    "the project folder (it is git-ignored), or set "
    + ", ".join(LOCATION_VARIABLES)
    + "; then sign in with `az login`, or set "
    + ", ".join(SERVICE_PRINCIPAL_VARIABLES)
    + " for a service principal (see docs/operations.md)"
)


class WorkspaceConfigError(ProjectError):
    """The workspace or the sign-in is not configured, or is configured wrongly."""


@dataclass(frozen=True)
class WorkspaceLocation:
    subscription_id: str
    resource_group: str
    workspace_name: str
    source: str  # where the names came from, for messages


def find_config_file(start: str | os.PathLike | None = None) -> Path | None:
    """``config.json`` or ``.azureml/config.json`` in ``start`` or a parent, as the SDK looks."""
    folder = Path(start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            path = candidate / name
            if path.is_file():
                return path
    return None


def workspace_location(
    environ: dict | None = None, start: str | os.PathLike | None = None
) -> WorkspaceLocation:
    """Where the workspace is, from the environment or ``config.json``; one clear error if not."""
    environ = os.environ if environ is None else environ
    present = [name for name in LOCATION_VARIABLES if environ.get(name)]
    if len(present) == len(LOCATION_VARIABLES):
        values = [environ[name] for name in LOCATION_VARIABLES]
        return WorkspaceLocation(*values, source="environment variables")
    if present:
        missing = [name for name in LOCATION_VARIABLES if name not in present]
        raise WorkspaceConfigError(
            f"{', '.join(present)} set but {', '.join(missing)} missing: set all of "
            f"{', '.join(LOCATION_VARIABLES)}, or unset them and use config.json"
        )
    path = find_config_file(start)
    if path is None:
        where = Path(start or Path.cwd()).resolve()
        raise WorkspaceConfigError(
            f"no Azure ML workspace configured (no config.json in {where} or "
            f"its parents, no {LOCATION_VARIABLES[0]}): {HOW_TO_CONFIGURE}"
        )
    return _location_from_file(path)


def _location_from_file(path: Path) -> WorkspaceLocation:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise WorkspaceConfigError(
            f"{path} is not a readable JSON file ({error}): download it again from the "
            "workspace's overview page in Azure ML studio"
        ) from None
    if not isinstance(raw, dict):
        raw = {}
    # The studio writes "workspace_name"; older files say "workspace".
    raw.setdefault("workspace_name", raw.get("workspace", ""))
    missing = [key for key in CONFIG_KEYS if not str(raw.get(key) or "").strip()]
    if missing:
        raise WorkspaceConfigError(
            f"{path} has no {', '.join(missing)}: it needs "
            + ", ".join(f'"{key}"' for key in CONFIG_KEYS)
            + " (download it again from the workspace's overview page in Azure ML studio)"
        )
    return WorkspaceLocation(*(str(raw[key]).strip() for key in CONFIG_KEYS), source=str(path))


def auth_method(environ: dict | None = None) -> str:
    """Which sign-in to use.

    ``AZUREML_AUTH`` if set, else a service principal if its variables are set, else the CLI.
    """
    environ = os.environ if environ is None else environ
    chosen = environ.get(AUTH_VARIABLE, "").strip().lower()
    if chosen and chosen not in AUTH_METHODS:
        raise WorkspaceConfigError(
            f"{AUTH_VARIABLE}={chosen!r} is not a sign-in method: "
            f"use one of {', '.join(AUTH_METHODS)}"
        )
    present = [name for name in SERVICE_PRINCIPAL_VARIABLES if environ.get(name)]
    if chosen == "service-principal" or (not chosen and len(present) > 1):
        missing = [name for name in SERVICE_PRINCIPAL_VARIABLES if name not in present]
        if missing:
            raise WorkspaceConfigError(
                f"service principal sign-in needs {', '.join(SERVICE_PRINCIPAL_VARIABLES)}; "
                f"{', '.join(missing)} not set (or set {AUTH_VARIABLE}=cli to use `az login`)"
            )
        return "service-principal"
    return chosen or "cli"


def authentication(environ: dict | None = None):
    """The SDK authentication object for :func:`auth_method`; secrets stay in memory."""
    from azureml.core.authentication import (
        AzureCliAuthentication,
        InteractiveLoginAuthentication,
        MsiAuthentication,
        ServicePrincipalAuthentication,
    )

    environ = os.environ if environ is None else environ
    method = auth_method(environ)
    if method == "service-principal":
        return ServicePrincipalAuthentication(
            tenant_id=environ["AZURE_TENANT_ID"],
            service_principal_id=environ["AZURE_CLIENT_ID"],
            service_principal_password=environ["AZURE_CLIENT_SECRET"],
        )
    if method == "msi":
        client_id = environ.get("AZURE_CLIENT_ID")
        return MsiAuthentication(identity_config={"client_id": client_id} if client_id else None)
    if method == "interactive":
        return InteractiveLoginAuthentication()
    return AzureCliAuthentication()


def get_workspace(environ: dict | None = None, start: str | os.PathLike | None = None):
    """The workspace, signed in; a :class:`WorkspaceConfigError` says what to set when it fails."""
    location = workspace_location(environ, start)
    auth = authentication(environ)
    from azureml._common.exceptions import AzureMLException
    from azureml.core import Workspace

    try:
        return Workspace.get(
            name=location.workspace_name,
            auth=auth,
            subscription_id=location.subscription_id,
            resource_group=location.resource_group,
        )
    except AzureMLException as error:
        raise WorkspaceConfigError(
            f"cannot open workspace {location.workspace_name!r} in resource group "
            f"{location.resource_group!r} of subscription {location.subscription_id} "
            f"(from {location.source}) signing in with {auth_method(environ)}: "
            f"{_first_line(error)}. Check the names and that this identity has access; "
            f"{HOW_TO_CONFIGURE}"
        ) from None


def _first_line(error: Exception) -> str:
    text = str(getattr(error, "message", "") or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def online_context(workspace, settings: Settings) -> BuildContext:
    """A :class:`BuildContext` over the real workspace: what ``provision`` made, by name."""
    from azureml.core import Dataset
    from azureml.core.compute import ComputeTarget
    from azureml.exceptions import ComputeTargetException

    try:
        compute = ComputeTarget(workspace=workspace, name=settings.compute.name)
    except ComputeTargetException:
        raise ProjectError(
            f"compute cluster {settings.compute.name!r} not found in workspace {workspace.name!r}: "
            "run `provision` first"
        ) from None
    datasets = {}
    for field in ("scoring_dataset", "training_dataset"):
        name = getattr(settings.data, field)
        try:
            datasets[field] = Dataset.get_by_name(workspace, name=name)
        except Exception:  # the SDK raises UserErrorException or a service error when missing
            raise ProjectError(
                f"dataset {name!r} (settings: data.{field}) is not registered in workspace "
                f"{workspace.name!r}: run `provision` first, or register it under that name"
            ) from None
    return BuildContext(
        workspace=workspace,
        datastore=workspace.get_default_datastore(),
        compute_target=compute,
        scoring_dataset=datasets["scoring_dataset"],
        training_dataset=datasets["training_dataset"],
    )
