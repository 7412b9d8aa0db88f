"""Workspace and sign-in configuration: one clear message when it is missing or wrong."""

from __future__ import annotations

import json

import pytest

from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.operations import workspace as ws
from {{ cookiecutter.package_name }}.operations.workspace import WorkspaceConfigError

ALL_VARIABLES = (*ws.LOCATION_VARIABLES, *ws.SERVICE_PRINCIPAL_VARIABLES, ws.AUTH_VARIABLE)


@pytest.fixture
def bare(tmp_path, monkeypatch):
    """A folder with no config.json and an environment with none of the variables."""
    for name in ALL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    folder = tmp_path / "project"
    folder.mkdir()
    monkeypatch.chdir(folder)
    assert ws.find_config_file(folder) is None, (
        "a config.json above the test folder would hide the case"
    )
    return folder


def test_nothing_configured_says_what_to_set(bare):
    with pytest.raises(WorkspaceConfigError) as raised:
        ws.get_workspace()
    message = str(raised.value)
    assert "no Azure ML workspace configured" in message
    assert str(bare) in message
    for name in (
        *ws.LOCATION_VARIABLES,
        *ws.SERVICE_PRINCIPAL_VARIABLES,
        "config.json",
        "az login",
    ):
        assert name in message


def test_command_line_prints_one_error_line(bare, capsys):
    assert main(["schedule", "list"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: no Azure ML workspace configured")


def test_partial_environment_names_the_missing_variables(bare, monkeypatch):
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", "sub")
    with pytest.raises(
        WorkspaceConfigError, match="AZURE_RESOURCE_GROUP, AZUREML_WORKSPACE_NAME missing"
    ):
        ws.workspace_location()


def test_environment_wins_over_config_file(bare, monkeypatch):
    (bare / "config.json").write_text(
        json.dumps({"subscription_id": "file", "resource_group": "file", "workspace_name": "file"})
    )
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", "sub")
    monkeypatch.setenv("AZURE_RESOURCE_GROUP", "rg")
    monkeypatch.setenv("AZUREML_WORKSPACE_NAME", "ws")
    location = ws.workspace_location()
    assert (location.subscription_id, location.resource_group, location.workspace_name) == (
        "sub",
        "rg",
        "ws",
    )


def test_config_file_found_in_a_parent_folder(bare):
    azureml = bare.parent / ".azureml"
    azureml.mkdir()
    (azureml / "config.json").write_text(
        json.dumps({"subscription_id": "s", "resource_group": "r", "workspace_name": "w"})
    )
    nested = bare / "src" / "deep"
    nested.mkdir(parents=True)
    location = ws.workspace_location(start=nested)
    assert (location.workspace_name, location.source) == ("w", str(azureml / "config.json"))


@pytest.mark.parametrize(
    "content, expected",
    [
        ("{not json", "is not a readable JSON file"),
        (json.dumps({"subscription_id": "s"}), "has no resource_group, workspace_name"),
    ],
)
def test_wrong_config_file_names_the_file_and_the_fix(bare, content, expected):
    (bare / "config.json").write_text(content)
    with pytest.raises(WorkspaceConfigError) as raised:
        ws.workspace_location()
    assert expected in str(raised.value) and str(bare / "config.json") in str(raised.value)


def test_service_principal_needs_all_three_variables_and_never_echoes_the_secret(bare, monkeypatch):
    monkeypatch.setenv("AZURE_CLIENT_ID", "app")
    monkeypatch.setenv("AZURE_CLIENT_SECRET", "very-secret-value")
    with pytest.raises(WorkspaceConfigError) as raised:
        ws.auth_method()
    assert "AZURE_TENANT_ID not set" in str(raised.value)
    assert "very-secret-value" not in str(raised.value)


def test_sign_in_method_defaults_and_choices(bare, monkeypatch):
    assert ws.auth_method() == "cli"
    monkeypatch.setenv(
        "AZURE_CLIENT_ID", "user-assigned-identity"
    )  # alone: not a service principal
    assert ws.auth_method() == "cli"
    monkeypatch.setenv(ws.AUTH_VARIABLE, "msi")
    assert ws.auth_method() == "msi"
    monkeypatch.setenv(ws.AUTH_VARIABLE, "password")
    with pytest.raises(WorkspaceConfigError, match="service-principal, cli, msi, interactive"):
        ws.auth_method()


def test_service_principal_authentication_is_built_in_memory(bare, monkeypatch):
    from azureml.core.authentication import ServicePrincipalAuthentication

    monkeypatch.setenv("AZURE_TENANT_ID", "tenant")
    monkeypatch.setenv("AZURE_CLIENT_ID", "app")
    monkeypatch.setenv("AZURE_CLIENT_SECRET", "s3cret")
    assert isinstance(ws.authentication(), ServicePrincipalAuthentication)
    assert list(bare.iterdir()) == []  # nothing written
