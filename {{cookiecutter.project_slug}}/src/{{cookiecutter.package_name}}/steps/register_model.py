"""Registration step: register AutoML's best model only when it beats the latest version.

Champion/challenger: the challenger's primary metric (from the AutoML metrics
output) is compared with the value tagged on the latest registered version of
the model. The challenger is registered, with its tags and the training
dataset attached, when it is better, when there is no comparable champion,
or when forced. The decision and both values are printed and logged.

Runs in the small register environment (azureml-core only): standard library
here, the SDK imported only where the workspace is used.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Tags written on every registered version; the next run reads the first two back.
METRIC_TAG = "primary_metric"
VALUE_TAG = "primary_metric_value"
REGISTERED_FILE_NAME = "model.pkl"
TRUE_WORDS = ("true", "1", "yes", "y")


def lower_is_better(metric: str) -> bool:
    """AutoML's error metrics (normalized_*) improve downwards; the others upwards."""
    return metric.startswith("normalized_") or metric.endswith("_error")


@dataclass(frozen=True)
class Champion:
    """The latest registered version of the model, as far as the comparison needs it."""

    version: int
    metric: str | None
    value: float | None


@dataclass(frozen=True)
class Decision:
    register: bool
    reason: str


def decide(
    metric: str, challenger: float, champion: Champion | None, *, force: bool = False
) -> Decision:
    """Whether the challenger (its ``metric`` value) should become a new version. Pure."""
    if force:
        return Decision(True, "registration forced")
    if champion is None:
        return Decision(True, "no version registered yet")
    if champion.metric != metric or champion.value is None:
        measured = (
            f"was measured with {champion.metric!r}" if champion.metric else "has no metric tags"
        )
        return Decision(
            True, f"version {champion.version} {measured}, not comparable with {metric!r}"
        )
    better = challenger < champion.value if lower_is_better(metric) else challenger > champion.value
    direction = "lower" if lower_is_better(metric) else "higher"
    if better:
        return Decision(
            True,
            f"{metric} {challenger:.6g} beats version {champion.version}'s "
            f"{champion.value:.6g} ({direction} is better)",
        )
    return Decision(
        False,
        f"{metric} {challenger:.6g} does not beat version {champion.version}'s "
        f"{champion.value:.6g} ({direction} is better); keeping version {champion.version}",
    )


def champion_from_tags(version: int, tags: dict | None) -> Champion:
    tags = tags or {}
    try:
        value = float(tags[VALUE_TAG])
    except (KeyError, TypeError, ValueError):
        value = None
    if value is not None and math.isnan(value):
        value = None
    return Champion(version=version, metric=tags.get(METRIC_TAG), value=value)


def _single_file(path: Path, what: str) -> Path:
    """Pipeline data arrive as a file or as a folder holding one file."""
    if path.is_dir():
        files = [p for p in sorted(path.rglob("*")) if p.is_file()]
        if len(files) != 1:
            raise SystemExit(f"{what}: expected one file in {path}, found {len(files)}")
        return files[0]
    if not path.is_file():
        raise SystemExit(f"{what}: {path} does not exist")
    return path


def _numbers(value) -> list[float]:
    values = value if isinstance(value, list) else [value]
    numbers = []
    for item in values:
        try:
            number = float(item)
        except (TypeError, ValueError):
            continue
        if not math.isnan(number):
            numbers.append(number)
    return numbers


def challenger_metric(metrics: dict, metric: str) -> float:
    """The best value of ``metric`` in a metrics file.

    AutoML's metrics output maps each child run to its metrics (a value or a
    list of values); the best model is the child with the best value. A flat
    file (``train-local``'s) holds the value itself.
    """
    candidates = _numbers(metrics[metric]) if metric in metrics else []
    for child in metrics.values():
        if isinstance(child, dict) and metric in child:
            candidates += _numbers(child[metric])[-1:]
    if not candidates:
        raise SystemExit(
            f"the metrics file holds no value of {metric!r}; was the model trained for it?"
        )
    return min(candidates) if lower_is_better(metric) else max(candidates)


