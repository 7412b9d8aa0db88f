"""Publish a pipeline behind a versioned ``PipelineEndpoint`` named after it.

The first publication creates the endpoint (version "0"); every later one is
added as a new default version, so the endpoint's REST URL never changes
while schedules and callers always get the latest pipeline.

Every function takes the workflow provider of a :class:`BuildContext`:
``None`` online, the SDK's dry-run service in tests.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass

from .. import __version__
from ..errors import ProjectError
from ..pipelines import builder
from ..pipelines.context import BuildContext
from ..settings import Settings


@dataclass(frozen=True)
class Publication:
    pipeline: str  # scoring, parallel-scoring or retraining
    endpoint_name: str
    endpoint_url: str  # stable: the same for every version
    version: str  # the endpoint version now the default
    published_pipeline_id: str
    created_endpoint: bool


def find_endpoint(workspace, name: str, workflow_provider=None):
    """The ``PipelineEndpoint`` called ``name`` (active or not), or ``None``."""
    from azureml.pipeline.core import PipelineEndpoint

    endpoints = PipelineEndpoint.list(
        workspace, active_only=False, max_results=1000, _workflow_provider=workflow_provider
    )
    for endpoint in endpoints:
        if endpoint.name == name:
            return endpoint
    # The list is capped by the service; ask for the name itself before calling it absent.
    try:
        return PipelineEndpoint.get(workspace, name=name, _workflow_provider=workflow_provider)
    except Exception:  # the service answers 404 (the dry-run service a bare Exception)
        return None


def require_endpoint(workspace, settings: Settings, pipeline: str, workflow_provider=None):
    """The endpoint of ``pipeline``; a clear error saying to publish it first when missing."""
    name = settings.pipeline_name(pipeline)
    endpoint = find_endpoint(workspace, name, workflow_provider)
    if endpoint is None:
        raise ProjectError(
            f"pipeline endpoint {name!r} not found in workspace {workspace.name!r}: "
            f"run `publish {pipeline}` first"
        )
    return endpoint


def publish(context: BuildContext, settings: Settings, pipeline: str) -> Publication:
    """Build ``pipeline``, publish it, and make it the default version of its endpoint."""
    from azureml.pipeline.core import PipelineEndpoint

    name = settings.pipeline_name(pipeline)
    # The SDK prints a line per step while it builds and uploads; keep the output readable.
    with contextlib.redirect_stdout(io.StringIO()):
        graph = builder(pipeline)(context, settings)
        errors = graph.validate()
    if errors:
        raise ProjectError(f"pipeline {pipeline} does not validate: {errors}")
    description = f"{settings.project_name}: {pipeline} pipeline (project version {__version__})"
    with contextlib.redirect_stdout(io.StringIO()):
        published = graph.publish(name=name, description=description, version=__version__)
    provider = context.workflow_provider
    endpoint = find_endpoint(context.workspace, name, provider)
    created = endpoint is None
    if created:
        endpoint = PipelineEndpoint.publish(
            context.workspace,
            name=name,
            description=f"{settings.project_name}: {pipeline}",
            pipeline=published,
            _workflow_provider=provider,
        )
    else:
        if endpoint.status != "Active":
            endpoint.enable()
        endpoint.add_default(published)
    return Publication(
        pipeline=pipeline,
        endpoint_name=name,
        endpoint_url=endpoint.endpoint,
        version=endpoint.get_default_version(),
        published_pipeline_id=published.id,
        created_endpoint=created,
    )
