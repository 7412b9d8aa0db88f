"""Run parameters, submission through the endpoint, failed-step messages, provisioning choices."""

from __future__ import annotations

import contextlib
import io
from unittest import mock

import pytest

from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.operations import provision
from {{ cookiecutter.package_name }}.operations import run as runs
from {{ cookiecutter.package_name }}.pipelines import PIPELINES, builder


def test_run_request_gathers_parameters(settings):
    request = runs.run_request(
        settings, "scoring", model_version="4", dataset_version="2", assignments=["note=a=b"]
    )
    assert request.parameters == {"model_version": "4", "note": "a=b"}
    assert (request.dataset_parameter, request.experiment_name) == (
        "scoring_dataset",
        settings.azure.scoring_pipeline,
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(assignments=["no-equals"]), "write it as NAME=VALUE"),
        (dict(model_version="v2"), "give a registered version"),
        (dict(dataset_version="0"), "give a registered version"),
    ],
)
def test_run_request_refuses_bad_values(settings, kwargs, message):
    with pytest.raises(ProjectError, match=message):
        runs.run_request(settings, "scoring", **kwargs)


def test_pipelines_without_the_parameter_refuse_it(settings):
    with pytest.raises(ProjectError, match="takes no model version"):
        runs.run_request(settings, "retraining", model_version="1")


def pipeline_parameters(offline_service, settings, pipeline) -> set[str]:
    """Names a run may override: the graph's pipeline parameters, as the SDK submits them."""
    with contextlib.redirect_stdout(io.StringIO()):
        return set(builder(pipeline)(offline_service, settings).graph.params)


@pytest.mark.parametrize("pipeline", [p for p in PIPELINES if p in runs.MODEL_VERSION_PIPELINES])
def test_model_version_is_a_parameter_of_the_scoring_pipelines(offline_service, settings, pipeline):
    assert runs.MODEL_VERSION_PARAMETER in pipeline_parameters(offline_service, settings, pipeline)


@pytest.mark.parametrize("pipeline", [p for p in PIPELINES if p in runs.DATASET_PARAMETERS])
def test_dataset_version_is_a_parameter_of_the_scoring_pipelines(
    offline_service, settings, pipeline
):
    assert hasattr(settings.data, runs.DATASET_PARAMETERS[pipeline])
    assert runs.DATASET_PARAMETERS[pipeline] in pipeline_parameters(
        offline_service, settings, pipeline
    )


def test_run_is_submitted_through_the_endpoint_with_its_parameters(offline_service, settings):
    from azureml.pipeline.core._aeva_provider import _AevaWorkflowProvider

    from {{ cookiecutter.package_name }}.operations.publish import publish

    publish(offline_service, settings, "scoring")
    request = runs.run_request(settings, "scoring", model_version="7")
    service = offline_service.workflow_provider._service_caller
    # The run handle reads run history, which the dry-run service does not have: record it instead.
    with (
        mock.patch.object(
            _AevaWorkflowProvider, "create_provider", return_value=offline_service.workflow_provider
        ),
        mock.patch("azureml.pipeline.core.pipeline_endpoint.PipelineRun") as handle,
    ):
        runs.submit(
            offline_service.workspace,
            settings,
            request,
            workflow_provider=offline_service.workflow_provider,
        )
    (submitted,) = service._submitted_pipeline_infos.values()
    assert submitted.experiment_name == settings.azure.scoring_pipeline
    assert submitted.parameter_assignments == {"model_version": "7"}
    assert handle.call_args.kwargs["run_id"] in service._submitted_pipeline_infos


def test_failed_step_message_reads_the_run_details():
    details = {
        "status": "Failed",
        "error": {
            "error": {"code": "UserError", "message": "column 'x' is missing\nTraceback ..."}
        },
    }
    assert (
        runs.failed_step_message("score", details)
        == "step 'score' failed (UserError): column 'x' is missing"
    )
    assert "no error message recorded" in runs.failed_step_message("score", {})


def test_cluster_is_created_updated_or_left_alone(settings):
    desired = provision.desired_cluster(settings)
    name = settings.compute.name
    assert provision.cluster_action(None, desired, name) == "create"
    assert provision.cluster_action(desired, desired, name) == "unchanged"
    smaller = provision.ClusterShape(
        desired.vm_size.upper(), 0, desired.max_nodes + 1, desired.idle_seconds
    )
    assert provision.cluster_action(smaller, desired, name) == "update"
    other = provision.ClusterShape("Standard_NC6", 0, desired.max_nodes, desired.idle_seconds)
    with pytest.raises(ProjectError, match="VM size cannot change"):
        provision.cluster_action(other, desired, name)


def test_environments_are_registered_only_when_their_definition_changes(settings):
    environments = provision.project_environments(settings)
    assert {env.name for env in environments} >= {
        settings.azure.scoring_environment,
        settings.azure.register_environment,
    }
    again = provision.project_environments(settings)
    assert all(provision.same_environment(a, b) for a, b in zip(environments, again, strict=True))
    changed = provision.project_environments(settings)[0]
    changed.python.conda_dependencies.add_pip_package("left-pad")
    assert not provision.same_environment(changed, environments[0])
    assert not provision.same_environment(None, environments[0])
    # What the service hands back is re-serialised (no comments): still the same environment.
    from azureml.core import Environment

    returned = Environment._deserialize_and_add_to_object(Environment._serialize_to_dict(again[0]))
    assert provision.same_environment(returned, environments[0])


def test_data_files_are_named_after_their_content(tmp_path):
    import pandas as pd

    scoring = pd.DataFrame({"id": range(40), "x": [i / 7 for i in range(40)]})
    first = provision.content_named_files(scoring, tmp_path / "a", "scoring", 4)
    second = provision.content_named_files(scoring, tmp_path / "b", "scoring", 4)
    assert len(first) == 4 and [p.name for p in first] == [p.name for p in second]
    changed = provision.content_named_files(scoring.iloc[1:], tmp_path / "c", "scoring", 4)
    assert {p.name for p in changed} != {p.name for p in first}


def test_command_line_publishes_and_reports_through_the_endpoint(offline_service, capsys):
    from azureml.pipeline.core._aeva_provider import _AevaWorkflowProvider

    from {{ cookiecutter.package_name }}.cli import main
    from {{ cookiecutter.package_name }}.operations import workspace

    service = offline_service.workflow_provider
    # Every SDK call the commands make without a provider goes to the dry-run service.
    with (
        mock.patch.object(workspace, "get_workspace", return_value=offline_service.workspace),
        mock.patch.object(workspace, "online_context", return_value=offline_service),
        mock.patch.object(_AevaWorkflowProvider, "create_provider", return_value=service),
    ):
        assert main(["publish", "scoring"]) == 0
        assert main(["publish", "scoring"]) == 0
        assert main(["schedule", "list"]) == 0
        assert main(["schedule", "disable"]) == 0
    out = capsys.readouterr().out
    assert "created endpoint" in out and "added to endpoint" in out
    assert "default version 1" in out and "REST URL: https://placeholder/" in out
    assert "no schedules of this project in the workspace" in out
