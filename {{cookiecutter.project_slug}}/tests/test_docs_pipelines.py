"""docs/pipelines.md shows the real pipeline graphs: rebuild them and compare.

The diagrams are the output of ``python -m {{ cookiecutter.package_name }} plan PIPELINE --mermaid``,
which builds each pipeline offline with the Azure ML SDK. After changing a
pipeline, refresh the document with::

    PYTHONPATH=src python tests/test_docs_pipelines.py
"""

from __future__ import annotations

import difflib
from pathlib import Path

DOCUMENT = Path(__file__).resolve().parents[1] / "docs" / "pipelines.md"
REFRESH = "PYTHONPATH=src python tests/test_docs_pipelines.py"

INTRODUCTION = """\
# Pipelines

The three Azure ML pipelines of this project, as the SDK builds them: rounded boxes are
datasets, rectangles are steps, and each arrow is named after the step input it feeds.

Generated from the real pipeline graphs by `python -m {package} plan PIPELINE --mermaid`.
A test fails when this page no longer matches them; refresh it with:

    {refresh}
"""

# What each pipeline is for, by its command-line name.
PURPOSES = {
    "scoring": "Scores the scoring dataset with the registered model in one step.",
    "parallel-scoring": (
        "Scores the scoring dataset in mini-batches on the whole cluster (ParallelRunStep), "
        "then writes one ordered predictions file with a header."
    ),
    "retraining": (
        "Trains a new model with AutoML on the training dataset, then registers the best one."
    ),
}


def render_document(package: str, diagrams: dict[str, tuple[str, str]]) -> str:
    """The page; ``diagrams`` maps each pipeline's CLI name to (Azure ML name, Mermaid text)."""
    parts = [INTRODUCTION.format(package=package, refresh=REFRESH)]
    for pipeline, (azure_name, mermaid) in diagrams.items():
        parts.append(
            f"## {pipeline}\n\n"
            f"Published as `{azure_name}`.\n{PURPOSES[pipeline]}\n\n"
            f"```mermaid\n{mermaid}\n```\n"
        )
    return "\n".join(parts)


def current_document(settings) -> str:
    """The page as the pipelines are built now (offline, with the real SDK)."""
    from {{ cookiecutter.package_name }}.pipelines import PIPELINES
    from {{ cookiecutter.package_name }}.pipelines.describe import render_mermaid
    from {{ cookiecutter.package_name }}.pipelines.plan import plan

    views = plan(settings, PIPELINES)
    diagrams = {
        pipeline: (view.name, render_mermaid(view))
        for pipeline, view in zip(PIPELINES, views, strict=True)
    }
    return render_document(settings.package, diagrams)


def test_pipeline_diagrams_match_the_built_graphs(settings):
    expected = current_document(settings)
    written = DOCUMENT.read_text(encoding="utf-8") if DOCUMENT.exists() else ""
    if written != expected:
        diff = "".join(difflib.unified_diff(
            written.splitlines(keepends=True), expected.splitlines(keepends=True),
            "docs/pipelines.md (written)", "docs/pipelines.md (built now)",
        ))
        raise AssertionError(
            f"docs/pipelines.md is out of date; refresh it with `{REFRESH}`\n{diff}"
        )


def test_every_pipeline_has_a_diagram():
    from {{ cookiecutter.package_name }}.pipelines import PIPELINES

    text = DOCUMENT.read_text(encoding="utf-8")
    assert text.count("```mermaid\nflowchart") == len(PIPELINES)
    for pipeline in PIPELINES:
        assert f"\n## {pipeline}\n" in text


if __name__ == "__main__":
    from {{ cookiecutter.package_name }}.settings import get_settings

    DOCUMENT.write_text(current_document(get_settings()), encoding="utf-8", newline="\n")
    print(f"wrote {DOCUMENT}")
