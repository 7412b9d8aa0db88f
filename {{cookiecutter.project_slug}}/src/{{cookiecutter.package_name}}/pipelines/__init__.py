"""Builders that describe the Azure ML pipelines; they run nothing by themselves.

``BUILDERS`` maps each pipeline of the command line to the function that
builds it from a :class:`~.context.BuildContext` and the settings.
"""

from __future__ import annotations

from importlib import import_module

PIPELINES = ("scoring", "parallel-scoring", "retraining")

_BUILDER_PATHS = {
    "scoring": ("scoring", "build_scoring_pipeline"),
    "parallel-scoring": ("parallel_scoring", "build_parallel_scoring_pipeline"),
    "retraining": ("retraining", "build_retraining_pipeline"),
}


def builder(pipeline: str):
    """The build function of ``pipeline`` (imported on demand: the SDK is slow to import)."""
    try:
        module_name, function = _BUILDER_PATHS[pipeline]
    except KeyError:
        raise ValueError(
            f"unknown pipeline {pipeline!r}; choose one of {', '.join(PIPELINES)}") from None
    return getattr(import_module(f"{__name__}.{module_name}"), function)
