"""Scoring step: load a model and a tabular input, predict, write one predictions file.

On Azure ML the model comes from the registry (name and version) and the
data from the step's named dataset input; locally both are plain paths.
Everything else is the same code.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):
    # Run as a script on Azure ML: make the package importable from the snapshot.
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from {{ cookiecutter.package_name }}.schema import Schema  # noqa: E402
from {{ cookiecutter.package_name }}.scoring import (  # noqa: E402
    load_model,
    order_by_id,
    score_frame,
)
from {{ cookiecutter.package_name }}.settings import get_settings  # noqa: E402
from {{ cookiecutter.package_name }}.tabular_io import read_frame, write_frame  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    model = parser.add_mutually_exclusive_group(required=True)
    model.add_argument("--model-name", help="registered model name (on Azure ML)")
    model.add_argument("--model-path", help="model file or folder (local runs)")
    parser.add_argument("--model-version", default="latest", help="registered version, or latest")
    data = parser.add_mutually_exclusive_group(required=True)
    data.add_argument("--input-name", help="name of the step's dataset input (on Azure ML)")
    data.add_argument("--input-path", help="data file or folder (local runs)")
    parser.add_argument("--dataset-name", default="", help="registered dataset name, for the log")
    parser.add_argument(
        "--input-dataset", default="", help="the input's dataset id, filled in by Azure ML (logged)"
    )
    output = parser.add_mutually_exclusive_group(required=True)
    output.add_argument("--output-dir", help="run-scoped output folder (on Azure ML)")
    output.add_argument("--output-file", help="predictions file (local runs)")
    parser.add_argument("--output-format", choices=("csv", "parquet"), default="csv")
    return parser.parse_args(argv)


def model_file(args: argparse.Namespace) -> str:
    if args.model_path:
        return args.model_path
    from azureml.core.model import Model

    version = None if args.model_version in ("", "latest") else int(args.model_version)
    return Model.get_model_path(model_name=args.model_name, version=version)


def input_frame(args: argparse.Namespace, schema: Schema):
    if args.input_path:
        return read_frame(args.input_path, schema)
    from azureml.core import Run

    dataset = Run.get_context().input_datasets[args.input_name]
    return dataset.to_pandas_dataframe()


def output_file(args: argparse.Namespace) -> Path:
    if args.output_file:
        return Path(args.output_file)
    return Path(args.output_dir) / f"predictions.{args.output_format}"


def main(argv: list[str] | None = None) -> Path:
    args = parse_args(argv)
    schema = Schema.from_settings(get_settings())
    model = load_model(model_file(args))
    frame = input_frame(args, schema)
    predictions = order_by_id(score_frame(model, frame, schema), schema)
    written = write_frame(predictions, output_file(args))
    source = args.dataset_name or args.input_path or args.input_name
    if args.input_dataset:
        source += f" (dataset id {args.input_dataset})"
    print(f"scored {len(predictions)} rows of {source} into {written}")
    return written


if __name__ == "__main__":
    main()
