"""Baking with bad answers: refused before rendering, naming the key, leaving nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from answer_sets import BAD_ANSWERS
from cookiecutter.exceptions import FailedHookException

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib


def leftovers(tmp_path: Path) -> list[Path]:
    """Everything pytest-cookies' output folders hold (cookies bakes into tmp_path/cookies)."""
    return [path for path in (tmp_path / "cookies").rglob("*")]


@pytest.mark.parametrize("bad", BAD_ANSWERS, ids=lambda b: b.name)
def test_bake_refuses_bad_answers(cookies, tmp_path, capfd, bad):
    result = cookies.bake(extra_context=bad.answers)
    err = capfd.readouterr().err
    assert result.exit_code != 0
    assert isinstance(result.exception, FailedHookException)
    assert f"  - {bad.key} = " in err, err
    assert [path for path in leftovers(tmp_path) if path.is_file()] == []
    assert [path.name for path in leftovers(tmp_path)] == ["bake00"]  # the empty output folder


@pytest.mark.parametrize(
    ("key", "value"),
    [("task_type", "clustering"), ("output_format", "xlsx"), ("ci_provider", "gitlab"),
     ("python_version", "3.12"), ("scoring_schedule_frequency", "Daily")],
)
def test_cookiecutter_refuses_unknown_choices_naming_the_key(cookies, key, value):
    result = cookies.bake(extra_context={key: value})
    assert result.exit_code != 0
    assert key in str(result.exception) and value in str(result.exception)


def test_injection_in_description_stays_text(cookies):
    payload = '""" + __import__("os").system("touch INJECTED") + """ \\ end'
    result = cookies.bake(extra_context={"description": payload, "author_name": payload})
    assert result.exit_code == 0, result.exception
    project = result.project_path
    assert not list(project.rglob("INJECTED")) and not Path("INJECTED").exists()
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["description"] == payload
    assert pyproject["project"]["authors"] == [{"name": payload}]
