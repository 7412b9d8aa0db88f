"""Regeneration is safe: re-baking is deterministic, and cruft updates apply cleanly.

These tests drive the real tools the rendered docs/regeneration.md tells users
to run (cookiecutter, cruft, git) against a git repository made from this
template's working tree, in a temporary folder. They do not run the rendered
projects' own test suites (test_generation.py does).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cookiecutter.main import cookiecutter

TEMPLATE_ROOT = Path(__file__).resolve().parents[1]
OLD_MODEL = "Iris-Multi-Classification-AutoML"
NEW_MODEL = "Churn-Propensity-AutoML-v2"
# Not the defaults, so that a bake that ignored the answers would show.
ANSWERS = {
    "project_name": "Churn Scores",
    "task_type": "regression",
    "label_column": "spend",
    "feature_columns": "age:int,city:str,income",
    "output_format": "parquet",
    "ci_provider": "azure-devops",
    "python_version": "3.10",
}
COPY_IGNORE = shutil.ignore_patterns(
    ".git", "__pycache__", ".pytest_cache", ".ruff_cache", ".venv", "build", "*.egg-info"
)
CONFLICT_MARKERS = ("<<<<<<< ", ">>>>>>> ")


@pytest.fixture(autouse=True)
def isolated_git(tmp_path_factory, monkeypatch):
    """Commits work without the user's git identity or config; nothing reaches ~/.gitconfig."""
    assert shutil.which("git"), "git is a declared tool of the template's tests"
    home = tmp_path_factory.mktemp("home")
    for name, value in {
        "GIT_AUTHOR_NAME": "Template Tests", "GIT_AUTHOR_EMAIL": "tests@example.com",
        "GIT_COMMITTER_NAME": "Template Tests", "GIT_COMMITTER_EMAIL": "tests@example.com",
        "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"), "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(home),
    }.items():
        monkeypatch.setenv(name, value)


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"git {' '.join(args)} failed:\n{result.stderr}"
    return result.stdout.strip()


