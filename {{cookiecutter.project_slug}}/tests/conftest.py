"""Fixtures shared by the project's tests: settings, schema, a trained model, offline Azure ML."""

from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }}.schema import Schema
from {{ cookiecutter.package_name }}.settings import get_settings


@pytest.fixture(scope="session")
def settings():
    return get_settings()


@pytest.fixture(scope="session")
def schema(settings):
    return Schema.from_settings(settings)


@pytest.fixture(scope="session")
def trained_model(settings, tmp_path_factory):
    """Path of a model trained locally on the demo data, once per test session."""
    from {{ cookiecutter.package_name }}.local.training import train

    path = tmp_path_factory.mktemp("model") / "model.pkl"
    train(settings, path)
    return path


@pytest.fixture
def offline(settings):
    """A BuildContext whose pipelines build against the SDK's dry-run service."""
    from {{ cookiecutter.package_name }}.pipelines.offline import offline_context

    with offline_context(settings) as context:
        yield context
