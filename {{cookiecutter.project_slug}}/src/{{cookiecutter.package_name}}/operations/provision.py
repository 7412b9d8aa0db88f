"""``provision``: what the pipelines need in the workspace, created or brought up to date.

- the compute cluster: ``vm_size``, 0 to ``node_count`` nodes, scaled down when idle;
- the environments, one per ``*_environment`` name in the settings, from ``environments/``;
- the training and scoring datasets, registered over folders of CSV files on the default
  datastore (the scoring data as many files, so that parallel scoring can spread them).

Everything is compared before it is changed, so running it twice changes nothing:
the cluster is updated only when its scale settings differ, an environment is
registered only when its definition differs, data files are named after their
content (uploading the same data again skips them), and a dataset is registered
only when no dataset of that name exists.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import ProjectError
from ..schema import Schema
from ..settings import Settings

DEFAULT_SCORING_FILES = 8
DEMO_SCORING_ROWS = 2000


@dataclass(frozen=True)
class ClusterShape:
    vm_size: str
    min_nodes: int
    max_nodes: int
    idle_seconds: int


def desired_cluster(settings: Settings) -> ClusterShape:
    compute = settings.compute
    return ClusterShape(
        compute.vm_size, 0, compute.node_count, compute.idle_seconds_before_scaledown
    )


def current_cluster(compute) -> ClusterShape:
    scale = compute.scale_settings
    return ClusterShape(
        compute.vm_size,
        int(scale.minimum_node_count),
        int(scale.maximum_node_count),
        int(scale.idle_seconds_before_scaledown or 0),
    )


def cluster_action(current: ClusterShape | None, desired: ClusterShape, name: str) -> str:
    """``create``, ``update`` or ``unchanged``; a VM size cannot change, so that is an error."""
    if current is None:
        return "create"
    if current.vm_size.lower() != desired.vm_size.lower():
        raise ProjectError(
            f"compute cluster {name!r} exists with vm_size {current.vm_size}, the settings say "
            f"{desired.vm_size}: a cluster's VM size cannot change; delete the cluster in the "
            "studio or answer another compute_name"
        )
    same = (current.min_nodes, current.max_nodes, current.idle_seconds) == (
        desired.min_nodes,
        desired.max_nodes,
        desired.idle_seconds,
    )
    return "unchanged" if same else "update"


def provision_cluster(workspace, settings: Settings, echo: Callable[[str], None] = print) -> str:
    from azureml.core.compute import AmlCompute, ComputeTarget
    from azureml.exceptions import ComputeTargetException

    name = settings.compute.name
    desired = desired_cluster(settings)
    try:
        existing = ComputeTarget(workspace=workspace, name=name)
    except ComputeTargetException:
        existing = None
    if existing is not None and existing.type != "AmlCompute":
        raise ProjectError(
            f"compute {name!r} exists but is a {existing.type}, not a cluster: "
            "answer another compute_name"
        )
    action = cluster_action(current_cluster(existing) if existing else None, desired, name)
    if action == "create":
        config = AmlCompute.provisioning_configuration(
            vm_size=desired.vm_size,
            min_nodes=desired.min_nodes,
            max_nodes=desired.max_nodes,
            idle_seconds_before_scaledown=desired.idle_seconds,
        )
        cluster = ComputeTarget.create(workspace, name, config)
        cluster.wait_for_completion(show_output=True)
    elif action == "update":
        existing.update(
            min_nodes=desired.min_nodes,
            max_nodes=desired.max_nodes,
            idle_seconds_before_scaledown=desired.idle_seconds,
        )
        existing.wait_for_completion(show_output=True)
    echo(
        f"cluster {name}: {action} ({desired.vm_size}, "
        f"{desired.min_nodes}-{desired.max_nodes} nodes, "
        f"scale down after {desired.idle_seconds} s idle)"
    )
    return action


def project_environments(settings: Settings) -> list:
    """Every environment the settings name (``<x>_environment`` -> ``environments/<x>.yml``)."""
    from ..pipelines.environments import environment

    return [
        environment(getattr(settings.azure, field.name), field.name.removesuffix("_environment"))
        for field in dataclasses.fields(settings.azure)
        if field.name.endswith("_environment")
    ]


def conda_content(env) -> dict:
    """An environment's conda specification as plain data: no comments, no formatting, no name.

    What the service hands back is re-serialised, so text comparison would see changes
    that are not there.
    """
    content = json.loads(json.dumps(env.python.conda_dependencies._conda_dependencies, default=str))
    content.pop("name", None)
    return content


def same_environment(existing, desired) -> bool:
    """Whether a registered environment already has the definition the project's files give."""
    if existing is None:
        return False
    return (
        conda_content(existing) == conda_content(desired)
        and existing.docker.base_image == desired.docker.base_image
        and bool(existing.python.user_managed_dependencies)
        == bool(desired.python.user_managed_dependencies)
    )


