"""Baking from a git URL, as `cookiecutter gh:org/aml-batch-template` does.

Cookiecutter clones the repository and bakes the clone, so only committed files
count: a file that works here but was never committed (or is ignored) fails.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import TEMPLATE_ROOT, answers_for
from cookiecutter.main import cookiecutter


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def template_clone(tmp_path) -> Path:
    if shutil.which("git") is None or not (TEMPLATE_ROOT / ".git").exists():
        pytest.skip("the template is not a git checkout here")
    clone = tmp_path / "aml-batch-template"
    git("clone", "--quiet", str(TEMPLATE_ROOT), str(clone), cwd=tmp_path)
    return clone


def test_bake_from_a_git_url(template_clone, tmp_path):
    config = tmp_path / "cookiecutter-config.yaml"
    config.write_text(yaml.safe_dump({
        "cookiecutters_dir": str(tmp_path / "cookiecutters"),
        "replay_dir": str(tmp_path / "replay"),
    }), encoding="utf-8")
    url = f"git+{template_clone.as_uri()}"
    project = Path(cookiecutter(
        url, no_input=True, output_dir=str(tmp_path / "out"), config_file=str(config),
    ))
    # Cookiecutter really cloned it (the clone of the clone sits in cookiecutters_dir).
    cloned = tmp_path / "cookiecutters" / template_clone.name
    assert git("rev-parse", "HEAD", cwd=cloned) == git("rev-parse", "HEAD", cwd=template_clone)

    # Compare with the committed list of files (the working tree may hold newer work).
    spec = importlib.util.spec_from_file_location(
        "committed_expected_files", template_clone / "tests" / "expected_files.py"
    )
    committed = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(committed)
    found = {path.relative_to(project).as_posix() for path in project.rglob("*") if path.is_file()}
    assert found == committed.expected_files(answers_for())

