"""``train-local``: train a model on this machine, the stand-in for the AutoML pipeline."""

from __future__ import annotations

import argparse


def register(subcommands) -> None:
    parser = subcommands.add_parser("train-local", help="train a model locally (stand-in for AutoML)")
    parser.add_argument("--data", help="labelled .csv or .parquet file (default: the demo data)")
    parser.add_argument("--output", required=True, help="model file to write (.pkl)")
    parser.add_argument("--seed", type=int, default=0)
    parser.set_defaults(handler=train_command)


def train_command(args: argparse.Namespace) -> int:
    from ..local.training import train
    from ..settings import get_settings

    result = train(get_settings(), args.output, args.data, seed=args.seed)
    print(f"trained on {result.source}: {result.metrics}")
    print(f"model: {result.model_path}")
    print(f"metrics: {result.metrics_path}")
    return 0