def cruft(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """The cruft command line, as users run it."""
    return subprocess.run(
        [sys.executable, "-m", "cruft", *args], cwd=cwd, capture_output=True, text=True,
        check=False, stdin=subprocess.DEVNULL,
    )


def commit_all(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "--no-gpg-sign", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (git metadata aside), by POSIX path, with its bytes."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


def assert_clean_merge(project: Path) -> None:
    files = tree(project)
    rejected = [name for name in files if name.endswith(".rej")]
    assert not rejected, f"cruft left rejected hunks: {rejected}"
    conflicted = [
        name for name, data in files.items()
        if any(marker.encode() in data for marker in CONFLICT_MARKERS)
    ]
    assert not conflicted, f"conflict markers in {conflicted}"


@pytest.fixture
def template_repo(tmp_path) -> Path:
    """A git repository holding a snapshot of this template's working tree, one commit.

    Every bake of these tests starts from it, so that all of them see the same template.
    """
    repo = tmp_path / "aml-batch-template"
    shutil.copytree(TEMPLATE_ROOT, repo, ignore=COPY_IGNORE)
    git(repo, "init", "--quiet", "--initial-branch=main")
    commit_all(repo, "Template release")
    return repo


def cruft_create(template: Path, output_dir: Path, answers: dict) -> Path:
    output_dir.mkdir(parents=True, exist_ok=True)
    result = cruft(
        output_dir, "create", str(template), "--no-input", "--output-dir", str(output_dir),
        "--extra-context", json.dumps(answers),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (project,) = [path for path in output_dir.iterdir() if path.is_dir()]
    git(project, "init", "--quiet", "--initial-branch=main")
    commit_all(project, "Generate from the template")
    return project


def bake(template: Path, output_dir: Path, **kwargs) -> Path:
    return Path(cookiecutter(str(template), no_input=True, output_dir=str(output_dir), **kwargs))


# --- Re-baking -------------------------------------------------------------------------------

def test_rebaking_with_the_same_answers_gives_no_diff(template_repo, tmp_path):
    first = bake(template_repo, tmp_path / "first", extra_context=ANSWERS)
    second = bake(template_repo, tmp_path / "second", extra_context=ANSWERS)
    assert tree(first) == tree(second)

    # Over the project itself, driven only by the answers file the project keeps.
    before = tree(first)
    config = tmp_path / "answers.yaml"
    shutil.copy(first / ".cookiecutterrc", config)
    again = bake(
        template_repo, tmp_path / "first", config_file=str(config), overwrite_if_exists=True
    )
    assert again == first
    assert tree(first) == before


def test_answers_file_records_every_answer_and_nothing_private(template_repo, tmp_path):
    import yaml

    project = bake(template_repo, tmp_path / "bake", extra_context=ANSWERS)
    recorded = yaml.safe_load((project / ".cookiecutterrc").read_text(encoding="utf-8"))
    answers = recorded["default_context"]
    for key, value in ANSWERS.items():
        assert answers[key] == value
    prompts = json.loads((template_repo / "cookiecutter.json").read_text(encoding="utf-8"))
    assert set(answers) == {key for key in prompts if not key.startswith("_")}


def test_user_owned_files_are_seeded_skipped_and_documented(template_repo, tmp_path):
    import tomllib

    project = bake(template_repo, tmp_path / "bake")
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    skipped = pyproject["tool"]["cruft"]["skip"]
    assert "src/iris_batch_scoring/feature_prep.py" in skipped
    guide = (project / "docs" / "regeneration.md").read_text(encoding="utf-8")
    for path in skipped:
        assert (project / path).is_file(), f"{path} is in cruft's skip but not seeded"
        assert f"| `{path}` | **you** |" in guide, f"{path} is not listed as yours in the guide"


# --- cruft ------------------------------------------------------------------------------------

def test_cruft_update_applies_a_new_template_commit_and_keeps_user_edits(template_repo, tmp_path):
    project = cruft_create(template_repo, tmp_path / "projects", {})
    package = project / "src" / "iris_batch_scoring"
    assert cruft(project, "check").returncode == 0

    # The team's own work: the user-owned hook, a module of theirs, a line in a template file.
    user_prep = (package / "feature_prep.py").read_text(encoding="utf-8").replace(
        "    return frame\n", "    return frame.fillna(0)  # team edit\n"
    )
    (package / "feature_prep.py").write_text(user_prep, encoding="utf-8")
    (package / "our_features.py").write_text('"""Ours."""\n', encoding="utf-8")
    gitignore = project / ".gitignore"
    gitignore.write_text("# team: local notebooks\n*.ipynb_checkpoints/\n"
                         + gitignore.read_text(encoding="utf-8"), encoding="utf-8")
    commit_all(project, "Team edits")

    # A new template release: changes a template-owned file, the user-owned seed, and adds a page.
    template_project = template_repo / "{{cookiecutter.project_slug}}"
    with open(template_project / ".gitignore", "a", encoding="utf-8") as file:
        file.write("# added by the template\n.mypy_cache/\n")
    seed = template_project / "src" / "{{cookiecutter.package_name}}" / "feature_prep.py"
    seed.write_text(seed.read_text(encoding="utf-8") + "\n# a newer seed\n", encoding="utf-8")
    (template_project / "docs" / "release-notes.md").write_text(
        "# Notes for {{ cookiecutter.model_name }}\n", encoding="utf-8"
    )
    new_commit = commit_all(template_repo, "Template: ignore mypy caches, add release notes")
    assert cruft(project, "check").returncode != 0, "cruft check must notice the new commit"

    result = cruft(project, "update", "--skip-apply-ask")
    assert result.returncode == 0, result.stdout + result.stderr
    assert_clean_merge(project)
    text = gitignore.read_text(encoding="utf-8")
    assert text.startswith("# team: local notebooks\n") and ".mypy_cache/" in text
    assert (package / "feature_prep.py").read_text(encoding="utf-8") == user_prep
    assert (package / "our_features.py").exists()
    assert (project / "docs" / "release-notes.md").read_text(encoding="utf-8") == (
        f"# Notes for {OLD_MODEL}\n"
    )
    assert json.loads((project / ".cruft.json").read_text(encoding="utf-8"))["commit"] == new_commit
    commit_all(project, "Update from the template")
    assert cruft(project, "check").returncode == 0


def test_regenerating_for_a_new_model_keeps_user_edits_and_drops_the_old_name(
    template_repo, tmp_path
):
    project = cruft_create(template_repo, tmp_path / "projects", {})
    package = project / "src" / "iris_batch_scoring"
    assert OLD_MODEL in (package / "settings.toml").read_text(encoding="utf-8")
    user_prep = '"""Our features."""\n\n\ndef prepare_features(frame):\n    return frame.copy()\n'
    (package / "feature_prep.py").write_text(user_prep, encoding="utf-8")
    (project / "tests" / "test_our_features.py").write_text(
        "def test_ours():\n    assert True\n", encoding="utf-8"
    )
    commit_all(project, "Team edits")

    result = cruft(
        project, "update", "--skip-apply-ask",
        "--variables-to-update", json.dumps({"model_name": NEW_MODEL}),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert_clean_merge(project)
    assert (package / "feature_prep.py").read_text(encoding="utf-8") == user_prep
    assert (project / "tests" / "test_our_features.py").exists()
    files = tree(project)
    stale = [name for name, data in files.items() if OLD_MODEL.encode() in data]
    assert not stale, f"the old model name is left in {stale}"
    for name in ("src/iris_batch_scoring/settings.toml", ".cookiecutterrc", ".cruft.json"):
        assert NEW_MODEL.encode() in files[name], name
    # Apart from the answers and the user's files, the project is what a fresh bake gives.
    fresh = bake(template_repo, tmp_path / "fresh", extra_context={"model_name": NEW_MODEL})
    expected = tree(fresh)
    for name, data in expected.items():
        if name != "src/iris_batch_scoring/feature_prep.py":
            assert files[name] == data, f"{name} differs from a fresh bake for the new model"


def test_a_plain_cookiecutter_project_can_be_linked_then_updated(template_repo, tmp_path):
    first_commit = git(template_repo, "rev-parse", "HEAD")
    project = bake(template_repo, tmp_path / "projects", extra_context={"ci_provider": "github"})
    git(project, "init", "--quiet", "--initial-branch=main")
    commit_all(project, "Generate with cookiecutter")

    # The command docs/regeneration.md gives for projects baked without cruft.
    result = cruft(
        project, "link", str(template_repo), "--config-file", ".cookiecutterrc",
        "--checkout", first_commit, "--no-input",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    state = json.loads((project / ".cruft.json").read_text(encoding="utf-8"))
    assert state["commit"] == first_commit
    commit_all(project, "Link to the template")

    makefile = template_repo / "{{cookiecutter.project_slug}}" / "Makefile"
    with open(makefile, "a", encoding="utf-8") as file:
        file.write("\n# added by a later template release\n")
    commit_all(template_repo, "Template: Makefile note")

    result = cruft(project, "update", "--skip-apply-ask")
    assert result.returncode == 0, result.stdout + result.stderr
    assert_clean_merge(project)
    makefile_text = (project / "Makefile").read_text(encoding="utf-8")
    assert "# added by a later template release" in makefile_text
    assert (project / ".github" / "workflows" / "ci.yml").exists()
    assert not (project / "azure-pipelines.yml").exists()
