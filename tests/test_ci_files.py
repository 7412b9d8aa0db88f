"""The rendered CI/CD files are valid and do what the README promises, for each CI provider.

GitHub workflows are checked with actionlint (and shellcheck for their `run:`
scripts), both declared test dependencies of the template; Azure Pipelines
YAML is parsed and its steps are checked. Every `${{ }}` expression written in
the template must come through rendering intact.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from cookiecutter.main import cookiecutter

TEMPLATE_ROOT = Path(__file__).resolve().parents[1]
PROJECT_TEMPLATE = TEMPLATE_ROOT / "{{cookiecutter.project_slug}}"
TOOLS = Path(sys.executable).parent

RAW_BLOCK = re.compile(r"\{% raw %\}(.*?)\{% endraw %\}", re.DOTALL)
EXPRESSION = re.compile(r"\$\{\{.*?\}\}")
# An action reference pinned to a major version, a full version, or a commit.
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$")
DEPLOY_COMMANDS = [
    "provision",
    "publish scoring",
    "publish parallel-scoring",
    "publish retraining",
    "schedule apply",
]
GITHUB_ANSWERS = {"ci_provider": "github", "project_name": "Churn Scores", "python_version": "3.10"}
AZURE_ANSWERS = {"ci_provider": "azure-devops", "project_name": "Churn Scores"}


def tool(name: str) -> str:
    """A command-line tool installed with the template's test requirements."""
    path = shutil.which(name, path=str(TOOLS)) or shutil.which(name)
    assert path, f"{name} is missing: install the template's test requirements (README)"
    return path


def bake(output_dir: Path, answers: dict) -> Path:
    return Path(cookiecutter(
        str(TEMPLATE_ROOT), no_input=True, output_dir=str(output_dir), extra_context=answers
    ))


@pytest.fixture(scope="module")
def github_project(tmp_path_factory) -> Path:
    return bake(tmp_path_factory.mktemp("github"), GITHUB_ANSWERS)


@pytest.fixture(scope="module")
def azure_project(tmp_path_factory) -> Path:
    return bake(tmp_path_factory.mktemp("azure"), AZURE_ANSWERS)


