"""The exact set of files a bake must produce, per answer set.

Each area of the rendered project lists its own files. A file added to or
removed from the template must be added or removed here too: the generation
tests compare this set with the baked tree, file for file.
"""

from __future__ import annotations

# Foundation: packaging, settings, schema, scoring, local scoring, scoring pipeline.
FOUNDATION = [
    ".gitattributes",
    ".gitignore",
    "Makefile",
    "README.md",
    "pyproject.toml",
    "environments/register.yml",
    "environments/scoring.yml",
    "src/.amlignore",
    "src/{pkg}/__init__.py",
    "src/{pkg}/__main__.py",
    "src/{pkg}/cli.py",
    "src/{pkg}/commands/__init__.py",
    "src/{pkg}/commands/data.py",
    "src/{pkg}/commands/operations.py",
    "src/{pkg}/commands/parallel.py",
    "src/{pkg}/commands/plan.py",
    "src/{pkg}/commands/scoring.py",
    "src/{pkg}/commands/training.py",
    "src/{pkg}/demo_data.py",
    "src/{pkg}/errors.py",
    "src/{pkg}/local/__init__.py",
    "src/{pkg}/local/single.py",
    "src/{pkg}/local/training.py",
    "src/{pkg}/operations/__init__.py",
    "src/{pkg}/pipelines/__init__.py",
    "src/{pkg}/pipelines/context.py",
    "src/{pkg}/pipelines/describe.py",
    "src/{pkg}/pipelines/environments.py",
    "src/{pkg}/pipelines/offline.py",
    "src/{pkg}/pipelines/plan.py",
    "src/{pkg}/pipelines/scoring.py",
    "src/{pkg}/schema.py",
    "src/{pkg}/scoring.py",
    "src/{pkg}/settings.py",
    "src/{pkg}/settings.toml",
    "src/{pkg}/simulate.py",
    "src/{pkg}/steps/__init__.py",
    "src/{pkg}/steps/score.py",
    "src/{pkg}/tabular_io.py",
    "tests/conftest.py",
    "tests/test_cli.py",
    "tests/test_demo_data.py",
    "tests/test_schema.py",
    "tests/test_score_step.py",
    "tests/test_scoring.py",
    "tests/test_scoring_pipeline.py",
    "tests/test_settings.py",
    "tests/test_simulate.py",
    "tests/test_tabular_io.py",
]

# Parallel scoring (ParallelRunStep, collect step, local parallel runner).
PARALLEL: list[str] = [
    "docs/parallel-scoring.md",
    "src/{pkg}/local/minibatches.py",
    "src/{pkg}/local/parallel.py",
    "src/{pkg}/local/split.py",
    "src/{pkg}/pipelines/parallel_scoring.py",
    "src/{pkg}/scored_parts.py",
    "src/{pkg}/steps/collect_output.py",
    "src/{pkg}/steps/parallel_score.py",
    "tests/test_parallel_collect.py",
    "tests/test_parallel_pipeline.py",
    "tests/test_parallel_runner.py",
]

# AutoML retraining and local training.
RETRAINING: list[str] = [
    "docs/retraining.md",
    "src/{pkg}/local/forecasting.py",
    "src/{pkg}/local/metrics.py",
    "src/{pkg}/pipelines/automl_versions.py",
    "src/{pkg}/pipelines/retraining.py",
    "src/{pkg}/steps/register_model.py",
    "tests/test_register_model.py",
    "tests/test_retraining.py",
    "tests/test_training_local.py",
]

# Operating the pipelines: workspace, provisioning, publishing, schedules.
OPERATIONS: list[str] = [
    "docs/operations.md",
    "src/{pkg}/operations/provision.py",
    "src/{pkg}/operations/publish.py",
    "src/{pkg}/operations/run.py",
    "src/{pkg}/operations/schedules.py",
    "src/{pkg}/operations/time_zones.py",
    "src/{pkg}/operations/trigger.py",
    "src/{pkg}/operations/workspace.py",
    "tests/test_operations.py",
    "tests/test_operations_workspace.py",
    "tests/test_publish.py",
    "tests/test_schedules.py",
    "tests/test_trigger.py",
]

# Team workflow: regeneration, docs. CI files per provider are below.
WORKFLOW: list[str] = [
    ".cookiecutterrc",
    "docs/pipelines.md",
    "docs/regeneration.md",
    "src/{pkg}/feature_prep.py",
    "tests/test_docs_pipelines.py",
]

# Files kept only for one CI provider.
CI_FILES: dict[str, list[str]] = {
    "github": [".github/dependabot.yml", ".github/workflows/ci.yml"],
    "azure-devops": ["azure-pipelines.yml"],
    "none": [],
}


def expected_files(context: dict) -> set[str]:
    """Relative paths (POSIX) a bake with ``context`` must produce, and nothing else."""
    paths = FOUNDATION + PARALLEL + RETRAINING + OPERATIONS + WORKFLOW
    paths = paths + CI_FILES[context["ci_provider"]]
    return {path.format(pkg=context["package_name"]) for path in paths}