class AzureModelRegistry:
    """The thin seam over the SDK: the latest version of a model, and registering a new one."""

    def __init__(self, workspace):
        self.workspace = workspace

    def latest(self, name: str) -> Champion | None:
        from azureml.core.model import Model

        models = Model.list(self.workspace, name=name, latest=True)
        if not models:
            return None
        model = max(models, key=lambda m: m.version)
        return champion_from_tags(model.version, model.tags)

    def register(
        self, name: str, model_file: Path, tags: dict, dataset=None, description: str = ""
    ):
        from azureml.core import Dataset
        from azureml.core.model import Model

        datasets = [(Dataset.Scenario.TRAINING, dataset)] if dataset is not None else None
        return Model.register(
            self.workspace,
            model_path=str(model_file),
            model_name=name,
            tags=tags,
            description=description,
            datasets=datasets,
        )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-name", required=True)
    parser.add_argument("--model-file", required=True, help="the best model (file or folder)")
    parser.add_argument("--metrics-file", required=True, help="the AutoML metrics output")
    parser.add_argument("--task", required=True)
    parser.add_argument("--primary-metric", required=True)
    parser.add_argument(
        "--training-dataset", required=True, help="registered training dataset name"
    )
    parser.add_argument(
        "--training-input", default="", help="the step's named input of that dataset"
    )
    parser.add_argument(
        "--force",
        nargs="?",
        const="true",
        default="false",
        help="register even if the model does not beat the latest version",
    )
    args = parser.parse_args(argv)
    args.force = str(args.force).strip().lower() in TRUE_WORDS
    return args


def training_dataset(run, args: argparse.Namespace):
    """The dataset version the pipeline trained on: the step's input, else the latest by name."""
    dataset = (getattr(run, "input_datasets", None) or {}).get(args.training_input)
    if dataset is None:
        from azureml.core import Dataset

        dataset = Dataset.get_by_name(run.experiment.workspace, args.training_dataset)
    return dataset


def pipeline_run_id(run) -> str:
    parent = getattr(run, "parent", None)
    return getattr(parent, "id", None) or getattr(run, "id", "")


def main(argv: list[str] | None = None, *, run=None, registry=None) -> Decision:
    args = parse_args(argv)
    if run is None:
        from azureml.core import Run

        run = Run.get_context()
    registry = registry or AzureModelRegistry(run.experiment.workspace)
    metric = args.primary_metric
    metrics = json.loads(_single_file(Path(args.metrics_file), "--metrics-file").read_text("utf-8"))
    challenger = challenger_metric(metrics, metric)
    champion = registry.latest(args.model_name)
    decision = decide(metric, challenger, champion, force=args.force)
    champion_text = (
        "none" if champion is None or champion.value is None else f"{champion.value:.6g}"
    )
    print(
        f"{args.model_name}: challenger {metric} = {challenger:.6g}; champion "
        f"(version {champion.version if champion else '-'}) = {champion_text}"
    )
    print(f"decision: {'register' if decision.register else 'do not register'}: {decision.reason}")
    run.log("challenger_" + metric, challenger)
    if champion is not None and champion.value is not None:
        run.log("champion_" + metric, champion.value)
    if not decision.register:
        return decision
    dataset = training_dataset(run, args)
    tags = {
        METRIC_TAG: metric,
        VALUE_TAG: repr(challenger),
        "task": args.task,
        "training_dataset": getattr(dataset, "name", None) or args.training_dataset,
        "training_dataset_version": str(getattr(dataset, "version", None) or "unknown"),
        "pipeline_run_id": pipeline_run_id(run),
    }
    with tempfile.TemporaryDirectory() as folder:
        # AutoML names the file after the pipeline data; register it under a name scoring finds.
        staged = Path(folder) / REGISTERED_FILE_NAME
        shutil.copyfile(_single_file(Path(args.model_file), "--model-file"), staged)
        model = registry.register(
            args.model_name,
            staged,
            tags,
            dataset,
            description=f"AutoML {args.task}: {decision.reason}",
        )
    print(f"registered {args.model_name} version {getattr(model, 'version', '?')} with tags {tags}")
    return decision


if __name__ == "__main__":
    main()
