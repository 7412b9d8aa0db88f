"""Fixtures shared by the project's tests: settings, schema, a trained model, offline Azure ML."""

from __future__ import annotations

import os

# The test data is tiny: extra OpenMP threads only fight over the cores of a
# shared CI runner (scikit-learn models slow down tenfold). Set before numpy loads.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest  # noqa: E402

from {{ cookiecutter.package_name }}.schema import Schema  # noqa: E402
from {{ cookiecutter.package_name }}.settings import get_settings  # noqa: E402


@pytest.fixture(scope="session")
def settings():
    return get_settings()


@pytest.fixture(scope="session")
def schema(settings):
    return Schema.from_settings(settings)


@pytest.fixture(scope="session")
def scoring_frame(settings, schema):
    """``scoring_frame(rows, seed=0)``: scoring data the trained model can score.

    Simulated like the ``simulate`` command: numbers in the demo data's ranges and,
    for forecasting, times that follow the demo (training) data.
    """
    from {{ cookiecutter.package_name }}.demo_data import demo_training_frame
    from {{ cookiecutter.package_name }}.simulate import simulate

    reference, _ = demo_training_frame(schema, settings.model.task)

    def make(rows: int, seed: int = 0):
        return simulate(schema, rows, seed=seed, reference=reference)

    return make


# Seconds of local AutoML search for models trained by tests.
TRAINING_SECONDS = 2


@pytest.fixture(scope="session")
def trained_model(settings, tmp_path_factory):
    """Path of a model trained locally on the demo data, once per test session."""
    from {{ cookiecutter.package_name }}.local.training import train

    path = tmp_path_factory.mktemp("model") / "model.pkl"
    # A short search: tests need a working model, not the best one.
    train(settings, path, time_budget=TRAINING_SECONDS)
    return path


@pytest.fixture
def offline(settings):
    """A BuildContext whose pipelines build against the SDK's dry-run service."""
    from {{ cookiecutter.package_name }}.pipelines.offline import offline_context

    with offline_context(settings) as context:
        yield context


@pytest.fixture(scope="module")
def offline_module(settings):
    """One offline BuildContext for a whole test module (setting it up takes a second or two)."""
    from {{ cookiecutter.package_name }}.pipelines.offline import offline_context

    with offline_context(settings) as context:
        yield context


@pytest.fixture
def offline_service(offline_module):
    """The module's offline context with an empty dry-run service of its own.

    Published pipelines, endpoints, schedules and runs start from nothing in
    every test, without setting up the workspace again.
    """
    import dataclasses
    from unittest import mock

    from azureml.pipeline.core._aeva_provider import _AevaWorkflowProvider
    from azureml.pipeline.core._restclients.aeva.dryrun_service_caller import DryRunServiceCaller

    workspace = offline_module.workspace
    provider = _AevaWorkflowProvider(DryRunServiceCaller(), mock.MagicMock(), workspace)
    return dataclasses.replace(offline_module, workflow_provider=provider)
