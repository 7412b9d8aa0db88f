"""Baking the curated combinations: the exact files, clean text, valid code, passing tests.

Each combination is baked once per session (per xdist worker). The rendered
project's own test suite is the slow part: it is marked ``rendered_tests`` and
runs for every combination by default; narrow it while developing with
``-m "not rendered_tests"`` or ``-k <combination name>``.
"""

from __future__ import annotations

import json
import os
import py_compile
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from answer_sets import COMBINATIONS
from expected_files import expected_files

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

LEFTOVER_JINJA = re.compile(r"\{\{-?\s*cookiecutter|\{%|\{#")
RENDERED_SUITE_TIMEOUT = 900


@pytest.fixture(scope="session", params=COMBINATIONS, ids=lambda c: c.name)
def baked(request, cookies_session):
    result = cookies_session.bake(extra_context=request.param.answers)
    assert result.exit_code == 0, result.exception
    return result


def project_files(project: Path) -> list[Path]:
    return sorted(path for path in project.rglob("*") if path.is_file())


def text_files(project: Path):
    for path in project_files(project):
        try:
            yield path, path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary (parquet, pickle): copied without rendering


def test_bake_succeeds(baked):
    assert baked.exception is None
    assert baked.project_path.name == baked.context["project_slug"]


def test_exact_file_set(baked):
    project = baked.project_path
    found = {path.relative_to(project).as_posix() for path in project_files(project)}
    expected = expected_files(baked.context)
    assert sorted(found - expected) == [], "files baked but not in tests/expected_files.py"
    assert sorted(expected - found) == [], "files in tests/expected_files.py but not baked"


def test_no_leftover_jinja(baked):
    project = baked.project_path
    leftovers = [
        f"{path.relative_to(project)}:{number}: {line.strip()}"
        for path, content in text_files(project)
        for number, line in enumerate(content.splitlines(), 1)
        if LEFTOVER_JINJA.search(line)
    ]
    assert leftovers == []
    assert not [path for path in project.rglob("*") if LEFTOVER_JINJA.search(path.name)]


def test_python_files_compile(baked, tmp_path):
    for path in baked.project_path.rglob("*.py"):
        py_compile.compile(str(path), cfile=str(tmp_path / "compiled.pyc"), doraise=True)


def test_structured_files_parse(baked):
    parsed = []
    for path, content in text_files(baked.project_path):
        if path.suffix in (".yml", ".yaml"):
            list(yaml.safe_load_all(content))
        elif path.suffix == ".toml":
            tomllib.loads(content)
        elif path.suffix == ".json":
            json.loads(content)
        else:
            continue
        parsed.append(path.name)
    assert "pyproject.toml" in parsed and "settings.toml" in parsed


def test_answers_reach_the_settings(baked):
    context = baked.context
    settings_file = baked.project_path / "src" / context["package_name"] / "settings.toml"
    settings = tomllib.loads(settings_file.read_text(encoding="utf-8"))
    assert settings["project"]["name"] == context["project_name"]
    assert settings["model"]["name"] == context["model_name"]
    assert settings["compute"]["name"] == context["compute_name"]
    assert settings["compute"]["node_count"] == int(context["node_count"])
    assert settings["data"]["scoring_dataset"] == context["scoring_dataset"]
    pyproject = tomllib.loads((baked.project_path / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["description"] == context["description"]


def test_ruff_is_clean(baked):
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        cwd=baked.project_path, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def clean_environment() -> dict:
    """This process's environment minus what would leak pytest/xdist state into the child."""
    return {
        name: value for name, value in os.environ.items()
        if not name.startswith(("PYTEST_", "PYTHONPATH", "COV_"))
    }


def run_rendered_suite(project: Path) -> tuple[int, str]:
    """The rendered project's pytest, in its own process group so that a hang is killed whole.

    Same interpreter, no install: the rendered pyproject sets pythonpath = ["src"].
    faulthandler prints every thread's stack if a test hangs, before the timeout kills it.
    """
    command = [
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
        "-o", f"faulthandler_timeout={RENDERED_SUITE_TIMEOUT // 3}",
    ]
    process = subprocess.Popen(
        command, cwd=project, env=clean_environment(), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=RENDERED_SUITE_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # pytest and any worker it forked
        output, _ = process.communicate()
        return -1, f"timed out after {RENDERED_SUITE_TIMEOUT} s\n{output}"
    return process.returncode, output


@pytest.mark.rendered_tests
def test_rendered_project_tests_pass(baked):
    returncode, output = run_rendered_suite(baked.project_path)
    # Exit code 5 ("no tests collected") is a failure too: a project must test itself.
    assert returncode == 0, output[-10000:]