def provision_environments(
    workspace, settings: Settings, echo: Callable[[str], None] = print
) -> list[str]:
    from azureml.core import Environment

    actions = []
    for desired in project_environments(settings):
        try:
            existing = Environment.get(workspace, name=desired.name)
        except Exception:  # the SDK raises a generic exception for a name it does not know
            existing = None
        if same_environment(existing, desired):
            action = "unchanged"
        else:
            registered = desired.register(workspace)
            action = f"registered version {registered.version}"
        echo(f"environment {desired.name}: {action}")
        actions.append(action)
    return actions


def content_named_files(frame, folder: Path, prefix: str, parts: int) -> list[Path]:
    """Write ``frame`` as up to ``parts`` CSV files named after their content.

    The same data always gives the same names, so uploading it again (with
    ``overwrite=False``) skips every file; new data adds new files.
    """
    folder.mkdir(parents=True, exist_ok=True)
    parts = max(1, min(parts, len(frame)))
    size = -(-len(frame) // parts)
    written = []
    for index in range(parts):
        chunk = frame.iloc[index * size : (index + 1) * size]
        if chunk.empty:
            continue
        text = chunk.to_csv(index=False)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
        path = folder / f"{prefix}-{digest}.csv"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def local_frames(settings: Settings, training_data: str | None, scoring_data: str | None):
    """The training and scoring frames: the given files, or the demo data when none is given."""
    from ..demo_data import demo_training_frame
    from ..simulate import simulate
    from ..tabular_io import read_frame

    schema = Schema.from_settings(settings)
    reference, _ = demo_training_frame(schema, settings.model.task)
    training = read_frame(training_data, schema) if training_data else reference
    if scoring_data:
        scoring = read_frame(scoring_data, schema)
    else:
        scoring = simulate(schema, DEMO_SCORING_ROWS, seed=0, reference=reference)
    return schema, training, scoring


def provision_datasets(
    workspace,
    settings: Settings,
    *,
    training_data: str | None = None,
    scoring_data: str | None = None,
    scoring_files: int = DEFAULT_SCORING_FILES,
    echo: Callable[[str], None] = print,
) -> None:
    from azureml.core import Dataset
    from azureml.data.dataset_factory import DataType

    schema, training, scoring = local_frames(settings, training_data, scoring_data)
    datastore = workspace.get_default_datastore()
    # Text columns stay text (ids like "007" keep their zeros); the rest is inferred.
    column_types = {
        c.name: DataType.to_string() for c in schema.training_columns if c.kind == "str"
    }
    plan = (
        ("training_dataset", training, settings.azure.training_data_path, 1),
        ("scoring_dataset", scoring, settings.azure.scoring_data_path, scoring_files),
    )
    with tempfile.TemporaryDirectory() as staging:
        for field, frame, folder, parts in plan:
            files = content_named_files(
                frame, Path(staging) / field, field.replace("_dataset", ""), parts
            )
            datastore.upload_files(
                [str(f) for f in files], target_path=folder, overwrite=False, show_progress=False
            )
            name = getattr(settings.data, field)
            try:
                Dataset.get_by_name(workspace, name=name)
                action = "already registered"
            except Exception:  # not registered yet
                dataset = Dataset.Tabular.from_delimited_files(
                    path=(datastore, f"{folder}/*.csv"),
                    set_column_types={k: v for k, v in column_types.items() if k in frame.columns}
                    or None,
                )
                dataset.register(
                    workspace, name=name, description=f"{settings.project_name}: {field}"
                )
                action = "registered"
            echo(
                f"dataset {name}: {action}; {len(files)} file(s) of {len(frame)} rows in "
                f"{datastore.name}:{folder}/ (files already there are kept)"
            )


def provision(workspace, settings: Settings, **data_options) -> None:
    """Cluster, environments and datasets, in that order; safe to run again."""
    provision_cluster(workspace, settings)
    provision_environments(workspace, settings)
    provision_datasets(workspace, settings, **data_options)
