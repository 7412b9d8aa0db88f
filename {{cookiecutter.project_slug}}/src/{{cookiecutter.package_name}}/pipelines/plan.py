"""Build pipelines offline and describe them: the ``plan`` command's engine."""

from __future__ import annotations

import contextlib
import io

from ..errors import ProjectError
from ..settings import Settings
from . import PIPELINES, builder
from .describe import PipelineView, view


def plan(settings: Settings, pipelines: tuple[str, ...] = PIPELINES) -> list[PipelineView]:
    """Build each pipeline with the real SDK against the dry-run service; validate, describe."""
    from .offline import offline_context

    views = []
    with offline_context(settings) as context:
        for name in pipelines:
            # The SDK prints progress lines while it builds; keep the plan readable.
            with contextlib.redirect_stdout(io.StringIO()):
                pipeline = builder(name)(context, settings)
                errors = pipeline.validate()
            if errors:
                raise ProjectError(f"pipeline {name} does not validate: {errors}")
            views.append(view(pipeline, settings.pipeline_name(name)))
    return views
