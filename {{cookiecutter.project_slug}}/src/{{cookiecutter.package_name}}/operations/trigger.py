"""Trigger a pipeline endpoint over REST, as another system would.

The token comes from azure-identity's ``DefaultAzureCredential`` (environment
variables of a service principal, a managed identity, or ``az login``) and
is only ever put in the request's header: the printed ``curl`` line shows
``$TOKEN`` instead.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass

from ..errors import ProjectError
from .run import RunRequest

TOKEN_SCOPE = "https://management.azure.com/.default"
TIMEOUT_SECONDS = 60
HOW_TO_GET_TOKEN = (
    "TOKEN=$(az account get-access-token --resource https://management.azure.com/ "
    "--query accessToken -o tsv)"
)


@dataclass(frozen=True)
class RestCall:
    url: str
    body: dict

    def curl(self) -> str:
        """The same call as a shell command; the token stays in ``$TOKEN``."""
        return (
            f"curl -X POST {shlex.quote(self.url)} "
            '-H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" '
            f"-d {shlex.quote(json.dumps(self.body, sort_keys=True))}"
        )


def rest_call(endpoint_url: str, request: RunRequest, dataset_id: str | None = None) -> RestCall:
    """The POST that runs the endpoint's default version with the request's parameters."""
    body: dict = {
        "ExperimentName": request.experiment_name,
        "ParameterAssignments": dict(request.parameters),
    }
    if dataset_id is not None and request.dataset_parameter:
        body["DataSetDefinitionValueAssignments"] = {
            request.dataset_parameter: {"SavedDataSetReference": {"Id": dataset_id}}
        }
    return RestCall(endpoint_url, body)


def access_token(credential=None) -> str:
    """An Azure AD token for Azure ML's REST endpoints."""
    if credential is None:
        from azure.identity import DefaultAzureCredential

        credential = DefaultAzureCredential()
    try:
        return credential.get_token(TOKEN_SCOPE).token
    except (
        Exception
    ) as error:  # azure.identity raises CredentialUnavailableError / ClientAuthenticationError
        first_line = (
            str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        )
        raise ProjectError(
            f"cannot get an Azure AD token ({first_line}): sign in with `az login`, or set "
            "AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET for a service principal"
        ) from None


def send(call: RestCall, credential=None, timeout: float = TIMEOUT_SECONDS) -> str:
    """POST ``call``; returns the id of the pipeline run it started."""
    import requests

    headers = {"Authorization": f"Bearer {access_token(credential)}"}
    try:
        response = requests.post(call.url, headers=headers, json=call.body, timeout=timeout)
    except requests.RequestException as error:
        raise ProjectError(f"POST {call.url} failed: {type(error).__name__}: {error}") from None
    if not response.ok:
        raise ProjectError(
            f"POST {call.url} answered {response.status_code} {response.reason}: "
            f"{response.text[:500]}"
        )
    try:
        return str(response.json()["Id"])
    except (ValueError, KeyError, TypeError):
        raise ProjectError(
            f"POST {call.url} answered without a run id: {response.text[:500]}"
        ) from None
