"""Azure ML environments and run configurations, from the pinned conda files."""

from __future__ import annotations

from pathlib import Path

from azureml.core import Environment
from azureml.core.runconfig import DEFAULT_CPU_IMAGE, DockerConfiguration, RunConfiguration

from ..errors import ProjectError
from ..settings import Settings, project_root


def conda_file(name: str) -> Path:
    path = project_root() / "environments" / f"{name}.yml"
    if not path.is_file():
        raise ProjectError(
            f"conda specification not found: {path}; restore it from the template "
            "(environments/ is template-owned)"
        )
    return path


def environment(name: str, conda_name: str) -> Environment:
    """Environment ``name`` from ``environments/<conda_name>.yml`` on the CPU base image."""
    env = Environment.from_conda_specification(name=name, file_path=str(conda_file(conda_name)))
    env.docker.base_image = DEFAULT_CPU_IMAGE
    return env


def scoring_environment(settings: Settings) -> Environment:
    return environment(settings.azure.scoring_environment, "scoring")


def register_environment(settings: Settings) -> Environment:
    return environment(settings.azure.register_environment, "register")


def run_configuration(env: Environment) -> RunConfiguration:
    """A run configuration in Docker.

    ``DockerConfiguration`` replaces the deprecated ``environment.docker.enabled``.
    """
    config = RunConfiguration()
    config.environment = env
    config.docker = DockerConfiguration(use_docker=True)
    return config