@pytest.fixture(scope="module")
def workflow(github_project) -> dict:
    return yaml.safe_load((github_project / ".github/workflows/ci.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def azure_pipeline(azure_project) -> dict:
    return yaml.safe_load((azure_project / "azure-pipelines.yml").read_text(encoding="utf-8"))


def template_expressions(relative: str) -> list[str]:
    """The `${{ }}` expressions the template file writes inside raw blocks."""
    text = (PROJECT_TEMPLATE / relative).read_text(encoding="utf-8")
    expressions = [e for block in RAW_BLOCK.findall(text) for e in EXPRESSION.findall(block)]
    outside = RAW_BLOCK.sub("", text)
    assert "${{" not in outside, f"{relative}: a ${{{{ }}}} expression outside a raw block"
    return expressions


def steps_running(steps: list[dict]) -> list[str]:
    return [step["run"] for step in steps if "run" in step]


# --- GitHub Actions -----------------------------------------------------------------------------

def test_github_workflows_pass_actionlint(github_project):
    workflows = sorted((github_project / ".github" / "workflows").glob("*.yml"))
    assert workflows
    result = subprocess.run(
        [tool("actionlint"), "-no-color", "-oneline", "-shellcheck", tool("shellcheck"),
         *map(str, workflows)],
        cwd=github_project, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(github_project, tmp_path):
    # The check above can fail: an undefined input and a bad expression are reported.
    broken = (github_project / ".github/workflows/ci.yml").read_text(encoding="utf-8").replace(
        "cache: pip", "cache: pip\n          no-such-input: 1", 1
    ).replace("secrets.AZURE_CLIENT_ID", "secrets.AZURE_CLIENT_ID.value", 1)
    path = tmp_path / "broken.yml"
    path.write_text(broken, encoding="utf-8")
    result = subprocess.run([tool("actionlint"), "-no-color", "-oneline", str(path)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert '"no-such-input" is not defined' in result.stdout
    assert 'object dereference "value"' in result.stdout


def test_github_expressions_survive_rendering(github_project):
    rendered = (github_project / ".github/workflows/ci.yml").read_text(encoding="utf-8")
    expressions = template_expressions(".github/workflows/ci.yml")
    assert len(expressions) >= 8
    for expression in expressions:
        assert expression in rendered
    assert len(EXPRESSION.findall(rendered)) == len(expressions)
    assert "{%" not in rendered


def test_pull_requests_run_lint_and_tests_with_the_answered_python(workflow):
    assert {"pull_request", "push"} <= set(workflow[True])  # YAML 1.1 reads the key `on` as True
    assert workflow[True]["push"]["branches"] == ["main"]
    test = workflow["jobs"]["test"]
    assert "if" not in test
    python = [
        step for step in test["steps"] if step.get("uses", "").startswith("actions/setup-python@")
    ]
    assert python[0]["with"]["python-version"] == GITHUB_ANSWERS["python_version"]
    assert python[0]["with"]["cache"] == "pip"
    runs = steps_running(test["steps"])
    assert any(run.startswith("ruff check") for run in runs)
    assert any("pytest" in run for run in runs)


def test_main_deploys_with_openid_connect(workflow):
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "test"
    assert "refs/heads/main" in deploy["if"] and "push" in deploy["if"]
    assert deploy["permissions"]["id-token"] == "write"
    login = [step for step in deploy["steps"] if step.get("uses", "").startswith("azure/login@")]
    assert len(login) == 1
    assert set(login[0]["with"]) == {"client-id", "tenant-id", "subscription-id"}
    assert "client-secret" not in str(deploy) and "creds" not in login[0]["with"]
    runs = steps_running(deploy["steps"])
    commands = [run.split(" ", 3)[3] for run in runs if run.startswith("python -m churn_scores ")]
    assert commands == DEPLOY_COMMANDS
    # Sign-in first, then the commands.
    names = [step.get("uses", step.get("run", "")) for step in deploy["steps"]]
    assert names.index(login[0]["uses"]) < names.index("python -m churn_scores provision")


def test_actions_are_pinned(workflow):
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                assert PINNED.match(step["uses"]), f"unpinned action {step['uses']}"


def test_dependabot_updates_pip_and_actions(github_project):
    config = yaml.safe_load((github_project / ".github/dependabot.yml").read_text(encoding="utf-8"))
    assert config["version"] == 2
    assert {update["package-ecosystem"] for update in config["updates"]} == {
        "pip", "github-actions"
    }


def test_deploy_commands_exist_in_the_rendered_cli(github_project):
    """The commands CI runs are commands of the project (checked with --help: no Azure needed)."""
    for command in DEPLOY_COMMANDS:
        result = subprocess.run(
            [sys.executable, "-m", "churn_scores", *command.split(), "--help"],
            cwd=github_project, env={"PYTHONPATH": "src", "PATH": str(TOOLS)},
            capture_output=True, text=True, check=False,
        )
        assert result.returncode == 0, f"`{command}`: {result.stderr}"


# --- Azure Pipelines ----------------------------------------------------------------------------

def test_azure_expressions_survive_rendering(azure_project):
    rendered = (azure_project / "azure-pipelines.yml").read_text(encoding="utf-8")
    expressions = template_expressions("azure-pipelines.yml")
    assert expressions
    for expression in expressions:
        assert expression in rendered
    assert "{%" not in rendered


def test_azure_pipeline_tests_every_change_and_deploys_main(azure_pipeline):
    assert azure_pipeline["trigger"]["branches"]["include"] == ["main"]
    assert azure_pipeline["pr"]
    variables = azure_pipeline["variables"]
    assert variables["pythonVersion"] == "3.11"
    assert variables["azureServiceConnection"]
    test, deploy = azure_pipeline["stages"]
    test_steps = test["jobs"][0]["steps"]
    assert test_steps[0]["task"] == "UsePythonVersion@0"
    assert test_steps[0]["inputs"]["versionSpec"] == "$(pythonVersion)"
    assert any(step.get("task") == "Cache@2" for step in test_steps)
    scripts = [step["script"] for step in test_steps if "script" in step]
    assert any(script.startswith("ruff check") for script in scripts)
    assert any("pytest" in script for script in scripts)

    assert deploy["dependsOn"] == "Test"
    assert "refs/heads/main" in deploy["condition"]
    job = deploy["jobs"][0]
    steps = job["strategy"]["runOnce"]["deploy"]["steps"]
    (cli,) = [step for step in steps if step.get("task") == "AzureCLI@2"]
    assert cli["inputs"]["azureSubscription"] == "${{ variables.azureServiceConnection }}"
    script = cli["inputs"]["inlineScript"]
    commands = [line.split(" ", 3)[3] for line in script.splitlines()
                if line.startswith("python -m churn_scores ")]
    assert commands == DEPLOY_COMMANDS
    assert cli["env"]["AZUREML_AUTH"] == "cli"


# --- Which files each provider gets --------------------------------------------------------------

@pytest.mark.parametrize("provider", ["github", "azure-devops", "none"])
def test_each_provider_gets_only_its_own_files(provider, tmp_path):
    project = bake(tmp_path, {"ci_provider": provider})
    assert (project / ".github").exists() == (provider == "github")
    assert (project / "azure-pipelines.yml").exists() == (provider == "azure-devops")
    guide = (project / "docs" / "regeneration.md").read_text(encoding="utf-8")
    assert ("## CI/CD set-up: GitHub Actions" in guide) == (provider == "github")
    assert ("## CI/CD set-up: Azure Pipelines" in guide) == (provider == "azure-devops")


# --- The template's own CI ----------------------------------------------------------------------

def test_template_ci_runs_the_readme_test_command():
    workflows = sorted((TEMPLATE_ROOT / ".github" / "workflows").glob("*.yml"))
    assert workflows
    result = subprocess.run(
        [tool("actionlint"), "-no-color", "-oneline", "-shellcheck", tool("shellcheck"),
         *map(str, workflows)],
        cwd=TEMPLATE_ROOT, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    runs = [
        step["run"]
        for path in workflows
        for job in yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"].values()
        for step in job["steps"] if "run" in step
    ]
    assert any(run.strip() == "make test" for run in runs)
