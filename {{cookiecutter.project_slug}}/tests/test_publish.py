"""Publishing behind a versioned PipelineEndpoint, against the SDK's dry-run service."""

from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.operations import publish as publishing
from {{ cookiecutter.package_name }}.pipelines import PIPELINES


def endpoint(context, name):
    from azureml.pipeline.core import PipelineEndpoint

    return PipelineEndpoint.get(
        context.workspace, name=name, _workflow_provider=context.workflow_provider
    )


def test_first_publication_creates_the_endpoint(offline_service, settings):
    result = publishing.publish(offline_service, settings, "scoring")
    assert result.created_endpoint and result.version == "0"
    assert result.endpoint_name == settings.azure.scoring_pipeline
    created = endpoint(offline_service, result.endpoint_name)
    assert created.endpoint == result.endpoint_url
    assert [v.pipeline_id for v in created.pipeline_version_list] == [result.published_pipeline_id]


def test_publishing_again_adds_a_new_default_version_at_the_same_url(offline_service, settings):
    first = publishing.publish(offline_service, settings, "scoring")
    second = publishing.publish(offline_service, settings, "scoring")
    assert not second.created_endpoint
    assert second.endpoint_url == first.endpoint_url
    stored = endpoint(offline_service, settings.azure.scoring_pipeline)
    versions = {v.version: v.pipeline_id for v in stored.pipeline_version_list}
    assert versions == {"0": first.published_pipeline_id, "1": second.published_pipeline_id}
    assert stored.get_default_version() == second.version == "1"
    assert stored.get_pipeline().id == second.published_pipeline_id


def test_missing_endpoint_says_to_publish_first(offline_service, settings):
    assert (
        publishing.find_endpoint(
            offline_service.workspace,
            settings.azure.scoring_pipeline,
            offline_service.workflow_provider,
        )
        is None
    )
    with pytest.raises(ProjectError, match="run `publish scoring` first"):
        publishing.require_endpoint(
            offline_service.workspace, settings, "scoring", offline_service.workflow_provider
        )


@pytest.mark.parametrize("pipeline", [p for p in PIPELINES if p != "scoring"])
def test_every_other_pipeline_publishes_behind_its_own_endpoint(
    offline_service, settings, pipeline
):
    result = publishing.publish(offline_service, settings, pipeline)
    assert result.endpoint_name == settings.pipeline_name(pipeline)
    assert endpoint(offline_service, result.endpoint_name).get_default_version() == "0"
