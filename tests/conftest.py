"""Shared fixtures of the template's tests: the template root, the hook, the answers."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from cookiecutter.generate import generate_context
from cookiecutter.prompt import prompt_for_config

TEMPLATE_ROOT = Path(__file__).resolve().parents[1]
HOOKS = TEMPLATE_ROOT / "hooks"


def pytest_configure(config: pytest.Config) -> None:
    # pytest-cookies bakes the template at --template (default "."): make that the
    # template root whatever the working directory.
    if config.option.template == ".":
        config.option.template = str(TEMPLATE_ROOT)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Start the slow rendered test suites first, so that pytest-xdist balances the workers.
    items.sort(key=lambda item: item.get_closest_marker("rendered_tests") is None)


def load_hook(name: str):
    """The unrendered hook as a module: its Jinja only sits inside string literals."""
    spec = importlib.util.spec_from_file_location(f"hook_{name}", HOOKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def answers_for(extra: dict | None = None) -> dict:
    """The answers cookiecutter derives from cookiecutter.json with ``extra`` given, no prompt."""
    context = generate_context(
        context_file=str(TEMPLATE_ROOT / "cookiecutter.json"), extra_context=extra or {}
    )
    return dict(prompt_for_config(context, no_input=True))


@pytest.fixture(scope="session")
def pre_gen():
    return load_hook("pre_gen_project")


@pytest.fixture(scope="session")
def default_answers() -> dict:
    return answers_for()
